"""Input checks shared by the labkit modules (private: not part of the API).

Each helper returns the value in the type the caller works with, or raises a ``TypeError`` or
``ValueError`` whose message names the argument and says what was expected.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np


def check_int(name: str, value: object, minimum: int) -> int:
    """Return ``value`` as an int if it is an int (not a bool) of at least ``minimum``."""
    # bool is an Integral too, but seed=True or epochs=True is always a mistake.
    if not isinstance(value, Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}")
    return int(value)


def check_positive(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a real number (not a bool), finite and above 0."""
    if not isinstance(value, Real) or isinstance(value, bool) or not 0 < value < np.inf:
        raise ValueError(f"{name} must be a positive finite float, got {value!r}")
    return float(value)


def check_nonnegative(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a real number (not a bool), finite and >= 0."""
    if not isinstance(value, Real) or isinstance(value, bool) or not 0 <= value < np.inf:
        raise ValueError(f"{name} must be a finite float >= 0, got {value!r}")
    return float(value)


def check_probability(name: str, value: object, meaning: str = "") -> float:
    """Return ``value`` as a float if it is an int or a float (not a bool) in [0, 1).

    ``meaning`` (e.g. "the probability of dropping a unit") is added to the error message.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a float in [0, 1){', ' + meaning if meaning else ''}, got {value!r}")
    return float(value)


def check_sizes(name: str, value: object, minimum: int) -> list[int]:
    """Return ``value`` as a list of ints if it is a sequence (not a string) of ``minimum`` or more ints >= 1."""
    if (isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) < minimum
            or not all(isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in value)):
        count = f"at least {minimum} positive ints" if minimum else "positive ints (possibly empty)"
        raise ValueError(f"{name} must be a sequence of {count}, got {value!r}")
    return [int(s) for s in value]


def check_choice(name: str, value: object, options: Sequence[str]) -> str:
    """Return ``value`` as a str if it is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {value!r}")
    return str(value)


def check_array(name: str, x: object) -> np.ndarray:
    """Return ``x`` as a float64 array, of any shape."""
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}") from None


def check_matrix(name: str, x: object, n_cols: int | None = None) -> np.ndarray:
    """Return ``x`` as a float64 2-D array with at least one row, and ``n_cols`` columns if given."""
    x = check_array(name, x)
    if x.ndim != 2 or x.shape[0] == 0 or (n_cols is not None and x.shape[1] != n_cols):
        raise ValueError(f"{name} must be a 2-D array of shape (n, {n_cols or 'k'}) with n >= 1, got {x.shape}")
    return x


def check_same_rows(name: str, x: np.ndarray, reference: str, n: int) -> np.ndarray:
    """Return ``x`` if it has ``n`` rows, one per row of the array named ``reference``."""
    if len(x) != n:
        raise ValueError(f"{name} must have one row per row of {reference} ({n}), got {len(x)}")
    return x


def check_labels(name: str, y: object, n: int, n_classes: int) -> np.ndarray:
    """Return ``y`` as an intp array of ``n`` int labels, each from 0 to ``n_classes - 1``."""
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name} must be an array of int class labels, got dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one label per row, got shape {y.shape}")
    if y.min() < 0 or y.max() >= n_classes:
        raise ValueError(f"{name} must hold labels from 0 to {n_classes - 1}, got {y.min()}..{y.max()}")
    return y.astype(np.intp)
