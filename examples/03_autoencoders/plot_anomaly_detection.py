"""
Anomaly detection by reconstruction error
=========================================

An autoencoder rebuilds well what looks like its training data, and badly what does not. Its
reconstruction error is therefore an anomaly score that needs no example of an anomaly. We train
an autoencoder on the digits 0 to 8 only, then score test digits 0 to 8 (normal) and every 9 of
scikit-learn's digits (never seen: the anomalies), and draw the ROC curve. PCA with the same code
size is the baseline.
"""

# %%
# Training on normal data only
# ----------------------------
#
# The 9s are removed from the training set. The test set holds the other test digits and all the
# 9s, from both the training and the test split, since the model saw none of them.
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.metrics import roc_auc_score, roc_curve

from labkit.autoencoders import (
    DenseAutoencoder, pca_reconstruct, reconstruct, reconstruction_error, train_autoencoder,
)
from labkit.data import load_digits_split
from labkit.i18n import _
from labkit.plotting import PALETTE, use_style

use_style()
torch.set_num_threads(1)  # one thread: results that do not depend on the number of cores
X_train, X_test, y_train, y_test = load_digits_split(seed=0)
X_normal = X_train[y_train != 9]
X_eval = np.concatenate([X_test[y_test != 9], X_train[y_train == 9], X_test[y_test == 9]])
is_nine = np.concatenate([np.zeros(np.sum(y_test != 9)), np.ones(np.sum(y_train == 9) + np.sum(y_test == 9))])
print(_("training on {n_train} digits 0-8; scoring {n_normal} normal digits and {n_nines} nines").format(
    n_train=len(X_normal), n_normal=int((1 - is_nine).sum()), n_nines=int(is_nine.sum())))

CODE_SIZE = 8
model = DenseAutoencoder(64, code_size=CODE_SIZE, hidden_sizes=[128], activation="relu", seed=0)
train_autoencoder(model, X_normal, epochs=40, batch_size=128, lr=3e-3, seed=0)
scores = {
    "autoencoder": reconstruction_error(X_eval, reconstruct(model, X_eval)),
    "PCA": reconstruction_error(X_eval, pca_reconstruct(X_normal, X_eval, CODE_SIZE)),
}
SHOWN = {"autoencoder": _("autoencoder"), "PCA": _("PCA")}  # the models' names as the figures and outputs show them

# %%
# The scores of the two groups
# ----------------------------
#
# The 9s are rebuilt worse than the normal digits (the medians are printed), but the two
# histograms overlap: some 9s are rebuilt well, and some normal digits badly.
ae_score = scores["autoencoder"]
print(_("median reconstruction error: 9s {nines:.4f}, digits 0-8 {normal:.4f}").format(
    nines=np.median(ae_score[is_nine == 1]), normal=np.median(ae_score[is_nine == 0])))
assert np.median(ae_score[is_nine == 1]) > np.median(ae_score[is_nine == 0])  # "rebuilt worse", on this run
fig, ax = plt.subplots()
bins = np.linspace(0, np.quantile(scores["autoencoder"], 0.99), 40)
ax.hist(scores["autoencoder"][is_nine == 0], bins=bins, alpha=0.6, color=PALETTE[0], label=_("digits 0-8 (normal)"))
ax.hist(scores["autoencoder"][is_nine == 1], bins=bins, alpha=0.6, color=PALETTE[1], label=_("9s (anomalies)"))
ax.set(xlabel=_("reconstruction error of the autoencoder"), ylabel=_("number of test images"),
       title=_("9s are rebuilt worse than the digits the model learned"))
ax.legend()
plt.show()

# %%
# ROC curve and AUC
# -----------------
#
# The ROC curve follows every threshold on the score: the fraction of 9s caught against the fraction
# of normal digits wrongly flagged. The area under it (AUC) is the probability that a random 9
# scores higher than a random normal digit: 0.5 is chance, 1 is perfect. The autoencoder separates
# the groups well but not perfectly; PCA, with the same code size, separates them less well.
fig, ax = plt.subplots()
aucs = {}
for (name, score), color in zip(scores.items(), PALETTE):
    fpr, tpr, _thresholds = roc_curve(is_nine, score)
    aucs[name] = roc_auc_score(is_nine, score)
    # The name is its own message, so that it reads in French wherever it appears.
    ax.plot(fpr, tpr, color=color, label=SHOWN[name] + " " + _("(AUC = {auc:.3f})").format(auc=aucs[name]))
    print(SHOWN[name] + _(": AUC = {auc:.3f}").format(auc=aucs[name]))
# What the text says, checked on this run: well but not perfectly, and better than PCA.
assert aucs["PCA"] < aucs["autoencoder"] < 1
ax.plot([0, 1], [0, 1], color=PALETTE[7], linewidth=1, linestyle=":", label=_("chance"))
ax.set(xlabel=_("false positive rate (normal digits flagged)"), ylabel=_("true positive rate (9s caught)"),
       title=_("Detecting unseen 9s by reconstruction error"))
ax.legend()
plt.show()
