"""Two PyTorch idioms shared by the labkit modules (private: not part of the API)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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


def optimizer_step(optimizer: torch.optim.Optimizer,
                   loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> Callable[..., float]:
    """A ``step`` for :func:`labkit.training.fit`: zero the gradients, backpropagate ``loss_fn(xb, yb)``,
    let ``optimizer`` update the weights, and return the batch loss."""

    def step(xb: torch.Tensor, yb: torch.Tensor) -> float:
        optimizer.zero_grad()
        loss = loss_fn(xb, yb)
        loss.backward()  # backpropagation computes the gradients...
        optimizer.step()  # ...the optimiser updates the weights
        return loss.item()

    return step
