"""
Multi-view learning: two halves of a digit, and why rotations are not views
===========================================================================

Can a second view of the same objects make up for scarce labels? Each digit is seen by two
noisy "cameras": one sees its left half, the other its right half. Only 20 digits are labelled
(two per class); the other 1,327 training digits come without labels. We compare a classifier on
one view with co-training and canonical correlation analysis (CCA), which use both views and the
unlabelled pairs. Then we train on rotated copies of the labelled digits, which is data
augmentation, to show that it is a different thing.
"""

# %%
# Two views of the same digits
# ----------------------------
import matplotlib.pyplot as plt
import numpy as np
import torch

from labkit.data import digit_views, load_digits_split
from labkit.multiview import CCA, co_predict, co_training, rotated_copies, softmax_regression
from labkit.plotting import PALETTE, use_style
from labkit.regularization import accuracy

use_style()
torch.set_num_threads(1)  # tiny models: a second thread costs more than it saves

X, X_test, y, y_test = load_digits_split(seed=0)
left, right = digit_views(X, noise=0.1, seed=0)
left_test, right_test = digit_views(X_test, noise=0.1, seed=1)
rng = np.random.default_rng(0)
labelled = np.concatenate([rng.choice(np.flatnonzero(y == c), 2, replace=False) for c in range(10)])
unlabelled = np.setdiff1d(np.arange(len(y)), labelled)

fig, axes = plt.subplots(1, 3, figsize=(6, 2.4))
for ax, img, title in zip(axes, (X[0].reshape(8, 8), left[0].reshape(8, 4), right[0].reshape(8, 4)),
                          ("the digit", "view 1: left camera", "view 2: right camera")):
    ax.imshow(img, cmap="gray_r", vmin=0, vmax=1)  # the same grey scale for the three images
    ax.set_title(title, fontsize=9)
    ax.axis("off")
plt.show()


# %%
# A second view, with unlabelled pairs, helps
# -------------------------------------------
#
# Co-training trains a classifier per view; each one labels, for the other, the unlabelled digits
# it is most sure of, for ten rounds. CCA ignores the labels: it finds the directions in which the
# left and right halves of the 1,327 unlabelled digits agree most, and a classifier is trained on
# the 20 labelled digits projected on them.
scores = {}
scores["left view only"] = accuracy(softmax_regression(left[labelled], y[labelled], 10), left_test, y_test)
scores["both views side by side"] = accuracy(
    softmax_regression(np.hstack([left, right])[labelled], y[labelled], 10), np.hstack([left_test, right_test]), y_test)
model_left, model_right = co_training(left[labelled], right[labelled], y[labelled], left[unlabelled],
                                      right[unlabelled], n_classes=10, rounds=10)
scores["co-training"] = float(np.mean(co_predict(model_left, model_right, left_test, right_test) == y_test))
cca = CCA(10, reg=1e-2).fit(left[unlabelled], right[unlabelled])
train_cca, test_cca = np.hstack(cca.transform(left, right)), np.hstack(cca.transform(left_test, right_test))
scores["CCA features"] = accuracy(softmax_regression(train_cca[labelled], y[labelled], 10), test_cca, y_test)
print("largest canonical correlations between the two halves:", np.round(cca.correlations_[:3], 2).tolist())

# %%
# Rotated copies are augmentation, not a second view
# --------------------------------------------------
#
# Rotating each labelled digit by -20 to 20 degrees gives five times more training *examples*,
# all of the left view, and all with the same 20 labels. Nothing new is seen about any digit: no
# second description of the same object, no unlabelled data. Augmentation teaches invariance to a
# transformation; here, small rotations barely matter and it does not help.
angles = [-20, -10, 0, 10, 20]
left_rotated, _ = digit_views(rotated_copies(X[labelled], angles), noise=0.1, seed=2)
scores["left view + rotated copies"] = accuracy(
    softmax_regression(left_rotated, np.tile(y[labelled], len(angles)), 10), left_test, y_test)

fig, ax = plt.subplots(figsize=(7, 3.4))
names = list(scores)
ax.barh(names, [scores[n] for n in names], color=[PALETTE[5]] + [PALETTE[0]] * 3 + [PALETTE[3]])
ax.invert_yaxis()
ax.set_xlabel("test accuracy (20 labelled digits)")
ax.set_title("Two views help; rotated copies of one view do not")
plt.show()
for name in names:
    print(f"{name:>27}: {scores[name]:.3f}")

# %%
# Co-training, which uses both views and the unlabelled pairs, scores best; CCA, learned without
# a single label, also beats one view. Rotating the images of one view did not add what a second
# view adds: more information about each object.
