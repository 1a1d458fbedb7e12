"""IEEE 754 arithmetic shared by the three engines, and the rules of their value arguments (private).

The engines compute like torch at edge values: ``log(0) = -inf``, ``1/0 = inf``, ``exp(1000) = inf``,
NaN propagates, and the derivative of ``x**0`` is 0 everywhere. Python's ``math`` and float operators
raise there instead (``math domain error``, ``ZeroDivisionError``, ``OverflowError``), and numpy
warns: :func:`ieee` gives the IEEE result without either. NaN and inf are therefore valid values of
the engines' arguments (``finite=False``), the documented exception to labkit's NaN policy.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real as RealNumber
from typing import Any

import numpy as np

from .._checks import Array, Rule, Variant, _const, _needs


def ieee(python_f: Callable[..., Any], numpy_f: Callable[..., Any], *args: float) -> float:
    """``python_f(*args)`` on floats, or numpy's IEEE result where Python raises or turns complex.

    Python's float functions are the fast path (the scalar engine calls this per operation); numpy,
    with its warnings silenced as torch gives none, only computes the edge cases.
    """
    try:
        out = python_f(*args)
        if not isinstance(out, complex):  # (-1.0) ** 0.5 is complex in Python, NaN in IEEE
            return out
    except (ArithmeticError, ValueError):  # ZeroDivisionError, OverflowError, math domain error
        pass
    with np.errstate(all="ignore"):
        return float(numpy_f(*args))


def quiet(numpy_f: Callable[..., Any], *args: Any) -> Any:
    """``numpy_f(*args)`` without numpy's warnings about inf and NaN (torch gives none)."""
    with np.errstate(all="ignore"):
        return numpy_f(*args)


def pow_slope(x: Any, k: float) -> Any:
    """``d x**k / dx = k x**(k-1)``, and 0 for ``k = 0`` even at ``x = 0`` (torch's rule: ``x**0`` is the
    constant 1, where the formula gives ``0 * 0**-1 = NaN``)."""
    if k == 0:
        return np.zeros_like(x) if isinstance(x, np.ndarray) else 0.0
    if isinstance(x, np.ndarray):
        return k * quiet(np.power, x, k - 1)
    return k * ieee(pow, np.power, x, k - 1)


class AnyReal(Rule):
    """A real number (numpy's too, not bool), NaN and inf included, returned as a float."""

    expected = "a real number (NaN and inf allowed)"

    def check(self, name: str, value: Any) -> float:
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
            value = value[()]  # a 0-d numeric array is a number (np.float64(x) * 1 gives one)
        if not isinstance(value, RealNumber) or isinstance(value, (bool, np.bool_)):
            raise self.fail(name, value, TypeError)
        try:
            return float(value)
        except OverflowError:  # an int beyond float64 (10**400): inf would hide the mistake
            raise ValueError(f"{name} must be {self.expected} within float64's range "
                             f"(|x| < 1.8e308), got an int of {len(str(abs(int(value))))} digits") from None

    def bad(self) -> list[Variant]:
        return [("string", _const("1.0"), TypeError), ("bool", _const(True), TypeError),
                ("None", _const(None), TypeError), ("array", _const(np.ones(2)), TypeError),
                ("complex", _const(1j), TypeError), ("int beyond float64", _const(10**400), ValueError)]

    def unusual(self) -> list[Variant]:
        return [("nan", _const(float("nan")), None), ("inf", _const(float("inf")), None),
                ("numpy float32", _needs(np.float32), None), ("numpy int64", _const(np.int64(3)), None),
                ("0-d float array", _const(np.array(0.5)), None)]


class NumberOrArray(Array):
    """A real number or an array-like of numbers, NaN and inf included: a float for a number (or a
    0-d array), a float64 array otherwise. A bool is refused: ``Dual(True)`` is a mistake."""

    def __init__(self) -> None:
        super().__init__(finite=False)
        self.expected = "a number or an array of numbers (NaN and inf allowed)"

    def check(self, name: str, value: Any) -> float | np.ndarray:
        if isinstance(value, (bool, np.bool_)):
            raise self.fail(name, value, TypeError)
        x = super().check(name, value)
        return float(x) if x.ndim == 0 else x

    def bad(self) -> list[Variant]:
        return super().bad() + [("bool", _const(True), TypeError)]

    def unusual(self) -> list[Variant]:
        # Array's variants (NaN and inf inside, with finite=False) keep the valid value's shape: a
        # tangent must have the shape of its value.
        return super().unusual() + [("numpy scalar", _needs(lambda v: np.float32(v) if np.ndim(v) == 0 else v), None)]
