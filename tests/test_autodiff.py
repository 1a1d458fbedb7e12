"""Tests of labkit.autodiff: forward mode, the scalar and the tensor reverse modes are checked against
torch.autograd (float64) and central finite differences on random programs; forward mode's jvp agrees
with reverse mode's gradient; the tensor engine trains an MLP on digits along torch's loss curve."""

from __future__ import annotations

import functools
import os

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from labkit import autodiff
from labkit.autodiff import (
    Dual, Tensor, Value, expression_swell, grad, graph_of, jacobian, jvp, median_time, mlp_logits, mlp_loss,
    softmax_cross_entropy, training_step_times, vjp,
)
from labkit.backprop import MLP, numerical_gradient, to_torch
from labkit.data import load_digits_split
from labkit.training import accuracy, accuracy_of, fit, train_step
from contracts import contract_tests, relation_tests

# -- random scalar programs: the same code runs on Value, Dual, torch tensors and floats ----------------
# Each op is written with operators and methods that all four types share; the compositions keep
# every value in the domain (log of x² + 1) and of moderate size (exp of tanh).
UNARY = {
    "exp": lambda x: x.tanh().exp(), "log": lambda x: (x * x + 1.0).log(), "sin": lambda x: x.sin(),
    "cos": lambda x: x.cos(), "tanh": lambda x: x.tanh(), "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(), "cube": lambda x: x**3, "sqrt": lambda x: (x * x + 1.0) ** 0.5,
    "neg": lambda x: -x, "affine": lambda x: 2.0 - 3.0 * x,
}
BINARY = {
    "add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
    "div": lambda x, y: x / (y * y + 1.0), "rdiv": lambda x, y: 1.0 / (x * x + 1.0) + y,
}
SMOOTH = [name for name in UNARY if name != "relu"]  # finite differences need no kink


@st.composite
def programs(draw: st.DrawFn, unary: list[str] = list(UNARY)) -> tuple[int, list[tuple]]:
    """n inputs, then instructions (op, i, j) that each read earlier registers and write a new one."""
    n = draw(st.integers(1, 4))
    steps = []
    for k in range(draw(st.integers(1, 8))):
        registers = n + k
        if draw(st.booleans()):
            steps.append((draw(st.sampled_from(unary)), draw(st.integers(0, registers - 1)), None))
        else:
            steps.append((draw(st.sampled_from(sorted(BINARY))), draw(st.integers(0, registers - 1)),
                          draw(st.integers(0, registers - 1))))
    return n, steps


def run(program: tuple[int, list[tuple]], inputs: list):
    _, steps = program
    registers = list(inputs)
    for op, i, j in steps:
        registers.append(UNARY[op](registers[i]) if j is None else BINARY[op](registers[i], registers[j]))
    return registers[-1] + 0.0 * registers[0]  # depends on every input's type, even if unused


def torch_value_and_grad(program, x: np.ndarray) -> tuple[float, np.ndarray]:
    inputs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in x]
    out = run(program, inputs)
    grads = torch.autograd.grad(out, inputs, allow_unused=True)
    return out.item(), np.array([0.0 if g is None else g.item() for g in grads])


inputs_for = lambda n: st.lists(st.floats(-2, 2, allow_nan=False), min_size=n, max_size=n).map(np.array)  # noqa: E731


@settings(max_examples=120, deadline=None, derandomize=True)
@given(st.data())
def test_value_and_dual_equal_torch_autograd_on_random_expressions(data: st.DataObject) -> None:
    program = data.draw(programs())
    x = data.draw(inputs_for(program[0]))
    expected, expected_grad = torch_value_and_grad(program, x)
    leaves = [Value(float(v)) for v in x]
    out = run(program, leaves)
    out.backward()
    assert out.data == pytest.approx(expected, rel=1e-8, abs=1e-8)
    np.testing.assert_allclose([v.grad for v in leaves], expected_grad, rtol=1e-8, atol=1e-8)
    # Forward mode: one pass per input, seeded with the unit vector e_k.
    for k in range(len(x)):
        duals = [Dual(float(v), float(i == k)) for i, v in enumerate(x)]
        result = run(program, duals)
        assert result.value == pytest.approx(expected, rel=1e-8, abs=1e-8)
        assert result.tangent == pytest.approx(expected_grad[k], rel=1e-8, abs=1e-8)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.data())
