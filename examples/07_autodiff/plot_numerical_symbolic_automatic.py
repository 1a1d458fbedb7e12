"""
Numerical, symbolic and automatic differentiation
=================================================

Three ways to get a derivative out of a computer. *Numerical* differentiation evaluates the function
at nearby points and divides by the step; *symbolic* differentiation rewrites the formula with the
rules of calculus (here with SymPy); *automatic* differentiation runs the program on numbers that
carry their derivative along (here labkit's dual numbers). We measure the error of the first, the
size of the second's output, and compare both with the third.
"""

# %%
# Finite differences: a V-shaped error
# ------------------------------------
#
# We differentiate :math:`f(x) = e^x \sin x` at :math:`x = 1`, where the exact derivative is
# :math:`e^x (\sin x + \cos x)`. A finite difference with step ``h`` has two errors: truncation, which
# shrinks with ``h`` (like ``h`` for the forward difference, ``h²`` for the central one), and
# round-off, which grows like machine epsilon divided by ``h``. Their sum draws a V. Forward mode,
# on a dual number, has neither: its error stays at the level of rounding, whatever the point.
import matplotlib.pyplot as plt
import numpy as np

from labkit.autodiff import Dual, expression_swell
from labkit.backprop import numerical_gradient
from labkit.i18n import _
from labkit.plotting import PALETTE, use_style

use_style()

x0 = 1.0
exact = np.exp(x0) * (np.sin(x0) + np.cos(x0))


def f(x):
    return x.exp() * x.sin()  # a Dual with tangent 0 (the default) evaluates f alone


steps = np.logspace(-15, -1, 57)
forward_error = [abs((f(Dual(x0 + h)).value - f(Dual(x0)).value) / h - exact) / abs(exact) for h in steps]
central_error = [abs(numerical_gradient(lambda v: float(f(Dual(v)).value.sum()), np.array([x0]), eps=h)[0]
                     - exact) / abs(exact) for h in steps]
ad_error = abs(f(Dual(x0, 1.0)).tangent - exact) / abs(exact)
best = steps[int(np.argmin(central_error))]
print(_("best central difference: relative error {error:.1e} at h = {h:.0e}").format(error=min(central_error), h=best))
print(_("best forward difference: relative error {error:.1e}").format(error=min(forward_error)))
print(_("automatic differentiation (forward mode): relative error {error:.1e}").format(error=ad_error))
assert ad_error <= np.finfo(np.float64).eps  # the line drawn below: at most machine epsilon

eps = np.finfo(np.float64).eps
fig, ax = plt.subplots(figsize=(6, 5))
ax.loglog(steps, forward_error, "o-", markersize=3, label=_("forward difference"))
ax.loglog(steps, central_error, "s-", markersize=3, label=_("central difference"))
# An error of exactly 0 has no place on a log axis: the line is drawn at machine epsilon instead.
ax.axhline(max(ad_error, eps), color=PALETTE[2], label=_("automatic differentiation (≤ machine epsilon)"))
ax.set(xlabel=_("step h"), ylabel=_("relative error of the derivative"),
       title=_("Finite differences: truncation on the right,\nround-off on the left"))
fig.legend(loc="outside lower center")
plt.show()

# %%
# Symbolic differentiation: expression swell
# -------------------------------------------
#
# Symbolic differentiation gives an exact formula, but a formula is a tree: a subexpression used twice
# is written twice, and the product rule doubles it again. We iterate the logistic map
# :math:`l \leftarrow 4 l (1 - l)` ``depth`` times and count the operations of SymPy's derivative.
# Reverse mode works on the evaluation trace instead, a graph in which every intermediate value
# appears once: its size, and the cost of the backward pass over it, grow linearly.
depths = np.arange(1, 9)
symbolic, trace = np.array([expression_swell(int(d)) for d in depths]).T
for d, s, t in zip(depths, symbolic, trace):
    print(_("depth {d}: symbolic derivative {s:6d} operations, evaluation trace {t:3d} operations").format(d=d, s=s, t=t))
assert np.array_equal(trace, trace[0] * depths)  # the trace grows linearly: the same operations per step

fig, ax = plt.subplots()
ax.semilogy(depths, symbolic, "o-", label=_("symbolic derivative (SymPy, unsimplified)"))
ax.semilogy(depths, trace, "s-", label=_("evaluation trace (reverse mode)"))
ax.set(xlabel=_("depth of the nested expression"), ylabel=_("number of operations"),
       title=_("The symbolic derivative swells, the trace grows linearly"))
ax.legend()
plt.show()
