"""Message passing from scratch: gather along edges, aggregate, update; GCN and GraphSAGE layers."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import torch

from .._checks import check_choice, check_int
from .._torch import seeded
from .structure import Graph, _check_graph

__all__ = ["scatter", "propagate", "gcn_norm", "GCNLayer", "SAGELayer", "readout", "GCN", "GraphClassifier"]

REDUCES = ("sum", "mean", "max")


def _check_tensor(name: str, x: object, rows: int | None = None, cols: int | None = None) -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.ndim != 2:
        raise TypeError(f"{name} must be a 2-D float torch.Tensor, got {getattr(x, 'shape', type(x).__name__)}")
    if rows is not None and x.shape[0] != rows:
        raise ValueError(f"{name} must have {rows} rows, one per node, got {x.shape[0]}")
    if cols is not None and x.shape[1] != cols:
        raise ValueError(f"{name} must have {cols} columns, the layer's in_features, got {x.shape[1]}")
    return x


def scatter(src: torch.Tensor, index: torch.Tensor, num_nodes: int, reduce: str = "sum") -> torch.Tensor:
    """Aggregate the rows of ``src`` into ``num_nodes`` rows: row ``i`` of ``src`` goes to ``index[i]``.

    ``"sum"`` uses ``index_add_``, ``"max"`` uses ``scatter_reduce_``, ``"mean"`` is the sum divided
    by the number of rows received. A node that receives nothing gets zeros, as in DGL and PyG.

    >>> scatter(torch.tensor([[1.0], [2.0], [4.0]]), torch.tensor([0, 0, 2]), 3, "mean").tolist()
    [[1.5], [0.0], [4.0]]
    """
    src = _check_tensor("src", src)
    if not isinstance(index, torch.Tensor) or index.dtype != torch.long or index.shape != (src.shape[0],):
        raise ValueError(f"index must be a long tensor of shape ({src.shape[0]},), one target per row of src")
    num_nodes = check_int("num_nodes", num_nodes, 1)
    reduce = check_choice("reduce", reduce, REDUCES)
    if index.numel() and (index.min() < 0 or index.max() >= num_nodes):
        raise ValueError(f"index must hold ids from 0 to num_nodes - 1 = {num_nodes - 1}")
    out = src.new_zeros(num_nodes, src.shape[1])
    if reduce == "max":  # include_self=False: the zeros are only a filler for nodes that get nothing
        return out.scatter_reduce(0, index[:, None].expand_as(src), src, "amax", include_self=False)
    out = out.index_add(0, index, src)
    if reduce == "mean":
        count = torch.zeros(num_nodes, dtype=src.dtype).index_add_(0, index, torch.ones_like(index, dtype=src.dtype))
        out = out / count.clamp(min=1)[:, None]
    return out


class _SparseMatmul(torch.autograd.Function):
    # y = A x with A in CSR; dL/dx = A^T dL/dy, with A^T kept in CSR too: two fast sparse kernels.
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, a: torch.Tensor, a_t: torch.Tensor) -> torch.Tensor:
        ctx.a_t = a_t
        return a @ x

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None, None]:
        return ctx.a_t @ grad, None, None


def _csr(graph: Graph, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    key = f"csr-{dtype}"
    if key not in graph._cache:
        n, w = graph.num_nodes, graph.weights().detach().to(dtype)
        with warnings.catch_warnings():  # "sparse CSR support is in beta": the product is tested
            warnings.simplefilter("ignore", UserWarning)
            # coalesce sums repeated edges, so multi-edges count as many times as they appear
            a = torch.sparse_coo_tensor(torch.stack([graph.dst, graph.src]), w, (n, n)).coalesce()
            graph._cache[key] = (a.to_sparse_csr(), a.t().coalesce().to_sparse_csr())
    return graph._cache[key]


def propagate(graph: Graph, x: torch.Tensor, reduce: str = "sum") -> torch.Tensor:
    """One round of message passing: each node aggregates ``w_e * x[src]`` over its incoming edges.

    The message of edge ``e = (src, dst)`` is ``w_e * x[src]``; node ``dst`` combines its messages
    with ``reduce``. The sum is the sparse product ``A x`` (``A[dst, src] = w``), computed with a CSR
    kernel when the weights need no gradient: the same numbers as :func:`scatter`, several times faster.

    >>> g = Graph([[0, 1, 2], [1, 2, 1]], 3)
    >>> propagate(g, torch.tensor([[1.0], [10.0], [100.0]])).tolist()
    [[0.0], [101.0], [10.0]]
    """
    g = _check_graph(graph)
    x = _check_tensor("x", x, g.num_nodes)
    reduce = check_choice("reduce", reduce, REDUCES)
    if reduce == "sum" and not (g.edge_weight is not None and g.edge_weight.requires_grad):
        return _SparseMatmul.apply(x, *_csr(g, x.dtype))
    messages = x[g.src] * g.weights().to(x.dtype)[:, None]
    return scatter(messages, g.dst, g.num_nodes, reduce)


def gcn_norm(graph: Graph) -> Graph:
    """Kipf and Welling's ``D^-1/2 (A + I) D^-1/2`` as edge weights, ``D`` the in-degrees of ``A + I``.

    Every node ends with exactly one self-loop (an existing one keeps its weight), as in PyG's
    ``GCNConv``; the result is cached on ``graph``. An isolated node keeps only its own features.

    >>> gcn_norm(Graph([[0, 1], [1, 0]], 2)).weights().tolist()
    [0.5, 0.5, 0.5, 0.5]
    """
    g = _check_graph(graph)
    if "gcn" not in g._cache:
        loops = g.src == g.dst
        loop_weight = torch.ones(g.num_nodes)
        loop_weight[g.src[loops]] = g.weights()[loops]
        nodes = torch.arange(g.num_nodes)
        edge_index = torch.cat([g.edge_index[:, ~loops], torch.stack([nodes, nodes])], dim=1)
        w = torch.cat([g.weights()[~loops], loop_weight])
        d = torch.zeros(g.num_nodes).index_add_(0, edge_index[1], w)
        g._cache["gcn"] = Graph(edge_index, g.num_nodes, w / (d[edge_index[0]] * d[edge_index[1]]).sqrt())
    return g._cache["gcn"]


def _glorot(n_in: int, n_out: int, generator: torch.Generator) -> torch.nn.Parameter:
    bound = math.sqrt(6.0 / (n_in + n_out))  # Glorot uniform, the default of DGL and PyG
    return torch.nn.Parameter(torch.rand(n_in, n_out, generator=generator) * 2 * bound - bound)


class GCNLayer(torch.nn.Module):
    """Graph convolution ``H' = D^-1/2 (A + I) D^-1/2 H W + b`` (Kipf and Welling, 2017).

    ``weight`` has shape ``(in_features, out_features)`` like DGL's ``GraphConv`` (PyG stores its
    transpose). Initial weights are Glorot-uniform, drawn from ``seed``; the bias starts at zero.

    >>> layer = GCNLayer(3, 2, seed=0)
    >>> layer(Graph([[0, 1], [1, 0]], 2), torch.ones(2, 3)).shape
    torch.Size([2, 2])
    """

    def __init__(self, in_features: int, out_features: int, *, bias: bool = True, seed: int = 0) -> None:
        super().__init__()
        n_in, n_out = check_int("in_features", in_features, 1), check_int("out_features", out_features, 1)
        gen = torch.Generator().manual_seed(check_int("seed", seed, 0))
        self.weight = _glorot(n_in, n_out, gen)
        self.bias = torch.nn.Parameter(torch.zeros(n_out)) if bias else None

    def forward(self, graph: Graph, x: torch.Tensor) -> torch.Tensor:
        """Transform every node (``x W``), then average over the neighbourhood with GCN weights."""
        x = _check_tensor("x", x, _check_graph(graph).num_nodes, self.weight.shape[0])
        h = propagate(gcn_norm(graph), x @ self.weight)
        return h + self.bias if self.bias is not None else h


class SAGELayer(torch.nn.Module):
    """GraphSAGE: ``h'_v = W_self h_v + W_neigh agg{h_u : u -> v} + b`` (Hamilton et al., 2017).

    Unlike GCN, the node's own features have their own weights, and ``aggregator`` may be
    ``"mean"``, ``"sum"`` or ``"max"``.

    >>> layer = SAGELayer(3, 2, aggregator="max", seed=0)
    >>> layer(Graph([[0, 1], [1, 0]], 2), torch.ones(2, 3)).shape
    torch.Size([2, 2])
    """

    def __init__(self, in_features: int, out_features: int, *, aggregator: str = "mean", seed: int = 0) -> None:
        super().__init__()
        n_in, n_out = check_int("in_features", in_features, 1), check_int("out_features", out_features, 1)
        self.aggregator = check_choice("aggregator", aggregator, REDUCES)
        gen = torch.Generator().manual_seed(check_int("seed", seed, 0))
        self.weight_self, self.weight_neigh = _glorot(n_in, n_out, gen), _glorot(n_in, n_out, gen)
        self.bias = torch.nn.Parameter(torch.zeros(n_out))

    def forward(self, graph: Graph, x: torch.Tensor) -> torch.Tensor:
        """Own features and aggregated neighbour features, each through its own weights."""
        x = _check_tensor("x", x, _check_graph(graph).num_nodes, self.weight_self.shape[0])
        return x @ self.weight_self + propagate(graph, x, self.aggregator) @ self.weight_neigh + self.bias


def readout(x: torch.Tensor, batch: torch.Tensor, num_graphs: int | None = None, reduce: str = "mean") -> torch.Tensor:
    """One vector per graph: pool the node rows of each graph of a batch with sum, mean or max.

    The result does not depend on the order of the nodes: this is what makes a graph-level
    prediction invariant to renumbering.

    >>> readout(torch.tensor([[1.0], [3.0], [5.0]]), torch.tensor([0, 0, 1])).tolist()
    [[2.0], [5.0]]
    """
    x = _check_tensor("x", x)
    if not isinstance(batch, torch.Tensor) or batch.dtype != torch.long or batch.shape != (x.shape[0],):
        raise ValueError(f"batch must be a long tensor of shape ({x.shape[0]},), the graph id of each node")
    num_graphs = int(batch.max()) + 1 if num_graphs is None else check_int("num_graphs", num_graphs, 1)
    return scatter(x, batch, num_graphs, reduce)


_ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh}


def _check_sizes(sizes: object, minimum: int) -> list[int]:
    if (isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) < minimum
            or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in sizes)):
        raise ValueError(f"sizes must be a sequence of at least {minimum} positive ints, got {sizes!r}")
    return list(sizes)


class GCN(torch.nn.Module):
    """A stack of :class:`GCNLayer`, with an activation between layers and logits at the end.

    ``sizes`` lists the widths from input to output, e.g. ``[34, 16, 2]`` for two layers.

    >>> model = GCN([3, 8, 2], seed=0)
    >>> g = Graph([[0, 1], [1, 0]], 2)
    >>> model(g, torch.ones(2, 3)).shape, len(model.layer_outputs(g, torch.ones(2, 3)))
    (torch.Size([2, 2]), 2)
    """

    def __init__(self, sizes: Sequence[int], *, activation: str = "relu", dropout: float = 0.0, seed: int = 0) -> None:
        super().__init__()
        sizes = _check_sizes(sizes, 2)
        self.activation = check_choice("activation", activation, tuple(_ACTIVATIONS))
        if not isinstance(dropout, float) or not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be a float in [0, 1), got {dropout!r}")
        self.dropout = dropout
        seed = check_int("seed", seed, 0)
        self.layers = torch.nn.ModuleList(
            GCNLayer(a, b, seed=seed + i) for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])))

    def layer_outputs(self, graph: Graph, x: torch.Tensor) -> list[torch.Tensor]:
        """The output of every layer, after its activation (none after the last)."""
        outputs, h = [], x
        for i, layer in enumerate(self.layers):
            h = torch.nn.functional.dropout(h, self.dropout, self.training)
            h = layer(graph, h)
            if i < len(self.layers) - 1:
                h = _ACTIVATIONS[self.activation](h)
            outputs.append(h)
        return outputs

    def forward(self, graph: Graph, x: torch.Tensor) -> torch.Tensor:
        """Logits of every node."""
        return self.layer_outputs(graph, x)[-1]


class GraphClassifier(torch.nn.Module):
    """Graph classification: ``num_layers`` GCN layers, a :func:`readout`, then a two-layer MLP.

    With ``num_layers=0`` no message is passed: the model is an MLP on the pooled node features
    (a bag of nodes), blind to the edges, the baseline that shows what structure adds.

    >>> from labkit.graphs import batch_graphs
    >>> g, batch = batch_graphs([Graph([[0], [1]], 2), Graph([[0], [2]], 3)])
    >>> GraphClassifier(4, 8, 3, seed=0)(g, torch.ones(5, 4), batch).shape
    torch.Size([2, 3])
    """

    def __init__(self, in_features: int, hidden: int, n_classes: int, *, num_layers: int = 2,
                 reduce: str = "mean", seed: int = 0) -> None:
        super().__init__()
        n_in, hidden = check_int("in_features", in_features, 1), check_int("hidden", hidden, 1)
        n_classes, num_layers = check_int("n_classes", n_classes, 1), check_int("num_layers", num_layers, 0)
        self.reduce = check_choice("reduce", reduce, REDUCES)
        seed = check_int("seed", seed, 0)
        self.convs = torch.nn.ModuleList(
            GCNLayer(n_in if i == 0 else hidden, hidden, seed=seed + i) for i in range(num_layers))
        with seeded(seed):  # the MLP head: torch's own initialisation
            self.head = torch.nn.Sequential(torch.nn.Linear(hidden if num_layers else n_in, hidden),
                                            torch.nn.ReLU(), torch.nn.Linear(hidden, n_classes))

    def forward(self, graph: Graph, x: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        """Logits of every graph of the batch."""
        h = x
        for conv in self.convs:
            h = torch.relu(conv(graph, h))
        return self.head(readout(h, batch, int(batch.max()) + 1 if batch.numel() else 1, self.reduce))
