"""Tests of labkit.multiview: CCA recovers planted correlations and matches scikit-learn, co-training
uses the second view, rotated copies are augmentation of one view, and bad input is rejected."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cross_decomposition import CCA as SklearnCCA

from labkit import multiview
from labkit.data import digit_views, load_digits_split, make_planted_views
from labkit.multiview import CCA, co_predict, co_training, rotated_copies, softmax_regression
from badinput import bad_input_tests
from torchthreads import one_torch_thread  # noqa: F401  (autouse: tiny networks, one thread)


@settings(deadline=None, derandomize=True, max_examples=10)
@given(st.lists(st.floats(0.1, 0.95), min_size=1, max_size=3), st.integers(0, 10))
def test_cca_recovers_the_planted_correlations(rho: list[float], seed: int) -> None:
    rho = sorted(rho, reverse=True)
    Xa, Xb = make_planted_views(20000, rho, dims=(4, 3), seed=seed)
    found = CCA(len(rho)).fit(Xa, Xb).correlations_
    np.testing.assert_allclose(found, rho, atol=0.03)


def test_cca_projections_are_white_and_paired() -> None:
    Xa, Xb = make_planted_views(3000, [0.8, 0.4], seed=2)
    cca = CCA(2, reg=1e-12).fit(Xa, Xb)  # no ridge: the identities below are exact
    Za, Zb = cca.transform(Xa, Xb)
    np.testing.assert_allclose(np.cov(Za.T), np.eye(2), atol=1e-6)
    np.testing.assert_allclose(np.diag(np.corrcoef(Za.T, Zb.T)[:2, 2:]), cca.correlations_, atol=1e-6)


def test_cca_matches_scikit_learn() -> None:
    Xa, Xb = make_planted_views(2000, [0.9, 0.6], dims=(5, 4), seed=3)
    ours = CCA(2, reg=1e-9).fit(Xa, Xb).transform(Xa, Xb)
    theirs = SklearnCCA(n_components=2, max_iter=2000, tol=1e-10).fit(Xa, Xb).transform(Xa, Xb)
    for view in range(2):
        for j in range(2):  # the same direction, up to sign and scale
            assert abs(np.corrcoef(ours[view][:, j], theirs[view][:, j])[0, 1]) > 0.999


@pytest.fixture(scope="module")
def few_labels() -> dict:
    X, Xte, y, yte = load_digits_split(seed=0)
    rng = np.random.default_rng(0)
    lab = np.concatenate([rng.choice(np.flatnonzero(y == c), 2, replace=False) for c in range(10)])
    unl = np.setdiff1d(np.arange(len(y)), lab)
    a, b = digit_views(X, noise=0.1, seed=0)
    ta, tb = digit_views(Xte, noise=0.1, seed=1)
    return dict(X=X, y=y, lab=lab, unl=unl, a=a, b=b, ta=ta, tb=tb, yte=yte)


def accuracy(model: torch.nn.Linear, X: np.ndarray, y: np.ndarray) -> float:
    return float((model(torch.tensor(X).float()).argmax(1).numpy() == y).mean())


def test_co_training_beats_one_view_with_few_labels(few_labels: dict) -> None:
    d = few_labels
    lab, unl = d["lab"], d["unl"]
    one_view = accuracy(softmax_regression(d["a"][lab], d["y"][lab], 10), d["ta"], d["yte"])
    model_a, model_b = co_training(d["a"][lab], d["b"][lab], d["y"][lab], d["a"][unl], d["b"][unl],
                                   n_classes=10, rounds=10)
    assert accuracy(model_a, d["ta"], d["yte"]) > one_view + 0.03  # the left view learned from the right one
    assert np.mean(co_predict(model_a, model_b, d["ta"], d["tb"]) == d["yte"]) > one_view + 0.1


def test_co_training_without_rounds_is_supervised_training(few_labels: dict) -> None:
    d = few_labels
    lab = d["lab"]
    model_a, _ = co_training(d["a"][lab], d["b"][lab], d["y"][lab], d["a"][:5], d["b"][:5], n_classes=10, rounds=0)
    alone = softmax_regression(d["a"][lab], d["y"][lab], 10)
    torch.testing.assert_close(model_a.weight, alone.weight)


def test_rotated_copies_are_rotations_of_the_same_images() -> None:
    X, _, _, _ = load_digits_split(seed=0)
    out = rotated_copies(X[:5], [0.0, 90.0, 180.0])
    images = X[:5].reshape(-1, 8, 8)
    np.testing.assert_allclose(out[:5], X[:5], atol=1e-12)
    np.testing.assert_allclose(out[5:10].reshape(-1, 8, 8), np.rot90(images, 1, axes=(1, 2)), atol=1e-12)
    np.testing.assert_allclose(out[10:].reshape(-1, 8, 8), images[:, ::-1, ::-1], atol=1e-12)


def test_softmax_regression_fits_separable_data() -> None:
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    assert accuracy(softmax_regression(X, y, 2), X, y) > 0.95


A, B, Y = np.zeros((4, 3)), np.zeros((4, 2)), np.array([0, 1, 0, 1])
M = softmax_regression(np.eye(3), np.array([0, 1, 0]), 2)
BAD_INPUTS = [
    ("CCA", CCA, dict(n_components=0), ValueError, "n_components"),
    ("CCA", CCA, dict(reg=-1.0), ValueError, "reg"),
    ("CCA", lambda **kw: CCA(1).fit(**kw), dict(Xa=A, Xb=B[:3]), ValueError, "Xb"),
    ("CCA", lambda **kw: CCA(3).fit(**kw), dict(Xa=A, Xb=B), ValueError, "n_components"),
    ("CCA", lambda **kw: CCA(1).fit(**kw), dict(Xa=np.ones(4), Xb=B), ValueError, "Xa"),
    ("CCA", lambda **kw: CCA(1).fit(A + np.eye(4, 3), B + np.eye(4, 2)).transform(**kw), dict(Xa=B, Xb=B),
     ValueError, "Xa"),
    ("softmax_regression", softmax_regression, dict(X=A, y=Y, n_classes=1), ValueError, "n_classes"),
    ("softmax_regression", softmax_regression, dict(X=A, y=Y[:3], n_classes=2), ValueError, "y"),
    ("softmax_regression", softmax_regression, dict(X=A, y=Y, n_classes=2, weight_decay=0.0), ValueError,
     "weight_decay"),
    ("co_training", co_training, dict(Xa=A, Xb=B, y=Y, Xa_unlabeled=A, Xb_unlabeled=B[:2], n_classes=2), ValueError,
     "Xb_unlabeled"),
    ("co_training", co_training, dict(Xa=A, Xb=B, y=Y, Xa_unlabeled=B, Xb_unlabeled=B, n_classes=2), ValueError,
     "Xa_unlabeled"),
    ("co_training", co_training, dict(Xa=A, Xb=B, y=Y, Xa_unlabeled=A, Xb_unlabeled=B, n_classes=2, per_class=0),
     ValueError, "per_class"),
    ("co_training", co_training, dict(Xa=A, Xb=B, y=Y, Xa_unlabeled=A, Xb_unlabeled=B, n_classes=2, rounds=-1),
     ValueError, "rounds"),
    ("co_predict", co_predict, dict(model_a="m", model_b=M, Xa=A, Xb=A), TypeError, "model_a"),
    ("co_predict", co_predict, dict(model_a=M, model_b=M, Xa=A, Xb=B), ValueError, "Xb"),
    ("rotated_copies", rotated_copies, dict(X=np.zeros((2, 63)), angles=[0]), ValueError, "X"),
    ("rotated_copies", rotated_copies, dict(X=np.zeros((2, 64)), angles=[]), ValueError, "angles"),
    ("rotated_copies", rotated_copies, dict(X=np.zeros((2, 64)), angles="ninety"), TypeError, "angles"),
]


(test_bad_input_is_rejected_with_a_message_naming_the_argument,
 test_bad_input_table_covers_every_public_callable) = bad_input_tests(BAD_INPUTS, multiview)
