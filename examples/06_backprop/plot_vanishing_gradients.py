"""
Vanishing and exploding gradients
=================================

Why were deep networks with sigmoid activations so hard to train? Backpropagation multiplies the
gradient by the derivative of every activation and by every weight matrix on its way from the loss
back to the first layer. We measure the size of the gradient of every layer of a deep network
(10 linear layers of width 64) on one batch of 256 handwritten digits from scikit-learn, for three
activations, and with an initialisation that is too large.
"""

# %%
# The gradient of each layer
# --------------------------
#
# For every layer, we compute the norm of the gradient of the loss with respect to its weight
# matrix. Layer 1 is next to the input and layer 10 produces the outputs. Each network uses the
# initialisation suited to its activation: Xavier's for sigmoid and tanh, He's for ReLU.
import matplotlib.pyplot as plt
import numpy as np

from labkit.backprop import gradient_norms_by_depth
from labkit.data import load_digits_split
from labkit.i18n import _
from labkit.plotting import use_style

use_style()

X_train, _X_test, y_train, _y_test = load_digits_split(seed=0)
X, y = X_train[:256], y_train[:256]
DEPTH, WIDTH = 10, 64

networks = {
    "sigmoid, Xavier initialisation": dict(activation="sigmoid", init="xavier"),
    "tanh, Xavier initialisation": dict(activation="tanh", init="xavier"),
    "ReLU, He initialisation": dict(activation="relu", init="he"),
    "tanh, initialisation 4 times too large": dict(activation="tanh", init="xavier", scale=4.0),
}
# The names are also the legend and the printed labels: in the reader's language when shown.
shown = {"sigmoid, Xavier initialisation": _("sigmoid, Xavier initialisation"),
         "tanh, Xavier initialisation": _("tanh, Xavier initialisation"),
         "ReLU, He initialisation": _("ReLU, He initialisation"),
         "tanh, initialisation 4 times too large": _("tanh, initialisation 4 times too large")}
norms = {name: gradient_norms_by_depth(DEPTH, WIDTH, X=X, y=y, seed=0, **kw) for name, kw in networks.items()}

layers = np.arange(1, DEPTH + 1)
fig, ax = plt.subplots(figsize=(6, 5.4))
for (name, norm), marker in zip(norms.items(), "osD^"):
    ax.plot(layers, norm, marker=marker, label=shown[name])
ax.set_yscale("log")
ax.set_xticks(layers)
ax.set(xlabel=_("layer (1 = next to the input)"), ylabel=_("norm of the weight gradient"),
       title=_("Gradient norm of each layer of a 10-layer network"))
fig.legend(loc="outside lower center")
plt.show()

# %%
# With sigmoids, the gradient vanishes
# ------------------------------------
#
# The derivative of the sigmoid is at most 1/4, so every layer shrinks the gradient on its way
# back. The first layer of the sigmoid network receives a gradient several orders of magnitude
# smaller than the last one (the printed ratio): gradient descent barely changes it. With tanh and
# Xavier's initialisation, or with ReLU and He's initialisation, the gradient keeps about the same
# size from the last layer to the first.
ratios = {name: norms[name][0] / norms[name][-1] for name in norms}
width = max(32, *(len(shown[name]) for name in list(norms)[:3]))  # a column as wide as the longest name
for name in list(norms)[:3]:
    print(shown[name].ljust(width) + _(" first layer / last layer = {ratio:.1e}").format(ratio=ratios[name]))
assert ratios["sigmoid, Xavier initialisation"] < 1e-3
assert all(0.2 < ratios[name] < 5 for name in ("tanh, Xavier initialisation", "ReLU, He initialisation"))

# %%
# With a large initialisation, the gradient explodes
# --------------------------------------------------
#
# When the initial weights of the tanh network are 4 times too large, each layer multiplies the
# gradient by a factor above 1 on its way back. The gradient then grows from the last layer to the
# first, and the first layers would take the largest, least stable steps.
exploding = norms["tanh, initialisation 4 times too large"]
print(_("tanh, 4 times too large: first layer / last layer = {ratio:.1e}").format(ratio=exploding[0] / exploding[-1]))
assert exploding[0] > 5 * exploding[-1]

# %%
# With ReLU, the scale of the initialisation sets the scale of every gradient
# ---------------------------------------------------------------------------
#
# A ReLU network with a wrong initial scale keeps the same profile across layers, but every
# gradient is far too small or far too large. The gradient of one layer is a product that contains
# the 9 other weight matrices: multiplying every weight by 2 multiplies this product by 2 to the
# power 9, which is 512. The outputs of the network change too, which adds a further factor, printed
# below. A learning rate that suits one of these networks is useless for the others.
scales = [0.5, 1.0, 2.0]
relu_norms = [gradient_norms_by_depth(DEPTH, WIDTH, "relu", X, y, init="he", scale=s, seed=0) for s in scales]

fig, ax = plt.subplots(figsize=(6, 4.6))
for scale, norm, marker in zip(scales, relu_norms, "os^"):
    ax.plot(layers, norm, marker=marker, label=_("{scale} times He's scale").format(scale=scale))
ax.set_yscale("log")
ax.set_xticks(layers)
ax.set(xlabel=_("layer (1 = next to the input)"), ylabel=_("norm of the weight gradient"),
       title=_("The initial scale multiplies the gradient of every layer"))
fig.legend(loc="outside lower center", ncol=2, title=_("ReLU network, initial standard deviation"))
plt.show()

growth = relu_norms[2] / relu_norms[1]
print(_("twice He's scale / He's scale, per layer: from {low:.0f} to {high:.0f} (2**9 = {power})").format(
    low=growth.min(), high=growth.max(), power=2**9))
print(_("further factor from the outputs: from {low:.1f} to {high:.1f}").format(low=growth.min() / 2**9,
                                                                              high=growth.max() / 2**9))
assert growth.min() > 2**9
