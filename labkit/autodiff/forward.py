"""Forward mode: dual numbers carry a value and its tangent through every operation.

A :class:`Dual` ``a + b ε`` with ``ε² = 0`` evaluates ``f(a + b ε) = f(a) + f'(a) b ε``: running a
program on duals computes its value and, alongside, the derivative in the direction of the seed
tangent ``b``. One pass gives one Jacobian-vector product; a full gradient of ``f: Rⁿ → R`` needs
``n`` passes.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np

from .._checks import check_array

__all__ = ["Dual", "jvp"]


def _number_or_array(name: str, x: object) -> float | np.ndarray:
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be a number or an array of numbers, got bool")
    a = check_array(name, x)
    return float(a) if a.ndim == 0 else a


class Dual:
    """A value and its tangent: ``Dual(a, b)`` stands for ``a + b ε`` with ``ε² = 0``.

    Both parts are floats or numpy arrays of the same shape (a scalar tangent is broadcast).
    Arithmetic (``+ - * / **``, ``@`` with a constant matrix, ``sum``) and the elementary functions
    (``exp log sin cos tanh sigmoid relu``) apply the chain rule to the tangent as they go.

    Examples
    --------
    >>> x = Dual(2.0, 1.0)          # seed: dx/dx = 1
    >>> y = x * x + x.sin()
    >>> y.value == 4 + np.sin(2.0), y.tangent == 2 * 2.0 + np.cos(2.0)
    (True, True)
    >>> Dual(np.array([1.0, 2.0]), 1.0).exp().tangent.round(3)
    array([2.718, 7.389])
    """

    __array_ufunc__ = None  # numpy defers to our reflected operators: ndarray @ Dual -> Dual.__rmatmul__
    __slots__ = ("value", "tangent")

    def __init__(self, value: Any, tangent: Any = 0.0) -> None:
        self.value = _number_or_array("value", value)
        t = _number_or_array("tangent", tangent)
        shape = np.shape(self.value)
        if np.shape(t) != shape:
            if np.ndim(t) != 0:
                raise ValueError(f"tangent must have the shape of value {shape}, got {np.shape(t)}")
            t = np.full(shape, t) if shape else t
        self.tangent = t

    @staticmethod
    def _lift(other: Any) -> Dual:
        # A constant is a dual with zero tangent: its derivative is 0.
        return other if isinstance(other, Dual) else Dual(other, 0.0)

    def __add__(self, other: Any) -> Dual:
        o = self._lift(other)
        return Dual(self.value + o.value, self.tangent + o.tangent)

    def __mul__(self, other: Any) -> Dual:
        o = self._lift(other)  # product rule
        return Dual(self.value * o.value, self.tangent * o.value + self.value * o.tangent)

    def __truediv__(self, other: Any) -> Dual:
        o = self._lift(other)  # quotient rule
        return Dual(self.value / o.value, (self.tangent * o.value - self.value * o.tangent) / o.value**2)

    def __pow__(self, k: Real) -> Dual:
        if not isinstance(k, Real) or isinstance(k, bool):
            raise TypeError(f"exponent k must be a real number, got {type(k).__name__}")
        return Dual(self.value**k, k * self.value ** (k - 1) * self.tangent)

    def __matmul__(self, other: Any) -> Dual:
        o = self._lift(other)  # bilinear: d(AB) = dA B + A dB
        return Dual(self.value @ o.value, self.tangent @ o.value + self.value @ o.tangent)

    def __rmatmul__(self, other: Any) -> Dual:
        return self._lift(other) @ self

    def __neg__(self) -> Dual:
        return Dual(-self.value, -self.tangent)

    def __sub__(self, other: Any) -> Dual:
        return self + (-self._lift(other))

    def __rsub__(self, other: Any) -> Dual:
        return self._lift(other) - self

    def __rtruediv__(self, other: Any) -> Dual:
        return self._lift(other) / self

    __radd__, __rmul__ = __add__, __mul__

    def sum(self) -> Dual:
        """Sum of the entries; the tangent of a sum is the sum of the tangents."""
        return Dual(np.sum(self.value), np.sum(self.tangent))

    def exp(self) -> Dual:
        e = np.exp(self.value)
        return Dual(e, e * self.tangent)

    def log(self) -> Dual:
        return Dual(np.log(self.value), self.tangent / self.value)

    def sin(self) -> Dual:
        return Dual(np.sin(self.value), np.cos(self.value) * self.tangent)

    def cos(self) -> Dual:
        return Dual(np.cos(self.value), -np.sin(self.value) * self.tangent)

    def tanh(self) -> Dual:
        t = np.tanh(self.value)
        return Dual(t, (1 - t**2) * self.tangent)

    def sigmoid(self) -> Dual:
        s = 0.5 * (1 + np.tanh(0.5 * self.value))  # 1 / (1 + exp(-x)) without overflow
        return Dual(s, s * (1 - s) * self.tangent)

    def relu(self) -> Dual:
        positive = np.greater(self.value, 0)  # derivative 0 at 0, as in PyTorch
        return Dual(np.where(positive, self.value, 0.0) * 1.0, np.where(positive, self.tangent, 0.0) * 1.0)

    def __repr__(self) -> str:
        return f"Dual({self.value!r}, {self.tangent!r})"


def jvp(f: Callable[[Any], Any], x: Any, v: Any) -> tuple[Any, Any]:
    """Value ``f(x)`` and Jacobian-vector product ``J_f(x) v``, in one forward pass on duals.

    ``f`` must be written with the operations :class:`Dual` supports; ``v`` has the shape of ``x``.

    >>> f = lambda x: (x * x).sum()
    >>> value, slope = jvp(f, np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    >>> float(value), float(slope)          # f = 5, df/dx1 = 2 x1 = 2
    (5.0, 2.0)
    """
    if not callable(f):
        raise TypeError(f"f must be a callable, got {type(f).__name__}")
    x, v = _number_or_array("x", x), _number_or_array("v", v)
    if np.shape(v) != np.shape(x):
        raise ValueError(f"v must have the shape of x {np.shape(x)}, got {np.shape(v)}")
    out = f(Dual(x, v))
    if not isinstance(out, Dual):  # f ignored its input: a constant has a zero derivative
        out = Dual(out, 0.0)
    return out.value, out.tangent
