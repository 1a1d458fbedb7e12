"""Tests of labkit.backprop: the hand-written gradient is checked against torch.autograd and finite
differences, the optimiser is checked apart from backpropagation, and every public name rejects bad
input with a message that names the argument."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from labkit import backprop
from labkit.backprop import (
    MLP, Linear, ReLU, Sigmoid, Tanh, gradient_check, gradient_norms_by_depth, numerical_gradient,
    relative_error, sgd_step, softmax, softmax_cross_entropy, to_torch, torch_gradients,
)
from labkit.data import load_digits_split
from badinput import bad_input_tests

ACTIVATIONS = ["relu", "tanh", "sigmoid"]


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    X_train, _, y_train, _ = load_digits_split(seed=0)
    return X_train[:128], y_train[:128]


def random_batch(seed: int, n: int, n_features: int, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, n_features)), rng.integers(0, n_classes, size=n)


# -- hand-written gradient == torch.autograd, on random networks --------------------------------------
@st.composite
def networks_and_batches(draw: st.DrawFn) -> tuple[MLP, np.ndarray, np.ndarray]:
    depth = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 12), min_size=depth + 1, max_size=depth + 1))
    activation = draw(st.sampled_from(ACTIVATIONS))
    init = draw(st.sampled_from(["he", "xavier"]))
    model = MLP(sizes, activation, init=init, seed=draw(st.integers(0, 2**31)))
    n = draw(st.integers(1, 8))
    X = draw(hnp.arrays(np.float64, (n, sizes[0]), elements=st.floats(-3, 3, allow_nan=False)))
    y = np.array(draw(st.lists(st.integers(0, sizes[-1] - 1), min_size=n, max_size=n)), dtype=np.int64)
    return model, X, y


@settings(max_examples=50, deadline=None, derandomize=True)  # same examples on every run
@given(networks_and_batches())
def test_gradients_equal_torch_autograd(case: tuple[MLP, np.ndarray, np.ndarray]) -> None:
    model, X, y = case
    loss, grads = model.loss_and_gradients(X, y)
    net = to_torch(model)
    loss_t = torch.nn.functional.cross_entropy(net(torch.from_numpy(X)), torch.from_numpy(y))
    assert loss == pytest.approx(loss_t.item(), rel=1e-12, abs=1e-14)
    auto = torch_gradients(model, X, y)
    assert [g.shape for g in grads] == [a.shape for a in auto] == [p.shape for p in model.parameters()]
    for g, a in zip(grads, auto):
        np.testing.assert_allclose(g, a, rtol=1e-8, atol=1e-10)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(sizes=st.integers(1, 4).flatmap(lambda d: st.lists(st.integers(2, 12), min_size=d + 1, max_size=d + 1)),
       activation=st.sampled_from(["tanh", "sigmoid"]),  # smooth: no ReLU kink between x - eps and x + eps
       seed=st.integers(0, 2**31))
def test_gradients_agree_with_finite_differences(sizes: list[int], activation: str, seed: int) -> None:
    model = MLP(sizes, activation, init="xavier", seed=seed)
    X, y = random_batch(seed, 6, sizes[0], sizes[-1])
    # eps = 1e-5 sits at the bottom of the V curve (plot_gradient_check.py): with 1e-6, rounding noise
    # of about 1e-10 is already a 1e-6 relative error on the tiny first-layer gradients of a deep sigmoid.
    # Width-1 bottlenecks are left out for the same reason: their gradients can be below that noise.
    assert gradient_check(model, X, y, eps=1e-5) < 1e-6


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradient_check_on_digits(activation: str, digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    model = MLP([64, 12, 10], activation, seed=3)
    assert gradient_check(model, X[:16], y[:16]) < 1e-6


def test_gradient_check_catches_a_wrong_backward(monkeypatch: pytest.MonkeyPatch) -> None:
    model = MLP([5, 6, 3], "tanh", seed=0)
    X, y = random_batch(0, 8, 5, 3)
    assert gradient_check(model, X, y) < 1e-6
    # The classic slip: using the derivative of tanh at the output instead of at the input.
    monkeypatch.setattr(Tanh, "backward", lambda self, g: g * (1.0 - np.tanh(self._saved) ** 2))
    assert gradient_check(model, X, y) > 1e-3


def test_relative_error() -> None:
    a = np.array([[1.0, -2.0], [0.0, 4.0]])
    assert relative_error(a, a) == 0.0 and relative_error(a, -a) == 1.0
    assert relative_error(a, 1.02 * a) == pytest.approx(0.02 / 2.02)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0  # zero gradients on both sides agree


def test_numerical_gradient_restores_x_exactly() -> None:
    x = np.random.default_rng(0).normal(size=(3, 4))
    before = x.copy()
    grad = numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    assert np.array_equal(x, before)
    np.testing.assert_allclose(grad, np.cos(x), rtol=1e-8)


# -- the loss ---------------------------------------------------------------------------------------------
def test_softmax_cross_entropy_equals_torch() -> None:
    logits, y = random_batch(1, 7, 5, 5)
    logits *= 10
    loss, dlogits = softmax_cross_entropy(logits, y)
    z = torch.tensor(logits, requires_grad=True)
    loss_t = torch.nn.functional.cross_entropy(z, torch.from_numpy(y))
    loss_t.backward()
    assert loss == pytest.approx(loss_t.item(), rel=1e-13)
    np.testing.assert_allclose(dlogits, z.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_softmax_is_stable_and_shift_invariant() -> None:
    z = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    p = softmax(z)
    assert np.all(np.isfinite(p)) and np.allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(softmax(z + 123.0), p, rtol=1e-12)
    loss, d = softmax_cross_entropy(z, np.array([2, 0]))
    assert np.isfinite(loss) and loss == pytest.approx((2000.0 + np.log(1 + np.exp(1) + np.exp(2))) / 2)
    assert np.all(np.isfinite(d))


# -- layers -----------------------------------------------------------------------------------------------
def test_linear_backward_is_the_chain_rule() -> None:
    layer = Linear(4, 3, init="xavier", seed=1)
    x, g = np.random.default_rng(0).normal(size=(5, 4)), np.random.default_rng(1).normal(size=(5, 3))
    np.testing.assert_allclose(layer.forward(x), x @ layer.W + layer.b)
    dx = layer.backward(g)
    np.testing.assert_allclose(layer.grads["W"], x.T @ g)
    np.testing.assert_allclose(layer.grads["b"], g.sum(axis=0))
    np.testing.assert_allclose(dx, g @ layer.W.T)


@pytest.mark.parametrize("cls, f", [(ReLU, lambda z: np.maximum(z, 0)), (Tanh, np.tanh),
                                    (Sigmoid, lambda z: 1 / (1 + np.exp(-z)))])
def test_activation_derivative_matches_finite_differences(cls: type, f) -> None:
    z = np.random.default_rng(0).normal(size=(4, 3)) + 0.01  # no exact zero: the ReLU kink
    layer = cls()
    np.testing.assert_allclose(layer.forward(z), f(z), rtol=1e-12)
    upstream = np.random.default_rng(1).normal(size=z.shape)
    numeric = numerical_gradient(lambda v: float(np.sum(f(v) * upstream)), z.copy())
    np.testing.assert_allclose(layer.backward(upstream), numeric, rtol=1e-6, atol=1e-9)


def test_init_scales_and_seeds() -> None:
    he, xavier = Linear(400, 100, seed=0), Linear(400, 100, init="xavier", seed=0)
    assert he.W.std() == pytest.approx(np.sqrt(2 / 400), rel=0.05)
    assert xavier.W.std() == pytest.approx(np.sqrt(2 / 500), rel=0.05)
    assert Linear(400, 100, init="normal", scale=0.5, seed=0).W.std() == pytest.approx(0.5, rel=0.05)
    assert np.array_equal(Linear(3, 2, seed=7).W, Linear(3, 2, seed=7).W)
    assert not np.array_equal(Linear(3, 2, seed=7).W, Linear(3, 2, seed=8).W)
    assert np.array_equal(MLP([4, 5, 3], seed=2).parameters()[2], MLP([4, 5, 3], seed=2).parameters()[2])
    assert np.all(he.b == 0)


def test_backward_before_forward_is_an_error() -> None:
    for layer in (Linear(2, 2), ReLU(), Tanh(), Sigmoid()):
        with pytest.raises(RuntimeError, match="forward"):
            layer.backward(np.ones((1, 2)))
    with pytest.raises(RuntimeError, match="no gradients yet"):
        MLP([2, 2]).layer_gradient_norms()


# -- backpropagation computes, the optimiser updates --------------------------------------------------
def test_backward_never_changes_the_weights(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    model = MLP([64, 16, 16, 10], "sigmoid", seed=0)
    before = [p.copy() for p in model.parameters()]
    for _ in range(3):
        model.loss_and_gradients(X, y)
        model.backward(np.ones((len(X), 10)))
    assert all(np.array_equal(b, p) for b, p in zip(before, model.parameters()))


def test_sgd_step_moves_each_parameter_by_minus_lr_times_its_gradient(digits) -> None:
    X, y = digits
    model = MLP([64, 16, 10], "relu", seed=0)
    params = model.parameters()  # the very arrays: the update must be in place
    before = [p.copy() for p in params]
    _, grads = model.loss_and_gradients(X, y)
    grads = [g.copy() for g in grads]
    sgd_step(model, lr=0.25)
    for p, b, g in zip(model.parameters(), before, grads):
        np.testing.assert_array_equal(p, b - 0.25 * g)
    assert all(p is q for p, q in zip(params, model.parameters()))


def test_training_lowers_the_loss(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    model = MLP([64, 32, 10], seed=0)
    first, _ = model.loss_and_gradients(X, y)
    for _ in range(50):
        model.loss_and_gradients(X, y)
        sgd_step(model, lr=0.5)
    last, _ = model.loss_and_gradients(X, y)
    assert last < first / 5
    assert np.mean(model.predict(X) == y) > 0.9


def test_to_torch_copies_the_weights_transposed() -> None:
    model = MLP([3, 4, 2], "tanh", seed=0)
    net = to_torch(model)
    assert [type(m).__name__ for m in net] == ["Linear", "Tanh", "Linear"]
    assert all(p.dtype == torch.float64 for p in net.parameters())
    np.testing.assert_array_equal(net[0].weight.detach().numpy(), model.linears[0].W.T)
    net[0].weight.data.zero_()  # a copy: changing the twin leaves the model as it was
    assert np.any(model.linears[0].W != 0)


# -- vanishing and exploding gradients ------------------------------------------------------------------
def test_deep_sigmoid_gradients_vanish_relu_he_does_not(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    sigmoid = gradient_norms_by_depth(10, 64, "sigmoid", X, y, init="xavier", n_classes=10)
    relu = gradient_norms_by_depth(10, 64, "relu", X, y, init="he", n_classes=10)
    assert sigmoid.shape == relu.shape == (10,)
    assert sigmoid[0] < relu[0] / 1e4  # the first layer of the sigmoid net barely learns
    assert sigmoid[0] / sigmoid[-1] < 1e-4
    assert 0.1 < relu[0] / relu[-1] < 10


def test_large_init_makes_gradients_explode(digits: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = digits
    tanh = gradient_norms_by_depth(10, 64, "tanh", X, y, init="xavier", scale=4.0)
    assert tanh[0] / tanh[-1] > 5
    relu_he = gradient_norms_by_depth(10, 64, "relu", X, y)
    relu_big = gradient_norms_by_depth(10, 64, "relu", X, y, scale=2.0)
    assert np.all(relu_big > 100 * relu_he)


def test_gradient_norms_match_the_model() -> None:
    X, y = random_batch(0, 6, 4, 3)
    model = MLP([4, 5, 5, 3], "tanh", init="xavier", seed=1)
    _, grads = model.loss_and_gradients(X, y)
    np.testing.assert_allclose(model.layer_gradient_norms(), [np.linalg.norm(g) for g in grads[::2]])
    np.testing.assert_allclose(gradient_norms_by_depth(3, 5, "tanh", X, y, init="xavier", seed=1),
                               model.layer_gradient_norms())


# -- bad input: every public name, a clear error naming the argument ------------------------------------
def _mlp_call(method: str):
    def call(**kwargs):
        return getattr(MLP([3, 2], seed=0), method)(**kwargs)
    return call


def _linear_backward(**kwargs):
    layer = Linear(3, 2)
    layer.forward(np.ones((4, 3)))
    return layer.backward(**kwargs)


def _relu_backward(**kwargs):
    layer = ReLU()
    layer.forward(np.ones((4, 3)))
    return layer.backward(**kwargs)


X3, Y3 = np.ones((4, 3)), np.array([0, 1, 0, 1])
BAD_INPUTS = [
    ("Linear", Linear, dict(in_features=0, out_features=2), ValueError, "in_features"),
    ("Linear", Linear, dict(in_features=2.5, out_features=2), TypeError, "in_features"),
    ("Linear", Linear, dict(in_features=2, out_features=-1), ValueError, "out_features"),
    ("Linear", Linear, dict(in_features=2, out_features=2, init="lecun"), ValueError, "init"),
    ("Linear", Linear, dict(in_features=2, out_features=2, scale=0.0), ValueError, "scale"),
    ("Linear", Linear, dict(in_features=2, out_features=2, seed=-1), ValueError, "seed"),
    ("Linear", Linear, dict(in_features=2, out_features=2, rng=42), TypeError, "rng"),
    ("Linear", lambda **kw: Linear(3, 2).forward(**kw), dict(x=np.ones((4, 2))), ValueError, "x"),
    ("Linear", _linear_backward, dict(grad_out=np.ones((5, 2))), ValueError, "grad_out"),
    ("ReLU", lambda **kw: ReLU().forward(**kw), dict(z=np.ones(3)), ValueError, "z"),
    ("ReLU", _relu_backward, dict(grad_out=np.ones((4, 2))), ValueError, "grad_out"),
    ("Tanh", lambda **kw: Tanh().forward(**kw), dict(z=[["a"]]), TypeError, "z"),
    ("Sigmoid", lambda **kw: Sigmoid().forward(**kw), dict(z=np.ones((0, 3))), ValueError, "z"),
    ("softmax", softmax, dict(logits=np.ones(3)), ValueError, "logits"),
    ("softmax_cross_entropy", softmax_cross_entropy, dict(logits=X3, y=np.array([0, 1, 3, 1])), ValueError, "y"),
    ("softmax_cross_entropy", softmax_cross_entropy, dict(logits=X3, y=np.array([0.0, 1, 2, 1])), TypeError, "y"),
    ("softmax_cross_entropy", softmax_cross_entropy, dict(logits=X3, y=np.array([0, 1])), ValueError, "y"),
    ("softmax_cross_entropy", softmax_cross_entropy, dict(logits="abc", y=Y3), TypeError, "logits"),
    ("MLP", MLP, dict(sizes=[3]), ValueError, "sizes"),
    ("MLP", MLP, dict(sizes=[3, 0]), ValueError, "sizes"),
    ("MLP", MLP, dict(sizes="32"), ValueError, "sizes"),
    ("MLP", MLP, dict(sizes=[3, 2], activation="gelu"), ValueError, "activation"),
    ("MLP", MLP, dict(sizes=[3, 2], seed=1.5), TypeError, "seed"),
    ("MLP", MLP, dict(sizes=[3, 2], init="zeros"), ValueError, "init"),
    ("MLP", _mlp_call("forward"), dict(X=np.ones((4, 5))), ValueError, "X"),
    ("MLP", _mlp_call("backward"), dict(dlogits=np.ones((4, 3))), ValueError, "dlogits"),
    ("MLP", _mlp_call("loss_and_gradients"), dict(X=X3, y=np.array([0, 1, 2, 1])), ValueError, "y"),
    ("MLP", _mlp_call("predict"), dict(X=np.ones(3)), ValueError, "X"),
    ("sgd_step", sgd_step, dict(model="net", lr=0.1), TypeError, "model"),
    ("sgd_step", sgd_step, dict(model=MLP([3, 2]), lr=0.1), ValueError, "model"),
    ("sgd_step", sgd_step, dict(model=MLP([3, 2]), lr=-0.1), ValueError, "lr"),
    ("sgd_step", sgd_step, dict(model=MLP([3, 2]), lr=float("nan")), ValueError, "lr"),
    ("numerical_gradient", numerical_gradient, dict(f=3, x=np.ones(2)), TypeError, "f"),
    ("numerical_gradient", numerical_gradient, dict(f=np.sum, x=[1.0, 2.0]), TypeError, "x"),
    ("numerical_gradient", numerical_gradient, dict(f=np.sum, x=np.ones(2, dtype=int)), TypeError, "x"),
    ("numerical_gradient", numerical_gradient, dict(f=np.sum, x=np.ones(2), eps=0), ValueError, "eps"),
    ("relative_error", relative_error, dict(a=np.ones(3), b=np.ones((3, 1))), ValueError, "a and b"),
    ("relative_error", relative_error, dict(a=np.ones(3), b="abc"), TypeError, "b"),
    ("gradient_check", gradient_check, dict(model=None, X=X3, y=Y3), TypeError, "model"),
    ("gradient_check", gradient_check, dict(model=MLP([3, 2]), X=X3, y=Y3, eps=-1.0), ValueError, "eps"),
    ("gradient_check", gradient_check, dict(model=MLP([3, 2]), X=np.ones((4, 2)), y=Y3), ValueError, "X"),
    ("to_torch", to_torch, dict(model=torch.nn.Linear(2, 2)), TypeError, "model"),
    ("torch_gradients", torch_gradients, dict(model=MLP([3, 2]), X=X3, y=np.array([0, 1, 1])), ValueError, "y"),
    ("torch_gradients", torch_gradients, dict(model=[1, 2], X=X3, y=Y3), TypeError, "model"),
    ("gradient_norms_by_depth", gradient_norms_by_depth,
     dict(depth=1, width=4, activation="relu", X=X3, y=Y3), ValueError, "depth"),
    ("gradient_norms_by_depth", gradient_norms_by_depth,
     dict(depth=3, width=0, activation="relu", X=X3, y=Y3), ValueError, "width"),
    ("gradient_norms_by_depth", gradient_norms_by_depth,
     dict(depth=3, width=4, activation="elu", X=X3, y=Y3), ValueError, "activation"),
    ("gradient_norms_by_depth", gradient_norms_by_depth,
     dict(depth=3, width=4, activation="relu", X=X3, y=Y3, n_classes=True), TypeError, "n_classes"),
    ("gradient_norms_by_depth", gradient_norms_by_depth,
     dict(depth=3, width=4, activation="relu", X=X3, y=np.array(["a"] * 4)), TypeError, "y"),
]


(test_bad_input_is_rejected_with_a_message_naming_the_argument,
 test_bad_input_table_covers_every_public_callable) = bad_input_tests(BAD_INPUTS, backprop)
