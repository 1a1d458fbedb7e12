"""
Training on digits with a home-made autodiff engine
===================================================

Is a home-made reverse-mode automatic differentiation engine, a few hundred lines of NumPy, enough to
train a neural network? We train the same network, 64 inputs, 128 hidden ReLU units and 10 outputs, on
scikit-learn's handwritten digits twice: with labkit's NumPy ``Tensor`` engine and with PyTorch's
autograd. Unlike :doc:`/auto_examples/06_backprop/plot_digits_numpy_vs_torch`, no backward pass is
written for the network: each elementary operation records itself with its local derivative rule,
written once in the engine, and ``loss.backward()`` composes these rules along the trace. Then we time
one training step of each.
"""

# %%
# The same weights, the same batches
# ----------------------------------
#
# The initial weights come from ``labkit.backprop.MLP``; ``to_torch`` copies them into PyTorch. The
# loop ``fit`` draws the mini-batches from its seed alone, so both engines see the same batches.
import matplotlib.pyplot as plt
import numpy as np
import torch

from labkit.autodiff import Tensor, mlp_logits, mlp_loss, training_step_times
from labkit.backprop import MLP, to_torch
from labkit.data import load_digits_split
from labkit.i18n import _
from labkit.plotting import use_style
from labkit.training import accuracy, accuracy_of, fit, train_step

use_style()
torch.set_num_threads(1)  # one thread: results that do not depend on the number of cores

X_train, X_test, y_train, y_test = load_digits_split(seed=0)
model = MLP([64, 128, 10], activation="relu", seed=0)
params = [Tensor(p.copy()) for p in model.parameters()]  # leaves of the trace: W1, b1, W2, b2
net = to_torch(model)
LEARNING_RATE = 0.1


def labkit_step(xb, yb):
    for p in params:
        p.grad = None
    loss = mlp_loss(params, xb, yb)  # the forward pass records the trace
    loss.backward()  # reverse mode: the gradient of the loss for every leaf
    for p in params:
        p.data -= LEARNING_RATE * p.grad  # the optimiser, plain SGD
    return float(loss.data)


opt = torch.optim.SGD(net.parameters(), lr=LEARNING_RATE)
torch_step = train_step(opt, lambda xb, yb: torch.nn.functional.cross_entropy(net(xb), yb))

history_labkit = fit(labkit_step, X_train, y_train, epochs=15, batch_size=32, seed=0)
history_torch = fit(torch_step, torch.from_numpy(X_train), torch.from_numpy(y_train),
                    epochs=15, batch_size=32, seed=0)

# %%
# One loss curve
# --------------
#
# After 15 epochs (the printed number of gradient steps), the two curves differ only by rounding
# error, and both networks classify the test digits with the same accuracy: the code checks both.
steps = history_labkit.epochs * int(np.ceil(len(X_train) / 32))
difference = np.max(np.abs(np.array(history_labkit.train_loss) - np.array(history_torch.train_loss)))
print(_("{steps} gradient steps; largest difference between the two loss curves: {difference:.1e}").format(
    steps=steps, difference=difference))
accuracy_labkit, accuracy_torch = accuracy_of(mlp_logits(params, X_test).data, y_test), accuracy(net, X_test, y_test)
print(_("test accuracy: labkit {labkit:.3f}, PyTorch {torch:.3f}").format(labkit=accuracy_labkit, torch=accuracy_torch))
assert difference < 1e-12 and accuracy_labkit == accuracy_torch

epochs = np.arange(1, history_labkit.epochs + 1)
fig, ax = plt.subplots()
ax.plot(epochs, history_labkit.train_loss, label=_("labkit Tensor engine"))
ax.plot(epochs, history_torch.train_loss, linestyle="--", label="PyTorch autograd")
ax.set(yscale="log", xlabel=_("epoch"), ylabel=_("mean training loss\n(cross-entropy)"),
       title=_("Same weights, same batches, same curve"))
ax.legend()
plt.show()

# %%
# How fast is it?
# ---------------
#
# One training step (forward, backward, update) on a batch of 32, 256 and all 1,797 digits, median of
# 21 runs, both engines on one thread; the ratio is labkit's time over PyTorch's. At the small
# batches, the two engines are of the same order (the code stops if a ratio leaves the range from a
# third to three): the arithmetic is small, and much of the time is the fixed cost of each
# operation, Python code per node in labkit, a general dispatcher and the autograd bookkeeping in
# PyTorch. Eight times as many examples cost far less than eight times the time: the printed growth.
batch_sizes = [32, 256, 1797]
times = np.array([training_step_times(b, hidden=128, repeats=21) for b in batch_sizes])
for b, (mine, theirs) in zip(batch_sizes, times):
    line = _("batch {b:5d}: labkit {mine:6.2f} ms, PyTorch {theirs:6.2f} ms, ratio {ratio:.2f}")
    print(line.format(b=b, mine=mine * 1e3, theirs=theirs * 1e3, ratio=mine / theirs))
growth = times[1] / times[0]
print(_("from batch 32 to 256, time multiplied by {labkit:.1f} (labkit) and {torch:.1f} (PyTorch)").format(
    labkit=growth[0], torch=growth[1]))
assert all(1 / 3 < mine / theirs < 3 for mine, theirs in times[:2]) and growth.max() < 6

# %%
# On all the digits, the arrays are large: both engines hand the matrix products to a BLAS library,
# and every element-wise operation reads and writes arrays of 1,797 × 128 numbers in float64. At
# this size the ratio varies from one process and one run to the next. This example runs in the
# process that builds the gallery, after other examples; the :doc:`automatic differentiation page </autodiff>` runs the
# same function in a process of its own, and its ratio at this batch can differ widely from the one
# printed here.

positions = np.arange(len(batch_sizes))
fig, ax = plt.subplots()
ax.bar(positions - 0.2, times[:, 0] * 1e3, width=0.4, label=_("labkit Tensor engine"))
ax.bar(positions + 0.2, times[:, 1] * 1e3, width=0.4, label="PyTorch autograd")
ax.set_yscale("log")
ax.set_xticks(positions, [str(b) for b in batch_sizes])
ax.set(xlabel=_("batch size"), ylabel=_("time of one training step (ms)"),
       title=_("One SGD step of a 64-128-10 network,\nfloat64, one thread"))
ax.legend()
plt.show()