def test_reverse_mode_agrees_with_finite_differences(data: st.DataObject) -> None:
    program = data.draw(programs(unary=SMOOTH))
    x = data.draw(inputs_for(program[0]))
    leaves = [Value(float(v)) for v in x]
    out = run(program, leaves)
    out.backward()
    # Plain evaluation, through duals with zero tangents (floats have no .tanh() method).
    numeric = numerical_gradient(lambda v: run(program, [Dual(float(a)) for a in v]).value, x.copy(), eps=1e-5)
    np.testing.assert_allclose([v.grad for v in leaves], numeric, rtol=1e-5, atol=1e-6)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.data())
def test_jvp_equals_reverse_gradient_dotted_with_v(data: st.DataObject) -> None:
    program = data.draw(programs())
    n = program[0]
    x, v = data.draw(inputs_for(n)), data.draw(inputs_for(n))
    def f_dual(d: Dual) -> Dual:
        return run(program, [Dual(d.value[i], d.tangent[i]) for i in range(n)])

    value, slope = jvp(f_dual, x, v)
    leaves = [Value(float(a)) for a in x]
    out = run(program, leaves)
    out.backward()
    assert value == pytest.approx(out.data, rel=1e-12, abs=1e-12)
    assert slope == pytest.approx(np.dot([leaf.grad for leaf in leaves], v), rel=1e-8, abs=1e-8)


# -- random tensor programs -------------------------------------------------------------------------------
def _param(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.normal(size=shape)


TENSOR_OPS = {  # name: (shapes of extra parameters given the current shape (a, b), function)
    "add_row": (lambda a, b: [(b,)], lambda h, p: h + p),
    "mul_col": (lambda a, b: [(a, 1)], lambda h, p: h * p),
    "sub_full": (lambda a, b: [(a, b)], lambda h, p: p - h),
    "div_row": (lambda a, b: [(1, b)], lambda h, p: h / (p * p + 1.0)),
    "rdiv": (lambda a, b: [], lambda h: 1.0 / (h * h + 1.0)),
    "matmul": (lambda a, b: [(b, 3)], lambda h, p: h @ p),
    "rmatmul": (lambda a, b: [(2, a)], lambda h, p: p @ h),
    "transpose": (lambda a, b: [], lambda h: h.T),
    "reshape": (lambda a, b: [], lambda h: h.reshape(-1).reshape(h.shape[0], h.shape[1])),
    "sum_keep": (lambda a, b: [], lambda h: h.sum(0, True) * h),
    "mean_keep": (lambda a, b: [], lambda h: h - h.mean(1, True)),
    "relu": (lambda a, b: [], lambda h: h.relu()),
    "tanh": (lambda a, b: [], lambda h: h.tanh()),
    "exp": (lambda a, b: [], lambda h: (h.tanh()).exp()),
    "log": (lambda a, b: [], lambda h: (h * h + 1.0).log()),
    "sigmoid": (lambda a, b: [], lambda h: h.sigmoid()),
    "pow": (lambda a, b: [], lambda h: h**2),
    "sin": (lambda a, b: [], lambda h: h.sin()),
    "cos": (lambda a, b: [], lambda h: h.cos()),
}


@settings(max_examples=80, deadline=None, derandomize=True)
@given(ops=st.lists(st.sampled_from(sorted(TENSOR_OPS)), min_size=1, max_size=6),
       a=st.integers(1, 4), b=st.integers(1, 4), seed=st.integers(0, 2**31),
       final=st.sampled_from(["sum", "mean", "row_sum"]))
def test_tensor_engine_equals_torch_autograd_on_random_programs(ops, a, b, seed, final) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(a, b))
    # Parameter shapes depend on the shape at each step: walk the shapes to size them.
    params_np, shape = [], (a, b)
    for name in ops:
        params_np += [_param(rng, s) for s in TENSOR_OPS[name][0](*shape)]
        shape = {"matmul": (shape[0], 3), "rmatmul": (2, shape[1]), "transpose": shape[::-1]}.get(name, shape)

    def run_steps(h, params):
        k, shape = 0, (a, b)
        for name in ops:
            n_params = len(TENSOR_OPS[name][0](*shape))
            h = TENSOR_OPS[name][1](h, *params[k:k + n_params])
            k += n_params
            shape = tuple(h.shape)
        return {"sum": h.sum(), "mean": h.mean(), "row_sum": h.sum(1).sum()}[final]

    mine = [Tensor(p) for p in [x] + params_np]
    out = run_steps(mine[0], mine[1:])
    out.backward()
    theirs = [torch.tensor(p, requires_grad=True) for p in [x] + params_np]
    out_t = run_steps(theirs[0], theirs[1:])
    out_t.backward()
    assert float(out.data) == pytest.approx(out_t.item(), rel=1e-8, abs=1e-10)
    for m, t in zip(mine, theirs):
        assert m.grad is not None and m.grad.shape == m.shape  # reduced back to the input's shape
        np.testing.assert_allclose(m.grad, t.grad.numpy(), rtol=1e-8, atol=1e-10)
    # and against central finite differences, for the input x
    if "relu" not in ops:
        numeric = numerical_gradient(lambda v: float(run_steps(Tensor(v), [Tensor(p) for p in params_np]).data),
                                     x.copy(), eps=1e-5)
        np.testing.assert_allclose(mine[0].grad, numeric, rtol=1e-5, atol=1e-6)


