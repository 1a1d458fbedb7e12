"""
Weight histograms with and without a penalty
============================================

What does a penalty do to the weights of a network? We train the same network (64 inputs, 128
ReLU units, 10 outputs) on 200 handwritten digits from scikit-learn four times, with plain SGD:
without penalty, with an L2 penalty, with an L1 penalty added to the loss (the subgradient, as
autograd computes it), and with the same L1 penalty applied as a proximal step (soft-thresholding
after each SGD step). Then we look at the distribution of the weights.
"""

# %%
# Four trainings
# --------------
import matplotlib.pyplot as plt
import numpy as np
import torch

from labkit.data import load_digits_split
from labkit.i18n import _
from labkit.plotting import use_style
from labkit.regularization import Optimization, Regularizers, make_mlp, penalized_weights, train_classifier
from labkit.training import accuracy

use_style()
torch.set_num_threads(1)  # one thread: results that do not depend on the number of cores
X, X_test, y, y_test = load_digits_split(seed=0)
X_train, y_train, X_val, y_val = X[:200], y[:200], X[200:500], y[200:500]

PENALTIES = {
    _("no penalty"): {},
    _("L2, λ = 3e-2"): dict(l2=3e-2),
    _("L1 in the loss, λ = 2e-3"): dict(l1=2e-3),
    _("L1 as a proximal step, λ = 2e-3"): dict(l1=2e-3, l1_proximal=True),
}
weights = {}
for name, options in PENALTIES.items():
    net = make_mlp([64, 128, 10], seed=0)
    train_classifier(net, X_train, y_train, X_val, y_val, Optimization(epochs=100, optimizer="sgd", lr=0.1, seed=0),
                     Regularizers(**options))
    weights[name] = penalized_weights(net)
    line = _("test accuracy {accuracy:.3f}, weights exactly 0: {zero:6.1%}, |w| < 1e-3: {small:6.1%}")
    print(f"{name:34s} " + line.format(accuracy=accuracy(net, X_test, y_test), zero=np.mean(weights[name] == 0),
                                       small=np.mean(np.abs(weights[name]) < 1e-3)))

# %%
# L2 shrinks, L1 concentrates at zero
# -----------------------------------
#
# L2 narrows the whole distribution: every weight is pulled in proportion to its size, so large
# weights shrink most and none reaches 0. L1 pulls every weight by the same amount: it piles most
# weights up near 0 (the printed share below 1e-3) and leaves the useful ones large, here as large
# as without penalty. Both ways of applying L1 look alike at this scale: a tall bar at 0.
w_none, w_l2, w_sub, w_prox = weights.values()
assert not np.any(w_l2 == 0) and w_l2.std() < w_none.std() and np.abs(w_l2).max() < np.abs(w_none).max()
for w in (w_sub, w_prox):
    assert np.mean(np.abs(w) < 1e-3) > 0.5 and np.abs(w).max() >= np.abs(w_none).max()
fig, axes = plt.subplots(2, 2, figsize=(6.0, 5.6), sharex=True, sharey=True)
bins = np.linspace(-0.6, 0.6, 121)
# The panels' titles: the two L1 variants' coefficient on a line of its own, to fit a narrow panel.
TITLES = [_("no penalty"), _("L2, λ = 3e-2"), _("L1 in the loss\nλ = 2e-3"), _("L1 as a proximal step\nλ = 2e-3")]
for ax, title, w in zip(axes.ravel(), TITLES, weights.values()):
    ax.hist(np.clip(w, bins[0], bins[-1]), bins=bins)
    ax.set(yscale="log", title=title)
    ax.locator_params(axis="x", nbins=4)
for ax in axes[1]:
    ax.set_xlabel(_("weight"))
for ax in axes[:, 0]:
    ax.set_ylabel(_("number of weights"))
plt.show()

# %%
# Near zero, or exactly zero
# --------------------------
#
# Zooming in on the size of the small weights tells the two L1 variants apart. With the penalty in
# the loss, each step pushes a small weight by ``lr * lam`` towards 0, and past it: the weight
# oscillates around 0 at a scale of about ``lr * lam = 2e-4`` (the printed median of the small
# weights) and is never exactly 0. The proximal step stops at 0: more than half of the weights are
# exactly 0 (the printed share), and could be removed from the network.
small = np.abs(w_sub[np.abs(w_sub) < 1e-3])
print(_("L1 in the loss: median |w| of the weights below 1e-3: {median:.1e} (lr * λ = {step:.0e}); "
        "exactly 0: {zero:.1%}").format(median=np.median(small), step=0.1 * 2e-3, zero=np.mean(w_sub == 0)))
print(_("L1 as a proximal step: exactly 0: {zero:.1%}").format(zero=np.mean(w_prox == 0)))
assert np.all(w_sub != 0) and 0.2 < np.median(small) / (0.1 * 2e-3) < 5 and np.mean(w_prox == 0) > 0.5
fig, ax = plt.subplots(figsize=(6.0, 4.6))
log_bins = np.linspace(-9, 0, 73)
for name in list(PENALTIES)[2:]:
    w = np.abs(weights[name])
    ax.hist(np.log10(w[w > 0]), bins=log_bins, histtype="step", linewidth=2,
            label=name + " " + _("({share:.0%} exactly 0, not shown)").format(share=np.mean(w == 0)))
ax.axvline(np.log10(0.1 * 2e-3), color="k", linestyle=":", linewidth=1)
ax.set(xlabel=_("log₁₀ |weight| (dotted line: lr · λ)"), ylabel=_("number of weights"),
       title=_("The subgradient hovers near 0,\nthe proximal step lands on it"))
fig.legend(loc="outside lower center")  # below the axes, off the histograms
plt.show()
