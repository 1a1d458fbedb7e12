"""
Checking a gradient
===================

How can we be sure that a backward pass written by hand is right? We compare its gradient with two
independent references: finite differences, which only evaluate the loss, and PyTorch's automatic
differentiation. The network is small (64 inputs, 16 hidden tanh units, 10 outputs) and the loss is
computed on a batch of 16 handwritten digits from scikit-learn. We then look at how the step size of
the finite differences limits their accuracy.
"""

# %%
# Three ways to get the same gradient
# -----------------------------------
#
# A finite difference moves one weight by a small step ``eps`` up and down, and divides the change
# of the loss by ``2 * eps``. It needs two evaluations of the loss per weight, so it is far too slow
# for training, but it is an independent check. PyTorch, on the other side, differentiates the same
# network automatically. For each weight matrix and bias vector, we measure the relative error
# between the hand-written gradient and each reference (``gradient_errors`` for finite differences).
import matplotlib.pyplot as plt
import numpy as np

from labkit.backprop import MLP, gradient_check, gradient_errors, relative_error, torch_gradients
from labkit.data import load_digits_split
from labkit.i18n import _
from labkit.plotting import use_style

use_style()

X_train, _X_test, y_train, _y_test = load_digits_split(seed=0)
X, y = X_train[:16], y_train[:16]
model = MLP([64, 16, 10], activation="tanh", init="xavier", seed=1)

_loss, by_hand = model.loss_and_gradients(X, y)
by_torch = torch_gradients(model, X, y)

names = ["W1", "b1", "W2", "b2"]
error_fd = gradient_errors(model, X, y, eps=1e-6)
error_torch = [relative_error(h, t) for h, t in zip(by_hand, by_torch)]

positions = np.arange(len(names))
fig, ax = plt.subplots()
ax.bar(positions - 0.2, error_fd, width=0.4, label=_("finite differences (ε = 10⁻⁶)"))
ax.bar(positions + 0.2, error_torch, width=0.4, label=_("PyTorch automatic differentiation"))
ax.axhline(np.finfo(np.float64).eps, color="black", linewidth=1, linestyle=":",
           label=_("rounding error of double precision"))
ax.set_yscale("log")
ax.set_xticks(positions, names)
ax.set(xlabel=_("parameter"), ylabel=_("relative error of the\nhand-written gradient"),
       title=_("The hand-written gradient against two references"))
ax.set_ylim(1e-17, 1e-4)  # room above the bars for the legend
ax.legend(loc="upper right")
plt.show()

# %%
# The hand-written gradient agrees with finite differences to the number of digits printed below,
# which is all that finite differences can offer. It agrees with PyTorch to the last digits of double
# precision: both compute the same formulas, only in a different order.
print(_("largest relative error against finite differences: {error:.1e} (about {digits:.0f} digits)").format(
    error=max(error_fd), digits=-np.log10(max(error_fd))))
print(_("largest relative error against PyTorch:            {error:.1e}").format(error=max(error_torch)))
assert max(error_torch) < 1e-13 < max(error_fd)

# %%
# The step size of finite differences: a V curve
# ----------------------------------------------
#
# The accuracy of finite differences depends on the step ``eps``. A large step measures the slope
# of a chord, not of the tangent: this truncation error shrinks like the square of ``eps``. A tiny
# step divides the rounding error of the loss, about 1e-16, by ``eps``: this error grows as ``eps``
# shrinks. Between the two, the error is smallest. With ReLU, a large step may also cross the kink
# at zero of some units, which makes the error at large steps bigger than with tanh (checked below).
steps = np.logspace(-1, -12, 23)
curves = {}
for activation in ["tanh", "ReLU"]:
    net = MLP([64, 16, 10], activation=activation.lower(), init="xavier", seed=1)
    curves[activation] = np.array([gradient_check(net, X, y, eps=eps) for eps in steps])

fig, ax = plt.subplots(figsize=(6, 5))
for activation, marker in zip(curves, "os"):
    label = _("finite differences, {activation} network").format(activation=activation)
    ax.plot(steps, curves[activation], marker=marker, label=label)
ax.axhline(max(error_torch), color="black", linestyle="--", linewidth=1, label=_("PyTorch, tanh network"))
ax.set(xscale="log", yscale="log", xlabel=_("finite-difference step ε"),
       ylabel=_("largest relative error of the gradient"),
       title=_("Too large a step truncates, too small a step rounds"))
fig.legend(loc="outside lower center")
plt.show()

# %%
# The best step, printed below, is where the two errors balance: of the order of the cube root of
# machine epsilon. Even there, finite differences are far less accurate than automatic
# differentiation, by the printed factor.
best = steps[np.argmin(curves["tanh"])]
line = _("best step for the tanh network: {best:.0e}, relative error {error:.1e}, {times:.0e} times the error of "
         "PyTorch's gradient")
print(line.format(best=best, error=curves["tanh"].min(), times=curves["tanh"].min() / max(error_torch)))
assert 1e-7 < best < 1e-3 and curves["tanh"].min() > 1e3 * max(error_torch)
assert curves["ReLU"][0] > curves["tanh"][0]  # at the largest step, the kinks add to the truncation
