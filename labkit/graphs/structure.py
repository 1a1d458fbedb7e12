"""A graph in plain torch, batching, and conversions to and from networkx, DGL and PyG."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from .._checks import Each, Instance, Optional, Rule, Size, Text, TorchTensor, Variant, _const, _needs, _shown
from .._contract import contract
from ._optional import import_dgl

__all__ = ["Graph", "batch_graphs", "from_networkx", "to_networkx", "to_dgl", "from_dgl", "to_pyg", "from_pyg"]


class _EdgeIndex(Rule):
    """Edges as a ``(2, E)`` array or tensor of int node ids >= 0; an empty one (``[]``, ``np.zeros((2, 0))``)
    of any dtype is the graph without edges. Ids below ``num_nodes`` is a relation, checked by ``Graph``."""

    expected = "a (2, E) array or tensor of int node ids, each >= 0"
    _ints = TorchTensor("int", ndim=2, min=0)

    def check(self, name: str, value: Any) -> torch.Tensor:
        if _is_empty(value):
            return torch.zeros(2, 0, dtype=torch.long)  # no edge: the dtype of an empty list means nothing
        ei = self._ints.check(name, value)
        if ei.shape[0] != 2:
            raise self.fail(name, ei)
        return ei

    def bad(self) -> list[Variant]:
        return [("string", _const("edges"), TypeError), ("None", _const(None), TypeError),
                ("floats", _const([[0.5], [1.0]]), TypeError), ("negative id", _const([[0, -1], [1, 0]]), ValueError),
                ("1-D", _const([0, 1, 2]), ValueError), ("three rows", _const([[0], [1], [0]]), ValueError)]

    def unusual(self) -> list[Variant]:
        # The empty edge lists ([], np.zeros((2, 0))) need no edge weight: tests/test_graphs.py tries them.
        return [("int32 array", _needs(lambda v: np.asarray(v.cpu() if isinstance(v, torch.Tensor) else v,
                                                            dtype=np.int32)), None)]


def _is_empty(value: Any) -> bool:
    if isinstance(value, torch.Tensor):
        return value.numel() == 0
    if isinstance(value, np.ndarray):
        return value.size == 0
    return isinstance(value, (list, tuple)) and all(isinstance(r, (list, tuple)) and not r for r in value)


class _Foreign(Rule):
    """An object of another library, recognised by ``test`` so that the library is imported only when needed."""

    def __init__(self, what: str, test: Callable[[Any], bool]) -> None:
        self.expected, self.test = what, test

    def check(self, name: str, value: Any) -> Any:
        if not self.test(value):
            raise self.fail(name, type(value).__name__, TypeError)
        return value

    def bad(self) -> list[Variant]:
        return [("wrong type", _const(object()), TypeError), ("None", _const(None), TypeError),
                ("list of edges", _const([(0, 1)]), TypeError)]


def _is_networkx(value: Any) -> bool:
    import networkx as nx

    return isinstance(value, nx.Graph)


#: Node features and edge weights: a tensor keeps its float dtype (float64 work stays float64), an array
#: becomes float32; NaN and inf are refused.
_FEATURES = TorchTensor("float", ndim=2)
_WEIGHTS = TorchTensor("float", ndim=1)


@contract(edge_index=_EdgeIndex(), num_nodes=Size(), edge_weight=Optional(_WEIGHTS), x=Optional(_FEATURES))
class Graph:
    """A graph as torch tensors: edges ``src -> dst``, optional edge weights and node features.

    Messages flow along each edge from ``edge_index[0]`` (source) to ``edge_index[1]`` (destination),
    the convention of DGL and PyG. An undirected graph stores each edge in both directions.
    Self-loops and repeated edges (multi-edges) are kept as given.

    Parameters
    ----------
    edge_index : array or tensor of int, shape (2, E)
        Source and destination of every edge, each from 0 to ``num_nodes - 1``. ``E`` may be 0
        (``[]`` or ``np.zeros((2, 0))``: a graph without edges).
    num_nodes : int
        Number of nodes, from 1 to 2**28; isolated nodes are those that no edge touches.
    edge_weight : array or tensor of finite floats, shape (E,), optional
        One weight per edge (1 when omitted). A tensor keeps its float dtype, an array becomes float32.
    x : array or tensor of finite floats, shape (num_nodes, F), optional
        Node features. A tensor keeps its float dtype, an array becomes float32.

    Examples
    --------
    >>> g = Graph([[0, 1, 1, 2], [1, 0, 2, 1]], num_nodes=4)
    >>> g
    Graph(num_nodes=4, num_edges=4)
    >>> g.in_degrees().tolist()
    [1.0, 2.0, 1.0, 0.0]
    >>> Graph([], 3).num_edges
    0
    """

    def __init__(self, edge_index: Any, num_nodes: int, edge_weight: Any = None, x: Any = None) -> None:
        self.num_nodes = num_nodes
        if edge_index.numel() and edge_index.max() >= num_nodes:
            raise ValueError(f"edge_index must hold node ids from 0 to num_nodes - 1 = {num_nodes - 1}, "
                             f"got a maximum of {int(edge_index.max())}")
        self.edge_index = edge_index
        if edge_weight is not None and edge_weight.shape != (edge_index.shape[1],):
            raise ValueError(f"edge_weight must have shape ({edge_index.shape[1]},), one weight per edge, "
                             f"got {tuple(edge_weight.shape)}")
        self.edge_weight = edge_weight
        if x is not None and x.shape[0] != num_nodes:
            raise ValueError(f"x must have shape ({num_nodes}, F), one row per node, got {tuple(x.shape)}")
        self.x = x
        self._cache: dict[str, Any] = {}  # sparse matrices built once per graph (see propagate)

    @property
    def num_edges(self) -> int:
        """Number of edges ``E`` (each direction of an undirected edge counts)."""
        return self.edge_index.shape[1]

    @property
    def src(self) -> torch.Tensor:
        """Source node of every edge."""
        return self.edge_index[0]

    @property
    def dst(self) -> torch.Tensor:
        """Destination node of every edge."""
        return self.edge_index[1]

    @contract()
    def weights(self) -> torch.Tensor:
        """The edge weights, ones (float32) when the graph has none."""
        return self.edge_weight if self.edge_weight is not None else torch.ones(self.num_edges)

    @contract()
    def in_degrees(self) -> torch.Tensor:
        """Sum of the weights of the edges arriving at each node, in the weights' dtype."""
        w = self.weights()
        return torch.zeros(self.num_nodes, dtype=w.dtype).index_add_(0, self.dst, w)

    @contract()
    def adjacency(self) -> torch.Tensor:
        """Dense ``A`` with ``A[dst, src]`` = sum of the weights of the edges ``src -> dst``."""
        w = self.weights()
        return torch.zeros(self.num_nodes, self.num_nodes, dtype=w.dtype).index_put_((self.dst, self.src), w,
                                                                                     accumulate=True)

    @contract(perm=TorchTensor("int", ndim=1, min=0))
    def permute(self, perm: Any) -> "Graph":
        """The same graph with node ``i`` renamed ``perm[i]`` (features move with their node).

        ``perm`` is a permutation of ``0 .. num_nodes - 1``, as an array or a tensor of ints.
        """
        if sorted(perm.tolist()) != list(range(self.num_nodes)):
            raise ValueError(f"perm must be a permutation of 0..{self.num_nodes - 1}, got {perm.tolist()[:10]}")
        x = None
        if self.x is not None:
            x = torch.empty_like(self.x)
            x[perm] = self.x
        return Graph(perm[self.edge_index], self.num_nodes, self.edge_weight, x)

    @contract(x=Optional(_FEATURES))
    def with_features(self, x: Any) -> "Graph":
        """The same edges with new node features ``x`` (one row per node; None: no features)."""
        return Graph(self.edge_index, self.num_nodes, self.edge_weight, x)

    def __repr__(self) -> str:
        return f"Graph(num_nodes={self.num_nodes}, num_edges={self.num_edges})"


