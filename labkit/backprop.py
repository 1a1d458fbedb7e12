"""Backpropagation written by hand: the chain rule, one layer at a time.

Each layer's ``forward`` keeps what its derivative needs; its ``backward`` turns the gradient of its
output into the gradient of its input (and, for :class:`Linear`, of its weights). :class:`MLP` chains
them: one forward pass, then one backward pass in reverse order, gives the gradient of the loss with
respect to every parameter. Backpropagation only *computes* this gradient: the optimiser,
:func:`sgd_step`, is a separate function that updates the weights. :func:`gradient_check` and
:func:`torch_gradients` check the gradient against finite differences and against PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._checks import check_array, check_choice, check_int, check_labels, check_matrix, check_positive, check_sizes

__all__ = [
    "Linear", "ReLU", "Tanh", "Sigmoid", "softmax", "softmax_cross_entropy", "MLP", "sgd_step",
    "numerical_gradient", "relative_error", "gradient_check", "to_torch", "torch_gradients",
    "gradient_norms_by_depth",
]


# -- layers --------------------------------------------------------------------------------------------
class Linear:
    """Affine layer ``Z = X W + b``, with ``W`` of shape ``(in_features, out_features)``.

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
        n_in, n_out = check_int("in_features", in_features, 1), check_int("out_features", out_features, 1)
        init, scale = check_choice("init", init, ("he", "xavier", "normal")), check_positive("scale", scale)
        if rng is None:
            rng = np.random.default_rng(check_int("seed", seed, 0))
        elif not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be None or a numpy.random.Generator, got {type(rng).__name__}")
        std = {"he": np.sqrt(2 / n_in), "xavier": np.sqrt(2 / (n_in + n_out)), "normal": 1.0}[init]
        self.W = rng.normal(0.0, std * scale, size=(n_in, n_out))
        self.b = np.zeros(n_out)
        self.grads: dict[str, np.ndarray] = {}  # filled by backward, read by the optimiser
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``x @ W + b`` and keep ``x``: the weight gradient needs it."""
        self._x = check_matrix("x", x, self.W.shape[0])
        return self._x @ self.W + self.b

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Store ``dL/dW = x.T @ grad_out`` and ``dL/db`` in ``grads``; return ``dL/dx``."""
        if self._x is None:
            raise RuntimeError("Linear.backward needs the input of a forward pass: call forward first")
        g = check_matrix("grad_out", grad_out, self.W.shape[1])
        if g.shape[0] != self._x.shape[0]:
            raise ValueError(f"grad_out must have {self._x.shape[0]} rows like the forward input, got {g.shape[0]}")
        self.grads = {"W": self._x.T @ g, "b": g.sum(axis=0)}  # new arrays: the weights are untouched
        return g @ self.W.T


def _upstream(layer: object, grad_out: object) -> np.ndarray:
    # What every activation's backward checks: a forward pass came first, and the shapes agree.
    saved = getattr(layer, "_saved", None)
    if saved is None:
        raise RuntimeError(f"{type(layer).__name__}.backward needs a forward pass first")
    g = check_matrix("grad_out", grad_out)
    if g.shape != saved.shape:
        raise ValueError(f"grad_out must have the forward output's shape {saved.shape}, got {g.shape}")
    return g


class ReLU:
    """``max(z, 0)``; its derivative is 1 where ``z > 0``, else 0 (also at 0, as in PyTorch).

    >>> relu = ReLU()
    >>> relu.forward(np.array([[-1.0, 2.0]])), relu.backward(np.array([[5.0, 5.0]]))
    (array([[0., 2.]]), array([[0., 5.]]))
    """

    def forward(self, z: np.ndarray) -> np.ndarray:
        """Return ``max(z, 0)`` and keep the mask ``z > 0``."""
        z = check_matrix("z", z)
        self._saved = z > 0
        return np.where(self._saved, z, 0.0)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Chain rule: ``dL/dz = dL/dh * 1[z > 0]``."""
        return _upstream(self, grad_out) * self._saved


class Tanh:
    """``tanh(z)``; its derivative ``1 - tanh(z)**2`` is computed from the kept output.

    >>> t = Tanh()
    >>> t.forward(np.zeros((1, 2))), t.backward(np.ones((1, 2)))
    (array([[0., 0.]]), array([[1., 1.]]))
    """

    def forward(self, z: np.ndarray) -> np.ndarray:
        """Return ``h = tanh(z)`` and keep ``h``."""
        self._saved = np.tanh(check_matrix("z", z))
        return self._saved

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Chain rule: ``dL/dz = dL/dh * (1 - h**2)``."""
        return _upstream(self, grad_out) * (1.0 - self._saved**2)


