"""Forward against reverse mode, automatic against symbolic differentiation, labkit against PyTorch.

:func:`jacobian` builds a full Jacobian either way, so the cost of each mode can be timed;
:func:`expression_swell` measures how a symbolic derivative grows where the evaluation trace does not;
:func:`training_step_times` times one training step of the same MLP in labkit's engine and in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._checks import Array, Choice, Count, Function, Int, Seed, Size, Threads, check_elements
from .._contract import contract
from ..timing import time_call
from .forward import jvp
from .scalar import Value
from .tensor import Tensor, mlp_loss, vjp

__all__ = ["jacobian", "expression_swell", "median_time", "training_step_times"]


@contract(f=Function(takes=1), x=Array(finite=False, ndim=1, min_rows=1), mode=Choice("forward", "reverse"))
def jacobian(f: Callable[[Any], Any], x: Any, mode: str = "reverse") -> np.ndarray:
    """The Jacobian of ``f: Rⁿ → Rᵐ`` at the 1-D array ``x``, of shape ``(m, n)``.

    ``mode="forward"`` runs ``n`` forward passes on :class:`~labkit.autodiff.Dual` numbers, one per
    column (``J e_i``); ``mode="reverse"`` runs ``m`` reverse passes on :class:`~labkit.autodiff.Tensor`,
    one per row (``e_jᵀ J``). ``f`` must work with both (operators and methods such as ``sum``, ``tanh``)
    and return a 1-D array (a 0-d one for a scalar function, giving one row).

    >>> f = lambda x: (x * x).sum() * x          # R² → R²
    >>> x = np.array([1.0, 2.0])
    >>> jacobian(f, x, "forward")
    array([[ 7.,  4.],
           [ 4., 13.]])
    >>> np.array_equal(jacobian(f, x, "forward"), jacobian(f, x, "reverse"))
    True
    """
    eye_n = np.eye(x.size)
    if mode == "forward":  # one column per pass: cost grows with the number of inputs
        return np.column_stack([np.atleast_1d(jvp(f, x, e)[1]) for e in eye_n])
    out = f(Tensor(x))
    if not isinstance(out, Tensor) or out.data.ndim > 1:
        raise ValueError("f must return a 0-d or 1-D Tensor when given a Tensor")
    # One row per pass: cost grows with the number of outputs.
    return np.vstack([vjp(f, x, e.reshape(out.shape))[1] for e in np.eye(out.data.size)])


@contract(depth=Int(1, 12))
def expression_swell(depth: int) -> tuple[int, int]:
    """Size of the derivative of ``depth`` steps of the logistic map ``l ← 4 l (1 - l)``, two ways.

    Returns ``(symbolic, trace)``: the number of operations in sympy's derivative of the nested
    expression (a tree that repeats every shared subexpression), and the number of operations in the
    evaluation trace that reverse mode walks (a graph that shares them; the backward pass applies one
    local rule per operation). ``depth`` goes from 1 to 12 (beyond, the symbolic derivative explodes).
    The first grows exponentially with ``depth``, the second linearly
    (Baydin et al., 2018, table 1).

    >>> [expression_swell(d) for d in (1, 2, 3)]
    [(2, 4), (21, 8), (82, 12)]
    """
    import sympy  # here: only this function needs it

    x, l = sympy.Symbol("x"), Value(0.3)
    expr, node = x, l
    for _ in range(depth):
        expr, node = 4 * expr * (1 - expr), 4 * node * (1 - node)
    return int(sympy.count_ops(sympy.diff(expr, x))), sum(1 for n in node.topological_order() if n._parents)


@contract(fn=Function(takes=0), repeats=Count())
def median_time(fn: Callable[[], Any], repeats: int = 7) -> float:
    """Median wall-clock time of ``fn()`` over ``repeats`` calls, in seconds, after one warm-up call.

    >>> median_time(lambda: sum(range(100))) < 1.0
    True
    """
    # The course's harness, one call per sample (every call outlasts a nanosecond); the warm-up call
    # pays for caches and allocations.
    return time_call(fn, repeats=repeats, warmup=1, min_time=1e-9).median_s


@contract(batch_size=Size(), hidden=Size(), repeats=Count(), seed=Seed(), threads=Threads())
def training_step_times(batch_size: int, hidden: int = 128, repeats: int = 21, seed: int = 0,
                        threads: int = 1) -> tuple[float, float]:
    """Median time of one SGD step (forward, backward, update) of a 64-``hidden``-10 ReLU MLP on digits.

    The same initial weights (:class:`labkit.backprop.MLP`) and the same batch are used by labkit's
    :class:`~labkit.autodiff.Tensor` engine and by ``torch.autograd`` (float64, CPU), both limited to
    ``threads`` threads (NumPy's BLAS and PyTorch's pool; restored afterwards), so that the timing
    compares the engines, not the thread pools. Returns ``(labkit_seconds, torch_seconds)``.

    >>> mine, theirs = training_step_times(32, hidden=16, repeats=3)
    >>> mine > 0 and theirs > 0
    True
    """
    check_elements("hidden", 64 * hidden, f"a 64 x {hidden} weight matrix")
    import torch
    from threadpoolctl import threadpool_limits

    from ..backprop import MLP, to_torch
    from ..data import load_digits_split

    X_train, X_test, y_train, y_test = load_digits_split(seed=seed)
    X, y = np.vstack([X_train, X_test]), np.concatenate([y_train, y_test])
    if batch_size > len(X):
        raise ValueError(f"batch_size must be at most {len(X)} (all of digits), got {batch_size}")
    X, y = X[:batch_size], y[:batch_size]
    model = MLP([64, hidden, 10], activation="relu", seed=seed)
    params = [Tensor(p) for p in model.parameters()]
    net, Xt, yt = to_torch(model), torch.from_numpy(X), torch.from_numpy(y)
    lr = 1e-3  # small: the weights barely move over the repeats

    def labkit_step() -> None:
        for p in params:
            p.grad = None
        mlp_loss(params, X, y).backward()
        for p in params:
            p.data -= lr * p.grad

    # The same hand-written SGD update on both sides, not labkit.training.train_step: the timing
    # compares the two autodiff engines, and torch.optim's per-step bookkeeping (with .item()) would
    # add about 0.3 ms to PyTorch's 0.9 ms step at a batch of 32 and to PyTorch's side only.
    def torch_step() -> None:
        net.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(net(Xt), yt).backward()
        with torch.no_grad():
            for p in net.parameters():
                p -= lr * p.grad

    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(threads)
        with threadpool_limits(limits=threads):
            return median_time(labkit_step, repeats), median_time(torch_step, repeats)
    finally:
        torch.set_num_threads(previous)
