"""One small training loop, shared by every concept and by every framework.

:func:`fit` knows nothing about the model: it hands each mini-batch to a ``step`` function that
does the forward pass, the backward pass and the update, in NumPy, PyTorch or anything else, and
returns the batch loss. The order of the batches depends only on the seed, so two models trained
with the same seed see exactly the same batches: this is what lets a NumPy curve and a PyTorch
curve be compared point by point.

Two pieces every PyTorch concept shares sit beside it: :func:`train_step`, the ``step`` of a torch
model (zero the gradients, backpropagate, update), and :func:`accuracy`, the fraction of examples
whose highest score is the right class.
"""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ._checks import (
    Array, Count, Each, Function, Instance, Optional, Real, Samples, Seed, Size, _shown, check_labels,
    check_same_rows, in_model_dtype,
)
from ._contract import contract
from .i18n import _

__all__ = ["History", "minibatches", "fit", "train_step", "accuracy", "accuracy_of"]


@contract(train_loss=Each(Real(), min_len=0), metrics=Instance(dict, what="a dict of lists"),
          best_epoch=Optional(Count(0)), stopped_early=Instance(bool, what="a bool"))
@dataclass
class History:
    """What :func:`fit` records, one entry per epoch.

    Attributes
    ----------
    train_loss : list of float
        Mean of the batch losses returned by ``step`` during each epoch: finite floats (any sequence
        of them is stored as a list; NaN or inf is refused, as :func:`fit` stops on such a loss).
    metrics : dict of str to list of float
        One list per key of the dictionary returned by ``evaluate``.
    best_epoch : int or None
        Index (from 0) of the epoch with the lowest ``metrics["val_loss"]``, if it was recorded.
    stopped_early : bool
        True if early stopping ended the training before ``epochs`` epochs.

    Examples
    --------
    >>> h = History(train_loss=[0.9, 0.5])
    >>> h.epochs, h.metrics, h.best_epoch
    (2, {}, None)
    """

    train_loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int | None = None
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        """Number of epochs run."""
        return len(self.train_loss)


