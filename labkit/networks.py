"""The multi-layer perceptron in PyTorch: the one builder the concepts' torch networks start from.

An autoencoder's encoder and decoder, a fusion network's branches, the PyTorch twin of
:class:`labkit.backprop.MLP`, the regularised classifier and the timed training step of the hardware
concept are all ``Linear`` layers with one activation between them: :func:`mlp` builds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext

import torch
from torch import nn

from ._checks import Bool, Choice, FloatDtype, Optional, Seed, Sizes
from ._contract import contract
from .seeding import seeded

__all__ = ["mlp", "ACTIVATIONS"]

#: The activations :func:`mlp` puts between its layers, by name; "linear" puts none (the network is linear).
ACTIVATIONS: dict[str, type[nn.Module]] = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
                                           "linear": nn.Identity}


@contract(sizes=Sizes(2), activation=Choice(*ACTIVATIONS), final_activation=Bool(), dtype=Optional(FloatDtype()),
          seed=Optional(Seed()))
def mlp(sizes: Sequence[int], activation: str = "relu", *, final_activation: bool = False,
        dtype: torch.dtype | None = None, seed: int | None = None) -> nn.Sequential:
    """``Linear`` layers of widths ``sizes`` (input first) with ``activation`` between them.

    The last layer has no activation (its outputs are logits, a code or pixels) unless
    ``final_activation``: then the network is a feature extractor that other layers read. The
    weights have PyTorch's default initialisation, drawn from :func:`labkit.seeding.seeded` ``(seed)``,
    or from torch's global generator when ``seed`` is None (inside a ``seeded`` block that builds
    several networks). ``dtype``: the weights' floating dtype (default torch's, float32).

    >>> mlp([64, 32, 10], seed=0)
    Sequential(
      (0): Linear(in_features=64, out_features=32, bias=True)
      (1): ReLU()
      (2): Linear(in_features=32, out_features=10, bias=True)
    )
    >>> features = mlp([4, 8], "tanh", final_activation=True, dtype=torch.float64, seed=0)
    >>> features[-1], features(torch.zeros(2, 4, dtype=torch.float64)).dtype
    (Tanh(), torch.float64)
    """
    layers: list[nn.Module] = []
    with seeded(seed) if seed is not None else nullcontext():
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(n_in, n_out, dtype=dtype), ACTIVATIONS[activation]()]
    return nn.Sequential(*(layers if final_activation else layers[:-1]))
