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

from .._checks import Function
from .._contract import contract
from ._ieee import NumberOrArray, pow_slope, quiet

__all__ = ["Dual", "jvp"]

_OPERAND = NumberOrArray()  # a constant operand of a Dual, NaN and inf included


@contract(value=NumberOrArray(), tangent=NumberOrArray())
class Dual:
    """A value and its tangent: ``Dual(a, b)`` stands for ``a + b ε`` with ``ε² = 0``.

    Both parts are floats or numpy arrays of the same shape (a scalar tangent is broadcast), NaN and
    inf included. Arithmetic (``+ - * / **``, ``@`` with a constant matrix, ``sum``) and the elementary functions
    (``exp log sin cos tanh sigmoid relu``) apply the chain rule to the tangent as they go.
    Numbers and arrays follow the same IEEE rules as torch: ``Dual(2.0) / 0`` has the value ``inf``,
    ``Dual(0.0, 1.0).log()`` is ``-inf`` with the tangent ``inf``, NaN propagates, and the tangent of
    ``x**0`` is 0.

    Examples
    --------
    >>> x = Dual(2.0, 1.0)          # seed: dx/dx = 1
    >>> y = x * x + x.sin()
    >>> print(y.value == 4 + np.sin(2.0), y.tangent == 2 * 2.0 + np.cos(2.0))
    True True
    >>> Dual(np.array([1.0, 2.0]), 1.0).exp().tangent.round(3)
    array([2.718, 7.389])
    """

    __array_ufunc__ = None  # numpy defers to our reflected operators: ndarray @ Dual -> Dual.__rmatmul__
    __slots__ = ("value", "tangent")

    def __init__(self, value: Any, tangent: Any = 0.0) -> None:
        self.value = value
        shape = np.shape(value)
        if np.shape(tangent) != shape:
            if np.ndim(tangent) != 0:
                raise ValueError(f"tangent must have the shape of value {shape}, got {np.shape(tangent)}")
            tangent = np.full(shape, tangent) if shape else tangent
        self.tangent = tangent

    @staticmethod
    def _make(value: Any, tangent: Any) -> Dual:
        # An operation's output, unchecked; a 0-d result is a float again, as the constructor makes it.
        out = Dual.__new__(Dual)
        out.value = float(value) if np.ndim(value) == 0 else value
        out.tangent = float(tangent) if np.ndim(tangent) == 0 else tangent
        return out

    @staticmethod
    def _lift(other: Any) -> Dual:
        # A constant is a dual with zero tangent: its derivative is 0.
        return other if isinstance(other, Dual) else Dual(other, 0.0)

    def __add__(self, other: Any) -> Dual:
        o = self._lift(other)
        return Dual._make(self.value + o.value, self.tangent + o.tangent)

    @staticmethod
    def _constant(other: Any) -> float | np.ndarray:
        # An operand that is not a Dual is a constant: it adds no term to the tangent, as torch skips a
        # constant's branch (otherwise x * 0 at x = inf would get the tangent 0 + inf * 0 = NaN).
        return _OPERAND.check("operand", other)

    def __mul__(self, other: Any) -> Dual:
        if not isinstance(other, Dual):
            c = self._constant(other)
            return Dual._make(self.value * c, self.tangent * c)
        return Dual._make(self.value * other.value, self.tangent * other.value + self.value * other.tangent)

    def __truediv__(self, other: Any) -> Dual:
        with np.errstate(all="ignore"):  # numpy's division: 1/0 = inf for numbers as for arrays
            if not isinstance(other, Dual):
                c = self._constant(other)
                return Dual._make(np.divide(self.value, c), np.divide(self.tangent, c))
            # torch's two branches, d(a/b) = da / b - a db / b², rather than (da b - a db) / b²: at
            # a = b = 0 the first is inf like torch, the second 0/0 = NaN.
            return Dual._make(np.divide(self.value, other.value),
                              np.divide(self.tangent, other.value)
                              - np.divide(self.value * other.tangent, np.square(other.value)))

    def __pow__(self, k: Real) -> Dual:
        if not isinstance(k, Real) or isinstance(k, bool):
            raise TypeError(f"exponent k must be a real number, got {type(k).__name__}")
        return Dual._make(quiet(np.power, self.value, k), pow_slope(self.value, k) * self.tangent)

    def __matmul__(self, other: Any) -> Dual:
        if not isinstance(other, Dual):
            c = self._constant(other)
            return Dual._make(self.value @ c, self.tangent @ c)
        # bilinear: d(AB) = dA B + A dB
        return Dual._make(self.value @ other.value, self.tangent @ other.value + self.value @ other.tangent)

    def __rmatmul__(self, other: Any) -> Dual:
        c = self._constant(other)
        return Dual._make(c @ self.value, c @ self.tangent)

    def __neg__(self) -> Dual:
        return Dual._make(-self.value, -self.tangent)

    def __sub__(self, other: Any) -> Dual:
        return self + (-self._lift(other))

    def __rsub__(self, other: Any) -> Dual:
        return self._lift(other) - self

    def __rtruediv__(self, other: Any) -> Dual:
        c = self._constant(other)  # d(c/b) = -c db / b²
        with np.errstate(all="ignore"):
            return Dual._make(np.divide(c, self.value), -np.divide(c * self.tangent, np.square(self.value)))

    __radd__, __rmul__ = __add__, __mul__

    @contract()
    def sum(self) -> Dual:
        """Sum of the entries; the tangent of a sum is the sum of the tangents."""
        return Dual._make(np.sum(self.value), np.sum(self.tangent))

    @contract()
    def exp(self) -> Dual:
        e = quiet(np.exp, self.value)
        return Dual._make(e, e * self.tangent)

    @contract()
    def log(self) -> Dual:
        return Dual._make(quiet(np.log, self.value), quiet(np.divide, self.tangent, self.value))

    @contract()
    def sin(self) -> Dual:
        return Dual._make(quiet(np.sin, self.value), quiet(np.cos, self.value) * self.tangent)

    @contract()
    def cos(self) -> Dual:
        return Dual._make(quiet(np.cos, self.value), -quiet(np.sin, self.value) * self.tangent)

    @contract()
    def tanh(self) -> Dual:
        t = np.tanh(self.value)
        return Dual._make(t, (1 - t**2) * self.tangent)

    @contract()
    def sigmoid(self) -> Dual:
        s = 0.5 * (1 + np.tanh(0.5 * self.value))  # 1 / (1 + exp(-x)) without overflow
        return Dual._make(s, s * (1 - s) * self.tangent)

    @contract()
    def relu(self) -> Dual:
        # As torch: NaN stays NaN (maximum propagates it), the slope is 0 where value <= 0 (at 0 too).
        return Dual._make(np.maximum(self.value, 0.0), np.where(np.less_equal(self.value, 0), 0.0, self.tangent))

    def __repr__(self) -> str:
        return f"Dual({self.value!r}, {self.tangent!r})"


