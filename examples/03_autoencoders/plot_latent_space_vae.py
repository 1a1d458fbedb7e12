"""
A 2-D latent space, and a variational autoencoder that generates digits
=======================================================================

With a code of two numbers, every digit becomes a point in a plane that we can draw. We compare
the codes of a plain autoencoder with those of a variational autoencoder (VAE, Kingma and
Welling, 2014), which is trained to make its codes look like draws from a standard Gaussian, and
with the two leading principal components, the linear baseline. The VAE's constraint is what
lets it generate: decoding a random point of the plane gives a plausible digit. Its baseline
there is a Gaussian fitted to the training digits' two principal components, sampled and mapped
back to pixels.
"""

# %%
# Three planes, coloured by digit
# -------------------------------
#
# No model saw the labels: the colours are added afterwards. To measure how well each plane
# groups the classes, a 5-nearest-neighbour classifier is fitted on the training digits' points
# and scored on the test digits' points (printed below): both autoencoders group the classes
# better than PCA's plane. The difference between the two autoencoders is in the training
# objective. The VAE's KL term pulls the codes towards a standard Gaussian, so that a code drawn
# from it lands among the codes of real digits; the plain autoencoder has no such constraint,
# and nothing tells us what a random point of its plane decodes to.
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.decomposition import PCA
from sklearn.neighbors import KNeighborsClassifier

from labkit.autoencoders import (
    DenseAutoencoder, VariationalAutoencoder, encode, interpolate, sample, train_autoencoder,
)
from labkit.data import load_digits_split
from labkit.i18n import _
from labkit.plotting import use_style

use_style()
torch.set_num_threads(1)  # one thread: results that do not depend on the number of cores
X_train, X_test, y_train, y_test = load_digits_split(seed=0)

plain = DenseAutoencoder(64, code_size=2, hidden_sizes=[128], activation="relu", seed=0)
train_autoencoder(plain, X_train, epochs=40, batch_size=128, lr=3e-3, seed=0)
vae = VariationalAutoencoder(64, code_size=2, hidden_sizes=[128], seed=0)
history = train_autoencoder(vae, X_train, epochs=60, batch_size=128, lr=3e-3, seed=0)
print(_("VAE loss (negative ELBO, nats per image): {first:.1f} -> {last:.1f}").format(
    first=history.train_loss[0], last=history.train_loss[-1]))
pca = PCA(2).fit(X_train)

planes = {_("PCA"): pca.transform, _("plain autoencoder"): lambda X: encode(plain, X),
          _("variational autoencoder"): lambda X: encode(vae, X)}
knn = {}
fig, axes = plt.subplots(2, 2, figsize=(6.0, 6.0))
for ax, (name, to_plane) in zip(axes.ravel(), planes.items()):
    Z_train, Z = to_plane(X_train), to_plane(X_test)
    knn[name] = KNeighborsClassifier(5).fit(Z_train, y_train).score(Z, y_test)
    print(name + _(": 5-nearest-neighbour accuracy in the plane {accuracy:.3f}").format(accuracy=knn[name]))
    ax.scatter(Z[:, 0], Z[:, 1], c=y_test, cmap="tab10", s=8, vmin=-0.5, vmax=9.5)
    ax.set(title=name, xlabel=_("code 1"), ylabel=_("code 2"))
    ax.locator_params(nbins=5)
# The fourth cell holds the key of the colours: digit d is drawn in colour d of tab10.
axes[1, 1].set_axis_off()
axes[1, 1].legend(handles=[plt.Line2D([], [], marker="o", linestyle="", markersize=8,
                                         color=plt.get_cmap("tab10")(d), label=str(d))
                           for d in range(10)], title=_("digit"), ncol=2, loc="center")
plt.show()
knn_pca, knn_plain, knn_vae = knn.values()
assert knn_pca < min(knn_plain, knn_vae)  # what the text says

# %%
# Sampling new digits
# -------------------
#
# We draw codes from the prior, a standard Gaussian in the plane, and decode them (top row). The
# draws are seeded: the same seed gives the same digits. With only two numbers of code, the
# samples are blurred, but many look like digits. The baseline
# (bottom row) draws points from a Gaussian fitted to the training digits' two principal
# components and maps them back to pixels: a linear decoder, which can only blend the mean digit
# with two fixed patterns. Judge by eye; a number for the quality of generated images would need
# a model of its own.
samples = {"VAE": sample(vae, 16, seed=0)}
Z_pca = pca.transform(X_train)
rng = np.random.default_rng(0)
draws = rng.multivariate_normal(Z_pca.mean(axis=0), np.cov(Z_pca, rowvar=False), size=16)
samples["Gaussian in PCA plane"] = np.clip(pca.inverse_transform(draws), 0, 1)
fig, axes = plt.subplots(4, 8, figsize=(6.4, 3.6))
for r, images in enumerate(samples.values()):
    for ax, image in zip(axes[2 * r : 2 * r + 2].ravel(), images):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_axis_off()
fig.suptitle(_("Generated: by the VAE (top),\nby a Gaussian in the PCA plane (bottom)"))
plt.show()

# %%
# Walking from one digit to another
# ---------------------------------
#
# Decoding the codes on the segment between the codes of a 0 and of a 1 morphs one into the
# other through plausible images: the latent space is continuous.
start, end = X_test[y_test == 0][0], X_test[y_test == 1][0]
path = interpolate(vae, start, end, steps=8)
fig, axes = plt.subplots(1, 8, figsize=(6.4, 1.2))
for ax, image in zip(axes, path):
    ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    ax.set_axis_off()
fig.suptitle(_("From a 0 to a 1 through the VAE's latent space"))
plt.show()
