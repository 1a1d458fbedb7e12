"""
One network, many regularisers
==============================

What does each regulariser do to a network that overfits? We train the same network (64 inputs,
256 ReLU units, 10 outputs) on only 50 handwritten digits from scikit-learn, so that it learns
them all by heart, with one regulariser at a time: none, an L2 penalty, an L1 penalty, decoupled
weight decay (AdamW), dropout, early stopping, data augmentation, batch normalisation and label
smoothing. 300 other digits serve as the validation set, on which the coefficient of each penalty
is chosen, and 450 as the test set, used only for the final comparison. Every run is repeated with
3 seeds (initial weights, batches, dropout masks, augmentations), so that a difference can be told
apart from the luck of one run.
"""

# %%
# The runs
# --------
#
# ``make_mlp`` builds the network (dropout and batch normalisation are layers) and
# ``train_classifier`` trains it with Adam for 100 epochs, with the other regularisers as options.
# Early stopping is the patience of the shared training loop ``labkit.training.fit``: it stops when
# the validation loss has not improved for 10 epochs and restores the best weights. A penalty is
# only as good as its coefficient, so each of the three penalties is trained with four
# coefficients, a factor of 10 apart; the other regularisers keep their usual setting.
import matplotlib.pyplot as plt
import numpy as np
import torch

from labkit.data import load_digits_split
from labkit.i18n import _
from labkit.plotting import PALETTE, use_style
from labkit.regularization import Optimization, Regularizers, make_mlp, train_classifier
from labkit.training import accuracy

use_style()
torch.set_num_threads(1)  # one thread: results that do not depend on the number of cores
X, X_test, y, y_test = load_digits_split(seed=0)
X_train, y_train, X_val, y_val = X[:50], y[:50], X[50:350], y[50:350]
SEEDS = [0, 1, 2]

GRIDS = {  # penalty: (field of Regularizers, coefficients tried)
    "L2 penalty": ("l2", [1e-4, 1e-3, 1e-2, 1e-1]),
    "L1 penalty": ("l1", [1e-5, 1e-4, 1e-3, 1e-2]),
    "weight decay (AdamW)": ("weight_decay", [1e-2, 1e-1, 1.0, 10.0]),
}
FIXED = {  # name: (options of make_mlp, fields of Regularizers)
    "none": ({}, {}),
    "dropout": (dict(dropout=0.5), {}),
    "early stopping": ({}, dict(patience=10)),
    "augmentation": ({}, dict(augment=True)),
    "batch normalisation": (dict(batch_norm=True), {}),
    "label smoothing": ({}, dict(label_smoothing=0.1)),
}
SHOWN = {  # each regulariser's name as the figures and outputs show it
    "L2 penalty": _("L2 penalty"), "L1 penalty": _("L1 penalty"), "weight decay (AdamW)": _("weight decay (AdamW)"),
    "none": _("none"), "dropout": _("dropout"), "early stopping": _("early stopping"),
    "augmentation": _("augmentation"), "batch normalisation": _("batch normalisation"),
    "label smoothing": _("label smoothing"),
}


def train(net_options: dict, train_options: dict) -> list:
    """The 3 seeded runs of one setting: (history, test accuracy) for each seed."""
    runs = []
    for seed in SEEDS:
        net = make_mlp([64, 256, 10], seed=seed, **net_options)
        history = train_classifier(net, X_train, y_train, X_val, y_val,
                                   Optimization(epochs=100, batch_size=25, lr=1e-2, seed=seed),
                                   Regularizers(**train_options))
        runs.append((history, accuracy(net, X_test, y_test)))
    return runs


def val_acc(runs: list) -> float:
    """Mean validation accuracy over the seeds, at the weights the run ends with."""
    return float(np.mean([h.metrics["val_acc"][h.best_epoch if h.stopped_early else -1] for h, _acc in runs]))


results = {name: train(*options) for name, options in FIXED.items()}
sweeps = {name: {lam: train({}, {option: lam}) for lam in lams} for name, (option, lams) in GRIDS.items()}

# %%
# The network overfits
# --------------------
#
# Without regularisation, the network classifies its 50 training digits perfectly within a few
# epochs (the printed epoch). The validation loss then stops falling and rises again, from its
# printed minimum to its final value, while the validation accuracy goes on rising a little (the
# second printed line, for each seed): the network becomes more and more confident, including on
# the digits it gets wrong, and these confident mistakes raise the loss even as a few more digits
# are classified correctly. The loss and the accuracy do not reach their best at the same epoch.
none = results["none"][0][0]
perfect = int(np.argmax(np.array(none.metrics["train_acc"]) == 1.0))
print(_("no regulariser (seed 0): training accuracy 1.00 from epoch {perfect}; validation loss "
        "{minimum:.3f} at its minimum (epoch {best}), {end:.3f} at the end").format(
    perfect=perfect, minimum=min(none.metrics["val_loss"]), best=none.best_epoch, end=none.metrics["val_loss"][-1]))
