"""Multi-view learning: several descriptions of the same objects, used together.

Each object is described by several *views*, distinct sets of features: often of different kinds
(the text of a web page and the text of the links to it, in Blum and Mitchell's co-training), here
of the same kind to keep the example small (the left and right halves of a digit,
:func:`labkit.data.digit_views`). What makes them views is that they describe the same objects and
that the method exploits their agreement. :class:`CCA` finds the directions in which the two views
agree most, without any label; :func:`co_training` lets a classifier on each view label, for the
other, the unlabeled examples it is most sure of (Blum and Mitchell, 1998). :func:`rotated_copies`
is here for contrast: rotated copies added as extra labeled examples are data augmentation.
(Contrastive self-supervised methods do call transformed copies views, because they train an
encoder to make them agree.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from ._checks import check_array, check_int, check_labels, check_matrix, check_positive, check_same_rows
from ._torch import optimizer_step, seeded
from .training import fit

__all__ = ["CCA", "softmax_regression", "co_training", "co_predict", "rotated_copies"]


def _paired(Xa: object, Xb: object, a: str = "Xa", b: str = "Xb") -> tuple[np.ndarray, np.ndarray]:
    Xa = check_matrix(a, Xa)
    return Xa, check_same_rows(b, check_matrix(b, Xb), a, len(Xa))


def _inverse_sqrt(C: np.ndarray) -> np.ndarray:
    values, vectors = np.linalg.eigh(C)
    return (vectors / np.sqrt(values)) @ vectors.T


class CCA:
    """Canonical correlation analysis: paired projections of two views, as correlated as possible.

    ``fit`` whitens each view (``C_aa^{-1/2}``, ``C_bb^{-1/2}``) and takes the singular value
    decomposition of the whitened cross-covariance: its singular values are the canonical
    correlations, its singular vectors the canonical directions.

    Parameters
    ----------
    n_components : int
        Number of pairs of directions to keep, at least 1.
    reg : float
        Ridge added to each covariance, for stability when features are collinear.

    Attributes
    ----------
    correlations_ : numpy.ndarray
        The canonical correlations, in decreasing order.
    weights_a_, weights_b_ : numpy.ndarray
        The projection matrices of each view.

    Examples
    --------
    >>> from labkit.data import make_planted_views
    >>> Xa, Xb = make_planted_views(5000, [0.9, 0.5], seed=0)
    >>> CCA(2).fit(Xa, Xb).correlations_.round(1).tolist()
    [0.9, 0.5]
    """

    def __init__(self, n_components: int = 2, *, reg: float = 1e-6) -> None:
        self.n_components = check_int("n_components", n_components, 1)
        self.reg = check_positive("reg", reg)

    def fit(self, Xa: np.ndarray, Xb: np.ndarray) -> CCA:
        """Learn the directions from paired rows of the two views; return ``self``."""
        Xa, Xb = _paired(Xa, Xb)
        k = self.n_components
        if k > min(Xa.shape[1], Xb.shape[1]) or len(Xa) < 2:
            raise ValueError(f"n_components must be at most the features of each view "
                             f"({min(Xa.shape[1], Xb.shape[1])}) with at least 2 rows, got {k}")
        self.mean_a_, self.mean_b_ = Xa.mean(axis=0), Xb.mean(axis=0)
        A, B = Xa - self.mean_a_, Xb - self.mean_b_
        n = len(A) - 1
        Ka = _inverse_sqrt(A.T @ A / n + self.reg * np.eye(A.shape[1]))
        Kb = _inverse_sqrt(B.T @ B / n + self.reg * np.eye(B.shape[1]))
        U, s, Vt = np.linalg.svd(Ka @ (A.T @ B / n) @ Kb)
        self.weights_a_, self.weights_b_ = Ka @ U[:, :k], Kb @ Vt.T[:, :k]
        self.correlations_ = s[:k]
        return self

    def transform(self, Xa: np.ndarray, Xb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Project each view on its canonical directions: unit variance, paired columns correlated."""
        if not hasattr(self, "weights_a_"):
            raise RuntimeError("CCA.transform needs a fitted CCA: call fit first")
        Xa, Xb = _paired(Xa, Xb)
        Xa, Xb = check_matrix("Xa", Xa, len(self.mean_a_)), check_matrix("Xb", Xb, len(self.mean_b_))
        return (Xa - self.mean_a_) @ self.weights_a_, (Xb - self.mean_b_) @ self.weights_b_


def softmax_regression(X: np.ndarray, y: np.ndarray, n_classes: int, *, epochs: int = 100,
                       weight_decay: float = 1e-3, seed: int = 0) -> nn.Linear:
    """Train a linear softmax classifier in PyTorch (full-batch Adam, cross-entropy, L2 penalty).

    The base classifier of this module: the same learner for every view, so that accuracies
    compare views, not learners.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0]] * 5)
    >>> model = softmax_regression(X, np.array([0, 1] * 5), 2)
    >>> model(torch.tensor([[0.0, 1.0]])).argmax().item()
    0
    """
    X = check_matrix("X", X)
    y = check_labels("y", y, len(X), check_int("n_classes", n_classes, 2))
    with seeded(seed):
        model = nn.Linear(X.shape[1], n_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=check_positive("weight_decay", weight_decay))
    step = optimizer_step(opt, lambda xb, yb: nn.functional.cross_entropy(model(xb), yb))
    fit(step, torch.from_numpy(X).float(), torch.from_numpy(y).long(), epochs=epochs, batch_size=len(X), seed=seed)
    return model


