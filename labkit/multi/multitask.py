"""Multi-task learning: one network, several outputs, learned together.

Several *tasks* (here, regression targets) are predicted from the same inputs. With hard parameter
sharing, :class:`MultiTaskNet` has one shared trunk and one small head per task; with
``shared=False`` it is the baseline of one separate network per task. Every task's error then
trains the shared trunk, which helps when the tasks need the same features and data is scarce, and
hurts (negative transfer) when they do not. :func:`train_multitask` sums the task losses with fixed
weights, or with :class:`UncertaintyWeighting`, which learns one weight per task from its noise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from .._checks import (
    Array, Bool, Choice, Count, Instance, Optional, Real, Seed, Size, TorchTensor, check_elements, check_same_rows,
    in_model_dtype,
)
from .._contract import contract
from ..networks import mlp
from ..seeding import seeded
from ..training import History, fit, train_step
from ._rules import DATA32, check_columns

__all__ = ["MultiTaskNet", "UncertaintyWeighting", "train_multitask", "r2_per_task", "mean_test_r2"]


class MultiTaskNet(nn.Module):
    """A shared trunk with one linear head per task, or one separate network per task.

    Parameters
    ----------
    n_inputs, n_tasks : int
        Number of input features and of tasks (one regression output each), at least 1.
    hidden : int
        Width of the trunk's hidden layer, at least 1. The network may hold at most
        ``2**28`` weights (a larger one is refused before any memory is asked for).
    shared : bool
        True: hard parameter sharing, one trunk for all tasks. False: one trunk per task, i.e.
        ``n_tasks`` independent single-task networks.
    seed : int
        Seed of the initial weights (the global torch generator is left as it was).

    Examples
    --------
    >>> net = MultiTaskNet(5, 3, hidden=8)
    >>> net(torch.zeros(4, 5)).shape, len(net.trunks)
    (torch.Size([4, 3]), 1)
    >>> len(MultiTaskNet(5, 3, hidden=8, shared=False).trunks)
    3
    """

    @contract(n_inputs=Size(), n_tasks=Size(), hidden=Size(), shared=Bool(), seed=Seed())
    def __init__(self, n_inputs: int, n_tasks: int, *, hidden: int = 16, shared: bool = True,
                 seed: int = 0) -> None:
        super().__init__()
        n_trunks = 1 if shared else n_tasks
        # Refused before torch asks the allocator for terabytes: trunks, then one head per task.
        check_elements(f"MultiTaskNet(n_inputs={n_inputs}, n_tasks={n_tasks}, hidden={hidden}, shared={shared})",
                       n_trunks * (n_inputs + 1) * hidden + n_tasks * (hidden + 1), "a network")
        self.n_inputs, self.n_tasks, self.shared = n_inputs, n_tasks, shared
        with seeded(seed):
            self.trunks = nn.ModuleList(mlp([n_inputs, hidden], "tanh", final_activation=True) for _ in range(n_trunks))
            self.heads = nn.ModuleList(nn.Linear(hidden, 1) for _ in range(n_tasks))

    @contract(x=TorchTensor(ndim=2))
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the predictions of every task, shape ``(n, n_tasks)``, for inputs ``x`` of shape ``(n, n_inputs)``.

        ``x`` is a 2-D tensor (or array) of finite numbers, cast to the dtype of the weights.
        """
        if x.shape[1] != self.n_inputs:
            raise ValueError(f"x must have {self.n_inputs} columns (n_inputs), got {x.shape[1]}")
        x = in_model_dtype("x", x, self)
        features = [trunk(x) for trunk in self.trunks]  # one shared feature map, or one per task
        return torch.cat([head(features[0 if self.shared else t]) for t, head in enumerate(self.heads)], dim=1)


