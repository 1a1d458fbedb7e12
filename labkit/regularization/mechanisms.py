"""Regularisers specific to neural networks, written from scratch.

Dropout and Gaussian noise perturb the hidden units during training only; the max-norm constraint
caps the incoming weights of each unit; label smoothing stops the network from pushing its logits
to infinity; augmentation shows the network plausible new digits. (Early stopping lives in the
shared loop, :func:`labkit.training.fit`; batch normalisation is ``torch.nn.BatchNorm1d``.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .._checks import (
    Array, Bool, FloatDtype, Function, Instance, Int, Optional, Probability, Real, Size, TorchTensor, check_elements,
)
from .._contract import contract
from .weight_decay import _Weight

__all__ = ["dropout", "Dropout", "dropout_subnetwork_means", "gaussian_noise", "GaussianNoise", "max_norm_",
           "smooth_labels", "label_smoothing_loss", "augment_digits"]


_P = Probability("the probability of dropping a unit")
#: Label smoothing's eps: 1 would make every target uniform, the labels ignored.
_EPS = Real(0, 1, high_open=True)
_GENERATOR = Optional(Instance(torch.Generator))


class _MinDims(_Weight):
    """A floating tensor of finite numbers with at least ``ndim`` dimensions, kept (changed in place)."""

    def __init__(self, ndim: int) -> None:
        self.ndim = ndim
        self.expected = f"a floating-point torch.Tensor of finite numbers with at least {ndim} dimensions"

    def check(self, name: str, value: Any) -> torch.Tensor:
        value = super().check(name, value)
        if value.ndim < self.ndim:
            raise self.fail(name, value)
        return value

    def bad(self) -> list[Any]:
        return super().bad()[:3] + [("nan", lambda _v: torch.full((2, 2), float("nan")), ValueError),
                                    ("too few dimensions", lambda _v: torch.ones(2), ValueError)]


@contract(x=TorchTensor(), p=_P, training=Bool(), mask=Optional(Instance(torch.Tensor, what="a bool torch.Tensor")),
          generator=_GENERATOR)
def dropout(x: torch.Tensor, p: float, *, training: bool = True, mask: torch.Tensor | None = None,
            generator: torch.Generator | None = None) -> torch.Tensor:
    """Inverted dropout: zero each entry with probability ``p``, divide the others by ``1 - p``.

    The division keeps the expected value of every entry unchanged, so at test time
    (``training=False``) the layer is the identity: no rescaling is needed. Each mask drawn in
    training is one sub-network; testing with the full network approximates the weighted geometric
    mean of their predictions (exactly, for a single softmax layer).

    Parameters
    ----------
    x : torch.Tensor
        Activations, finite (an array-like becomes a float32 tensor).
    p : float
        Probability of dropping an entry, in [0, 1) (0: no dropout).
    training : bool
        False gives ``x`` back unchanged.
    mask : torch.Tensor, optional
        Boolean tensor of ``x``'s shape, True for the entries kept; drawn from ``generator`` if None.
    generator : torch.Generator, optional
        Source of the mask.

    Examples
    --------
    >>> x = torch.ones(2, 4)
    >>> dropout(x, 0.5, mask=torch.tensor([[True, False, True, True], [False] * 4]))
    tensor([[2., 0., 2., 2.],
            [0., 0., 0., 0.]])
    >>> torch.equal(dropout(x, 0.5, training=False), x)
    True
    """
    if mask is not None and (mask.dtype != torch.bool or mask.shape != x.shape):
        raise ValueError(f"mask must be a bool tensor of the shape of x, {tuple(x.shape)}, "
                         f"got dtype {mask.dtype} and shape {tuple(mask.shape)}")
    return _dropout(x, p, training, mask, generator)


def _dropout(x: torch.Tensor, p: float, training: bool, mask: torch.Tensor | None = None,
             generator: torch.Generator | None = None) -> torch.Tensor:
    # Unchecked: Dropout.forward, already checked, calls it every batch.
    if not training or p == 0:
        return x
    if mask is None:
        mask = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=x.device) >= p
    return x * mask / (1.0 - p)


@contract(p=_P)
class Dropout(torch.nn.Module):
    """:func:`dropout` as a layer: active in ``model.train()``, the identity in ``model.eval()``.

    ``p`` is the probability of dropping a unit, in [0, 1).

    >>> layer = Dropout(0.5).eval()
    >>> torch.equal(layer(torch.ones(3)), torch.ones(3))
    True
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    @contract(x=TorchTensor())
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """:func:`dropout` of ``x`` (a tensor of finite numbers), active only while the layer is in training mode."""
        return _dropout(x, self.p, self.training)

    @contract()
    def extra_repr(self) -> str:
        """What ``print(model)`` shows between the parentheses."""
        return f"p={self.p}"


