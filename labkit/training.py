"""One small training loop, shared by every concept and by every framework.

:func:`fit` knows nothing about the model: it hands each mini-batch to a ``step`` function that
does the forward pass, the backward pass and the update, in NumPy, PyTorch or anything else, and
returns the batch loss. The order of the batches depends only on the seed, so two models trained
with the same seed see exactly the same batches: this is what lets a NumPy curve and a PyTorch
curve be compared point by point.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._checks import Count, Each, Function, Instance, Optional, Real, Samples, Seed, Size
from ._contract import contract
from .i18n import _

__all__ = ["History", "minibatches", "fit"]


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


def _progress(epochs: int) -> Any:
    # A bar only for a person watching a terminal: never in logs, notebooks or the built site.
    if not sys.stdout.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=epochs, unit=_("epoch"), leave=False, file=sys.stdout)


@contract(step=Function(takes=2), X=Samples(), y=Samples(), epochs=Count(), batch_size=Size(), seed=Seed(),
          evaluate=Optional(Function(takes=0)), patience=Optional(Count()), get_state=Optional(Function(takes=0)),
          set_state=Optional(Function(takes=1)))
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
    get_state: Callable[[], Any] | None = None,
    set_state: Callable[[Any], None] | None = None,
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
    get_state, set_state : callable, optional
        Restore the best weights: ``get_state()`` returns the model's weights and
        ``set_state(state)`` puts them back. When given (both, with ``patience``), the weights of
        the epoch with the lowest validation loss are restored at the end of training. ``fit``
        keeps a deep copy of the state, so ``get_state`` may return references (such as PyTorch's
        ``state_dict()``).

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
    >>> round(w[0], 6), history.epochs, history.train_loss[-1] < 1e-9
    (2.0, 30, True)
    """
    if len(X) != len(y):
        raise ValueError(f"y must have one row per row of X ({len(X)}), got {len(y)}")
    if patience is not None and evaluate is None:
        raise ValueError("patience needs evaluate: early stopping watches evaluate()['val_loss']")
    if (get_state is None) != (set_state is None):
        raise ValueError("get_state and set_state must be given together, or neither")
    if get_state is not None:
        if patience is None:
            raise ValueError("get_state and set_state need patience: they restore the weights of the best epoch")

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
                    if get_state is not None:
                        best_state = copy.deepcopy(get_state())
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
        set_state(best_state)
    return history
