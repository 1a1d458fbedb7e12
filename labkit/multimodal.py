"""Multi-modal learning: one prediction from inputs of different kinds.

Here each example has two *modalities*, an image and a 1-D signal, and one label. A
:class:`FusionNet` combines them at one of three places: early fusion concatenates the raw
inputs, intermediate fusion concatenates one learned embedding per modality, and late fusion adds
the predictions (logits) that each modality makes on its own. A missing modality is fed as zeros;
a network only copes with that if it met missing modalities in training, which
:func:`train_fusion` simulates with modality dropout.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ._checks import (
    check_choice, check_int, check_labels, check_matrix, check_positive, check_probability, check_same_rows,
)
from ._torch import optimizer_step, seeded
from .training import History, fit

__all__ = ["FUSIONS", "FusionNet", "train_fusion", "fusion_accuracy"]

#: Names of the models that :class:`FusionNet` builds (one modality alone, or both fused at one of three places).
FUSIONS: tuple[str, ...] = ("image_only", "signal_only", "early", "intermediate", "late")


def _mlp(n_in: int, hidden: int, n_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))


class FusionNet(nn.Module):
    """A classifier of (image, signal) pairs, with the fusion chosen by name.

    Parameters
    ----------
    image_dim, signal_dim : int
        Number of features of each modality.
    n_classes : int
        Number of classes, at least 2.
    fusion : str
        One of :data:`FUSIONS`: ``"image_only"`` and ``"signal_only"`` ignore the other modality;
        ``"early"`` is one network on the concatenated inputs; ``"intermediate"`` encodes each
        modality, then classifies the concatenated embeddings; ``"late"`` adds the logits of
        one classifier per modality.
    hidden : int
        Width of the hidden layers.
    seed : int
        Seed of the initial weights (the global torch generator is left as it was).

    Examples
    --------
    >>> net = FusionNet(64, 32, 10, fusion="intermediate")
    >>> net(torch.zeros(5, 64), torch.zeros(5, 32)).shape
    torch.Size([5, 10])
    """

    def __init__(self, image_dim: int, signal_dim: int, n_classes: int, *, fusion: str = "early",
                 hidden: int = 32, seed: int = 0) -> None:
        super().__init__()
        self.image_dim, self.signal_dim = check_int("image_dim", image_dim, 1), check_int("signal_dim", signal_dim, 1)
        self.n_classes, hidden = check_int("n_classes", n_classes, 2), check_int("hidden", hidden, 1)
        self.fusion = check_choice("fusion", fusion, FUSIONS)
        k, da, ds = self.n_classes, self.image_dim, self.signal_dim
        with seeded(seed):
            if fusion == "image_only":
                self.net = _mlp(da, hidden, k)
            elif fusion == "signal_only":
                self.net = _mlp(ds, hidden, k)
            elif fusion == "early":
                self.net = _mlp(da + ds, hidden, k)
            elif fusion == "intermediate":
                self.encoders = nn.ModuleList([nn.Sequential(nn.Linear(da, hidden), nn.ReLU()),
                                               nn.Sequential(nn.Linear(ds, hidden), nn.ReLU())])
                self.net = _mlp(2 * hidden, hidden, k)
            else:
                self.branches = nn.ModuleList([_mlp(da, hidden, k), _mlp(ds, hidden, k)])

    def forward(self, image: torch.Tensor, signal: torch.Tensor) -> torch.Tensor:
        """Return the logits, shape ``(n, n_classes)``."""
        if self.fusion == "image_only":
            return self.net(image)
        if self.fusion == "signal_only":
            return self.net(signal)
        if self.fusion == "early":
            return self.net(torch.cat([image, signal], dim=1))  # fuse the raw inputs
        if self.fusion == "intermediate":
            return self.net(torch.cat([self.encoders[0](image), self.encoders[1](signal)], dim=1))
        return self.branches[0](image) + self.branches[1](signal)  # fuse the predictions


def _inputs(model: object, image: object, signal: object, y: object) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    # What training and scoring both check: two modalities and labels for the same examples.
    if not isinstance(model, FusionNet):
        raise TypeError(f"model must be a FusionNet, got {type(model).__name__}")
    image = check_matrix("image", image, model.image_dim)
    signal = check_matrix("signal", signal, model.signal_dim)
    check_same_rows("signal", signal, "image", len(image))
    y = check_labels("y", y, len(image), model.n_classes)
    return torch.from_numpy(image).float(), torch.from_numpy(signal).float(), torch.from_numpy(y).long()


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
        The two modalities, shapes ``(n, image_dim)`` and ``(n, signal_dim)``.
    y : array_like of int
        Labels of shape ``(n,)``.
    modality_dropout : float
        Probability, in [0, 1), that a training example loses one of its two modalities (chosen
        at random, replaced by zeros), so that the network learns to predict from either alone.
    epochs, batch_size : int
        Passes over the data and examples per batch, for :func:`labkit.training.fit`.
    lr : float
        Learning rate of Adam.
    seed : int
        Seed of the batch order and of the dropped modalities.

    Returns
    -------
    History
        The training loss of each epoch.

    Examples
    --------
    >>> from labkit.data import make_multimodal_digits
    >>> image, signal, y = make_multimodal_digits()
    >>> history = train_fusion(FusionNet(64, 32, 10), image[:200], signal[:200], y[:200], epochs=2)
    >>> history.epochs
    2
    """
    image_t, signal_t, y_t = _inputs(model, image, signal, y)
    modality_dropout = check_probability("modality_dropout", modality_dropout)
    opt = torch.optim.Adam(model.parameters(), lr=check_positive("lr", lr))
    gen = torch.Generator().manual_seed(check_int("seed", seed, 0))
    both = torch.cat([image_t, signal_t], dim=1)  # fit slices one array: the two modalities side by side

    def loss(xb: torch.Tensor, yb: torch.Tensor) -> torch.Tensor:
        img, sig = xb[:, :model.image_dim], xb[:, model.image_dim:]
        if modality_dropout > 0:
            drop = torch.rand(len(xb), 1, generator=gen) < modality_dropout
            drop_image = torch.rand(len(xb), 1, generator=gen) < 0.5  # which modality goes missing
            img = torch.where(drop & drop_image, 0.0, img)
            sig = torch.where(drop & ~drop_image, 0.0, sig)
        return nn.functional.cross_entropy(model(img, sig), yb)

    return fit(optimizer_step(opt, loss), both, y_t, epochs=epochs, batch_size=batch_size, seed=seed)


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
    image_t, signal_t, y_t = _inputs(model, image, signal, y)
    if missing not in (None, "image", "signal"):
        raise ValueError(f"missing must be None, 'image' or 'signal', got {missing!r}")
    if missing == "image":
        image_t = torch.zeros_like(image_t)
    elif missing == "signal":
        signal_t = torch.zeros_like(signal_t)
    with torch.no_grad():
        return float((model(image_t, signal_t).argmax(dim=1) == y_t).float().mean())