def test_broadcast_gradients_are_reduced_to_the_input_shape() -> None:
    x, row, col, scalar = Tensor(np.ones((3, 4))), Tensor(np.ones(4)), Tensor(np.ones((3, 1))), Tensor(2.0)
    (x * row + col * scalar).sum().backward()
    assert row.grad.shape == (4,) and col.grad.shape == (3, 1) and scalar.grad.shape == ()
    np.testing.assert_array_equal(row.grad, [3.0] * 4)
    np.testing.assert_array_equal(col.grad, [[8.0]] * 3)
    assert float(scalar.grad) == 12.0


# -- backward twice: leaves accumulate like torch, intermediate nodes are never counted twice ------------
def test_value_backward_twice_is_an_error_unless_asked_for() -> None:
    x, y = Value(1.5), Value(-0.5)
    h = (x * y).tanh()  # an intermediate node used twice: micrograd's trap
    z = h * h + h * x
    z.backward()
    once = (x.grad, y.grad)
    with pytest.raises(RuntimeError, match="zero_grad"):
        z.backward()  # silently doubling the gradient is refused
    assert (x.grad, y.grad) == once  # and the failed call changed nothing
    z.backward(accumulate=True)  # like torch's retain_graph=True: exactly twice, not more
    xt, yt = torch.tensor(1.5, dtype=torch.float64, requires_grad=True), torch.tensor(-0.5, dtype=torch.float64, requires_grad=True)
    ht = (xt * yt).tanh()
    zt = ht * ht + ht * xt
    zt.backward(retain_graph=True)
    zt.backward()
    assert (x.grad, y.grad) == pytest.approx((2 * once[0], 2 * once[1]), rel=1e-14)
    assert (x.grad, y.grad) == pytest.approx((xt.grad.item(), yt.grad.item()), rel=1e-12)
    z.zero_grad()
    assert x.grad == y.grad == h.grad == 0.0
    z.backward()  # allowed again after zero_grad
    assert (x.grad, y.grad) == pytest.approx(once, rel=1e-14)


def test_torch_second_backward_as_the_page_describes_it() -> None:
    # The page compares accumulate=True with torch: these are the torch facts it relies on.
    xt = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    out = xt.tanh() * xt  # saves tensors for the backward pass
    out.backward()
    with pytest.raises(RuntimeError, match="second time"):
        out.backward()  # they were freed by the first call
    xt.grad = None
    out = xt.tanh() * xt
    out.backward(retain_graph=True)  # the permission goes on the first call
    out.backward()
    x = Value(1.5)
    out_labkit = x.tanh() * x
    out_labkit.backward()
    out_labkit.backward(accumulate=True)  # labkit's permission goes on the second call
    assert x.grad == pytest.approx(xt.grad.item(), rel=1e-14)
    xt.grad = None
    total = xt + xt  # saves no tensor: a second call raises nothing and silently doubles
    total.backward()
    total.backward()
    assert xt.grad.item() == 4.0
    x = Value(1.5)
    total_labkit = x + x
    total_labkit.backward()
    with pytest.raises(RuntimeError, match="accumulate=True"):
        total_labkit.backward()  # labkit refuses whatever the graph


