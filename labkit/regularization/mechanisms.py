"""Regularisers specific to neural networks, written from scratch.

Dropout and Gaussian noise perturb the hidden units during training only; the max-norm constraint
caps the incoming weights of each unit; label smoothing stops the network from pushing its logits
to infinity; augmentation shows the network plausible new digits. (Early stopping lives in the
shared loop, :func:`labkit.training.fit`; batch normalisation is ``torch.nn.BatchNorm1d``.)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .._checks import check_int, check_matrix, check_nonnegative, check_positive, check_probability

__all__ = ["dropout", "Dropout", "dropout_subnetwork_means", "gaussian_noise", "GaussianNoise", "max_norm_",
           "smooth_labels", "label_smoothing_loss", "augment_digits"]


def _check_tensor(name: str, x: object) -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point torch.Tensor, got {type(x).__name__}")
    return x


def _check_generator(generator: object) -> None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be None or a torch.Generator, got {type(generator).__name__}")


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
        Activations.
    p : float
        Probability of dropping an entry, in [0, 1).
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
    x = _check_tensor("x", x)
    p = check_probability("p", p, "the probability of dropping a unit")
    if not isinstance(training, bool):
        raise TypeError(f"training must be a bool, got {type(training).__name__}")
    _check_generator(generator)
    if not training or p == 0:
        return x
    if mask is None:
        mask = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=x.device) >= p
    elif not isinstance(mask, torch.Tensor) or mask.dtype != torch.bool or mask.shape != x.shape:
        raise ValueError(f"mask must be a bool tensor of shape {tuple(x.shape)}, got {mask!r:.60}")
    return x * mask / (1.0 - p)


class Dropout(torch.nn.Module):
    """:func:`dropout` as a layer: active in ``model.train()``, the identity in ``model.eval()``.

    >>> layer = Dropout(0.5).eval()
    >>> torch.equal(layer(torch.ones(3)), torch.ones(3))
    True
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        dropout(torch.zeros(1), p, training=False)  # the same check of p as the function
        self.p = float(p)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """:func:`dropout` of ``x``, active only while the layer is in training mode."""
        return dropout(x, self.p, training=self.training)

    def extra_repr(self) -> str:
        """What ``print(model)`` shows between the parentheses."""
        return f"p={self.p}"


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
    if not callable(forward):
        raise TypeError(f"forward must be a callable forward(mask) -> logits, got {type(forward).__name__}")
    n_units = check_int("n_units", n_units, 1)
    if n_units > 16:
        raise ValueError(f"n_units must be at most 16 (2**n_units sub-networks are evaluated), got {n_units}")
    p = check_probability("p", p, "the probability of dropping a unit")
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


