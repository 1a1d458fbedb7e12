"""Multi-modal learning: one prediction from inputs of different kinds.

Here each example has two *modalities*, an image and a 1-D signal, and one label. A
:class:`FusionNet` combines them at one of three places: early fusion concatenates the raw
inputs, intermediate fusion concatenates one learned embedding per modality, and late fusion adds
the predictions (logits) that each modality makes on its own. A missing modality is fed as zeros;
a network only copes with that if it met missing modalities in training, which
:func:`train_fusion` simulates with modality dropout.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from .._checks import (
    Array, Choice, Count, Instance, Optional, Probability, Real, Seed, Size, TorchTensor, check_elements,
    check_labels, check_same_rows, in_model_dtype,
)
from .._contract import contract
from ..networks import mlp
from ..seeding import generator, seeded
from ..training import History, accuracy_of, fit, train_step
from ._rules import DATA32, check_columns

__all__ = ["FUSIONS", "FusionNet", "train_fusion", "fusion_accuracy"]


def _mlp_weights(n_in: int, hidden: int, n_out: int) -> int:
    """The number of weights (biases included) of ``mlp([n_in, hidden, n_out])``."""
    return (n_in + 1) * hidden + (hidden + 1) * n_out


# -- the fusions: where the two modalities meet, one small class each ------------------------------------
# Each one builds its layers from the sizes (image_dim, signal_dim, hidden, n_classes), counts them before
# they are built (a huge network is refused before any memory is asked for), names the modalities it
# reads, and maps (image, signal) to logits.
class _ImageOnly(nn.Module):
    """The image alone: the signal is ignored."""

    modalities = ("image",)

    def __init__(self, da: int, ds: int, hidden: int, k: int) -> None:
        super().__init__()
        self.net = mlp([da, hidden, k])

    @staticmethod
    def n_weights(da: int, ds: int, hidden: int, k: int) -> int:
        return _mlp_weights(da, hidden, k)

    def forward(self, image: torch.Tensor, signal: torch.Tensor) -> torch.Tensor:
        return self.net(image)


class _SignalOnly(nn.Module):
    """The signal alone: the image is ignored."""

    modalities = ("signal",)

    def __init__(self, da: int, ds: int, hidden: int, k: int) -> None:
        super().__init__()
        self.net = mlp([ds, hidden, k])

    @staticmethod
    def n_weights(da: int, ds: int, hidden: int, k: int) -> int:
        return _mlp_weights(ds, hidden, k)

    def forward(self, image: torch.Tensor, signal: torch.Tensor) -> torch.Tensor:
        return self.net(signal)


class _Early(nn.Module):
    """Early fusion: one network on the concatenated raw inputs."""

    modalities = ("image", "signal")

    def __init__(self, da: int, ds: int, hidden: int, k: int) -> None:
        super().__init__()
        self.net = mlp([da + ds, hidden, k])

    @staticmethod
    def n_weights(da: int, ds: int, hidden: int, k: int) -> int:
        return _mlp_weights(da + ds, hidden, k)

    def forward(self, image: torch.Tensor, signal: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([image, signal], dim=1))


class _Intermediate(nn.Module):
    """Intermediate fusion: one encoder per modality, then one classifier on the concatenated embeddings."""

    modalities = ("image", "signal")

    def __init__(self, da: int, ds: int, hidden: int, k: int) -> None:
        super().__init__()
        self.encoders = nn.ModuleList([mlp([da, hidden], final_activation=True),
                                       mlp([ds, hidden], final_activation=True)])
        self.net = mlp([2 * hidden, hidden, k])

    @staticmethod
    def n_weights(da: int, ds: int, hidden: int, k: int) -> int:
        return (da + 1) * hidden + (ds + 1) * hidden + _mlp_weights(2 * hidden, hidden, k)

    def forward(self, image: torch.Tensor, signal: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([self.encoders[0](image), self.encoders[1](signal)], dim=1))


class _Late(nn.Module):
    """Late fusion: one classifier per modality, their logits added (the predictions are fused)."""

    modalities = ("image", "signal")

    def __init__(self, da: int, ds: int, hidden: int, k: int) -> None:
        super().__init__()
        self.branches = nn.ModuleList([mlp([da, hidden, k]), mlp([ds, hidden, k])])

    @staticmethod
    def n_weights(da: int, ds: int, hidden: int, k: int) -> int:
        return _mlp_weights(da, hidden, k) + _mlp_weights(ds, hidden, k)

    def forward(self, image: torch.Tensor, signal: torch.Tensor) -> torch.Tensor:
        return self.branches[0](image) + self.branches[1](signal)


_FUSIONS = {"image_only": _ImageOnly, "signal_only": _SignalOnly, "early": _Early, "intermediate": _Intermediate,
            "late": _Late}

# The models that FusionNet builds, by name, each with the modalities it reads (documented in labkit/multi/__init__.py,
# where the API reference reads it).
FUSIONS: dict[str, tuple[str, ...]] = {name: fusion.modalities for name, fusion in _FUSIONS.items()}


def _check_modalities(model: FusionNet, image: Any, signal: Any) -> None:
    """Refuse modalities (arrays or tensors) whose columns or rows do not match ``model``, naming both sizes."""
    check_columns("image", image, "image_dim", model.image_dim)
    check_columns("signal", signal, "signal_dim", model.signal_dim)
    check_same_rows("signal", signal, "image", len(image))


class FusionNet(nn.Module):
    """A classifier of (image, signal) pairs, with the fusion chosen by name.

    Parameters
    ----------
    image_dim, signal_dim : int
        Number of features of each modality, at least 1.
    n_classes : int
        Number of classes, at least 2.
    fusion : str
        One of :data:`FUSIONS`: ``"image_only"`` and ``"signal_only"`` ignore the other modality;
        ``"early"`` is one network on the concatenated inputs; ``"intermediate"`` encodes each
        modality, then classifies the concatenated embeddings; ``"late"`` adds the logits of
        one classifier per modality.
    hidden : int
        Width of the hidden layers, at least 1. The network may hold at most
        ``2**28`` weights (a larger one is refused before any memory is asked for).
    seed : int
        Seed of the initial weights (the global torch generator is left as it was).

    Examples
    --------
    >>> net = FusionNet(64, 32, 10, fusion="intermediate")
    >>> net(torch.zeros(5, 64), torch.zeros(5, 32)).shape
    torch.Size([5, 10])
    """

    @contract(image_dim=Size(), signal_dim=Size(), n_classes=Size(2), fusion=Choice(*FUSIONS), hidden=Size(),
              seed=Seed())
    def __init__(self, image_dim: int, signal_dim: int, n_classes: int, *, fusion: str = "early",
                 hidden: int = 32, seed: int = 0) -> None:
        super().__init__()
        kind = _FUSIONS[fusion]
        # Refused before torch asks the allocator for terabytes.
        check_elements(f"FusionNet(image_dim={image_dim}, signal_dim={signal_dim}, n_classes={n_classes}, "
                       f"fusion={fusion!r}, hidden={hidden})",
                       kind.n_weights(image_dim, signal_dim, hidden, n_classes), "a network")
        self.image_dim, self.signal_dim, self.n_classes, self.fusion = image_dim, signal_dim, n_classes, fusion
        with seeded(seed):
            self.layers = kind(image_dim, signal_dim, hidden, n_classes)

    @contract(image=TorchTensor(ndim=2), signal=TorchTensor(ndim=2))
    def forward(self, image: torch.Tensor, signal: torch.Tensor) -> torch.Tensor:
        """Return the logits, shape ``(n, n_classes)``.

        ``image`` and ``signal`` are 2-D tensors (or arrays) of finite numbers, shapes ``(n, image_dim)``
        and ``(n, signal_dim)``, cast to the dtype of the weights. Both are checked, even when the
        fusion ignores one of them.
        """
        _check_modalities(self, image, signal)
        image, signal = in_model_dtype("image", image, self), in_model_dtype("signal", signal, self)
        return self.layers(image, signal)


def _checked_inputs(model: FusionNet, image: np.ndarray, signal: np.ndarray,
                    y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    # The relations training and scoring both check: two modalities of the model's sizes and labels
    # for the same examples.
    _check_modalities(model, image, signal)
    y = check_labels("y", y, len(image), model.n_classes)
    return torch.from_numpy(image).float(), torch.from_numpy(signal).float(), torch.from_numpy(y).long()


@contract(model=Instance(FusionNet), image=DATA32, signal=DATA32, y=Array("int", ndim=1),
          modality_dropout=Probability(), epochs=Count(), batch_size=Size(), lr=Real(0, low_open=True), seed=Seed())
def train_fusion(
    model: FusionNet, image: np.ndarray, signal: np.ndarray, y: np.ndarray, *, modality_dropout: float = 0.0,
    epochs: int = 30, batch_size: int = 64, lr: float = 0.005, seed: int = 0,
) -> History:
    """Train a :class:`FusionNet` with Adam and cross-entropy, optionally with modality dropout.

    Parameters
    ----------
    model : FusionNet
        The network, trained in place.
    image, signal : array_like
        The two modalities, finite and within float32's range, shapes ``(n, image_dim)`` and
        ``(n, signal_dim)`` with ``n >= 1``.
    y : array_like of int
        Labels of shape ``(n,)``, from 0 to ``n_classes - 1``.
    modality_dropout : float
        Probability, in [0, 1), that a training example loses one of its two modalities (chosen
        at random, replaced by zeros), so that the network learns to predict from either alone.
    epochs, batch_size : int
        Passes over the data and examples per batch, at least 1, for :func:`labkit.training.fit`.
    lr : float
        Learning rate of Adam, positive.
    seed : int
        Seed of the batch order and of the dropped modalities, >= 0.

    Returns
    -------
    History
        The training loss of each epoch.

    Examples
    --------
    >>> from labkit.multi import make_multimodal_digits
    >>> image, signal, y = make_multimodal_digits()
    >>> history = train_fusion(FusionNet(64, 32, 10), image[:200], signal[:200], y[:200], epochs=2)
    >>> history.epochs
    2
    """
    image_t, signal_t, y_t = _checked_inputs(model, image, signal, y)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = generator(seed)
    both = torch.cat([image_t, signal_t], dim=1)  # fit slices one array: the two modalities side by side

    def loss(xb: torch.Tensor, yb: torch.Tensor) -> torch.Tensor:
        img, sig = xb[:, :model.image_dim], xb[:, model.image_dim:]
        if modality_dropout > 0:
            drop = torch.rand(len(xb), 1, generator=gen) < modality_dropout
            drop_image = torch.rand(len(xb), 1, generator=gen) < 0.5  # which modality goes missing
            img = torch.where(drop & drop_image, 0.0, img)
            sig = torch.where(drop & ~drop_image, 0.0, sig)
        return nn.functional.cross_entropy(model(img, sig), yb)

    return fit(train_step(opt, loss), both, y_t, epochs=epochs, batch_size=batch_size, seed=seed)


@contract(model=Instance(FusionNet), image=DATA32, signal=DATA32, y=Array("int", ndim=1),
          missing=Optional(Choice("image", "signal")))
def fusion_accuracy(model: FusionNet, image: np.ndarray, signal: np.ndarray, y: np.ndarray, *,
                    missing: str | None = None) -> float:
    """Accuracy of ``model``, with both modalities or with one of them missing (fed as zeros).

    Parameters
    ----------
    model : FusionNet
        A trained network.
    image, signal, y : array_like
        Test modalities and labels, as for :func:`train_fusion`.
    missing : {None, "image", "signal"}
        The modality removed at test time, if any.

    Examples
    --------
    >>> net = FusionNet(2, 1, 2, fusion="late")
    >>> 0.0 <= fusion_accuracy(net, np.ones((4, 2)), np.ones((4, 1)), np.array([0, 1, 0, 1]), missing="image") <= 1.0
    True
    """
    image_t, signal_t, y_t = _checked_inputs(model, image, signal, y)
    if missing == "image":
        image_t = torch.zeros_like(image_t)
    elif missing == "signal":
        signal_t = torch.zeros_like(signal_t)
    with torch.no_grad():
        return accuracy_of(model(image_t, signal_t), y_t)