def test_two_losses_sharing_inputs_add_their_gradients() -> None:
    x = Value(0.7)
    h = x.sin()
    a, b = h * 2.0, h * h
    a.backward()
    b.backward()  # another output: no error, the leaf adds both gradients
    assert x.grad == pytest.approx(2 * np.cos(0.7) + 2 * np.sin(0.7) * np.cos(0.7), rel=1e-14)
    # torch, as the page says: sharing the intermediate node h needs retain_graph=True on the first call
    xt = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    ht = xt.sin()
    (ht * 2.0).backward()
    with pytest.raises(RuntimeError, match="second time"):
        (ht * ht).backward()
    xt.grad = None
    ht = xt.sin()
    (ht * 2.0).backward(retain_graph=True)
    (ht * ht).backward()
    assert x.grad == pytest.approx(xt.grad.item(), rel=1e-14)
    # sharing only the input: no permission needed in torch either
    xt.grad = None
    (xt.sin() * 2.0).backward()
    (xt.sin() * xt.sin()).backward()
    assert x.grad == pytest.approx(xt.grad.item(), rel=1e-14)


def test_tensor_backward_twice_is_an_error_unless_asked_for() -> None:
    w = Tensor(np.array([[0.5, -1.0], [2.0, 0.25]]))
    h = (Tensor(np.ones((3, 2))) @ w).tanh()
    loss = (h * h).sum() + h.mean()
    loss.backward()
    once = w.grad.copy()
    with pytest.raises(RuntimeError, match="accumulate=True"):
        loss.backward()
    loss.backward(accumulate=True)
    np.testing.assert_allclose(w.grad, 2 * once, rtol=1e-14)
    loss.zero_grad()
    assert w.grad is None
    loss.backward()
    np.testing.assert_allclose(w.grad, once, rtol=1e-14)


def test_non_scalar_backward_needs_a_seed() -> None:
    y = Tensor(np.ones((2, 3))) * 2.0
    with pytest.raises(ValueError, match="seed"):
        y.backward()
    x = Tensor(np.arange(3.0))
    (x * x).backward(np.array([1.0, 0.0, 2.0]))  # a seed makes it a vector-Jacobian product
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 8.0])


def test_data_without_requires_grad_gets_no_gradient() -> None:
    X, W = Tensor(np.ones((4, 3)), requires_grad=False), Tensor(np.ones((3, 2)))
    (X @ W).sum().backward()
    assert X.grad is None and W.grad.shape == (3, 2)


