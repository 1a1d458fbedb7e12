"""Tests of labkit.autoencoders: PCA as the linear optimum, the VAE's KL term, shapes, seeds, bad input."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image
from scipy.linalg import subspace_angles
from sklearn.decomposition import PCA

from labkit import autoencoders
from labkit.autoencoders import (
    ConvAutoencoder, DenoisingAutoencoder, DenseAutoencoder, VariationalAutoencoder, add_noise, decode,
    decoder_bytes, encode, gaussian_blur, interpolate, jpeg_roundtrip, kl_divergence, pca_reconstruct, psnr,
    quantize, rate_at_error, reconstruct, reconstruction_error, sample, train_autoencoder,
)
from labkit.data import load_digits_split
from contracts import contract_tests, relation_tests


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    # These models are tiny: one thread is faster, and the results do not depend on it.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, ...]:
    return load_digits_split(seed=0)


# -- the linear autoencoder is PCA (Baldi & Hornik, 1989) ---------------------------------------------
@pytest.mark.parametrize("k", [4, 8])
def test_linear_autoencoder_reaches_pca_error_and_spans_its_subspace(digits, k: int) -> None:
    X_train = digits[0]
    model = DenseAutoencoder(64, code_size=k, hidden_sizes=[], activation="linear", seed=0)
    train_autoencoder(model, X_train, epochs=300, batch_size=len(X_train), lr=2e-2)
    ae_error = reconstruction_error(X_train, reconstruct(model, X_train)).mean()
    pca_error = reconstruction_error(X_train, pca_reconstruct(X_train, X_train, k)).mean()
    assert pca_error <= ae_error * (1 + 1e-5)  # PCA is the optimum: no linear code does better
    assert ae_error < pca_error * 1.002
    decoder = model.decoder[0].weight.detach().double().numpy()  # (64, k): its columns span the code's image
    angles = np.degrees(subspace_angles(decoder, PCA(k).fit(X_train).components_.T))
    assert angles.max() < 2.0


def test_nonlinear_autoencoder_beats_pca_with_a_tiny_code(digits) -> None:
    X_train, X_test = digits[0], digits[1]
    model = DenseAutoencoder(64, code_size=2, hidden_sizes=[128], seed=0)
    train_autoencoder(model, X_train, epochs=40, batch_size=128, lr=3e-3)
    ae_error = reconstruction_error(X_test, reconstruct(model, X_test)).mean()
    assert ae_error < 0.85 * reconstruction_error(X_test, pca_reconstruct(X_train, X_test, 2)).mean()


def test_conv_autoencoder_beats_pca_with_fewer_weights_than_the_dense_one(digits) -> None:
    X_train, X_test = digits[0], digits[1]
    conv = ConvAutoencoder(code_size=8, seed=0)
    train_autoencoder(conv, X_train, epochs=40, batch_size=128, lr=3e-3)
    error = reconstruction_error(X_test, reconstruct(conv, X_test)).mean()
    assert error < 0.95 * reconstruction_error(X_test, pca_reconstruct(X_train, X_test, 8)).mean()
    dense = DenseAutoencoder(64, code_size=8, hidden_sizes=[128])
    assert 2 * sum(p.numel() for p in conv.parameters()) < sum(p.numel() for p in dense.parameters())


# -- the VAE ------------------------------------------------------------------------------------------
@settings(deadline=None, derandomize=True, max_examples=25)
@given(st.integers(1, 5), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_kl_divergence_equals_torch_distributions(n: int, k: int, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    mu, logvar = 3 * torch.randn(n, k, generator=g, dtype=torch.float64), 2 * torch.randn(n, k, generator=g, dtype=torch.float64)
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    expected = torch.distributions.kl_divergence(q, p).sum(dim=1)
    torch.testing.assert_close(kl_divergence(mu, logvar), expected, rtol=1e-10, atol=1e-12)
    assert torch.all(kl_divergence(mu, logvar) >= 0)


def test_vae_loss_is_reconstruction_plus_beta_kl() -> None:
    vae = VariationalAutoencoder(16, code_size=3, hidden_sizes=[8], beta=0.5, seed=0)
    x = torch.rand(6, 16, generator=torch.Generator().manual_seed(1))
    eps = torch.randn(6, 3, generator=torch.Generator().manual_seed(0))  # the model's first draw
    mu, logvar = vae.encode_distribution(x)
    logits = vae.decoder(mu + torch.exp(0.5 * logvar) * eps)
    recon = -(x * torch.log(torch.sigmoid(logits)) + (1 - x) * torch.log(1 - torch.sigmoid(logits))).sum(dim=1)
    expected = (recon + 0.5 * kl_divergence(mu, logvar)).mean()
    torch.testing.assert_close(vae.loss(x), expected, rtol=1e-5, atol=1e-5)


def test_sampling_is_seeded_and_decodes_prior_draws() -> None:
    vae = VariationalAutoencoder(64, code_size=2, seed=0)
    a, b, c = sample(vae, 5, seed=3), sample(vae, 5, seed=3), sample(vae, 5, seed=4)
    assert a.shape == (5, 64) and np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.all((a >= 0) & (a <= 1))
    z = torch.randn(5, 2, generator=torch.Generator().manual_seed(3)).numpy()
    np.testing.assert_array_equal(a, decode(vae, z))


def test_training_is_deterministic(digits) -> None:
    X = digits[0][:200]
    runs = []
    for _ in range(2):
        model = VariationalAutoencoder(64, code_size=2, hidden_sizes=[16], seed=5)
        history = train_autoencoder(model, X, epochs=3, batch_size=50, seed=1, X_val=X[:20])
        runs.append((history, [p.detach().clone() for p in model.parameters()]))
    assert runs[0][0].train_loss == runs[1][0].train_loss
    assert runs[0][0].metrics == runs[1][0].metrics
    assert all(torch.equal(p, q) for p, q in zip(runs[0][1], runs[1][1]))


# -- denoising: noise at training only -----------------------------------------------------------------
def test_denoising_noise_is_applied_in_training_mode_only() -> None:
    model = DenoisingAutoencoder(64, code_size=96, noise_std=0.5, seed=0)  # overcomplete is allowed
    x = torch.rand(4, 64, generator=torch.Generator().manual_seed(0))
    model.eval()
    clean = model(x)
    assert torch.equal(clean, model.decode(model.encode(x)))
    np.testing.assert_allclose(reconstruct(model, x.numpy()), clean.detach().numpy(), rtol=1e-6)
    model.train()
    assert not torch.allclose(model(x), clean)
    assert torch.equal(DenoisingAutoencoder(64, 8, noise_std=0.0).train()(x), DenoisingAutoencoder(64, 8, noise_std=0.0).eval()(x))


def test_denoising_autoencoder_removes_noise(digits) -> None:
    X_train, X_test = digits[0], digits[1]
    model = DenoisingAutoencoder(64, code_size=64, hidden_sizes=[128], noise_std=0.3, seed=0)
    train_autoencoder(model, X_train, epochs=20, batch_size=128, lr=3e-3)
    noisy = add_noise(X_test, 0.3, seed=1)
    assert psnr(X_test, reconstruct(model, noisy)) > psnr(X_test, noisy) + 2.0


# -- shapes and the mean -------------------------------------------------------------------------------
@pytest.mark.parametrize("model", [DenseAutoencoder(64, 5, seed=0), DenoisingAutoencoder(64, 5, seed=0),
                                   ConvAutoencoder(5, seed=0), VariationalAutoencoder(64, 5, seed=0)],
                         ids=["dense", "denoising", "conv", "vae"])
def test_shapes_of_encode_decode_reconstruct_interpolate(model) -> None:
    X = np.random.default_rng(0).random((7, 64))
    Z = encode(model, X)
    assert Z.shape == (7, 5) and Z.dtype == np.float64
    assert decode(model, Z).shape == reconstruct(model, X).shape == (7, 64)
    np.testing.assert_allclose(reconstruct(model, X), decode(model, Z), rtol=1e-5, atol=1e-6)
    path = interpolate(model, X[0], X[1], steps=4)
    assert path.shape == (4, 64)
    np.testing.assert_allclose(path[[0, -1]], reconstruct(model, X[:2]), rtol=1e-5, atol=1e-6)


def test_conv_autoencoder_takes_flat_rows_or_images() -> None:
    model = ConvAutoencoder(4, seed=0)
    x = torch.rand(3, 64, generator=torch.Generator().manual_seed(0))
    assert torch.equal(model.encode(x), model.encode(x.reshape(3, 1, 8, 8)))
    with pytest.raises(ValueError, match="8x8"):
        model.encode(torch.rand(3, 1, 7, 7))


def test_dense_model_codes_the_deviation_from_the_training_mean(digits) -> None:
    X = digits[0]
    model = DenseAutoencoder(64, 3, hidden_sizes=[], activation="linear", seed=0)
    train_autoencoder(model, X, epochs=1, batch_size=len(X))
    np.testing.assert_allclose(model.mean.numpy(), X.mean(axis=0), rtol=1e-6)
    zero = torch.zeros(1, 3)
    with torch.no_grad():  # the zero code decodes to the mean plus the decoder's bias
        np.testing.assert_allclose(model.decode(zero)[0], model.mean + model.decoder[0].bias, rtol=1e-6)


def test_same_seed_same_initial_weights_and_global_rng_untouched() -> None:
    state = torch.get_rng_state()
    a, b, c = ConvAutoencoder(6, seed=1), ConvAutoencoder(6, seed=1), ConvAutoencoder(6, seed=2)
    assert torch.equal(torch.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not all(torch.equal(p, q) for p, q in zip(a.parameters(), c.parameters()))


# -- the measures --------------------------------------------------------------------------------------
images = arrays(np.float64, st.tuples(st.integers(1, 6), st.just(16)), elements=st.floats(0, 1))


@settings(deadline=None, derandomize=True, max_examples=30)
@given(images, images)
def test_reconstruction_error_and_psnr_closed_forms(X, Y) -> None:
    n = min(len(X), len(Y))
    X, Y = X[:n], Y[:n]
    errors = reconstruction_error(X, Y)
    np.testing.assert_allclose(errors, [np.mean((x - y) ** 2) for x, y in zip(X, Y)])
    mse = np.mean((X - Y) ** 2)
    if mse > 0:
        assert psnr(X, Y) == pytest.approx(10 * np.log10(1 / mse))
    assert psnr(X, X) == float("inf")


def test_psnr_of_a_constant_offset() -> None:
    X = np.zeros((3, 8))
    assert psnr(X, X + 0.01) == pytest.approx(40.0)
    assert psnr(X, X + 2.0, peak=4.0) == pytest.approx(20 * np.log10(2.0))


@settings(deadline=None, derandomize=True, max_examples=30)
@given(arrays(np.float64, (5, 3), elements=st.floats(-3, 3)), st.integers(1, 8))
def test_quantize_rounds_to_the_nearest_of_2_power_bits_levels(Z, bits) -> None:
    low, high = np.full(3, -3.0), np.full(3, 3.0)
    Zq = quantize(Z, bits, low, high)
    step = 6.0 / (2**bits - 1)
    assert np.all(np.abs(Zq - Z) <= step / 2 + 1e-12)
    for column in Zq.T:
        np.testing.assert_allclose((column + 3.0) / step, np.round((column + 3.0) / step), atol=1e-9)
    np.testing.assert_allclose(quantize(Zq, bits, low, high), Zq, atol=1e-12)  # levels are fixed points


def test_pca_reconstruct_is_the_projection_on_the_top_singular_vectors() -> None:
    X = np.random.default_rng(0).normal(size=(40, 6)) @ np.diag([5, 4, 3, 1, 0.5, 0.1])
    mean = X.mean(axis=0)
    V = np.linalg.svd(X - mean)[2][:3].T
    np.testing.assert_allclose(pca_reconstruct(X, X[:5], 3), (X[:5] - mean) @ V @ V.T + mean, atol=1e-10)


def test_add_noise_is_seeded_clipped_and_has_the_requested_spread() -> None:
    X = np.full((200, 64), 0.5)
    noisy = add_noise(X, 0.1, seed=0)
    assert np.array_equal(noisy, add_noise(X, 0.1, seed=0)) and not np.array_equal(noisy, add_noise(X, 0.1, seed=1))
    assert np.std(noisy - X) == pytest.approx(0.1, rel=0.02)
    assert add_noise(X, 1.0).min() == 0.0 and add_noise(X, 1.0).max() == 1.0
    np.testing.assert_array_equal(add_noise(X, 0.0), X)


def test_jpeg_roundtrip_matches_pillow_and_improves_with_quality(digits) -> None:
    X = digits[1][:20]
    errors = []
    for q in (10, 50, 95):
        decoded, file_bytes, data_bytes = jpeg_roundtrip(X, quality=q)
        errors.append(reconstruction_error(X, decoded).mean())
        assert np.all(data_bytes < file_bytes) and np.all(file_bytes - data_bytes > 200)  # headers: tables
        buffer = io.BytesIO()
        Image.fromarray(np.round(X[0].reshape(8, 8) * 255).astype(np.uint8)).save(buffer, "JPEG", quality=q)
        assert file_bytes[0] == len(buffer.getvalue())
        np.testing.assert_array_equal(decoded[0] * 255, np.asarray(Image.open(buffer), dtype=np.float64).ravel())
    assert errors[0] > errors[1] > errors[2] and errors[2] < 1e-4


@given(st.floats(0.5, 5.0), st.floats(1.0, 10.0), st.floats(0.05, 0.95), st.permutations(range(5)))
@settings(max_examples=30, deadline=None)
def test_rate_at_error_inverts_an_exponential_curve_whatever_the_order(scale, rate, fraction, order) -> None:
    # error = scale * exp(-rate / 10): linear in log error, so the interpolation is exact.
    rates = np.array([0.0, 5.0, 10.0, 20.0, 40.0])
    errors = scale * np.exp(-rates / 10)
    target_rate = 40.0 * fraction
    found = rate_at_error(rates[list(order)], errors[list(order)], scale * np.exp(-target_rate / 10))
    assert found == pytest.approx(target_rate, rel=1e-9)


def test_rate_at_error_reads_the_first_crossing_and_refuses_targets_off_the_curve() -> None:
    assert rate_at_error([1, 2, 3], [0.1, 0.01, 0.001], 0.01) == pytest.approx(2.0)
    assert rate_at_error([1, 2, 3], [0.1, 0.0, 0.0], 0.05) == pytest.approx(1.0, abs=0.01)  # zero error: no log(0)
    for target in (0.5, 1e-4):  # above the first point, below the best point
        with pytest.raises(ValueError, match="target"):
            rate_at_error([1, 2, 3], [0.1, 0.01, 0.001], target)


def test_gaussian_blur_matches_scipy_image_by_image_and_keeps_constants(digits) -> None:
    from scipy.ndimage import gaussian_filter

    X = digits[1][:5]
    blurred = gaussian_blur(X, 0.7)
    for row, out in zip(X, blurred):
        np.testing.assert_allclose(out, gaussian_filter(row.reshape(8, 8), 0.7, mode="reflect").ravel())
    np.testing.assert_allclose(gaussian_blur(np.full((2, 64), 0.3), 2.0), 0.3)


def test_decoder_bytes_counts_the_decoder_and_the_mean_only() -> None:
    dense = DenseAutoencoder(64, code_size=8, hidden_sizes=[128], seed=0)
    expected = (8 * 128 + 128) + (128 * 64 + 64) + 64  # two layers and the mean image
    assert decoder_bytes(dense) == 4 * expected and decoder_bytes(dense, bytes_per_weight=2) == 2 * expected
    conv = ConvAutoencoder(8)
    assert decoder_bytes(conv) == 4 * sum(p.numel() for p in conv.decoder.parameters())


# -- declared contracts ----------------------------------------------------------------------------------
def tiny(kind: str = "dense"):
    """A small model of each kind: 8 inputs (64 for the convolutional one), a code of 2."""
    return {"dense": lambda: DenseAutoencoder(8, code_size=2, hidden_sizes=[4], seed=0),
            "denoising": lambda: DenoisingAutoencoder(8, code_size=2, hidden_sizes=[4], noise_std=0.2, seed=0),
            "conv": lambda: ConvAutoencoder(code_size=2, seed=0),
            "vae": lambda: VariationalAutoencoder(8, code_size=2, hidden_sizes=[4], seed=0)}[kind]()


def batch(n_cols: int = 8) -> torch.Tensor:
    return torch.rand(3, n_cols, generator=torch.Generator().manual_seed(0))


X8 = np.random.default_rng(0).random((4, 8))
CLASSES = {"DenseAutoencoder": "dense", "DenoisingAutoencoder": "denoising", "ConvAutoencoder": "conv",
           "VariationalAutoencoder": "vae"}


def method_calls(cls: str) -> dict:
    kind = CLASSES[cls]
    width = 64 if kind == "conv" else 8
    out = {f"{cls}.{m}": (lambda m=m: (getattr(tiny(kind), m), dict(x=batch(width))))
           for m in ("encode", "forward", "loss")}
    out[f"{cls}.decode"] = lambda: (tiny(kind).decode, dict(z=batch(2)))
    if kind == "vae":
        out[f"{cls}.encode_distribution"] = lambda: (tiny(kind).encode_distribution, dict(x=batch(8)))
    return out


VALID_CALLS = {
    "DenseAutoencoder": lambda: (DenseAutoencoder, dict(n_inputs=8, code_size=2, hidden_sizes=[4], activation="tanh",
                                                        seed=1)),
    "DenoisingAutoencoder": lambda: (DenoisingAutoencoder, dict(n_inputs=8, code_size=12, hidden_sizes=[4],
                                                                activation="relu", seed=1, noise_std=0.2)),
    "ConvAutoencoder": lambda: (ConvAutoencoder, dict(code_size=4, seed=1)),
    "VariationalAutoencoder": lambda: (VariationalAutoencoder, dict(n_inputs=8, code_size=2, hidden_sizes=[4], beta=0.5,
                                                                    seed=1)),
    **{k: v for cls in CLASSES for k, v in method_calls(cls).items()},
    "kl_divergence": lambda: (kl_divergence, dict(mu=torch.zeros(2, 3), logvar=torch.ones(2, 3))),
    "train_autoencoder": lambda: (train_autoencoder, dict(model=tiny(), X=X8, epochs=1, batch_size=2, lr=0.01, seed=1,
                                                          X_val=X8[:2])),
    "encode": lambda: (encode, dict(model=tiny(), X=X8)),
    "decode": lambda: (decode, dict(model=tiny(), Z=np.zeros((3, 2)))),
    "reconstruct": lambda: (reconstruct, dict(model=tiny(), X=X8)),
    "sample": lambda: (sample, dict(model=tiny("vae"), n=3, seed=1)),
    "interpolate": lambda: (interpolate, dict(model=tiny(), x_start=X8[0], x_end=X8[1], steps=3)),
    "decoder_bytes": lambda: (decoder_bytes, dict(model=tiny(), bytes_per_weight=2)),
    "reconstruction_error": lambda: (reconstruction_error, dict(X=X8, X_hat=X8 + 0.1)),
    "psnr": lambda: (psnr, dict(X=X8, X_hat=X8 + 0.1, peak=2.0)),
    "add_noise": lambda: (add_noise, dict(X=X8, noise_std=0.2, seed=1)),
    "pca_reconstruct": lambda: (pca_reconstruct, dict(X_fit=X8, X=X8[:2], code_size=2)),
    "quantize": lambda: (quantize, dict(Z=np.zeros((3, 2)), bits=3, low=np.full(2, -1.0), high=np.ones(2))),
    "jpeg_roundtrip": lambda: (jpeg_roundtrip, dict(X=np.full((2, 16), 0.5), quality=50, side=4)),
    "rate_at_error": lambda: (rate_at_error, dict(rates=[10, 20, 40], errors=[0.04, 0.01, 0.001], target=0.02)),
    "gaussian_blur": lambda: (gaussian_blur, dict(X=np.full((2, 16), 0.5), sigma=0.7, side=4)),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(autoencoders, VALID_CALLS)

# Relations between arguments (a model's sizes, shapes that must agree) stay checked inline.
X64 = np.zeros((3, 64))
BAD_INPUTS = [
    ("DenseAutoencoder", DenseAutoencoder, dict(n_inputs=64, code_size=64), ValueError, "code_size"),
    ("VariationalAutoencoder", VariationalAutoencoder, dict(code_size=80), ValueError, "code_size"),
    ("ConvAutoencoder.encode", lambda **kw: tiny("conv").encode(**kw), dict(x=torch.zeros(2, 1, 7, 7)),
     ValueError, "x"),
    ("kl_divergence", kl_divergence, dict(mu=torch.zeros(2, 2), logvar=torch.zeros(2, 3)), ValueError, "logvar"),
    ("train_autoencoder", train_autoencoder, dict(model=DenseAutoencoder(), X=np.zeros((3, 60))), ValueError, "X"),
    ("train_autoencoder", train_autoencoder, dict(model=DenseAutoencoder(), X=X64, X_val=np.zeros((2, 8))),
     ValueError, "X_val"),
    ("train_autoencoder", train_autoencoder, dict(model=tiny("vae"), X=np.full((3, 8), 2.0)), ValueError, "X"),
    ("train_autoencoder", train_autoencoder, dict(model=tiny("vae"), X=np.zeros((3, 8)), X_val=np.full((2, 8), -1.0)),
     ValueError, "X_val"),
    ("decode", decode, dict(model=DenseAutoencoder(code_size=8), Z=np.zeros((3, 4))), ValueError, "Z"),
    ("reconstruct", reconstruct, dict(model=DenseAutoencoder(), X=np.zeros((2, 63))), ValueError, "X"),
    ("interpolate", interpolate, dict(model=DenseAutoencoder(), x_start=np.zeros(63), x_end=np.zeros(64)),
     ValueError, "x_start"),
    ("reconstruction_error", reconstruction_error, dict(X=X64, X_hat=np.zeros((3, 63))), ValueError, "X_hat"),
    ("pca_reconstruct", pca_reconstruct, dict(X_fit=X64, X=X64, code_size=4), ValueError, "code_size"),
    ("pca_reconstruct", pca_reconstruct, dict(X_fit=X64, X=np.zeros((2, 8)), code_size=1), ValueError, "X"),
    ("quantize", quantize, dict(Z=np.zeros((2, 2)), bits=4, low=1.0, high=1.0), ValueError, "high"),
    ("quantize", quantize, dict(Z=np.zeros((2, 2)), bits=4, low=np.zeros(3), high=1.0), ValueError, "low"),
    ("jpeg_roundtrip", jpeg_roundtrip, dict(X=X64, quality=50, side=7), ValueError, "X"),
    ("rate_at_error", rate_at_error, dict(rates=[1, 2, 3], errors=[0.1, 0.01], target=0.05), ValueError, "errors"),
    ("gaussian_blur", gaussian_blur, dict(X=np.zeros((3, 60)), sigma=1.0), ValueError, "X"),
    ("gaussian_blur", gaussian_blur, dict(X=X64, sigma=1e9), ValueError, "sigma"),
    # Round 2 of the probe: refused at the entry, naming this function's argument.
    ("train_autoencoder", lambda: train_autoencoder(tiny(), X8, epochs=1, batch_size=10**30), ValueError,
     "batch_size"),
    ("train_autoencoder", lambda: train_autoencoder(tiny(), X8, epochs=1, seed=2**32), ValueError, "seed"),
    ("encode", lambda: encode(tiny(), np.full((3, 8), 1e300)), ValueError, "X"),
    ("pca_reconstruct", pca_reconstruct, dict(X_fit=X64[:1], X=X64, code_size=1), ValueError, "X_fit"),
    ("rate_at_error", rate_at_error, dict(rates=[2, 1], errors=[0.1, 0.01], target=0.05), ValueError, "rates"),
]


test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)


# -- named defects of the audit -------------------------------------------------------------------------
def with_nan(shape: tuple[int, ...], value: float = np.nan) -> np.ndarray:
    X = np.full(shape, 0.5)
    X.flat[3] = value
    return X


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_jpeg_of_an_image_holding_nan_or_inf_is_refused_not_a_black_image(value) -> None:
    with pytest.raises(ValueError, match=r"^X must be .*NaN or inf"):
        jpeg_roundtrip(with_nan((2, 64), value), quality=50)


@pytest.mark.parametrize("measure, kwargs, arg", [
    (reconstruction_error, dict(X=np.zeros((2, 64)), X_hat=with_nan((2, 64))), "X_hat"),
    (psnr, dict(X=with_nan((2, 64)), X_hat=np.zeros((2, 64))), "X"),
    (add_noise, dict(X=with_nan((2, 64)), noise_std=0.1), "X"),
    (pca_reconstruct, dict(X_fit=np.eye(8), X=with_nan((2, 8)), code_size=2), "X"),
    (gaussian_blur, dict(X=with_nan((2, 64)), sigma=1.0), "X"),
    (rate_at_error, dict(rates=[1.0, np.nan, 3.0], errors=[0.1, 0.01, 0.001], target=0.05), "rates"),
    (quantize, dict(Z=with_nan((2, 4)), bits=2, low=0.0, high=1.0), "Z"),
    (quantize, dict(Z=np.zeros((2, 4)), bits=2, low=-np.inf, high=1.0), "low"),
    (kl_divergence, dict(mu=torch.full((2, 2), float("nan")), logvar=torch.zeros(2, 2)), "mu"),
], ids=["reconstruction_error", "psnr", "add_noise", "pca_reconstruct", "gaussian_blur", "rate_at_error",
        "quantize-Z", "quantize-range", "kl_divergence"])
def test_every_measure_refuses_nan_or_inf_naming_the_argument(measure, kwargs, arg) -> None:
    with pytest.raises(ValueError, match=rf"^{arg} must be .*NaN or inf"):
        measure(**kwargs)


@pytest.mark.parametrize("X, X_val, arg", [(with_nan((6, 8)), None, "X"),
                                            (np.zeros((6, 8)), with_nan((2, 8)), "X_val")])
def test_training_refuses_nan_before_any_epoch(X, X_val, arg) -> None:
    model = tiny()
    before = [p.detach().clone() for p in model.parameters()]
    with pytest.raises(ValueError, match=rf"^{arg} must be .*NaN or inf"):
        train_autoencoder(model, X, epochs=2, batch_size=2, X_val=X_val)
    assert all(torch.equal(p, q) for p, q in zip(before, model.parameters()))  # no step was taken


@pytest.mark.parametrize("kind", list(CLASSES.values()))
def test_forward_refuses_a_row_of_the_wrong_size_naming_x_and_both_sizes(kind) -> None:
    model = tiny(kind)
    n_inputs = model.n_inputs
    for call in (model, model.encode, model.loss):
        with pytest.raises(ValueError, match=rf"^x must have {n_inputs} columns.*got {n_inputs - 1}\b"):
            call(torch.zeros(2, n_inputs - 1))
    with pytest.raises(ValueError, match=rf"^z must have 2 columns.*got 3\b"):
        model.decode(torch.zeros(2, 3))
    with pytest.raises(ValueError, match=r"^x must be a .*tensor.*NaN or inf"):
        model(torch.full((2, n_inputs), float("nan")))
    if kind != "conv":  # the convolutional model also takes (n, 1, 8, 8) images
        with pytest.raises(ValueError, match=r"^x must be a 2-D tensor"):
            model(torch.zeros(n_inputs))


def test_forward_takes_float64_tensors_and_arrays_in_the_model_dtype() -> None:
    model = tiny().eval()
    x = batch(8)
    expected = model(x)
    torch.testing.assert_close(model(x.double()), expected)
    torch.testing.assert_close(model(x.numpy()), expected)


@pytest.mark.parametrize("model", [DenseAutoencoder(64, 8), ConvAutoencoder(4), VariationalAutoencoder(64, 2)],
                         ids=["dense", "conv", "vae"])
def test_a_float64_input_beyond_the_model_dtype_is_refused_not_made_inf(model) -> None:
    huge = torch.full((2, 64), 1e300, dtype=torch.float64)  # finite in float64, inf in float32
    for method in (model.forward, model.encode, model.loss):
        with pytest.raises(ValueError, match=r"^x must fit in the model's dtype torch.float32, got values up to 1e\+300"):
            method(huge)
    with pytest.raises(ValueError, match=r"^z must fit in the model's dtype torch.float32"):
        model.decode(torch.full((2, model.code_size), 1e300, dtype=torch.float64))


def test_numpy_scalars_and_meaningful_zeros_are_accepted() -> None:
    X = np.random.default_rng(0).random((4, 64))
    np.testing.assert_array_equal(add_noise(X, np.float32(0.0)), X)  # no noise at all
    assert DenoisingAutoencoder(np.int64(8), np.int64(4), hidden_sizes=[np.int64(4)], noise_std=np.float32(0.0)).noise_std == 0.0
    assert VariationalAutoencoder(8, code_size=2, hidden_sizes=[4], beta=0).beta == 0.0  # KL weight 0: no prior
    np.testing.assert_allclose(gaussian_blur(X, 0), X)  # no blur
    np.testing.assert_allclose(gaussian_blur(X, np.float32(0.5), side=np.int64(8)), gaussian_blur(X, 0.5))
    assert quantize(np.zeros((1, 2)), np.int64(2), np.float32(-1), np.float32(1)).shape == (1, 2)
    assert jpeg_roundtrip(X, np.int64(50))[0].shape == X.shape
    assert sample(VariationalAutoencoder(8, 2, hidden_sizes=[4]), np.int64(2), seed=np.int64(1)).shape == (2, 8)


def test_psnr_of_a_huge_peak_is_computed_in_logarithms_not_an_overflow() -> None:
    # On the old code: OverflowError (34, 'Numerical result out of range') from peak**2.
    X = np.zeros((1, 4))
    assert psnr(X, X + 0.1, peak=1e308) == pytest.approx(20 * 308 + 20.0)
    assert psnr(X, X + 0.1, peak=np.float32(2.0)) == pytest.approx(20 * np.log10(2.0) + 20.0)


def test_data_beyond_float32_is_refused_naming_the_caller_argument() -> None:
    # On the old code: the value became inf in float32, and fit refused "a loss of nan" (naming no argument)
    # or encode returned NaN codes.
    for call, arg in ((lambda: train_autoencoder(tiny(), np.full((3, 8), 1e39), epochs=1), "X"),
                      (lambda: train_autoencoder(tiny(), X8, epochs=1, X_val=np.full((2, 8), -1e39)), "X_val"),
                      (lambda: decode(tiny(), np.full((3, 2), 1e39)), "Z"),
                      (lambda: interpolate(tiny(), np.full(8, 1e39), X8[0]), "x_start")):
        with pytest.raises(ValueError, match=rf"^{arg} must be .*fit in float32"):
            call()


@pytest.mark.parametrize("make, arg", [
    (lambda: DenseAutoencoder(64, code_size=8, hidden_sizes=[10**11]), "hidden_sizes"),
    (lambda: DenseAutoencoder(2**27, code_size=8, hidden_sizes=[]), "n_inputs"),
    (lambda: DenoisingAutoencoder(64, code_size=2**23, hidden_sizes=[64]), "code_size"),
    (lambda: VariationalAutoencoder(64, code_size=2, hidden_sizes=[10**11]), "hidden_sizes"),
    (lambda: sample(VariationalAutoencoder(8, 2, hidden_sizes=[4]), 2**26), "n"),
    (lambda: interpolate(DenseAutoencoder(8, 2, hidden_sizes=[4]), np.zeros(8), np.ones(8), steps=2**26), "steps"),
], ids=["dense-hidden_sizes", "dense-n_inputs", "denoising-code_size", "vae-hidden_sizes", "sample-n", "interpolate-steps"])
def test_sizes_beyond_memory_are_refused_before_the_allocator(make, arg) -> None:
    with pytest.raises(ValueError, match=rf"^{arg} asks for .* numbers; labkit's limit"):
        make()
