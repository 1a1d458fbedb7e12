"""The autoencoders: an encoder squeezes an image into a short code, a decoder rebuilds the image.

Every model maps flat images of ``n_inputs`` pixels to a code and back, and defines its own
``loss(x)``: :func:`train_autoencoder` hands that loss to the shared :func:`labkit.training.fit`
loop, and :func:`encode`, :func:`decode` and :func:`reconstruct` turn NumPy arrays into NumPy
arrays. Randomness (initial weights, training noise, VAE draws) comes from seeds only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from .._checks import (
    Array, Choice, Count, Instance, Int, Optional, Real, Seed, Size, Sizes, TorchTensor, check_elements, in_model_dtype,
)
from .._contract import contract
from ..networks import mlp
from ..seeding import generator, seeded
from ..training import History, fit, train_step
from .measures import _NOISE, _checked_columns

_ACTIVATIONS = ("relu", "tanh", "linear")  # of labkit.networks.ACTIVATIONS; "linear": a linear autoencoder
#: A batch of flat rows (images or codes) given to a model's methods.
_BATCH = TorchTensor(ndim=2)
#: NumPy rows (images or codes) for a float32 model: a value beyond float32's range is refused here,
#: naming the caller's argument, instead of becoming inf inside the model.
_DATA = Array("float32", ndim=2, min_rows=1)


def _check_weights(layers: list[tuple[str, int]]) -> None:
    """Refuse layers whose weight matrices would not fit in memory, before torch allocates them.

    ``layers`` are the (argument, width) of consecutive layers; the larger of two widths is blamed.
    """
    for (name_a, a), (name_b, b) in zip(layers, layers[1:]):
        check_elements(name_b if b > a else name_a, a * b, f"a {a} x {b} weight matrix")


def _checked_rows(model: nn.Module, name: str, x: torch.Tensor, size: int, what: str) -> torch.Tensor:
    """``x`` in the model's dtype, if each row has ``size`` entries (``what`` names that size)."""
    if x.shape[-1] != size:
        raise ValueError(f"{name} must have {size} columns ({what}), got {x.shape[-1]} (shape {tuple(x.shape)})")
    return in_model_dtype(name, x, model)