@contract(forward=Function(takes=1), n_units=Int(1, 16), p=_P)
def dropout_subnetwork_means(forward: Callable[[torch.Tensor], torch.Tensor], n_units: int,
                             p: float) -> tuple[torch.Tensor, torch.Tensor]:
    """The geometric and arithmetic means of the predictions of all ``2**n_units`` dropout sub-networks.

    Dropout on ``n_units`` units trains one sub-network per mask; mask ``m`` is drawn with
    probability ``(1 - p)**kept * p**dropped``. At test time the full network (inverted dropout
    needs no rescaling) stands for this ensemble: it approximates the renormalised *geometric*
    mean of the sub-networks' class probabilities, weighted by these probabilities (the weight
    scaling inference rule, Srivastava et al., 2014). For one softmax layer with dropout on its
    inputs, the logits are linear in the mask, so the approximation is exact; with a non-linearity
    after the dropped units it is not. Enumerating every mask measures how close it is.

    Parameters
    ----------
    forward : callable
        ``forward(mask) -> logits``: the sub-network that keeps the units where the boolean
        ``mask`` of shape ``(n_units,)`` is True (for instance through :func:`dropout` with
        ``mask=``), returning logits of shape ``(..., n_classes)``.
    n_units : int
        Number of units dropout acts on, from 1 to 16 (there are ``2**n_units`` masks).
    p : float
        Probability of dropping a unit, in [0, 1).

    Returns
    -------
    geometric, arithmetic : torch.Tensor
        Class probabilities, each of the shape of ``forward``'s logits, each summing to 1.

    Examples
    --------
    One softmax layer with dropout on its 3 inputs: the full network is the geometric mean.

    >>> x, W = torch.tensor([[1.0, -2.0, 0.5]]), torch.tensor([[1.0, 0.0], [0.5, -1.0], [-2.0, 2.0]])
    >>> geometric, arithmetic = dropout_subnetwork_means(lambda m: dropout(x, 0.5, mask=m[None]) @ W, 3, 0.5)
    >>> torch.allclose(geometric, torch.softmax(x @ W, dim=1)), torch.allclose(arithmetic, torch.softmax(x @ W, dim=1))
    (True, False)
    """
    masks = (torch.arange(2**n_units)[:, None] >> torch.arange(n_units)) & 1 == 1  # every subset of units
    log_geometric = arithmetic = torch.zeros(())
    for mask in masks:
        kept = int(mask.sum())
        weight = (1 - p) ** kept * p ** (n_units - kept)
        if weight == 0:  # p = 0: only the full network is ever trained
            continue
        log_probs = torch.log_softmax(forward(mask), dim=-1)
        log_geometric = log_geometric + weight * log_probs
        arithmetic = arithmetic + weight * log_probs.exp()
    return torch.softmax(log_geometric, dim=-1), arithmetic