#: The rule of every argument that is a labkit graph.
GRAPH = Instance(Graph, what="a labkit.graphs.Graph")


@contract(graphs=Each(GRAPH, min_len=1))
def batch_graphs(graphs: Sequence[Graph]) -> tuple[Graph, torch.Tensor]:
    """Several graphs as one graph with disconnected parts, and the graph id of every node.

    Node ids of graph ``k`` are shifted by the number of nodes of the graphs before it, so no edge
    crosses from one graph to another: message passing on the batch equals message passing on each
    graph. The ``batch`` vector is what :func:`readout` pools over. ``graphs`` is a non-empty
    sequence (or iterable) of graphs, all with node features (of the same width) or none, all with
    edge weights or none.

    >>> g, batch = batch_graphs([Graph([[0], [1]], 2), Graph([[0, 1], [1, 2]], 3)])
    >>> g.edge_index.tolist(), batch.tolist()
    ([[0, 2, 3], [1, 3, 4]], [0, 0, 1, 1, 1])
    """
    with_x = {g.x is not None for g in graphs}
    with_w = {g.edge_weight is not None for g in graphs}
    if len(with_x) > 1 or len(with_w) > 1:
        raise ValueError("graphs must all have node features x, or none; and all edge weights, or none")
    widths = sorted({g.x.shape[1] for g in graphs if g.x is not None})
    if len(widths) > 1:
        raise ValueError(f"graphs must all have node features x of the same width, got widths {widths}")
    offsets = np.cumsum([0] + [g.num_nodes for g in graphs])
    edge_index = torch.cat([g.edge_index + int(o) for g, o in zip(graphs, offsets)], dim=1)
    weight = torch.cat([g.edge_weight for g in graphs]) if with_w == {True} else None
    x = torch.cat([g.x for g in graphs]) if with_x == {True} else None
    batch = torch.repeat_interleave(torch.arange(len(graphs)), torch.tensor([g.num_nodes for g in graphs]))
    return Graph(edge_index, int(offsets[-1]), weight, x), batch


