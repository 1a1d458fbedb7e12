"""Reverse mode on arrays: a numpy :class:`Tensor` with the operations an MLP needs.

The same idea as :class:`~labkit.autodiff.Value`, one node per array operation instead of per number:
each node's ``_backward`` receives the gradient of its output (an array of the output's shape) and
adds the vector-Jacobian product to its parents. Broadcasting copies an input along some axes in the
forward pass, so its gradient is summed back over those axes (:func:`_unbroadcast`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Real
from typing import Any

import numpy as np

from .._checks import Array, Bool, Each, Function, Instance, Int, Optional, Rule, Variant, _const, _needs, check_labels
from .._contract import contract
from ..backprop import _log_softmax
from ._ieee import pow_slope, quiet
from .scalar import _start_backward, _topological_order

__all__ = ["Tensor", "softmax_cross_entropy", "grad", "vjp", "mlp_logits", "mlp_loss"]


def _unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    # Sum the gradient over the axes that broadcasting added (leading) or stretched (size 1).
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


class _TensorData(Array):
    # Tensor's data: an array-like of numbers, NaN and inf included; a Tensor is refused with a hint.
    def __init__(self) -> None:
        super().__init__(finite=False)

    def check(self, name: str, value: Any) -> np.ndarray:
        if isinstance(value, Tensor):
            raise TypeError(f"{name} must be an array of numbers, got a Tensor: use it directly")
        return super().check(name, value)

    def bad(self) -> list[Variant]:
        return super().bad() + [("a Tensor", _const(Tensor.__new__(Tensor)), TypeError)]

    def unusual(self) -> list[Variant]:
        return super().unusual() + [("nan", _const(float("nan")), None), ("inf", _const([1.0, np.inf]), None)]


@contract(data=_TensorData(), requires_grad=Bool())
class Tensor:
    """A float64 array that records the operations applied to it, for :meth:`backward`.

    ``requires_grad=False`` marks data (a batch of inputs): the backward pass computes no gradient
    for it, which saves a matrix product per layer. Supports ``+ - * /`` with numpy broadcasting, ``**`` by a number, ``@`` (1-D or 2-D), ``sum``, ``mean``,
    ``reshape``, ``T``, and ``exp log sin cos tanh sigmoid relu``. As in :class:`~labkit.autodiff.Value`, the
    gradients of leaves accumulate, those of intermediate nodes are reset by each :meth:`backward`, and
    a second :meth:`backward` from the same output needs :meth:`zero_grad` or ``accumulate=True``.
    ``data`` may hold NaN and inf: edge values follow IEEE arithmetic, as in torch (``log(0) = -inf``,
    ``1/0 = inf``, NaN propagates, the gradient of ``x**0`` is 0 also at 0).

    Examples
    --------
    >>> W = Tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> b = Tensor([0.5, -0.5])
    >>> loss = (Tensor(np.ones((3, 2))) @ W + b).relu().sum()
    >>> loss.backward()
    >>> W.grad                                  # each column of W is used by 3 rows of ones
    array([[3., 3.],
           [3., 3.]])
    >>> b.grad                                  # b was broadcast over 3 rows: its gradient sums them
    array([3., 3.])
    """

    __array_ufunc__ = None  # ndarray + Tensor calls Tensor.__radd__ instead of looping over entries
    __slots__ = ("data", "grad", "requires_grad", "_parents", "_backward", "_walked")

    def __init__(self, data: Any, requires_grad: bool = True) -> None:
        self.data = data
        self.grad: np.ndarray | None = None
        self.requires_grad = requires_grad  # False for data: no gradient is computed for it
        self._parents: tuple[Tensor, ...] = ()
        self._backward: Callable[[np.ndarray], None] = lambda g: None
        self._walked = False  # set by backward: a second call must be asked for

    shape = property(lambda self: self.data.shape, doc="Shape of ``data``.")

    def _accumulate(self, g: np.ndarray) -> None:
        if not self.requires_grad:
            return
        g = _unbroadcast(g, self.data.shape)
        self.grad = g if self.grad is None else self.grad + g  # a new array: never alias an upstream one

    @staticmethod
    def _lift(other: Any) -> Tensor:
        return other if isinstance(other, Tensor) else Tensor(other, requires_grad=False)

    def _node(self, data: np.ndarray, parents: tuple[Tensor, ...], backward: Callable[[np.ndarray], None]) -> Tensor:
        out = Tensor.__new__(Tensor)  # skips the input check: data is already a float64 array
        out.data, out.grad, out._parents, out._backward, out._walked = data, None, parents, backward, False
        out.requires_grad = any(p.requires_grad for p in parents)
        return out

    def _check_broadcast(self, other: Tensor) -> None:
        try:
            np.broadcast_shapes(self.shape, other.shape)
        except ValueError:
            raise ValueError(f"operands must have broadcastable shapes, got {self.shape} and {other.shape}") from None

    def __add__(self, other: Any) -> Tensor:
        other = self._lift(other)
        self._check_broadcast(other)

        def _backward(g: np.ndarray) -> None:
            self._accumulate(g)
            other._accumulate(g)
        return self._node(self.data + other.data, (self, other), _backward)

    def __mul__(self, other: Any) -> Tensor:
        other = self._lift(other)
        self._check_broadcast(other)

        def _backward(g: np.ndarray) -> None:
            self._accumulate(g * other.data)
            other._accumulate(g * self.data)
        return self._node(self.data * other.data, (self, other), _backward)

    def __truediv__(self, other: Any) -> Tensor:
        other = self._lift(other)
        self._check_broadcast(other)

        def _backward(g: np.ndarray) -> None:
            with np.errstate(all="ignore"):  # g / 0 is inf, as in torch
                self._accumulate(g / other.data)
                other._accumulate(-g * self.data / other.data**2)
        return self._node(quiet(np.divide, self.data, other.data), (self, other), _backward)

    def __pow__(self, k: Real) -> Tensor:
        if not isinstance(k, Real) or isinstance(k, bool):
            raise TypeError(f"exponent k must be a real number, got {type(k).__name__}")
        return self._node(quiet(np.power, self.data, k), (self,), lambda g: self._accumulate(g * pow_slope(self.data, k)))

    def __matmul__(self, other: Any) -> Tensor:
        other = self._lift(other)
        if self.data.ndim not in (1, 2) or other.data.ndim not in (1, 2) or self.shape[-1] != other.shape[0]:
            raise ValueError(f"operands of @ must be 1-D or 2-D with matching inner sizes, got {self.shape} @ {other.shape}")
        # A vector is a one-row matrix on the left, a one-column matrix on the right.
        A = self.data if self.data.ndim == 2 else self.data[None, :]
        B = other.data if other.data.ndim == 2 else other.data[:, None]

        def _backward(g: np.ndarray) -> None:  # Z = A B: dA = G Bᵀ, dB = Aᵀ G
            g = g.reshape(A.shape[0], B.shape[1])
            if self.requires_grad:  # skip the product for data, e.g. the input batch X
                self._accumulate((g @ B.T).reshape(self.shape))
            if other.requires_grad:
                other._accumulate((A.T @ g).reshape(other.shape))
        return self._node(self.data @ other.data, (self, other), _backward)

    def __neg__(self) -> Tensor:
        return self._node(-self.data, (self,), lambda g: self._accumulate(-g))

    def __sub__(self, other: Any) -> Tensor:
        return self + (-self._lift(other))

    def __rsub__(self, other: Any) -> Tensor:
        return self._lift(other) - self

    def __rtruediv__(self, other: Any) -> Tensor:
        return self._lift(other) / self

    def __rmatmul__(self, other: Any) -> Tensor:
        return self._lift(other) @ self

    __radd__, __rmul__ = __add__, __mul__

    @contract(axis=Optional(Int()), keepdims=Bool())
    def sum(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (all entries if None); the gradient is copied back along that axis."""
        self._check_axis(axis)
        out = self.data.sum(axis=axis, keepdims=keepdims)

        def _backward(g: np.ndarray) -> None:
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            self._accumulate(np.broadcast_to(g, self.shape))
        return self._node(np.asarray(out, dtype=np.float64), (self,), _backward)

    @contract(axis=Optional(Int()), keepdims=Bool())
    def mean(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis`` (all entries if None)."""
        self._check_axis(axis)
        n = self.data.size if axis is None else self.shape[axis]
        return self.sum(axis, keepdims) * (1.0 / n)

    def _check_axis(self, axis: int | None) -> None:
        if axis is not None and not -self.data.ndim <= axis < self.data.ndim:
            raise ValueError(f"axis must be None or an axis of the Tensor's {self.data.ndim} dimensions, got {axis}")

    @contract()
    def reshape(self, *shape: int) -> Tensor:
        """The same entries in a new shape (ints, one of them may be -1); the gradient takes the old shape back."""
        try:
            data = self.data.reshape(*shape)
        except (TypeError, ValueError) as error:  # numpy's message does not name the argument
            raise type(error)(f"shape must be ints whose product is the Tensor's size {self.data.size} "
                              f"(one may be -1), got {shape}") from None
        return self._node(data, (self,), lambda g: self._accumulate(g.reshape(self.shape)))

    @property
    def T(self) -> Tensor:
        """Transpose (axes reversed); the gradient is transposed back."""
        return self._node(self.data.T, (self,), lambda g: self._accumulate(g.T))

    @contract()
    def exp(self) -> Tensor:
        e = quiet(np.exp, self.data)
        return self._node(e, (self,), lambda g: self._accumulate(g * e))

    @contract()
    def log(self) -> Tensor:
        return self._node(quiet(np.log, self.data), (self,), lambda g: self._accumulate(quiet(np.divide, g, self.data)))

    @contract()
    def sin(self) -> Tensor:
        return self._node(quiet(np.sin, self.data), (self,), lambda g: self._accumulate(g * quiet(np.cos, self.data)))

    @contract()
    def cos(self) -> Tensor:
        return self._node(quiet(np.cos, self.data), (self,), lambda g: self._accumulate(-g * quiet(np.sin, self.data)))

    @contract()
    def tanh(self) -> Tensor:
        t = np.tanh(self.data)
        return self._node(t, (self,), lambda g: self._accumulate(g * (1.0 - t * t)))

    @contract()
    def sigmoid(self) -> Tensor:
        s = 0.5 * (1.0 + np.tanh(0.5 * self.data))
        return self._node(s, (self,), lambda g: self._accumulate(g * s * (1.0 - s)))

    @contract()
    def relu(self) -> Tensor:
        # As torch: NaN stays NaN and -inf gives 0 (not -inf * 0), the slope is 0 where data <= 0.
        mask = ~(self.data <= 0)
        return self._node(np.maximum(self.data, 0.0), (self,), lambda g: self._accumulate(g * mask))

    @contract(seed=Optional(Array(finite=False)), accumulate=Bool())
    def backward(self, seed: Any = None, accumulate: bool = False) -> None:
        """Add ``seedᵀ d self / d leaf`` to the ``grad`` of every leaf of the graph.

        ``seed`` is the gradient of some scalar with respect to ``self`` (same shape); it may be
        omitted only when ``self`` holds a single number, where it is 1. A second call from the same
        output raises a ``RuntimeError`` unless ``accumulate`` is True.
        """
        if seed is None:
            if self.data.size != 1:
                raise ValueError(f"backward of a non-scalar Tensor of shape {self.shape} needs a seed "
                                 "of that shape (the gradient of a scalar with respect to it)")
            seed = np.ones_like(self.data)
        elif seed.shape != self.shape:
            raise ValueError(f"seed must have the Tensor's shape {self.shape}, got {seed.shape}")
        order = _start_backward(self, accumulate, None)
        self._accumulate(seed)
        with np.errstate(all="ignore"):  # inf * 0 is NaN, as in torch, without numpy's warnings
            for node in reversed(order):
                if node.grad is not None and node._parents:  # None: no gradient reaches this node
                    node._backward(node.grad)

    @contract()
    def zero_grad(self) -> None:
        """Forget the gradients of this node and of every node it depends on."""
        for node in _topological_order(self):
            node.grad, node._walked = None, False

    def __repr__(self) -> str:
        # A 0-d result is a numpy scalar: shown as numpy 1 wrote it (6.0), not as numpy 2 does (np.float64(6.0)).
        return f"Tensor({self.data if isinstance(self.data, np.generic) else repr(self.data)})"


_A_TENSOR = Instance(Tensor, what="a labkit.autodiff.Tensor")


@contract(logits=_A_TENSOR, y=Array("int", ndim=1))
def softmax_cross_entropy(logits: Tensor, y: np.ndarray) -> Tensor:
    """Mean cross-entropy of ``softmax(logits)`` against int labels ``y``, as one fused node.

    Fusing keeps the forward pass stable (log-sum-exp) and the backward pass one line:
    ``(softmax(logits) - one_hot(y)) / n``.

    >>> z = Tensor(np.zeros((2, 3)))
    >>> loss = softmax_cross_entropy(z, np.array([0, 2]))
    >>> loss.backward()
    >>> bool(np.isclose(loss.data, np.log(3))), z.grad.round(3).tolist()
    (True, [[-0.333, 0.167, 0.167], [0.167, 0.167, -0.333]])
    """
    z = logits.data
    if z.ndim != 2 or z.shape[0] == 0:
        raise ValueError(f"logits must be a 2-D Tensor with at least one row, got shape {z.shape}")
    y = check_labels("y", y, z.shape[0], z.shape[1])
    log_p = _log_softmax(z)
    rows = np.arange(z.shape[0])

    def _backward(g: np.ndarray) -> None:
        d = np.exp(log_p)
        d[rows, y] -= 1.0
        logits._accumulate(d * (g / z.shape[0]))
    return logits._node(np.asarray(-log_p[rows, y].mean()), (logits,), _backward)


def _as_arrays(args: Sequence[Any]) -> list[np.ndarray]:
    # Named as the caller sees them: gradient(*args), so args[0] is the first argument.
    return [Array(finite=False).check(f"args[{i}]", a) for i, a in enumerate(args)]


@contract(f=Function())
def grad(f: Callable[..., Tensor]) -> Callable[..., Any]:
    """The gradient function of a scalar function ``f`` of arrays, by reverse mode.

    ``grad(f)(x1, x2, ...)`` wraps each argument in a :class:`Tensor`, runs ``f`` once, calls
    ``backward`` once, and returns ``df/dx1`` (one argument) or the tuple of gradients.

    >>> df = grad(lambda x, w: ((x @ w).tanh() ** 2).sum())
    >>> gx, gw = df(np.ones((2, 3)), np.zeros((3, 1)))
    >>> gx.shape, gw.shape, float(abs(gx).sum())       # tanh(0)² has a zero gradient
    ((2, 3), (3, 1), 0.0)
    """
    def gradient(*args: Any) -> Any:
        inputs = [Tensor(a) for a in _as_arrays(args)]
        out = f(*inputs)
        if not isinstance(out, Tensor) or out.data.size != 1:
            raise ValueError(f"f must return a Tensor holding one number, got {out!r:.60}")
        out.backward()
        grads = tuple(np.zeros_like(t.data) if t.grad is None else t.grad for t in inputs)
        return grads[0] if len(grads) == 1 else grads
    return gradient


@contract(f=Function(takes=1), x=Array(finite=False), v=Array(finite=False))
def vjp(f: Callable[[Tensor], Tensor], x: Any, v: Any) -> tuple[np.ndarray, np.ndarray]:
    """Value ``f(x)`` and vector-Jacobian product ``vᵀ J_f(x)``, in one reverse pass.

    ``v`` has the shape of ``f(x)``; the result has the shape of ``x``.

    >>> value, row = vjp(lambda x: x * x, np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.0]))
    >>> value.tolist(), row.tolist()                   # row 2 of the Jacobian diag(2x)
    ([1.0, 4.0, 9.0], [0.0, 4.0, 0.0])
    """
    t = Tensor(x)
    out = f(t)
    if not isinstance(out, Tensor):
        raise TypeError(f"f must return a Tensor, got {type(out).__name__}")
    if v.shape != out.shape:
        raise ValueError(f"v must have the shape of f(x) {out.shape}, got {v.shape}")
    out.backward(v)
    return out.data, np.zeros_like(t.data) if t.grad is None else t.grad


class _Batch(Rule):
    # An MLP's input: a Tensor as it is, or a 2-D array-like of numbers with a row (NaN and inf allowed).
    expected = "a Tensor or a 2-D array of numbers with at least 1 row"
    _array = Array(finite=False, ndim=2, min_rows=1)

    def check(self, name: str, value: Any) -> Tensor:
        if isinstance(value, Tensor):
            return value
        return Tensor(self._array.check(name, value), requires_grad=False)

    def bad(self) -> list[Variant]:
        return self._array.bad()

    def unusual(self) -> list[Variant]:
        return self._array.unusual() + [("a Tensor", _needs(lambda v: Tensor(v)), None)]


_PARAMS = Each(_A_TENSOR)


def _checked_params(params: list[Tensor]) -> list[Tensor]:
    # The count and shapes are relations between the items (weights and biases by pairs): checked here,
    # before numpy's broadcasting error names operands the caller never saw.
    if len(params) % 2:
        raise ValueError(f"params must be [W1, b1, W2, b2, ...], an even number of Tensors, got {len(params)}")
    for i in range(0, len(params), 2):
        W, b = params[i].data, params[i + 1].data
        if W.ndim != 2:
            raise ValueError(f"params[{i}] (W{i // 2 + 1}) must be a 2-D Tensor, got shape {W.shape}")
        if b.shape != (W.shape[1],):
            raise ValueError(f"params[{i + 1}] (b{i // 2 + 1}) must have shape ({W.shape[1]},) to match W{i // 2 + 1}"
                             f" of shape {W.shape}, got {b.shape}")
        if i and W.shape[0] != params[i - 2].data.shape[1]:
            raise ValueError(f"params[{i}] (W{i // 2 + 1}) must have {params[i - 2].data.shape[1]} rows, the outputs"
                             f" of the layer before, got shape {W.shape}")
    return params


@contract(params=_PARAMS, X=_Batch())
def mlp_logits(params: Sequence[Tensor], X: Any) -> Tensor:
    """Logits of an MLP with ReLU hidden layers: ``relu(X W1 + b1) W2 + b2`` for two layers.

    ``params`` is ``[W1, b1, ..., W_L, b_L]``, each ``W`` of shape ``(in, out)``, as in
    :meth:`labkit.backprop.MLP.parameters`. ``X`` is an array or a Tensor.

    >>> params = [Tensor(np.eye(2)), Tensor(np.zeros(2))]
    >>> mlp_logits(params, np.array([[1.0, -1.0]])).data
    array([[ 1., -1.]])
    """
    params = _checked_params(params)
    h = X
    if h.data.ndim != 2 or h.shape[1] != params[0].shape[0]:
        raise ValueError(f"X must be a 2-D array with {params[0].shape[0]} columns, got shape {h.shape}")
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = h.relu()
    return h


@contract(params=_PARAMS, X=_Batch(), y=Array("int", ndim=1))
def mlp_loss(params: Sequence[Tensor], X: Any, y: np.ndarray) -> Tensor:
    """Softmax cross-entropy of :func:`mlp_logits` on ``(X, y)``: a scalar Tensor to call ``backward`` on.

    >>> params = [Tensor(np.zeros((4, 3))), Tensor(np.zeros(3))]
    >>> loss = mlp_loss(params, np.ones((2, 4)), np.array([0, 1]))
    >>> loss.backward()
    >>> bool(np.isclose(loss.data, np.log(3))), params[0].grad.shape
    (True, (4, 3))
    """
    return softmax_cross_entropy(mlp_logits(params, X), y)
