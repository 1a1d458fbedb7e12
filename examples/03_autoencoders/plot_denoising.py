"""
Denoising autoencoder
=====================

A denoising autoencoder (Vincent et al., 2008) is trained to rebuild a *clean* digit from a noisy
copy. The noise is added at training time only: at test time the model receives whatever image it
is given. We train one on scikit-learn's 8x8 digits with Gaussian noise of standard deviation 0.3
(pixels lie in [0, 1]) and measure, on test digits, how much it raises the peak signal-to-noise
ratio (PSNR) at several noise levels.
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

from labkit.autoencoders import DenoisingAutoencoder, add_noise, psnr, reconstruct, train_autoencoder
from labkit.data import load_digits_split
from labkit.plotting import PALETTE, use_style

use_style()
torch.set_num_threads(1)  # models this small train faster on one thread than on two
X_train, X_test, _, _ = load_digits_split(seed=0)
model = DenoisingAutoencoder(64, code_size=64, hidden=[128], noise=0.3, seed=0)
train_autoencoder(model, X_train, epochs=40, batch_size=128, lr=3e-3, seed=0)

shown = X_test[:8]
noisy = add_noise(shown, 0.3, seed=1)
rows = {"noisy input": noisy, "output": reconstruct(model, noisy), "clean target": shown}
fig, axes = plt.subplots(3, len(shown), figsize=(6.4, 2.8))
for r, (name, images) in enumerate(rows.items()):
    for c, image in enumerate(images):
        axes[r, c].imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        axes[r, c].set_axis_off()
    axes[r, 0].text(-0.15, 0.5, name, transform=axes[r, 0].transAxes, ha="right", va="center")
fig.suptitle("Noise of standard deviation 0.3, removed by the denoiser")
plt.show()

# %%
# PSNR against noise level
# ------------------------
#
# From a noise of 0.2 on, the output is several decibels closer to the clean digit than the noisy
# input, also at levels the model was not trained with. With little or no noise, the model makes
# things worse: its own reconstruction error (a smoothed digit) is then larger than the noise it
# removes. A denoiser is worth using only when the noise is larger than what it loses.
LEVELS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
psnr_in, psnr_out = [], []
for level in LEVELS:
    noisy = add_noise(X_test, level, seed=1)
    psnr_in.append(psnr(X_test, noisy))
    psnr_out.append(psnr(X_test, reconstruct(model, noisy)))
    print(f"noise {level:.1f}: noisy input {psnr_in[-1]:5.1f} dB, denoised {psnr_out[-1]:5.1f} dB")

fig, ax = plt.subplots()
ax.plot(LEVELS[1:], psnr_in[1:], marker="o", color=PALETTE[1], label="noisy input")
ax.plot(LEVELS[1:], psnr_out[1:], marker="s", color=PALETTE[0], label="denoising autoencoder output")
ax.axvline(0.3, color=PALETTE[7], linewidth=1, linestyle=":", label="training noise")
ax.set_xlabel("standard deviation of the test noise")
ax.set_ylabel("PSNR against the clean digit (dB)")
ax.set_title("The denoiser pays off when the noise is strong")
ax.legend()
plt.show()
