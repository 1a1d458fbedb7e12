"""Reverse mode on scalars: a :class:`Value` records the graph of a computation as it runs.

Each operation builds its output node with a link to its parents and a tiny ``_backward`` rule that
turns the output's gradient into its parents' gradients (the local chain rule). :meth:`Value.backward`
sorts the graph topologically and applies the rules from the output back to the inputs: one pass
gives the derivative of the output with respect to every input. (The micrograd design, by Andrej
Karpathy.)
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from .._checks import Bool, Instance, Text
from .._contract import contract
from ._ieee import AnyReal, ieee, pow_slope

__all__ = ["Value", "graph_of"]


def _topological_order(output: Any) -> list[Any]:
    # Shared by Value and Tensor: any node with a tuple of _parents.
    order: list[Any] = []
    seen: set[int] = set()
    stack = [(output, False)]
    while stack:  # iterative depth-first search: deep graphs do not hit Python's recursion limit
        node, done = stack.pop()
        if done:
            order.append(node)  # after all its parents
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node._parents)
    return order


def _start_backward(output: Any, accumulate: bool, zero: Any) -> list[Any]:
    # Shared by Value and Tensor: refuse a silent second pass, then reset the intermediate gradients.
    if output._walked and not accumulate:
        raise RuntimeError("backward() was already called on this output: a second call would add the same "
                           "gradient to the leaves again. Call zero_grad() first, or backward(accumulate=True) "
                           "to add it on purpose")
    output._walked = True
    order = _topological_order(output)
    for node in order:
        if node._parents:  # intermediate nodes start from zero: never counted twice
            node.grad = zero
    return order


@contract(data=AnyReal(), label=Text(empty=True))
class Value:
    """A scalar node of a computational graph, with its gradient ``grad``.

    Parameters
    ----------
    data : float
        The value of the node: a real number (numpy's too, or a 0-d array), NaN and inf included; an
        int beyond float64's range (``10**400``) is refused.
    label : str
        A name, shown by :func:`graph_of`.

    Notes
    -----
    Edge values follow IEEE arithmetic, as in torch: ``Value(0.0).log()`` is ``-inf``,
    ``Value(2.0) / 0`` is ``inf``, ``Value(1000.0).exp()`` is ``inf``, NaN propagates, and the
    gradient of ``x**0`` is 0 (also at ``x = 0``). Their gradients likewise (``inf`` for ``log`` at 0).

    Gradients of the *inputs* (nodes without parents, the leaves) accumulate, as in PyTorch: two
    losses sharing inputs add up. A second :meth:`backward` from the same output would count its
    gradient twice, so it raises a ``RuntimeError``, unless :meth:`zero_grad` was called in between
    or ``accumulate=True`` asks for exactly twice the gradient (PyTorch's ``retain_graph=True``).
    Gradients of intermediate nodes are reset at the start of every :meth:`backward`. (micrograd
    accumulates them too and raises nothing, so a second call there counts the paths through them
    again and gives a wrong gradient.)

    Examples
    --------
    >>> x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    >>> z = x * y + x.exp()
    >>> z.backward()
    >>> round(z.data, 4), round(x.grad, 4), y.grad          # dz/dx = y + e^x, dz/dy = x
    (1.3891, 4.3891, 2.0)
    >>> z.backward(accumulate=True); y.grad               # on purpose: the leaves accumulate
    4.0
    """

    __slots__ = ("data", "grad", "label", "_parents", "_op", "_backward", "_walked")

    def __init__(self, data: float, label: str = "") -> None:
        self.data, self.grad, self.label = data, 0.0, label
        self._parents, self._op, self._walked = (), "", False
        self._backward = lambda: None  # a leaf has no parents to pass its gradient to

    @staticmethod
    def _node(data: float, parents: tuple[Value, ...], op: str) -> Value:
        # An operation's output: skips the constructor's check, data is already a float.
        out = Value.__new__(Value)
        out.data, out.grad, out.label, out._walked = data, 0.0, "", False
        out._parents, out._op, out._backward = parents, op, lambda: None
        return out

    @staticmethod
    def _lift(other: Any) -> Value:
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other: Any) -> Value:
        other = self._lift(other)
        out = Value._node(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other: Any) -> Value:
        other = self._lift(other)
        out = Value._node(self.data * other.data, (self, other), "×")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k: Real) -> Value:
        if not isinstance(k, Real) or isinstance(k, bool):
            raise TypeError(f"exponent k must be a real number, got {type(k).__name__}")
        k = float(k)  # a numpy k would turn the data into numpy scalars
        out = Value._node(ieee(pow, np.power, self.data, k), (self,), f"^{k:g}")

        def _backward() -> None:
            self.grad += pow_slope(self.data, k) * out.grad
        out._backward = _backward
        return out

    def _unary(self, value: float, slope: float, op: str) -> Value:
        # Every elementary function: its value and its local derivative at self.data.
        out = Value._node(value, (self,), op)

        def _backward() -> None:
            self.grad += slope * out.grad
        out._backward = _backward
        return out

    @contract()
    def exp(self) -> Value:
        e = ieee(math.exp, np.exp, self.data)
        return self._unary(e, e, "exp")

    @contract()
    def log(self) -> Value:
        x = self.data
        return self._unary(ieee(math.log, np.log, x), ieee(float.__truediv__, np.divide, 1.0, x), "log")

    @contract()
    def sin(self) -> Value:
        x = self.data
        return self._unary(ieee(math.sin, np.sin, x), ieee(math.cos, np.cos, x), "sin")

    @contract()
    def cos(self) -> Value:
        x = self.data
        return self._unary(ieee(math.cos, np.cos, x), -ieee(math.sin, np.sin, x), "cos")

    @contract()
    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._unary(t, 1.0 - t * t, "tanh")

    @contract()
    def sigmoid(self) -> Value:
        s = 0.5 * (1.0 + math.tanh(0.5 * self.data))
        return self._unary(s, s * (1.0 - s), "σ")

    @contract()
    def relu(self) -> Value:
        x = self.data
        # As torch: NaN stays NaN, and the slope is 0 only where x <= 0 (so 1 at NaN).
        return self._unary(x if x > 0 or x != x else 0.0, float(not x <= 0), "relu")

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Any) -> Value:
        return self + (-self._lift(other))

    def __rsub__(self, other: Any) -> Value:
        return self._lift(other) - self

    def __truediv__(self, other: Any) -> Value:
        return self * self._lift(other) ** -1

    def __rtruediv__(self, other: Any) -> Value:
        return self._lift(other) / self

    __radd__, __rmul__ = __add__, __mul__

    @contract()
    def topological_order(self) -> list[Value]:
        """Every node this one depends on, each after its parents (inputs first, self last)."""
        return _topological_order(self)

    @contract(accumulate=Bool())
    def backward(self, accumulate: bool = False) -> None:
        """Add ``d self / d leaf`` to the ``grad`` of every leaf; intermediate gradients start at 0.

        A second call from the same output raises a ``RuntimeError`` unless ``accumulate`` is True.
        """
        order = _start_backward(self, accumulate, 0.0)
        self.grad += 1.0  # the seed: d self / d self
        for node in reversed(order):
            node._backward()

    @contract()
    def zero_grad(self) -> None:
        """Set the gradient of this node and of every node it depends on to 0."""
        for node in self.topological_order():
            node.grad, node._walked = 0.0, False

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"


@contract(output=Instance(Value, what="a labkit.autodiff.Value"))
def graph_of(output: Value) -> Any:
    """The computational graph behind ``output`` as a ``networkx.DiGraph``, edges from parent to child.

    Each node is keyed by an int and has the attributes ``op`` (``""`` for a leaf), ``label``,
    ``data`` and ``grad``: what a drawing of the graph shows.

    >>> x = Value(3.0, label="x")
    >>> g = graph_of(x * x + 1.0)
    >>> g.number_of_nodes(), sorted(op for _, op in g.nodes(data="op"))
    (4, ['', '', '+', '×'])
    """
    import networkx as nx  # here, so that importing labkit.autodiff stays light

    order = output.topological_order()
    index = {id(node): i for i, node in enumerate(order)}
    graph = nx.DiGraph()
    for i, node in enumerate(order):
        graph.add_node(i, op=node._op, label=node.label, data=node.data, grad=node.grad)
        graph.add_edges_from((index[id(p)], i) for p in node._parents)
    return graph
