"""Tests of labkit.data: the split is stratified, seeded and scaled, the generators are seeded, sizes
beyond the limit are refused before the allocator, and every public callable declares its contracts."""

from __future__ import annotations

import numpy as np
import pytest

from labkit import data
from labkit.data import load_digits_split, one_hot
from contracts import contract_tests, relation_tests


@pytest.fixture(scope="module")
def split() -> tuple[np.ndarray, ...]:
    return load_digits_split()


def test_shapes_dtypes_and_range(split: tuple[np.ndarray, ...]) -> None:
    X_train, X_test, y_train, y_test = split
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64)
    assert y_train.shape == (1347,) and y_test.shape == (450,)
    assert X_train.dtype == X_test.dtype == np.float64
    assert y_train.dtype == y_test.dtype == np.int64
    assert X_train.min() == 0.0 and X_train.max() == 1.0 and X_test.max() <= 1.0


def test_unscaled_pixels_are_the_raw_counts() -> None:
    X_train, _, _, _ = load_digits_split(unit_interval=False)
    assert X_train.max() == 16.0 and np.all(X_train == np.round(X_train))
    scaled, _, _, _ = load_digits_split(unit_interval=True)
    np.testing.assert_array_equal(scaled * 16, X_train)


def test_split_is_stratified(split: tuple[np.ndarray, ...]) -> None:
    _, _, y_train, y_test = split
    share_train = np.bincount(y_train, minlength=10) / len(y_train)
    share_test = np.bincount(y_test, minlength=10) / len(y_test)
    np.testing.assert_allclose(share_train, share_test, atol=0.005)


def test_split_is_seeded_and_disjoint(split: tuple[np.ndarray, ...]) -> None:
    again = load_digits_split(seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(split, again))
    other = load_digits_split(seed=1)
    assert not np.array_equal(split[0], other[0])
    X_train, X_test = split[0], split[1]
    train_rows = {row.tobytes() for row in X_train}
    # The digits hold a few duplicate images; a disjoint split shares at most those few rows.
    assert sum(row.tobytes() in train_rows for row in X_test) < 10


def test_test_size_is_respected() -> None:
    _, X_test, _, _ = load_digits_split(test_size=0.5)
    assert len(X_test) == 899


def test_one_hot() -> None:
    np.testing.assert_array_equal(one_hot(np.array([1, 0, 2]), 3), np.eye(3)[[1, 0, 2]])
    assert one_hot(np.array([], dtype=int), 4).shape == (0, 4)
    y = np.random.default_rng(0).integers(0, 10, size=50)
    assert np.array_equal(one_hot(y, 10).argmax(axis=1), y)


# -- sizes: a clear error before the allocator ---------------------------------------------------------------
@pytest.mark.parametrize("make, arg", [
    (lambda: one_hot([0, 1], 2**28), "n_classes"),  # each size allowed, not their product
], ids=["one_hot"])
def test_huge_sizes_are_refused_before_the_allocator(make, arg) -> None:
    with pytest.raises(ValueError, match=rf"^{arg} asks for .* numbers; labkit's limit is"):
        make()


def test_one_hot_of_no_labels_is_an_empty_array() -> None:
    assert one_hot([], 3).shape == (0, 3)


# -- contracts: every public callable, its valid call, each declared argument broken --------------------------
VALID_CALLS = {
    "load_digits_split": lambda: (load_digits_split, dict(test_size=0.3, seed=1, unit_interval=False)),
    "one_hot": lambda: (one_hot, dict(y=np.array([0, 2, 1]), n_classes=3)),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(data, VALID_CALLS)

# Relations between arguments stay checked inline.
BAD_INPUTS = [
    ("one_hot", lambda: one_hot([0, 2], 2), ValueError, "y"),
    # Round 2 of the probe (issue 15): each row below failed before its fix.
    ("load_digits_split", lambda: load_digits_split(seed=2**32), ValueError, "seed"),
]


test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)