class DenseAutoencoder(nn.Module):
    """Undercomplete dense autoencoder: ``n_inputs -> hidden -> code_size -> hidden -> n_inputs``.

    The bottleneck (``code_size < n_inputs``) is what forces the model to keep only what matters:
    with an identity-sized code it could copy its input and learn nothing. The output layer is
    linear and the loss is the mean squared error, so with ``activation="linear"`` and no hidden
    layer the model is a linear autoencoder, whose optimum spans PCA's principal subspace.

    Its methods take 2-D tensors of finite numbers, one image or code per row (a NumPy array or a
    tensor of another dtype is converted to the model's dtype); a row of the wrong length is
    refused with both lengths in the message.

    Parameters
    ----------
    n_inputs : int
        Pixels per image (64 for the 8x8 digits).
    code_size : int
        Size of the code, from 1 to ``n_inputs - 1``.
    hidden_sizes : sequence of int
        Widths of the hidden layers of the encoder; the decoder mirrors them. ``()`` for none.
        Each weight matrix must hold at most 2**28 numbers.
    activation : {"relu", "tanh", "linear"}
        Activation between layers; "linear" makes the whole model linear.
    seed : int
        Seed of the initial weights (the global PyTorch generator is left as it was).

    Examples
    --------
    >>> model = DenseAutoencoder(64, code_size=8, hidden_sizes=[32], seed=0)
    >>> x = torch.rand(5, 64)
    >>> model.encode(x).shape, model(x).shape, model.loss(x).ndim
    (torch.Size([5, 8]), torch.Size([5, 64]), 0)
    """

    undercomplete = True  # a subclass with another regulariser may drop the bottleneck

    @contract(n_inputs=Size(), code_size=Size(), hidden_sizes=Sizes(0), activation=Choice(*_ACTIVATIONS), seed=Seed())
    def __init__(self, n_inputs: int = 64, code_size: int = 8, hidden_sizes: Sequence[int] = (32,),
                 activation: str = "relu", seed: int = 0) -> None:
        super().__init__()
        self.n_inputs, self.code_size = n_inputs, code_size
        if self.undercomplete and self.code_size >= self.n_inputs:
            raise ValueError(f"code_size must be smaller than n_inputs = {self.n_inputs} for an undercomplete "
                             f"autoencoder, got {self.code_size}: a code as large as the input can copy it")
        self.hidden_sizes, self.activation = list(hidden_sizes), activation
        _check_weights([("n_inputs", n_inputs), *(("hidden_sizes", h) for h in self.hidden_sizes),
                        ("code_size", code_size)])
        with seeded(seed):
            sizes = [self.n_inputs, *self.hidden_sizes, self.code_size]
            # No activation after the last layer of either: its output is a code or pixels.
            self.encoder, self.decoder = mlp(sizes, self.activation), mlp(sizes[::-1], self.activation)
        # The training images' mean, set by train_autoencoder: the model codes the deviation from
        # it, as PCA does. Without it, gradient descent spends many steps moving one code entry
        # away from the mean direction before the linear model reaches the PCA subspace.
        self.register_buffer("mean", torch.zeros(self.n_inputs))

    # The public methods check their argument once, then run these unchecked versions.
    def _encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x - self.mean)

    def _decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z) + self.mean

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._decode(self._encode(x))

    def _checked_images(self, x: torch.Tensor) -> torch.Tensor:
        return _checked_rows(self, "x", x, self.n_inputs, "n_inputs")

    @contract(x=_BATCH)
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The code of each image: ``(n, n_inputs) -> (n, code_size)``."""
        return self._encode(self._checked_images(x))

    @contract(z=_BATCH)
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """The image rebuilt from each code: ``(n, code_size) -> (n, n_inputs)``."""
        return self._decode(_checked_rows(self, "z", z, self.code_size, "code_size"))

    @contract(x=_BATCH)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction ``decode(encode(x))`` of each image."""
        return self._forward(self._checked_images(x))

    @contract(x=TorchTensor(ndim=2, min_rows=1))
    def loss(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruction loss on a batch of at least one image: mean squared error between ``x`` and
        its reconstruction."""
        x = self._checked_images(x)
        return nn.functional.mse_loss(self._forward(x), x)


class DenoisingAutoencoder(DenseAutoencoder):
    """Dense autoencoder trained to rebuild the clean image from a noisy copy (Vincent et al., 2008).

    In training mode, ``forward`` adds Gaussian noise of standard deviation ``noise_std`` to the input
    (clipped to [0, 1]) and ``loss`` compares the output with the *clean* input. In evaluation mode
    there is no noise, like dropout. The noise is the regulariser, so the code may be as large as
    the input or larger (an overcomplete code): copying the input no longer solves the task.

    Parameters
    ----------
    n_inputs, code_size, hidden_sizes, activation, seed
        As in :class:`DenseAutoencoder`, except that ``code_size`` may reach or pass ``n_inputs``.
    noise_std : float
        Standard deviation of the training noise, in [0, 1] (0: none); the noise is drawn from ``seed``.

    Examples
    --------
    >>> model = DenoisingAutoencoder(64, code_size=128, noise_std=0.3, seed=0)
    >>> x = torch.rand(4, 64)
    >>> bool(torch.equal(model.eval()(x), model(x)))  # no noise at evaluation
    True
    >>> bool(torch.equal(model.train()(x), model(x)))  # fresh noise at every training pass
    False
    """

    undercomplete = False

    @contract(n_inputs=Size(), code_size=Size(), hidden_sizes=Sizes(0), activation=Choice(*_ACTIVATIONS), seed=Seed(),
              noise_std=_NOISE)
    def __init__(self, n_inputs: int = 64, code_size: int = 32, hidden_sizes: Sequence[int] = (64,),
                 activation: str = "relu", seed: int = 0, noise_std: float = 0.3) -> None:
        super().__init__(n_inputs, code_size, hidden_sizes, activation, seed)
        self.noise_std = noise_std
        self.generator = generator(seed)

    def _forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and self.noise_std > 0:
            x = (x + self.noise_std * torch.randn(x.shape, generator=self.generator, dtype=x.dtype)).clamp(0.0, 1.0)
        return self._decode(self._encode(x))

    @contract(x=_BATCH)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction of each image; in training mode, of a noisy copy of it."""
        return self._forward(self._checked_images(x))


class ConvAutoencoder(nn.Module):
    """Small convolutional autoencoder for 8x8 grey images.

    Encoder: two 3x3 convolutions (8 channels at 8x8, then 16 channels at 4x4 with stride 2) and a
    linear layer to the code. Decoder: the mirror, with a transposed convolution back to 8x8. The
    convolutions share their weights across positions, which suits images better than a dense layer.
    It takes flat ``(n, 64)`` rows or ``(n, 1, 8, 8)`` images of finite numbers, and returns flat
    rows like the others.

    Parameters
    ----------
    code_size : int
        Size of the code, from 1 to 63.
    seed : int
        Seed of the initial weights.

    Examples
    --------
    >>> model = ConvAutoencoder(code_size=10, seed=0)
    >>> model.encode(torch.rand(3, 1, 8, 8)).shape, model(torch.rand(3, 64)).shape
    (torch.Size([3, 10]), torch.Size([3, 64]))
    """

    n_inputs = 64

    @contract(code_size=Int(1, 63), seed=Seed())
    def __init__(self, code_size: int = 16, seed: int = 0) -> None:
        super().__init__()
        self.code_size = code_size
        with seeded(seed):
            self.encoder = nn.Sequential(
                nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
                nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),  # 8x8 -> 4x4
                nn.Flatten(), nn.Linear(16 * 4 * 4, self.code_size))
            self.decoder = nn.Sequential(
                nn.Linear(self.code_size, 16 * 4 * 4), nn.ReLU(), nn.Unflatten(1, (16, 4, 4)),
                nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1), nn.ReLU(),  # 4x4 -> 8x8
                nn.Conv2d(8, 1, 3, padding=1), nn.Flatten())

    def _checked_images(self, x: torch.Tensor) -> torch.Tensor:
        # Flat rows or single-channel images, as (n, 1, 8, 8) in the model's dtype.
        if x.ndim == 2:
            return _checked_rows(self, "x", x, self.n_inputs, "n_inputs, the 8x8 pixels").reshape(-1, 1, 8, 8)
        if x.ndim != 4 or tuple(x.shape[1:]) != (1, 8, 8):
            raise ValueError(f"x must hold 8x8 grey images, of shape (n, 64) or (n, 1, 8, 8), got {tuple(x.shape)}")
        return in_model_dtype("x", x, self)

    @contract(x=TorchTensor())
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The code of each image: ``(n, 64)`` or ``(n, 1, 8, 8)`` -> ``(n, code_size)``."""
        return self.encoder(self._checked_images(x))

    @contract(z=_BATCH)
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """The flat image rebuilt from each code: ``(n, code_size) -> (n, 64)``."""
        return self.decoder(_checked_rows(self, "z", z, self.code_size, "code_size"))

    @contract(x=TorchTensor())
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction ``decode(encode(x))`` of each image, ``(n, 64)`` or ``(n, 1, 8, 8)`` -> ``(n, 64)``."""
        return self.decoder(self.encoder(self._checked_images(x)))

    @contract(x=TorchTensor(min_rows=1))
    def loss(self, x: torch.Tensor) -> torch.Tensor:
        """Mean squared error between the images ``x`` (at least one) and their flat reconstructions."""
        x = self._checked_images(x)
        return nn.functional.mse_loss(self.decoder(self.encoder(x)), x.reshape(len(x), -1))