# -- helpers: grad, vjp, jvp, jacobian -------------------------------------------------------------------
def test_grad_and_vjp_match_torch() -> None:
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    gx, gw = grad(lambda x, w: ((x @ w).tanh() ** 2).mean())(x, w)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ((xt @ wt).tanh() ** 2).mean().backward()
    np.testing.assert_allclose(gx, xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(gw, wt.grad.numpy(), rtol=1e-12)
    v = rng.normal(size=(4, 2))
    value, row = vjp(lambda x: (x @ w).sigmoid(), x, v)
    xt = torch.tensor(x, requires_grad=True)
    out = torch.sigmoid(xt @ torch.from_numpy(w))
    out.backward(torch.from_numpy(v))
    np.testing.assert_allclose(value, out.detach().numpy(), rtol=1e-14)
    np.testing.assert_allclose(row, xt.grad.numpy(), rtol=1e-12)
    assert np.array_equal(grad(lambda x: (x * 0.0).sum())(np.ones(3)), np.zeros(3))


def test_jacobian_forward_and_reverse_equal_torch() -> None:
    A = np.random.default_rng(1).normal(size=(5, 3))
    f = lambda x: (A @ x).tanh() * x.sum()  # noqa: E731   R³ → R⁵
    x = np.array([0.3, -1.2, 0.7])
    expected = torch.autograd.functional.jacobian(
        lambda t: torch.tanh(torch.from_numpy(A) @ t) * t.sum(), torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(jacobian(f, x, "forward"), expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(jacobian(f, x, "reverse"), expected, rtol=1e-12, atol=1e-14)
    scalar = jacobian(lambda x: (x * x).sum(), x, "reverse")  # R³ → R: one row, the gradient
    np.testing.assert_allclose(scalar, [2 * x], rtol=1e-15)
    np.testing.assert_allclose(jacobian(lambda x: (x * x).sum(), x, "forward"), [2 * x], rtol=1e-15)


def test_dual_numbers_on_arrays() -> None:
    x = np.array([0.5, -1.0, 2.0])
    for name, f, df in [("exp", np.exp, np.exp), ("log", np.log, lambda v: 1 / v),
                        ("sin", np.sin, np.cos), ("cos", np.cos, lambda v: -np.sin(v))]:
        d = getattr(Dual(np.abs(x), 1.0), name)()
        np.testing.assert_allclose(d.value, f(np.abs(x)), rtol=1e-15)
        np.testing.assert_allclose(d.tangent, df(np.abs(x)), rtol=1e-15)
    r = Dual(np.array([-1.0, 0.0, 1.0]), 1.0).relu()
    np.testing.assert_array_equal(r.tangent, [0.0, 0.0, 1.0])  # 0 at the kink, as in PyTorch
    assert jvp(lambda d: 3.0, 1.0, 1.0) == (3.0, 0.0)  # a constant function has zero derivative


# -- MLP on digits: the tensor engine follows torch's loss curve ----------------------------------------
def test_mlp_training_on_digits_follows_torch() -> None:
    X_train, X_test, y_train, y_test = load_digits_split(seed=0)
    model = MLP([64, 32, 10], activation="relu", seed=0)
    params = [Tensor(p.copy()) for p in model.parameters()]
    net = to_torch(model)
    opt = torch.optim.SGD(net.parameters(), lr=0.2)

    def labkit_step(xb, yb):
        for p in params:
            p.grad = None
        loss = mlp_loss(params, xb, yb)
        loss.backward()
        for p in params:
            p.data -= 0.2 * p.grad
        return float(loss.data)

    torch_step = train_step(opt, lambda xb, yb: torch.nn.functional.cross_entropy(net(xb), yb))

    mine = fit(labkit_step, X_train, y_train, epochs=4, batch_size=64, seed=0)
    theirs = fit(torch_step, torch.from_numpy(X_train), torch.from_numpy(y_train), epochs=4, batch_size=64, seed=0)
    np.testing.assert_allclose(mine.train_loss, theirs.train_loss, rtol=1e-10)
    assert mine.train_loss[-1] < mine.train_loss[0] / 3
    assert accuracy_of(mlp_logits(params, X_test).data, y_test) == accuracy(net, X_test, y_test) > 0.85


def test_softmax_cross_entropy_matches_torch_on_large_logits() -> None:
    z = np.random.default_rng(2).normal(size=(6, 5)) * 300  # overflows a naive softmax
    y = np.array([0, 1, 2, 3, 4, 0])
    logits = Tensor(z)
    loss = softmax_cross_entropy(logits, y)
    loss.backward()
    zt = torch.tensor(z, requires_grad=True)
    loss_t = torch.nn.functional.cross_entropy(zt, torch.from_numpy(y))
    loss_t.backward()
    assert float(loss.data) == pytest.approx(loss_t.item(), rel=1e-13)
    np.testing.assert_allclose(logits.grad, zt.grad.numpy(), rtol=1e-10, atol=1e-15)


# -- measurements -----------------------------------------------------------------------------------------
def test_symbolic_derivative_swells_the_trace_grows_linearly() -> None:
    sizes = [expression_swell(d) for d in range(1, 7)]
    symbolic, trace = np.array(sizes).T
    assert list(trace) == [4 * d for d in range(1, 7)]  # 4 operations per step of the logistic map
    assert np.all(symbolic[1:] / symbolic[:-1] > 2)  # more than doubles at each step
    assert symbolic[-1] > 50 * trace[-1]


def test_graph_of_a_small_expression() -> None:
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    out = (a * b + a).tanh()
    out.backward()
    g = graph_of(out)
    ops = dict(g.nodes(data="op"))
    assert sorted(ops.values()) == ["", "", "+", "tanh", "×"]
    assert g.number_of_edges() == 5 and max(dict(g.out_degree()).values()) == 2  # a feeds × and +
    labels = {d["label"]: d["grad"] for _, d in g.nodes(data=True) if d["label"]}
    assert labels == {"a": pytest.approx(a.grad), "b": pytest.approx(b.grad)}


def test_measurement_helpers_return_positive_times() -> None:
    calls = []
    assert median_time(lambda: calls.append(1), repeats=3) >= 0 and len(calls) == 4  # one warm-up
    threads = torch.get_num_threads()
    mine, theirs = training_step_times(8, hidden=4, repeats=1, threads=1)
    assert mine > 0 and theirs > 0 and torch.get_num_threads() == threads  # the pool size is restored


# -- edge values: the three engines follow IEEE arithmetic like torch ----------------------------------
INF, NAN = float("inf"), float("nan")
EDGES = [  # (what, f, x): f uses only what Value, Dual, Tensor and torch tensors share
    ("log(0)", lambda x: x.log(), 0.0), ("log(-0)", lambda x: x.log(), -0.0), ("log(-1)", lambda x: x.log(), -1.0),
    ("log(inf)", lambda x: x.log(), INF), ("2/x at 0", lambda x: 2.0 / x, 0.0), ("2/x at -0", lambda x: 2.0 / x, -0.0),
    ("2/x at inf", lambda x: 2.0 / x, INF), ("x/0 at 2", lambda x: x / 0.0, 2.0), ("x/0 at 0", lambda x: x / 0.0, 0.0),
    ("x/x at 0", lambda x: x / x, 0.0), ("exp(1000)", lambda x: x.exp(), 1000.0),
    ("exp(-inf)", lambda x: x.exp(), -INF), ("exp(nan)", lambda x: x.exp(), NAN),
    ("x**0 at 0", lambda x: x**0, 0.0), ("x**0 at 2", lambda x: x**0, 2.0), ("x**0 at nan", lambda x: x**0, NAN),
    ("x**1 at 0", lambda x: x**1, 0.0), ("x**2 at 0", lambda x: x**2, 0.0), ("sqrt: x**0.5 at 0", lambda x: x**0.5, 0.0),
    ("x**0.5 at -1", lambda x: x**0.5, -1.0), ("x**-1 at 0", lambda x: x**-1, 0.0),
    ("x**3 at 1e200", lambda x: x**3, 1e200), ("tanh(nan)", lambda x: x.tanh(), NAN),
    ("tanh(inf)", lambda x: x.tanh(), INF), ("relu(nan)", lambda x: x.relu(), NAN), ("relu(0)", lambda x: x.relu(), 0.0),
    ("relu(inf)", lambda x: x.relu(), INF), ("relu(-inf)", lambda x: x.relu(), -INF),
    ("sigmoid(nan)", lambda x: x.sigmoid(), NAN), ("sigmoid(-1000)", lambda x: x.sigmoid(), -1000.0),
    ("sigmoid(inf)", lambda x: x.sigmoid(), INF), ("sin(inf)", lambda x: x.sin(), INF),
    ("cos(inf)", lambda x: x.cos(), INF), ("x*inf at 0", lambda x: x * INF, 0.0), ("x*0 at inf", lambda x: x * 0.0, INF),
    ("x-x at inf", lambda x: x - x, INF), ("nan+x", lambda x: NAN + x, 1.0),
]


def engines_at(f, x: float):
    """(engine, value, gradient) of f at x: reverse mode on Value and Tensor, forward mode on a scalar
    Dual and on an array Dual, which must all agree."""
    leaf = Value(x)
    out = f(leaf)
    out.backward()
    yield "Value", out.data, leaf.grad
    d = f(Dual(x, 1.0))
    yield "Dual", d.value, d.tangent
    d = f(Dual(np.array([x, x]), 1.0))
    yield "Dual of an array", d.value[0], d.tangent[0]
    t = Tensor(np.array([x, x]))
    out = f(t)
    out.sum().backward()
    yield "Tensor", out.data[0], t.grad[0]


@pytest.mark.parametrize("what, f, x", EDGES, ids=[row[0] for row in EDGES])
def test_engines_follow_ieee_arithmetic_like_torch_at_edge_values(what, f, x) -> None:
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    out = f(xt)
    out.backward()
    expected = (out.item(), xt.grad.item())
    for engine, value, slope in engines_at(f, x):
        # NaN == NaN here; inf must be inf of the same sign.
        assert np.isclose([value, slope], expected, rtol=1e-12, atol=0, equal_nan=True).all(), (
            f"{engine}: {what} gives (value, gradient) {(float(value), float(slope))}, torch {expected}")


def test_pow_gradient_is_zero_for_exponent_zero_and_equals_torch_at_base_zero() -> None:
    # The named defect: the formula k x**(k-1) gives 0 * 0**-1 = NaN for k = 0 at x = 0.
    for k in (0, 0.0, 1, 2, 3, 0.5, -1, -2):
        xt = torch.zeros(3, dtype=torch.float64, requires_grad=True)
        (xt**k).sum().backward()
        t = Tensor(np.zeros(3))
        (t**k).sum().backward()
        np.testing.assert_array_equal(t.grad, xt.grad.numpy(), err_msg=f"k = {k}")


def test_value_and_jvp_accept_zero_d_arrays_and_constant_outputs() -> None:
    # Value(np.float64-array) was refused (round 2 of the probe); a constant f keeps jvp's shapes.
    assert Value(np.array(0.5)).exp().data == pytest.approx(np.exp(0.5))
    value, slope = jvp(lambda d: np.ones(2), np.ones(2), np.ones(2))
    assert value.tolist() == [1.0, 1.0] and slope.tolist() == [0.0, 0.0]
    assert jvp(lambda d: 3.0, 1.0, 1.0) == (3.0, 0.0)


def test_nan_propagates_through_a_whole_network() -> None:
    # A NaN input is a value like any other for the engines: it reaches the loss and the gradients.
    params = [Tensor(np.ones((2, 3))), Tensor(np.zeros(3))]
    loss = mlp_loss(params, np.array([[np.nan, 1.0]]), np.array([1]))
    loss.backward()
    assert np.isnan(loss.data) and np.isnan(params[0].grad[0]).all()


# -- bad input: declared contracts, and the relations checked inline ------------------------------------
def _pair() -> list[Tensor]:
    return [Tensor(np.eye(2)), Tensor(np.zeros(2))]


VALID_CALLS = {
    "Dual": lambda: (Dual, dict(value=np.array([1.0, 2.0]), tangent=1.0)),
    "jvp": lambda: (jvp, dict(f=lambda d: d * d, x=np.array([1.0, 2.0]), v=np.array([1.0, 0.0]))),
    "Value": lambda: (Value, dict(data=0.5, label="w")),
    "Value.topological_order": lambda: ((Value(1.0) * 2.0).topological_order, {}),
    "Value.backward": lambda: ((Value(1.0) * 2.0).backward, dict(accumulate=False)),
    "Value.zero_grad": lambda: ((Value(1.0) * 2.0).zero_grad, {}),
    "graph_of": lambda: (graph_of, dict(output=Value(2.0) * 3.0)),
    "Tensor": lambda: (Tensor, dict(data=np.ones((2, 2)), requires_grad=False)),
    "Tensor.sum": lambda: (Tensor(np.ones((2, 3))).sum, dict(axis=1, keepdims=True)),
    "Tensor.mean": lambda: (Tensor(np.ones((2, 3))).mean, dict(axis=0, keepdims=False)),
    "Tensor.reshape": lambda: (functools.partial(Tensor(np.ones(6)).reshape, 2, 3), {}),
    "Tensor.backward": lambda: ((Tensor(np.ones(3)) * 2.0).backward, dict(seed=np.ones(3), accumulate=False)),
    "Tensor.zero_grad": lambda: ((Tensor(np.ones(3)) * 2.0).zero_grad, {}),
    "softmax_cross_entropy": lambda: (softmax_cross_entropy, dict(logits=Tensor(np.zeros((2, 3))), y=np.array([0, 2]))),
    "grad": lambda: (grad, dict(f=lambda x: (x * x).sum())),
    "vjp": lambda: (vjp, dict(f=lambda x: x * x, x=np.array([1.0, 2.0]), v=np.array([1.0, 0.0]))),
    "mlp_logits": lambda: (mlp_logits, dict(params=_pair(), X=np.ones((3, 2)))),
    "mlp_loss": lambda: (mlp_loss, dict(params=_pair(), X=np.ones((3, 2)), y=np.array([0, 1, 1]))),
    "jacobian": lambda: (jacobian, dict(f=lambda x: x * x, x=np.array([1.0, 2.0]), mode="forward")),
    "expression_swell": lambda: (expression_swell, dict(depth=2)),
    "median_time": lambda: (median_time, dict(fn=lambda: None, repeats=2)),
    "training_step_times": lambda: (training_step_times, dict(batch_size=4, hidden=2, repeats=1, seed=0, threads=1)),
}
for _method in ("exp", "log", "sin", "cos", "tanh", "sigmoid", "relu"):  # elementary functions: no argument
    VALID_CALLS[f"Value.{_method}"] = lambda m=_method: (getattr(Value(0.5), m), {})
    VALID_CALLS[f"Dual.{_method}"] = lambda m=_method: (getattr(Dual(np.array([0.5, 2.0]), 1.0), m), {})
    VALID_CALLS[f"Tensor.{_method}"] = lambda m=_method: (getattr(Tensor(np.array([0.5, 2.0])), m), {})
VALID_CALLS["Dual.sum"] = lambda: (Dual(np.array([0.5, 2.0]), 1.0).sum, {})

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(autodiff, VALID_CALLS)

# Relations between arguments, exponents of ** and what a callable returns stay checked inline.
BAD_INPUTS = [
    ("Dual", Dual, dict(value=np.ones(3), tangent=np.ones(2)), ValueError, "tangent"),
    ("Dual", lambda k: Dual(2.0) ** k, dict(k="2"), TypeError, "k"),
    ("jvp", jvp, dict(f=lambda d: d, x=np.ones(3), v=np.ones(2)), ValueError, "v"),
    ("Value", lambda k: Value(2.0) ** k, dict(k=Value(2.0)), TypeError, "k"),
    ("Tensor", lambda other: Tensor(np.ones((2, 3))) @ other, dict(other=np.ones((2, 3))), ValueError, "operands"),
    ("Tensor", lambda other: Tensor(np.ones((2, 3))) + other, dict(other=np.ones((2, 2))), ValueError, "operands"),
    ("Tensor", lambda k: Tensor(2.0) ** k, dict(k=np.ones(2)), TypeError, "k"),
    ("Tensor.backward", (Tensor(np.ones((2, 2))) * 2.0).backward, dict(seed=None), ValueError, "seed"),
    ("Tensor.backward", (Tensor(np.ones((2, 2))) * 2.0).backward, dict(seed=np.ones(3)), ValueError, "seed"),
    ("Tensor.sum", Tensor(np.ones((2, 2))).sum, dict(axis=2), ValueError, "axis"),
    ("Tensor.mean", Tensor(np.ones((2, 2))).mean, dict(axis=-3), ValueError, "axis"),
    ("Tensor.reshape", lambda shape: Tensor(np.ones(6)).reshape(*shape), dict(shape=(4,)), ValueError, "shape"),
    ("Tensor.reshape", lambda shape: Tensor(np.ones(6)).reshape(*shape), dict(shape=("a",)), TypeError, "shape"),
    ("softmax_cross_entropy", softmax_cross_entropy, dict(logits=Tensor(np.zeros((2, 3))), y=np.array([0, 3])), ValueError, "y"),
    ("softmax_cross_entropy", softmax_cross_entropy, dict(logits=Tensor(np.zeros((2, 3))), y=np.array([0])), ValueError, "y"),
    ("softmax_cross_entropy", softmax_cross_entropy, dict(logits=Tensor(np.zeros(3)), y=np.array([0])), ValueError, "logits"),
    ("grad", lambda f: grad(f)(np.ones(3)), dict(f=lambda x: x * 2.0), ValueError, "f"),
    ("grad", lambda x: grad(lambda x: x.sum())(x), dict(x="abc"), TypeError, "args"),
    # Round 2 of the probe (issue 15): each row below failed before its fix.
    ("grad", lambda x: grad(lambda x: x.sum())(x), dict(x=np.ones(2) * 1j), TypeError, "args"),
    ("jvp", jvp, dict(f=lambda d: "abc", x=np.ones(2), v=np.ones(2)), TypeError, "f"),
    ("Value", Value, dict(data=10**400), ValueError, "data"),
    ("mlp_logits", mlp_logits, dict(params=[Tensor(np.ones((3, 2))), Tensor(np.zeros(5))], X=np.ones((4, 3))),
     ValueError, "params"),
    ("mlp_logits", mlp_logits, dict(params=_pair() + [Tensor(np.ones((3, 2))), Tensor(np.zeros(2))],
                                    X=np.ones((4, 2))), ValueError, "params"),
    ("median_time", median_time, dict(fn=lambda x: x, repeats=1), TypeError, "fn"),
    ("training_step_times", training_step_times, dict(batch_size=4, hidden=2**28, repeats=1), ValueError, "hidden"),
    ("training_step_times", training_step_times, dict(batch_size=4, hidden=2, repeats=1, threads=os.cpu_count() + 1),
     ValueError, "threads"),
    ("vjp", vjp, dict(f=lambda x: x * 2.0, x=np.ones(3), v=np.ones(2)), ValueError, "v"),
    ("vjp", vjp, dict(f=lambda x: 2.0, x=np.ones(3), v=np.ones(3)), TypeError, "f"),
    ("mlp_logits", mlp_logits, dict(params=_pair() + _pair()[:1], X=np.ones((4, 2))), ValueError, "params"),
    ("mlp_logits", mlp_logits, dict(params=_pair(), X=np.ones((4, 5))), ValueError, "X"),
    ("mlp_loss", mlp_loss, dict(params=_pair(), X=np.ones((4, 2)), y=np.array([0, 1, 2, 0])), ValueError, "y"),
    ("jacobian", jacobian, dict(f=lambda x: x.reshape(1, 2), x=np.ones(2), mode="reverse"), ValueError, "f"),
    ("training_step_times", training_step_times, dict(batch_size=5000, hidden=2, repeats=1), ValueError, "batch_size"),
]


test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)