class UncertaintyWeighting(nn.Module):
    """Task weights learned from each task's noise (Kendall, Gal and Cipolla, 2018).

    Each task ``t`` has a learned log-variance ``s_t``; the total loss is
    ``sum_t 0.5 * exp(-s_t) * L_t + 0.5 * s_t``. Minimising it over ``s_t`` gives
    ``exp(s_t) = L_t``: a noisy task (large ``L_t``) gets a small weight ``exp(-s_t)``, and the
    ``s_t`` term stops every weight from shrinking to zero.

    Parameters
    ----------
    n_tasks : int
        Number of tasks, at least 1.

    Examples
    --------
    >>> weighting = UncertaintyWeighting(2)
    >>> weighting(torch.tensor([1.0, 3.0])).item(), weighting.weights.tolist()
    (2.0, [1.0, 1.0])
    """

    @contract(n_tasks=Size())
    def __init__(self, n_tasks: int) -> None:
        super().__init__()
        self.log_vars = nn.Parameter(torch.zeros(n_tasks))

    @contract(losses=TorchTensor(ndim=1))
    def forward(self, losses: torch.Tensor) -> torch.Tensor:
        """Combine the per-task ``losses`` (finite, shape ``(n_tasks,)``) into one loss.

        A loss may be negative (a Gaussian negative log-likelihood is): it is weighted all the same.
        """
        if losses.shape != self.log_vars.shape:
            raise ValueError(f"losses must hold n_tasks ({len(self.log_vars)}) values, got {len(losses)}")
        return torch.sum(0.5 * torch.exp(-self.log_vars) * losses + 0.5 * self.log_vars)

    @property
    def weights(self) -> np.ndarray:
        """The current weight ``exp(-s_t)`` (the precision ``1 / sigma_t**2``) of each task."""
        return torch.exp(-self.log_vars).detach().numpy().astype(np.float64)


