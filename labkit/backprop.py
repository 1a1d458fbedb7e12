"""Backpropagation written by hand: the chain rule, one layer at a time.

Each layer's ``forward`` keeps what its derivative needs; its ``backward`` turns the gradient of its
output into the gradient of its input (and, for :class:`Linear`, of its weights). :class:`MLP` chains
them: one forward pass, then one backward pass in reverse order, gives the gradient of the loss with
respect to every parameter. Backpropagation only *computes* this gradient: the optimiser,
:func:`sgd_step`, is a separate function that updates the weights. :func:`gradient_check` (and, parameter
by parameter, :func:`gradient_errors`) and :func:`torch_gradients` check the gradient against finite
differences and against PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._checks import (
    NEEDS_VALUE, Array, Choice, Function, Instance, Optional, Real, Rule, Seed, Size, Sizes, Variant,
    check_elements, check_labels,
)
from ._contract import contract

__all__ = [
    "Linear", "ReLU", "Tanh", "Sigmoid", "softmax", "softmax_cross_entropy_and_grad", "MLP", "sgd_step",
    "numerical_gradient", "relative_error", "gradient_errors", "gradient_check", "to_torch", "torch_gradients",
    "gradient_norms_by_depth",
]

_INITS = ("he", "xavier", "normal")
_POSITIVE = Real(0, low_open=True)
_BATCH = Array(ndim=2, min_rows=1)  # a batch of examples: finite, one row each
_LABELS = Array("int", ndim=1, min=0)
# A layer is the hand-written autodiff engine: like torch, it propagates NaN and inf (a diverging
# network, a wrong backward) instead of refusing them, so that gradient_check can report the failure.
_SIGNAL = Array(ndim=2, min_rows=1, finite=False)


def _checked_columns(name: str, x: np.ndarray, n_cols: int) -> np.ndarray:
    """Return ``x`` if it has ``n_cols`` columns (a relation with the layer or model it enters)."""
    if x.shape[1] != n_cols:
        raise ValueError(f"{name} must be a 2-D array of shape (n, {n_cols}) with n >= 1, got shape {x.shape}")
    return x


# -- layers --------------------------------------------------------------------------------------------
@contract(in_features=Size(), out_features=Size(), init=Choice(*_INITS), scale=_POSITIVE, seed=Seed(),
          rng=Optional(Instance(np.random.Generator)))
class Linear:
    """Affine layer ``Z = X W + b``, with ``W`` of shape ``(in_features, out_features)``.

    ``forward`` and ``backward`` let NaN and inf through, as PyTorch does: a diverging network or a
    wrong backward pass shows up in the gradients rather than as an error inside the chain.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the input and of the output, at least 1.
    init : {"he", "xavier", "normal"}
        Standard deviation of the initial weights, times ``scale``: ``sqrt(2 / in)`` (He, for ReLU),
        ``sqrt(2 / (in + out))`` (Xavier, for tanh and sigmoid) or 1. Biases start at zero.
    scale : float
        Factor on that standard deviation; well above 1, gradients explode.
    seed : int
        Seed of the initial weights, unless ``rng`` (a ``numpy.random.Generator``) is given.

    Examples
    --------
    >>> layer = Linear(3, 2, seed=0)
    >>> layer.forward(np.ones((4, 3))).shape, layer.backward(np.ones((4, 2))).shape
    ((4, 2), (4, 3))
    >>> layer.grads["W"].shape, layer.grads["b"].tolist()
    ((3, 2), [4.0, 4.0])
    """

    def __init__(self, in_features: int, out_features: int, *, init: str = "he", scale: float = 1.0,
                 seed: int = 0, rng: np.random.Generator | None = None) -> None:
        n_in, n_out = in_features, out_features
        check_elements("in_features", n_in * n_out, f"a {n_in} x {n_out} weight matrix")
        if rng is None:
            rng = np.random.default_rng(seed)
        std = {"he": np.sqrt(2 / n_in), "xavier": np.sqrt(2 / (n_in + n_out)), "normal": 1.0}[init]
        self.W = rng.normal(0.0, std * scale, size=(n_in, n_out))
        self.b = np.zeros(n_out)
        self.grads: dict[str, np.ndarray] = {}  # filled by backward, read by the optimiser
        self._x: np.ndarray | None = None

    @contract(x=_SIGNAL)
    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``x @ W + b`` and keep ``x``: the weight gradient needs it."""
        self._x = _checked_columns("x", x, self.W.shape[0])
        return self._x @ self.W + self.b

    @contract(grad_out=_SIGNAL)
    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Store ``dL/dW = x.T @ grad_out`` and ``dL/db`` in ``grads``; return ``dL/dx``."""
        if self._x is None:  # the caller's mistake is the order of calls: name the argument that came too early
            raise ValueError("grad_out needs a forward pass first: call forward before backward")
        g = _checked_columns("grad_out", grad_out, self.W.shape[1])
        if g.shape[0] != self._x.shape[0]:
            raise ValueError(f"grad_out must have {self._x.shape[0]} rows like the forward input, got {g.shape[0]}")
        self.grads = {"W": self._x.T @ g, "b": g.sum(axis=0)}  # new arrays: the weights are untouched
        return g @ self.W.T


def _upstream(layer: object, grad_out: object) -> np.ndarray:
    # What every activation's backward checks: a forward pass came first, and the shapes agree.
    saved = getattr(layer, "_saved", None)
    if saved is None:
        raise ValueError(f"grad_out needs a forward pass first: call {type(layer).__name__}.forward before backward")
    g = grad_out  # checked by the contract of backward
    if g.shape != saved.shape:
        raise ValueError(f"grad_out must have the forward output's shape {saved.shape}, got {g.shape}")
    return g


@contract()
class ReLU:
    """``max(z, 0)``; its derivative is 1 where ``z > 0``, else 0 (also at 0, as in PyTorch).

    NaN goes through, as in PyTorch: ``relu(nan)`` is NaN, and the gradient at a NaN input is the
    upstream gradient; where ``z <= 0`` the gradient is exactly 0, even for a NaN upstream gradient.

    >>> relu = ReLU()
    >>> relu.forward(np.array([[-1.0, 2.0, np.nan]])), relu.backward(np.array([[5.0, 5.0, 5.0]]))
    (array([[ 0.,  2., nan]]), array([[0., 5., 5.]]))
    """

    def __init__(self) -> None:
        self._saved: np.ndarray | None = None

    @contract(z=_SIGNAL)
    def forward(self, z: np.ndarray) -> np.ndarray:
        """Return ``max(z, 0)`` (NaN stays NaN) and keep the mask of where the gradient goes through."""
        self._saved = ~(z <= 0)  # True for z > 0 and for NaN, as torch's threshold_backward
        return np.maximum(z, 0.0)  # np.maximum propagates NaN; np.where(z > 0, z, 0) turned it into 0

    @contract(grad_out=_SIGNAL)
    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Chain rule: ``dL/dz = dL/dh`` where ``z > 0`` (or NaN), else 0."""
        return np.where(self._saved, _upstream(self, grad_out), 0.0)


