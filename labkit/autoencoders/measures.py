"""What an autoencoder is measured against: errors, noise, PCA, a quantised code and JPEG.

All functions take and return NumPy arrays of flat images with pixels in [0, 1], so the same
error can be computed for an autoencoder, for PCA and for JPEG.
"""

from __future__ import annotations

import io

import numpy as np

from .._checks import Array, Int, Real, Seed, Size
from .._contract import contract

#: Flat images, one per row: finite numbers, at least one image.
_IMAGES = Array(ndim=2, min_rows=1)
#: A noise standard deviation for pixels in [0, 1]: 0 (no noise) to 1.
_NOISE = Real(0, 1, meaning="a noise standard deviation (pixels are in [0, 1])")


def _checked_columns(name: str, X: np.ndarray, n_cols: int, what: str) -> np.ndarray:
    """Return ``X`` if its rows have ``n_cols`` entries; ``what`` says where that number comes from."""
    if X.shape[1] != n_cols:
        raise ValueError(f"{name} must have {n_cols} columns ({what}), got {X.shape[1]} (shape {X.shape})")
    return X


def _checked_same_shape(X: np.ndarray, X_hat: np.ndarray) -> np.ndarray:
    if X.shape != X_hat.shape:
        raise ValueError(f"X_hat must have the shape of X {X.shape}, one reconstruction per image, got {X_hat.shape}")
    return X_hat


@contract(X=_IMAGES, X_hat=_IMAGES)
def reconstruction_error(X: np.ndarray, X_hat: np.ndarray) -> np.ndarray:
    """Mean squared error of each reconstruction: one score per image (row).

    Averaged, it is the loss the autoencoder minimised; per image, it is an anomaly score: an
    image unlike the training set is rebuilt badly.

    >>> reconstruction_error(np.zeros((2, 4)), np.array([[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0]]))
    array([0. , 0.5])
    """
    X_hat = _checked_same_shape(X, X_hat)
    return np.mean((X - X_hat) ** 2, axis=1)


@contract(X=_IMAGES, X_hat=_IMAGES, peak=Real(0, low_open=True))
def psnr(X: np.ndarray, X_hat: np.ndarray, peak: float = 1.0) -> float:
    """Peak signal-to-noise ratio in decibels, ``10 log10(peak**2 / MSE)``, MSE over all pixels.

    Higher is better; each halving of the error adds about 3 dB. Identical images give inf; an
    error too large for float64 (finite images near 1e308) gives -inf.

    >>> psnr(np.zeros((1, 4)), np.full((1, 4), 0.1))
    20.0
    """
    X_hat = _checked_same_shape(X, X_hat)
    with np.errstate(over="ignore"):  # an error beyond float64 is inf: the IEEE answer, -inf dB
        mse = float(np.mean((X - X_hat) ** 2))
    # In logarithms: peak**2 alone overflows for a peak beyond 1e154, the ratio in decibels does not.
    return float("inf") if mse == 0 else float(round(20 * np.log10(peak) - 10 * np.log10(mse), 10))


@contract(X=_IMAGES, noise_std=_NOISE, seed=Seed())
def add_noise(X: np.ndarray, noise_std: float, seed: int = 0) -> np.ndarray:
    """Add Gaussian noise of standard deviation ``noise_std`` (0 to 1) to every pixel, then clip to [0, 1].

    >>> X = np.full((2, 3), 0.5)
    >>> noisy = add_noise(X, 0.2, seed=0)
    >>> noisy.shape, bool(noisy.min() >= 0), bool(np.array_equal(noisy, add_noise(X, 0.2, seed=0)))
    ((2, 3), True, True)
    """
    rng = np.random.default_rng(seed)
    return np.clip(X + noise_std * rng.standard_normal(X.shape), 0.0, 1.0)


