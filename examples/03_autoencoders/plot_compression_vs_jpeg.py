"""
Compression, honestly: an autoencoder's code against JPEG
=========================================================

Can an autoencoder replace JPEG? We compress the same 8x8 test digits two ways and count the
bytes per image. The autoencoder stores its code, each of its 8 numbers rounded to ``b`` bits.
JPEG (through Pillow) stores each digit as a greyscale file, at several qualities. Both are
scored by the mean squared error of the decoded images.

What the byte counts leave out matters as much as what they count. The autoencoder's decoder, a
few thousand weights, must already sit at the receiver, and it only knows digits. A JPEG file
carries its own tables in a header of a few hundred bytes, which dominates for an 8x8 image; we
count JPEG twice, with and without that header.
"""

# %%
# The autoencoder's code, quantised
# ---------------------------------
#
# We train a non-linear autoencoder with a code of 8 numbers, then round each number of the code
# to ``2**b`` levels spread over the range seen in training. Storing a code then takes
# ``8 * b / 8 = b`` bytes per image.
import matplotlib.pyplot as plt
import numpy as np
import torch

from labkit.autoencoders import (
    DenseAutoencoder, decode, encode, jpeg_roundtrip, quantise, reconstruction_error, train_autoencoder,
)
from labkit.data import load_digits_split
from labkit.plotting import PALETTE, use_style

use_style()
torch.set_num_threads(1)  # models this small train faster on one thread than on two
X_train, X_test, _, _ = load_digits_split(seed=0)
CODE_SIZE = 8
model = DenseAutoencoder(64, code_size=CODE_SIZE, hidden=[128], activation="relu", seed=0)
train_autoencoder(model, X_train, epochs=40, batch_size=128, lr=3e-3, seed=0)

Z_train, Z_test = encode(model, X_train), encode(model, X_test)
low, high = Z_train.min(axis=0), Z_train.max(axis=0)
BITS = [2, 3, 4, 5, 6, 8]
ae_bytes = [CODE_SIZE * b / 8 for b in BITS]
ae_error = [reconstruction_error(X_test, decode(model, quantise(Z_test, b, low, high))).mean() for b in BITS]
for b, n, e in zip(BITS, ae_bytes, ae_error):
    print(f"autoencoder, {b} bits per number: {n:4.1f} bytes per image, error {e:.4f}")

# %%
# JPEG at several qualities
# -------------------------
#
# JPEG cuts the image into 8x8 blocks (one block here), takes their discrete cosine transform and
# rounds the coefficients, more coarsely at low quality. The file also holds the quantisation and
# Huffman tables: we count the whole file, and the coded data alone.
QUALITIES = [5, 10, 25, 50, 75, 95]
jpeg_file, jpeg_data, jpeg_error = [], [], []
for q in QUALITIES:
    decoded, file_bytes, data_bytes = jpeg_roundtrip(X_test, quality=q)
    jpeg_file.append(file_bytes.mean())
    jpeg_data.append(data_bytes.mean())
    jpeg_error.append(reconstruction_error(X_test, decoded).mean())
    print(f"JPEG quality {q:2d}: file {file_bytes.mean():5.1f} bytes, coded data {data_bytes.mean():4.1f} bytes, "
          f"error {jpeg_error[-1]:.4f}")

# %%
# Bytes against error
# -------------------
#
# Below about 15 bytes per image, the autoencoder wins: 4 bytes of code give an error that JPEG's
# coded data needs more than 10 bytes to reach, and a whole JPEG file, with its header, never
# comes close to a few bytes. Above that, JPEG wins: the autoencoder's error stops falling beyond
# 5 bits per number, because 8 numbers cannot hold more detail, while JPEG keeps improving up to
# an exact copy. The raw image, 64 pixels of 17 grey levels, fits in about 33
# bytes without any loss.
raw_bytes = 64 * np.log2(17) / 8
fig, ax = plt.subplots()
ax.plot(ae_bytes, ae_error, marker="o", color=PALETTE[0], label="autoencoder code (8 numbers)")
ax.plot(jpeg_data, jpeg_error, marker="s", color=PALETTE[1], label="JPEG, coded data only")
ax.plot(jpeg_file, jpeg_error, marker="s", color=PALETTE[1], linestyle=":", label="JPEG, whole file")
ax.axvline(raw_bytes, color=PALETTE[7], linewidth=1, label="raw pixels, lossless (33 bytes)")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("bytes per image")
ax.set_ylabel("test reconstruction error (MSE)")
ax.set_title("Compressing 8x8 digits")
ax.legend(fontsize=9)
plt.show()

# %%
# What the code size leaves out
# -----------------------------
#
# The decoder is part of the codec. Its weights, stored as 32-bit floats, weigh as much as
# thousands of compressed digits: the autoencoder only pays off when it sends many images of the
# same kind, to a receiver that already holds the decoder. JPEG decodes any photograph, needs no
# training, and is built into every device; a learned image codec is a research field (Ballé et
# al., 2017), not a drop-in replacement for it.
decoder_bytes = 4 * sum(p.numel() for p in model.decoder.parameters()) + 4 * model.mean.numel()
saved_per_image = jpeg_data[QUALITIES.index(50)] - ae_bytes[BITS.index(4)]
print(f"decoder weights: {decoder_bytes} bytes")
print(f"break-even against JPEG's coded data at quality 50: {decoder_bytes / saved_per_image:.0f} images")
