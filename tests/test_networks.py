"""Tests of labkit.networks: mlp builds Linear layers with one activation between them, with PyTorch's
default initialisation drawn from the seed (the same numbers as drawing it by hand from a generator),
in the dtype asked for."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from labkit import networks
from labkit.networks import ACTIVATIONS, mlp
from labkit.seeding import generator, seeded
from contracts import contract_tests


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_an_activation_between_the_layers_and_after_the_last_only_if_asked(activation: str) -> None:
    net = mlp([4, 3, 2], activation)
    assert [type(m) for m in net] == [torch.nn.Linear, ACTIVATIONS[activation], torch.nn.Linear]
    features = mlp([4, 3], activation, final_activation=True)
    assert [type(m) for m in features] == [torch.nn.Linear, ACTIVATIONS[activation]]


def test_the_weights_are_pytorchs_default_initialization_drawn_from_the_seed() -> None:
    # Drawn by hand as regularization.make_mlp once did: U(-1/sqrt(n_in), 1/sqrt(n_in)), weight then bias.
    gen, sizes = generator(7), [64, 32, 16, 10]
    expected = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(n_in)
        expected += [torch.empty(n_out, n_in).uniform_(-bound, bound, generator=gen),
                     torch.empty(n_out).uniform_(-bound, bound, generator=gen)]
    for got, want in zip(mlp(sizes, seed=7).parameters(), expected, strict=True):
        assert torch.equal(got, want)


def test_without_a_seed_the_layers_draw_from_the_global_generator_in_order() -> None:
    with seeded(3):  # two networks from one seeded stream, as an encoder and its decoder
        a, b = mlp([5, 4, 2]), mlp([2, 4, 5])
    with seeded(3):
        layers = [torch.nn.Linear(5, 4), torch.nn.Linear(4, 2), torch.nn.Linear(2, 4), torch.nn.Linear(4, 5)]
    expected = [p for layer in layers for p in layer.parameters()]
    assert all(torch.equal(x, y) for x, y in zip([*a.parameters(), *b.parameters()], expected, strict=True))
    torch.manual_seed(0)
    expected_next = torch.rand(2)
    torch.manual_seed(0)
    mlp([3, 2], seed=1)  # a seeded network leaves the caller's stream alone
    assert torch.equal(torch.rand(2), expected_next)


def test_the_dtype_is_the_weights_dtype() -> None:
    net = mlp([3, 2], dtype=torch.float64, seed=0)
    assert {p.dtype for p in net.parameters()} == {torch.float64}
    assert net(torch.zeros(1, 3, dtype=torch.float64)).dtype == torch.float64


VALID_CALLS = {
    "mlp": lambda: (mlp, dict(sizes=[3, 2], activation="tanh", final_activation=True, dtype=torch.float64, seed=0)),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(networks, VALID_CALLS)
