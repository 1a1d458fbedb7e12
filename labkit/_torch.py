"""A PyTorch idiom shared by the labkit modules (private: not part of the API)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

from ._checks import check_int


@contextmanager
def seeded(seed: object) -> Iterator[None]:
    """Run the block with torch's global generator seeded by ``seed``, then give the caller's back.

    Layers draw their initial weights from the global generator: this makes them depend on ``seed``
    only, without changing what the caller's own code draws next.
    """
    with torch.random.fork_rng():
        torch.manual_seed(check_int("seed", seed, 0))
        yield