at_min = np.array([h.metrics["val_acc"][h.best_epoch] for h, _acc in results["none"]])
at_end = np.array([h.metrics["val_acc"][-1] for h, _acc in results["none"]])
print(_("validation accuracy at the loss minimum {at_min}, at the end {at_end}").format(
    at_min=np.round(at_min, 3), at_end=np.round(at_end, 3)))
assert none.metrics["train_acc"][-1] == 1.0 and perfect < 20
assert none.metrics["val_loss"][-1] > 1.2 * min(none.metrics["val_loss"])
assert np.all(at_end > at_min)

fig, ax = plt.subplots(figsize=(6.0, 5.6))
curves = {SHOWN[name]: runs[0][0] for name, runs in results.items()}
curves |= {SHOWN[name] + _(", {coefficient:g}").format(coefficient=lam): sweeps[name][lam][0][0]
           for name, (_option, lams) in GRIDS.items() for lam in lams[1:2]}
for (name, history), style in zip(curves.items(), ["-"] * 5 + ["--"] * 4):
    ax.plot(history.metrics["val_loss"], style, label=name)
ax.set(xlabel=_("epoch"), ylabel=_("validation loss (cross-entropy)"))
ax.set_ylim(bottom=0)
ax.set_title(_("Validation loss of each regulariser (seed 0)"))
fig.legend(loc="outside lower center", ncol=2, columnspacing=1.0)  # below the axes: narrow enough for a phone
plt.show()

# %%
# Choosing each penalty's coefficient
# -----------------------------------
#
# For each penalty, we keep the coefficient with the best mean validation accuracy over the 3
# seeds (printed below, with the accuracy of no regulariser for comparison). Too large a
# coefficient costs accuracy: for each penalty, the largest coefficient tried is the worst. The
# test set plays no part in this choice.
print(_("penalty                coefficient    val. accuracy"))
print(f"{SHOWN['none']:22s} {'':>11s} {val_acc(results['none']):9.3f}")
chosen = {}
for name, sweep in sweeps.items():
    for lam, runs in sweep.items():
        print(f"{SHOWN[name]:22s} {lam:11.0e} {val_acc(runs):9.3f}")
    chosen[name] = max(sweep, key=lambda lam: val_acc(sweep[lam]))  # ties: the smallest coefficient
    results[name] = sweep[chosen[name]]
    print(f"{'':22s} " + _("chosen: {coefficient:.0e}").format(coefficient=chosen[name]))
for name, (_option, lams) in GRIDS.items():
    assert val_acc(sweeps[name][lams[-1]]) < min(val_acc(sweeps[name][lam]) for lam in lams[:-1]), name

fig, axes = plt.subplots(3, 1, figsize=(6.0, 7.2), sharey=True)  # one above the other: narrow enough for a phone
for ax, (name, sweep) in zip(axes, sweeps.items()):
    lams = list(sweep)
    accs = np.array([[h.metrics["val_acc"][-1] for h, _acc in sweep[lam]] for lam in lams])
    ax.errorbar(lams, accs.mean(axis=1), yerr=accs.std(axis=1), marker="o", capsize=3)
    ax.axhline(val_acc(results["none"]), color="k", linestyle=":", linewidth=1, label=_("no regulariser"))
    ax.plot(chosen[name], val_acc(sweep[chosen[name]]), "o", color=PALETTE[1], markersize=10, label=_("chosen"))
    ax.set(xscale="log", xlabel=_("coefficient"), title=SHOWN[name])
axes[0].set(ylim=(0, 1), yticks=[0, 0.5, 1])
fig.supylabel(_("validation accuracy\n(mean ± std, 3 seeds)"), fontsize="medium")
fig.legend(handles=axes[0].get_legend_handles_labels()[0], loc="outside lower center", ncol=2)  # off the panels
fig.suptitle(_("Each penalty's coefficient,\nchosen on the validation set"))
plt.show()

