"""One small network and one training function with every regulariser as an option.

:func:`make_mlp` builds the network (with dropout, noise or batch normalisation between the
layers if asked); :func:`train_classifier` trains it with :func:`labkit.training.fit`, adding the
chosen penalties, decay, label smoothing, augmentation, max-norm constraint and early stopping.
Switching one option on at a time, on a slice of digits small enough to overfit, shows what each
regulariser does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from .._checks import (
    check_choice, check_int, check_labels, check_matrix, check_nonnegative, check_positive, check_probability,
    check_sizes,
)
from ..training import History, fit
from .mechanisms import Dropout, GaussianNoise, augment_digits, label_smoothing_loss, max_norm_
from .penalties import l1_penalty, l2_penalty, penalized_parameters, soft_threshold
from .weight_decay import decoupled_weight_decay_

__all__ = ["make_mlp", "train_classifier", "accuracy", "penalized_weights"]


def make_mlp(sizes: Sequence[int], *, dropout: float = 0.0, noise_std: float = 0.0,
             batch_norm: bool = False, seed: int = 0) -> torch.nn.Sequential:
    """A ReLU perceptron with layer widths ``sizes`` (input first, logits last).

    Each hidden layer is ``Linear``, then ``BatchNorm1d`` if ``batch_norm``, then ReLU, then
    :class:`~labkit.regularization.GaussianNoise` if ``noise_std > 0`` and
    :class:`~labkit.regularization.Dropout` if ``dropout > 0``. The weights depend only on ``seed``.

    >>> make_mlp([64, 32, 10], dropout=0.5)
    Sequential(
      (0): Linear(in_features=64, out_features=32, bias=True)
      (1): ReLU()
      (2): Dropout(p=0.5)
      (3): Linear(in_features=32, out_features=10, bias=True)
    )
    """
    sizes = check_sizes("sizes", sizes, 2)
    noise_std = check_nonnegative("noise_std", noise_std)
    if not isinstance(batch_norm, bool):
        raise TypeError(f"batch_norm must be a bool, got {type(batch_norm).__name__}")
    dropout = check_probability("dropout", dropout, "the probability of dropping a unit")
    gen = torch.Generator().manual_seed(check_int("seed", seed, 0))
    layers: list[torch.nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = torch.nn.Linear(n_in, n_out)
        with torch.no_grad():  # PyTorch's default initialisation, from our own generator
            bound = 1 / np.sqrt(n_in)
            linear.weight.uniform_(-bound, bound, generator=gen)
            linear.bias.uniform_(-bound, bound, generator=gen)
        layers.append(linear)
        if i < len(sizes) - 2:  # hidden layer: the regularisers go between the layers
            layers += [torch.nn.BatchNorm1d(n_out)] if batch_norm else []
            layers.append(torch.nn.ReLU())
            layers += [GaussianNoise(noise_std)] if noise_std else []
            layers += [Dropout(dropout)] if dropout else []
    return torch.nn.Sequential(*layers)


def accuracy(model: torch.nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of the rows of ``X`` whose predicted class (in eval mode) is ``y``.

    >>> net = make_mlp([64, 10])
    >>> labels = net(torch.zeros(4, 64)).argmax(dim=1).numpy()  # all four are the same class
    >>> accuracy(net, np.zeros((4, 64)), labels), accuracy(net, np.zeros((4, 64)), (labels + 1) % 10)
    (1.0, 0.0)
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    X = check_matrix("X", X)
    y = check_labels("y", y, X.shape[0], np.iinfo(np.intp).max)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        predicted = model(torch.as_tensor(X, dtype=torch.float32)).argmax(dim=1).numpy()
    model.train(was_training)
    return float(np.mean(predicted == y))


def penalized_weights(model: torch.nn.Module) -> np.ndarray:
    """All the weights a penalty acts on (see ``penalized_parameters``), flattened into one array.

    >>> penalized_weights(make_mlp([64, 32, 10])).shape
    (2368,)
    """
    return np.concatenate([p.detach().numpy().ravel() for _, p in penalized_parameters(model)])


def train_classifier(model: torch.nn.Module, X_train: np.ndarray, y_train: np.ndarray, X_val: np.ndarray,
                     y_val: np.ndarray, *, epochs: int = 100, batch_size: int = 32, lr: float = 1e-3,
                     optimizer: str = "adam", l1: float = 0.0, l1_proximal: bool = False, l2: float = 0.0,
                     weight_decay: float = 0.0, label_smoothing: float = 0.0, augment: bool = False,
                     max_norm: float | None = None, patience: int | None = None, seed: int = 0) -> History:
    """Train ``model`` on the digits with :func:`labkit.training.fit` and the chosen regularisers.

    Parameters
    ----------
    model : torch.nn.Module
        The network (e.g. :func:`make_mlp`); its dropout and batch-norm layers follow ``train``/``eval``.
    X_train, y_train, X_val, y_val : numpy.ndarray
        Digits (rows of 64 pixels in [0, 1]) and labels 0 to 9.
    epochs, batch_size, lr, seed
        As in :func:`labkit.training.fit`; ``seed`` also seeds the augmentation.
    optimizer : {"adam", "sgd"}
        ``torch.optim.Adam`` or ``torch.optim.SGD`` (without momentum).
    l1, l2 : float
        Coefficients of :func:`~labkit.regularization.l1_penalty` and
        :func:`~labkit.regularization.l2_penalty`, added to the loss.
    l1_proximal : bool
        Apply ``l1`` as soft-thresholding after each step instead of in the loss: exact zeros.
    weight_decay : float
        Decoupled decay at each step (with ``"adam"``, this is AdamW).
    label_smoothing : float
        ``eps`` of :func:`~labkit.regularization.label_smoothing_loss`.
    augment : bool
        Train on :func:`~labkit.regularization.augment_digits` copies, new ones for every batch.
    max_norm : float, optional
        :func:`~labkit.regularization.max_norm_` on each penalised weight after each step.
    patience : int, optional
        Early stopping on the validation loss, restoring the weights of the best epoch.

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
    >>> h = train_classifier(net, X[:200], y[:200], X_val, y_val, epochs=5, l2=1e-3, patience=2)
    >>> sorted(h.metrics), h.epochs <= 5
    (['train_acc', 'val_acc', 'val_loss'], True)
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    X_train, X_val = check_matrix("X_train", X_train, 64), check_matrix("X_val", X_val, 64)
    y_train = check_labels("y_train", y_train, X_train.shape[0], 10)
    y_val = check_labels("y_val", y_val, X_val.shape[0], 10)
    optimizer = check_choice("optimizer", optimizer, ("adam", "sgd"))
    lr = check_positive("lr", lr)
    l1, l2, weight_decay = (check_nonnegative(n, v) for n, v in (("l1", l1), ("l2", l2), ("weight_decay", weight_decay)))
    label_smoothing = check_nonnegative("label_smoothing", label_smoothing)
    for name, flag in (("l1_proximal", l1_proximal), ("augment", augment)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be a bool, got {type(flag).__name__}")
    max_norm = None if max_norm is None else check_positive("max_norm", max_norm)

    torch.manual_seed(check_int("seed", seed, 0))  # dropout and noise masks: same seed, same run
    rng = np.random.default_rng(seed)
    opt = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}[optimizer](model.parameters(), lr=lr)
    weights = [p for _, p in penalized_parameters(model)]
    Xt, Xv = torch.as_tensor(X_train, dtype=torch.float32), torch.as_tensor(X_val, dtype=torch.float32)
    yt, yv = torch.as_tensor(y_train, dtype=torch.int64), torch.as_tensor(y_val, dtype=torch.int64)

    def step(xb: torch.Tensor, yb: torch.Tensor) -> float:
        model.train()
        if augment:
            xb = torch.as_tensor(augment_digits(xb.numpy(), rng), dtype=torch.float32)
        opt.zero_grad()
        loss = label_smoothing_loss(model(xb), yb, label_smoothing)
        if l1 and not l1_proximal:
            loss = loss + l1_penalty(weights, l1)
        if l2:
            loss = loss + l2_penalty(weights, l2)
        loss.backward()
        if weight_decay:  # before the step, as in AdamW: it shrinks the weights the gradient was taken at
            decoupled_weight_decay_(weights, lr, weight_decay)
        opt.step()
        with torch.no_grad():  # the updates that act on the new weights, not on the gradient
            for w in weights:
                if l1 and l1_proximal:
                    w.copy_(soft_threshold(w, lr * l1))
                if max_norm is not None:
                    max_norm_(w, max_norm)
        return loss.item()

    def evaluate() -> dict[str, float]:
        model.eval()
        with torch.no_grad():  # one forward pass over the validation set gives its loss and accuracy
            train_acc = (model(Xt).argmax(dim=1) == yt).double().mean().item()
            logits = model(Xv)
            val_loss = torch.nn.functional.cross_entropy(logits, yv).item()
            val_acc = (logits.argmax(dim=1) == yv).double().mean().item()
        return {"train_acc": train_acc, "val_loss": val_loss, "val_acc": val_acc}

    get_state = set_state = None
    if patience is not None:
        get_state, set_state = model.state_dict, model.load_state_dict
    history = fit(step, Xt, yt, epochs=epochs, batch_size=batch_size, seed=seed, evaluate=evaluate,
                  patience=patience, get_state=get_state, set_state=set_state)
    model.eval()
    return history
