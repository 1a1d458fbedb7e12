"""What an autoencoder is measured against: errors, noise, PCA, a quantised code and JPEG.

All functions take and return NumPy arrays of flat images with pixels in [0, 1], so the same
error can be computed for an autoencoder, for PCA and for JPEG.
"""

from __future__ import annotations

import io
from numbers import Real

import numpy as np

from .._checks import check_array, check_int, check_matrix, check_positive


def _check_pair(X: object, X_hat: object) -> tuple[np.ndarray, np.ndarray]:
    X, X_hat = check_matrix("X", X), check_matrix("X_hat", X_hat)
    if X.shape != X_hat.shape:
        raise ValueError(f"X and X_hat must have the same shape, got {X.shape} and {X_hat.shape}")
    return X, X_hat


def _check_noise(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a real number (not a bool) in [0, 1]: a noise level for pixels in [0, 1]."""
    if not isinstance(value, Real) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a noise standard deviation in [0, 1] (pixels are in [0, 1]), got {value!r}")
    return float(value)


def reconstruction_error(X: np.ndarray, X_hat: np.ndarray) -> np.ndarray:
    """Mean squared error of each reconstruction: one score per image (row).

    Averaged, it is the loss the autoencoder minimised; per image, it is an anomaly score: an
    image unlike the training set is rebuilt badly.

    >>> reconstruction_error(np.zeros((2, 4)), np.array([[0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0]]))
    array([0. , 0.5])
    """
    X, X_hat = _check_pair(X, X_hat)
    return np.mean((X - X_hat) ** 2, axis=1)


def psnr(X: np.ndarray, X_hat: np.ndarray, peak: float = 1.0) -> float:
    """Peak signal-to-noise ratio in decibels, ``10 log10(peak**2 / MSE)``, MSE over all pixels.

    Higher is better; each halving of the error adds about 3 dB.

    >>> psnr(np.zeros((1, 4)), np.full((1, 4), 0.1))
    20.0
    """
    X, X_hat = _check_pair(X, X_hat)
    peak = check_positive("peak", peak)
    mse = float(np.mean((X - X_hat) ** 2))
    return float("inf") if mse == 0 else round(10 * np.log10(peak**2 / mse), 10)


def add_noise(X: np.ndarray, level: float, seed: int = 0) -> np.ndarray:
    """Add Gaussian noise of standard deviation ``level`` to every pixel, then clip to [0, 1].

    >>> X = np.full((2, 3), 0.5)
    >>> noisy = add_noise(X, 0.2, seed=0)
    >>> noisy.shape, bool(noisy.min() >= 0), bool(np.array_equal(noisy, add_noise(X, 0.2, seed=0)))
    ((2, 3), True, True)
    """
    X = check_matrix("X", X)
    level = _check_noise("level", level)
    rng = np.random.default_rng(check_int("seed", seed, 0))
    return np.clip(X + level * rng.standard_normal(X.shape), 0.0, 1.0)


def pca_reconstruct(X_fit: np.ndarray, X: np.ndarray, code_size: int) -> np.ndarray:
    """Project ``X`` on the ``code_size`` principal components of ``X_fit`` and back.

    The best linear code of that size in squared error (Eckart–Young): the baseline every
    autoencoder must beat.

    >>> X = np.random.default_rng(0).random((50, 6))
    >>> bool(np.allclose(pca_reconstruct(X, X, 6), X))
    True
    """
    X_fit = check_matrix("X_fit", X_fit)
    X = check_matrix("X", X, X_fit.shape[1])
    code_size = check_int("code_size", code_size, 1)
    if code_size > min(X_fit.shape):
        raise ValueError(f"code_size must be at most min(n_samples, n_features) = {min(X_fit.shape)}, got {code_size}")
    from sklearn.decomposition import PCA

    pca = PCA(n_components=code_size).fit(X_fit)
    return pca.inverse_transform(pca.transform(X))


def quantise(Z: np.ndarray, bits: int, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Round each code entry to one of ``2**bits`` levels evenly spaced on ``[low, high]``.

    This is what a code costs to store: ``code_size * bits / 8`` bytes per image. ``low`` and
    ``high`` (one per code entry, e.g. the training codes' range) go with the decoder, once.
    Entries outside the range are clipped to it.

    >>> quantise(np.array([[0.1, 0.6]]), bits=1, low=np.zeros(2), high=np.ones(2))
    array([[0., 1.]])
    """
    Z = check_matrix("Z", Z)
    bits = check_int("bits", bits, 1)
    low, high = (np.broadcast_to(np.asarray(v, dtype=np.float64), Z.shape[1:]) for v in (low, high))
    if not np.all(high > low):
        raise ValueError("high must be greater than low for every code entry")
    levels = 2**bits - 1
    q = np.round((np.clip(Z, low, high) - low) / (high - low) * levels)  # the integers that are stored
    return low + q / levels * (high - low)


def jpeg_roundtrip(X: np.ndarray, quality: int, side: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Save each image as an 8-bit greyscale JPEG with Pillow and decode it back.

    Returns the decoded images, the size of each JPEG file in bytes, and the size of its
    entropy-coded data alone: the file without its headers (quantisation and Huffman tables),
    which, like an autoencoder's decoder, could be shared once by all images.

    Parameters
    ----------
    X : array of shape (n, side * side)
        Flat images, pixels in [0, 1] (rounded to 256 grey levels).
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
    side = check_int("side", side, 1)
    X = check_matrix("X", X, side * side)
    quality = check_int("quality", quality, 1)
    if quality > 95:
        raise ValueError(f"quality must be an int from 1 to 95, got {quality}")
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


def rate_at_error(rates: object, errors: object, target: float) -> float:
    """The rate (e.g. bytes per image) at which a codec's rate–distortion curve reaches ``target``.

    Two codecs compare fairly at equal error, not at equal settings: this reads, on one codec's
    measured curve, the rate it needs to reach the error of the other. The points are sorted by
    rate, and the curve is interpolated linearly in rate against the logarithm of the error
    between the first point at or below ``target`` and the point before it.

    Parameters
    ----------
    rates, errors : sequences of the same length, at least 2
        The measured points of the curve (rate, error), e.g. one per JPEG quality.
    target : float
        The error to reach, above 0.

    Examples
    --------
    >>> rate_at_error([10, 20, 40], [0.04, 0.01, 0.001], 0.02)
    15.0
    """
    rates, errors = check_array("rates", rates), check_array("errors", errors)
    if rates.ndim != 1 or rates.shape != errors.shape or len(rates) < 2:
        raise ValueError(f"rates and errors must be two 1-D sequences of the same length >= 2, "
                         f"got shapes {rates.shape} and {errors.shape}")
    if np.any(errors < 0):
        raise ValueError("errors must be >= 0")
    target = check_positive("target", target)
    order = np.argsort(rates, kind="stable")
    rates, errors = rates[order], errors[order]
    reached = np.flatnonzero(errors <= target)
    if len(reached) == 0 or reached[0] == 0:
        raise ValueError(f"target {target} must lie between the errors of the curve's first point "
                         f"({errors[0]:.4g}) and its smallest error ({errors.min():.4g})")
    i = reached[0]
    log_e = np.log(np.maximum(errors[i - 1 : i + 1], np.finfo(float).tiny))
    t = (log_e[0] - np.log(target)) / (log_e[0] - log_e[1])
    return round(float(rates[i - 1] + t * (rates[i] - rates[i - 1])), 10)


def gaussian_blur(X: np.ndarray, sigma: float, side: int = 8) -> np.ndarray:
    """Blur each square image with a Gaussian filter of standard deviation ``sigma`` pixels.

    The classic denoiser that needs no training: it averages each pixel with its neighbours,
    which removes noise and blurs edges alike. Borders are reflected.

    >>> X = np.zeros((1, 9)); X[0, 4] = 1.0
    >>> blurred = gaussian_blur(X, 1.0, side=3)
    >>> bool(blurred[0, 4] < 1.0), bool(blurred.min() > 0.0)
    (True, True)
    """
    side = check_int("side", side, 1)
    X = check_matrix("X", X, side * side)
    sigma = check_positive("sigma", sigma)
    from scipy.ndimage import gaussian_filter

    images = X.reshape(-1, side, side)
    return gaussian_filter(images, sigma=(0, sigma, sigma), mode="reflect").reshape(len(X), -1)
