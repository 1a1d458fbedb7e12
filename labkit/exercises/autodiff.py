"""Automatic differentiation's coding exercises: forward mode by hand, and one local rule of reverse mode.

The first carries tangents through a small program, as dual numbers do, and is checked against
``torch.func.jvp``; the second is the backward rule of an element-wise product with broadcasting, the
kind of rule an engine's authors write once per operation, checked against ``torch.autograd``. The
mistakes are the ones students make: a product rule forgotten or halved, a chain rule without its
incoming factor, the operands' gradients swapped, a broadcast input's gradient not summed back.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..i18n import _
from ._core import Exercise, Mistake, register


# -- forward mode: a Jacobian-vector product, tangent by tangent ---------------------------------------

def _f_torch(t: torch.Tensor) -> torch.Tensor:
    return (t * t).sum() * torch.sin(t).sum()


def _jvp_by_torch(x: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and J_f(x) v for f(x) = sum(x²) sum(sin x), by torch.func.jvp (forward mode in PyTorch)."""
    value, tangent = torch.func.jvp(_f_torch, (torch.tensor(x),), (torch.tensor(v),))
    return value.numpy(), tangent.numpy()


def _jvp_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # Random directions, so that a tangent not multiplied by v is caught; the page's point and first
    # basis vector; a single input with a direction of length 2 (the factor v must still appear).
    return [dict(x=rng.normal(size=4), v=rng.normal(size=4)),
            dict(x=rng.normal(size=7), v=rng.normal(size=7)),
            dict(x=np.array([0.5, 1.0, 2.0]), v=np.array([1.0, 0.0, 0.0])),
            dict(x=np.array([1.3]), v=np.array([2.0]))]


def _parts(x: np.ndarray, v: np.ndarray) -> tuple[float, float, float, float]:
    """s = sum(x²), its tangent, u = sum(sin x), its tangent: the right intermediate duals."""
    return (x * x).sum(), (2 * x * v).sum(), np.sin(x).sum(), (np.cos(x) * v).sum()