class Sigmoid:
    """``1 / (1 + exp(-z))``; its derivative ``s (1 - s)`` is at most 1/4: gradients shrink.

    >>> s = Sigmoid()
    >>> s.forward(np.zeros((1, 1))), s.backward(np.ones((1, 1)))
    (array([[0.5]]), array([[0.25]]))
    """

    def forward(self, z: np.ndarray) -> np.ndarray:
        """Return ``s = sigmoid(z)`` and keep ``s``."""
        # The same function as 1 / (1 + exp(-z)), without overflow for large negative z.
        self._saved = 0.5 * (1.0 + np.tanh(0.5 * check_matrix("z", z)))
        return self._saved

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Chain rule: ``dL/dz = dL/ds * s (1 - s)``."""
        return _upstream(self, grad_out) * self._saved * (1.0 - self._saved)


_ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid}


# -- loss ----------------------------------------------------------------------------------------------
def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax; subtracting the row maximum first avoids overflow.

    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]])).round(3)
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    z = check_matrix("logits", logits)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of ``softmax(logits)`` against int labels ``y``, and its gradient.

    Returns the loss ``-mean_i log p[i, y_i]``, computed with the log-sum-exp trick, and
    ``dlogits = (softmax(logits) - one_hot(y)) / n``, its gradient with respect to the logits.

    >>> loss, d = softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3]))
    >>> round(loss, 6) == round(np.log(4), 6), d.shape, float(abs(d.sum()))
    (True, (2, 4), 0.0)
    """
    z = check_matrix("logits", logits)
    y = check_labels("y", y, z.shape[0], z.shape[1])
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(z.shape[0])
    dlogits = np.exp(log_p)
    dlogits[rows, y] -= 1.0
    return float(-log_p[rows, y].mean()), dlogits / z.shape[0]


# -- the network ---------------------------------------------------------------------------------------
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
        self.sizes = check_sizes("sizes", sizes, 2)
        self.activation = check_choice("activation", activation, tuple(_ACTIVATIONS))
        rng = np.random.default_rng(check_int("seed", seed, 0))  # one generator: layers differ, runs repeat
        self.layers: list[Any] = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            self.layers += [Linear(n_in, n_out, init=init, scale=scale, rng=rng), _ACTIVATIONS[self.activation]()]
        self.layers.pop()  # no activation after the last layer: it outputs logits

    @property
    def linears(self) -> list[Linear]:
        """The linear layers, from input to output."""
        return self.layers[::2]

    def parameters(self) -> list[np.ndarray]:
        """``[W1, b1, W2, b2, ...]``: the arrays themselves, so in-place updates change the model."""
        return [p for layer in self.linears for p in (layer.W, layer.b)]

    def gradients(self) -> list[np.ndarray]:
        """``[dW1, db1, ...]`` from the last backward pass, in the order of :meth:`parameters`."""
        if any(not layer.grads for layer in self.linears):
            raise RuntimeError("no gradients yet: call loss_and_gradients(X, y) or backward(dlogits) first")
        return [layer.grads[k] for layer in self.linears for k in ("W", "b")]

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Logits of shape ``(n, sizes[-1])``; each layer keeps what its backward needs."""
        h = check_matrix("X", X, self.sizes[0])
        for layer in self.layers:
            h = layer.forward(h)
        return h

    def backward(self, dlogits: np.ndarray) -> np.ndarray:
        """Chain rule from the logits back to the input; fills the gradients, changes no weight."""
        g = check_matrix("dlogits", dlogits, self.sizes[-1])
        for layer in reversed(self.layers):
            g = layer.backward(g)
        return g

    def loss_and_gradients(self, X: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
        """Softmax cross-entropy on ``(X, y)`` and its gradient, in the order of :meth:`parameters`."""
        loss, dlogits = softmax_cross_entropy(self.forward(X), y)
        self.backward(dlogits)
        return loss, self.gradients()

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted class of each row of ``X``."""
        return self.forward(X).argmax(axis=1)

    def layer_gradient_norms(self) -> np.ndarray:
        """Frobenius norm of ``dL/dW`` of each linear layer, from input to output."""
        return np.array([np.linalg.norm(g) for g in self.gradients()[::2]])

    def __repr__(self) -> str:
        return f"MLP({self.sizes}, activation={self.activation!r})"


