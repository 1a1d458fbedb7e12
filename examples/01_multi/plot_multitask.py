"""
Multi-task learning: sharing helps related tasks, and hurts unrelated ones
==========================================================================

Does one network that learns several tasks at once beat one network per task? We generate four
regression tasks on the same 20 inputs. In the *related* setting, all four targets depend on the
same two hidden directions of the input; in the *unrelated* setting, each task has its own. We
compare hard parameter sharing (one shared trunk, one head per task) with four separate networks
of two hidden units each, over the size of the training set. Since a shared trunk of two units
also has fewer parameters than four separate ones, a shared trunk of eight units, as wide as the
four separate networks together, tells what sharing does at equal width.
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

from labkit.i18n import _
from labkit.multi import MultiTaskNet, make_multitask_data, mean_test_r2, train_multitask
from labkit.plotting import PALETTE, use_style

use_style()
torch.set_num_threads(1)  # one thread: results that do not depend on the number of cores
SIZES = [50, 100, 200]


DATA = {related: make_multitask_data(1200, 4, related=related, noise_std=0.3, seed=0) for related in (True, False)}
# (shared trunk?, units per trunk): the separate networks have 2 units each, 8 in all; the shared
# trunk has 2 units like each of them, and a wider shared trunk has the 8 of all four together.
MODELS = {_("shared trunk, 2 units"): (True, 2), _("shared trunk, 8 units"): (True, 8), _("separate networks"): (False, 2)}


def mean_r2(related, n, shared, hidden):
    X, Y = DATA[related]
    return mean_test_r2(X[:n], Y[:n], X[200:], Y[200:], shared=shared, hidden=hidden)


scores = {(related, name): [mean_r2(related, n, *MODELS[name]) for n in SIZES]
          for related in (True, False) for name in MODELS}

fig, axes = plt.subplots(1, 2, figsize=(6, 4.4), sharey=True)
for ax, related in zip(axes, (True, False)):
    for (name, marker), color in zip(zip(MODELS, "o^s"), (PALETTE[0], PALETTE[2], PALETTE[5])):
        ax.plot(SIZES, scores[related, name], marker=marker, color=color, label=name)
    ax.set_xscale("log")
    ax.set_xticks(SIZES, [str(n) for n in SIZES])
    ax.set_xticks([], minor=True)
    ax.set_xlabel(_("training rows"))
    ax.set_title(_("related tasks") if related else _("unrelated tasks"))
axes[0].set_ylabel(_("mean test R² of the 4 tasks"))
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=2)
plt.show()


def report(related):
    tasks = _("related tasks") if related else _("unrelated tasks")
    for i, n in enumerate(SIZES):
        r2 = (_("{model} R² = {r2:.2f}").format(model=name, r2=scores[related, name][i]) for name in MODELS)
        print(_("{tasks}, {n:3d} rows: ").format(tasks=tasks, n=n) + ", ".join(r2))


report(True)
shared, wide, separate = (np.array(scores[True, name]) for name in MODELS)
assert shared[0] > separate[0] + 0.2, "the text says the shared trunk is well ahead with the fewest rows"
assert np.all(shared >= separate - 0.01), "the text says the shared trunk is never behind on related tasks"
assert np.all(np.diff(shared - separate) < 0), "the text says the gap closes as data grows"
assert wide[0] < shared[0] - 0.2, "the text says a wide shared trunk loses most of the gain"

# %%
# With the fewest rows, the narrow shared trunk is far ahead of the separate networks (printed
# above), and the gap closes as data grows. Part of the gain is that sharing also means fewer
# parameters: the shared trunk of 8 units, as wide as the four separate networks together, is
# much worse than the narrow one with the fewest rows. The four tasks help each other when they
# constrain the same few features.
#
# Unrelated tasks: negative transfer
# ----------------------------------
#
# When the tasks need different features, the shared trunk of two units must serve all four and
# serves none well. Widening it to the eight units of the four separate networks together does
# not save it: at every size, both shared trunks score below separate networks (printed below).
# Sharing is a bet that the tasks are related, not a free gain.
report(False)
shared, wide, separate = (np.array(scores[False, name]) for name in MODELS)
assert np.all(shared < separate - 0.05) and np.all(wide < separate - 0.02), \
    "the text says both shared trunks lose to separate networks at every size"

# %%
# Weighting the tasks by their noise
# ----------------------------------
#
# The total loss is a weighted sum of task losses, and a noisy task should not dominate it.
# Uncertainty weighting (Kendall et al., 2018) learns one log-variance ``s`` per task; the learned
# weight ``exp(-s)`` ends near the inverse of the task's training error. Once the network fits the
# signal, that error approaches the variance of the task's noise, so the weight approaches
# ``1 / sigma**2``, printed beside it: a task twice as noisy gets about a quarter of the weight,
# and the least noisy task gets the largest.
noise = np.array([0.1, 0.3, 0.6, 1.0])
X, Y = make_multitask_data(400, 4, noise_std=noise, seed=1)
net, weights = train_multitask(MultiTaskNet(20, 4, hidden=8), X, Y, weighting="uncertainty",
                               epochs=40, batch_size=50, lr=0.03)
fig, ax = plt.subplots()
ax.bar([str(s) for s in noise], weights, label=_("learned weight exp(−s)"))
ax.plot([str(s) for s in noise], 1 / noise**2, "k_", markersize=30, label=_("1 / σ²"))
ax.set_xlabel(_("noise standard deviation σ of the task"))
ax.set_ylabel(_("task weight"))
ax.set_yscale("log")  # the weights span a wide range
ax.set_title(_("Uncertainty weighting trusts the less noisy tasks"))
ax.legend()
plt.show()
for sigma, w in zip(noise, weights):
    line = _("noise {sigma:.1f}: learned weight {w:6.2f}, 1 / sigma² = {inverse:6.2f}")
    print(line.format(sigma=sigma, w=w, inverse=1 / sigma**2))
ratio = weights[1] / weights[2]
print(_("noise 0.3 against 0.6 (twice as noisy): the weight is {ratio:.2f} times larger").format(ratio=ratio))
assert np.all(np.diff(weights) < 0), "the text says the less noisy task always gets the larger weight"
assert 3.0 < ratio < 5.3, "the text says twice the noise gives about a quarter of the weight"
