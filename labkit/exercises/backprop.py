"""Backpropagation's coding exercises: the backward pass of a linear layer, and of softmax cross-entropy.

Each reference is PyTorch's autograd on the same forward computation, so a student's hand-written
gradient is checked against an engine they did not write; the mistakes are the ones students make.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..i18n import _
from ._core import Exercise, Mistake, register


# -- a linear layer ------------------------------------------------------------------------------------

def _linear_by_autograd(X: np.ndarray, W: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, ...]:
    """dL/dW, dL/db, dL/dX of Z = X W + b, for the upstream gradient delta = dL/dZ, by torch.autograd."""
    x, w = torch.tensor(X, requires_grad=True), torch.tensor(W, requires_grad=True)
    b = torch.zeros(W.shape[1], dtype=torch.float64, requires_grad=True)
    (x @ w + b).backward(torch.tensor(delta))
    return w.grad.numpy(), b.grad.numpy(), x.grad.numpy()


def _linear_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # Non-square shapes, so that a transposed answer has the wrong shape or the wrong values; a batch of
    # one, where summing and averaging over the batch agree, comes last.
    return [dict(X=rng.normal(size=(n, d)), W=rng.normal(size=(d, k)), delta=rng.normal(size=(n, k)))
            for n, d, k in ((5, 3, 4), (8, 6, 2), (1, 4, 3))]


register(Exercise(
    id="backprop.linear_backward",
    title=_("The backward pass of a linear layer"),
    task=_("""A linear layer computes Z = X @ W + b for a batch X of shape (n, d), weights W of shape (d, k)
and a bias b of shape (k,). Given delta = dL/dZ, of shape (n, k), return the three gradients

    dW = dL/dW, of shape (d, k)
    db = dL/db, of shape (k,)
    dX = dL/dX, of shape (n, d)

as a tuple (dW, db, dX), with numpy only. Hint: each gradient has the shape of what it differentiates."""),
    signature="linear_backward(X, W, delta)",
    returns=("dW", "db", "dX"),
    reference=_linear_by_autograd,
    cases=_linear_cases,
    mistakes=(
        Mistake(_("dW = delta.T @ X is the transpose of the gradient: dW must have the shape of W, (d, k), "
                  "so it is X.T @ delta."),
                lambda X, W, delta: (delta.T @ X, delta.sum(axis=0), delta @ W.T)),
        Mistake(_("db must be summed over the batch: the bias is added to every row of Z, so each row "
                  "contributes, and db = delta.sum(axis=0) has the shape of b."),
                lambda X, W, delta: (X.T @ delta, delta, delta @ W.T)),
        Mistake(_("db is averaged instead of summed: any average over the batch is already inside delta "
                  "(the loss's own 1/n), so db = delta.sum(axis=0)."),
                lambda X, W, delta: (X.T @ delta, delta.mean(axis=0), delta @ W.T)),
        Mistake(_("dW is divided by the batch size once more: delta already holds the loss's 1/n, so "
                  "dW = X.T @ delta."),
                lambda X, W, delta: (X.T @ delta / len(X), delta.sum(axis=0), delta @ W.T)),
        Mistake(_("dX = delta @ W forgets the transpose: dX must have the shape of X, (n, d), so it is "
                  "delta @ W.T."),
                lambda X, W, delta: (X.T @ delta, delta.sum(axis=0), delta @ W)),
    ),
))


# -- softmax cross-entropy -------------------------------------------------------------------------------

def _cross_entropy_by_autograd(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dL/dlogits of the mean softmax cross-entropy, by torch.autograd."""
    z = torch.tensor(logits, requires_grad=True)
    torch.nn.functional.cross_entropy(z, torch.as_tensor(y)).backward()
    return z.grad.numpy()


def _cross_entropy_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # Large logits in the last case: exp overflows unless the row maximum is subtracted first.
    shapes = ((6, 4, 1.0), (10, 3, 2.0), (4, 5, 400.0))
    return [dict(logits=scale * rng.normal(size=(n, k)), y=rng.integers(0, k, size=n)) for n, k, scale in shapes]


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _one_hot(y: np.ndarray, k: int) -> np.ndarray:
    return np.eye(k)[y]


register(Exercise(
    id="backprop.softmax_cross_entropy_grad",
    title=_("The gradient of softmax cross-entropy"),
    task=_("""The loss of a batch of n examples is the mean cross-entropy
L = -(1/n) * sum_i log softmax(logits)[i, y[i]], for logits of shape (n, k) and integer labels y
of shape (n,). Return dL/dlogits, of shape (n, k), with numpy only. It must stay finite for large
logits (several hundreds)."""),
    signature="softmax_cross_entropy_grad(logits, y)",
    returns=("dlogits",),
    reference=_cross_entropy_by_autograd,
    cases=_cross_entropy_cases,
    mistakes=(
        Mistake(_("The gradient is not divided by n: the loss is a mean over the batch, so "
                  "dL/dlogits = (softmax(logits) - one_hot(y)) / n."),
                lambda logits, y: _softmax(logits) - _one_hot(y, logits.shape[1])),
        Mistake(_("The one-hot label is missing: the derivative of -log p[y] with respect to the logits "
                  "is softmax(logits) - one_hot(y), not softmax(logits) alone."),
                lambda logits, y: _softmax(logits) / len(logits)),
        Mistake(_("The sign is flipped: this is the gradient of the log-likelihood, which gradient descent "
                  "would climb. The loss's gradient is (softmax(logits) - one_hot(y)) / n."),
                lambda logits, y: (_one_hot(y, logits.shape[1]) - _softmax(logits)) / len(logits)),
        Mistake(_("exp(logits) overflows for large logits and gives NaN: subtract each row's maximum before "
                  "exp (softmax does not change when a constant is subtracted from a row)."),
                lambda logits, y: (np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
                                   - _one_hot(y, logits.shape[1])) / len(logits)),
    ),
))

__all__: list[str] = []
