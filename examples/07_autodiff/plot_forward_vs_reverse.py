"""
Forward or reverse mode: who pays for what
==========================================

Forward mode pushes one tangent through the program: one pass gives one column of the Jacobian. Reverse
mode pulls one gradient back through the recorded trace: one pass gives one row. A full Jacobian of
:math:`f: \\mathbb{R}^n \\to \\mathbb{R}^m` therefore costs ``n`` forward passes or ``m`` reverse passes.
A loss is a function :math:`\\mathbb{R}^n \\to \\mathbb{R}` with ``n`` in the millions: this is why
deep learning uses reverse mode. We time both modes of labkit on a function with many inputs and one
output, then on the mirror case, one input and many outputs.
"""

# %%
# Many inputs, one output: reverse mode wins
# ------------------------------------------
#
# :math:`f(x) = \sum_i \tanh(x_i)\, x_i`, for ``n`` from 10 to 1,000. ``jacobian(f, x, "forward")`` runs
# ``n`` passes on dual numbers; ``jacobian(f, x, "reverse")`` runs one pass on a ``Tensor``. Both give
# the same gradient.
import matplotlib.pyplot as plt
import numpy as np

from labkit.autodiff import jacobian, median_time
from labkit.i18n import _
from labkit.plotting import use_style

use_style()


def loss_like(x):
    return (x.tanh() * x).sum()  # R^n -> R


def time_both_modes(f, x):
    """Check that both modes give the same Jacobian of ``f`` at ``x``, then time each (median of 3)."""
    assert np.allclose(jacobian(f, x, "forward"), jacobian(f, x, "reverse"), rtol=1e-12)
    return [median_time(lambda: jacobian(f, x, mode), repeats=3) for mode in ("forward", "reverse")]


sizes = [10, 30, 100, 300, 1000]
forward_times, reverse_times = [], []
for n in sizes:
    forward, reverse = time_both_modes(loss_like, np.random.default_rng(0).normal(size=n))
    forward_times.append(forward)
    reverse_times.append(reverse)
    line = _("n = {n:5d}: forward mode {forward:8.2f} ms, reverse mode {reverse:6.2f} ms, ratio {ratio:6.1f}")
    print(line.format(n=n, forward=forward_times[-1] * 1e3, reverse=reverse_times[-1] * 1e3,
                      ratio=forward_times[-1] / reverse_times[-1]))
# The heading says "reverse mode wins": with a wide margin for a noisy machine, from 100 inputs on.
assert all(f > 3 * r for n, f, r in zip(sizes, forward_times, reverse_times) if n >= 100)

# %%
# One input, many outputs: forward mode wins
# ------------------------------------------
#
# The mirror case, :math:`g(t) = (\sin(c_1 t), \dots, \sin(c_m t))`: one input, ``m`` outputs. Now one
# forward pass gives the whole Jacobian (a column), and reverse mode needs ``m`` passes, one per row.
# The figure shows both cases, one above the other.
def curve(t):
    return (coefficients * t).sin()  # R -> R^m


forward_times_m, reverse_times_m = [], []
t0 = np.array([0.5])
for m in sizes:
    coefficients = np.linspace(0.1, 2.0, m)
    forward, reverse = time_both_modes(curve, t0)
    forward_times_m.append(forward)
    reverse_times_m.append(reverse)
    line = _("m = {m:5d}: forward mode {forward:6.2f} ms, reverse mode {reverse:8.2f} ms, ratio {ratio:6.1f}")
    print(line.format(m=m, forward=forward_times_m[-1] * 1e3, reverse=reverse_times_m[-1] * 1e3,
                      ratio=reverse_times_m[-1] / forward_times_m[-1]))
assert all(r > 3 * f for m, f, r in zip(sizes, forward_times_m, reverse_times_m) if m >= 100)

fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 6.6), sharey=True)
top.loglog(sizes, forward_times, "o-", label=_("forward mode (n passes)"))
top.loglog(sizes, reverse_times, "s-", label=_("reverse mode (1 pass)"))
top.set(xlabel=_("number of inputs n"), title="f: Rⁿ → R")
top.legend()
bottom.loglog(sizes, forward_times_m, "o-", label=_("forward mode (1 pass)"))
bottom.loglog(sizes, reverse_times_m, "s-", label=_("reverse mode (m passes)"))
bottom.set(xlabel=_("number of outputs m"), title="g: R → Rᵐ")
bottom.legend()
fig.supylabel(_("time of the full Jacobian (s)"), fontsize="medium")
fig.suptitle(_("The cost of a Jacobian grows with the inputs\n(forward) or the outputs (reverse)"))
plt.show()

# %%
# In between, the rule of thumb: forward mode when there are fewer inputs than outputs, reverse mode
# otherwise. A training loss has one output and as many inputs as the network has weights.
