"""
Multi-task learning: sharing helps related tasks, and hurts unrelated ones
==========================================================================

Does one network that learns several tasks at once beat one network per task? We generate four
regression tasks on the same 20 inputs. In the *related* setting, all four targets depend on the
same two hidden directions of the input; in the *unrelated* setting, each task has its own. We
compare hard parameter sharing (one shared trunk, one head per task) with four separate networks
of the same width, over the size of the training set.
"""

# %%
# Related tasks: the shared trunk pools the evidence
# --------------------------------------------------
#
# Every task's error trains the shared trunk, so with scarce data the trunk finds the two common
# directions from four times as many targets as a separate network gets. We report the mean R²
# of the four tasks on 1,000 test rows (1 is perfect, 0 is predicting the mean).
import matplotlib.pyplot as plt
import numpy as np
import torch

from labkit.data import make_multitask_data
from labkit.multitask import MultiTaskNet, r2_per_task, train_multitask
from labkit.plotting import use_style

use_style()
torch.set_num_threads(1)  # tiny networks: a second thread costs more than it saves
SIZES = [50, 100, 200]


DATA = {related: make_multitask_data(1200, 4, related=related, noise=0.3, seed=0) for related in (True, False)}


def mean_r2(related, n, shared):
    X, Y = DATA[related]
    net = MultiTaskNet(20, 4, hidden=2, shared=shared, seed=0)
    train_multitask(net, X[:n], Y[:n], epochs=300, batch_size=n, lr=0.03)
    return r2_per_task(net, X[200:], Y[200:]).mean()


scores = {(related, shared): [mean_r2(related, n, shared) for n in SIZES]
          for related in (True, False) for shared in (True, False)}

fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
for ax, related in zip(axes, (True, False)):
    ax.plot(SIZES, scores[related, True], marker="o", label="shared trunk (multi-task)")
    ax.plot(SIZES, scores[related, False], marker="s", label="separate networks")
    ax.set_xscale("log")
    ax.set_xticks(SIZES, [str(n) for n in SIZES])
    ax.set_xticks([], minor=True)
    ax.set_xlabel("training rows")
    ax.set_title("related tasks" if related else "unrelated tasks")
axes[0].set_ylabel("mean test R² of the 4 tasks")
axes[0].legend()
plt.show()

for n, s, p in zip(SIZES, scores[True, True], scores[True, False]):
    print(f"related tasks,   {n:3d} rows: shared R² = {s:.2f}, separate R² = {p:.2f}")

# %%
# Unrelated tasks: negative transfer
# ----------------------------------
#
# When the tasks need different features, the shared trunk (two units, like each separate
# trunk) must serve all four and serves none well: the multi-task model is *worse* than separate
# models. Sharing is a bet that the tasks are related, not a free gain.
for n, s, p in zip(SIZES, scores[False, True], scores[False, False]):
    print(f"unrelated tasks, {n:3d} rows: shared R² = {s:.2f}, separate R² = {p:.2f}")

# %%
# Weighting the tasks by their noise
# ----------------------------------
#
# The total loss is a weighted sum of task losses, and a noisy task should not dominate it.
# Uncertainty weighting (Kendall et al., 2018) learns one log-variance per task; the learned
# weight ``exp(-s)`` ends near the inverse of each task's error, so it is largest for the
# least noisy task.
noise = [0.1, 0.3, 0.6, 1.0]
X, Y = make_multitask_data(400, 4, noise=noise, seed=1)
_, weights = train_multitask(MultiTaskNet(20, 4, hidden=8), X, Y, weighting="uncertainty",
                             epochs=40, batch_size=50, lr=0.03)
fig, ax = plt.subplots()
ax.bar([str(s) for s in noise], weights)
ax.set_xlabel("noise standard deviation of the task")
ax.set_ylabel("learned weight exp(-s)")
ax.set_yscale("log")  # the weights span two orders of magnitude
ax.set_title("Uncertainty weighting trusts the less noisy tasks")
plt.show()
print("learned weights:", np.round(weights, 2).tolist())
