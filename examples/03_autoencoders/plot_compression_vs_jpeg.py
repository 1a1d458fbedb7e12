"""
Compression, honestly: an autoencoder's code against JPEG
=========================================================

Can an autoencoder replace JPEG? We compress the same 8x8 test digits two ways and count the
bytes per image. The autoencoder stores its code, each of its 8 numbers rounded to ``b`` bits.
JPEG (through Pillow) stores each digit as a greyscale file, at several qualities. Both are
scored by the mean squared error of the decoded images.

What the byte counts leave out matters as much as what they count. The autoencoder's decoder,
thousands of weights, must already sit at the receiver, and it only knows digits. A JPEG file
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
    DenseAutoencoder, decode, decoder_bytes, encode, jpeg_roundtrip, quantize, rate_at_error,
    reconstruction_error, train_autoencoder,
)
from labkit.data import load_digits_split
from labkit.i18n import _
from labkit.plotting import PALETTE, use_style

use_style()
torch.set_num_threads(1)  # one thread: results that do not depend on the number of cores
X_train, X_test, _y_train, _y_test = load_digits_split(seed=0)
CODE_SIZE = 8
model = DenseAutoencoder(64, code_size=CODE_SIZE, hidden_sizes=[128], activation="relu", seed=0)
train_autoencoder(model, X_train, epochs=40, batch_size=128, lr=3e-3, seed=0)

Z_train, Z_test = encode(model, X_train), encode(model, X_test)
low, high = Z_train.min(axis=0), Z_train.max(axis=0)
BITS = [2, 3, 4, 5, 6, 8]
ae_bytes = [CODE_SIZE * b / 8 for b in BITS]
ae_error = [reconstruction_error(X_test, decode(model, quantize(Z_test, b, low, high))).mean() for b in BITS]
for b, n, e in zip(BITS, ae_bytes, ae_error):
    print(_("autoencoder, {b} bits per number: {n:4.1f} bytes per image, error {e:.4f}").format(b=b, n=n, e=e))

# %%
# JPEG at several qualities
# -------------------------
#
# JPEG cuts the image into 8x8 blocks (one block here), takes their discrete cosine transform and
# rounds the coefficients, more coarsely at low quality. The file also holds the quantisation and
# Huffman tables: we count the whole file, and the coded data alone.
QUALITIES = [5, 10, 15, 20, 25, 30, 40, 50, 75, 95]
jpeg_file, jpeg_data, jpeg_error = [], [], []
for q in QUALITIES:
    decoded, file_bytes, data_bytes = jpeg_roundtrip(X_test, quality=q)
    jpeg_file.append(file_bytes.mean())
    jpeg_data.append(data_bytes.mean())
    jpeg_error.append(reconstruction_error(X_test, decoded).mean())
    line = _("JPEG quality {q:2d}: file {file:5.1f} bytes, coded data {data:4.1f} bytes, error {e:.4f}")
    print(line.format(q=q, file=file_bytes.mean(), data=data_bytes.mean(), e=jpeg_error[-1]))

# %%
# Bytes against error, at equal error
# ------------------------------------
#
# Two codecs compare fairly at equal error, not at equal settings. On JPEG's curve we read how many
# bytes of coded data it needs to reach the 4-bit code's error, and the autoencoder's best
# error; both are printed below. With a few bytes, the autoencoder wins: JPEG's coded data needs
# more bytes for the same error, and a whole JPEG file, with its header, never comes close. Then
# JPEG wins: the autoencoder's error stops falling after a few bits per number (the printed
# plateau), because 8 numbers cannot hold more detail, while JPEG keeps improving up to an
# almost exact copy. The raw image, 64 pixels of 17 grey levels, fits in
# ``64 * log2(17) / 8`` bytes (printed) without any loss.
ae_4bit = ae_error[BITS.index(4)]
jpeg_equal = rate_at_error(jpeg_data, jpeg_error, ae_4bit)
jpeg_best = rate_at_error(jpeg_data, jpeg_error, min(ae_error))
plateau = next(n for n, e in zip(ae_bytes, ae_error) if e <= 1.05 * min(ae_error))
raw_bytes = 64 * np.log2(17) / 8
print(_("error of the 4-bit code: {error:.4f}; JPEG's coded data reaches it with {jpeg:.1f} bytes, "
        "the code takes {code:.1f}").format(error=ae_4bit, jpeg=jpeg_equal, code=ae_bytes[BITS.index(4)]))
print(_("the autoencoder's error is within 5% of its best ({best:.4f}) from {plateau:.0f} bytes on; "
        "JPEG's coded data reaches that best with {jpeg:.1f} bytes").format(best=min(ae_error), plateau=plateau,
                                                                           jpeg=jpeg_best))
print(_("raw pixels, lossless: {raw:.1f} bytes").format(raw=raw_bytes))
# What the text says, checked on this run: the code wins with few bytes, JPEG beyond.
assert jpeg_equal > ae_bytes[BITS.index(4)] and min(jpeg_file) > max(ae_bytes)
assert min(jpeg_file) > 2 * max(jpeg_data)  # the header dominates a file
assert plateau < max(ae_bytes) and min(jpeg_error) < 0.1 * min(ae_error)

fig, ax = plt.subplots(figsize=(6.0, 5.8))
ax.plot(ae_bytes, ae_error, marker="o", color=PALETTE[0], label=_("autoencoder code (8 numbers)"))
ax.plot(jpeg_data, jpeg_error, marker="s", color=PALETTE[1], label=_("JPEG, coded data only"))
ax.plot(jpeg_file, jpeg_error, marker="s", color=PALETTE[1], linestyle=":", label=_("JPEG, whole file"))
ax.plot([ae_bytes[BITS.index(4)], jpeg_equal], [ae_4bit, ae_4bit], color=PALETTE[2], linewidth=2,
        label=_("same error: 4-bit code and JPEG"))
ax.axvline(raw_bytes, color=PALETTE[7], linewidth=1,
           label=_("raw pixels, lossless ({raw:.0f} bytes)").format(raw=raw_bytes))
ax.set(xscale="log", yscale="log", xlabel=_("bytes per image"), ylabel=_("test reconstruction error (MSE)"),
       title=_("Compressing 8x8 digits"))
fig.legend(loc="outside lower center")  # below the axes: five entries would cover the curves
plt.show()

# %%
# What the code size leaves out
# -----------------------------
#
# The decoder is part of the codec. Its weights, stored as 32-bit floats, with the ranges of the
# quantiser, weigh as much as thousands of 4-byte codes (printed). At equal error, each image sent
# as a code saves the printed number of bytes against JPEG's coded data, so the decoder pays off
# only after the printed number of images, all digits, sent to a receiver that already holds it.
# JPEG decodes any photograph, needs no training, and is built into every device. After years of
# research on learned codecs (Ballé et al., 2017), one is now a standard: JPEG AI (ISO/IEC
# 6048-1, 2025) codes images with an encoder and a decoder that are neural networks. Its decoder
# also ships once, with the software, trained on images of every kind, and it adds what this
# small model lacks: a learned model of the code's probabilities for the entropy coder.
decoder = decoder_bytes(model) + 2 * 4 * CODE_SIZE  # the weights, and low and high for the quantiser
saved_per_image = jpeg_equal - ae_bytes[BITS.index(4)]
print(_("decoder: {decoder} bytes, as much as {codes:.0f} codes of 4 bytes").format(
    decoder=decoder, codes=decoder / ae_bytes[BITS.index(4)]))
print(_("saved per image at equal error: {saved:.1f} bytes; break-even after {images:.0f} images").format(
    saved=saved_per_image, images=decoder / saved_per_image))