def _log_proba(model: nn.Linear, X: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return torch.log_softmax(model(torch.from_numpy(X).float()), dim=1).numpy()


def co_training(
    Xa: np.ndarray, Xb: np.ndarray, y: np.ndarray, Xa_unlabeled: np.ndarray, Xb_unlabeled: np.ndarray, *,
    n_classes: int, rounds: int = 10, per_class: int = 2, seed: int = 0,
) -> tuple[nn.Linear, nn.Linear]:
    """Co-training (Blum and Mitchell, 1998): each view's classifier labels examples for the other.

    In each round, a :func:`softmax_regression` is trained on each view of the labeled set; each
    one then picks, for every class, the ``per_class`` unlabeled examples it predicts in that class
    most confidently, and they join the labeled set with that label, both views at once.

    Parameters
    ----------
    Xa, Xb : array_like
        The two views of the labeled examples, one row per example.
    y : array_like of int
        Their labels.
    Xa_unlabeled, Xb_unlabeled : array_like
        The two views of the unlabeled examples.
    n_classes, rounds, per_class : int
        Number of classes, of rounds, and of examples added per class, view and round.
    seed : int
        Seed of the classifiers.

    Returns
    -------
    model_a, model_b : torch.nn.Linear
        The final classifier of each view; :func:`co_predict` combines them.

    Examples
    --------
    >>> from labkit.data import load_digits_split, digit_views
    >>> X, _, y, _ = load_digits_split()
    >>> a, b = digit_views(X)
    >>> model_a, model_b = co_training(a[:20], b[:20], y[:20], a[20:300], b[20:300], n_classes=10, rounds=2)
    >>> co_predict(model_a, model_b, a[:3], b[:3]).shape
    (3,)
    """
    Xa, Xb = _paired(Xa, Xb)
    Ua, Ub = _paired(Xa_unlabeled, Xb_unlabeled, "Xa_unlabeled", "Xb_unlabeled")
    if Ua.shape[1] != Xa.shape[1] or Ub.shape[1] != Xb.shape[1]:
        raise ValueError("Xa_unlabeled and Xb_unlabeled must have the features of Xa and Xb")
    k = check_int("n_classes", n_classes, 2)
    y = check_labels("y", y, len(Xa), k)
    rounds, per_class = check_int("rounds", rounds, 0), check_int("per_class", per_class, 1)
    seed = check_int("seed", seed, 0)
    pool = np.arange(len(Ua))  # indices of the examples still unlabeled
    for _ in range(rounds):
        models = [softmax_regression(Xa, y, k, seed=seed), softmax_regression(Xb, y, k, seed=seed)]
        picked: dict[int, int] = {}
        for model, U in zip(models, (Ua, Ub)):
            log_p = _log_proba(model, U[pool])
            guess = log_p.argmax(axis=1)
            for c in range(k):
                mine = np.flatnonzero(guess == c)
                for i in mine[np.argsort(-log_p[mine, c])][:per_class]:
                    picked.setdefault(int(pool[i]), c)  # the two views may pick the same example
        if not picked:
            break
        new = np.fromiter(picked, dtype=np.intp)
        Xa, Xb = np.vstack([Xa, Ua[new]]), np.vstack([Xb, Ub[new]])
        y = np.concatenate([y, np.fromiter(picked.values(), dtype=np.intp)])
        pool = np.setdiff1d(pool, new)
    return softmax_regression(Xa, y, k, seed=seed), softmax_regression(Xb, y, k, seed=seed)


def co_predict(model_a: nn.Linear, model_b: nn.Linear, Xa: np.ndarray, Xb: np.ndarray) -> np.ndarray:
    """Predict from both views: the class with the largest product of the two views' probabilities.

    Examples
    --------
    >>> m = softmax_regression(np.eye(2), np.array([0, 1]), 2)
    >>> co_predict(m, m, np.eye(2), np.eye(2)).tolist()
    [0, 1]
    """
    for name, model in (("model_a", model_a), ("model_b", model_b)):
        if not isinstance(model, nn.Linear):
            raise TypeError(f"{name} must be a torch.nn.Linear from co_training, got {type(model).__name__}")
    Xa, Xb = _paired(Xa, Xb)
    Xa, Xb = check_matrix("Xa", Xa, model_a.in_features), check_matrix("Xb", Xb, model_b.in_features)
    return (_log_proba(model_a, Xa) + _log_proba(model_b, Xb)).argmax(axis=1)


def rotated_copies(X: np.ndarray, angles: Sequence[float]) -> np.ndarray:
    """Data augmentation: rotated copies of 8x8 images, as extra training examples.

    Parameters
    ----------
    X : array_like
        Flattened 8x8 images, shape ``(n, 64)``.
    angles : sequence of float
        Rotation angles in degrees; include 0 to keep the originals.

    Returns
    -------
    numpy.ndarray
        Shape ``(n * len(angles), 64)``: all images rotated by the first angle, then by the second...
        Repeat the labels with ``np.tile(y, len(angles))``.

    Examples
    --------
    >>> X = np.zeros((2, 64)); X[:, 3] = 1.0
    >>> out = rotated_copies(X, [0, 90])
    >>> out.shape, bool(np.allclose(out[:2], X))
    ((4, 64), True)
    """
    images = check_matrix("X", X, 64).reshape(-1, 8, 8)
    angles = check_array("angles", angles)
    if angles.ndim != 1 or len(angles) == 0 or not np.all(np.isfinite(angles)):
        raise ValueError(f"angles must be a non-empty sequence of finite floats (degrees), got {angles!r}")
    from scipy.ndimage import rotate

    # Rotate in the plane of each image (axes 1, 2), keeping the 8x8 frame.
    return np.concatenate([rotate(images, a, axes=(1, 2), reshape=False, order=1).reshape(-1, 64) for a in angles])
