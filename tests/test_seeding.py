"""Tests of labkit.seeding: seeded weights depend on the seed only and leave the caller's global
generator alone; a generator gives the same draws for the same seed."""

from __future__ import annotations

import pytest
import torch

from labkit import seeding
from labkit.seeding import generator, seeded
from contracts import contract_tests


def test_seeded_weights_depend_on_the_seed_only_and_leave_the_global_generator_alone() -> None:
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    with seeded(5):
        a = torch.nn.Linear(4, 2).weight.detach().clone()
    assert torch.equal(torch.rand(3), expected_next)  # the caller's stream goes on as if nothing happened
    with seeded(5):
        assert torch.equal(torch.nn.Linear(4, 2).weight, a)
    with pytest.raises(ValueError, match="seed"):
        with seeded(-1):
            pass


def test_a_generator_is_the_global_stream_of_the_same_seed_without_touching_it() -> None:
    with seeded(7):
        from_global = torch.rand(5)
    torch.manual_seed(123)
    expected_next = torch.rand(3)
    torch.manual_seed(123)
    assert torch.equal(torch.rand(5, generator=generator(7)), from_global)
    assert torch.equal(torch.rand(3), expected_next)


VALID_CALLS = {
    "seeded": lambda: (seeded, dict(seed=0)),
    "generator": lambda: (generator, dict(seed=0)),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(seeding, VALID_CALLS)
