"""The data of the multi concept, seeded: several tasks, two modalities, two views of the same objects.

:func:`make_multitask_data` draws regression tasks on the same inputs that share (or not) their hidden
directions; :func:`make_multimodal_digits` gives each digit an image and a 1-D signal that each carry part
of its label; :func:`digit_views` cuts each digit into two views, its left and right halves;
:func:`make_planted_views` draws two views whose canonical correlations are known.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import NEEDS_VALUE, Array, Bool, Real, Rule, Seed, Size, Variant, check_elements
from .._contract import contract

__all__ = ["make_multitask_data", "make_multimodal_digits", "digit_views", "make_planted_views"]


#: The largest standard deviation of added noise. The signals have unit scale: beyond 1e15 they are below
#: float64's rounding of the noise (2.2e-16 x 1e15), and noise_std=1e308 would not even fit in the float32 of
#: the models the data feed (inf).
_MAX_NOISE = 1e15
_NOISE = Real(0, _MAX_NOISE)


class _Dims(Rule):
    """A pair of ints >= 1 (numpy ints too): the number of features of each view."""

    expected = "a pair of ints >= 1"

    def check(self, name: str, value: Any) -> tuple[int, int]:
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) != 2:
            raise self.fail(name, value, TypeError)
        da, db = (Size().check(f"{name}[{i}]", d) for i, d in enumerate(value))
        return da, db

    def bad(self) -> list[Variant]:
        return [("three ints", lambda _v: (3, 3, 3), TypeError), ("string", lambda _v: "33", TypeError),
                ("zero", lambda _v: (0, 3), ValueError), ("float", lambda _v: (1.5, 3), TypeError),
                ("None", lambda _v: None, TypeError)]

    def unusual(self) -> list[Variant]:
        return [("list", lambda v: NEEDS_VALUE if v is None else list(v), None),
                ("numpy ints", lambda v: NEEDS_VALUE if v is None else tuple(np.int64(d) for d in v), None)]


@contract(n_samples=Size(), n_tasks=Size(), related=Bool(), noise_std=Array(min=0, max=_MAX_NOISE), n_features=Size(),
          n_latent=Size(), seed=Seed())
def make_multitask_data(
    n_samples: int, n_tasks: int = 2, *, related: bool = True, noise_std: Sequence[float] | float = 0.1,
    n_features: int = 20, n_latent: int = 2, seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Regression tasks on the same inputs, sharing (or not) a few hidden features.

    Each target is ``y_t = tanh(X U_t) v_t + noise_t``. With ``related=True`` every task reads
    the same ``n_latent`` directions ``U``; otherwise each task has its own ``U_t``.

    Parameters
    ----------
    n_samples, n_tasks : int
        Number of rows (at least 1) and of tasks (at least 1).
    related : bool
        Whether the tasks share their hidden directions.
    noise_std : float or sequence of float
        Standard deviation of the noise of each task (one value for all, or one per task), from 0 to
        1e15 (beyond, the noise drowns the unit-scale signal in float64 rounding).
    n_features, n_latent : int
        Size of the inputs and number of hidden directions per task (at most ``n_features``).
    seed : int
        Seed of the task weights, the inputs and the noise.

    Returns
    -------
    X : numpy.ndarray
        Inputs of shape ``(n_samples, n_features)``.
    Y : numpy.ndarray
        Targets of shape ``(n_samples, n_tasks)``, one column per task.

    Examples
    --------
    >>> X, Y = make_multitask_data(100, 3, noise_std=[0.1, 0.5, 1.0])
    >>> X.shape, Y.shape
    ((100, 20), (100, 3))
    """
    check_elements("n_samples", n_samples * max(n_features, n_tasks),
                   f"{n_samples} rows of {max(n_features, n_tasks)} numbers")
    if n_latent > n_features:  # more directions than the inputs have: they cannot be independent
        raise ValueError(f"n_latent must be at most n_features ({n_features}), got {n_latent}")
    check_elements("n_latent", n_features * n_latent, f"a {n_features} x {n_latent} matrix of directions")
    sigma = np.asarray(noise_std, dtype=np.float64)  # the default, 0.1, comes unchecked as a float
    sigma = np.full(n_tasks, float(sigma)) if sigma.ndim == 0 else sigma
    if sigma.shape != (n_tasks,):
        raise ValueError(f"noise_std must be one float >= 0 or {n_tasks} of them (one per task), got shape {sigma.shape}")
    rng = np.random.default_rng(seed)
    shared = rng.normal(size=(n_features, n_latent)) / np.sqrt(n_features)
    X = rng.normal(size=(n_samples, n_features))
    Y = np.empty((n_samples, n_tasks))
    for t in range(n_tasks):
        U = shared if related else rng.normal(size=(n_features, n_latent)) / np.sqrt(n_features)
        v = rng.normal(size=n_latent)
        signal = np.tanh(2 * X @ U) @ v
        Y[:, t] = signal / signal.std() + sigma[t] * rng.normal(size=n_samples)
    return X, Y


