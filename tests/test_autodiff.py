"""Tests of labkit.autodiff: forward mode, the scalar and the tensor reverse modes are checked against
torch.autograd (float64) and central finite differences on random programs; forward mode's jvp agrees
with reverse mode's gradient; the tensor engine trains an MLP on digits along torch's loss curve."""

from __future__ import annotations

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
from labkit._torch import optimizer_step
from labkit.backprop import MLP, numerical_gradient, to_torch
from labkit.data import load_digits_split
from labkit.training import fit
from badinput import bad_input_tests

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

    torch_step = optimizer_step(opt, lambda xb, yb: torch.nn.functional.cross_entropy(net(xb), yb))

    mine = fit(labkit_step, X_train, y_train, epochs=4, batch_size=64, seed=0)
    theirs = fit(torch_step, torch.from_numpy(X_train), torch.from_numpy(y_train), epochs=4, batch_size=64, seed=0)
    np.testing.assert_allclose(mine.train_loss, theirs.train_loss, rtol=1e-10)
    assert mine.train_loss[-1] < mine.train_loss[0] / 3
    accuracy = np.mean(mlp_logits(params, X_test).data.argmax(axis=1) == y_test)
    with torch.no_grad():
        accuracy_t = np.mean(net(torch.from_numpy(X_test)).argmax(dim=1).numpy() == y_test)
    assert accuracy == accuracy_t > 0.85


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


# -- bad input ---------------------------------------------------------------------------------------------
def _backward(seed):
    return (Tensor(np.ones((2, 2))) * 2.0).backward(seed)


P2 = [Tensor(np.ones((3, 2))), Tensor(np.zeros(2))]
BAD_INPUTS = [
    ("Dual", Dual, dict(value="abc"), TypeError, "value"),
    ("Dual", Dual, dict(value=np.ones(3), tangent=np.ones(2)), ValueError, "tangent"),
    ("Dual", Dual, dict(value=True), TypeError, "value"),
    ("Dual", lambda k: Dual(2.0) ** k, dict(k="2"), TypeError, "k"),
    ("jvp", jvp, dict(f=None, x=1.0, v=1.0), TypeError, "f"),
    ("jvp", jvp, dict(f=lambda d: d, x=np.ones(3), v=np.ones(2)), ValueError, "v"),
    ("jvp", jvp, dict(f=lambda d: d, x=[["a"]], v=1.0), TypeError, "x"),
    ("Value", Value, dict(data="1.0"), TypeError, "data"),
    ("Value", Value, dict(data=np.ones(2)), TypeError, "data"),
    ("Value", Value, dict(data=1.0, label=3), TypeError, "label"),
    ("Value", lambda k: Value(2.0) ** k, dict(k=Value(2.0)), TypeError, "k"),
    ("Value", lambda accumulate: (Value(1.0) * 2.0).backward(accumulate), dict(accumulate="yes"), TypeError, "accumulate"),
    ("graph_of", graph_of, dict(output=1.0), TypeError, "output"),
    ("Tensor", Tensor, dict(data="abc"), TypeError, "data"),
    ("Tensor", Tensor, dict(data=Tensor(1.0)), TypeError, "data"),
    ("Tensor", Tensor, dict(data=1.0, requires_grad="yes"), TypeError, "requires_grad"),
    ("Tensor", lambda other: Tensor(np.ones((2, 3))) @ other, dict(other=np.ones((2, 3))), ValueError, "operands"),
    ("Tensor", lambda other: Tensor(np.ones((2, 3))) + other, dict(other=np.ones((2, 2))), ValueError, "operands"),
    ("Tensor", _backward, dict(seed=None), ValueError, "seed"),
    ("Tensor", _backward, dict(seed=np.ones(3)), ValueError, "seed"),
    ("Tensor", lambda accumulate: Tensor(1.0).backward(accumulate=accumulate), dict(accumulate=1), TypeError, "accumulate"),
    ("softmax_cross_entropy", softmax_cross_entropy, dict(logits=np.zeros((2, 3)), y=np.array([0, 1])), TypeError, "logits"),
    ("softmax_cross_entropy", softmax_cross_entropy, dict(logits=Tensor(np.zeros((2, 3))), y=np.array([0, 3])), ValueError, "y"),
    ("softmax_cross_entropy", softmax_cross_entropy, dict(logits=Tensor(np.zeros(3)), y=np.array([0])), ValueError, "logits"),
    ("grad", grad, dict(f="sum"), TypeError, "f"),
    ("grad", lambda f: grad(f)(np.ones(3)), dict(f=lambda x: x * 2.0), ValueError, "f"),
    ("vjp", vjp, dict(f=lambda x: x * 2.0, x=np.ones(3), v=np.ones(2)), ValueError, "v"),
    ("vjp", vjp, dict(f=lambda x: 2.0, x=np.ones(3), v=np.ones(3)), TypeError, "f"),
    ("vjp", vjp, dict(f=None, x=np.ones(3), v=np.ones(3)), TypeError, "f"),
    ("mlp_logits", mlp_logits, dict(params=[np.ones((3, 2)), np.zeros(2)], X=np.ones((4, 3))), TypeError, "params"),
    ("mlp_logits", mlp_logits, dict(params=P2[:1], X=np.ones((4, 3))), TypeError, "params"),
    ("mlp_logits", mlp_logits, dict(params=P2, X=np.ones((4, 5))), ValueError, "X"),
    ("mlp_loss", mlp_loss, dict(params=P2, X=np.ones((4, 3)), y=np.array([0, 1, 2, 0])), ValueError, "y"),
    ("mlp_loss", mlp_loss, dict(params=P2, X=np.ones((4, 3)), y=np.ones(4)), TypeError, "y"),
    ("jacobian", jacobian, dict(f=lambda x: x, x=np.ones((2, 2))), ValueError, "x"),
    ("jacobian", jacobian, dict(f=lambda x: x, x=np.ones(2), mode="central"), ValueError, "mode"),
    ("jacobian", jacobian, dict(f=1, x=np.ones(2)), TypeError, "f"),
    ("expression_swell", expression_swell, dict(depth=0), ValueError, "depth"),
    ("expression_swell", expression_swell, dict(depth=13), ValueError, "depth"),
    ("expression_swell", expression_swell, dict(depth=2.0), TypeError, "depth"),
    ("median_time", median_time, dict(fn=None), TypeError, "fn"),
    ("median_time", median_time, dict(fn=lambda: None, repeats=0), ValueError, "repeats"),
    ("training_step_times", training_step_times, dict(batch_size=0), ValueError, "batch_size"),
    ("training_step_times", training_step_times, dict(batch_size=5000, hidden=2, repeats=1), ValueError, "batch_size"),
    ("training_step_times", training_step_times, dict(batch_size=8, hidden=1.5), TypeError, "hidden"),
    ("training_step_times", training_step_times, dict(batch_size=8, threads=0), ValueError, "threads"),
]


(test_bad_input_is_rejected_with_a_message_naming_the_argument,
 test_bad_input_table_covers_every_public_callable) = bad_input_tests(BAD_INPUTS, autodiff)
