"""L2 penalty versus decoupled weight decay: the same with SGD, not with Adam.

With the penalty ``lam / 2 * |w|**2`` in the loss, the optimiser sees the gradient ``g + lam * w``.
Decoupled weight decay leaves the gradient alone and shrinks the weights outside it:
``w <- w - lr * step(g) - lr * lam * w``. For SGD, ``step(g) = g`` and the two updates are the same.
Adam divides each gradient entry by a running estimate of its size, so the penalty's pull
``lam * w`` is divided too, by a different amount for each weight: this is why AdamW
(Loshchilov and Hutter, 2019) decouples the decay.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .._checks import check_choice, check_int, check_matrix, check_nonnegative, check_positive
from .penalties import l2_penalty

__all__ = ["decoupled_weight_decay_", "l2_vs_weight_decay"]


def decoupled_weight_decay_(params: Any, lr: float, lam: float) -> None:
    """Shrink the weights in place, outside the gradient: ``w <- (1 - lr * lam) w``.

    >>> w = torch.tensor([2.0, -4.0])
    >>> decoupled_weight_decay_([w], lr=0.1, lam=0.5)
    >>> w
    tensor([ 1.9000, -3.8000])
    """
    if isinstance(params, torch.Tensor) or not all(isinstance(p, torch.Tensor) for p in params):
        raise TypeError(f"params must be a list of tensors, got {params!r:.60}")
    lr, lam = check_positive("lr", lr), check_nonnegative("lam", lam)
    with torch.no_grad():
        for p in params:
            p.mul_(1.0 - lr * lam)


def l2_vs_weight_decay(optimizer: str, X: Any, y: Any, *, lam: float, lr: float,
                       steps: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Train a least-squares linear model twice: with an L2 penalty, and with decoupled decay.

    Both runs start from ``w = 0``, take ``steps`` full-batch steps of ``optimizer`` ("sgd" or
    "adam") with the learning rate ``lr`` on ``mean((X w - y)**2) / 2``, and use the same ``lam``:
    once as :func:`~labkit.regularization.l2_penalty` in the loss (what ``torch.optim.Adam``'s
    ``weight_decay`` does), once as :func:`decoupled_weight_decay_` outside the gradient (``torch.optim.AdamW``).

    Returns
    -------
    w_l2, w_decay : numpy.ndarray
        The weights after each step, shape ``(steps + 1, X.shape[1])``, starting with the zeros.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(20, 3)); y = X @ np.array([1.0, -2.0, 0.5])
    >>> a, b = l2_vs_weight_decay("sgd", X, y, lam=0.1, lr=0.1)
    >>> bool(np.abs(a - b).max() < 1e-12)
    True
    >>> a, b = l2_vs_weight_decay("adam", X, y, lam=0.1, lr=0.1)
    >>> bool(np.abs(a - b).max() > 1e-2)
    True
    """
    optimizer = check_choice("optimizer", optimizer, ("sgd", "adam"))
    X = torch.from_numpy(check_matrix("X", X))
    y = torch.as_tensor(np.asarray(y, dtype=np.float64))
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), one target per row of X, got {tuple(y.shape)}")
    lam, lr, steps = check_nonnegative("lam", lam), check_positive("lr", lr), check_int("steps", steps, 1)
    make = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[optimizer]
    paths = []
    for decoupled in (False, True):
        w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
        opt, path = make([w], lr=lr), [w.detach().clone()]
        for _ in range(steps):
            opt.zero_grad()
            loss = ((X @ w - y) ** 2).mean() / 2
            if not decoupled:
                loss = loss + l2_penalty(w, lam)  # the pull lam * w goes through the optimiser
            loss.backward()
            if decoupled:
                decoupled_weight_decay_([w], lr, lam)  # before the step, as AdamW: (1 - lr lam) w - lr step(g)
            opt.step()
            path.append(w.detach().clone())
        paths.append(torch.stack(path).numpy())
    return paths[0], paths[1]
