"""
Training on digits: hand-written gradients next to PyTorch
==========================================================

Are hand-written gradients as good as those of a deep-learning library? We train the same small
network twice on scikit-learn's handwritten digits (8x8 grey images of the digits 0 to 9): once in
NumPy, with the backward pass written by hand in ``labkit.backprop``, and once in PyTorch, where
automatic differentiation computes the gradient. Both start from the same weights, see the same
mini-batches in the same order and use the same learning rate. If the hand-written gradient is
right, the two training curves are the same curve.
"""

# %%
# The same network, twice
# -----------------------
#
# We build a network with 64 inputs (one per pixel), one hidden layer of 32 ReLU units and 10
# outputs (one per digit). The function ``to_torch`` copies its weights into a PyTorch network, so
# both versions start from exactly the same point: before training, they give the same outputs.
import matplotlib.pyplot as plt
import numpy as np
import torch

from labkit.backprop import MLP, sgd_step, to_torch
from labkit.data import load_digits_split
from labkit.i18n import _
from labkit.plotting import use_style
from labkit.training import accuracy, accuracy_of, fit

use_style()
torch.manual_seed(0)

X_train, X_test, y_train, y_test = load_digits_split(seed=0)
model = MLP([64, 32, 10], activation="relu", init="he", seed=0)
net = to_torch(model)
print(model)
print(net)
with torch.no_grad():
    logits_torch = net(torch.from_numpy(X_train)).numpy()
initial = np.max(np.abs(model.forward(X_train) - logits_torch))
print(_("largest difference between the initial outputs: {difference:.1e}").format(difference=initial))

# %%
# One training step in each library
# ---------------------------------
#
# A training step has two separate parts. Backpropagation computes the gradient of the loss, and
# the optimiser then uses that gradient to update the weights. In NumPy, the two parts are two
# function calls. In PyTorch, ``loss.backward()`` computes the gradient and ``opt.step()`` updates
# the weights.
LEARNING_RATE = 0.1


def numpy_step(xb, yb):
    loss, _grads = model.loss_and_gradients(xb, yb)  # backpropagation: gradients only
    sgd_step(model, LEARNING_RATE)  # the optimiser: the update
    return loss


opt = torch.optim.SGD(net.parameters(), lr=LEARNING_RATE)


def torch_step(xb, yb):
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(net(xb), yb)
    loss.backward()  # backpropagation, by automatic differentiation
    opt.step()  # the optimiser
    return loss.item()


# %%
# Same batches, same curve
# ------------------------
#
# The training loop ``fit`` draws the order of the mini-batches from its seed alone, so both
# models see the same batches in the same order. We record the mean training loss of every epoch.
history_numpy = fit(numpy_step, X_train, y_train, epochs=30, batch_size=32, seed=0)
history_torch = fit(torch_step, torch.from_numpy(X_train), torch.from_numpy(y_train),
                    epochs=30, batch_size=32, seed=0)

epochs = np.arange(1, len(history_numpy.train_loss) + 1)
fig, ax = plt.subplots()
ax.plot(epochs, history_numpy.train_loss, label=_("NumPy, hand-written gradients"))
ax.plot(epochs, history_torch.train_loss, linestyle="--", label=_("PyTorch, automatic differentiation"))
ax.set(yscale="log", xlabel=_("epoch"), ylabel=_("mean training loss\n(cross-entropy)"),
       title=_("The two training curves lie on top of each other"))
ax.legend()
plt.show()

# %%
# The curves agree to the precision of floating-point arithmetic. After 30 epochs (the printed number
# of gradient steps), the largest difference between them is of the order of the rounding error of
# double precision.
steps = len(history_numpy.train_loss) * int(np.ceil(len(X_train) / 32))
difference = np.max(np.abs(np.array(history_numpy.train_loss) - np.array(history_torch.train_loss)))
print(_("{steps} gradient steps; largest difference between the two loss curves: {difference:.1e}").format(
    steps=steps, difference=difference))
assert difference < 1e-12

# %%
# Same predictions
# ----------------
#
# Both trained networks classify the test digits, which neither saw during training, with the
# same accuracy.
accuracy_numpy, accuracy_torch = accuracy_of(model.predict(X_test), y_test), accuracy(net, X_test, y_test)
print(_("test accuracy: NumPy {numpy:.3f}, PyTorch {torch:.3f}").format(numpy=accuracy_numpy, torch=accuracy_torch))
assert accuracy_numpy == accuracy_torch