@contract(x=TorchTensor(), noise_std=Real(0), training=Bool(), generator=_GENERATOR)
def gaussian_noise(x: torch.Tensor, noise_std: float, *, training: bool = True,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """Add ``N(0, noise_std**2)`` noise in training, nothing at test time.

    For a linear model with the squared error, noise of variance ``s**2`` on the inputs is, in
    expectation, an L2 penalty (Bishop, 1995): the network cannot rely on tiny differences.
    ``x``: a tensor of finite numbers (an array-like becomes float32); ``noise_std >= 0`` (0: no noise)
    and at most the largest number of ``x``'s dtype (3.4e38 for float32): a larger std is not
    noise of that size but inf. A draw of noise that overflows gives inf (never NaN).

    >>> from labkit.seeding import generator
    >>> x = torch.zeros(10000)
    >>> round(float(gaussian_noise(x, 0.5, generator=generator(0)).std()), 1)
    0.5
    >>> torch.equal(gaussian_noise(x, 0.5, training=False), x)
    True
    """
    _check_noise_std(noise_std, x)
    return _gaussian_noise(x, noise_std, training, generator)


def _check_noise_std(noise_std: float, x: torch.Tensor) -> None:
    # Cheap (one comparison): the layer's forward calls it every batch too.
    if noise_std > torch.finfo(x.dtype).max:
        raise ValueError(f"noise_std must be at most the largest {x.dtype} number ({torch.finfo(x.dtype).max:.3g}) "
                         f"for an x of that dtype, got {noise_std:g}")


def _gaussian_noise(x: torch.Tensor, noise_std: float, training: bool, generator: torch.Generator | None = None) -> torch.Tensor:
    if not training or noise_std == 0:
        return x
    return x + noise_std * torch.randn(x.shape, generator=generator, dtype=x.dtype, device=x.device)


@contract(noise_std=Real(0))
class GaussianNoise(torch.nn.Module):
    """:func:`gaussian_noise` as a layer: active in ``model.train()`` only; ``noise_std >= 0`` (checked
    against the largest number of the input's dtype at each call, as in :func:`gaussian_noise`).

    >>> torch.equal(GaussianNoise(1.0).eval()(torch.ones(2)), torch.ones(2))
    True
    """

    def __init__(self, noise_std: float) -> None:
        super().__init__()
        self.noise_std = noise_std

    @contract(x=TorchTensor())
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """:func:`gaussian_noise` on ``x`` (a tensor of finite numbers), active only while the layer is in training mode."""
        _check_noise_std(self.noise_std, x)
        return _gaussian_noise(x, self.noise_std, self.training)

    @contract()
    def extra_repr(self) -> str:
        """What ``print(model)`` shows between the parentheses."""
        return f"noise_std={self.noise_std}"


@contract(weight=_MinDims(2), max_norm=Real(0, low_open=True))
def max_norm_(weight: torch.Tensor, max_norm: float) -> torch.Tensor:
    """Cap the L2 norm of each row of ``weight`` (the incoming weights of one unit) at ``max_norm``, in place.

    Applied after every optimiser step (Srivastava et al., 2014, with dropout): the weights can
    grow only so far, whatever the learning rate. Rows already inside the ball are unchanged.
    ``weight``: a floating tensor of finite numbers with at least 2 dimensions; ``max_norm > 0``.

    >>> w = torch.tensor([[3.0, 4.0], [0.3, 0.4]])
    >>> max_norm_(w, 1.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    return _max_norm(weight, max_norm)


def _max_norm(weight: torch.Tensor, max_norm: float) -> torch.Tensor:
    with torch.no_grad():
        norms = weight.flatten(1).norm(dim=1).view(-1, *[1] * (weight.ndim - 1))
        weight.mul_((max_norm / norms.clamp(min=max_norm)))
    return weight


@contract(y=TorchTensor("int", ndim=1, min=0), n_classes=Size(2), eps=_EPS,
          dtype=FloatDtype())
def smooth_labels(y: torch.Tensor, n_classes: int, eps: float, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Targets ``(1 - eps) * one_hot(y) + eps / n_classes``: the true class never gets probability 1.

    ``y``: 1-D int labels (a tensor or an array-like) from 0 to ``n_classes - 1``; ``n_classes``
    from 2 to 2**28 (and ``len(y) * n_classes`` under 2**28 numbers); ``eps`` in [0, 1) (1 would
    make every target uniform: the labels would be ignored).

    >>> smooth_labels(torch.tensor([2]), 4, eps=0.2)
    tensor([[0.0500, 0.0500, 0.8500, 0.0500]])
    """
    if y.numel() and y.max() >= n_classes:
        raise ValueError(f"y must hold labels from 0 to {n_classes - 1}, got {int(y.min())}..{int(y.max())}")
    check_elements("n_classes", len(y) * n_classes, f"{len(y)} rows of {n_classes} targets")
    return _smooth_labels(y, n_classes, eps, dtype)


def _smooth_labels(y: torch.Tensor, n_classes: int, eps: float, dtype: torch.dtype) -> torch.Tensor:
    return (1 - eps) * torch.nn.functional.one_hot(y, n_classes).to(dtype) + eps / n_classes


@contract(logits=TorchTensor(ndim=2, min_rows=1), y=TorchTensor("int", ndim=1, min=0), eps=_EPS)
def label_smoothing_loss(logits: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """Mean cross-entropy of ``softmax(logits)`` against :func:`smooth_labels`.

    With hard targets the loss keeps falling as a logit grows; with smoothed targets it is smallest
    at a finite logit gap, so the network stays less confident. ``logits``: (n, n_classes), finite;
    ``y``: n labels from 0 to ``n_classes - 1``; ``eps`` in [0, 1), as in :func:`smooth_labels`.

    >>> round(float(label_smoothing_loss(torch.zeros(1, 4), torch.tensor([0]), eps=0.1)), 4)
    1.3863
    """
    if y.shape != (logits.shape[0],):
        raise ValueError(f"y must have one label per row of logits ({logits.shape[0]}), got shape {tuple(y.shape)}")
    if y.max() >= logits.shape[1]:
        raise ValueError(f"y must hold labels from 0 to {logits.shape[1] - 1}, one per column of logits, "
                         f"got {int(y.max())}")
    return _label_smoothing_loss(logits, y, eps)


def _label_smoothing_loss(logits: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    # Unchecked: train_classifier calls it every batch.
    targets = _smooth_labels(y, logits.shape[1], eps, logits.dtype)
    return -(targets * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()


@contract(X=Array(ndim=2, min_rows=1), rng=Instance(np.random.Generator), max_shift=Real(0), max_degrees=Real(0),
          elastic=Real(0))
def augment_digits(X: np.ndarray, rng: np.random.Generator, *, max_shift: float = 1.0,
                   max_degrees: float = 15.0, elastic: float = 0.4) -> np.ndarray:
    """Randomly shifted, rotated and elastically distorted copies of 8x8 digits (rows of 64 pixels).

    Each image gets its own shift (up to ``max_shift`` pixels per axis), rotation about its centre
    (up to ``max_degrees``) and smooth random displacement (of about ``elastic`` pixels), all in
    one bilinear resampling by ``scipy.ndimage.map_coordinates``: a 3 stays a 3, but the network
    never sees the same pixels twice. ``X``: (n, 64), finite; the three sizes >= 0.

    >>> X = np.zeros((2, 64)); X[:, 27] = 1.0
    >>> out = augment_digits(X, np.random.default_rng(0))
    >>> out.shape, bool(out.min() >= 0.0), bool(np.all(augment_digits(X, np.random.default_rng(0)) == out))
    ((2, 64), True, True)
    """
    if X.shape[1] != 64:
        raise ValueError(f"X must have 64 columns, one per pixel of an 8x8 digit, got shape {X.shape}")
    return _augment(X, rng, max_shift, max_degrees, elastic)


def _augment(X: np.ndarray, rng: np.random.Generator, max_shift: float = 1.0, max_degrees: float = 15.0,
             elastic: float = 0.4) -> np.ndarray:
    from scipy import ndimage  # here: `import labkit.regularization` stays light

    n = X.shape[0]
    rows, cols = np.meshgrid(np.arange(8.0) - 3.5, np.arange(8.0) - 3.5, indexing="ij")
    angle = np.deg2rad(rng.uniform(-max_degrees, max_degrees, size=(n, 1, 1)))
    shift = rng.uniform(-max_shift, max_shift, size=(2, n, 1, 1))
    # A smooth displacement field: white noise blurred over ~2 pixels, rescaled to `elastic` pixels.
    field = ndimage.gaussian_filter(rng.normal(size=(2, n, 8, 8)), sigma=(0, 0, 1.5, 1.5))
    field *= elastic / max(field.std(), 1e-12)
    # Where each output pixel reads from: rotate the grid, then shift and distort it.
    src_r = np.cos(angle) * rows - np.sin(angle) * cols + 3.5 + shift[0] + field[0]
    src_c = np.sin(angle) * rows + np.cos(angle) * cols + 3.5 + shift[1] + field[1]
    image = np.broadcast_to(np.arange(n, dtype=float).reshape(n, 1, 1), src_r.shape)  # no mixing of images
    out = ndimage.map_coordinates(X.reshape(n, 8, 8), [image, src_r, src_c], order=1, mode="constant")
    return out.reshape(n, 64)
