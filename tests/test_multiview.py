"""Tests of labkit.multi.multiview: CCA recovers planted correlations and matches scikit-learn, co-training
uses the second view, rotated copies are augmentation of one view, and bad input is rejected."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cross_decomposition import CCA as SklearnCCA

from labkit.data import load_digits_split
from labkit.multi import (
    CCA, co_predict, co_training, digit_views, make_planted_views, multiview, rotated_copies, softmax_regression,
)
from labkit.training import accuracy
from contracts import contract_tests, relation_tests
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
    cca = CCA(2, lam=1e-12).fit(Xa, Xb)  # no ridge: the identities below are exact
    Za, Zb = cca.transform(Xa, Xb)
    np.testing.assert_allclose(np.cov(Za.T), np.eye(2), atol=1e-6)
    np.testing.assert_allclose(np.diag(np.corrcoef(Za.T, Zb.T)[:2, 2:]), cca.correlations_, atol=1e-6)


def test_cca_matches_scikit_learn() -> None:
    Xa, Xb = make_planted_views(2000, [0.9, 0.6], dims=(5, 4), seed=3)
    ours = CCA(2, lam=1e-9).fit(Xa, Xb).transform(Xa, Xb)
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
    a, b = digit_views(X, noise_std=0.1, seed=0)
    ta, tb = digit_views(Xte, noise_std=0.1, seed=1)
    return dict(X=X, y=y, lab=lab, unl=unl, a=a, b=b, ta=ta, tb=tb, yte=yte)


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


def test_weight_decay_zero_means_no_penalty() -> None:
    # On the old code: "weight_decay must be a positive finite float, got 0.0".
    X, y = np.eye(3), np.array([0, 1, 0])
    model = softmax_regression(X, y, 2, weight_decay=np.float32(0.0), epochs=5)
    assert model.out_features == 2


def test_co_training_with_nothing_unlabeled_is_supervised_training() -> None:
    X, y = np.eye(4), np.array([0, 1, 0, 1])
    model_a, _ = co_training(X, X[:, :2], y, np.zeros((0, 4)), np.zeros((0, 2)), n_classes=2, rounds=3)
    torch.testing.assert_close(model_a.weight, softmax_regression(X, y, 2).weight)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_a_non_finite_input_is_refused_naming_it_before_any_training(value: float) -> None:
    A = np.random.default_rng(0).normal(size=(6, 3))
    bad = np.where(np.eye(6, 3) > 0, value, A)
    y = np.array([0, 1] * 3)
    for call, arg in ((lambda: CCA(1).fit(A, bad), "Xb"), (lambda: softmax_regression(bad, y, 2), "X"),
                      (lambda: co_training(A, A, y, bad, A, n_classes=2), "Xa_unlabeled"),
                      (lambda: rotated_copies(np.zeros((1, 64)), [0.0, value]), "angles")):
        with pytest.raises(ValueError, match=rf"^{arg} must be .*NaN or inf"):
            call()


def test_numpy_scalars_are_accepted_wherever_python_numbers_are() -> None:
    Xa, Xb = make_planted_views(200, [0.9], seed=0)
    cca = CCA(np.int64(1), lam=np.float32(1e-6)).fit(Xa, Xb)
    assert cca.n_components == 1 and type(cca.n_components) is int
    A, y = np.eye(4), np.array([0, 1, 0, 1])
    m = softmax_regression(A, y, np.int64(2), epochs=np.int64(3), weight_decay=np.float32(1e-3), seed=np.int64(1))
    model_a, model_b = co_training(A, A, y, A, A, n_classes=np.int64(2), rounds=np.int64(1), per_class=np.int64(1),
                                   epochs=np.int64(2), seed=np.int64(0))
    assert co_predict(model_a, m, A, A).shape == (4,)
    assert rotated_copies(np.zeros((1, 64)), [np.float32(0), np.int64(90)]).shape == (2, 64)


def test_sizes_too_large_for_a_laptop_are_refused_before_the_allocator() -> None:
    # On the old code: MemoryError "Unable to allocate 74.5 GiB", torch's allocator error, and a
    # rotated_copies that ran for minutes.
    wide = np.zeros((2, 100_000))
    with pytest.raises(ValueError, match=r"^Xa asks for a 100000 x 100000 covariance matrix .*limit"):
        CCA(1).fit(wide, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"^n_classes asks for a 1000 x 1000000 weight matrix"):
        softmax_regression(np.zeros((2, 1000)), np.array([0, 1]), 10**6)
    with pytest.raises(ValueError, match=r"^angles asks for 2097152 rotated copies of 3 images"):
        rotated_copies(np.zeros((3, 64)), np.zeros(2**21))


A, B, Y = np.zeros((4, 3)), np.zeros((4, 2)), np.array([0, 1, 0, 1])
M = softmax_regression(np.eye(3), np.array([0, 1, 0]), 2)
PA, PB = make_planted_views(50, [0.9], dims=(2, 2), seed=0)


def fitted_cca() -> CCA:
    return CCA(1).fit(PA, PB)


VALID_CALLS = {
    "CCA": lambda: (CCA, dict(n_components=1, lam=1e-3)),
    "CCA.fit": lambda: (CCA(1).fit, dict(Xa=PA, Xb=PB)),
    "CCA.transform": lambda: (fitted_cca().transform, dict(Xa=PA[:5], Xb=PB[:5])),
    "softmax_regression": lambda: (softmax_regression, dict(X=A, y=Y, n_classes=2, epochs=2, weight_decay=1e-3,
                                                            seed=1)),
    "co_training": lambda: (co_training, dict(Xa=A, Xb=B, y=Y, Xa_unlabeled=A, Xb_unlabeled=B, n_classes=2, rounds=1,
                                              per_class=1, epochs=2, seed=1)),
    "co_predict": lambda: (co_predict, dict(model_a=M, model_b=M, Xa=A, Xb=A)),
    "rotated_copies": lambda: (rotated_copies, dict(X=np.zeros((2, 64)), angles=[0.0, 90.0])),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(multiview, VALID_CALLS)

# Relations between arguments (rows against rows, columns against a model or a fit) stay inline.
BAD_INPUTS = [
    ("CCA.fit", CCA(1).fit, dict(Xa=A, Xb=B[:3]), ValueError, "Xb"),
    ("CCA.fit", CCA(3).fit, dict(Xa=A, Xb=B), ValueError, "n_components"),
    ("CCA.transform", lambda **kw: fitted_cca().transform(**kw), dict(Xa=np.zeros((4, 3)), Xb=B), ValueError, "Xa"),
    ("CCA.transform", lambda **kw: fitted_cca().transform(**kw), dict(Xa=B, Xb=B[:3]), ValueError, "Xb"),
    ("CCA.transform", lambda **kw: CCA(1).transform(**kw), dict(Xa=A, Xb=B), ValueError, "CCA"),
    ("softmax_regression", softmax_regression, dict(X=A, y=Y[:3], n_classes=2), ValueError, "y"),
    ("softmax_regression", softmax_regression, dict(X=A, y=Y + 2, n_classes=2), ValueError, "y"),
    ("co_training", co_training, dict(Xa=A, Xb=B[:3], y=Y, Xa_unlabeled=A, Xb_unlabeled=B, n_classes=2), ValueError,
     "Xb"),
    ("co_training", co_training, dict(Xa=A, Xb=B, y=Y, Xa_unlabeled=A, Xb_unlabeled=B[:2], n_classes=2), ValueError,
     "Xb_unlabeled"),
    ("co_training", co_training, dict(Xa=A, Xb=B, y=Y, Xa_unlabeled=B, Xb_unlabeled=B, n_classes=2), ValueError,
     "Xa_unlabeled"),
    ("co_training", co_training, dict(Xa=A, Xb=B, y=Y, Xa_unlabeled=A, Xb_unlabeled=A, n_classes=2), ValueError,
     "Xb_unlabeled"),
    ("co_predict", co_predict, dict(model_a=M, model_b=M, Xa=A, Xb=B), ValueError, "Xb"),
    ("co_predict", co_predict, dict(model_a=M, model_b=M, Xa=A, Xb=A[:2]), ValueError, "Xb"),
    ("co_predict", co_predict, dict(model_a=M, model_b=torch.nn.Linear(3, 5), Xa=A, Xb=A), ValueError, "model_b"),
    ("rotated_copies", rotated_copies, dict(X=np.zeros((2, 63)), angles=[0]), ValueError, "X"),
    # Round 2 of the probe: refused at the entry, naming this function's argument.
    ("CCA", lambda: CCA(10**30), ValueError, "n_components"),
    ("CCA", lambda: CCA(1, lam=1e308), ValueError, "lam"),
    ("CCA.fit", CCA(1).fit, dict(Xa=np.full((4, 3), 1e308), Xb=B), ValueError, "Xa"),
    ("CCA.fit", CCA(1).fit, dict(Xa=A, Xb=1e200 * np.eye(4)[:, :2]), ValueError, "Xb"),
    ("co_training", co_training, dict(Xa=A, Xb=B, y=Y, Xa_unlabeled=A, Xb_unlabeled=B, n_classes=2, per_class=10**30),
     ValueError, "per_class"),
]


test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)


def test_a_linear_algebra_failure_of_cca_names_the_views(monkeypatch) -> None:
    # On the old code: numpy's bare LinAlgError "Eigenvalues did not converge".
    def fail(C):
        raise np.linalg.LinAlgError("Eigenvalues did not converge")

    monkeypatch.setattr(np.linalg, "eigh", fail)
    with pytest.raises(ValueError, match=r"^Xa and Xb must give well-conditioned covariances.*LinAlgError"):
        CCA(1).fit(PA, PB)


def test_a_huge_angle_rotates_by_its_exact_remainder() -> None:
    # On the old code: 1e308 degrees went to radians (1.7e306), whose sine and cosine have no exact digits left.
    import math

    X = np.random.default_rng(0).random((2, 64))
    np.testing.assert_allclose(rotated_copies(X, [1e308]), rotated_copies(X, [math.fmod(1e308, 360.0)]))
    np.testing.assert_array_equal(rotated_copies(X, [45.0]), rotated_copies(X, [np.float32(45.0)]))


def test_data_beyond_float32_is_refused_naming_the_caller_argument() -> None:
    # On the old code: the value became inf in float32 and fit refused its own "X" (or co_predict returned
    # a class computed from NaN).
    huge = np.full((4, 3), 1e39)
    for call, arg in ((lambda: softmax_regression(huge, Y, 2), "X"),
                      (lambda: co_training(A, B, Y, huge, B, n_classes=2, rounds=1), "Xa_unlabeled"),
                      (lambda: co_predict(M, M, huge, A), "Xa")):
        with pytest.raises(ValueError, match=rf"^{arg} must be .*fit in float32"):
            call()