@contract(f=Function(takes=1), x=NumberOrArray(), v=NumberOrArray())
def jvp(f: Callable[[Any], Any], x: Any, v: Any) -> tuple[Any, Any]:
    """Value ``f(x)`` and Jacobian-vector product ``J_f(x) v``, in one forward pass on duals.

    ``f`` takes one argument, must be written with the operations :class:`Dual` supports, and returns a
    :class:`Dual` (or a constant number or array, whose derivative is 0); ``v`` has the shape of ``x``.

    >>> f = lambda x: (x * x).sum()
    >>> value, slope = jvp(f, np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    >>> float(value), float(slope)          # f = 5, df/dx1 = 2 x1 = 2
    (5.0, 2.0)
    """
    if np.shape(v) != np.shape(x):
        raise ValueError(f"v must have the shape of x {np.shape(x)}, got {np.shape(v)}")
    out = f(Dual(x, v))
    if isinstance(out, Dual):
        return out.value, out.tangent
    try:  # f ignored its input: a constant has a zero derivative
        constant = _OPERAND.check("f(x)", out)
    except (TypeError, ValueError):
        raise TypeError(f"f must return a Dual, a number or an array of numbers, got {out!r:.60}") from None
    return constant, np.zeros_like(constant) if isinstance(constant, np.ndarray) else 0.0