# -- conversions ---------------------------------------------------------------------------------------
@contract(nx_graph=_Foreign("a networkx graph", _is_networkx), x=Optional(_FEATURES), weight=Optional(Text()))
def from_networkx(nx_graph: Any, x: Any = None, weight: str | None = None) -> Graph:
    """A :class:`Graph` from a networkx graph; nodes are numbered in the order of ``nx_graph.nodes``.

    An undirected networkx graph gives both directions of each edge; ``weight`` names the edge
    attribute to read as edge weights (none by default): every edge must have it, a finite number;
    ``x`` gives node features, one row per node.

    >>> import networkx as nx
    >>> from_networkx(nx.path_graph(3)).edge_index.tolist()
    [[0, 1, 1, 2], [1, 0, 2, 1]]
    """
    if nx_graph.number_of_nodes() == 0:
        raise ValueError("nx_graph must have at least one node, got an empty graph")
    ids = {node: i for i, node in enumerate(nx_graph.nodes)}
    pairs, weights = [], []
    for u, v, data in nx_graph.edges(data=True):
        w = _edge_weight(data, weight, (u, v)) if weight is not None else 1.0
        pairs.append((ids[u], ids[v]))
        weights.append(w)
        if not nx_graph.is_directed() and u != v:  # a self-loop is one edge, not two
            pairs.append((ids[v], ids[u]))
            weights.append(w)
    edge_index = torch.tensor(pairs, dtype=torch.long).reshape(-1, 2).T
    return Graph(edge_index, len(ids), torch.tensor(weights) if weight is not None else None, x)


def _edge_weight(data: dict[str, Any], weight: str, edge: tuple[Any, Any]) -> float:
    # A missing weight silently read as 1 would mix real and made-up weights: refused, naming the edge.
    if weight not in data:
        raise ValueError(f"weight must name an attribute of every edge of nx_graph, got {weight!r}, "
                         f"missing on the edge {edge}")
    w = data[weight]
    if not isinstance(w, numbers.Real) or isinstance(w, (bool, np.bool_)) or not math.isfinite(w):
        raise ValueError(f"weight must name an attribute holding a finite number on every edge of nx_graph, "
                         f"got {weight!r} = {_shown(w)} on the edge {edge}")
    return float(w)