def _checked_targets(model: MultiTaskNet, X: np.ndarray, Y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    # The relations shared by training and scoring: data of the model's shapes, one target row per input row.
    check_columns("X", X, "n_inputs", model.n_inputs)
    check_columns("Y", Y, "n_tasks", model.n_tasks)
    check_same_rows("Y", Y, "X", len(X))
    return torch.from_numpy(X).float(), torch.from_numpy(Y).float()


#: Data for the float32 network: a value beyond float32's range is refused naming the caller's argument.


def _check_r2_targets(name: str, Y: np.ndarray) -> None:
    """Refuse targets whose R² is undefined: fewer than 2 rows, or a task whose target never varies."""
    if len(Y) < 2:
        raise ValueError(f"{name} must have at least 2 rows for R² (it divides by the targets' variance), "
                         f"got {len(Y)}")
    constant = np.flatnonzero(np.ptp(Y, axis=0) == 0)
    if len(constant):
        raise ValueError(f"{name} must vary in every task for R² (it divides by the targets' variance), got "
                         f"constant targets in task {int(constant[0])}")


@contract(model=Instance(MultiTaskNet), X=DATA32, Y=DATA32, weighting=Choice("fixed", "uncertainty"),
          task_weights=Optional(Array(ndim=1, min=0)), epochs=Count(), batch_size=Size(), lr=Real(0, low_open=True),
          seed=Seed())
def train_multitask(
    model: MultiTaskNet, X: np.ndarray, Y: np.ndarray, *, weighting: str = "fixed",
    task_weights: Sequence[float] | None = None, epochs: int = 200, batch_size: int = 32,
    lr: float = 0.01, seed: int = 0,
) -> tuple[History, np.ndarray]:
    """Train all tasks at once with Adam on a weighted sum of their mean squared errors.

    Parameters
    ----------
    model : MultiTaskNet
        The network, trained in place.
    X, Y : array_like
        Inputs ``(n, n_inputs)`` and targets ``(n, n_tasks)``, finite and within float32's range,
        with ``n >= 1``.
    weighting : {"fixed", "uncertainty"}
        Fixed ``task_weights`` (all 1 by default), or weights learned by :class:`UncertaintyWeighting`.
    task_weights : sequence of float, optional
        The fixed weights, one per task, each >= 0; only with ``weighting="fixed"``.
    epochs, batch_size : int
        Passes over the data and rows per batch, at least 1, for :func:`labkit.training.fit`.
    lr : float
        Learning rate of Adam, positive.
    seed : int
        Seed of the batch order, >= 0.

    Returns
    -------
    history : History
        The training loss of each epoch.
    weights : numpy.ndarray
        The final weight of each task.

    Examples
    --------
    >>> from labkit.multi import make_multitask_data
    >>> X, Y = make_multitask_data(200, 2, noise_std=[0.1, 1.0])
    >>> _, w = train_multitask(MultiTaskNet(20, 2), X, Y, weighting="uncertainty", epochs=60)
    >>> bool(w[0] > w[1])
    True
    """
    Xt, Yt = _checked_targets(model, X, Y)
    if weighting == "uncertainty":
        if task_weights is not None:
            raise ValueError("task_weights must be None with weighting='uncertainty': the weights are learned")
        combine: nn.Module | None = UncertaintyWeighting(model.n_tasks)
        fixed = None
    else:
        combine = None
        fixed = np.ones(model.n_tasks) if task_weights is None else task_weights
        if len(fixed) != model.n_tasks:
            raise ValueError(f"task_weights must hold n_tasks ({model.n_tasks}) weights, got {len(fixed)}")
    parameters = list(model.parameters()) + ([] if combine is None else list(combine.parameters()))
    opt = torch.optim.Adam(parameters, lr=lr)
    fixed_t = None if fixed is None else torch.from_numpy(fixed).float()

    def loss(xb: torch.Tensor, yb: torch.Tensor) -> torch.Tensor:
        losses = ((model(xb) - yb) ** 2).mean(dim=0)  # one mean squared error per task
        # the sum sends the gradient of every task into the shared trunk
        return combine(losses) if combine is not None else torch.sum(fixed_t * losses)

    history = fit(train_step(opt, loss), Xt, Yt, epochs=epochs, batch_size=batch_size, seed=seed)
    return history, (combine.weights if combine is not None else fixed.astype(np.float64))


@contract(model=Instance(MultiTaskNet), X=DATA32, Y=DATA32)
def r2_per_task(model: MultiTaskNet, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Coefficient of determination R² of each task: 1 is perfect, 0 is predicting the mean.

    ``X`` and ``Y`` are finite inputs ``(n, n_inputs)`` and targets ``(n, n_tasks)``, within
    float32's range; R² needs at least 2 rows and targets that vary in every task.

    Examples
    --------
    >>> X, Y = np.zeros((4, 3)), np.array([[0.0], [1.0], [0.0], [1.0]])
    >>> r2_per_task(MultiTaskNet(3, 1), X, Y).shape
    (1,)
    """
    Xt, Yt = _checked_targets(model, X, Y)
    _check_r2_targets("Y", Y)
    with torch.no_grad():
        residual = ((model(Xt) - Yt) ** 2).sum(dim=0).double().numpy()
    Y64 = Y.astype(np.float64)  # in float64: the squares of tiny deviations do not underflow to 0
    total = ((Y64 - Y64.mean(axis=0)) ** 2).sum(axis=0)  # > 0: every task's targets vary
    return 1.0 - residual / total


@contract(X=DATA32, Y=DATA32, X_test=DATA32, Y_test=DATA32, shared=Bool(), hidden=Size(), epochs=Count(),
          lr=Real(0, low_open=True), seed=Seed())
def mean_test_r2(
    X: np.ndarray, Y: np.ndarray, X_test: np.ndarray, Y_test: np.ndarray, *, shared: bool = True,
    hidden: int = 2, epochs: int = 300, lr: float = 0.03, seed: int = 0,
) -> float:
    """Train a :class:`MultiTaskNet` full-batch on ``(X, Y)`` and return its mean test R² over the tasks.

    The experiment of the course in one call, so that the gallery and the page measure the same
    thing: a shared trunk (``shared=True``) or one separate network per task, of ``hidden`` units
    per trunk, trained with fixed, equal task weights.

    Parameters
    ----------
    X, Y : array_like
        Training inputs ``(n, n_inputs)`` and targets ``(n, n_tasks)``, finite, with ``n >= 1``.
    X_test, Y_test : array_like
        Test inputs and targets, with the same columns; at least 2 rows, and targets that vary in
        every task (R² divides by their variance).
    shared : bool
        Hard parameter sharing, or separate networks.
    hidden : int
        Width of each trunk.
    epochs : int
        Full-batch passes over the training rows.
    lr : float
        Learning rate of Adam.
    seed : int
        Seed of the initial weights.

    Examples
    --------
    >>> from labkit.multi import make_multitask_data
    >>> X, Y = make_multitask_data(300, 2, seed=0)
    >>> bool(mean_test_r2(X[:200], Y[:200], X[200:], Y[200:], epochs=200) > 0.5)
    True
    """
    check_same_rows("Y", Y, "X", len(X))
    check_columns("X_test", X_test, "those of X", X.shape[1])  # checked now, not after the training
    check_columns("Y_test", Y_test, "those of Y", Y.shape[1])
    check_same_rows("Y_test", Y_test, "X_test", len(X_test))
    _check_r2_targets("Y_test", Y_test)  # checked now, not after the training
    net = MultiTaskNet(X.shape[1], Y.shape[1], hidden=hidden, shared=shared, seed=seed)
    train_multitask(net, X, Y, epochs=epochs, batch_size=len(X), lr=lr)
    return float(r2_per_task(net, X_test, Y_test).mean())
