"""Multi-view learning: several descriptions of the same objects, used together.

Each object is described by several *views*, distinct sets of features: often of different kinds
(the text of a web page and the text of the links to it, in Blum and Mitchell's co-training), here
of the same kind to keep the example small (the left and right halves of a digit,
:func:`labkit.multi.digit_views`). What makes them views is that they describe the same objects and
that the method exploits their agreement. :class:`CCA` finds the directions in which the two views
agree most, without any label; :func:`co_training` lets a classifier on each view label, for the
other, the unlabeled examples it is most sure of (Blum and Mitchell, 1998). :func:`rotated_copies`
is here for contrast: rotated copies added as extra labeled examples are data augmentation.
(Contrastive self-supervised methods do call transformed copies views, because they train an
encoder to make them agree.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from .._checks import Array, Count, Instance, Real, Seed, Size, check_elements, check_labels, check_same_rows
from .._contract import contract
from ..seeding import seeded
from ..training import fit, train_step
from ._rules import DATA32, check_columns

__all__ = ["CCA", "softmax_regression", "co_training", "co_predict", "rotated_copies"]


MATRIX = Array(ndim=2, min_rows=1)
#: The bound on the ridge of CCA: beyond it, the whitened cross-covariance (scaled by 1 / lam) underflows float64.
MAX_LAM = 1e100


def _centered_covariance(name: str, X: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """The column means of ``X`` and its covariance plus ``lam`` on the diagonal, refused if they overflow."""
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused below, naming the view
        mean = X.mean(axis=0)
        A = X - mean
        C = A.T @ A / (len(X) - 1) + lam * np.eye(X.shape[1])
    if not (np.isfinite(mean).all() and np.isfinite(C).all()):
        raise ValueError(f"{name} must have a covariance that fits in float64 (entries below about 1e150 in size), "
                         f"got values up to {np.abs(X).max():.4g}")
    return mean, C


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
        Number of pairs of directions to keep, at least 1 (and at most the features of each view).
    lam : float
        Ridge added to each covariance, positive, for stability when features are collinear; below
        1e100 (a larger one would only shrink the whitened covariances into float64's underflow).

    Attributes
    ----------
    correlations_ : numpy.ndarray
        The canonical correlations, in decreasing order.
    weights_a_, weights_b_ : numpy.ndarray
        The projection matrices of each view.

    Examples
    --------
    >>> from labkit.multi import make_planted_views
    >>> Xa, Xb = make_planted_views(5000, [0.9, 0.5], seed=0)
    >>> CCA(2).fit(Xa, Xb).correlations_.round(1).tolist()
    [0.9, 0.5]
    """

    @contract(n_components=Size(), lam=Real(0, MAX_LAM, low_open=True, high_open=True))
    def __init__(self, n_components: int = 2, *, lam: float = 1e-6) -> None:
        self.n_components, self.lam = n_components, lam

    @contract(Xa=Array(ndim=2, min_rows=2), Xb=Array(ndim=2, min_rows=2))
    def fit(self, Xa: np.ndarray, Xb: np.ndarray) -> CCA:
        """Learn the directions from paired rows of the two views; return ``self``.

        ``Xa`` and ``Xb`` are finite 2-D arrays with the same number of rows, at least 2, whose
        covariances fit in float64 (entries below about 1e150 in size).
        """
        check_same_rows("Xb", Xb, "Xa", len(Xa))
        for name, x in (("Xa", Xa), ("Xb", Xb)):  # each view's covariance is features x features
            check_elements(name, x.shape[1] ** 2, f"a {x.shape[1]} x {x.shape[1]} covariance matrix")
        k = self.n_components
        if k > min(Xa.shape[1], Xb.shape[1]):
            raise ValueError(f"n_components must be at most the features of each view "
                             f"({min(Xa.shape[1], Xb.shape[1])}), got {k}")
        mean_a, C_aa = _centered_covariance("Xa", Xa, self.lam)
        mean_b, C_bb = _centered_covariance("Xb", Xb, self.lam)
        A, B, n = Xa - mean_a, Xb - mean_b, len(Xa) - 1
        try:
            Ka, Kb = _inverse_sqrt(C_aa), _inverse_sqrt(C_bb)
            U, s, Vt = np.linalg.svd(Ka @ (A.T @ B / n) @ Kb)
        except np.linalg.LinAlgError as error:  # numpy's words name no argument
            raise ValueError(f"Xa and Xb must give well-conditioned covariances for CCA (raise lam?), got "
                             f"numpy's LinAlgError: {error}") from None
        self.mean_a_, self.mean_b_ = mean_a, mean_b
        self.weights_a_, self.weights_b_ = Ka @ U[:, :k], Kb @ Vt.T[:, :k]
        self.correlations_ = s[:k]
        return self

    @contract(Xa=MATRIX, Xb=MATRIX)
    def transform(self, Xa: np.ndarray, Xb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Project each view on its canonical directions: unit variance, paired columns correlated.

        ``Xa`` and ``Xb`` are finite 2-D arrays with the same rows, and the columns seen by ``fit``.
        """
        if not hasattr(self, "weights_a_"):  # a ValueError, like scikit-learn's NotFittedError
            raise ValueError("CCA.transform needs a fitted CCA: call fit(Xa, Xb) first, got an unfitted one")
        check_same_rows("Xb", Xb, "Xa", len(Xa))
        check_columns("Xa", Xa, "as in fit", len(self.mean_a_))
        check_columns("Xb", Xb, "as in fit", len(self.mean_b_))
        return (Xa - self.mean_a_) @ self.weights_a_, (Xb - self.mean_b_) @ self.weights_b_


@contract(X=DATA32, y=Array("int", ndim=1), n_classes=Size(2), epochs=Count(), weight_decay=Real(0), seed=Seed())
def softmax_regression(X: np.ndarray, y: np.ndarray, n_classes: int, *, epochs: int = 100,
                       weight_decay: float = 1e-3, seed: int = 0) -> nn.Linear:
    """Train a linear softmax classifier in PyTorch (full-batch Adam, cross-entropy, L2 penalty).

    The base classifier of this module: the same learner for every view, so that accuracies
    compare views, not learners. ``X`` is a finite 2-D array, ``y`` its int labels from 0 to
    ``n_classes - 1`` (``n_classes >= 2``); ``epochs >= 1`` full-batch steps; ``weight_decay >= 0``
    (0: no penalty); ``seed >= 0`` seeds the initial weights.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0]] * 5)
    >>> model = softmax_regression(X, np.array([0, 1] * 5), 2)
    >>> model(torch.tensor([[0.0, 1.0]])).argmax().item()
    0
    """
    y = check_labels("y", y, len(X), n_classes)
    check_elements("n_classes", X.shape[1] * n_classes, f"a {X.shape[1]} x {n_classes} weight matrix")
    with seeded(seed):
        model = nn.Linear(X.shape[1], n_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=weight_decay)
    step = train_step(opt, lambda xb, yb: nn.functional.cross_entropy(model(xb), yb))
    fit(step, torch.from_numpy(X).float(), torch.from_numpy(y).long(), epochs=epochs, batch_size=len(X), seed=seed)
    return model


def _log_proba(model: nn.Linear, X: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return torch.log_softmax(model(torch.from_numpy(X).float()), dim=1).numpy()


@contract(Xa=DATA32, Xb=DATA32, y=Array("int", ndim=1), Xa_unlabeled=Array("float32", ndim=2),
          Xb_unlabeled=Array("float32", ndim=2), n_classes=Size(2), rounds=Count(0), per_class=Size(),
          epochs=Count(), seed=Seed())
def co_training(
    Xa: np.ndarray, Xb: np.ndarray, y: np.ndarray, Xa_unlabeled: np.ndarray, Xb_unlabeled: np.ndarray, *,
    n_classes: int, rounds: int = 10, per_class: int = 2, epochs: int = 100, seed: int = 0,
) -> tuple[nn.Linear, nn.Linear]:
    """Co-training (Blum and Mitchell, 1998): each view's classifier labels examples for the other.

    In each round, a :func:`softmax_regression` is trained on each view of the labeled set; each
    one then picks, for every class, the ``per_class`` unlabeled examples it predicts in that class
    most confidently, and they join the labeled set with that label, both views at once.

    Parameters
    ----------
    Xa, Xb : array_like
        The two views of the labeled examples, finite, one row per example (at least one).
    y : array_like of int
        Their labels, from 0 to ``n_classes - 1``.
    Xa_unlabeled, Xb_unlabeled : array_like
        The two views of the unlabeled examples, with the columns of ``Xa`` and ``Xb`` (possibly
        no rows: co-training is then supervised training).
    n_classes, rounds, per_class : int
        Number of classes (at least 2), of rounds (0 or more), and of examples added per class,
        view and round (at least 1).
    epochs : int
        Full-batch training steps of each :func:`softmax_regression`, at least 1.
    seed : int
        Seed of the classifiers, >= 0.

    Returns
    -------
    model_a, model_b : torch.nn.Linear
        The final classifier of each view; :func:`co_predict` combines them.

    Examples
    --------
    >>> from labkit.data import load_digits_split
    >>> from labkit.multi import digit_views
    >>> X, _, y, _ = load_digits_split()
    >>> a, b = digit_views(X)
    >>> model_a, model_b = co_training(a[:20], b[:20], y[:20], a[20:300], b[20:300], n_classes=10, rounds=2)
    >>> co_predict(model_a, model_b, a[:3], b[:3]).shape
    (3,)
    """
    check_same_rows("Xb", Xb, "Xa", len(Xa))
    Ua, Ub = Xa_unlabeled, check_same_rows("Xb_unlabeled", Xb_unlabeled, "Xa_unlabeled", len(Xa_unlabeled))
    check_columns("Xa_unlabeled", Ua, "those of Xa", Xa.shape[1])
    check_columns("Xb_unlabeled", Ub, "those of Xb", Xb.shape[1])
    k = n_classes
    y = check_labels("y", y, len(Xa), k)
    pool = np.arange(len(Ua))  # indices of the examples still unlabeled
    for _ in range(rounds):
        models = [softmax_regression(Xa, y, k, epochs=epochs, seed=seed),
                  softmax_regression(Xb, y, k, epochs=epochs, seed=seed)]
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
    return (softmax_regression(Xa, y, k, epochs=epochs, seed=seed),
            softmax_regression(Xb, y, k, epochs=epochs, seed=seed))


@contract(model_a=Instance(nn.Linear, what="a torch.nn.Linear from co_training"),
          model_b=Instance(nn.Linear, what="a torch.nn.Linear from co_training"), Xa=DATA32, Xb=DATA32)
def co_predict(model_a: nn.Linear, model_b: nn.Linear, Xa: np.ndarray, Xb: np.ndarray) -> np.ndarray:
    """Predict from both views: the class with the largest product of the two views' probabilities.

    ``model_a`` and ``model_b`` are the classifiers of :func:`co_training` (the same classes);
    ``Xa`` and ``Xb`` finite 2-D arrays of the same rows, with each model's input features.

    Examples
    --------
    >>> m = softmax_regression(np.eye(2), np.array([0, 1]), 2)
    >>> co_predict(m, m, np.eye(2), np.eye(2)).tolist()
    [0, 1]
    """
    if model_b.out_features != model_a.out_features:
        raise ValueError(f"model_b must predict the classes of model_a ({model_a.out_features}), "
                         f"got {model_b.out_features}")
    check_same_rows("Xb", Xb, "Xa", len(Xa))
    check_columns("Xa", Xa, "model_a's in_features", model_a.in_features)
    check_columns("Xb", Xb, "model_b's in_features", model_b.in_features)
    return (_log_proba(model_a, Xa) + _log_proba(model_b, Xb)).argmax(axis=1)


@contract(X=MATRIX, angles=Array(ndim=1, min_rows=1))
def rotated_copies(X: np.ndarray, angles: Sequence[float]) -> np.ndarray:
    """Data augmentation: rotated copies of 8x8 images, as extra training examples.

    Parameters
    ----------
    X : array_like
        Flattened 8x8 images, finite, shape ``(n, 64)`` with ``n >= 1``.
    angles : sequence of float
        Rotation angles in degrees, finite, at least one; include 0 to keep the originals.

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
    check_columns("X", X, "8x8 pixels", 64)
    check_elements("angles", X.size * len(angles), f"{len(angles)} rotated copies of {len(X)} images")
    images = X.reshape(-1, 8, 8)
    from scipy.ndimage import rotate

    # Rotate in the plane of each image (axes 1, 2), keeping the 8x8 frame. fmod is exact, and leaves
    # angles within a turn as they are: a huge angle (1e308 degrees) becomes its exact remainder,
    # instead of a radian value whose sine has lost every digit.
    return np.concatenate([rotate(images, math.fmod(a, 360.0), axes=(1, 2), reshape=False, order=1).reshape(-1, 64)
                           for a in angles])