@contract(X_fit=Array(ndim=2, min_rows=2), X=_IMAGES, code_size=Size())
def pca_reconstruct(X_fit: np.ndarray, X: np.ndarray, code_size: int) -> np.ndarray:
    """Project ``X`` on the ``code_size`` principal components of ``X_fit`` and back.

    ``X_fit`` needs at least 2 rows (one row has no variance, hence no principal component);
    ``code_size`` is at most ``min(X_fit.shape)``.

    The best linear code of that size in squared error (Eckart–Young): the baseline every
    autoencoder must beat.

    >>> X = np.random.default_rng(0).random((50, 6))
    >>> bool(np.allclose(pca_reconstruct(X, X, 6), X))
    True
    """
    X = _checked_columns("X", X, X_fit.shape[1], "as many as X_fit")
    if code_size > min(X_fit.shape):
        raise ValueError(f"code_size must be at most min(n_samples, n_features) = {min(X_fit.shape)}, got {code_size}")
    from sklearn.decomposition import PCA

    pca = PCA(n_components=code_size).fit(X_fit)
    return pca.inverse_transform(pca.transform(X))


@contract(Z=Array(ndim=2, min_rows=1), bits=Int(1, 32), low=Array(), high=Array())
def quantize(Z: np.ndarray, bits: int, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Round each code entry to one of ``2**bits`` levels evenly spaced on ``[low, high]``.

    This is what a code costs to store: ``code_size * bits / 8`` bytes per image, with ``bits``
    from 1 to 32 (more would not fit a float32 code's precision anyway). ``low`` and ``high``
    (finite numbers, or one per code entry, e.g. the training codes' range) go with the decoder,
    once. Entries outside the range are clipped to it.

    >>> quantize(np.array([[0.1, 0.6]]), bits=1, low=np.zeros(2), high=np.ones(2))
    array([[0., 1.]])
    """
    low, high = _checked_per_entry("low", low, Z.shape[1]), _checked_per_entry("high", high, Z.shape[1])
    if not np.all(high > low):
        raise ValueError(f"high must be greater than low for every code entry, got {np.sum(high <= low)} "
                         f"entries where it is not")
    levels = 2**bits - 1
    q = np.round((np.clip(Z, low, high) - low) / (high - low) * levels)  # the integers that are stored
    return low + q / levels * (high - low)


def _checked_per_entry(name: str, value: np.ndarray, size: int) -> np.ndarray:
    """``value``, one number or one per code entry, as an array of ``size`` numbers."""
    if value.shape not in ((), (1,), (size,)):
        raise ValueError(f"{name} must be one number or {size} numbers, one per code entry, got shape {value.shape}")
    return np.broadcast_to(value, (size,))


@contract(X=_IMAGES, quality=Int(1, 95), side=Size())
def jpeg_roundtrip(X: np.ndarray, quality: int, side: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Save each image as an 8-bit greyscale JPEG with Pillow and decode it back.

    Returns the decoded images, the size of each JPEG file in bytes, and the size of its
    entropy-coded data alone: the file without its headers (quantisation and Huffman tables),
    which, like an autoencoder's decoder, could be shared once by all images.

    Parameters
    ----------
    X : array of shape (n, side * side)
        Flat images, pixels in [0, 1] (clipped to it, then rounded to 256 grey levels); NaN and
        inf are refused.
    quality : int
        JPEG quality, from 1 (smallest) to 95 (best).
    side : int
        Width and height of each square image.

    Examples
    --------
    >>> X_hat, file_bytes, data_bytes = jpeg_roundtrip(np.full((2, 64), 0.5), quality=90)
    >>> X_hat.shape, bool(np.allclose(X_hat, 0.5, atol=0.01)), bool(np.all(data_bytes < file_bytes))
    ((2, 64), True, True)
    """
    X = _checked_columns("X", X, side * side, "side * side pixels")
    from PIL import Image

    decoded, file_bytes, data_bytes = [], [], []
    for row in X:
        pixels = np.round(np.clip(row, 0.0, 1.0) * 255).astype(np.uint8).reshape(side, side)
        buffer = io.BytesIO()
        Image.fromarray(pixels, mode="L").save(buffer, format="JPEG", quality=quality)
        data = buffer.getvalue()
        start = data.index(b"\xff\xda")  # start of scan: its header, then the coded data, then EOI
        header = int.from_bytes(data[start + 2 : start + 4], "big")
        data_bytes.append(len(data) - (start + 2 + header) - 2)
        file_bytes.append(len(data))
        decoded.append(np.asarray(Image.open(io.BytesIO(data)), dtype=np.float64).reshape(-1) / 255)
    return np.array(decoded), np.array(file_bytes), np.array(data_bytes)


@contract(rates=Array(ndim=1, min_rows=2), errors=Array(ndim=1, min_rows=2, min=0), target=Real(0, low_open=True))
def rate_at_error(rates: object, errors: object, target: float) -> float:
    """The rate (e.g. bytes per image) at which a codec's rate–distortion curve reaches ``target``.

    Two codecs compare fairly at equal error, not at equal settings: this reads, on one codec's
    measured curve, the rate it needs to reach the error of the other. The points are sorted by
    rate, and the curve is interpolated linearly in rate against the logarithm of the error
    between the first point at or below ``target`` and the point before it.

    Parameters
    ----------
    rates, errors : sequences of the same length, at least 2
        The measured points of the curve (rate, error), e.g. one per JPEG quality, in any order;
        errors >= 0. Sorted by rate, the errors must not increase: a codec that spends more
        bytes does not make a larger error (rates paired with the wrong errors are refused).
    target : float
        The error to reach, above 0.

    Examples
    --------
    >>> rate_at_error([10, 20, 40], [0.04, 0.01, 0.001], 0.02)
    15.0
    """
    if errors.shape != rates.shape:
        raise ValueError(f"errors must have one value per rate ({len(rates)}), got {len(errors)}")
    order = np.argsort(rates, kind="stable")
    rates, errors = rates[order], errors[order]
    rising = np.flatnonzero(np.diff(errors) > 0)
    if len(rising):  # not a rate-distortion curve: reading a rate off it would mean nothing
        i = rising[0]
        raise ValueError(f"rates must be paired with errors that do not increase as the rate grows (a "
                         f"rate-distortion curve), got error {errors[i]:.4g} at rate {rates[i]:.4g} and "
                         f"{errors[i + 1]:.4g} at rate {rates[i + 1]:.4g}")
    reached = np.flatnonzero(errors <= target)
    if len(reached) == 0 or reached[0] == 0:
        raise ValueError(f"target {target} must lie between the errors of the curve's first point "
                         f"({errors[0]:.4g}) and its smallest error ({errors.min():.4g})")
    i = reached[0]
    log_e = np.log(np.maximum(errors[i - 1 : i + 1], np.finfo(float).tiny))
    t = (log_e[0] - np.log(target)) / (log_e[0] - log_e[1])
    return round(float(rates[i - 1] + t * (rates[i] - rates[i - 1])), 10)


@contract(X=_IMAGES, sigma=Real(0), side=Size())
def gaussian_blur(X: np.ndarray, sigma: float, side: int = 8) -> np.ndarray:
    """Blur each square image with a Gaussian filter of standard deviation ``sigma`` pixels.

    The classic denoiser that needs no training: it averages each pixel with its neighbours,
    which removes noise and blurs edges alike. Borders are reflected. ``sigma`` = 0 leaves the
    images as they are; it may reach ``4 * side``, beyond which every pixel is its image's mean.

    >>> X = np.zeros((1, 9)); X[0, 4] = 1.0
    >>> blurred = gaussian_blur(X, 1.0, side=3)
    >>> bool(blurred[0, 4] < 1.0), bool(blurred.min() > 0.0)
    (True, True)
    """
    X = _checked_columns("X", X, side * side, "side * side pixels")
    if sigma > 4 * side:  # the kernel grows with sigma: a huge one would exhaust the memory
        raise ValueError(f"sigma must be at most 4 * side = {4 * side} pixels (a wider blur makes every "
                         f"pixel its image's mean), got {sigma}")
    from scipy.ndimage import gaussian_filter

    images = X.reshape(-1, side, side)
    return gaussian_filter(images, sigma=(0, sigma, sigma), mode="reflect").reshape(len(X), -1)
