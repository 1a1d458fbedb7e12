"""Seeding PyTorch: every random number a labkit model draws comes from a seed.

Two ways, one per kind of draw. Layers draw their initial weights from torch's global generator:
:func:`seeded` seeds it for one block and then gives the caller's generator back. Everything else
(noise, masks, samples) draws from a :func:`generator` of its own, passed as ``generator=``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

from ._checks import Seed
from ._contract import contract

__all__ = ["seeded", "generator"]


@contextmanager
@contract(seed=Seed())
def seeded(seed: int) -> Iterator[None]:
    """Run the block with torch's global generator seeded by ``seed``, then give the caller's back.

    Layers draw their initial weights from the global generator: this makes them depend on ``seed``
    only, without changing what the caller's own code draws next. ``seed``: an int from 0 to 2**32 - 1.

    >>> with seeded(0):
    ...     a = torch.nn.Linear(3, 2)
    >>> with seeded(0):
    ...     b = torch.nn.Linear(3, 2)
    >>> torch.equal(a.weight, b.weight)
    True
    """
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        yield


@contract(seed=Seed())
def generator(seed: int) -> torch.Generator:
    """A new CPU ``torch.Generator`` seeded by ``seed`` (an int from 0 to 2**32 - 1), for ``generator=``.

    >>> torch.equal(torch.rand(3, generator=generator(0)), torch.rand(3, generator=generator(0)))
    True
    """
    return torch.Generator().manual_seed(seed)
