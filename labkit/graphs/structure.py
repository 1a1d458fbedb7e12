"""A graph in plain torch, batching, and conversions to and from networkx, DGL and PyG."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from .._checks import check_int

__all__ = ["Graph", "batch_graphs", "from_networkx", "to_networkx", "to_dgl", "from_dgl", "to_pyg", "from_pyg"]


def _as_tensor(name: str, value: object, dtype: torch.dtype) -> torch.Tensor:
    # numpy arrays, lists and tensors alike; a clear TypeError for anything else.
    try:
        t = value if isinstance(value, torch.Tensor) else torch.as_tensor(np.asarray(value))
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(f"{name} must be an array or a tensor of numbers, got {type(value).__name__}") from None
    if dtype == torch.long and (t.is_floating_point() or t.is_complex() or t.dtype == torch.bool):
        raise TypeError(f"{name} must hold int node ids, got dtype {t.dtype}")
    return t.to(dtype)


class Graph:
    """A graph as torch tensors: edges ``src -> dst``, optional edge weights and node features.

    Messages flow along each edge from ``edge_index[0]`` (source) to ``edge_index[1]`` (destination),
    the convention of DGL and PyG. An undirected graph stores each edge in both directions.
    Self-loops and repeated edges (multi-edges) are kept as given.

    Parameters
    ----------
    edge_index : array of int, shape (2, E)
        Source and destination of every edge, each from 0 to ``num_nodes - 1``. ``E`` may be 0.
    num_nodes : int
        Number of nodes, at least 1; isolated nodes are those that no edge touches.
    edge_weight : array of float, shape (E,), optional
        One weight per edge (1 when omitted).
    x : array of float, shape (num_nodes, F), optional
        Node features, float32.

    Examples
    --------
    >>> g = Graph([[0, 1, 1, 2], [1, 0, 2, 1]], num_nodes=4)
    >>> g
    Graph(num_nodes=4, num_edges=4)
    >>> g.in_degrees().tolist()
    [1.0, 2.0, 1.0, 0.0]
    """

    def __init__(self, edge_index: Any, num_nodes: int, edge_weight: Any = None, x: Any = None) -> None:
        self.num_nodes = check_int("num_nodes", num_nodes, 1)
        ei = _as_tensor("edge_index", edge_index, torch.long)
        if ei.numel() == 0:
            ei = ei.reshape(2, 0)
        if ei.ndim != 2 or ei.shape[0] != 2:
            raise ValueError(f"edge_index must have shape (2, E), got {tuple(ei.shape)}")
        if ei.numel() and (ei.min() < 0 or ei.max() >= self.num_nodes):
            raise ValueError(f"edge_index must hold node ids from 0 to num_nodes - 1 = {self.num_nodes - 1}, "
                             f"got {int(ei.min())}..{int(ei.max())}")
        self.edge_index = ei
        if edge_weight is not None:
            edge_weight = _as_tensor("edge_weight", edge_weight, torch.float32)
            if edge_weight.shape != (ei.shape[1],):
                raise ValueError(f"edge_weight must have shape ({ei.shape[1]},), one weight per edge, "
                                 f"got {tuple(edge_weight.shape)}")
        self.edge_weight = edge_weight
        if x is not None:
            x = _as_tensor("x", x, torch.float32)
            if x.ndim != 2 or x.shape[0] != self.num_nodes:
                raise ValueError(f"x must have shape ({self.num_nodes}, F), one row per node, got {tuple(x.shape)}")
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

    def weights(self) -> torch.Tensor:
        """The edge weights, ones when the graph has none."""
        return self.edge_weight if self.edge_weight is not None else torch.ones(self.num_edges)

    def in_degrees(self) -> torch.Tensor:
        """Sum of the weights of the edges arriving at each node (float32)."""
        return torch.zeros(self.num_nodes).index_add_(0, self.dst, self.weights())

    def adjacency(self) -> torch.Tensor:
        """Dense ``A`` with ``A[dst, src]`` = sum of the weights of the edges ``src -> dst``."""
        return torch.zeros(self.num_nodes, self.num_nodes).index_put_((self.dst, self.src), self.weights(),
                                                                      accumulate=True)

    def permute(self, perm: Any) -> "Graph":
        """The same graph with node ``i`` renamed ``perm[i]`` (features move with their node)."""
        perm = _as_tensor("perm", perm, torch.long)
        if sorted(perm.tolist()) != list(range(self.num_nodes)):
            raise ValueError(f"perm must be a permutation of 0..{self.num_nodes - 1}")
        x = None
        if self.x is not None:
            x = torch.empty_like(self.x)
            x[perm] = self.x
        return Graph(perm[self.edge_index], self.num_nodes, self.edge_weight, x)

    def with_features(self, x: Any) -> "Graph":
        """The same edges with new node features ``x``."""
        return Graph(self.edge_index, self.num_nodes, self.edge_weight, x)

    def __repr__(self) -> str:
        return f"Graph(num_nodes={self.num_nodes}, num_edges={self.num_edges})"


def _check_graph(graph: object, name: str = "graph") -> Graph:
    if not isinstance(graph, Graph):
        raise TypeError(f"{name} must be a labkit.graphs.Graph, got {type(graph).__name__}")
    return graph


def batch_graphs(graphs: Sequence[Graph]) -> tuple[Graph, torch.Tensor]:
    """Several graphs as one graph with disconnected parts, and the graph id of every node.

    Node ids of graph ``k`` are shifted by the number of nodes of the graphs before it, so no edge
    crosses from one graph to another: message passing on the batch equals message passing on each
    graph. The ``batch`` vector is what :func:`readout` pools over.

    >>> g, batch = batch_graphs([Graph([[0], [1]], 2), Graph([[0, 1], [1, 2]], 3)])
    >>> g.edge_index.tolist(), batch.tolist()
    ([[0, 2, 3], [1, 3, 4]], [0, 0, 1, 1, 1])
    """
    if isinstance(graphs, Graph) or not isinstance(graphs, Sequence) or len(graphs) == 0:
        raise ValueError(f"graphs must be a non-empty sequence of Graph, got {type(graphs).__name__}")
    for g in graphs:
        _check_graph(g, "graphs")
    with_x = {g.x is not None for g in graphs}
    with_w = {g.edge_weight is not None for g in graphs}
    if len(with_x) > 1 or len(with_w) > 1:
        raise ValueError("graphs must all have node features x, or none; and all edge weights, or none")
    offsets = np.cumsum([0] + [g.num_nodes for g in graphs])
    edge_index = torch.cat([g.edge_index + int(o) for g, o in zip(graphs, offsets)], dim=1)
    weight = torch.cat([g.edge_weight for g in graphs]) if with_w == {True} else None
    x = torch.cat([g.x for g in graphs]) if with_x == {True} else None
    batch = torch.repeat_interleave(torch.arange(len(graphs)), torch.tensor([g.num_nodes for g in graphs]))
    return Graph(edge_index, int(offsets[-1]), weight, x), batch


# -- conversions ---------------------------------------------------------------------------------------
def from_networkx(nx_graph: Any, x: Any = None, weight: str | None = None) -> Graph:
    """A :class:`Graph` from a networkx graph; nodes are numbered in the order of ``nx_graph.nodes``.

    An undirected networkx graph gives both directions of each edge; ``weight`` names the edge
    attribute to read as edge weights (none by default).

    >>> import networkx as nx
    >>> from_networkx(nx.path_graph(3)).edge_index.tolist()
    [[0, 1, 1, 2], [1, 0, 2, 1]]
    """
    import networkx as nx

    if not isinstance(nx_graph, nx.Graph):
        raise TypeError(f"nx_graph must be a networkx graph, got {type(nx_graph).__name__}")
    if nx_graph.number_of_nodes() == 0:
        raise ValueError("nx_graph must have at least one node")
    ids = {node: i for i, node in enumerate(nx_graph.nodes)}
    pairs, weights = [], []
    for u, v, data in nx_graph.edges(data=True):
        w = float(data.get(weight, 1.0)) if weight is not None else 1.0
        pairs.append((ids[u], ids[v]))
        weights.append(w)
        if not nx_graph.is_directed() and u != v:  # a self-loop is one edge, not two
            pairs.append((ids[v], ids[u]))
            weights.append(w)
    edge_index = torch.tensor(pairs, dtype=torch.long).reshape(-1, 2).T
    return Graph(edge_index, len(ids), torch.tensor(weights) if weight is not None else None, x)


def to_networkx(graph: Graph) -> Any:
    """The graph as a ``networkx.MultiDiGraph`` (directed, multi-edges kept), weights as ``"weight"``.

    >>> to_networkx(Graph([[0, 1], [1, 0]], 3)).number_of_edges()
    2
    """
    import networkx as nx

    g = _check_graph(graph)
    out = nx.MultiDiGraph()
    out.add_nodes_from(range(g.num_nodes))
    out.add_weighted_edges_from(zip(g.src.tolist(), g.dst.tolist(), g.weights().tolist()))
    return out


def to_dgl(graph: Graph) -> Any:
    """The same graph in DGL (``dgl.graph``), features in ``ndata["x"]``, weights in ``edata["w"]``.

    DGL is imported here, not when ``labkit.graphs`` is: it takes seconds to import.

    >>> to_dgl(Graph([[0, 1], [1, 2]], 3)).num_edges()
    2
    """
    g = _check_graph(graph)
    import dgl

    out = dgl.graph((g.src, g.dst), num_nodes=g.num_nodes)
    if g.x is not None:
        out.ndata["x"] = g.x
    if g.edge_weight is not None:
        out.edata["w"] = g.edge_weight
    return out


def from_dgl(dgl_graph: Any) -> Graph:
    """A :class:`Graph` from a DGL graph, reading ``ndata["x"]`` and ``edata["w"]`` if present.

    >>> from_dgl(to_dgl(Graph([[0, 1], [1, 2]], 3))).edge_index.tolist()
    [[0, 1], [1, 2]]
    """
    if not hasattr(dgl_graph, "edges") or not hasattr(dgl_graph, "num_nodes"):
        raise TypeError(f"dgl_graph must be a dgl.DGLGraph, got {type(dgl_graph).__name__}")
    src, dst = dgl_graph.edges()
    return Graph(torch.stack([src, dst]), dgl_graph.num_nodes(), dgl_graph.edata.get("w"), dgl_graph.ndata.get("x"))


def to_pyg(graph: Graph) -> Any:
    """The same graph as a PyTorch Geometric ``Data`` (``edge_index``, ``edge_weight``, ``x``).

    >>> to_pyg(Graph([[0, 1], [1, 2]], 3)).num_nodes
    3
    """
    g = _check_graph(graph)
    from torch_geometric.data import Data

    return Data(x=g.x, edge_index=g.edge_index, edge_weight=g.edge_weight, num_nodes=g.num_nodes)


def from_pyg(data: Any) -> Graph:
    """A :class:`Graph` from a PyTorch Geometric ``Data``.

    >>> from_pyg(to_pyg(Graph([[0, 1], [1, 2]], 3))).num_edges
    2
    """
    if not hasattr(data, "edge_index") or not hasattr(data, "num_nodes"):
        raise TypeError(f"data must be a torch_geometric.data.Data, got {type(data).__name__}")
    return Graph(data.edge_index, data.num_nodes, getattr(data, "edge_weight", None), getattr(data, "x", None))
