"""Data shared by the concepts of the course: scikit-learn's bundled handwritten digits.

The digits are 1,797 grey-level images of 8x8 pixels, each pixel an integer from 0 to 16, labelled
0 to 9. They ship with scikit-learn, so every example runs offline, and they are small enough to
train a network on a laptop CPU in seconds. The data of question 1 lives with its concept, in
``labkit.multi``, and the graphs of question 2 with theirs, in :mod:`labkit.graphs.data`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import Array, Bool, Real, Seed, Size, Variant, check_elements
from ._contract import contract

__all__ = ["load_digits_split", "one_hot"]


class _Labels(Array):
    """A 1-D array of int labels >= 0; an empty list (which numpy reads as floats) is no labels."""

    def __init__(self) -> None:
        super().__init__("int", ndim=1, min=0)

    def check(self, name: str, value: Any) -> np.ndarray:
        if isinstance(value, (list, tuple)) and len(value) == 0:
            return np.empty(0, dtype=np.intp)
        return super().check(name, value)

    def unusual(self) -> list[Variant]:
        return super().unusual() + [("empty list", lambda _valid: [], None)]


@contract(test_size=Real(0, 1, low_open=True, high_open=True), seed=Seed(), unit_interval=Bool())
def load_digits_split(
    test_size: float = 0.25, seed: int = 0, unit_interval: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load the digits and split them into a training and a test set.

    Parameters
    ----------
    test_size : float
        Fraction of the examples kept for the test set, strictly between 0 and 1.
    seed : int
        Seed of the split: the same seed always gives the same split.
    unit_interval : bool
        If True, divide the pixels by 16 so that every feature lies in [0, 1].

    Returns
    -------
    X_train, X_test : numpy.ndarray
        Float64 features of shape ``(n, 64)``.
    y_train, y_test : numpy.ndarray
        Int64 labels from 0 to 9, of shape ``(n,)``.

    Notes
    -----
    The split is stratified: each digit keeps the same share in both sets, so a test accuracy
    is not biased by an unlucky split.

    Examples
    --------
    >>> X_train, X_test, y_train, y_test = load_digits_split(seed=0)
    >>> X_train.shape, X_test.shape
    ((1347, 64), (450, 64))
    >>> float(X_train.min()), float(X_train.max())
    (0.0, 1.0)
    >>> sorted(set(y_test.tolist())) == list(range(10))
    True
    """
    # Imported here so that `import labkit.data` stays cheap.
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X = digits.data.astype(np.float64) / (16.0 if unit_interval else 1.0)
    y = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y
    )
    return X_train, X_test, y_train, y_test


@contract(y=_Labels(), n_classes=Size())
def one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Encode integer labels as one-hot rows.

    Parameters
    ----------
    y : array_like of int
        Labels of shape ``(n,)``, each from 0 to ``n_classes - 1`` (an empty list gives no row).
    n_classes : int
        Number of classes, at least 1; ``n * n_classes`` must stay within labkit's size limit.

    Returns
    -------
    numpy.ndarray
        Float64 array of shape ``(n, n_classes)`` with a single 1 per row.

    Examples
    --------
    >>> one_hot([2, 0], n_classes=3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    check_elements("n_classes", y.size * n_classes, f"a one-hot array of shape ({y.size}, {n_classes})")
    if y.size and y.max() >= n_classes:
        raise ValueError(f"y must hold labels from 0 to n_classes - 1 = {n_classes - 1}, "
                         f"got values from {y.min()} to {y.max()}")
    out = np.zeros((y.size, n_classes))
    out[np.arange(y.size), y] = 1.0
    return out