def _no_product_rule(x: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    s, ds, u, du = _parts(x, v)
    return s * u, ds * du


def _half_product_rule(x: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    s, ds, u, du = _parts(x, v)
    return s * u, ds * u


def _square_once(x: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    s, _ds, u, du = _parts(x, v)
    return s * u, (x * v).sum() * u + s * du


def _chain_without_v(x: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    s, ds, u, _du = _parts(x, v)
    return s * u, ds * u + s * np.cos(x).sum()


register(Exercise(
    id="autodiff.jvp_by_hand",
    title=_("Forward mode by hand: a Jacobian-vector product"),
    task=_("""Forward mode carries, next to each value of a program, its tangent: its derivative in a chosen
direction v, as dual numbers do. Take the program

    s = sum(x * x)
    u = sum(sin(x))
    f = s * u

for x of shape (n,). Given x and a direction v of the same shape, return the tuple (value, tangent):
value = f(x), a number, and tangent = the derivative of f at x in the direction v, a number
(the Jacobian-vector product J_f(x) v). Write it as one forward pass, with numpy only: next to each
intermediate (x * x, s, sin(x), u, f), compute its tangent from the tangents of its inputs, starting
from the tangent v of x."""),
    signature="jvp_by_hand(x, v)",
    returns=("value", "tangent"),
    reference=_jvp_by_torch,
    cases=_jvp_cases,
    mistakes=(
        Mistake(_("The product rule is missing: the tangent of f = s * u is not ds * du, it is "
                  "ds * u + s * du."), _no_product_rule),
        Mistake(_("Half of the product rule: the tangent of f = s * u has two terms, ds * u + s * du; "
                  "s * du, the change of f through u, is missing."), _half_product_rule),
        Mistake(_("The tangent of x * x is 2 * x * v, not x * v: x appears twice in the product, and the "
                  "product rule gives v * x + x * v."), _square_once),
        Mistake(_("The chain rule lost its incoming tangent: the tangent of sin(x) is cos(x) * v, not "
                  "cos(x). Each operation multiplies its local derivative by the tangent of its input."),
                _chain_without_v),
    ),
    against="torch.func.jvp",
))


# -- reverse mode: the backward rule of a product, with broadcasting --------------------------------------

def _mul_by_autograd(a: np.ndarray, b: np.ndarray, grad_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """dL/da and dL/db of z = a * b (numpy broadcasting), for grad_out = dL/dz, by torch.autograd."""
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (ta * tb).backward(torch.tensor(grad_out))
    return ta.grad.numpy(), tb.grad.numpy()


def _mul_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # b broadcast in every way numpy allows against a of shape (n, k): a row (k,), a (1, k), a column
    # (n, 1), a scalar (); and once of the same shape, where nothing is summed back. Non-square shapes,
    # so that a sum over the wrong axis has the wrong shape.
    shapes = (((4, 3), (3,)), ((5, 2), (5, 1)), ((4, 3), (4, 3)), ((2, 5), (1, 5)), ((3, 4), ()))
    return [dict(a=rng.normal(size=sa), b=np.asarray(rng.normal(size=sb)), grad_out=rng.normal(size=sa))
            for sa, sb in shapes]


def _sum_to(g: np.ndarray, shape: tuple[int, ...], reduce: Any = np.sum) -> np.ndarray:
    """g summed back to shape: over the leading axes broadcasting added, and where shape has a 1."""
    g = reduce(g, axis=tuple(range(g.ndim - len(shape)))) if g.ndim > len(shape) else g
    ones = tuple(i for i, size in enumerate(shape) if size == 1 and g.shape[i] != 1)
    return reduce(g, axis=ones, keepdims=True) if ones else g


register(Exercise(
    id="autodiff.mul_backward",
    title=_("Reverse mode: the backward rule of a product, with broadcasting"),
    task=_("""A reverse-mode engine stores one backward rule per operation. Write the rule of the element-wise
product z = a * b, where a has shape (n, k) and numpy broadcasts b against it: b has shape (n, k),
(k,), (1, k), (n, 1) or () (a 0-d array). Given grad_out = dL/dz, of shape (n, k), return the tuple
(grad_a, grad_b) of dL/da and dL/db, with numpy only. Each gradient has the shape of its operand:
where b was broadcast, each of its entries was used several times, and their contributions add up."""),
    signature="mul_backward(a, b, grad_out)",
    returns=("grad_a", "grad_b"),
    reference=_mul_by_autograd,
    cases=_mul_cases,
    mistakes=(
        Mistake(_("The operands are swapped: the derivative of a * b with respect to a is b, so "
                  "grad_a = grad_out * b and grad_b = grad_out * a (summed back to the shape of b)."),
                lambda a, b, grad_out: (grad_out * a, _sum_to(grad_out * b, np.shape(b)))),
        Mistake(_("grad_b is not summed back to the shape of b: b was broadcast, so each of its entries "
                  "entered several products, and its gradient is the sum of their contributions, "
                  "(grad_out * a) summed over the broadcast axes."),
                lambda a, b, grad_out: (grad_out * b, grad_out * a)),
        Mistake(_("grad_b is averaged over the broadcast axes instead of summed: each use of an entry of b "
                  "adds its own contribution to the loss, so the contributions add up."),
                lambda a, b, grad_out: (grad_out * b, _sum_to(grad_out * a, np.shape(b), np.mean))),
        Mistake(_("grad_out is missing: that is the local derivative alone. The chain rule multiplies it by "
                  "the gradient coming from above: grad_a = grad_out * b, and grad_b from grad_out * a."),
                lambda a, b, grad_out: (np.broadcast_to(b, a.shape).copy(), _sum_to(a, np.shape(b)))),
    ),
))

__all__: list[str] = []
