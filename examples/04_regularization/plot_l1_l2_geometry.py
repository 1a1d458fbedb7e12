"""
The geometry of L1 and L2: the diamond and the disc
===================================================

Why does an L1 penalty set weights to exactly zero when an L2 penalty only shrinks them? For a
convex loss such as least squares, a penalty ``lam * R(w)`` is the same as a constraint
``R(w) <= t`` (Lagrangian duality): the solution is the point of the constraint region where the
loss contours first touch it. We fit a least-squares model with two
correlated inputs (seeded synthetic data) and draw its loss contours with the L1 ball (a diamond)
and the L2 ball (a disc) through the penalised solutions.
"""

# %%
# A two-weight regression
# -----------------------
#
# The unpenalised solution has two non-zero weights. We compute the L1 (lasso) and L2 (ridge)
# solutions for one value of ``lam`` each.
import matplotlib.pyplot as plt
import numpy as np

from labkit.i18n import _
from labkit.plotting import PALETTE, use_style
from labkit.regularization import lasso_path, ridge_path

use_style()
rng = np.random.default_rng(0)
X = rng.normal(size=(200, 2)) @ np.array([[1.0, 0.0], [0.6, 0.8]])  # correlated inputs
y = X @ np.array([1.5, 0.5]) + 0.3 * rng.normal(size=200)

w_free = ridge_path(X, y, [0.0])[0]
w_l1 = lasso_path(X, y, [0.6])[0]
w_l2 = ridge_path(X, y, [0.5])[0]
print(_("no penalty: w = {w}").format(w=np.round(w_free, 3)))
print(_("L1, λ = 0.6: w = {w}   (a weight is exactly {zero})").format(w=np.round(w_l1, 3), zero=w_l1[1]))
print(_("L2, λ = 0.5: w = {w}   (both weights shrink, neither is 0)").format(w=np.round(w_l2, 3)))
assert np.all(w_free != 0) and w_l1[1] == 0 != w_l1[0] and np.all(w_l2 != 0)
assert np.linalg.norm(w_l2) < np.linalg.norm(w_free)

# %%
# Where the contours touch the constraint
# ---------------------------------------
#
# The L1 solution lies on the diamond ``|w1| + |w2| = |w_l1|_1`` and the L2 solution on the disc
# ``|w| = |w_l2|_2``. The loss contours are ellipses around the unpenalised solution. The diamond
# has corners on the axes, and an ellipse coming from most directions touches a corner first: one
# weight is then exactly 0. The disc has no corners, so the touching point is generally off the axes.
g1, g2 = np.meshgrid(np.linspace(-0.6, 2.2, 300), np.linspace(-0.6, 2.2, 300))
W = np.stack([g1.ravel(), g2.ravel()], axis=1)
loss = (((X @ W.T - y[:, None]) ** 2).mean(axis=0) / 2).reshape(g1.shape)

fig, axes = plt.subplots(1, 2, figsize=(6.0, 4.0), sharey=True)
theta = np.linspace(0, 2 * np.pi, 400)
regions = {
    _("L1: the diamond"): (w_l1, np.abs(w_l1).sum() * np.array([np.cos(theta), np.sin(theta)])
                        / (np.abs(np.cos(theta)) + np.abs(np.sin(theta)))),
    _("L2: the disc"): (w_l2, np.linalg.norm(w_l2) * np.array([np.cos(theta), np.sin(theta)])),
}
for ax, (title, (w, boundary)) in zip(axes, regions.items()):
    level = ((X @ w - y) ** 2).mean() / 2  # the contour through the penalised solution
    ax.contour(g1, g2, loss, levels=np.quantile(loss, [0.01, 0.03, 0.08, 0.2, 0.4]), colors="0.7", linewidths=1)
    ax.contour(g1, g2, loss, levels=[level], colors=PALETTE[1], linewidths=1.5)
    ax.fill(*boundary, color=PALETTE[0], alpha=0.25)
    ax.plot(*w_free, "k*", markersize=12, label=_("no penalty"))
    ax.plot(*w, "o", color=PALETTE[1], markersize=8, label=_("penalised solution"))
    ax.axhline(0, color="k", linewidth=0.8)
    ax.axvline(0, color="k", linewidth=0.8)
    ax.set_aspect("equal")
    ax.set(title=title, xlabel="$w_1$")
    ax.locator_params(nbins=4)
axes[0].set_ylabel("$w_2$")
fig.legend(handles=axes[0].get_legend_handles_labels()[0], loc="outside lower center", ncol=2)  # off the panels
plt.show()