@contract(mu=_BATCH, logvar=_BATCH)
def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL divergence from ``N(mu, diag(exp(logvar)))`` to ``N(0, I)``, one value per row.

    The closed form ``0.5 * sum(exp(logvar) + mu**2 - 1 - logvar)`` (Kingma & Welling, 2014,
    appendix B): the regulariser of the VAE, zero only when the code's distribution is the prior.
    ``mu`` and ``logvar`` are 2-D tensors of finite numbers with the same shape (a NumPy array is
    converted to a float32 tensor); the result keeps their autograd graph.

    Examples
    --------
    >>> kl_divergence(torch.zeros(2, 3), torch.zeros(2, 3))
    tensor([0., 0.])
    >>> kl_divergence(torch.tensor([[2.0]]), torch.tensor([[0.0]]))
    tensor([2.])
    """
    if mu.shape != logvar.shape:
        raise ValueError(f"logvar must have the shape of mu {tuple(mu.shape)}, got {tuple(logvar.shape)}")
    return _kl(mu, logvar)


def _kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return 0.5 * (logvar.exp() + mu**2 - 1.0 - logvar).sum(dim=1)


class VariationalAutoencoder(nn.Module):
    """Variational autoencoder (Kingma & Welling, 2014) with a Gaussian code and Bernoulli pixels.

    The encoder gives, for each image, the mean ``mu`` and log-variance ``logvar`` of a Gaussian
    over codes. Training draws ``z = mu + exp(logvar / 2) * eps`` with ``eps ~ N(0, I)`` (the
    reparameterisation: the draw becomes differentiable in ``mu`` and ``logvar``) and minimises
    the reconstruction cross-entropy plus ``beta`` times :func:`kl_divergence` to the prior
    ``N(0, I)``. Decoding codes drawn from that prior generates new images (:func:`sample`).

    Parameters
    ----------
    n_inputs : int
        Pixels per image, each in [0, 1].
    code_size : int
        Size of the code (2 to draw it in a plane), from 1 to ``n_inputs - 1``.
    hidden_sizes : sequence of int
        Hidden widths of the encoder; the decoder mirrors them. Each weight matrix must hold at
        most 2**28 numbers.
    beta : float
        Weight of the KL term, >= 0 (1 for the original VAE; 0 drops the prior, leaving an
        autoencoder with a noisy code, whose :func:`sample` draws mean nothing).
    seed : int
        Seed of the initial weights and of the training draws.

    Examples
    --------
    >>> vae = VariationalAutoencoder(64, code_size=2, seed=0)
    >>> mu, logvar = vae.encode_distribution(torch.rand(5, 64))
    >>> mu.shape, vae.decode(mu).shape, bool(vae.decode(mu).max() <= 1)
    (torch.Size([5, 2]), torch.Size([5, 64]), True)
    """

    @contract(n_inputs=Size(), code_size=Size(), hidden_sizes=Sizes(0), beta=Real(0), seed=Seed())
    def __init__(self, n_inputs: int = 64, code_size: int = 2, hidden_sizes: Sequence[int] = (128,),
                 beta: float = 1.0, seed: int = 0) -> None:
        super().__init__()
        self.n_inputs, self.code_size = n_inputs, code_size
        if self.code_size >= self.n_inputs:
            raise ValueError(f"code_size must be smaller than n_inputs = {self.n_inputs}, got {self.code_size}")
        self.hidden_sizes, self.beta = list(hidden_sizes), beta
        _check_weights([("n_inputs", n_inputs), *(("hidden_sizes", h) for h in self.hidden_sizes),
                        ("code_size", code_size)])
        with seeded(seed):
            # The hidden layers, each followed by a ReLU; then two heads read the last one.
            self.body = (mlp([self.n_inputs, *self.hidden_sizes], final_activation=True) if self.hidden_sizes
                         else nn.Identity())
            last = self.hidden_sizes[-1] if self.hidden_sizes else self.n_inputs
            self.to_mu, self.to_logvar = nn.Linear(last, self.code_size), nn.Linear(last, self.code_size)
            self.decoder = mlp([self.code_size, *self.hidden_sizes[::-1], self.n_inputs])
        self.generator = generator(seed)

    def _distribution(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(x)
        return self.to_mu(h), self.to_logvar(h)

    def _checked_images(self, x: torch.Tensor) -> torch.Tensor:
        return _checked_rows(self, "x", x, self.n_inputs, "n_inputs")

    @contract(x=_BATCH)
    def encode_distribution(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(mu, logvar)`` of the Gaussian over codes of each image: ``(n, n_inputs)`` -> two ``(n, code_size)``."""
        return self._distribution(self._checked_images(x))

    @contract(x=_BATCH)
    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The mean code ``mu``: the deterministic code used to plot or compress."""
        return self._distribution(self._checked_images(x))[0]

    @contract(z=_BATCH)
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Pixel probabilities in [0, 1] rebuilt from each code: ``(n, code_size) -> (n, n_inputs)``."""
        return torch.sigmoid(self.decoder(_checked_rows(self, "z", z, self.code_size, "code_size")))

    @contract(x=_BATCH)
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction ``decode(encode(x))`` of each image."""
        return torch.sigmoid(self.decoder(self._distribution(self._checked_images(x))[0]))

    @contract(x=TorchTensor(ndim=2, min_rows=1))
    def loss(self, x: torch.Tensor) -> torch.Tensor:
        """Negative ELBO per image, averaged over a batch of at least one image: cross-entropy + ``beta`` * KL."""
        x = self._checked_images(x)
        mu, logvar = self._distribution(x)
        eps = torch.randn(mu.shape, generator=self.generator, dtype=mu.dtype)
        z = mu + torch.exp(0.5 * logvar) * eps  # the reparameterisation
        logits = self.decoder(z)
        recon = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
        return (recon + self.beta * _kl(mu, logvar)).mean()


_MODEL = Instance(DenseAutoencoder, ConvAutoencoder, VariationalAutoencoder,
                  what="a labkit.autoencoders model (DenseAutoencoder, DenoisingAutoencoder, ConvAutoencoder "
                       "or VariationalAutoencoder)")


def _as_tensor(name: str, X: np.ndarray, n_cols: int, what: str) -> torch.Tensor:
    """The checked float32 array ``X`` as a float32 tensor, if each row has ``n_cols`` entries."""
    return torch.from_numpy(_checked_columns(name, X, n_cols, what).astype(np.float32, copy=False))


@contract(model=_MODEL, X=_DATA, epochs=Count(), batch_size=Size(), lr=Real(0, low_open=True), seed=Seed(),
          X_val=Optional(_DATA))
def train_autoencoder(model: nn.Module, X: np.ndarray, *, epochs: int = 30, batch_size: int = 64,
                      lr: float = 1e-2, seed: int = 0, X_val: np.ndarray | None = None) -> History:
    """Train ``model`` on the images ``X`` with Adam, through :func:`labkit.training.fit`.

    Each step minimises ``model.loss(batch)``: the input is its own target. A dense model first
    stores the mean image of ``X`` and codes the deviation from it, as PCA does. With ``X_val``,
    the history records ``val_loss``, the mean squared reconstruction error on ``X_val`` after
    each epoch.

    Parameters
    ----------
    model : DenseAutoencoder, DenoisingAutoencoder, ConvAutoencoder or VariationalAutoencoder
        The model, trained in place.
    X : array of shape (n, n_inputs)
        Training images, pixels in [0, 1] (required for a VariationalAutoencoder, whose loss reads
        them as probabilities); NaN, inf and values beyond float32's range are refused before the
        first epoch.
    epochs, batch_size, seed
        As in :func:`labkit.training.fit` (epochs at most 10**6, batch_size at most 2**28; a batch
        larger than ``X`` is all of it); ``seed``, from 0 to 2**32 - 1, sets the order of the batches.
    lr : float
        Learning rate of Adam.
    X_val : array of shape (m, n_inputs), optional
        Images to measure the reconstruction error on after each epoch.

    Returns
    -------
    History
        Mean training loss per epoch, and ``metrics["val_loss"]`` if ``X_val`` is given.

    Examples
    --------
    >>> X = np.random.default_rng(0).random((64, 16))
    >>> model = DenseAutoencoder(16, code_size=4, hidden_sizes=[], activation="linear", seed=0)
    >>> history = train_autoencoder(model, X, epochs=20, batch_size=16)
    >>> history.epochs, history.train_loss[-1] < history.train_loss[0]
    (20, True)
    """
    for name, A in (("X", X), ("X_val", X_val)):
        if isinstance(model, VariationalAutoencoder) and A is not None and (A.min() < 0 or A.max() > 1):
            # Its loss reads each pixel as a probability: outside [0, 1] the cross-entropy means nothing.
            raise ValueError(f"{name} must hold pixels in [0, 1] to train a VariationalAutoencoder, "
                             f"got values from {A.min():.4g} to {A.max():.4g}")
    Xt = _as_tensor("X", X, model.n_inputs, "the model's n_inputs")
    Xv = None if X_val is None else _as_tensor("X_val", X_val, model.n_inputs, "the model's n_inputs")
    if isinstance(model, DenseAutoencoder):
        model.mean.copy_(Xt.mean(dim=0))
    opt = torch.optim.Adam(model.parameters(), lr=lr)

    def loss(xb: torch.Tensor, _: torch.Tensor) -> torch.Tensor:
        model.train()  # evaluate() switched it off: the denoiser's noise and the VAE's draws come back
        return model.loss(xb)

    def evaluate() -> dict[str, float]:
        model.eval()
        with torch.no_grad():
            return {"val_loss": nn.functional.mse_loss(model(Xv), Xv).item()}

    history = fit(train_step(opt, loss), Xt, Xt, epochs=epochs, batch_size=batch_size, seed=seed,
                  evaluate=None if Xv is None else evaluate)
    model.eval()
    return history


def _run(model: nn.Module, method: str, name: str, A: np.ndarray, n_cols: int, what: str) -> np.ndarray:
    # Evaluation mode and no gradient: no training noise, no graph, float64 NumPy out.
    At = _as_tensor(name, A, n_cols, what)
    model.eval()
    with torch.no_grad():
        return getattr(model, method)(At).double().numpy()


@contract(model=_MODEL, X=_DATA)
def encode(model: nn.Module, X: np.ndarray) -> np.ndarray:
    """The codes of the images ``X`` (finite, ``(n, n_inputs)``), as an array of shape ``(n, code_size)``.

    >>> model = DenseAutoencoder(64, code_size=2, seed=0)
    >>> encode(model, np.zeros((3, 64))).shape
    (3, 2)
    """
    return _run(model, "encode", "X", X, model.n_inputs, "the model's n_inputs")


@contract(model=_MODEL, Z=_DATA)
def decode(model: nn.Module, Z: np.ndarray) -> np.ndarray:
    """The images rebuilt from the codes ``Z`` (finite, ``(n, code_size)``), as an array of shape ``(n, n_inputs)``.

    >>> model = DenseAutoencoder(64, code_size=2, seed=0)
    >>> decode(model, np.zeros((3, 2))).shape
    (3, 64)
    """
    return _run(model, "decode", "Z", Z, model.code_size, "the model's code_size")


@contract(model=_MODEL, X=_DATA)
def reconstruct(model: nn.Module, X: np.ndarray) -> np.ndarray:
    """``decode(encode(X))``: the model's reconstruction of each image (no training noise).

    >>> model = DenoisingAutoencoder(64, code_size=8, seed=0)
    >>> X = np.random.default_rng(0).random((3, 64))
    >>> np.allclose(reconstruct(model, X), decode(model, encode(model, X)), atol=1e-6)
    True
    """
    return _run(model, "forward", "X", X, model.n_inputs, "the model's n_inputs")


@contract(model=Instance(VariationalAutoencoder, what="a VariationalAutoencoder (only its codes have a prior)"),
          n=Size(), seed=Seed())
def sample(model: VariationalAutoencoder, n: int, seed: int = 0) -> np.ndarray:
    """``n`` new images: codes drawn from the prior ``N(0, I)`` with ``seed``, then decoded.

    ``n`` images must hold at most 2**28 numbers.

    >>> vae = VariationalAutoencoder(64, code_size=2, seed=0)
    >>> images = sample(vae, 4, seed=1)
    >>> images.shape, bool(np.array_equal(images, sample(vae, 4, seed=1)))
    ((4, 64), True)
    """
    check_elements("n", n * model.n_inputs, f"{n} images of {model.n_inputs} pixels")
    z = torch.randn(n, model.code_size, generator=generator(seed))
    return decode(model, z.numpy())


@contract(model=_MODEL, x_start=Array("float32", ndim=1), x_end=Array("float32", ndim=1), steps=Size(2))
def interpolate(model: nn.Module, x_start: np.ndarray, x_end: np.ndarray, steps: int = 8) -> np.ndarray:
    """Decode ``steps`` codes (at least 2) evenly spaced on the segment between the codes of two images.

    ``x_start`` and ``x_end`` are flat images of ``n_inputs`` finite numbers.

    >>> model = DenseAutoencoder(64, code_size=2, seed=0)
    >>> interpolate(model, np.zeros(64), np.ones(64), steps=5).shape
    (5, 64)
    """
    for name, x in (("x_start", x_start), ("x_end", x_end)):
        if len(x) != model.n_inputs:
            raise ValueError(f"{name} must be one flat image of {model.n_inputs} numbers (the model's n_inputs), "
                             f"got {len(x)}")
    check_elements("steps", steps * model.n_inputs, f"{steps} images of {model.n_inputs} pixels")
    z0, z1 = encode(model, np.stack([x_start, x_end]))
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return decode(model, (1 - t) * z0 + t * z1)


@contract(model=_MODEL, bytes_per_weight=Int(1))
def decoder_bytes(model: nn.Module, bytes_per_weight: int = 4) -> int:
    """What the receiver must hold before it decodes a single code: the decoder, in bytes.

    Counts the decoder's weights and biases, and the mean image a dense model adds back, at
    ``bytes_per_weight`` bytes each (4: 32-bit floats). A learned codec's code size leaves this
    out; it is paid once, and shared by every image sent.

    >>> decoder_bytes(DenseAutoencoder(64, code_size=8, hidden_sizes=[], activation="linear"))
    2560
    """
    stored = list(model.decoder.parameters())
    if isinstance(model, DenseAutoencoder):
        stored.append(model.mean)
    return bytes_per_weight * sum(p.numel() for p in stored)
