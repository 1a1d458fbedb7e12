"""
Reconstruction error against code size: PCA, linear and non-linear autoencoders
===============================================================================

How much does a digit lose when it is squeezed through a code of ``k`` numbers? We train
autoencoders with codes of 2 to 32 numbers on scikit-learn's handwritten digits (8x8 grey images,
64 pixels) and measure the mean squared reconstruction error on test digits that no model saw.
Three models per code size: PCA, a linear autoencoder, and a non-linear autoencoder with one
hidden ReLU layer on each side of the code.
"""

# %%
# Reconstructions at several code sizes
# -------------------------------------
#
# The encoder maps 64 pixels to ``k`` numbers; the decoder maps them back to 64 pixels. The
# smaller the code, the more the decoder has to guess: with 2 numbers the digits become blurred
# prototypes, with 32 they are close to the originals.
import matplotlib.pyplot as plt
import numpy as np
import torch

from labkit.autoencoders import (
    DenseAutoencoder, pca_reconstruct, reconstruct, reconstruction_error, train_autoencoder,
)
from labkit.data import load_digits_split
from labkit.i18n import _
from labkit.plotting import PALETTE, use_style

use_style()
torch.set_num_threads(1)  # one thread: results that do not depend on the number of cores
X_train, X_test, y_train, y_test = load_digits_split(seed=0)
CODE_SIZES = [2, 4, 8, 16, 32]

nonlinear, linear = {}, {}
for k in CODE_SIZES:
    nonlinear[k] = DenseAutoencoder(64, code_size=k, hidden_sizes=[128], activation="relu", seed=0)
    train_autoencoder(nonlinear[k], X_train, epochs=40, batch_size=128, lr=3e-3, seed=0)
    # A linear model has a convex-like landscape: full-batch steps reach its optimum quickly.
    linear[k] = DenseAutoencoder(64, code_size=k, hidden_sizes=[], activation="linear", seed=0)
    train_autoencoder(linear[k], X_train, epochs=300, batch_size=len(X_train), lr=2e-2, seed=0)

shown = X_test[:8]
fig, axes = plt.subplots(len(CODE_SIZES) + 1, len(shown), figsize=(6.4, 5.2))
for row, k in enumerate([None, *CODE_SIZES]):
    images = shown if k is None else reconstruct(nonlinear[k], shown)
    for col, image in enumerate(images):
        ax = axes[row, col]
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_axis_off()
    label = _("input") if k is None else _("k = {k}").format(k=k)
    axes[row, 0].text(-0.15, 0.5, label, transform=axes[row, 0].transAxes, ha="right", va="center")
fig.suptitle(_("Test digits rebuilt from a code of k numbers"))
plt.show()

# %%
# The rate–distortion curve
# -------------------------
#
# The linear autoencoder lands on PCA's curve: trained with the squared error, it learns the same
# subspace as PCA (Baldi and Hornik, 1989), so it can do no better. The non-linear autoencoder
# beats PCA at every code size but the largest, most clearly where the code is small, because a
# curved decoder can place the ten digit classes on a surface that no plane fits. With 32 numbers
# PCA wins again: it computes the exact optimum
# of its linear model at once, while the non-linear model is only as good as a short stochastic
# training makes it.
errors = {"linear autoencoder": [], "non-linear autoencoder": [], "PCA": []}
SHOWN = {"linear autoencoder": _("linear autoencoder"), "non-linear autoencoder": _("non-linear autoencoder"),
         "PCA": _("PCA")}  # the models' names as the legend shows them
for k in CODE_SIZES:
    errors["PCA"].append(reconstruction_error(X_test, pca_reconstruct(X_train, X_test, k)).mean())
    errors["linear autoencoder"].append(reconstruction_error(X_test, reconstruct(linear[k], X_test)).mean())
    errors["non-linear autoencoder"].append(reconstruction_error(X_test, reconstruct(nonlinear[k], X_test)).mean())

fig, ax = plt.subplots()
styles = {"linear autoencoder": dict(color=PALETTE[0], marker="o", linewidth=5, alpha=0.5),
          "non-linear autoencoder": dict(color=PALETTE[2], marker="^"),
          "PCA": dict(color=PALETTE[7], marker="x", linestyle="--", linewidth=1.5)}  # on top: the curves coincide
for name, values in errors.items():
    ax.plot(CODE_SIZES, values, label=SHOWN[name], **styles[name])
ax.set_xscale("log", base=2)
ax.set_xticks(CODE_SIZES, [str(k) for k in CODE_SIZES])
ax.set(yscale="log", xlabel=_("code size k (numbers per image)"), ylabel=_("test reconstruction error (MSE)"),
       title=_("Rate–distortion: error against code size"))
ax.legend()
plt.show()

for i, k in enumerate(CODE_SIZES):
    print(_("k = {k:2d}: PCA {pca:.4f}, linear AE {linear:.4f}, non-linear AE {nonlinear:.4f}").format(
        k=k, pca=errors["PCA"][i], linear=errors["linear autoencoder"][i], nonlinear=errors["non-linear autoencoder"][i]))
# What the text says, checked on this run: the linear autoencoder on PCA's curve, the non-linear
# one below it except at the largest code size.
pca, lin, nonlin = (np.array(errors[name]) for name in ("PCA", "linear autoencoder", "non-linear autoencoder"))
assert np.allclose(lin, pca, rtol=0.05) and np.all(nonlin[:-1] < pca[:-1]) and nonlin[-1] > pca[-1]

# %%
# A convolutional encoder
# -----------------------
#
# A convolution applies the same small filter at every position of the image, so it needs far
# fewer weights than a dense layer. A small convolutional autoencoder with a code of 8 numbers,
# trained the same way, also beats PCA with less than half the weights of the dense model; here,
# the wider dense model still rebuilds the digits better (all printed below). On larger images,
# where a dense layer's weights grow with the number of pixels while a convolution's do not grow
# at all, convolutions are the usual choice.
from labkit.autoencoders import ConvAutoencoder

conv = ConvAutoencoder(code_size=8, seed=0)
train_autoencoder(conv, X_train, epochs=40, batch_size=128, lr=3e-3, seed=0)
n_weights, error = {}, {}
for name, shown, model in (("convolutional", _("convolutional autoencoder"), conv),
                           ("dense", _("dense autoencoder"), nonlinear[8])):
    n_weights[name] = sum(p.numel() for p in model.parameters())
    error[name] = reconstruction_error(X_test, reconstruct(model, X_test)).mean()
    print(shown + _(", k = 8: {n} weights, test error {error:.4f}").format(n=n_weights[name], error=error[name]))
print(_("PCA, k = 8: test error {error:.4f}").format(error=errors["PCA"][CODE_SIZES.index(8)]))
assert error["dense"] < error["convolutional"] < errors["PCA"][CODE_SIZES.index(8)]  # what the text says
assert n_weights["convolutional"] < n_weights["dense"] / 2
