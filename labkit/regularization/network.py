"""One small network and one training function with every regulariser as an option.

:func:`make_mlp` builds the network (with dropout, noise or batch normalisation between the
layers if asked); :func:`train_classifier` trains it with :func:`labkit.training.fit`, adding the
chosen penalties, decay, label smoothing, augmentation, max-norm constraint and early stopping.
Switching one option on at a time, on a slice of digits small enough to overfit, shows what each
regulariser does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .._checks import Array, Bool, Choice, Count, Instance, Int, Optional, Probability, Real, Seed, Sizes, check_labels
from .._contract import contract
from ..networks import mlp
from ..seeding import seeded
from ..training import History, _check_classes, _input_size, accuracy_of, fit
from .mechanisms import Dropout, GaussianNoise, _augment, _label_smoothing_loss, _max_norm
from .penalties import _l1, _l2, _penalized, _soft_threshold_tensor
from .weight_decay import _decay, check_decay

__all__ = ["make_mlp", "Optimization", "Regularizers", "train_classifier", "penalized_weights"]

_MODEL = Instance(torch.nn.Module)
_DIGITS = Array("float32", ndim=2, min_rows=1)  # the network is float32: 1e308 is refused, not made inf
#: The largest float32 number: a larger noise std is not noise but inf.
_F32_MAX = float(np.finfo(np.float32).max)
_LABELS = Array("int", ndim=1, min=0)


@contract(sizes=Sizes(2), dropout=Probability("the probability of dropping a unit"),
          noise_std=Real(0, _F32_MAX, high_open=True), batch_norm=Bool(), seed=Seed())
def make_mlp(sizes: Sequence[int], *, dropout: float = 0.0, noise_std: float = 0.0,
             batch_norm: bool = False, seed: int = 0) -> torch.nn.Sequential:
    """A ReLU perceptron with layer widths ``sizes`` (input first, logits last).

    Each hidden layer is ``Linear``, then ``BatchNorm1d`` if ``batch_norm``, then ReLU, then
    :class:`~labkit.regularization.GaussianNoise` if ``noise_std > 0`` and
    :class:`~labkit.regularization.Dropout` if ``dropout > 0``. The weights depend only on ``seed``.
    ``sizes``: at least 2 positive ints, each weight matrix under 2**28 numbers; ``dropout`` in
    [0, 1); ``noise_std`` from 0 to below the largest float32 (3.4e38; the network is float32); ``seed``
    from 0 to 2**32 - 1.

    >>> make_mlp([64, 32, 10], dropout=0.5)
    Sequential(
      (0): Linear(in_features=64, out_features=32, bias=True)
      (1): ReLU()
      (2): Dropout(p=0.5)
      (3): Linear(in_features=32, out_features=10, bias=True)
    )
    """
    layers: list[torch.nn.Module] = []
    for layer in mlp(sizes, seed=seed):
        if isinstance(layer, torch.nn.ReLU):  # a hidden layer: the regularisers go around its activation
            layers += [torch.nn.BatchNorm1d(layers[-1].out_features)] if batch_norm else []
            layers.append(layer)
            layers += [GaussianNoise(noise_std)] if noise_std else []
            layers += [Dropout(dropout)] if dropout else []
        else:
            layers.append(layer)
    return torch.nn.Sequential(*layers)


@contract(model=_MODEL)
def penalized_weights(model: torch.nn.Module) -> np.ndarray:
    """All the weights a penalty acts on (see ``penalized_parameters``), flattened into one array.

    ``model`` must have at least one such weight (a model of ReLUs only has nothing to show).

    >>> penalized_weights(make_mlp([64, 32, 10])).shape
    (2368,)
    """
    weights = [p.detach().numpy().ravel() for _, p in _penalized(model, [])]
    if not weights:
        raise ValueError(f"model must have weights a penalty acts on (a Linear or a convolution), "
                         f"got a {type(model).__name__} without any")
    return np.concatenate(weights)


@contract(epochs=Count(), batch_size=Int(1), lr=Real(0, low_open=True), optimizer=Choice("adam", "sgd"), seed=Seed())
@dataclass(frozen=True)
class Optimization:
    """How :func:`train_classifier` optimises: the settings of the loop, not of the model.

    Attributes
    ----------
    epochs, batch_size, seed : int
        As in :func:`labkit.training.fit` (``epochs`` from 1 to 10**6; a ``batch_size`` larger than
        the data is one batch; ``seed`` from 0 to 2**32 - 1 also seeds the augmentation and the
        dropout and noise masks).
    lr : float
        The learning rate, > 0.
    optimizer : {"adam", "sgd"}
        ``torch.optim.Adam`` or ``torch.optim.SGD`` (without momentum).

    Examples
    --------
    >>> Optimization(epochs=5, lr=0.1, optimizer="sgd")
    Optimization(epochs=5, batch_size=32, lr=0.1, optimizer='sgd', seed=0)
    """

    epochs: int = 100
    batch_size: int = 32
    lr: float = 1e-3
    optimizer: str = "adam"
    seed: int = 0


@contract(l1=Real(0), l1_proximal=Bool(), l2=Real(0), weight_decay=Real(0),
          label_smoothing=Real(0, 1, high_open=True), augment=Bool(), max_norm=Optional(Real(0, low_open=True)),
          patience=Optional(Count()))
@dataclass(frozen=True)
class Regularizers:
    """The regularisers :func:`train_classifier` adds to the training; the defaults add none.

    Dropout, Gaussian noise and batch normalisation are layers of the network (:func:`make_mlp`).

    Attributes
    ----------
    l1, l2 : float
        Finite coefficients >= 0 (0: no penalty) of :func:`~labkit.regularization.l1_penalty` and
        :func:`~labkit.regularization.l2_penalty`, added to the loss.
    l1_proximal : bool
        Apply ``l1`` as soft-thresholding after each step instead of in the loss: exact zeros.
    weight_decay : float
        Decoupled decay at each step (with ``"adam"``, this is AdamW); 0: no decay; ``lr * weight_decay``
        at most 1, as in :func:`~labkit.regularization.decoupled_weight_decay_`.
    label_smoothing : float
        ``eps``, in [0, 1), of :func:`~labkit.regularization.label_smoothing_loss`.
    augment : bool
        Train on :func:`~labkit.regularization.augment_digits` copies, new ones for every batch.
    max_norm : float or None
        :func:`~labkit.regularization.max_norm_` on each penalised weight after each step.
    patience : int or None
        Early stopping on the validation loss, restoring the weights of the best epoch.

    Examples
    --------
    >>> chosen = Regularizers(l2=1e-3, patience=10)
    >>> chosen.l2, chosen.patience, chosen.l1, chosen.max_norm
    (0.001, 10, 0.0, None)
    """

    l1: float = 0.0
    l1_proximal: bool = False
    l2: float = 0.0
    weight_decay: float = 0.0
    label_smoothing: float = 0.0
    augment: bool = False
    max_norm: float | None = None
    patience: int | None = None


@contract(model=_MODEL, X_train=_DIGITS, y_train=_LABELS, X_val=_DIGITS, y_val=_LABELS,
          optimization=Instance(Optimization, what="a labkit.regularization.Optimization"),
          regularizers=Instance(Regularizers, what="a labkit.regularization.Regularizers"))
def train_classifier(model: torch.nn.Module, X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray,
                     y_val: np.ndarray, optimization: Optimization = Optimization(),
                     regularizers: Regularizers = Regularizers()) -> History:
    """Train ``model`` on the digits with :func:`labkit.training.fit` and the chosen regularisers.

    Parameters
    ----------
    model : torch.nn.Module
        The network (e.g. :func:`make_mlp`); its dropout and batch-norm layers follow ``train``/``eval``.
    X_train, y_train, X_val, y_val : numpy.ndarray
        Digits (rows of 64 finite pixels within float32's range, as many as the model's inputs) and
        labels 0 to 9, each below the model's number of outputs (when its last layer is a Linear).
    optimization : Optimization
        Epochs, batch size, learning rate, optimiser and seed.
    regularizers : Regularizers
        The penalties, decay, label smoothing, augmentation, max-norm and early stopping to add.

    Returns
    -------
    History
        ``train_loss`` (the loss optimised, penalties included) and the metrics ``train_acc``,
        ``val_loss`` (plain cross-entropy) and ``val_acc`` after each epoch.

    Examples
    --------
    >>> from labkit.data import load_digits_split
    >>> X, X_val, y, y_val = load_digits_split(seed=0)
    >>> net = make_mlp([64, 32, 10])
    >>> h = train_classifier(net, X[:200], y[:200], X_val, y_val, Optimization(epochs=5),
    ...                      Regularizers(l2=1e-3, patience=2))
    >>> sorted(h.metrics), h.epochs <= 5
    (['train_acc', 'val_acc', 'val_loss'], True)
    """
    lr, reg = optimization.lr, regularizers
    for name, X, y_name, y in (("X_train", X_train, "y_train", y_train), ("X_val", X_val, "y_val", y_val)):
        if X.shape[1] != 64:
            raise ValueError(f"{name} must have 64 columns, one per pixel of an 8x8 digit, got shape {X.shape}")
        check_labels(y_name, y, X.shape[0], 10)
        _check_classes(y_name, y, model)
    check_decay("lr", lr, "weight_decay", reg.weight_decay)
    n_inputs = _input_size(model)
    if n_inputs is not None and n_inputs != 64:
        raise ValueError(f"model must take the 64 pixels of a digit as input, got a first layer of {n_inputs} inputs")

    rng = np.random.default_rng(optimization.seed)
    opt = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}[optimization.optimizer](model.parameters(), lr=lr)
    weights = [p for _, p in _penalized(model, [])]
    Xt, Xv = torch.as_tensor(X_train, dtype=torch.float32), torch.as_tensor(X_val, dtype=torch.float32)
    yt, yv = torch.as_tensor(y_train, dtype=torch.int64), torch.as_tensor(y_val, dtype=torch.int64)

    def step(xb: torch.Tensor, yb: torch.Tensor) -> float:
        model.train()
        if reg.augment:
            xb = torch.as_tensor(_augment(xb.numpy(), rng), dtype=torch.float32)
        opt.zero_grad()
        loss = _label_smoothing_loss(model(xb), yb, reg.label_smoothing)
        if reg.l1 and not reg.l1_proximal:
            loss = loss + _l1(weights, reg.l1)
        if reg.l2:
            loss = loss + _l2(weights, reg.l2)
        loss.backward()
        if reg.weight_decay:  # before the step, as in AdamW: it shrinks the weights the gradient was taken at
            _decay(weights, lr, reg.weight_decay)
        opt.step()
        with torch.no_grad():  # the updates that act on the new weights, not on the gradient
            for w in weights:
                if reg.l1 and reg.l1_proximal:
                    w.copy_(_soft_threshold_tensor(w, lr * reg.l1))
                if reg.max_norm is not None:
                    _max_norm(w, reg.max_norm)
        if not np.isfinite(loss.item()):  # named here: fit would name its own argument, step
            raise ValueError(f"lr must be small enough for the training to converge: with lr={lr:g}, the loss "
                             f"became {loss.item()}")
        return loss.item()

    def evaluate() -> dict[str, float]:
        model.eval()
        with torch.no_grad():  # one forward pass over the validation set gives its loss and accuracy
            train_acc = accuracy_of(model(Xt), yt)
            logits = model(Xv)
            val_loss = torch.nn.functional.cross_entropy(logits, yv).item()
            val_acc = accuracy_of(logits, yv)
        return {"train_acc": train_acc, "val_loss": val_loss, "val_acc": val_acc}

    with seeded(optimization.seed):  # dropout and noise masks: same seed, same run
        history = fit(step, Xt, yt, epochs=optimization.epochs, batch_size=optimization.batch_size,
                      seed=optimization.seed, evaluate=evaluate, patience=reg.patience,
                      restore_best=model if reg.patience is not None else None)
    model.eval()
    return history
