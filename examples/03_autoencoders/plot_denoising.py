"""
Denoising autoencoder
=====================

A denoising autoencoder (Vincent et al., 2008) is trained to rebuild a *clean* digit from a noisy
copy. The noise is added at training time only: at test time the model receives whatever image it
is given. We train one on scikit-learn's 8x8 digits with Gaussian noise of standard deviation 0.3
(pixels lie in [0, 1]) and measure, on test digits, how much it raises the peak signal-to-noise
ratio (PSNR) at several noise levels, against two denoisers without a neural network: a Gaussian
blur and a projection on the leading principal components.
"""

# %%
# Noisy input, output, clean target
# ---------------------------------
#
# The code has 64 numbers, as many as the pixels: an overcomplete code that could simply copy its
# input. The noise is what stops it: copying the input copies the noise, so the model has to learn
# what digits look like.
import matplotlib.pyplot as plt
import numpy as np
import torch

from labkit.autoencoders import (
    DenoisingAutoencoder, add_noise, gaussian_blur, pca_reconstruct, psnr, reconstruct, train_autoencoder,
)
from labkit.data import load_digits_split
from labkit.i18n import _
from labkit.plotting import PALETTE, use_style

use_style()
torch.set_num_threads(1)  # one thread: results that do not depend on the number of cores
X_train, X_test, _y_train, _y_test = load_digits_split(seed=0)
model = DenoisingAutoencoder(64, code_size=64, hidden_sizes=[128], noise_std=0.3, seed=0)
train_autoencoder(model, X_train, epochs=40, batch_size=128, lr=3e-3, seed=0)

shown = X_test[:8]
noisy = add_noise(shown, 0.3, seed=1)
rows = {_("noisy input"): noisy, _("output"): reconstruct(model, noisy), _("clean target"): shown}
fig, axes = plt.subplots(3, len(shown), figsize=(6.4, 2.8))
for r, (name, images) in enumerate(rows.items()):
    for c, image in enumerate(images):
        axes[r, c].imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        axes[r, c].set_axis_off()
    axes[r, 0].text(-0.15, 0.5, name, transform=axes[r, 0].transAxes, ha="right", va="center")
fig.suptitle(_("Noise of standard deviation 0.3, removed by the denoiser"))
plt.show()

# %%
# Two denoisers that need no network
# ----------------------------------
#
# The baselines: a Gaussian blur, which averages each pixel with its neighbours, and a PCA
# projection, which keeps the leading principal components of clean training digits, where digits
# vary, and drops the others, where mostly noise lies. Each has one setting (the blur's width, the
# number of components), chosen on noisy training digits at the training noise, as the
# autoencoder was trained; the chosen settings are printed.
noisy_train = add_noise(X_train, 0.3, seed=2)
sigma = max([0.3, 0.4, 0.5, 0.7, 1.0], key=lambda s: psnr(X_train, gaussian_blur(noisy_train, s)))
k = max([4, 8, 12, 16, 24, 32], key=lambda k: psnr(X_train, pca_reconstruct(X_train, noisy_train, k)))
print(_("chosen on training digits: blur of {sigma} pixel, PCA with {k} components").format(sigma=sigma, k=k))
AUTOENCODER = _("denoising autoencoder")
BLUR = _("Gaussian blur (sigma = {sigma})").format(sigma=sigma)
denoisers = {
    AUTOENCODER: lambda noisy: reconstruct(model, noisy),
    _("PCA projection (k = {k})").format(k=k): lambda noisy: pca_reconstruct(X_train, noisy, k),
    BLUR: lambda noisy: gaussian_blur(noisy, sigma),
}

# %%
# PSNR against noise level
# ------------------------
#
# From a moderate noise on (the printed crossing), the autoencoder's output is closer to the clean
# digit than the noisy input, also at levels it was not trained with. With little or no noise, it
# makes things worse: its own reconstruction error (a smoothed digit) is then larger than the
# noise it removes. A denoiser is worth using only when the noise is larger than what it loses.
# At every level where it helps, it beats both baselines: PCA gets part of the way, and the blur,
# which smooths the strokes of an 8x8 digit along with the noise, gains least.
NOISE_STDS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
psnr_in, psnr_out = [], {name: [] for name in denoisers}
for noise_std in NOISE_STDS:
    noisy = add_noise(X_test, noise_std, seed=1)
    psnr_in.append(psnr(X_test, noisy))
    for name, denoise in denoisers.items():
        psnr_out[name].append(psnr(X_test, denoise(noisy)))
    print(_("noise {noise_std:.1f}: noisy input {psnr:5.1f} dB, ").format(noise_std=noise_std, psnr=psnr_in[-1])
          + ", ".join(f"{name} " + _("{psnr:5.1f} dB").format(psnr=values[-1]) for name, values in psnr_out.items()))
gain = np.array(psnr_out[AUTOENCODER]) - np.array(psnr_in)
crossing = NOISE_STDS[int(np.argmax(gain > 0))]
print(_("the autoencoder raises the PSNR from a noise of {crossing} on: ").format(crossing=crossing)
      + ", ".join(_("{gain:+.1f} dB at {noise_std}").format(gain=g, noise_std=noise_std)
                  for noise_std, g in zip(NOISE_STDS, gain) if noise_std >= crossing))
# What the text says, checked on this run: the autoencoder hurts without noise, helps from the
# crossing on, and there beats PCA, which beats the blur.
helps = NOISE_STDS.index(crossing)
ae, pca, blur = (np.array(values[helps:]) for values in psnr_out.values())
assert gain[0] < 0 and np.all(gain[helps:] > 0) and np.all(ae > pca) and np.all(pca > blur)

fig, ax = plt.subplots(figsize=(6.0, 4.6))
ax.plot(NOISE_STDS[1:], psnr_in[1:], marker="o", color=PALETTE[1], label=_("noisy input"))
# The legend writes the blur's width as σ (the printed lines above keep their names).
shown = {BLUR: _("Gaussian blur (σ = {sigma})").format(sigma=sigma)}
for (name, values), color, marker in zip(psnr_out.items(), (PALETTE[0], PALETTE[2], PALETTE[3]), "s^v"):
    ax.plot(NOISE_STDS[1:], values[1:], marker=marker, color=color, label=shown.get(name, name))
ax.axvline(0.3, color=PALETTE[7], linewidth=1, linestyle=":", label=_("training noise"))
ax.set(xlabel=_("standard deviation of the test noise"), ylabel=_("PSNR against the clean digit (dB)"),
       title=_("The denoiser pays off when the noise is strong"))
fig.legend(loc="outside lower center", ncol=2)  # below the axes, off the curves
plt.show()