def _check_model(model: object) -> MLP:
    if not isinstance(model, MLP):
        raise TypeError(f"model must be a labkit.backprop.MLP, got {type(model).__name__}")
    return model


def sgd_step(model: MLP, lr: float) -> None:
    """The optimiser, apart from backpropagation: ``p -= lr * dp`` for every parameter, in place.

    >>> model = MLP([2, 2], seed=0)
    >>> W0 = model.linears[0].W.copy()
    >>> _ = model.loss_and_gradients(np.ones((1, 2)), np.array([1]))
    >>> sgd_step(model, lr=0.1)
    >>> np.allclose(model.linears[0].W, W0 - 0.1 * model.linears[0].grads["W"])
    True
    """
    lr = check_positive("lr", lr)
    if any(not layer.grads for layer in _check_model(model).linears):
        raise ValueError("model has no gradients yet: call loss_and_gradients(X, y) before sgd_step")
    for p, g in zip(model.parameters(), model.gradients()):
        p -= lr * g


# -- checking the gradient -----------------------------------------------------------------------------
def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every entry.

    ``x`` is perturbed in place, one entry at a time, and restored exactly, so ``f`` may read ``x``
    through a model that holds it. Two calls of ``f`` per entry: fine for checking, too slow to train.

    >>> numerical_gradient(lambda v: float(np.sum(v ** 2)), np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    """
    if not callable(f):
        raise TypeError(f"f must be a callable returning a float, got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64 or not x.flags.writeable:
        raise TypeError(f"x must be a writeable float64 numpy array (it is perturbed in place), got {x!r:.60}")
    eps = check_positive("eps", eps)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = float(f(x))
        x[i] = old - eps
        down = float(f(x))
        x[i] = old  # restore the exact value, not old + eps - eps
        grad[i] = (up - down) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``|a - b| / (|a| + |b|)`` in Frobenius norm: 0 for equal arrays, 1 for opposite ones.

    Norm-wise rather than entry-wise, because an entry-wise ratio blows up on entries that are zero,
    or nearly zero, in both arrays. Two zero arrays have a relative error of 0.

    >>> a = np.array([3.0, 4.0])
    >>> relative_error(a, a), relative_error(a, -a), relative_error(a, 1.1 * a) < 0.05
    (0.0, 1.0, True)
    """
    a, b = check_array("a", a), check_array("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / scale) if scale > 0 else 0.0


def gradient_check(model: MLP, X: np.ndarray, y: np.ndarray, eps: float = 1e-6) -> float:
    """Largest relative error between the hand-written gradient and finite differences.

    For each parameter, the error is :func:`relative_error` between ``g``, from backpropagation, and
    ``n``, from :func:`numerical_gradient`. Below about 1e-6, the backward pass is right.

    >>> model = MLP([3, 4, 2], activation="sigmoid", seed=0)
    >>> X = np.random.default_rng(0).normal(size=(5, 3))
    >>> gradient_check(model, X, np.array([0, 1, 1, 0, 1])) < 1e-6
    True
    """
    eps = check_positive("eps", eps)
    _, grads = _check_model(model).loss_and_gradients(X, y)
    loss = lambda _: softmax_cross_entropy(model.forward(X), y)[0]  # noqa: E731  reads the perturbed weights
    return max(relative_error(g, numerical_gradient(loss, p, eps)) for p, g in zip(model.parameters(), grads))


def to_torch(model: MLP) -> Any:
    """The same network in PyTorch: a float64 ``torch.nn.Sequential`` holding copies of the weights.

    PyTorch stores a linear layer's weight as ``(out, in)``: the transpose of ``W``.

    >>> import torch
    >>> model = MLP([3, 5, 2], activation="sigmoid", seed=0)
    >>> net, X = to_torch(model), np.ones((4, 3))
    >>> np.allclose(net(torch.from_numpy(X)).detach().numpy(), model.forward(X), rtol=1e-12)
    True
    """
    _check_model(model)
    import torch  # here, so that `import labkit.backprop` does not import PyTorch

    act = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}[model.activation]
    layers = [torch.nn.Linear(*layer.W.shape, dtype=torch.float64) if isinstance(layer, Linear) else act()
              for layer in model.layers]
    with torch.no_grad():
        for lin, mine in zip(layers[::2], model.linears):
            lin.weight.copy_(torch.from_numpy(mine.W.T))
            lin.bias.copy_(torch.from_numpy(mine.b))
    return torch.nn.Sequential(*layers)


def torch_gradients(model: MLP, X: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """The gradient of the same loss by ``torch.autograd`` (float64), in the order of ``parameters()``.

    >>> model = MLP([3, 4, 2], activation="relu", seed=0)
    >>> X, y = np.random.default_rng(1).normal(size=(6, 3)), np.array([0, 1, 1, 0, 1, 0])
    >>> _, mine = model.loss_and_gradients(X, y)
    >>> all(np.allclose(a, b, rtol=1e-10, atol=1e-12) for a, b in zip(mine, torch_gradients(model, X, y)))
    True
    """
    X = check_matrix("X", X, _check_model(model).sizes[0])
    y = check_labels("y", y, X.shape[0], model.sizes[-1])
    import torch

    net = to_torch(model)
    torch.nn.functional.cross_entropy(net(torch.from_numpy(X)), torch.from_numpy(y).long()).backward()
    # net.parameters() is weight, bias, weight, bias...: the order of model.parameters(), transposed.
    return [p.grad.numpy().T.copy() for p in net.parameters()]


def gradient_norms_by_depth(depth: int, width: int, activation: str, X: np.ndarray, y: np.ndarray, *,
                            init: str = "he", scale: float = 1.0, seed: int = 0,
                            n_classes: int | None = None) -> np.ndarray:
    """Norm of ``dL/dW`` of each of the ``depth`` linear layers of a deep network, input first.

    The network is ``MLP([X.shape[1]] + [width] * (depth - 1) + [n_classes], activation, init=init,
    scale=scale, seed=seed)``, on the batch ``(X, y)``; ``n_classes`` defaults to ``y.max() + 1``.
    A first-to-last ratio far below 1 shows vanishing gradients, far above 1 exploding ones.

    >>> X, y = np.random.default_rng(0).normal(size=(32, 8)), np.arange(32) % 4
    >>> norms = gradient_norms_by_depth(8, 16, "sigmoid", X, y, init="xavier")
    >>> norms.shape, bool(norms[0] < norms[-1] / 100)
    ((8,), True)
    """
    depth, width = check_int("depth", depth, 2), check_int("width", width, 1)
    X = check_matrix("X", X)
    y = check_labels("y", y, X.shape[0], np.iinfo(np.intp).max)
    n_classes = int(y.max()) + 1 if n_classes is None else check_int("n_classes", n_classes, 1)
    model = MLP([X.shape[1]] + [width] * (depth - 1) + [n_classes], activation, init=init, scale=scale, seed=seed)
    model.loss_and_gradients(X, y)
    return model.layer_gradient_norms()
