"""
Multi-modal learning: fusing an image and a signal
==================================================

Can two different kinds of input predict better than either one? Each of scikit-learn's 1,797
handwritten digits comes here with two modalities: its 8x8 image, made noisy, and a 1-D signal
of 32 samples whose frequency tells the digit only up to five (it cannot tell 2 from 7). Each
modality carries part of the label. We train five networks: one per modality alone, and three
that fuse both, early (concatenated inputs), intermediate (concatenated learned embeddings) and
late (added predictions).
"""

# %%
# Fusion beats each modality alone
# --------------------------------
import matplotlib.pyplot as plt
import numpy as np
import torch

from labkit.i18n import _
from labkit.multi import FUSIONS, FusionNet, fusion_accuracy, make_multimodal_digits, train_fusion
from labkit.plotting import PALETTE, use_style

use_style()
torch.set_num_threads(1)  # one thread: results that do not depend on the number of cores

image, signal, y = make_multimodal_digits(image_noise_std=0.5, signal_noise_std=1.0, seed=0)
train, test = slice(0, 1200), slice(1200, None)
# What the figures call each model, and what the printed lines call it (there, its name in the code).
SHOWN = {"image_only": _("image only"), "signal_only": _("signal only"), "early": _("early"),
         "intermediate": _("intermediate"), "late": _("late")}
PRINTED = {**SHOWN, "image_only": _("image_only"), "signal_only": _("signal_only")}
MISSING = {"image": _("image missing"), "signal": _("signal missing")}

clean_image, clean_signal, _labels = make_multimodal_digits(image_noise_std=0.0, signal_noise_std=0.0, seed=0)
i = int(np.flatnonzero(y == 7)[0])
fig, axes = plt.subplot_mosaic([["clean", "noisy"], ["signal", "signal"]], figsize=(6, 5), height_ratios=[1, 1.3])
for ax, img, title in zip((axes["clean"], axes["noisy"]), (clean_image[i], image[i]), (_("a 7"), _("its noisy image"))):
    ax.imshow(img.reshape(8, 8), cmap="gray_r")
    ax.set_title(title)
    ax.axis("off")
axes["signal"].plot(signal[i], color=PALETTE[5], label=_("its signal"))
axes["signal"].plot(clean_signal[i], color=PALETTE[1], label=_("without noise"))
axes["signal"].set_title(_("3 cycles: the same as for a 2"))
axes["signal"].set_xlabel(_("sample"))
fig.legend(loc="outside lower center", ncol=2)  # below the plot: the noisy signal fills the axes
plt.show()

models = {}
fused = [fusion for fusion, modalities in FUSIONS.items() if len(modalities) == 2]  # early, intermediate, late
for fusion, modalities in FUSIONS.items():
    for dropout in ((0.0, 0.5) if len(modalities) == 2 else (0.0,)):  # modality dropout needs two modalities
        net = FusionNet(64, 32, 10, fusion=fusion, seed=0)
        train_fusion(net, image[train], signal[train], y[train], modality_dropout=dropout, epochs=25)
        models[fusion, dropout] = net

accuracy = {fusion: fusion_accuracy(models[fusion, 0.0], image[test], signal[test], y[test]) for fusion in FUSIONS}
fig, ax = plt.subplots()
ax.bar([SHOWN[f] for f in accuracy], list(accuracy.values()), color=[PALETTE[5]] * 2 + [PALETTE[0]] * 3)
ax.set_ylabel(_("test accuracy"))
ax.set_title(_("Each modality alone, then both fused"))
plt.show()
for fusion, acc in accuracy.items():
    print(_("{fusion:>12}: {acc:.3f}").format(fusion=PRINTED[fusion], acc=acc))
# The signal tells y mod 5: its best guess is the more frequent of the two digits it leaves open.
counts = np.bincount(y[test], minlength=10)
ceiling = np.maximum(counts[:5], counts[5:]).sum() / counts.sum()
print(_("best accuracy possible from the signal alone on this test set: {ceiling:.3f}").format(ceiling=ceiling))
assert accuracy["signal_only"] <= ceiling + 1e-9
assert min(accuracy[f] for f in fused) > max(accuracy["image_only"], accuracy["signal_only"]), \
    "the text says every fusion beats both modalities alone"

# %%
# The image alone is blurred by noise, and the signal alone cannot do better than pick the more
# frequent of the two digits it leaves open: about one chance in two (its ceiling on this test set
# is printed above). Every fusion beats both, because each modality resolves what the other leaves
# open.
#
# A missing modality, with and without modality dropout
# -----------------------------------------------------
#
# In practice a sensor fails, or a text has no image. We feed the missing modality as zeros. A
# network trained with both modalities always present has never seen this; one trained with
# *modality dropout* (half of the training examples lose one modality, chosen at random) has.
rows = []
for missing, alone in (("image", "signal_only"), ("signal", "image_only")):
    for fusion in fused:
        rows.append((missing, fusion, *(fusion_accuracy(models[fusion, p], image[test], signal[test], y[test],
                                                        missing=missing) for p in (0.0, 0.5))))
    print(_("{missing}: the {alone} model scores {acc:.3f}").format(
        missing=MISSING[missing], alone=PRINTED[alone], acc=accuracy[alone]))
    for _missing, fusion, without, with_dropout in rows[-3:]:
        line = _("  {fusion:>12}: {without:.3f} without modality dropout ({gain:+.3f}), {with_:.3f} with ({gain_with:+.3f})")
        print(line.format(fusion=PRINTED[fusion], without=without, gain=without - accuracy[alone],
                          with_=with_dropout, gain_with=with_dropout - accuracy[alone]))
alone_of = {"image": "signal_only", "signal": "image_only"}
loss_without = [accuracy[alone_of[m]] - without for m, _fusion, without, _with in rows]
gap_with = [abs(with_dropout - accuracy[alone_of[m]]) for m, _fusion, _without, with_dropout in rows]
assert max(gap_with) < 0.03, "the text says modality dropout keeps about the accuracy of the remaining modality"
assert sum(loss > 0.02 for loss in loss_without) > len(rows) / 2, "the text says most lose several points without it"

# One panel per missing modality, the three fusions side by side in each.
fig, axes = plt.subplots(2, 1, figsize=(6, 5.6), sharex=True, sharey=True)
positions = np.arange(len(fused))
for ax, missing in zip(axes, MISSING):
    shown = [r for r in rows if r[0] == missing]
    ax.bar(positions - 0.2, [r[2] for r in shown], width=0.4, color=PALETTE[0],
           label=_("trained without modality dropout"))
    ax.bar(positions + 0.2, [r[3] for r in shown], width=0.4, color=PALETTE[1],
           label=_("trained with modality dropout"))
    ax.set_title(MISSING[missing], loc="left")
    ax.set_ylabel(_("test accuracy"))
axes[-1].set_xticks(positions, [SHOWN[f] for f in fused])
fig.suptitle(_("One modality removed at test time"))
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="outside lower center", ncol=1)
plt.show()

# %%
# With modality dropout, each fusion model keeps about the accuracy of the model of the remaining
# modality (within the printed differences); without it, most lose several points, because their
# weights assumed both inputs.
