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

from .._checks import check_array, check_choice, check_int, check_matrix, check_positive, check_sizes
from .._torch import optimizer_step, seeded
from ..training import History, fit
from .measures import _check_noise

_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "linear": nn.Identity}


def _mlp(sizes: list[int], activation: str) -> nn.Sequential:
    # Linear layers with the activation between them, none after the last: its output is a code or pixels.
    layers: list[nn.Module] = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), _ACTIVATIONS[activation]()]
    return nn.Sequential(*layers[:-1])


class DenseAutoencoder(nn.Module):
    """Undercomplete dense autoencoder: ``n_inputs -> hidden -> code_size -> hidden -> n_inputs``.

    The bottleneck (``code_size < n_inputs``) is what forces the model to keep only what matters:
    with an identity-sized code it could copy its input and learn nothing. The output layer is
    linear and the loss is the mean squared error, so with ``activation="linear"`` and no hidden
    layer the model is a linear autoencoder, whose optimum spans PCA's principal subspace.

    Parameters
    ----------
    n_inputs : int
        Pixels per image (64 for the 8x8 digits).
    code_size : int
        Size of the code, from 1 to ``n_inputs - 1``.
    hidden : sequence of int
        Widths of the hidden layers of the encoder; the decoder mirrors them. ``()`` for none.
    activation : {"relu", "tanh", "linear"}
        Activation between layers; "linear" makes the whole model linear.
    seed : int
        Seed of the initial weights (the global PyTorch generator is left as it was).

    Examples
    --------
    >>> model = DenseAutoencoder(64, code_size=8, hidden=[32], seed=0)
    >>> x = torch.rand(5, 64)
    >>> model.encode(x).shape, model(x).shape, model.loss(x).ndim
    (torch.Size([5, 8]), torch.Size([5, 64]), 0)
    """

    undercomplete = True  # a subclass with another regulariser may drop the bottleneck

    def __init__(self, n_inputs: int = 64, code_size: int = 8, hidden: Sequence[int] = (32,),
                 activation: str = "relu", seed: int = 0) -> None:
        super().__init__()
        self.n_inputs, self.code_size = check_int("n_inputs", n_inputs, 1), check_int("code_size", code_size, 1)
        if self.undercomplete and self.code_size >= self.n_inputs:
            raise ValueError(f"code_size must be smaller than n_inputs = {self.n_inputs} for an undercomplete "
                             f"autoencoder, got {self.code_size}: a code as large as the input can copy it")
        self.hidden = check_sizes("hidden", hidden, 0)
        self.activation = check_choice("activation", activation, tuple(_ACTIVATIONS))
        with seeded(seed):
            sizes = [self.n_inputs, *self.hidden, self.code_size]
            self.encoder = _mlp(sizes, self.activation)
            self.decoder = _mlp(sizes[::-1], self.activation)
        # The training images' mean, set by train_autoencoder: the model codes the deviation from
        # it, as PCA does. Without it, gradient descent spends many steps moving one code entry
        # away from the mean direction before the linear model reaches the PCA subspace.
        self.register_buffer("mean", torch.zeros(self.n_inputs))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The code of each image: ``(n, n_inputs) -> (n, code_size)``."""
        return self.encoder(x - self.mean)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """The image rebuilt from each code: ``(n, code_size) -> (n, n_inputs)``."""
        return self.decoder(z) + self.mean

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction ``decode(encode(x))`` of each image."""
        return self.decode(self.encode(x))

    def loss(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruction loss on a batch: mean squared error between ``x`` and its reconstruction."""
        return nn.functional.mse_loss(self(x), x)


class DenoisingAutoencoder(DenseAutoencoder):
    """Dense autoencoder trained to rebuild the clean image from a noisy copy (Vincent et al., 2008).

    In training mode, ``forward`` adds Gaussian noise of standard deviation ``noise`` to the input
    (clipped to [0, 1]) and ``loss`` compares the output with the *clean* input. In evaluation mode
    there is no noise, like dropout. The noise is the regulariser, so the code may be as large as
    the input or larger (an overcomplete code): copying the input no longer solves the task.

    Parameters
    ----------
    n_inputs, code_size, hidden, activation, seed
        As in :class:`DenseAutoencoder`, except that ``code_size`` may reach or pass ``n_inputs``.
    noise : float
        Standard deviation of the training noise, in [0, 1]; the noise is drawn from ``seed``.

    Examples
    --------
    >>> model = DenoisingAutoencoder(64, code_size=128, noise=0.3, seed=0)
    >>> x = torch.rand(4, 64)
    >>> bool(torch.equal(model.eval()(x), model(x)))  # no noise at evaluation
    True
    >>> bool(torch.equal(model.train()(x), model(x)))  # fresh noise at every training pass
    False
    """

    undercomplete = False

    def __init__(self, n_inputs: int = 64, code_size: int = 32, hidden: Sequence[int] = (64,),
                 activation: str = "relu", seed: int = 0, noise: float = 0.3) -> None:
        super().__init__(n_inputs, code_size, hidden, activation, seed)
        self.noise = _check_noise("noise", noise)
        self.generator = torch.Generator().manual_seed(seed)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction of each image; in training mode, of a noisy copy of it."""
        if self.training and self.noise > 0:
            x = (x + self.noise * torch.randn(x.shape, generator=self.generator)).clamp(0.0, 1.0)
        return self.decode(self.encode(x))


class ConvAutoencoder(nn.Module):
    """Small convolutional autoencoder for 8x8 grey images.

    Encoder: two 3x3 convolutions (8 channels at 8x8, then 16 channels at 4x4 with stride 2) and a
    linear layer to the code. Decoder: the mirror, with a transposed convolution back to 8x8. The
    convolutions share their weights across positions, which suits images better than a dense layer.
    It takes flat ``(n, 64)`` rows or ``(n, 1, 8, 8)`` images, and returns flat rows like the others.

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

    def __init__(self, code_size: int = 16, seed: int = 0) -> None:
        super().__init__()
        self.code_size = check_int("code_size", code_size, 1)
        if self.code_size >= self.n_inputs:
            raise ValueError(f"code_size must be smaller than the 64 pixels of an 8x8 image, got {code_size}")
        with seeded(seed):
            self.encoder = nn.Sequential(
                nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
                nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),  # 8x8 -> 4x4
                nn.Flatten(), nn.Linear(16 * 4 * 4, self.code_size))
            self.decoder = nn.Sequential(
                nn.Linear(self.code_size, 16 * 4 * 4), nn.ReLU(), nn.Unflatten(1, (16, 4, 4)),
                nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1), nn.ReLU(),  # 4x4 -> 8x8
                nn.Conv2d(8, 1, 3, padding=1), nn.Flatten())

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The code of each image: ``(n, 64)`` or ``(n, 1, 8, 8)`` -> ``(n, code_size)``."""
        if x.ndim == 2 and x.shape[1] == 64:
            x = x.reshape(-1, 1, 8, 8)
        if x.ndim != 4 or tuple(x.shape[1:]) != (1, 8, 8):
            raise ValueError(f"x must hold 8x8 grey images, of shape (n, 64) or (n, 1, 8, 8), got {tuple(x.shape)}")
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """The flat image rebuilt from each code: ``(n, code_size) -> (n, 64)``."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction ``decode(encode(x))`` of each image."""
        return self.decode(self.encode(x))

    def loss(self, x: torch.Tensor) -> torch.Tensor:
        """Mean squared error between the flat images ``x`` and their reconstructions."""
        return nn.functional.mse_loss(self(x), x.reshape(len(x), -1))


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL divergence from ``N(mu, diag(exp(logvar)))`` to ``N(0, I)``, one value per row.

    The closed form ``0.5 * sum(exp(logvar) + mu**2 - 1 - logvar)`` (Kingma & Welling, 2014,
    appendix B): the regulariser of the VAE, zero only when the code's distribution is the prior.

    Examples
    --------
    >>> kl_divergence(torch.zeros(2, 3), torch.zeros(2, 3))
    tensor([0., 0.])
    >>> kl_divergence(torch.tensor([[2.0]]), torch.tensor([[0.0]]))
    tensor([2.])
    """
    if not isinstance(mu, torch.Tensor) or not isinstance(logvar, torch.Tensor):
        raise TypeError(f"mu and logvar must be torch tensors, got {type(mu).__name__} and {type(logvar).__name__}")
    if mu.shape != logvar.shape or mu.ndim != 2:
        raise ValueError(f"mu and logvar must be 2-D with the same shape, "
                         f"got {tuple(mu.shape)} and {tuple(logvar.shape)}")
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
    hidden : sequence of int
        Hidden widths of the encoder; the decoder mirrors them.
    beta : float
        Weight of the KL term (1 for the original VAE).
    seed : int
        Seed of the initial weights and of the training draws.

    Examples
    --------
    >>> vae = VariationalAutoencoder(64, code_size=2, seed=0)
    >>> mu, logvar = vae.encode_distribution(torch.rand(5, 64))
    >>> mu.shape, vae.decode(mu).shape, bool(vae.decode(mu).max() <= 1)
    (torch.Size([5, 2]), torch.Size([5, 64]), True)
    """

    def __init__(self, n_inputs: int = 64, code_size: int = 2, hidden: Sequence[int] = (128,),
                 beta: float = 1.0, seed: int = 0) -> None:
        super().__init__()
        self.n_inputs, self.code_size = check_int("n_inputs", n_inputs, 1), check_int("code_size", code_size, 1)
        if self.code_size >= self.n_inputs:
            raise ValueError(f"code_size must be smaller than n_inputs = {self.n_inputs}, got {self.code_size}")
        self.hidden, self.beta = check_sizes("hidden", hidden, 0), check_positive("beta", beta)
        with seeded(seed):
            # The hidden layers, each followed by a ReLU; then two heads read the last one.
            body = _mlp([self.n_inputs, *self.hidden], "relu")
            self.body = nn.Sequential(body, nn.ReLU()) if self.hidden else nn.Identity()
            last = self.hidden[-1] if self.hidden else self.n_inputs
            self.to_mu, self.to_logvar = nn.Linear(last, self.code_size), nn.Linear(last, self.code_size)
            self.decoder = _mlp([self.code_size, *self.hidden[::-1], self.n_inputs], "relu")
        self.generator = torch.Generator().manual_seed(seed)

    def encode_distribution(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(mu, logvar)`` of the Gaussian over codes of each image."""
        h = self.body(x)
        return self.to_mu(h), self.to_logvar(h)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The mean code ``mu``: the deterministic code used to plot or compress."""
        return self.encode_distribution(x)[0]

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Pixel probabilities in [0, 1] rebuilt from each code."""
        return torch.sigmoid(self.decoder(z))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction ``decode(encode(x))`` of each image."""
        return self.decode(self.encode(x))

    def loss(self, x: torch.Tensor) -> torch.Tensor:
        """Negative ELBO per image, averaged over the batch: cross-entropy + ``beta`` * KL."""
        mu, logvar = self.encode_distribution(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape, generator=self.generator)  # reparameterisation
        logits = self.decoder(z)
        recon = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
        return (recon + self.beta * kl_divergence(mu, logvar)).mean()


_MODELS = (DenseAutoencoder, ConvAutoencoder, VariationalAutoencoder)


def _check_model(model: object) -> nn.Module:
    if not isinstance(model, _MODELS):
        raise TypeError(f"model must be one of the labkit.autoencoders models, got {type(model).__name__}")
    return model


def _as_tensor(name: str, X: object, n_cols: int) -> torch.Tensor:
    return torch.from_numpy(check_matrix(name, X, n_cols).astype(np.float32))


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
        Training images, pixels in [0, 1].
    epochs, batch_size, seed
        As in :func:`labkit.training.fit`; ``seed`` sets the order of the batches.
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
    >>> model = DenseAutoencoder(16, code_size=4, hidden=[], activation="linear", seed=0)
    >>> history = train_autoencoder(model, X, epochs=20, batch_size=16)
    >>> history.epochs, history.train_loss[-1] < history.train_loss[0]
    (20, True)
    """
    Xt = _as_tensor("X", X, _check_model(model).n_inputs)
    lr = check_positive("lr", lr)
    Xv = None if X_val is None else _as_tensor("X_val", X_val, model.n_inputs)
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

    history = fit(optimizer_step(opt, loss), Xt, Xt, epochs=epochs, batch_size=batch_size, seed=seed,
                  evaluate=None if Xv is None else evaluate)
    model.eval()
    return history


def _run(model: nn.Module, method: str, name: str, A: object, n_cols: int) -> np.ndarray:
    # Evaluation mode and no gradient: no training noise, no graph, float64 NumPy out.
    At = _as_tensor(name, A, n_cols)
    model.eval()
    with torch.no_grad():
        return getattr(model, method)(At).double().numpy()


def encode(model: nn.Module, X: np.ndarray) -> np.ndarray:
    """The codes of the images ``X``, as an array of shape ``(n, code_size)``.

    >>> model = DenseAutoencoder(64, code_size=2, seed=0)
    >>> encode(model, np.zeros((3, 64))).shape
    (3, 2)
    """
    return _run(_check_model(model), "encode", "X", X, model.n_inputs)


def decode(model: nn.Module, Z: np.ndarray) -> np.ndarray:
    """The images rebuilt from the codes ``Z``, as an array of shape ``(n, n_inputs)``.

    >>> model = DenseAutoencoder(64, code_size=2, seed=0)
    >>> decode(model, np.zeros((3, 2))).shape
    (3, 64)
    """
    return _run(_check_model(model), "decode", "Z", Z, model.code_size)


def reconstruct(model: nn.Module, X: np.ndarray) -> np.ndarray:
    """``decode(encode(X))``: the model's reconstruction of each image (no training noise).

    >>> model = DenoisingAutoencoder(64, code_size=8, seed=0)
    >>> X = np.random.default_rng(0).random((3, 64))
    >>> np.allclose(reconstruct(model, X), decode(model, encode(model, X)), atol=1e-6)
    True
    """
    return _run(_check_model(model), "forward", "X", X, model.n_inputs)


def sample(model: VariationalAutoencoder, n: int, seed: int = 0) -> np.ndarray:
    """``n`` new images: codes drawn from the prior ``N(0, I)`` with ``seed``, then decoded.

    >>> vae = VariationalAutoencoder(64, code_size=2, seed=0)
    >>> images = sample(vae, 4, seed=1)
    >>> images.shape, bool(np.array_equal(images, sample(vae, 4, seed=1)))
    ((4, 64), True)
    """
    if not isinstance(model, VariationalAutoencoder):
        raise TypeError(f"model must be a VariationalAutoencoder (only its codes have a prior), "
                        f"got {type(model).__name__}")
    n, seed = check_int("n", n, 1), check_int("seed", seed, 0)
    z = torch.randn(n, model.code_size, generator=torch.Generator().manual_seed(seed))
    return decode(model, z.numpy())


def interpolate(model: nn.Module, x_start: np.ndarray, x_end: np.ndarray, steps: int = 8) -> np.ndarray:
    """Decode ``steps`` codes evenly spaced on the segment between the codes of two images.

    >>> model = DenseAutoencoder(64, code_size=2, seed=0)
    >>> interpolate(model, np.zeros(64), np.ones(64), steps=5).shape
    (5, 64)
    """
    n_inputs = _check_model(model).n_inputs
    steps = check_int("steps", steps, 2)
    ends = []
    for name, x in (("x_start", x_start), ("x_end", x_end)):
        x = check_array(name, x)
        if x.shape != (n_inputs,):
            raise ValueError(f"{name} must be one flat image of shape ({n_inputs},), got shape {x.shape}")
        ends.append(x)
    z0, z1 = encode(model, np.stack(ends))
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return decode(model, (1 - t) * z0 + t * z1)


def decoder_bytes(model: nn.Module, bytes_per_weight: int = 4) -> int:
    """What the receiver must hold before it decodes a single code: the decoder, in bytes.

    Counts the decoder's weights and biases, and the mean image a dense model adds back, at
    ``bytes_per_weight`` bytes each (4: 32-bit floats). A learned codec's code size leaves this
    out; it is paid once, and shared by every image sent.

    >>> decoder_bytes(DenseAutoencoder(64, code_size=8, hidden=[], activation="linear"))
    2560
    """
    bytes_per_weight = check_int("bytes_per_weight", bytes_per_weight, 1)
    stored = list(_check_model(model).decoder.parameters())
    if isinstance(model, DenseAutoencoder):
        stored.append(model.mean)
    return bytes_per_weight * sum(p.numel() for p in stored)