@contract(graph=GRAPH)
def to_networkx(graph: Graph) -> Any:
    """The graph as a ``networkx.MultiDiGraph`` (directed, multi-edges kept), weights as ``"weight"``.

    >>> to_networkx(Graph([[0, 1], [1, 0]], 3)).number_of_edges()
    2
    """
    import networkx as nx

    out = nx.MultiDiGraph()
    out.add_nodes_from(range(graph.num_nodes))
    out.add_weighted_edges_from(zip(graph.src.tolist(), graph.dst.tolist(), graph.weights().tolist()))
    return out


@contract(graph=GRAPH)
def to_dgl(graph: Graph) -> Any:
    """The same graph in DGL (``dgl.graph``), features in ``ndata["x"]``, weights in ``edata["w"]``.

    DGL is imported here, not when ``labkit.graphs`` is: it takes seconds to import, and it is an optional
    dependency, ``pip install 'labkit[dgl]'`` (Linux, Python 3.10-3.12). Without it, this raises an
    ImportError that says so; :func:`has_dgl` tells beforehand.

    >>> from labkit.graphs import has_dgl
    >>> g = Graph([[0, 1], [1, 2]], 3)
    >>> to_dgl(g).num_edges() if has_dgl() else g.num_edges
    2
    """
    dgl = import_dgl("to_dgl")
    out = dgl.graph((graph.src, graph.dst), num_nodes=graph.num_nodes)
    if graph.x is not None:
        out.ndata["x"] = graph.x
    if graph.edge_weight is not None:
        out.edata["w"] = graph.edge_weight
    return out


@contract(dgl_graph=_Foreign("a dgl.DGLGraph", lambda g: hasattr(g, "edges") and hasattr(g, "num_nodes")
                             and hasattr(g, "ndata")))
def from_dgl(dgl_graph: Any) -> Graph:
    """A :class:`Graph` from a DGL graph, reading ``ndata["x"]`` and ``edata["w"]`` if present.

    Like :func:`to_dgl`, it needs DGL, the optional ``labkit[dgl]``: without it, an ImportError says so.

    >>> from labkit.graphs import has_dgl
    >>> g = Graph([[0, 1], [1, 2]], 3)
    >>> from_dgl(to_dgl(g)).edge_index.tolist() if has_dgl() else g.edge_index.tolist()
    [[0, 1], [1, 2]]
    """
    import_dgl("from_dgl")  # an object that only looks like a DGL graph gets the same advice as to_dgl
    src, dst = dgl_graph.edges()
    return Graph(torch.stack([src, dst]), dgl_graph.num_nodes(), dgl_graph.edata.get("w"), dgl_graph.ndata.get("x"))


@contract(graph=GRAPH)
def to_pyg(graph: Graph) -> Any:
    """The same graph as a PyTorch Geometric ``Data`` (``edge_index``, ``edge_weight``, ``x``).

    >>> to_pyg(Graph([[0, 1], [1, 2]], 3)).num_nodes
    3
    """
    from torch_geometric.data import Data

    return Data(x=graph.x, edge_index=graph.edge_index, edge_weight=graph.edge_weight, num_nodes=graph.num_nodes)


@contract(data=_Foreign("a torch_geometric.data.Data", lambda d: not isinstance(d, dict)
                        and hasattr(d, "edge_index") and hasattr(d, "num_nodes")))
def from_pyg(data: Any) -> Graph:
    """A :class:`Graph` from a PyTorch Geometric ``Data``.

    >>> from_pyg(to_pyg(Graph([[0, 1], [1, 2]], 3))).num_edges
    2
    """
    return Graph(data.edge_index, data.num_nodes, getattr(data, "edge_weight", None), getattr(data, "x", None))