@contract()
class Tanh:
    """``tanh(z)``; its derivative ``1 - tanh(z)**2`` is computed from the kept output.

    >>> t = Tanh()
    >>> t.forward(np.zeros((1, 2))), t.backward(np.ones((1, 2)))
    (array([[0., 0.]]), array([[1., 1.]]))
    """

    def __init__(self) -> None:
        self._saved: np.ndarray | None = None

    @contract(z=_SIGNAL)
    def forward(self, z: np.ndarray) -> np.ndarray:
        """Return ``h = tanh(z)`` and keep ``h``."""
        self._saved = np.tanh(z)
        return self._saved

    @contract(grad_out=_SIGNAL)
    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Chain rule: ``dL/dz = dL/dh * (1 - h**2)``."""
        return _upstream(self, grad_out) * (1.0 - self._saved**2)


@contract()
class Sigmoid:
    """``1 / (1 + exp(-z))``; its derivative ``s (1 - s)`` is at most 1/4: gradients shrink.

    >>> s = Sigmoid()
    >>> s.forward(np.zeros((1, 1))), s.backward(np.ones((1, 1)))
    (array([[0.5]]), array([[0.25]]))
    """

    def __init__(self) -> None:
        self._saved: np.ndarray | None = None

    @contract(z=_SIGNAL)
    def forward(self, z: np.ndarray) -> np.ndarray:
        """Return ``s = sigmoid(z)`` and keep ``s``."""
        # The same function as 1 / (1 + exp(-z)), without overflow for large negative z.
        self._saved = 0.5 * (1.0 + np.tanh(0.5 * z))
        return self._saved

    @contract(grad_out=_SIGNAL)
    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Chain rule: ``dL/dz = dL/ds * s (1 - s)``."""
        return _upstream(self, grad_out) * self._saved * (1.0 - self._saved)


_ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}


# -- loss ----------------------------------------------------------------------------------------------
@contract(logits=_BATCH)
def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax; subtracting the row maximum first avoids overflow.

    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]])).round(3)
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    z = logits
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise ``log(softmax(z))`` by the log-sum-exp trick: shifting each row by its maximum first
    keeps ``exp`` from overflowing. The kernel of both engines' cross-entropy (here and autodiff's)."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


@contract(logits=_BATCH, y=_LABELS)
def softmax_cross_entropy_and_grad(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of ``softmax(logits)`` against int labels ``y``, and its gradient.

    Returns the loss ``-mean_i log p[i, y_i]``, computed with the log-sum-exp trick, and
    ``dlogits = (softmax(logits) - one_hot(y)) / n``, its gradient with respect to the logits.

    >>> loss, d = softmax_cross_entropy_and_grad(np.zeros((2, 4)), np.array([0, 3]))
    >>> round(loss, 6) == round(float(np.log(4)), 6), d.shape, float(abs(d.sum()))
    (True, (2, 4), 0.0)
    """
    z = logits
    y = check_labels("y", y, z.shape[0], z.shape[1])
    log_p = _log_softmax(z)
    rows = np.arange(z.shape[0])
    dlogits = np.exp(log_p)
    dlogits[rows, y] -= 1.0
    return float(-log_p[rows, y].mean()), dlogits / z.shape[0]


# -- the network ---------------------------------------------------------------------------------------
@contract(sizes=Sizes(2), activation=Choice("relu", "tanh", "sigmoid"), init=Choice(*_INITS), scale=_POSITIVE,
          seed=Seed())
class MLP:
    """Multi-layer perceptron: ``Linear`` layers separated by one activation, logits at the end.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``[64, 32, 10]``; at least 2 positive ints.
    activation : {"relu", "tanh", "sigmoid"}
        Activation after every hidden layer.
    init, scale, seed
        Initialisation of the :class:`Linear` layers, all drawn from one generator seeded by ``seed``.

    Examples
    --------
    >>> model = MLP([4, 8, 3], activation="tanh", seed=0)
    >>> X, y = np.random.default_rng(0).normal(size=(5, 4)), np.array([0, 1, 2, 1, 0])
    >>> loss, grads = model.loss_and_gradients(X, y)
    >>> [g.shape for g in grads] == [p.shape for p in model.parameters()]
    True
    >>> model.predict(X).shape, model.layer_gradient_norms().shape
    ((5,), (2,))
    """

    def __init__(self, sizes: Sequence[int], activation: str = "relu", *, init: str = "he",
                 scale: float = 1.0, seed: int = 0) -> None:
        self.sizes, self.activation = sizes, activation
        check_elements("sizes", sum(a * b for a, b in zip(sizes, sizes[1:])), "weight matrices")
        rng = np.random.default_rng(seed)  # one generator: layers differ, runs repeat
        self.layers: list[Any] = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            self.layers += [Linear(n_in, n_out, init=init, scale=scale, rng=rng), _ACTIVATIONS[self.activation]()]
        self.layers.pop()  # no activation after the last layer: it outputs logits

    @property
    def linears(self) -> list[Linear]:
        """The linear layers, from input to output."""
        return self.layers[::2]

    @contract()
    def parameters(self) -> list[np.ndarray]:
        """``[W1, b1, W2, b2, ...]``: the arrays themselves, so in-place updates change the model."""
        return [p for layer in self.linears for p in (layer.W, layer.b)]

    @contract()
    def gradients(self) -> list[np.ndarray]:
        """``[dW1, db1, ...]`` from the last backward pass, in the order of :meth:`parameters`."""
        if any(not layer.grads for layer in self.linears):
            raise RuntimeError("no gradients yet: call loss_and_gradients(X, y) or backward(dlogits) first")
        return [layer.grads[k] for layer in self.linears for k in ("W", "b")]

    @contract(X=_BATCH)
    def forward(self, X: np.ndarray) -> np.ndarray:
        """Logits of shape ``(n, sizes[-1])``; each layer keeps what its backward needs."""
        h = _checked_columns("X", X, self.sizes[0])
        for layer in self.layers:
            h = layer.forward(h)
        return h

    @contract(dlogits=_BATCH)
    def backward(self, dlogits: np.ndarray) -> np.ndarray:
        """Chain rule from the logits back to the input; fills the gradients, changes no weight."""
        g = _checked_columns("dlogits", dlogits, self.sizes[-1])
        x = self.linears[0]._x  # checked here, so that the message names dlogits, not a layer's grad_out
        if x is None:
            raise ValueError("dlogits needs a forward pass first: call forward (or loss_and_gradients) before backward")
        if g.shape[0] != x.shape[0]:
            raise ValueError(f"dlogits must have {x.shape[0]} rows like the forward input, got {g.shape[0]}")
        for layer in reversed(self.layers):
            g = layer.backward(g)
        return g

    @contract(X=_BATCH, y=_LABELS)
    def loss_and_gradients(self, X: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
        """Softmax cross-entropy on ``(X, y)`` and its gradient, in the order of :meth:`parameters`.

        ``X`` so large that the logits overflow float64 (finite weights) is refused, naming ``X``: the
        loss and gradients would be computed from inf.
        """
        logits = self.forward(X)
        if not np.isfinite(logits).all() and all(np.isfinite(p).all() for p in self.parameters()):
            raise ValueError(f"X must be small enough for the logits to stay finite in float64, got values up to "
                             f"{np.abs(X).max():.3g}: scale the data")
        loss, dlogits = softmax_cross_entropy_and_grad(logits, y)
        self.backward(dlogits)
        return loss, self.gradients()

    @contract(X=_BATCH)
    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted class of each row of ``X``."""
        return self.forward(X).argmax(axis=1)

    @contract()
    def layer_gradient_norms(self) -> np.ndarray:
        """Frobenius norm of ``dL/dW`` of each linear layer, from input to output."""
        return np.array([np.linalg.norm(g) for g in self.gradients()[::2]])

    def __repr__(self) -> str:
        return f"MLP({self.sizes}, activation={self.activation!r})"


_MODEL = Instance(MLP, what="a labkit.backprop.MLP")


@contract(model=_MODEL, lr=_POSITIVE)
def sgd_step(model: MLP, lr: float) -> None:
    """The optimiser, apart from backpropagation: ``p -= lr * dp`` for every parameter, in place.

    >>> model = MLP([2, 2], seed=0)
    >>> W0 = model.linears[0].W.copy()
    >>> _ = model.loss_and_gradients(np.ones((1, 2)), np.array([1]))
    >>> sgd_step(model, lr=0.1)
    >>> np.allclose(model.linears[0].W, W0 - 0.1 * model.linears[0].grads["W"])
    True
    """
    if any(not layer.grads for layer in model.linears):
        raise ValueError("model has no gradients yet: call loss_and_gradients(X, y) before sgd_step")
    for p, g in zip(model.parameters(), model.gradients()):
        p -= lr * g


# -- checking the gradient -----------------------------------------------------------------------------
class _InPlace(Rule):
    """A writeable float64 numpy array of finite numbers: :func:`numerical_gradient` perturbs it in place."""

    expected = "a writeable float64 numpy array of finite numbers (it is perturbed in place)"

    def check(self, name: str, value: Any) -> np.ndarray:
        if not isinstance(value, np.ndarray) or value.dtype != np.float64:
            raise self.fail(name, value, TypeError)  # a copy would leave the array f reads unperturbed
        if not value.flags.writeable or not np.isfinite(value).all():
            raise self.fail(name, value)
        return value

    def bad(self) -> list[Variant]:
        def with_first(v: float) -> Any:
            def make(valid: Any) -> Any:
                if valid is None or np.size(valid) == 0:
                    return NEEDS_VALUE
                x = np.array(valid, dtype=np.float64)
                x.flat[0] = v
                return x
            return make

        def read_only(valid: Any) -> Any:
            if valid is None:
                return NEEDS_VALUE
            x = np.array(valid, dtype=np.float64)
            x.flags.writeable = False
            return x

        return [("list", lambda v: NEEDS_VALUE if v is None else np.asarray(v).tolist(), TypeError),
                ("int array", lambda v: NEEDS_VALUE if v is None else np.asarray(v).astype(np.int64), TypeError),
                ("None", lambda v: None, TypeError), ("nan", with_first(np.nan), ValueError),
                ("inf", with_first(np.inf), ValueError), ("read-only", read_only, ValueError)]

    def unusual(self) -> list[Variant]:
        return [("0-d array", lambda v: NEEDS_VALUE if v is None else np.array(np.asarray(v).flat[0]), None),
                ("strided view", lambda v: NEEDS_VALUE if v is None else np.repeat(v, 2)[::2], None)]


def _checked_value(f: Callable[[np.ndarray], float], x: np.ndarray) -> float:
    """``f(x)`` as a finite float, or an error naming ``f``: a NaN loss would give a NaN gradient."""
    value = f(x)
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"f must return a float, got {type(value).__name__}") from None
    if not np.isfinite(value):
        raise ValueError(f"f must return a finite float, got {value}")
    return value


