"""Tests of labkit.multi.multimodal: each modality carries part of the label, fusion beats either one,
modality dropout makes a missing modality survivable, and bad input is rejected."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from labkit.multi import FUSIONS, FusionNet, fusion_accuracy, make_multimodal_digits, multimodal, train_fusion
from contracts import contract_tests, relation_tests
from torchthreads import one_torch_thread  # noqa: F401  (autouse: tiny networks, one thread)


@pytest.fixture(scope="module")
def trained() -> dict:
    image, signal, y = make_multimodal_digits(image_noise_std=0.5, signal_noise_std=1.0, seed=0)
    train, test = slice(0, 1200), slice(1200, None)
    scores = {}
    for fusion, modalities in FUSIONS.items():
        for p in ((0.0, 0.5) if len(modalities) == 2 else (0.0,)):  # modality dropout needs two modalities
            net = FusionNet(64, 32, 10, fusion=fusion)
            train_fusion(net, image[train], signal[train], y[train], modality_dropout=p, epochs=25)
            scores[fusion, p] = {m: fusion_accuracy(net, image[test], signal[test], y[test], missing=m)
                                 for m in (None, "image", "signal")}
    return scores


def test_the_signal_tells_the_label_up_to_five() -> None:
    _, signal, y = make_multimodal_digits(signal_noise_std=0.0)
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
    branches = net.layers.branches
    torch.testing.assert_close(net(image, signal), branches[0](image) + branches[1](signal))


@pytest.mark.parametrize("fusion", list(FUSIONS))
def test_each_fusion_reads_the_modalities_it_names_and_no_other(fusion: str) -> None:
    net = FusionNet(4, 3, 2, fusion=fusion, hidden=5)
    image, signal = torch.randn(6, 4), torch.randn(6, 3)
    logits = net(image, signal)
    for name, changed in (("image", (image + 1.0, signal)), ("signal", (image, signal + 1.0))):
        reads = not torch.equal(net(*changed), logits)
        assert reads == (name in FUSIONS[fusion]), (fusion, name)


@pytest.mark.parametrize("fusion", list(FUSIONS))
def test_the_size_refused_before_building_is_the_size_built(fusion: str) -> None:
    from labkit.multi.multimodal import _FUSIONS

    net = FusionNet(4, 3, 2, fusion=fusion, hidden=5)
    assert sum(p.numel() for p in net.parameters()) == _FUSIONS[fusion].n_weights(4, 3, 5, 2)


def test_training_is_seeded() -> None:
    image, signal, y = make_multimodal_digits()
    runs = []
    for _ in range(2):
        net = FusionNet(64, 32, 10, fusion="early", seed=1)
        runs.append(train_fusion(net, image[:100], signal[:100], y[:100], modality_dropout=0.3, epochs=2).train_loss)
    assert runs[0] == runs[1]


def test_forward_checks_the_feature_counts_naming_the_argument_and_both_sizes() -> None:
    # On the old code: torch's "mat1 and mat2 shapes cannot be multiplied (3x10 and 9x32)".
    net = FusionNet(6, 3, 2)
    with pytest.raises(ValueError, match=r"^signal must have 3 columns \(signal_dim\), got 4$"):
        net(torch.zeros(3, 6), torch.zeros(3, 4))
    with pytest.raises(ValueError, match=r"^image must have 6 columns \(image_dim\), got 5$"):
        FusionNet(6, 3, 2, fusion="late")(torch.zeros(3, 5), torch.zeros(3, 3))
    with pytest.raises(ValueError, match=r"^signal must have one row per row of image \(3\), got 2$"):
        net(torch.zeros(3, 6), torch.zeros(2, 3))


def test_forward_takes_float64_tensors_and_arrays() -> None:
    net = FusionNet(4, 3, 2, fusion="intermediate")
    image, signal = np.random.default_rng(0).normal(size=(5, 4)), np.ones((5, 3))
    expected = net(torch.tensor(image, dtype=torch.float32), torch.tensor(signal, dtype=torch.float32))
    torch.testing.assert_close(net(torch.from_numpy(image), torch.from_numpy(signal)), expected)
    torch.testing.assert_close(net(image, signal), expected)


def test_a_float64_input_beyond_the_model_dtype_is_refused_not_made_inf() -> None:
    net, huge = FusionNet(4, 3, 2), torch.full((5, 4), 1e300, dtype=torch.float64)  # inf in float32
    with pytest.raises(ValueError, match=r"^image must fit in the model's dtype torch.float32, got values up to 1e\+300"):
        net(huge, torch.ones(5, 3))
    with pytest.raises(ValueError, match=r"^signal must fit in the model's dtype torch.float32"):
        net(torch.ones(5, 4), huge[:, :3])


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_a_non_finite_input_is_refused_naming_it_before_any_training(value: float) -> None:
    net = FusionNet(6, 3, 2)
    before = [p.detach().clone() for p in net.parameters()]
    image, signal, y = np.ones((4, 6)), np.ones((4, 3)), np.array([0, 1, 0, 1])
    for kwargs, arg in ((dict(image=np.where(np.eye(4, 6) > 0, value, image), signal=signal), "image"),
                        (dict(image=image, signal=np.where(np.eye(4, 3) > 0, value, signal)), "signal")):
        with pytest.raises(ValueError, match=rf"^{arg} must be .*NaN or inf"):
            train_fusion(net, **kwargs, y=y, epochs=1)
        with pytest.raises(ValueError, match=rf"^{arg} must be .*NaN or inf"):
            fusion_accuracy(net, **kwargs, y=y)
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters()))  # not one step was taken
    # The forward pass refuses them too (on the old code: NaN logits).
    with pytest.raises(ValueError, match=r"^image must be .*NaN or inf"):
        net(torch.full((2, 6), value), torch.ones(2, 3))


def test_numpy_scalars_are_accepted_wherever_python_numbers_are() -> None:
    image, signal, y = make_multimodal_digits()
    net = FusionNet(np.int64(64), np.int64(32), np.int64(10), hidden=np.int64(8), seed=np.int64(1))
    assert (net.image_dim, net.n_classes, type(net.image_dim)) == (64, 10, int)
    history = train_fusion(net, image[:20], signal[:20], y[:20], modality_dropout=np.float32(0.5),
                           epochs=np.int64(1), batch_size=np.int64(10), lr=np.float32(0.01), seed=np.int64(2))
    assert history.epochs == 1
    assert 0.0 <= fusion_accuracy(net, image[:20], signal[:20], y[:20].astype(np.int32)) <= 1.0


def test_a_network_too_large_for_a_laptop_is_refused_before_the_allocator() -> None:
    # On the old code: torch's "DefaultCPUAllocator: can't allocate memory: you tried to allocate 4000012000000 bytes".
    with pytest.raises(ValueError, match=r"FusionNet\(image_dim=1000000, .*hidden=1000000\) asks for .*limit"):
        FusionNet(10**6, 3, 2, hidden=10**6)
    with pytest.raises(ValueError, match=r"fusion='intermediate', hidden=20000\) asks for"):
        FusionNet(3, 3, 2, fusion="intermediate", hidden=20000)  # the 2 hidden x hidden layer of fusion


IMG, SIG, Y = np.zeros((4, 64)), np.zeros((4, 32)), np.array([0, 1, 2, 3])


def small_net() -> FusionNet:
    return FusionNet(64, 32, 10, hidden=4)


VALID_CALLS = {
    "FusionNet": lambda: (FusionNet, dict(image_dim=4, signal_dim=3, n_classes=2, fusion="late", hidden=4, seed=1)),
    "FusionNet.forward": lambda: (FusionNet(4, 3, 2, fusion="intermediate", hidden=4).forward,
                                  dict(image=torch.zeros(5, 4), signal=torch.ones(5, 3))),
    "train_fusion": lambda: (train_fusion, dict(model=small_net(), image=IMG, signal=SIG, y=Y, modality_dropout=0.5,
                                                epochs=1, batch_size=2, lr=0.01, seed=1)),
    "fusion_accuracy": lambda: (fusion_accuracy, dict(model=small_net(), image=IMG, signal=SIG, y=Y, missing="image")),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(multimodal, VALID_CALLS)

# Relations between arguments (the model's sizes, rows against rows, labels against classes) stay inline.
NET = small_net()
BAD_INPUTS = [
    ("FusionNet.forward", NET.forward, dict(image=torch.zeros(2, 64), signal=torch.zeros(2, 31)), ValueError, "signal"),
    ("train_fusion", train_fusion, dict(model=NET, image=IMG[:, :10], signal=SIG, y=Y), ValueError, "image"),
    ("train_fusion", train_fusion, dict(model=NET, image=IMG, signal=SIG[:3], y=Y), ValueError, "signal"),
    ("train_fusion", train_fusion, dict(model=NET, image=IMG, signal=SIG, y=Y[:3]), ValueError, "y"),
    ("train_fusion", train_fusion, dict(model=NET, image=IMG, signal=SIG, y=Y + 7), ValueError, "y"),
    ("fusion_accuracy", fusion_accuracy, dict(model=NET, image=IMG, signal=SIG[:, :5], y=Y), ValueError, "signal"),
    # Round 2 of the probe: refused at the entry, naming this function's argument (not fit's "X").
    ("train_fusion", train_fusion, dict(model=NET, image=np.full(IMG.shape, 1e300), signal=SIG, y=Y), ValueError,
     "image"),
    ("train_fusion", train_fusion, dict(model=NET, image=IMG, signal=SIG, y=Y, batch_size=10**30), ValueError,
     "batch_size"),
    ("FusionNet", lambda: FusionNet(4, 3, 2, seed=2**32), ValueError, "seed"),
]


test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)
