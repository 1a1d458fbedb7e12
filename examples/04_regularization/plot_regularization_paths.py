"""
Regularisation paths: L1 switches weights off, L2 shrinks them
==============================================================

How does each weight of a linear model change as the penalty grows? We fit scikit-learn's
diabetes data (442 patients, 10 standardised measurements, a disease-progression score) with an
L1 penalty (the lasso, solved by proximal gradient descent) and with an L2 penalty (ridge, in
closed form), for 40 values of ``lam`` from large to small. The L2 pull ``lam * w`` fades as a
weight shrinks, so L2 needs a larger ``lam`` than L1 to shrink the weights as much: its grid is 100
times larger.
"""

# %%
# The two paths
# -------------
#
# Along the L1 path, weights leave zero one at a time as ``lam`` decreases: for a large ``lam``,
# most are exactly 0. (The lasso path is not monotone: a weight can also return to 0 on the way.) Along the L2 path, every weight is non-zero for every ``lam`` and shrinks
# smoothly towards 0.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes

from labkit.i18n import _
from labkit.plotting import use_style
from labkit.regularization import lasso_path, ridge_path

use_style()
data = load_diabetes()
X = (data.data - data.data.mean(axis=0)) / data.data.std(axis=0)
y = (data.target - data.target.mean()) / data.target.std()

lams_l1 = np.logspace(0, -4, 40)  # decreasing: each lasso solution starts from the previous one
lams_l2 = 100 * lams_l1
w_l1 = lasso_path(X, y, lams_l1)
w_l2 = ridge_path(X, y, lams_l2)

fig, axes = plt.subplots(2, 1, figsize=(6.0, 6.4), sharey=True)  # one above the other: narrow enough for a phone
for ax, path, lams, title in ((axes[0], w_l1, lams_l1, _("L1 (lasso)")), (axes[1], w_l2, lams_l2, _("L2 (ridge)"))):
    ax.plot(lams, path)
    ax.set(xscale="log", xlabel=_("penalty coefficient λ"), ylabel=_("weight"), title=title)
fig.suptitle(_("Weights of the 10 inputs\nas the penalty grows (to the right)"))
plt.show()

# %%
# Counting the zeros
# ------------------
#
# As ``lam`` grows, the number of non-zero weights along the L1 path goes down in steps, from all
# 10 inputs to none (the printed counts); along the L2 path it stays at 10, the number of inputs. This is why L1 is used to select features and L2 is not.
nonzero_l1 = (w_l1 != 0).sum(axis=1)
nonzero_l2 = (w_l2 != 0).sum(axis=1)
for i in (0, 10, 20, 39):
    print(_("L1 with λ = {lam_l1:.0e}: {n_l1:2d} non-zero weights; L2 with λ = {lam_l2:.0e}: {n_l2:2d}").format(
        lam_l1=lams_l1[i], n_l1=nonzero_l1[i], lam_l2=lams_l2[i], n_l2=nonzero_l2[i]))
assert np.all(nonzero_l2 == X.shape[1]) and nonzero_l1[0] == 0 and nonzero_l1[-1] == X.shape[1]

fig, ax = plt.subplots()
ax.step(lams_l1, nonzero_l1, where="mid", label="L1")
ax.step(lams_l2, nonzero_l2, where="mid", linestyle="--", label="L2")
ax.set(xscale="log", xlabel=_("penalty coefficient λ"), ylabel=_("number of non-zero weights"),
       title=_("L1 sets weights to exactly 0, L2 never does"))
ax.legend()
plt.show()
