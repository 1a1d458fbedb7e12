"""Tests of labkit.regularization: penalties and gradients against torch.autograd, soft-thresholding
against its closed form, the lasso and ridge paths against scikit-learn, dropout against
torch.nn.Dropout, L2 and weight decay against torch.optim, and every public name against bad input."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from labkit import regularization
from labkit.data import load_digits_split
from labkit.regularization import (
    Dropout, GaussianNoise, Optimization, Regularizers, augment_digits, decoupled_weight_decay_, dropout,
    gaussian_noise, l1_gradient, l1_penalty, l2_gradient, l2_penalty, l2_vs_weight_decay, label_smoothing_loss,
    lasso_path, make_mlp, max_norm_, penalized_parameters, penalized_weights, proximal_l1_step, ridge_path,
    smooth_labels, soft_threshold, subgradient_l1_step, train_classifier,
)
from labkit.regularization.mechanisms import dropout_subnetwork_means
from labkit.training import accuracy
from contracts import contract_tests, relation_tests

FEW = settings(deadline=None, derandomize=True, max_examples=25)
floats = st.floats(-10, 10, allow_nan=False, width=64)
arrays = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=6), elements=floats)
lams = st.floats(0, 5, allow_nan=False)


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, ...]:
    X, X_test, y, y_test = load_digits_split(seed=0)
    return X[:60], y[:60], X_test[:100], y_test[:100]


def regression(seed: int, n: int = 40, d: int = 6) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, X @ np.array([3.0, -2.0, 0.0, 0.0, 1.0, 0.0][:d]) + 0.1 * rng.normal(size=n)


# -- penalties and their gradients ---------------------------------------------------------------------
@FEW
@given(arrays, lams)
def test_penalty_gradients_equal_autograd(w: np.ndarray, lam: float) -> None:
    for penalty, gradient in ((l1_penalty, l1_gradient), (l2_penalty, l2_gradient)):
        t = torch.tensor(w, requires_grad=True)
        penalty(t, lam).backward()
        torch.testing.assert_close(t.grad, gradient(w, lam), rtol=1e-12, atol=1e-12)


@FEW
@given(arrays, lams)
def test_penalties_equal_their_formulas(w: np.ndarray, lam: float) -> None:
    assert float(l1_penalty(torch.tensor(w), lam)) == pytest.approx(lam * np.abs(w).sum(), rel=1e-12, abs=1e-12)
    assert float(l2_penalty(torch.tensor(w), lam)) == pytest.approx(lam / 2 * (w**2).sum(), rel=1e-12, abs=1e-12)


def test_l2_pull_fades_with_the_weight_but_l1_pull_does_not() -> None:
    w = torch.tensor([1.0, 1e-3, 1e-6])
    assert l1_gradient(w, 0.1).tolist() == pytest.approx([0.1, 0.1, 0.1])
    assert l2_gradient(w, 0.1).tolist() == pytest.approx([0.1, 1e-4, 1e-7])


def test_penalized_parameters_skip_biases_and_normalization() -> None:
    net = make_mlp([8, 6, 4, 3], batch_norm=True)
    names = [name for name, _ in penalized_parameters(net)]
    assert names == ["0.weight", "3.weight", "6.weight"]  # Linear layers only: BatchNorm1d has a weight too
    assert [n for n, _ in penalized_parameters(net, exclude=["6.weight"])] == ["0.weight", "3.weight"]
    expected = sum(net[i].weight.abs().sum().item() for i in (0, 3, 6))
    assert l1_penalty(net, 1.0).item() == pytest.approx(expected, rel=1e-6)
    assert penalized_weights(net).size == 8 * 6 + 6 * 4 + 4 * 3


# -- soft-thresholding and the proximal step -----------------------------------------------------------
@FEW
@given(arrays, lams)
def test_soft_threshold_equals_its_closed_form_and_minimizes_the_prox_objective(w: np.ndarray, t: float) -> None:
    out = soft_threshold(w, t)
    closed = np.where(w > t, w - t, np.where(w < -t, w + t, 0.0))
    np.testing.assert_allclose(out, closed, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(soft_threshold(torch.tensor(w), t).numpy(), out)
    # The proximal operator: no nearby point has a lower 1/2 (x - w)^2 + t |x|.
    objective = lambda x: 0.5 * (x - w) ** 2 + t * np.abs(x)  # noqa: E731
    for delta in (-1e-3, 1e-3):
        assert np.all(objective(out) <= objective(out + delta) + 1e-12)


def test_proximal_steps_give_exact_zeros_where_subgradient_steps_oscillate() -> None:
    X, y = regression(0)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    lr, lam = 0.05, 0.5
    w_prox, w_sub = torch.zeros(6, dtype=torch.float64), torch.zeros(6, dtype=torch.float64)
    signs = []
    for _ in range(2000):
        w_prox = proximal_l1_step(w_prox, Xt.T @ (Xt @ w_prox - yt) / len(y), lr, lam)
        w_sub = subgradient_l1_step(w_sub, Xt.T @ (Xt @ w_sub - yt) / len(y), lr, lam)
        signs.append(torch.sign(w_sub))
    zeros = w_prox == 0
    assert zeros.sum() >= 2  # the irrelevant features are switched off exactly
    assert torch.all(w_sub[zeros] != 0)  # the subgradient never lands on 0...
    assert torch.all(w_sub[zeros].abs() <= lr * lam)  # ...it hovers within one step of it
    flips = (torch.stack(signs[-100:]).diff(dim=0) != 0).sum(dim=0)
    assert torch.all(flips[zeros] >= 10)  # jumping over 0 and back
    np.testing.assert_allclose(w_prox.numpy(), lasso_path(X, y, [lam])[0], atol=1e-8)


def test_lasso_and_ridge_paths_equal_scikit_learn() -> None:
    from sklearn.linear_model import Lasso, Ridge

    X, y = regression(1)
    grid = [1.0, 0.3, 0.1, 0.01]
    lasso = lasso_path(X, y, grid)
    ridge = ridge_path(X, y, grid)
    for lam, w_l1, w_l2 in zip(grid, lasso, ridge):
        ref = Lasso(alpha=lam, fit_intercept=False, tol=1e-12, max_iter=100_000).fit(X, y).coef_
        np.testing.assert_allclose(w_l1, ref, atol=1e-7)
        np.testing.assert_allclose(w_l2, Ridge(alpha=len(y) * lam, fit_intercept=False).fit(X, y).coef_, atol=1e-10)
    assert np.sum(lasso[0] == 0) >= 3 and np.all(ridge != 0)  # L1: exact zeros; L2: none


# -- L2 penalty vs decoupled weight decay --------------------------------------------------------------
def torch_trajectory(make, X: np.ndarray, y: np.ndarray, steps: int) -> np.ndarray:
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    opt, path = make([w]), [w.detach().clone()]
    for _ in range(steps):
        opt.zero_grad()
        ((torch.from_numpy(X) @ w - torch.from_numpy(y)) ** 2).mean().div(2).backward()
        opt.step()
        path.append(w.detach().clone())
    return torch.stack(path).numpy()


@settings(deadline=None, derandomize=True, max_examples=10)
@given(st.floats(0.1, 1.0), st.floats(0.01, 0.1), st.integers(0, 1000))
def test_l2_equals_weight_decay_for_sgd_but_not_for_adam(lam: float, lr: float, seed: int) -> None:
    X, y = regression(seed)
    sgd_l2, sgd_decay = l2_vs_weight_decay("sgd", X, y, lam=lam, lr=lr, steps=30)
    np.testing.assert_allclose(sgd_l2, sgd_decay, rtol=1e-10, atol=1e-12)  # step for step
    np.testing.assert_allclose(sgd_l2, torch_trajectory(lambda p: torch.optim.SGD(p, lr=lr, weight_decay=lam), X, y, 30),
                               rtol=1e-10, atol=1e-12)
    adam_l2, adam_decay = l2_vs_weight_decay("adam", X, y, lam=lam, lr=lr, steps=30)
    np.testing.assert_allclose(adam_l2, torch_trajectory(lambda p: torch.optim.Adam(p, lr=lr, weight_decay=lam), X, y, 30),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(adam_decay, torch_trajectory(lambda p: torch.optim.AdamW(p, lr=lr, weight_decay=lam), X, y, 30),
                               rtol=1e-10, atol=1e-12)
    assert np.abs(adam_l2 - adam_decay).max() > 1e-3 * np.abs(adam_l2).max()


def test_decoupled_weight_decay_shrinks_by_one_minus_lr_lam() -> None:
    w = torch.tensor([[1.0, -2.0]])
    decoupled_weight_decay_([w], lr=0.1, lam=2.0)
    assert w.flatten().tolist() == pytest.approx([0.8, -1.6])


# -- dropout and noise ---------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_keeps_the_mean_in_expectation(p: float) -> None:
    x = torch.full((200_000,), 3.0, dtype=torch.float64)
    out = dropout(x, p, generator=torch.Generator().manual_seed(0))
    kept = (out != 0).double().mean().item()
    # Seeded draw; tolerances of 5 standard errors of a Bernoulli(1 - p) mean over 200,000 entries.
    se = np.sqrt(p * (1 - p) / x.numel())
    assert abs(kept - (1 - p)) < 5 * se
    assert abs(out.mean().item() - 3.0) < 5 * 3.0 * se / (1 - p)
    assert torch.all((out == 0) | torch.isclose(out, torch.tensor(3.0 / (1 - p), dtype=torch.float64)))


@FEW
@given(st.floats(0.05, 0.9), st.integers(0, 10_000))
def test_dropout_equals_torch_dropout_for_the_same_mask(p: float, seed: int) -> None:
    x = torch.randn(8, 5, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    torch.manual_seed(seed)
    reference = torch.nn.Dropout(p)(x)
    torch.manual_seed(seed)
    mask = torch.nn.Dropout(p)(torch.ones_like(x)) != 0  # the mask torch drew, from the same seed
    torch.testing.assert_close(dropout(x, p, mask=mask), reference, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(Dropout(p).eval()(x), torch.nn.Dropout(p).eval()(x))


def test_dropout_layers_are_the_identity_in_eval_mode() -> None:
    net = make_mlp([64, 32, 10], dropout=0.5, noise_std=0.3, seed=0)
    x = torch.rand(16, 64)
    net.eval()
    assert torch.equal(net(x), net(x))
    net.train()
    assert not torch.equal(net(x), net(x))
    assert torch.equal(dropout(x, 0.7, training=False), x) and torch.equal(gaussian_noise(x, 2.0, training=False), x)


@given(st.integers(0, 2**16), st.sampled_from([0.2, 0.5, 0.8]))
@FEW
def test_full_softmax_layer_is_the_geometric_mean_of_its_dropout_subnetworks(seed: int, p: float) -> None:
    gen = torch.Generator().manual_seed(seed)
    x, W = torch.randn(5, 6, generator=gen, dtype=torch.float64), torch.randn(6, 3, generator=gen, dtype=torch.float64)
    geometric, arithmetic = dropout_subnetwork_means(lambda m: dropout(x, p, mask=m.expand_as(x)) @ W, 6, p)
    full = torch.softmax(x @ W, dim=1)
    torch.testing.assert_close(geometric, full)
    torch.testing.assert_close(arithmetic.sum(dim=1), torch.ones(5, dtype=torch.float64))


def test_subnetwork_means_weight_each_mask_by_its_probability() -> None:
    # Two units, logits = [kept first, kept second]: the arithmetic mean is the mean of the four
    # sub-networks' softmaxes, each weighted by (1 - p)**kept * p**dropped.
    p = 0.3
    masks = [torch.tensor(m) for m in ([False, False], [True, False], [False, True], [True, True])]
    weights = [(1 - p) ** int(m.sum()) * p ** (2 - int(m.sum())) for m in masks]
    expected = sum(w * torch.softmax(m.double(), dim=0) for w, m in zip(weights, masks))
    _, arithmetic = dropout_subnetwork_means(lambda m: m.double(), 2, p)
    torch.testing.assert_close(arithmetic, expected)
    geometric, _ = dropout_subnetwork_means(lambda m: m.double(), 2, 0.0)  # p = 0: only the full network
    torch.testing.assert_close(geometric, torch.softmax(torch.ones(2, dtype=torch.float64), dim=0))


def test_a_relu_after_the_dropped_units_makes_the_full_network_an_approximation() -> None:
    net = make_mlp([4, 6, 8, 3], seed=0).double()
    hidden = net[:2](torch.randn(20, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64))
    with torch.no_grad():
        geometric, _ = dropout_subnetwork_means(lambda m: net[2:](dropout(hidden, 0.5, mask=m.expand_as(hidden))), 6, 0.5)
        full = torch.softmax(net[2:](hidden), dim=1)
    assert 1e-6 < (geometric - full).abs().max() < 0.5


def test_gaussian_noise_has_mean_zero_and_the_given_std() -> None:
    noise = gaussian_noise(torch.zeros(100_000, dtype=torch.float64), 0.3, generator=torch.Generator().manual_seed(1))
    assert abs(noise.mean().item()) < 5 * 0.3 / np.sqrt(1e5)
    assert noise.std().item() == pytest.approx(0.3, rel=0.02)
    assert torch.equal(GaussianNoise(0.3).eval()(noise), noise)


# -- max-norm and label smoothing ----------------------------------------------------------------------
@FEW
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)), elements=floats), st.floats(0.1, 5))
def test_max_norm_equals_torch_renorm(w: np.ndarray, c: float) -> None:
    reference = torch.renorm(torch.tensor(w), p=2, dim=0, maxnorm=c)  # torch divides by norm + 1e-7
    torch.testing.assert_close(max_norm_(torch.tensor(w), c), reference, rtol=1e-6, atol=1e-6)


@FEW
@given(st.integers(0, 10_000), st.floats(0, 1, exclude_max=True), st.integers(2, 6))
def test_label_smoothing_loss_equals_torch_cross_entropy(seed: int, eps: float, k: int) -> None:
    g = torch.Generator().manual_seed(seed)
    logits, y = torch.randn(7, k, generator=g, dtype=torch.float64), torch.randint(0, k, (7,), generator=g)
    reference = torch.nn.functional.cross_entropy(logits, y, label_smoothing=eps)
    torch.testing.assert_close(label_smoothing_loss(logits, y, eps), reference, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(smooth_labels(y, k, eps).sum(dim=1), torch.ones(7))


# -- augmentation --------------------------------------------------------------------------------------
def test_augment_digits_is_seeded_and_the_identity_without_distortion(digits) -> None:
    X = digits[0][:20]
    same = augment_digits(X, np.random.default_rng(0), max_shift=0, max_degrees=0, elastic=0)
    np.testing.assert_allclose(same, X, atol=1e-12)
    a, b = augment_digits(X, np.random.default_rng(3)), augment_digits(X, np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, X) and a.min() >= 0 and a.max() <= 1
    # A shift moves the ink, it does not create or destroy it: the centre of mass moves by at most
    # the shift (plus a little ink lost at the border), the total ink stays about the same.
    shifted = augment_digits(X, np.random.default_rng(4), max_shift=1.0, max_degrees=0, elastic=0)
    grid = np.stack(np.meshgrid(np.arange(8), np.arange(8), indexing="ij")).reshape(2, 64)
    center = lambda imgs: imgs @ grid.T / imgs.sum(axis=1, keepdims=True)  # noqa: E731
    assert np.linalg.norm(center(shifted) - center(X), axis=1).max() <= np.sqrt(2) + 0.25
    np.testing.assert_allclose(shifted.sum(axis=1), X.sum(axis=1), rtol=0.25)


# -- the network and its training ----------------------------------------------------------------------
def test_early_stopping_restores_the_weights_of_the_best_epoch(digits) -> None:
    X, y, X_val, y_val = digits
    net = make_mlp([64, 64, 10], seed=0)
    history = train_classifier(net, X, y, X_val, y_val, Optimization(epochs=80, lr=1e-2), Regularizers(patience=5))
    assert history.stopped_early
    with torch.no_grad():
        val_loss = torch.nn.functional.cross_entropy(net(torch.as_tensor(X_val, dtype=torch.float32)),
                                                     torch.as_tensor(y_val)).item()
    assert val_loss == pytest.approx(min(history.metrics["val_loss"]), rel=1e-6)
    assert accuracy(net, X_val, y_val) == history.metrics["val_acc"][history.best_epoch]


def test_sgd_with_l2_equals_sgd_with_weight_decay_on_the_network(digits) -> None:
    X, y, X_val, y_val = digits
    nets = [make_mlp([64, 16, 10], seed=1) for _ in range(2)]
    sgd = Optimization(epochs=2, optimizer="sgd", lr=0.05)
    train_classifier(nets[0], X, y, X_val, y_val, sgd, Regularizers(l2=0.5))
    train_classifier(nets[1], X, y, X_val, y_val, sgd, Regularizers(weight_decay=0.5))
    start = make_mlp([64, 16, 10], seed=1)
    for a, b, a0 in zip(nets[0].parameters(), nets[1].parameters(), start.parameters()):
        assert not torch.allclose(a, a0, atol=1e-3)  # training moved the weights...
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)  # ...the same way, to float32 rounding


def test_proximal_l1_training_gives_exact_zeros_and_l1_in_the_loss_does_not(digits) -> None:
    X, y, X_val, y_val = digits
    zeros = {}
    for proximal in (False, True):
        net = make_mlp([64, 32, 10], seed=0)
        train_classifier(net, X, y, X_val, y_val, Optimization(epochs=20, lr=1e-2),
                         Regularizers(l1=0.5, l1_proximal=proximal))
        zeros[proximal] = np.mean(penalized_weights(net) == 0)
    assert zeros[True] > 0.3 and zeros[False] < 0.01


def test_make_mlp_depends_only_on_its_seed() -> None:
    a, b, c = make_mlp([64, 8, 10], seed=4), make_mlp([64, 8, 10], seed=4), make_mlp([64, 8, 10], seed=5)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a[0].weight, c[0].weight)
    assert isinstance(make_mlp([64, 8, 10], batch_norm=True)[1], torch.nn.BatchNorm1d)


def test_max_norm_holds_after_training(digits) -> None:
    X, y, X_val, y_val = digits
    net = make_mlp([64, 32, 10], seed=0)
    train_classifier(net, X, y, X_val, y_val, Optimization(epochs=5, lr=3e-2), Regularizers(max_norm=0.5))
    assert all(w.norm(dim=1).max().item() <= 0.5 + 1e-5 for _, w in penalized_parameters(net))


# -- bad input -----------------------------------------------------------------------------------------
NET = make_mlp([64, 4, 10])
ONE_EPOCH = Optimization(epochs=1)
XD, YD = np.zeros((4, 64)), np.array([0, 1, 2, 3])
XR, YR = regression(0, n=5, d=2)
W2 = lambda: torch.ones(2, 3)  # noqa: E731 - a fresh tensor for each call that changes it in place

VALID_CALLS = {
    "penalized_parameters": lambda: (penalized_parameters, dict(model=NET, exclude=["0.weight"])),
    "l1_penalty": lambda: (l1_penalty, dict(params=torch.ones(3), lam=0.5)),
    "l2_penalty": lambda: (l2_penalty, dict(params=torch.ones(3), lam=0.5)),
    "l1_gradient": lambda: (l1_gradient, dict(w=torch.ones(3), lam=0.5)),
    "l2_gradient": lambda: (l2_gradient, dict(w=np.ones(3), lam=0.5)),
    "soft_threshold": lambda: (soft_threshold, dict(w=np.array([1.0, -0.2]), threshold=0.5)),
    "proximal_l1_step": lambda: (proximal_l1_step, dict(w=torch.ones(3), grad=torch.ones(3), lr=0.1, lam=0.5)),
    "subgradient_l1_step": lambda: (subgradient_l1_step, dict(w=np.ones(3), grad=np.ones(3), lr=0.1, lam=0.5)),
    "lasso_path": lambda: (lasso_path, dict(X=XR, y=YR, lams=[1.0, 0.1], n_steps=5)),
    "ridge_path": lambda: (ridge_path, dict(X=XR, y=YR, lams=[1.0, 0.0])),
    "decoupled_weight_decay_": lambda: (decoupled_weight_decay_, dict(params=[W2()], lr=0.1, lam=0.5)),
    "l2_vs_weight_decay": lambda: (l2_vs_weight_decay, dict(optimizer="adam", X=XR, y=YR, lam=0.1, lr=0.1, steps=2)),
    "dropout": lambda: (dropout, dict(x=W2(), p=0.5, training=True, mask=torch.ones(2, 3, dtype=torch.bool),
                                      generator=torch.Generator().manual_seed(0))),
    "Dropout": lambda: (Dropout, dict(p=0.5)),
    "Dropout.forward": lambda: (Dropout(0.5).forward, dict(x=W2())),
    "Dropout.extra_repr": lambda: (Dropout(0.5).extra_repr, {}),
    "gaussian_noise": lambda: (gaussian_noise, dict(x=W2(), noise_std=0.5, training=True,
                                                    generator=torch.Generator().manual_seed(0))),
    "GaussianNoise": lambda: (GaussianNoise, dict(noise_std=0.5)),
    "GaussianNoise.forward": lambda: (GaussianNoise(0.5).forward, dict(x=W2())),
    "GaussianNoise.extra_repr": lambda: (GaussianNoise(0.5).extra_repr, {}),
    "max_norm_": lambda: (max_norm_, dict(weight=W2(), max_norm=1.0)),
    "smooth_labels": lambda: (smooth_labels, dict(y=torch.tensor([0, 2]), n_classes=3, eps=0.1, dtype=torch.float64)),
    "label_smoothing_loss": lambda: (label_smoothing_loss, dict(logits=torch.zeros(2, 3), y=torch.tensor([0, 2]), eps=0.1)),
    "augment_digits": lambda: (augment_digits, dict(X=XD, rng=np.random.default_rng(0), max_shift=1.0,
                                                    max_degrees=10.0, elastic=0.2)),
    "make_mlp": lambda: (make_mlp, dict(sizes=[4, 3, 2], dropout=0.5, noise_std=0.1, batch_norm=True, seed=1)),
    "Optimization": lambda: (Optimization, dict(epochs=1, batch_size=2, lr=1e-3, optimizer="sgd", seed=1)),
    "Regularizers": lambda: (Regularizers, dict(l1=0.1, l1_proximal=True, l2=0.1, weight_decay=0.1, label_smoothing=0.1,
                                                augment=True, max_norm=1.0, patience=1)),
    "train_classifier": lambda: (train_classifier, dict(
        model=make_mlp([64, 4, 10]), X_train=XD, y_train=YD, X_val=XD, y_val=YD,
        optimization=Optimization(epochs=1, batch_size=2, lr=1e-3, optimizer="sgd", seed=1),
        regularizers=Regularizers(l1=0.1, l1_proximal=True, l2=0.1, weight_decay=0.1, label_smoothing=0.1, augment=True,
                                  max_norm=1.0, patience=1))),
    "penalized_weights": lambda: (penalized_weights, dict(model=NET)),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(regularization, VALID_CALLS)

# dropout_subnetwork_means is not in labkit.regularization.__all__ (the page imports it from .mechanisms).
MECHANISMS_EXTRA = SimpleNamespace(__name__="labkit.regularization.mechanisms (extra)", __all__=["dropout_subnetwork_means"],
                                   dropout_subnetwork_means=dropout_subnetwork_means)
(test_subnetwork_means_declares_a_contract, test_subnetwork_means_valid_call_succeeds,
 test_subnetwork_means_refuses_bad_values_naming_them, test_subnetwork_means_accepts_unusual_values) = contract_tests(
    MECHANISMS_EXTRA, {"dropout_subnetwork_means": lambda: (dropout_subnetwork_means,
                                                            dict(forward=lambda m: m.double(), n_units=2, p=0.5))})

# Relations between arguments (shapes, labels against classes, a model's input size) stay checked inline.
BAD_INPUTS = [
    ("penalized_parameters", penalized_parameters, dict(model=NET, exclude=["9.weight"]), ValueError, "exclude"),
    ("l1_penalty", l1_penalty, dict(params=torch.nn.ReLU(), lam=1.0), ValueError, "params"),
    ("proximal_l1_step", proximal_l1_step, dict(w=torch.ones(3), grad=torch.ones(2), lr=0.1, lam=1.0), ValueError, "grad"),
    ("subgradient_l1_step", subgradient_l1_step, dict(w=torch.ones(3), grad=torch.ones(1, 3), lr=0.1, lam=1.0),
     ValueError, "grad"),
    ("lasso_path", lasso_path, dict(X=XR, y=YR[:3], lams=[1.0]), ValueError, "y"),
    ("ridge_path", ridge_path, dict(X=XR, y=YR[:3], lams=[1.0]), ValueError, "y"),
    ("l2_vs_weight_decay", l2_vs_weight_decay, dict(optimizer="sgd", X=XR, y=YR[:2], lam=0.1, lr=0.1), ValueError, "y"),
    ("dropout", dropout, dict(x=torch.ones(3), p=0.5, mask=torch.ones(3)), ValueError, "mask"),
    ("dropout", dropout, dict(x=torch.ones(3), p=0.5, mask=torch.ones(2, dtype=torch.bool)), ValueError, "mask"),
    ("smooth_labels", smooth_labels, dict(y=torch.tensor([0, 3]), n_classes=3, eps=0.1), ValueError, "y"),
    ("smooth_labels", smooth_labels, dict(y=torch.tensor([0, 1]), n_classes=3, eps=0.1, dtype=torch.int64), ValueError, "dtype"),
    ("label_smoothing_loss", label_smoothing_loss, dict(logits=torch.ones(2, 3), y=torch.tensor([0]), eps=0.1), ValueError, "y"),
    ("label_smoothing_loss", label_smoothing_loss, dict(logits=torch.ones(1, 3), y=torch.tensor([3]), eps=0.1), ValueError, "y"),
    ("augment_digits", augment_digits, dict(X=np.zeros((2, 63)), rng=np.random.default_rng(0)), ValueError, "X"),
    ("train_classifier", train_classifier, dict(model=NET, X_train=XD[:, :10], y_train=YD, X_val=XD, y_val=YD),
     ValueError, "X_train"),
    ("train_classifier", train_classifier, dict(model=NET, X_train=XD, y_train=YD + 7, X_val=XD, y_val=YD),
     ValueError, "y_train"),
    ("train_classifier", train_classifier, dict(model=NET, X_train=XD, y_train=YD, X_val=XD, y_val=YD[:3]),
     ValueError, "y_val"),
    ("train_classifier", train_classifier, dict(model=make_mlp([32, 10]), X_train=XD, y_train=YD, X_val=XD, y_val=YD),
     ValueError, "model"),
    # Round 2 of the audit (tools/probe_contracts.py): each row failed before its fix.
    ("ridge_path", ridge_path, dict(X=np.ones((2, 5)), y=np.ones(2), lams=[0.0]), ValueError, "lams"),  # LinAlgError
    ("ridge_path", ridge_path, dict(X=np.zeros((4, 2)), y=np.ones(4), lams=[1.0, 0.0]), ValueError, "lams"),
    ("lasso_path", lasso_path, dict(X=np.ones((5, 2)), y=np.full(5, 1.7e308), lams=[0.0], n_steps=5), ValueError,
     "y"),  # X.T @ y overflows: the weights came out NaN
    ("decoupled_weight_decay_", decoupled_weight_decay_, dict(params=[torch.ones(2)], lr=10.0, lam=0.2), ValueError,
     "lr"),
    ("decoupled_weight_decay_", decoupled_weight_decay_, dict(params=[torch.ones(2)], lr=10.0, lam=0.2), ValueError,
     "lam"),
    ("l2_vs_weight_decay", l2_vs_weight_decay, dict(optimizer="adam", X=XR, y=YR, lam=0.1, lr=1e308, steps=2),
     ValueError, "lr"),
    ("l2_vs_weight_decay", l2_vs_weight_decay, dict(optimizer="sgd", X=XR, y=YR, lam=0.0, lr=1e308, steps=3),
     ValueError, "lr"),  # diverges into NaN rows
    ("gaussian_noise", gaussian_noise, dict(x=torch.ones(3), noise_std=1e308), ValueError, "noise_std"),
    ("gaussian_noise", gaussian_noise, dict(x=torch.ones(3, dtype=torch.float16), noise_std=1e5), ValueError, "noise_std"),
    ("GaussianNoise.forward", lambda: GaussianNoise(1e308)(torch.ones(3)), ValueError, "noise_std"),
    ("smooth_labels", smooth_labels, dict(y=torch.zeros(4, dtype=torch.long), n_classes=2**27, eps=0.1), ValueError,
     "n_classes"),  # 4 rows of 2**27 targets: 2 GiB
    ("train_classifier", train_classifier, dict(model=make_mlp([64, 4, 4]), X_train=XD, y_train=YD, X_val=XD,
                                                y_val=YD + 1, optimization=ONE_EPOCH), ValueError, "y_val"),  # IndexError
    ("train_classifier", train_classifier, dict(model=make_mlp([64, 4, 4]), X_train=XD, y_train=YD + 1, X_val=XD,
                                                y_val=YD, optimization=ONE_EPOCH), ValueError, "y_train"),
    ("train_classifier", train_classifier, dict(model=make_mlp([64, 4, 10]), X_train=XD, y_train=YD, X_val=XD,
                                                y_val=YD, optimization=Optimization(epochs=1, lr=0.5),
                                                regularizers=Regularizers(weight_decay=3.0)), ValueError,
     "weight_decay"),
    ("penalized_weights", penalized_weights, dict(model=torch.nn.Sequential(torch.nn.ReLU())), ValueError, "model"),
    # Declared bounds (Count, Seed, Size, eps < 1, a float32 std). The y of the wrong length makes the code before
    # the bounds fail fast, naming y, instead of running 10**30 steps: the row fails there, quickly.
    ("lasso_path", lasso_path, dict(X=XR, y=YR[:2], lams=[1.0], n_steps=10**30), ValueError, "n_steps"),
    ("l2_vs_weight_decay", l2_vs_weight_decay, dict(optimizer="sgd", X=XR, y=YR[:2], lam=0.1, lr=0.1, steps=10**7),
     ValueError, "steps"),
    ("Optimization", Optimization, dict(epochs=10**30), ValueError, "epochs"),
    ("Regularizers", Regularizers, dict(patience=10**30), ValueError, "patience"),
    ("Optimization", Optimization, dict(epochs=1, seed=2**32), ValueError, "seed"),
    ("Regularizers", Regularizers, dict(label_smoothing=1.0), ValueError, "label_smoothing"),
    ("label_smoothing_loss", label_smoothing_loss, dict(logits=torch.zeros(1, 3), y=torch.tensor([0]), eps=1.0),
     ValueError, "eps"),
    ("smooth_labels", smooth_labels, dict(y=torch.tensor([0, 1]), n_classes=10**30, eps=0.1), ValueError, "n_classes"),
    ("make_mlp", make_mlp, dict(sizes=[4, 2], seed=2**32), ValueError, "seed"),
    ("make_mlp", make_mlp, dict(sizes=[4, 2], noise_std=1e308), ValueError, "noise_std"),
]


test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)


# -- named defects of the audit ------------------------------------------------------------------------
def test_decoupled_weight_decay_shrinks_weights_given_as_a_generator() -> None:
    net = make_mlp([4, 3, 2], seed=0)
    before = [p.detach().clone() for p in net.parameters()]
    decoupled_weight_decay_(net.parameters(), lr=0.1, lam=0.5)  # a generator: read once, every weight shrunk
    for p, p0 in zip(net.parameters(), before):
        torch.testing.assert_close(p.detach(), 0.95 * p0)


def test_numpy_scalars_and_zero_coefficients_are_accepted(digits) -> None:
    X, y, X_val, y_val = digits
    assert dropout(torch.ones(4), np.float32(0.5), generator=torch.Generator().manual_seed(0)).unique().tolist() in (
        [0.0, 2.0], [2.0], [0.0])
    assert Dropout(np.float32(0.5)).p == 0.5 and make_mlp([np.int64(8), 4, 2], dropout=np.float32(0.5), seed=np.int64(1))
    assert not any(isinstance(m, Dropout) for m in make_mlp([8, 4, 2], dropout=0))  # 0: no dropout layer
    plain, zeros = make_mlp([64, 8, 10], seed=2), make_mlp([64, 8, 10], seed=2)
    train_classifier(plain, X, y, X_val, y_val, ONE_EPOCH)
    train_classifier(zeros, X, y, X_val, y_val,
                     Optimization(epochs=np.int64(1), lr=np.float32(1e-3), batch_size=np.int32(32), seed=np.int64(0)),
                     Regularizers(weight_decay=0.0, l1=0, l2=0.0, label_smoothing=np.float64(0.0)))
    for a, b in zip(plain.parameters(), zeros.parameters()):  # 0 is no decay, no penalty: the same run
        torch.testing.assert_close(a, b)


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("name, call, arg", [
    ("l1_gradient", lambda: l1_gradient(torch.tensor([1.0, NAN]), 0.5), "w"),
    ("l2_gradient", lambda: l2_gradient([1.0, INF], 0.5), "w"),
    ("soft_threshold", lambda: soft_threshold(np.array([NAN, 1.0]), 0.5), "w"),
    ("proximal_l1_step", lambda: proximal_l1_step(torch.ones(2), torch.tensor([0.0, INF]), 0.1, 0.5), "grad"),
    ("l1_penalty", lambda: l1_penalty([torch.ones(2), torch.tensor([NAN])], 0.5), "params"),
    ("l2_penalty", lambda: l2_penalty(torch.tensor([1.0]), NAN), "lam"),
    ("lasso_path", lambda: lasso_path(XR, np.full(5, NAN), [1.0]), "y"),
    ("dropout", lambda: dropout(torch.tensor([NAN, 1.0]), 0.5), "x"),
    ("gaussian_noise", lambda: gaussian_noise(torch.tensor([INF]), 0.5), "x"),
    ("max_norm_", lambda: max_norm_(torch.full((2, 2), NAN), 1.0), "weight"),
    ("label_smoothing_loss", lambda: label_smoothing_loss(torch.tensor([[0.0, NAN]]), torch.tensor([0]), 0.1), "logits"),
    ("decoupled_weight_decay_", lambda: decoupled_weight_decay_([torch.tensor([NAN])], 0.1, 0.5), "params"),
    ("train_classifier", lambda: train_classifier(make_mlp([64, 4, 10]), XD, YD, np.full((4, 64), INF), YD, ONE_EPOCH),
     "X_val"),
], ids=lambda v: v if isinstance(v, str) else "-")
def test_nan_or_inf_is_refused_naming_the_argument(name, call, arg) -> None:
    with pytest.raises(ValueError, match=rf"^{arg}\b.*(NaN|finite|nan)"):
        call()


@pytest.mark.parametrize("layer", [Dropout(0.5), GaussianNoise(0.5)], ids=["Dropout", "GaussianNoise"])
def test_a_layer_forward_checks_its_input(layer) -> None:
    for mode in (layer.train, layer.eval):
        mode()
        with pytest.raises(ValueError, match=r"^x\b.*NaN"):
            layer(torch.tensor([[1.0, NAN]]))
        with pytest.raises(TypeError, match=r"^x\b"):
            layer("abc")


def test_a_network_of_another_input_size_is_refused_naming_the_argument(digits) -> None:
    X, y, X_val, y_val = digits
    with pytest.raises(ValueError, match=r"^model must take the 64 pixels"):
        train_classifier(make_mlp([32, 10]), X, y, X_val, y_val, ONE_EPOCH)


def test_huge_layers_are_refused_before_the_allocator_is_asked() -> None:
    with pytest.raises(ValueError, match=r"^sizes asks for a 100000 x 100000 weight matrix"):
        make_mlp([64, 100_000, 100_000, 10])


# -- round 2 of the audit: honest answers at the edges (each failed before its fix) ---------------------
def test_a_penalty_over_no_weights_is_zero_and_an_overflowing_one_is_inf() -> None:
    assert torch.equal(l1_penalty([], 0.0), torch.tensor(0.0)) and torch.equal(l2_penalty([], 1.0), torch.tensor(0.0))
    assert float(l1_penalty([torch.full((2,), 1e30)], 1e308)) == float("inf")  # IEEE overflow, not NaN


def test_the_paths_answer_data_far_from_one_exactly() -> None:
    X, y = regression(2, n=12, d=3)
    lasso, ridge = lasso_path(X, y, [0.1, 0.0], n_steps=500), ridge_path(X, y, [0.1, 0.0])
    for scale in (2.0**500, 2.0**-650):  # powers of two: X.T X overflowed (LinAlgError) or underflowed to 0
        np.testing.assert_allclose(lasso_path(X * scale, y, [0.1 * scale, 0.0], n_steps=500) * scale, lasso, rtol=1e-12)
        np.testing.assert_allclose(ridge_path(X * scale, y, [0.1 * scale**2 if scale > 1 else 0.0])[0] * scale,
                                   ridge[0] if scale > 1 else ridge[1], rtol=1e-12)
    np.testing.assert_array_equal(lasso_path(np.zeros((6, 3)), y[:6], [1.0, 0.0], n_steps=5), np.zeros((2, 3)))


def test_augmenting_huge_finite_digits_stays_finite() -> None:
    out = augment_digits(np.full((2, 64), 1e308), np.random.default_rng(0))
    assert np.isfinite(out).all() and np.abs(out).max() <= 1e308 * (1 + 1e-12)


def test_float32_data_beyond_its_range_is_refused_naming_the_argument_of_train_classifier() -> None:
    with pytest.raises(ValueError, match=r"^X_train\b.*float32"):
        train_classifier(make_mlp([64, 4, 10]), np.full((4, 64), 1e308), YD, XD, YD, ONE_EPOCH)


def test_a_diverging_training_is_refused_naming_lr(digits) -> None:
    X, y, X_val, y_val = digits
    with pytest.raises(ValueError, match=r"^lr must be small enough"):
        train_classifier(make_mlp([64, 8, 10]), X, y, X_val, y_val, Optimization(epochs=3, optimizer="sgd", lr=1e30))


def test_idle_or_oversized_options_are_accepted() -> None:
    net = make_mlp([64, 4, 10], seed=0)
    history = train_classifier(net, XD, YD, XD, YD, Optimization(epochs=1, batch_size=10**6),
                               Regularizers(l1=0.0, l1_proximal=True))
    assert len(history.train_loss) == 1  # one batch of everything