@contract(n=Size(), batch_size=Size(), rng=Instance(np.random.Generator, what="a numpy.random.Generator"))
def minibatches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Return an iterator over the indices of the mini-batches of one epoch, in a random order.

    Each call draws one new permutation from ``rng``, so calling it once per epoch reshuffles the
    data every epoch, and the same generator state always gives the same batches. The last batch
    is smaller when ``batch_size`` does not divide ``n``; every index appears exactly once.

    Parameters
    ----------
    n : int
        Number of examples, from 1 to 2**28.
    batch_size : int
        Number of examples per batch, from 1 to 2**28.
    rng : numpy.random.Generator
        Source of the shuffling.

    Returns
    -------
    iterator of numpy.ndarray
        The int64 indices of each batch.

    Examples
    --------
    >>> batches = list(minibatches(5, 2, np.random.default_rng(0)))
    >>> [len(b) for b in batches]
    [2, 2, 1]
    >>> sorted(np.concatenate(batches).tolist())
    [0, 1, 2, 3, 4]
    """
    order = rng.permutation(n)  # drawn now, at the call, not when the first batch is asked for
    return (order[start : start + batch_size] for start in range(0, n, batch_size))


_PROGRESS = "LABKIT_PROGRESS"  # "0": no bar anywhere (build.env sets it: the built site and the tests show none)


def _watched() -> bool:
    """Whether a person watches: a terminal, or a Jupyter notebook (its kernel's stdout is not a terminal)."""
    if sys.stdout.isatty():
        return True
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _progress(epochs: int) -> Any:
    # A bar for a person watching a terminal or a notebook; never in logs, in the tests or in the built site.
    if os.environ.get(_PROGRESS, "").strip() == "0" or not _watched():
        return None
    import warnings

    with warnings.catch_warnings():  # without ipywidgets, tqdm.auto says so and falls back to a text bar
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm
    return tqdm(total=epochs, unit=_("epoch"), leave=False, file=sys.stdout)


@contract(step=Function(takes=2), X=Samples(), y=Samples(), epochs=Count(), batch_size=Size(), seed=Seed(),
          evaluate=Optional(Function(takes=0)), patience=Optional(Count()),
          restore_best=Optional(Instance(torch.nn.Module, what="a torch.nn.Module")))
def fit(
    step: Callable[[Any, Any], float],
    X: Any,
    y: Any,
    *,
    epochs: int,
    batch_size: int,
    seed: int = 0,
    evaluate: Callable[[], Mapping[str, float]] | None = None,
    patience: int | None = None,
    restore_best: torch.nn.Module | None = None,
) -> History:
    """Train a model by calling ``step`` on shuffled mini-batches, epoch after epoch.

    Parameters
    ----------
    step : callable
        ``step(xb, yb) -> float``: forward pass, backward pass and update on one batch, returning
        the batch loss. ``xb`` and ``yb`` are ``X[idx]`` and ``y[idx]`` for an int64 NumPy array
        ``idx``, so NumPy arrays and PyTorch tensors both work.
    X, y : array or tensor
        Inputs and targets, with the same length along the first axis.
    epochs : int
        Maximum number of passes over the data, from 1 to 10**6.
    batch_size : int
        Number of examples per batch, from 1 to 2**28; larger than the data, one batch per epoch
        (as PyTorch's ``DataLoader``).
    seed : int
        Seed of the batch order, from 0 to 2**32 - 1; it depends on nothing else, not even on the
        framework.
    evaluate : callable, optional
        ``evaluate() -> dict``, called after each epoch, for instance to measure the validation
        loss and accuracy. Each key gets a list in ``History.metrics``.
    patience : int, optional
        Early stopping: stop when ``evaluate()["val_loss"]`` has not decreased for ``patience``
        epochs in a row. Requires ``evaluate``.
    restore_best : torch.nn.Module, optional
        With ``patience``: the model whose weights of the epoch with the lowest validation loss
        are put back at the end of training. ``fit`` keeps a copy of its ``state_dict()`` at each
        new best epoch and loads it at the end.

    Returns
    -------
    History
        The mean training loss of each epoch and the metrics returned by ``evaluate``.

    Examples
    --------
    Fit ``y = 2 x`` with one weight and plain gradient descent on the squared error:

    >>> X = np.linspace(-1, 1, 20)
    >>> y = 2 * X
    >>> w = [0.0]
    >>> def step(xb, yb):
    ...     error = w[0] * xb - yb
    ...     w[0] -= 0.5 * np.mean(2 * error * xb)  # the update, after the gradient
    ...     return float(np.mean(error ** 2))
    >>> history = fit(step, X, y, epochs=30, batch_size=5)
    >>> round(float(w[0]), 6), history.epochs, history.train_loss[-1] < 1e-9
    (2.0, 30, True)
    """
    if len(X) != len(y):
        raise ValueError(f"y must have one row per row of X ({len(X)}), got {len(y)}")
    if patience is not None and evaluate is None:
        raise ValueError("patience needs evaluate: early stopping watches evaluate()['val_loss']")
    if restore_best is not None and patience is None:
        raise ValueError("restore_best needs patience: it restores the weights of the best epoch of early stopping")

    rng = np.random.default_rng(seed)  # the only source of randomness: same seed, same batches
    history = History()
    best_loss, best_state, waited = np.inf, None, 0
    bar = _progress(epochs)
    for epoch in range(epochs):
        losses = []
        for idx in minibatches(len(X), batch_size, rng):
            loss = step(X[idx], y[idx])
            try:
                losses.append(float(loss))
            except (TypeError, ValueError):
                raise TypeError(f"step must return a float loss, got {type(loss).__name__}") from None
            if not np.isfinite(losses[-1]):  # nothing after a NaN loss is worth recording
                raise ValueError(f"step returned a loss of {losses[-1]} at epoch {epoch}: the training diverged "
                                 "(a learning rate too high?) or the data hold NaN")
        history.train_loss.append(float(np.mean(losses)))

        if evaluate is not None:
            scores = evaluate()
            if not isinstance(scores, Mapping):
                raise TypeError(f"evaluate must return a dict of metrics, got {type(scores).__name__}")
            if history.metrics and set(scores) != set(history.metrics):
                raise ValueError(f"evaluate must return the same keys every epoch, got {sorted(scores)} "
                                 f"after {sorted(history.metrics)}")
            for key, value in scores.items():
                history.metrics.setdefault(key, []).append(float(value))
            if "val_loss" in scores:
                if scores["val_loss"] < best_loss:  # strictly lower: a plateau is not progress
                    best_loss, waited, history.best_epoch = float(scores["val_loss"]), 0, epoch
                    if restore_best is not None:  # a copy: state_dict() holds references to the weights
                        best_state = copy.deepcopy(restore_best.state_dict())
                else:
                    waited += 1
            elif patience is not None:
                raise ValueError(f"evaluate must return a 'val_loss' key when patience is set, got {sorted(scores)}")

        if bar is not None:
            bar.update(1)
            bar.set_postfix_str(_("loss={loss:.4f}").format(loss=history.train_loss[-1]))
        if patience is not None and waited >= patience:
            history.stopped_early = epoch < epochs - 1
            break
    if bar is not None:
        bar.close()
    if best_state is not None:
        restore_best.load_state_dict(best_state)
    return history


@contract(optimizer=Instance(torch.optim.Optimizer, what="a torch.optim.Optimizer"), loss_fn=Function(takes=2))
def train_step(optimizer: torch.optim.Optimizer,
               loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> Callable[[Any, Any], float]:
    """The ``step`` of a PyTorch model for :func:`fit`: one mini-batch, one update.

    The returned ``step(xb, yb)`` zeroes the gradients, computes ``loss_fn(xb, yb)``, backpropagates
    it (``loss.backward()`` fills each weight's ``.grad``) and lets ``optimizer`` update the weights
    (``optimizer.step()``), then returns the batch loss as a float. The two halves stay separate, as
    in the NumPy models: backpropagation only computes gradients, the optimiser only uses them.

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
        Holds the weights to update (e.g. ``torch.optim.SGD(model.parameters(), lr=0.1)``).
    loss_fn : callable
        ``loss_fn(xb, yb) -> tensor``: the forward pass and the scalar loss of one batch.

    Returns
    -------
    callable
        ``step(xb, yb) -> float``, to hand to :func:`fit`.

    Examples
    --------
    Fit ``y = 2 x`` with one weight:

    >>> net = torch.nn.Linear(1, 1, bias=False)
    >>> opt = torch.optim.SGD(net.parameters(), lr=0.5)
    >>> step = train_step(opt, lambda xb, yb: ((net(xb) - yb) ** 2).mean())
    >>> X = torch.linspace(-1, 1, 20).reshape(-1, 1)
    >>> history = fit(step, X, 2 * X, epochs=30, batch_size=5)
    >>> round(net.weight.item(), 4), history.train_loss[-1] < 1e-9
    (2.0, True)
    """

    def step(xb: Any, yb: Any) -> float:
        optimizer.zero_grad()
        loss = loss_fn(xb, yb)
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
            raise TypeError(f"loss_fn must return a tensor holding one loss, got {_shown(loss)}")
        loss.backward()  # backpropagation computes the gradients...
        optimizer.step()  # ...the optimiser updates the weights
        return loss.item()

    return step


@contract(scores=Samples(), y=Array("int", ndim=1, min=0))
def accuracy_of(scores: Any, y: Any) -> float:
    """Fraction of the examples whose predicted class is the label ``y``.

    The one rule of every accuracy in labkit: a row of scores predicts the class of its highest
    score (the first one on a tie, in NumPy as in PyTorch), and a 1-D array is already the
    predicted classes. :func:`accuracy` scores a model with it.

    Parameters
    ----------
    scores : array or tensor
        ``(n, classes)`` scores (logits or probabilities) or ``(n,)`` int predicted classes, finite,
        NumPy or PyTorch (any dtype, any device, with or without gradient).
    y : array or tensor
        ``n`` int labels from 0 (below the number of columns of ``scores``, if 2-D).

    Returns
    -------
    float
        From 0 to 1.

    Examples
    --------
    >>> accuracy_of(np.array([[2.0, 1.0], [0.5, 3.0], [1.0, 0.0]]), np.array([0, 1, 1]))
    0.6666666666666666
    >>> accuracy_of(torch.tensor([1, 1, 0, 0]), torch.tensor([1, 0, 0, 0]))
    0.75
    """
    s = scores.detach().cpu().numpy() if isinstance(scores, torch.Tensor) else scores
    if s.ndim == 2 and s.shape[1] >= 1:
        y = check_labels("y", y, len(s), s.shape[1])
        predicted = s.argmax(axis=1)
    elif s.ndim == 1:
        if s.dtype.kind not in "iu":
            raise TypeError(f"scores must be predicted classes (ints) when 1-D, got {_shown(scores)}")
        predicted, y = s, check_same_rows("y", y, "scores", len(s))
    else:
        raise ValueError(f"scores must be (n, classes) scores or (n,) predicted classes, got {_shown(scores)}")
    return float(np.mean(predicted == y))


@contract(model=Instance(torch.nn.Module, what="a torch.nn.Module"), X=Samples(), y=Array("int", ndim=1, min=0))
def accuracy(model: torch.nn.Module, X: Any, y: Any) -> float:
    """Fraction of the rows of ``X`` whose class predicted by ``model`` is the label ``y``.

    ``X`` is given to the model in the model's own dtype and on its device (those of its first
    floating-point weight): a float64 network is scored in float64, a float32 one in float32. The
    model runs in eval mode (dropout off, batch normalisation on its running statistics) and
    without gradients, then goes back to the mode it was in; :func:`accuracy_of` compares its
    scores with ``y``.

    Parameters
    ----------
    model : torch.nn.Module
        Returns one row of class scores per row of its input.
    X : array or tensor
        Its inputs, finite and within the model's dtype (1e300 does not fit in float32): one
        column per input of the model when its first layer with weights is a ``Linear``.
    y : array or tensor
        One int label per row of ``X``, from 0 to the model's number of outputs - 1 (when its last
        layer with weights is a ``Linear``).

    Returns
    -------
    float
        :func:`accuracy_of` the model's scores, from 0 to 1.

    Examples
    --------
    >>> net = torch.nn.Linear(2, 2).double()
    >>> with torch.no_grad():
    ...     _ = net.weight.copy_(torch.eye(2)), net.bias.zero_()
    >>> X = np.array([[1.0, 1.0 + 1e-12], [1.0 + 1e-12, 1.0]])  # a difference float32 cannot hold
    >>> accuracy(net, X, np.array([1, 0]))
    1.0
    """
    weight = next((p for p in [*model.parameters(), *model.buffers()] if p.is_floating_point()), None)
    dtype = weight.dtype if weight is not None else torch.get_default_dtype()
    Xt = in_model_dtype("X", torch.as_tensor(X, device=weight.device if weight is not None else None), dtype)
    n_inputs = _input_size(model)
    if n_inputs is not None and (Xt.ndim != 2 or Xt.shape[1] != n_inputs):
        raise ValueError(f"X must have one column per input of the model ({n_inputs}), got shape {tuple(Xt.shape)}")
    y = check_labels("y", y, len(Xt), np.iinfo(np.intp).max)
    _check_classes("y", y, model)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            scores = model(Xt)
    finally:
        model.train(was_training)
    return accuracy_of(scores, y)


def _layers_with_weights(model: torch.nn.Module) -> list[torch.nn.Module]:
    return [m for m in model.modules() if any(True for _ in m.parameters(recurse=False))]


def _input_size(model: torch.nn.Module) -> int | None:
    """The number of inputs of ``model`` if its first layer with weights is a Linear, else None."""
    first = next(iter(_layers_with_weights(model)), None)
    return first.in_features if isinstance(first, torch.nn.Linear) else None


def _output_size(model: torch.nn.Module) -> int | None:
    """The number of outputs (classes) of ``model`` if its last layer with weights is a Linear, else None."""
    layers = _layers_with_weights(model)
    return layers[-1].out_features if layers and isinstance(layers[-1], torch.nn.Linear) else None


def _check_classes(name: str, y: np.ndarray, model: torch.nn.Module) -> None:
    """Refuse a label the model has no output for (its cross-entropy or accuracy would be meaningless)."""
    n_outputs = _output_size(model)
    if n_outputs is not None and y.size and y.max() >= n_outputs:
        raise ValueError(f"{name} must hold labels from 0 to {n_outputs - 1}, one per output of the model, "
                         f"got {y.min()}..{y.max()}")
