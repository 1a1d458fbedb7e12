"""The PyTorch training step shared by the labkit modules (private: not part of the API)."""

from __future__ import annotations

from collections.abc import Callable

import torch


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