@contract(f=Function(takes=1), x=_InPlace(), eps=_POSITIVE)
def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every entry.

    ``x`` (a writeable float64 numpy array of finite numbers) is perturbed in place, one entry at a
    time, and restored exactly, so ``f`` may read ``x`` through a model that holds it. ``f`` must
    return a finite float; ``x ± eps`` must stay finite. Two calls of ``f`` per entry: fine for
    checking, too slow to train.

    >>> numerical_gradient(lambda v: float(np.sum(v ** 2)), np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    """
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        if not (np.isfinite(old + eps) and np.isfinite(old - eps)):
            raise ValueError(f"eps must keep x ± eps finite, got {eps:g} for the entry {old:g} of x at {i}")
        try:
            x[i] = old + eps
            up = _checked_value(f, x)
            x[i] = old - eps
            down = _checked_value(f, x)
        finally:
            x[i] = old  # restore the exact value, not old + eps - eps, even when f fails
        grad[i] = (up / 2 - down / 2) / eps  # halved first: up - down and 2 * eps may overflow (eps = 1e308)
    return grad


@contract(a=Array(), b=Array())
def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``|a - b| / (|a| + |b|)`` in Frobenius norm: 0 for equal arrays, 1 for opposite ones.

    Norm-wise rather than entry-wise, because an entry-wise ratio blows up on entries that are zero,
    or nearly zero, in both arrays. Two zero arrays have a relative error of 0. ``a`` and ``b`` must
    be finite: a NaN would make every comparison false, and the error look like 0.

    >>> a = np.array([3.0, 4.0])
    >>> relative_error(a, a), relative_error(a, -a), relative_error(a, 1.1 * a) < 0.05
    (0.0, 1.0, True)
    """
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    largest = max(np.abs(a).max(initial=0.0), np.abs(b).max(initial=0.0))
    if largest == 0:
        return 0.0
    if not 1e-150 < largest < 1e150:  # a - b and the norms would overflow (inf / inf = NaN) or underflow
        a, b = a / largest, b / largest
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


_EPS = Real(0, 1, low_open=True, meaning="a finite-difference step")


@contract(model=_MODEL, X=_BATCH, y=_LABELS, eps=_EPS)
def gradient_errors(model: MLP, X: np.ndarray, y: np.ndarray, eps: float = 1e-6) -> list[float]:
    """Relative error between the hand-written gradient and finite differences, one per parameter.

    For each parameter ``p`` of ``model.parameters()`` (``W1, b1, W2, b2, ...``), the error is
    :func:`relative_error` between ``g``, from backpropagation, and ``n``, from
    :func:`numerical_gradient`: the entries above about 1e-6 point at the wrong derivatives (a wrong
    activation derivative spoils the parameters below it, not those above). A hand-written gradient
    holding NaN or inf gives ``inf`` for its parameter. ``eps`` is at most 1: the weights are of order
    1, and a wider step measures no derivative at all.

    >>> model = MLP([3, 4, 2], activation="sigmoid", seed=0)
    >>> X = np.random.default_rng(0).normal(size=(5, 3))
    >>> [bool(e < 1e-6) for e in gradient_errors(model, X, np.array([0, 1, 1, 0, 1]))]
    [True, True, True, True]
    """
    return _gradient_errors(model, X, y, eps)


def _gradient_errors(model: MLP, X: np.ndarray, y: np.ndarray, eps: float) -> list[float]:
    _checked_columns("X", X, model.sizes[0])
    _, grads = model.loss_and_gradients(X, y)
    loss = lambda _: softmax_cross_entropy_and_grad(model.forward(X), y)[0]  # noqa: E731  reads the perturbed weights
    return [relative_error(g, numerical_gradient(loss, p, eps)) if np.isfinite(g).all() else float("inf")
            for p, g in zip(model.parameters(), grads)]


@contract(model=_MODEL, X=_BATCH, y=_LABELS, eps=_EPS)
def gradient_check(model: MLP, X: np.ndarray, y: np.ndarray, eps: float = 1e-6) -> float:
    """Largest relative error between the hand-written gradient and finite differences.

    For each parameter, the error is :func:`relative_error` between ``g``, from backpropagation, and
    ``n``, from :func:`numerical_gradient`. Below about 1e-6, the backward pass is right. A
    hand-written gradient holding NaN or inf gives ``inf``: a broken backward pass never passes.
    ``eps`` is at most 1: the weights are of order 1, and a wider step measures no derivative at all.

    >>> model = MLP([3, 4, 2], activation="sigmoid", seed=0)
    >>> X = np.random.default_rng(0).normal(size=(5, 3))
    >>> gradient_check(model, X, np.array([0, 1, 1, 0, 1])) < 1e-6
    True
    """
    return max(_gradient_errors(model, X, y, eps))


@contract(model=_MODEL)
def to_torch(model: MLP) -> Any:
    """The same network in PyTorch: a float64 ``torch.nn.Sequential`` holding copies of the weights.

    PyTorch stores a linear layer's weight as ``(out, in)``: the transpose of ``W``.

    >>> import torch
    >>> model = MLP([3, 5, 2], activation="sigmoid", seed=0)
    >>> net, X = to_torch(model), np.ones((4, 3))
    >>> np.allclose(net(torch.from_numpy(X)).detach().numpy(), model.forward(X), rtol=1e-12)
    True
    """
    import torch  # here, so that `import labkit.backprop` does not import PyTorch

    from .networks import mlp

    net = mlp(model.sizes, model.activation, dtype=torch.float64)
    with torch.no_grad():
        for lin, mine in zip(net[::2], model.linears):
            lin.weight.copy_(torch.from_numpy(mine.W.T))
            lin.bias.copy_(torch.from_numpy(mine.b))
    return net


@contract(model=_MODEL, X=_BATCH, y=_LABELS)
def torch_gradients(model: MLP, X: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """The gradient of the same loss by ``torch.autograd`` (float64), in the order of ``parameters()``.

    >>> model = MLP([3, 4, 2], activation="relu", seed=0)
    >>> X, y = np.random.default_rng(1).normal(size=(6, 3)), np.array([0, 1, 1, 0, 1, 0])
    >>> _, mine = model.loss_and_gradients(X, y)
    >>> all(np.allclose(a, b, rtol=1e-10, atol=1e-12) for a, b in zip(mine, torch_gradients(model, X, y)))
    True
    """
    X = _checked_columns("X", X, model.sizes[0])
    y = check_labels("y", y, X.shape[0], model.sizes[-1])
    import torch

    net = to_torch(model)
    torch.nn.functional.cross_entropy(net(torch.from_numpy(X)), torch.from_numpy(y).long()).backward()
    # net.parameters() is weight, bias, weight, bias...: the order of model.parameters(), transposed.
    return [p.grad.numpy().T.copy() for p in net.parameters()]


@contract(depth=Size(2), width=Size(), activation=Choice("relu", "tanh", "sigmoid"), X=_BATCH, y=_LABELS,
          init=Choice(*_INITS), scale=_POSITIVE, seed=Seed(), n_classes=Optional(Size(2)))
def gradient_norms_by_depth(depth: int, width: int, activation: str, X: np.ndarray, y: np.ndarray, *,
                            init: str = "he", scale: float = 1.0, seed: int = 0,
                            n_classes: int | None = None) -> np.ndarray:
    """Norm of ``dL/dW`` of each of the ``depth`` linear layers of a deep network, input first.

    The network is ``MLP([X.shape[1]] + [width] * (depth - 1) + [n_classes], activation, init=init,
    scale=scale, seed=seed)``, on the batch ``(X, y)``; ``n_classes`` defaults to ``y.max() + 1`` (at
    least 2: one class gives a zero gradient everywhere) and must be above every label. A
    first-to-last ratio far below 1 shows vanishing gradients, far above 1 exploding ones.

    >>> X, y = np.random.default_rng(0).normal(size=(32, 8)), np.arange(32) % 4
    >>> norms = gradient_norms_by_depth(8, 16, "sigmoid", X, y, init="xavier")
    >>> norms.shape, bool(norms[0] < norms[-1] / 100)
    ((8,), True)
    """
    y = check_labels("y", y, X.shape[0], np.iinfo(np.intp).max)
    if n_classes is None:
        n_classes = max(2, int(y.max()) + 1)
    elif n_classes <= y.max():
        raise ValueError(f"n_classes must be above every label of y (up to {y.max()}), got {n_classes}")
    # Checked before the list of sizes is built: depth=10**12 must not reach the allocator.
    weights = X.shape[1] * width + (depth - 2) * width * width + width * n_classes
    check_elements("depth" if depth > width else "width", weights, f"{depth} layers of width {width}")
    model = MLP([X.shape[1]] + [width] * (depth - 1) + [n_classes], activation, init=init, scale=scale, seed=seed)
    model.loss_and_gradients(X, y)
    return model.layer_gradient_norms()
