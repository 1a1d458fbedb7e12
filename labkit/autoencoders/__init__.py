"""Autoencoders: an encoder compresses each image into a short code, a decoder rebuilds it.

:mod:`labkit.autoencoders.models` holds the models (dense, denoising, convolutional, variational)
and the functions that train them through :func:`labkit.training.fit` and run them on NumPy
arrays; :mod:`labkit.autoencoders.measures` holds what they are measured against (reconstruction
error, PSNR, PCA, a quantised code, JPEG). Import the public names from ``labkit.autoencoders``.
"""

from .measures import (
    add_noise, gaussian_blur, jpeg_roundtrip, pca_reconstruct, psnr, quantize, rate_at_error, reconstruction_error,
)
from .models import (
    ConvAutoencoder, DenoisingAutoencoder, DenseAutoencoder, VariationalAutoencoder, decode, decoder_bytes, encode,
    interpolate, kl_divergence, reconstruct, sample, train_autoencoder,
)

__all__ = [
    "DenseAutoencoder", "DenoisingAutoencoder", "ConvAutoencoder", "VariationalAutoencoder",
    "kl_divergence", "train_autoencoder", "encode", "decode", "reconstruct", "sample", "interpolate",
    "decoder_bytes",
    "reconstruction_error", "psnr", "add_noise", "pca_reconstruct", "quantize", "jpeg_roundtrip",
    "rate_at_error", "gaussian_blur",
]