@contract(image_noise_std=_NOISE, signal_noise_std=_NOISE, signal_length=Size(8), seed=Seed())
def make_multimodal_digits(
    image_noise_std: float = 0.5, signal_noise_std: float = 0.5, *, signal_length: int = 32, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two modalities of each of the 1,797 digits: a noisy image and a 1-D signal.

    The image is the 8x8 digit (scaled to [0, 1]) plus Gaussian noise. The signal is a sine wave
    whose frequency, ``1 + y mod 5`` cycles, tells the label up to ``y`` versus ``y + 5`` (or
    ``y - 5``): it carries part of the label, which the image completes.

    Parameters
    ----------
    image_noise_std, signal_noise_std : float
        Standard deviation of the noise added to each modality, from 0 to 1e15 (beyond, the noise
        drowns the signal in float64 rounding).
    signal_length : int
        Number of samples of the signal, at least 8.
    seed : int
        Seed of the noise and of the phases.

    Returns
    -------
    image : numpy.ndarray
        Shape ``(1797, 64)``.
    signal : numpy.ndarray
        Shape ``(1797, signal_length)``.
    y : numpy.ndarray
        Int64 labels from 0 to 9.

    Examples
    --------
    >>> image, signal, y = make_multimodal_digits(seed=0)
    >>> image.shape, signal.shape, y.shape
    ((1797, 64), (1797, 32), (1797,))
    """
    length = signal_length
    check_elements("signal_length", 1797 * length, f"1797 signals of {length} samples")
    rng = np.random.default_rng(seed)
    from sklearn.datasets import load_digits

    digits = load_digits()
    y = digits.target.astype(np.int64)
    image = digits.data / 16.0 + image_noise_std * rng.normal(size=digits.data.shape)
    t = np.arange(length) / length
    phase = rng.uniform(0, 2 * np.pi, size=(len(y), 1))  # a random phase: the frequency is the clue
    signal = 1.0 + np.sin(2 * np.pi * (1 + y[:, None] % 5) * t + phase) + signal_noise_std * rng.normal(size=(len(y), length))
    return image, signal, y


@contract(X=Array(ndim=2, min_rows=1), noise_std=_NOISE, seed=Seed())
def digit_views(X: np.ndarray, noise_std: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two views of each digit: its left half and its right half, each seen by its own noisy camera.

    Both views describe the same digit with the same kind of data (pixels); neither is a
    transformed copy of the other.

    Parameters
    ----------
    X : array_like
        Flattened 8x8 images of finite numbers, shape ``(n, 64)`` with n >= 1.
    noise_std : float
        Standard deviation of each camera's independent Gaussian noise, from 0 to 1e15.
    seed : int
        Seed of the noise.

    Returns
    -------
    left, right : numpy.ndarray
        The columns 0-3 and 4-7 of each image, each of shape ``(n, 32)``.

    Examples
    --------
    >>> left, right = digit_views(np.arange(128.0).reshape(2, 64))
    >>> left.shape, left[0, :5].tolist()
    ((2, 32), [0.0, 1.0, 2.0, 3.0, 8.0])
    """
    if X.shape[1] != 64:
        raise ValueError(f"X must be a 2-D array of shape (n, 64) with n >= 1, got shape {X.shape}")
    images = X.reshape(-1, 8, 8)
    rng = np.random.default_rng(seed)
    left, right = images[:, :, :4].reshape(-1, 32), images[:, :, 4:].reshape(-1, 32)
    return left + noise_std * rng.normal(size=left.shape), right + noise_std * rng.normal(size=right.shape)


@contract(n_samples=Size(2), correlations=Array(ndim=1, min=0), dims=_Dims(), seed=Seed())
def make_planted_views(
    n_samples: int, correlations: Sequence[float], dims: tuple[int, int] = (6, 5), seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two views whose canonical correlations are planted.

    Pairs of standard normal latents ``(a_i, b_i)`` with correlation ``correlations[i]`` are
    padded with independent noise and mixed by a random invertible matrix in each view, so the
    population canonical correlations are exactly ``correlations``.

    Parameters
    ----------
    n_samples : int
        Number of rows, at least 2.
    correlations : sequence of float
        Planted correlations, each in [0, 1), at most ``min(dims)`` of them.
    dims : pair of int
        Number of features of each view, each at least 1.
    seed : int
        Seed of the latents and of the mixing.

    Returns
    -------
    Xa, Xb : numpy.ndarray
        Views of shape ``(n_samples, dims[0])`` and ``(n_samples, dims[1])``.

    Examples
    --------
    >>> Xa, Xb = make_planted_views(2000, [0.9], dims=(3, 2))
    >>> Xa.shape, Xb.shape
    ((2000, 3), (2000, 2))
    """
    n, (da, db), rho = n_samples, dims, correlations
    check_elements("dims", max(da, db) ** 2, f"a {max(da, db)} x {max(da, db)} mixing matrix")
    check_elements("n_samples", n * max(da, db), f"a view of shape ({n}, {max(da, db)})")
    if len(rho) > min(da, db) or np.any(rho >= 1):
        raise ValueError(f"correlations must be at most {min(da, db)} values in [0, 1), got {rho.tolist()}")
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(n, da)), rng.normal(size=(n, db))
    k = len(rho)
    # b_i = rho_i a_i + sqrt(1 - rho_i^2) e_i has unit variance and correlation rho_i with a_i.
    b[:, :k] = rho * a[:, :k] + np.sqrt(1 - rho**2) * b[:, :k]
    return a @ rng.normal(size=(da, da)), b @ rng.normal(size=(db, db))