# %%
# The comparison on the test set
# ------------------------------
#
# For each regulariser (the penalties with their chosen coefficient): the test accuracy (mean and
# standard deviation over the 3 seeds), its difference from no regulariser with the same seed
# (mean and standard deviation of the 3 paired differences, in points of accuracy), the final
# validation loss (early stopping: at the restored epoch) and the number of epochs run. A
# difference within twice its spread between seeds may be the luck of the seeds. The lines after the table
# name the regulariser with the largest mean gain, the regularisers whose gain is larger than
# twice its spread between seeds, those whose change is within twice that spread, and the largest
# change that a tuned penalty makes.
#
# What the run shows: with its coefficient chosen on the validation set, no penalty changes the
# test accuracy by more than a few points (the last printed line), and most regularisers change it
# by less than twice their spread between seeds. Each penalty lowers the validation loss: the
# penalties make the network less over-confident more than they make it more accurate.
# Augmentation's gain is the least consistent from one seed to the next: each seed draws
# different distortions. Early stopping loses accuracy here, by more than twice its spread between
# seeds: it stops at the minimum of the validation loss, while the validation accuracy was still
# rising.
names = list(FIXED)[:1] + list(GRIDS) + list(FIXED)[1:]
test_acc = {name: np.array([a for _history, a in results[name]]) for name in names}
gain = {name: 100 * (test_acc[name] - test_acc["none"]) for name in names}  # points, paired by seed
print(_("regulariser             test accuracy  gain (points) val. loss epochs"))
for name in names:
    val_loss = np.mean([h.metrics["val_loss"][h.best_epoch if h.stopped_early else -1] for h, _acc in results[name]])
    print(f"{SHOWN[name]:22s} {test_acc[name].mean():7.3f} ± {test_acc[name].std():.3f} {gain[name].mean():+6.1f} ± "
          f"{gain[name].std():3.1f} {val_loss:9.3f} {np.mean([h.epochs for h, _acc in results[name]]):6.0f}")
best = max(names[1:], key=lambda name: gain[name].mean())
clear = [name for name in names[1:] if gain[name].mean() > 2 * gain[name].std()]
print(_("largest mean gain:"), SHOWN[best] + _(", {gain:+.1f} points (spread between seeds {spread:.1f})").format(
    gain=gain[best].mean(), spread=gain[best].std()))
within = [name for name in names[1:] if abs(gain[name].mean()) <= 2 * gain[name].std()]
print(_("gains larger than twice their spread:"), ", ".join(SHOWN[name] for name in clear) or _("none"))
print(_("changes within twice their spread:"), ", ".join(SHOWN[name] for name in within) or _("none"))
largest_penalty_gain = max(abs(gain[name].mean()) for name in GRIDS)
print(_("largest change from a tuned penalty: {points:.1f} points").format(points=largest_penalty_gain))
assert largest_penalty_gain < 3, "the text says no tuned penalty changes the accuracy by more than a few points"
final_val_loss = {name: np.mean([h.metrics["val_loss"][-1] for h, _acc in results[name]]) for name in ["none", *GRIDS]}
assert all(final_val_loss[name] < final_val_loss["none"] for name in GRIDS), final_val_loss
assert gain["early stopping"].mean() < -2 * gain["early stopping"].std()
assert len(within) > len(names[1:]) / 2 and "batch normalisation" in within, within
assert max(names[1:], key=lambda name: gain[name].std()) == "augmentation"

# One panel above the other, narrow enough for a phone; each in a subfigure, whose label spans the whole width
# (under the names of the regularisers too).
fig = plt.figure(figsize=(6.0, 7.8))
top, bottom = fig.subfigures(2, 1)
ax0 = top.subplots()
ax1 = bottom.add_subplot(sharey=ax0)
rows = np.arange(len(names))
ax0.barh(rows, [test_acc[n].mean() for n in names], color=PALETTE[0])
ax1.barh(rows, [gain[n].mean() for n in names], xerr=[gain[n].std() for n in names], capsize=3, color=PALETTE[5])
for i, name in enumerate(names):
    ax0.plot(test_acc[name], [i] * len(SEEDS), "k.", markersize=5)
    ax1.plot(gain[name], [i] * len(SEEDS), "k.", markersize=5)
ax0.set_xlim(0, 1)
ax0.set_yticks(rows, [SHOWN[name] for name in names])
ax0.invert_yaxis()
top.supxlabel(_("test accuracy (bar: mean; dots: seeds)"), fontsize="medium")
limit = 1.2 * max(np.abs(g).max() for g in gain.values())
ax1.set_xlim(-limit, limit)
ax1.axvline(0, color="k", linewidth=1)
bottom.supxlabel(_("gain over no regulariser, same seed\n(points; bar: mean ± std; dots: seeds)"), fontsize="medium")
fig.suptitle(_("Test accuracy of the same network,\none regulariser at a time (3 seeds)"))
plt.show()