def gaussian_noise(x: torch.Tensor, std: float, *, training: bool = True,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """Add ``N(0, std**2)`` noise in training, nothing at test time.

    For a linear model with the squared error, noise of variance ``s**2`` on the inputs is, in
    expectation, an L2 penalty (Bishop, 1995): the network cannot rely on tiny differences.

    >>> x = torch.zeros(10000)
    >>> round(float(gaussian_noise(x, 0.5, generator=torch.Generator().manual_seed(0)).std()), 1)
    0.5
    >>> torch.equal(gaussian_noise(x, 0.5, training=False), x)
    True
    """
    x, std = _check_tensor("x", x), check_nonnegative("std", std)
    if not isinstance(training, bool):
        raise TypeError(f"training must be a bool, got {type(training).__name__}")
    _check_generator(generator)
    if not training or std == 0:
        return x
    return x + std * torch.randn(x.shape, generator=generator, dtype=x.dtype, device=x.device)


class GaussianNoise(torch.nn.Module):
    """:func:`gaussian_noise` as a layer: active in ``model.train()`` only.

    >>> torch.equal(GaussianNoise(1.0).eval()(torch.ones(2)), torch.ones(2))
    True
    """

    def __init__(self, std: float) -> None:
        super().__init__()
        self.std = check_nonnegative("std", std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """:func:`gaussian_noise` on ``x``, active only while the layer is in training mode."""
        return gaussian_noise(x, self.std, training=self.training)

    def extra_repr(self) -> str:
        """What ``print(model)`` shows between the parentheses."""
        return f"std={self.std}"


def max_norm_(weight: torch.Tensor, max_norm: float) -> torch.Tensor:
    """Cap the L2 norm of each row of ``weight`` (the incoming weights of one unit) at ``max_norm``, in place.

    Applied after every optimiser step (Srivastava et al., 2014, with dropout): the weights can
    grow only so far, whatever the learning rate. Rows already inside the ball are unchanged.

    >>> w = torch.tensor([[3.0, 4.0], [0.3, 0.4]])
    >>> max_norm_(w, 1.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    weight, max_norm = _check_tensor("weight", weight), check_positive("max_norm", max_norm)
    if weight.ndim < 2:
        raise ValueError(f"weight must have one row per unit (at least 2 dimensions), got shape {tuple(weight.shape)}")
    with torch.no_grad():
        norms = weight.flatten(1).norm(dim=1).view(-1, *[1] * (weight.ndim - 1))
        weight.mul_((max_norm / norms.clamp(min=max_norm)))
    return weight


def smooth_labels(y: torch.Tensor, n_classes: int, eps: float, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Targets ``(1 - eps) * one_hot(y) + eps / n_classes``: the true class never gets probability 1.

    >>> smooth_labels(torch.tensor([2]), 4, eps=0.2)
    tensor([[0.0500, 0.0500, 0.8500, 0.0500]])
    """
    n_classes = check_int("n_classes", n_classes, 2)
    if not isinstance(y, torch.Tensor) or y.dtype != torch.int64 or y.ndim != 1:
        raise TypeError(f"y must be a 1-D int64 tensor of class labels, got {y!r:.60}")
    if y.numel() and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"y must hold labels from 0 to {n_classes - 1}, got {int(y.min())}..{int(y.max())}")
    eps = check_nonnegative("eps", eps)
    if eps > 1:
        raise ValueError(f"eps must be a float in [0, 1], got {eps}")
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating-point torch.dtype, got {dtype!r}")
    return (1 - eps) * torch.nn.functional.one_hot(y, n_classes).to(dtype) + eps / n_classes


def label_smoothing_loss(logits: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """Mean cross-entropy of ``softmax(logits)`` against :func:`smooth_labels`.

    With hard targets the loss keeps falling as a logit grows; with smoothed targets it is smallest
    at a finite logit gap, so the network stays less confident.

    >>> round(float(label_smoothing_loss(torch.zeros(1, 4), torch.tensor([0]), eps=0.1)), 4)
    1.3863
    """
    logits = _check_tensor("logits", logits)
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (n, n_classes), got {tuple(logits.shape)}")
    targets = smooth_labels(y, logits.shape[1], eps, dtype=logits.dtype)
    return -(targets * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()


def augment_digits(X: np.ndarray, rng: np.random.Generator, *, max_shift: float = 1.0,
                   max_degrees: float = 15.0, elastic: float = 0.4) -> np.ndarray:
    """Randomly shifted, rotated and elastically distorted copies of 8x8 digits (rows of 64 pixels).

    Each image gets its own shift (up to ``max_shift`` pixels per axis), rotation about its centre
    (up to ``max_degrees``) and smooth random displacement (of about ``elastic`` pixels), all in
    one bilinear resampling by ``scipy.ndimage.map_coordinates``: a 3 stays a 3, but the network
    never sees the same pixels twice.

    >>> X = np.zeros((2, 64)); X[:, 27] = 1.0
    >>> out = augment_digits(X, np.random.default_rng(0))
    >>> out.shape, bool(out.min() >= 0.0), bool(np.all(augment_digits(X, np.random.default_rng(0)) == out))
    ((2, 64), True, True)
    """
    X = check_matrix("X", X, 64)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    max_shift, max_degrees = check_nonnegative("max_shift", max_shift), check_nonnegative("max_degrees", max_degrees)
    elastic = check_nonnegative("elastic", elastic)
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
