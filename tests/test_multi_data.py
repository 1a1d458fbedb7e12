"""Tests of labkit.multi.data: the generators of the multi concept are seeded and shaped, related tasks share
their hidden directions, sizes beyond the limit are refused before the allocator, and every public callable
declares its contracts."""

from __future__ import annotations

import numpy as np
import pytest

from labkit.multi import data
from labkit.multi.data import digit_views, make_multimodal_digits, make_multitask_data, make_planted_views
from contracts import contract_tests, relation_tests


def test_synthetic_generators_are_seeded_and_shaped() -> None:
    for make in (lambda s: make_multitask_data(30, 2, seed=s), lambda s: make_multimodal_digits(seed=s),
                 lambda s: digit_views(np.ones((3, 64)), noise_std=0.5, seed=s),
                 lambda s: make_planted_views(30, [0.5], seed=s)):
        first, again, other = make(0), make(0), make(1)
        assert all(np.array_equal(a, b) for a, b in zip(first, again))
        assert not np.array_equal(first[0], other[0])


def test_related_tasks_share_their_hidden_directions() -> None:
    # Without noise, related tasks are functions of the same two directions of X: a rank-2 signal.
    X, Y = make_multitask_data(500, 4, related=True, noise_std=0.0, n_latent=2)
    Xu, Yu = make_multitask_data(500, 4, related=False, noise_std=0.0, n_latent=2)
    lin = lambda X, Y: np.linalg.svd(np.linalg.lstsq(X, Y, rcond=None)[0], compute_uv=False)
    s, su = lin(X, Y), lin(Xu, Yu)
    assert s[2] / s[0] < 1e-6 < su[2] / su[0]


# -- sizes: a clear error before the allocator ---------------------------------------------------------------
@pytest.mark.parametrize("make, arg", [
    (lambda: make_multitask_data(10**6, n_features=10**4), "n_samples"),
    (lambda: make_multimodal_digits(signal_length=2**20), "signal_length"),
    (lambda: make_planted_views(10, [0.5], dims=(10**5, 3)), "dims"),
], ids=["multitask", "multimodal", "planted"])
def test_huge_sizes_are_refused_before_the_allocator(make, arg) -> None:
    with pytest.raises(ValueError, match=rf"^{arg} asks for .* numbers; labkit's limit is"):
        make()


@pytest.mark.parametrize("call, arg", [
    (lambda: make_multitask_data(10, 2, noise_std=[0.1, np.nan]), "noise_std"),
    (lambda: digit_views(np.full((2, 64), np.inf)), "X"),
    (lambda: make_planted_views(10, [np.nan]), "correlations"),
])
def test_nan_and_inf_are_refused_naming_the_argument(call, arg) -> None:
    with pytest.raises(ValueError, match=rf"^{arg} must be .*finite"):
        call()


# -- contracts: every public callable, its valid call, each declared argument broken --------------------------
VALID_CALLS = {
    "make_multitask_data": lambda: (make_multitask_data, dict(n_samples=5, n_tasks=2, related=False, noise_std=[0.1, 0.2],
                                                              n_features=4, n_latent=2, seed=1)),
    "make_multimodal_digits": lambda: (make_multimodal_digits, dict(image_noise_std=0.1, signal_noise_std=0.2,
                                                                    signal_length=8, seed=1)),
    "digit_views": lambda: (digit_views, dict(X=np.ones((2, 64)), noise_std=0.5, seed=1)),
    "make_planted_views": lambda: (make_planted_views, dict(n_samples=5, correlations=[0.5], dims=(3, 2), seed=1)),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(data, VALID_CALLS)

# Relations between arguments stay checked inline.
BAD_INPUTS = [
    ("make_multitask_data", lambda: make_multitask_data(5, 3, noise_std=[0.1, 0.2]), ValueError, "noise_std"),
    ("digit_views", lambda: digit_views(np.zeros((3, 63))), ValueError, "X"),
    ("make_planted_views", lambda: make_planted_views(10, [1.0]), ValueError, "correlations"),
    ("make_planted_views", lambda: make_planted_views(10, [0.5] * 6), ValueError, "correlations"),
    # Round 2 of the probe (issue 15): each row below failed before its fix.
    ("make_multitask_data", lambda: make_multitask_data(5, n_features=2, n_latent=5), ValueError, "n_latent"),
    ("make_multitask_data", lambda: make_multitask_data(5, noise_std=1e308), ValueError, "noise_std"),
    ("make_multimodal_digits", lambda: make_multimodal_digits(image_noise_std=1e308), ValueError, "image_noise_std"),
]


test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)
