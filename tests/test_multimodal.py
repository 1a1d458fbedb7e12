"""Tests of labkit.multimodal: each modality carries part of the label, fusion beats either one,
modality dropout makes a missing modality survivable, and bad input is rejected."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from labkit import multimodal
from labkit.data import make_multimodal_digits
from labkit.multimodal import FUSIONS, FusionNet, fusion_accuracy, train_fusion
from badinput import bad_input_tests
from torchthreads import one_torch_thread  # noqa: F401  (autouse: tiny networks, one thread)


@pytest.fixture(scope="module")
def trained() -> dict:
    image, signal, y = make_multimodal_digits(image_noise=0.5, signal_noise=1.0, seed=0)
    train, test = slice(0, 1200), slice(1200, None)
    scores = {}
    for fusion in FUSIONS:
        for p in ((0.0,) if fusion.endswith("only") else (0.0, 0.5)):
            net = FusionNet(64, 32, 10, fusion=fusion)
            train_fusion(net, image[train], signal[train], y[train], modality_dropout=p, epochs=25)
            scores[fusion, p] = {m: fusion_accuracy(net, image[test], signal[test], y[test], missing=m)
                                 for m in (None, "image", "signal")}
    return scores


def test_the_signal_tells_the_label_up_to_five() -> None:
    _, signal, y = make_multimodal_digits(signal_noise=0.0)
    spectrum = np.abs(np.fft.rfft(signal - 1.0, axis=1))
    assert np.array_equal(spectrum.argmax(axis=1), 1 + y % 5)  # frequency 1 + y mod 5: y and y + 5 collide


def test_each_fusion_beats_each_single_modality(trained: dict) -> None:
    best_single = max(trained["image_only", 0.0][None], trained["signal_only", 0.0][None])
    assert trained["signal_only", 0.0][None] < 0.55  # the signal alone cannot tell y from y + 5
    for fusion in ("early", "intermediate", "late"):
        assert trained[fusion, 0.0][None] > best_single + 0.05, fusion


def test_modality_dropout_makes_a_missing_modality_survivable(trained: dict) -> None:
    for missing, alone in (("image", "signal_only"), ("signal", "image_only")):
        single = trained[alone, 0.0][None]
        with_dropout = [trained[f, 0.5][missing] for f in ("early", "intermediate", "late")]
        without = [trained[f, 0.0][missing] for f in ("early", "intermediate", "late")]
        assert np.mean(with_dropout) > np.mean(without), missing
        assert min(with_dropout) > single - 0.03, missing  # as good as the model of the remaining modality


def test_late_fusion_adds_the_logits_of_each_modality() -> None:
    net = FusionNet(4, 3, 2, fusion="late")
    image, signal = torch.randn(5, 4), torch.randn(5, 3)
    torch.testing.assert_close(net(image, signal), net.branches[0](image) + net.branches[1](signal))


def test_training_is_seeded() -> None:
    image, signal, y = make_multimodal_digits()
    runs = []
    for _ in range(2):
        net = FusionNet(64, 32, 10, fusion="early", seed=1)
        runs.append(train_fusion(net, image[:100], signal[:100], y[:100], modality_dropout=0.3, epochs=2).train_loss)
    assert runs[0] == runs[1]


IMG, SIG, Y = np.zeros((4, 64)), np.zeros((4, 32)), np.array([0, 1, 2, 3])
NET = FusionNet(64, 32, 10)
BAD_INPUTS = [
    ("FusionNet", FusionNet, dict(image_dim=0, signal_dim=3, n_classes=2), ValueError, "image_dim"),
    ("FusionNet", FusionNet, dict(image_dim=4, signal_dim=3.0, n_classes=2), TypeError, "signal_dim"),
    ("FusionNet", FusionNet, dict(image_dim=4, signal_dim=3, n_classes=1), ValueError, "n_classes"),
    ("FusionNet", FusionNet, dict(image_dim=4, signal_dim=3, n_classes=2, fusion="middle"), ValueError, "fusion"),
    ("FusionNet", FusionNet, dict(image_dim=4, signal_dim=3, n_classes=2, hidden=0), ValueError, "hidden"),
    ("train_fusion", train_fusion, dict(model="net", image=IMG, signal=SIG, y=Y), TypeError, "model"),
    ("train_fusion", train_fusion, dict(model=NET, image=IMG[:, :10], signal=SIG, y=Y), ValueError, "image"),
    ("train_fusion", train_fusion, dict(model=NET, image=IMG, signal=SIG[:3], y=Y), ValueError, "signal"),
    ("train_fusion", train_fusion, dict(model=NET, image=IMG, signal=SIG, y=Y[:3]), ValueError, "y"),
    ("train_fusion", train_fusion, dict(model=NET, image=IMG, signal=SIG, y=Y + 7), ValueError, "y"),
    ("train_fusion", train_fusion, dict(model=NET, image=IMG, signal=SIG, y=Y, modality_dropout=1.0), ValueError,
     "modality_dropout"),
    ("train_fusion", train_fusion, dict(model=NET, image=IMG, signal=SIG, y=Y, lr=-1.0), ValueError, "lr"),
    ("fusion_accuracy", fusion_accuracy, dict(model=NET, image=IMG, signal=SIG, y=Y, missing="audio"), ValueError,
     "missing"),
    ("fusion_accuracy", fusion_accuracy, dict(model=NET, image=IMG, signal=SIG, y=Y * 1.0), TypeError, "y"),
]


(test_bad_input_is_rejected_with_a_message_naming_the_argument,
 test_bad_input_table_covers_every_public_callable) = bad_input_tests(BAD_INPUTS, multimodal)
