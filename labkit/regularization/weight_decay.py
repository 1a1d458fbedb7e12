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

from .._checks import Array, Choice, Count, Each, Real, Rule, Variant, _const
from .._contract import contract
from .penalties import _l2

__all__ = ["decoupled_weight_decay_", "l2_vs_weight_decay"]


class _Weight(Rule):
    """A floating-point torch tensor of finite numbers, kept as it is: it is changed in place."""

    expected = "a floating-point torch.Tensor of finite numbers (changed in place)"

    def check(self, name: str, value: Any) -> torch.Tensor:
        if not isinstance(value, torch.Tensor) or not value.is_floating_point():
            raise self.fail(name, value, TypeError)
        if not bool(torch.isfinite(value).all()):
            raise self.fail(name, f"{int((~torch.isfinite(value)).sum())} NaN or inf among {value.numel()} values")
        return value

    def bad(self) -> list[Variant]:
        return [("None", _const(None), TypeError), ("int tensor", _const(torch.ones(2, dtype=torch.int64)), TypeError),
                ("numpy array", _const(np.ones(2)), TypeError),
                ("nan", _const(torch.tensor([1.0, float("nan")])), ValueError)]


@contract(params=Each(_Weight(), min_len=0), lr=Real(0, low_open=True), lam=Real(0))
def decoupled_weight_decay_(params: Any, lr: float, lam: float) -> None:
    """Shrink the weights in place, outside the gradient: ``w <- (1 - lr * lam) w``.

    ``params`` is a sequence or an iterable (``model.parameters()``, read once) of floating tensors
    of finite numbers; ``lr > 0`` and ``lam >= 0`` (0: no decay), with ``lr * lam <= 1``: the
    factor ``1 - lr * lam`` must shrink the weights, not flip their signs.

    >>> w = torch.tensor([2.0, -4.0])
    >>> decoupled_weight_decay_([w], lr=0.1, lam=0.5)
    >>> w
    tensor([ 1.9000, -3.8000])
    """
    check_decay("lr", lr, "lam", lam)
    _decay(params, lr, lam)


def check_decay(lr_name: str, lr: float, lam_name: str, lam: float) -> None:
    """Refuse ``lr * lam > 1``: the decay factor ``1 - lr * lam`` would flip the weights' signs."""
    if lr * lam > 1:
        raise ValueError(f"{lr_name} * {lam_name} must be at most 1 (the weights are multiplied by "
                         f"1 - {lr_name} * {lam_name}, which must be in [0, 1]), got {lr_name}={lr:g}, "
                         f"{lam_name}={lam:g} (product {lr * lam:g})")


def _decay(params: list[torch.Tensor], lr: float, lam: float) -> None:
    # Unchecked: train_classifier calls it every batch on the weights it holds.
    with torch.no_grad():
        for p in params:
            p.mul_(1.0 - lr * lam)


@contract(optimizer=Choice("sgd", "adam"), X=Array(ndim=2, min_rows=1), y=Array(ndim=1), lam=Real(0),
          lr=Real(0, low_open=True), steps=Count())
def l2_vs_weight_decay(optimizer: str, X: Any, y: Any, *, lam: float, lr: float,
                       steps: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Train a least-squares linear model twice: with an L2 penalty, and with decoupled decay.

    Both runs start from ``w = 0``, take ``steps`` full-batch steps of ``optimizer`` ("sgd" or
    "adam") with the learning rate ``lr`` on ``mean((X w - y)**2) / 2``, and use the same ``lam``:
    once as :func:`~labkit.regularization.l2_penalty` in the loss (what ``torch.optim.Adam``'s
    ``weight_decay`` does), once as :func:`decoupled_weight_decay_` outside the gradient (``torch.optim.AdamW``).
    ``X`` (n, d) and ``y`` (n,) must be finite; ``lam >= 0``, ``lr > 0`` with ``lr * lam <= 1`` (as
    in :func:`decoupled_weight_decay_`), ``steps`` from 1 to 10**6. A run that diverges (weights
    overflowing to inf or NaN, ``lr`` too large) is refused naming ``lr``.

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
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), one target per row of X, got {y.shape}")
    check_decay("lr", lr, "lam", lam)
    X, y = torch.from_numpy(X), torch.from_numpy(y)
    make = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[optimizer]
    paths = []
    for decoupled in (False, True):
        w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
        opt, path = make([w], lr=lr), [w.detach().clone()]
        for _ in range(steps):
            opt.zero_grad()
            loss = ((X @ w - y) ** 2).mean() / 2
            if not decoupled:
                loss = loss + _l2([w], lam)  # the pull lam * w goes through the optimiser
            loss.backward()
            if decoupled:
                _decay([w], lr, lam)  # before the step, as AdamW: (1 - lr lam) w - lr step(g)
            opt.step()
            if not bool(torch.isfinite(w).all()):
                raise ValueError(f"lr must be small enough for the run to converge: with lr={lr:g} and {optimizer}, "
                                 f"the weights overflow at step {len(path)} of the "
                                 f"{'decoupled decay' if decoupled else 'L2 penalty'} run")
            path.append(w.detach().clone())
        paths.append(torch.stack(path).numpy())
    return paths[0], paths[1]
