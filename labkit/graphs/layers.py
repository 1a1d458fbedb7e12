"""Message passing from scratch: gather along edges, aggregate, update; GCN and GraphSAGE layers."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import torch

from .._checks import (
    Bool, Choice, Count, FloatDtype, Optional, Probability, Seed, Size, Sizes, TorchTensor, check_elements,
    in_model_dtype,
)
from .._contract import contract
from ..networks import mlp
from ..seeding import generator
from .structure import _FEATURES, GRAPH, Graph

__all__ = ["scatter", "propagate", "gcn_norm", "gcn_structure_bytes", "GCNLayer", "SAGELayer", "readout", "GCN", "GraphClassifier"]

REDUCES = ("sum", "mean", "max")
_IDS = TorchTensor("int", ndim=1, min=0)
_HALF = (torch.float16, torch.bfloat16)  # CPU sparse kernels lack them: computed in float32, cast back


def _checked_features(x: torch.Tensor, graph: Graph, in_features: int, dtype: torch.dtype, model: str) -> torch.Tensor:
    """``x`` in the model's dtype, once its relations to the graph and the model are checked: one row per
    node, one column per input. A float64 ``x`` meets a float32 model as in the autoencoders: converted,
    and a float64 model keeps float64 work."""
    if x.shape != (graph.num_nodes, in_features):
        raise ValueError(f"x must have shape ({graph.num_nodes}, {in_features}): one row per node of graph "
                         f"and the {model}'s in_features columns, got {tuple(x.shape)}")
    return in_model_dtype("x", x, dtype, model)


def _check_weights(name: str, sizes: Sequence[int]) -> None:
    # Each weight matrix under labkit's size limit, before the allocator is asked (as Sizes does for GCN).
    for a, b in zip(sizes, sizes[1:]):
        check_elements(name, a * b, f"a {a} x {b} weight matrix")


@contract(src=TorchTensor("float", ndim=2), index=_IDS, num_nodes=Size(), reduce=Choice(*REDUCES))
def scatter(src: torch.Tensor, index: torch.Tensor, num_nodes: int, reduce: str = "sum") -> torch.Tensor:
    """Aggregate the rows of ``src`` into ``num_nodes`` rows: row ``i`` of ``src`` goes to ``index[i]``.

    ``"sum"`` uses ``index_add_``, ``"max"`` uses ``scatter_reduce_``, ``"mean"`` is the sum divided
    by the number of rows received. A node that receives nothing gets zeros, as in DGL and PyG.
    ``index`` holds one node id per row of ``src``, each from 0 to ``num_nodes - 1``.

    >>> scatter(torch.tensor([[1.0], [2.0], [4.0]]), torch.tensor([0, 0, 2]), 3, "mean").tolist()
    [[1.5], [0.0], [4.0]]
    """
    if index.shape != (src.shape[0],):
        raise ValueError(f"index must have shape ({src.shape[0]},), one target per row of src, "
                         f"got {tuple(index.shape)}")
    if index.numel() and index.max() >= num_nodes:
        raise ValueError(f"index must hold ids from 0 to num_nodes - 1 = {num_nodes - 1}, "
                         f"got a maximum of {int(index.max())}")
    return _scatter(src, index, num_nodes, reduce)


def _scatter(src: torch.Tensor, index: torch.Tensor, num_nodes: int, reduce: str) -> torch.Tensor:
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


@contract(graph=GRAPH, x=_FEATURES, reduce=Choice(*REDUCES))
def propagate(graph: Graph, x: torch.Tensor, reduce: str = "sum") -> torch.Tensor:
    """One round of message passing: each node aggregates ``w_e * x[src]`` over its incoming edges.

    The message of edge ``e = (src, dst)`` is ``w_e * x[src]``; node ``dst`` combines its messages
    with ``reduce``. The sum is the sparse product ``A x`` (``A[dst, src] = w``), computed with a CSR
    kernel when the weights need no gradient: the same numbers as :func:`scatter`, several times faster.
    ``x`` has one row per node, in any float dtype (float16 is computed in float32, returned in float16).

    >>> g = Graph([[0, 1, 2], [1, 2, 1]], 3)
    >>> propagate(g, torch.tensor([[1.0], [10.0], [100.0]])).tolist()
    [[0.0], [101.0], [10.0]]
    """
    if x.shape[0] != graph.num_nodes:
        raise ValueError(f"x must have {graph.num_nodes} rows, one per node of graph, got {x.shape[0]}")
    return _propagate(graph, x, reduce)


def _propagate(graph: Graph, x: torch.Tensor, reduce: str) -> torch.Tensor:
    if x.dtype in _HALF:
        return _propagate(graph, x.float(), reduce).to(x.dtype)
    if reduce == "sum" and not (graph.edge_weight is not None and graph.edge_weight.requires_grad):
        return _SparseMatmul.apply(x, *_csr(graph, x.dtype))
    messages = x[graph.src] * graph.weights().to(x.dtype)[:, None]
    return _scatter(messages, graph.dst, graph.num_nodes, reduce)


@contract(graph=GRAPH, dtype=Optional(FloatDtype()))
def gcn_norm(graph: Graph, dtype: torch.dtype | None = None) -> Graph:
    """Kipf and Welling's ``D^-1/2 (A + I) D^-1/2`` as edge weights, ``D`` the in-degrees of ``A + I``.

    Every node ends with exactly one self-loop (an existing one keeps its weight), as in PyG's
    ``GCNConv``; the result is cached on ``graph``. An isolated node keeps only its own features.
    The edge weights of ``graph`` must be >= 0. ``dtype`` is the dtype the weights are computed and
    returned in: by default the edge weights' own (float32 for an unweighted graph); float16 and
    bfloat16 are computed in float32.

    >>> gcn_norm(Graph([[0, 1], [1, 0]], 2)).weights().tolist()
    [0.5, 0.5, 0.5, 0.5]
    """
    dtype = dtype or graph.weights().dtype
    dtype = torch.float32 if dtype in _HALF else dtype
    key = f"gcn-{dtype}"
    if key in graph._cache:
        return graph._cache[key]
    weight = graph.weights()
    if weight.numel() and not (bool(torch.isfinite(weight).all()) and weight.min() >= 0):
        raise ValueError(f"edge_weight of graph must hold finite weights >= 0 for the GCN normalisation, "
                         f"got a minimum of {weight.min().item()}")
    weight = weight.to(dtype)
    loops = graph.src == graph.dst
    loop_weight = torch.ones(graph.num_nodes, dtype=dtype)
    loop_weight[graph.src[loops]] = weight[loops]
    nodes = torch.arange(graph.num_nodes)
    edge_index = torch.cat([graph.edge_index[:, ~loops], torch.stack([nodes, nodes])], dim=1)
    w = torch.cat([weight[~loops], loop_weight])
    degree = torch.zeros(graph.num_nodes, dtype=dtype).index_add_(0, edge_index[1], w)
    scale = (degree[edge_index[0]] * degree[edge_index[1]]).sqrt()  # one sqrt: exact 0.5 for degrees 2 and 2
    # A node whose only self-loop weighs 0 has degree 0: its edges weigh 0, as in PyG (not 0 / 0).
    reached = scale > 0
    norm = Graph(edge_index, graph.num_nodes, torch.where(reached, w / torch.where(reached, scale, 1.0), 0.0))
    if not weight.requires_grad:  # learned weights change at each step: nothing to keep
        graph._cache[key] = norm
    return norm


@contract(graph=GRAPH, dtype=FloatDtype())
def gcn_structure_bytes(graph: Graph, dtype: torch.dtype = torch.float32) -> int:
    """Bytes of the graph structure that :class:`GCNLayer` keeps for ``graph``, measured on the tensors.

    The layer keeps the normalised adjacency :func:`gcn_norm` (one self-loop per node, repeated edges
    summed) and its transpose, each as a CSR matrix: row pointers and column indices in int64, weights
    in ``dtype`` (a layer of float16 or bfloat16 keeps float32 weights). Both are built here and cached
    on ``graph``, as a forward pass would.

    >>> gcn_structure_bytes(Graph([[0, 1], [1, 0]], 2))  # 2 x (3 row pointers + 4 x (index + float32))
    144
    """
    dtype = torch.float32 if dtype in _HALF else dtype
    a, a_t = _csr(gcn_norm(graph, dtype), dtype)
    parts = [t for m in (a, a_t) for t in (m.crow_indices(), m.col_indices(), m.values())]
    return sum(t.numel() * t.element_size() for t in parts)


def _glorot(n_in: int, n_out: int, generator: torch.Generator) -> torch.nn.Parameter:
    bound = math.sqrt(6.0 / (n_in + n_out))  # Glorot uniform, the default of DGL and PyG
    return torch.nn.Parameter(torch.rand(n_in, n_out, generator=generator) * 2 * bound - bound)


@contract(in_features=Size(), out_features=Size(), bias=Bool(), seed=Seed())
class GCNLayer(torch.nn.Module):
    """Graph convolution ``H' = D^-1/2 (A + I) D^-1/2 H W + b`` (Kipf and Welling, 2017).

    ``weight`` has shape ``(in_features, out_features)`` like DGL's ``GraphConv`` (PyG stores its
    transpose). Initial weights are Glorot-uniform, drawn from ``seed``; the bias starts at zero.
    The layer is float32; ``layer.double()`` makes it float64, for float64 work. ``in_features *
    out_features`` is at most 2**28.

    >>> layer = GCNLayer(3, 2, seed=0)
    >>> layer(Graph([[0, 1], [1, 0]], 2), torch.ones(2, 3)).shape
    torch.Size([2, 2])
    """

    def __init__(self, in_features: int, out_features: int, *, bias: bool = True, seed: int = 0) -> None:
        super().__init__()
        _check_weights("in_features", [in_features, out_features])
        gen = generator(seed)
        self.weight = _glorot(in_features, out_features, gen)
        self.bias = torch.nn.Parameter(torch.zeros(out_features)) if bias else None

    @contract(graph=GRAPH, x=_FEATURES)
    def forward(self, graph: Graph, x: torch.Tensor) -> torch.Tensor:
        """Transform every node (``x W``), then average over the neighbourhood with GCN weights.

        ``x`` has one row per node of ``graph`` and ``in_features`` columns; another float dtype than
        the layer's is converted to the layer's.
        """
        return self._forward(graph, _checked_features(x, graph, self.weight.shape[0], self.weight.dtype, "layer"))

    def _forward(self, graph: Graph, x: torch.Tensor) -> torch.Tensor:
        h = x @ self.weight
        h = _propagate(gcn_norm(graph, torch.promote_types(h.dtype, graph.weights().dtype)), h, "sum")
        return h + self.bias if self.bias is not None else h


@contract(in_features=Size(), out_features=Size(), aggregator=Choice(*REDUCES), seed=Seed())
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
        _check_weights("in_features", [in_features, out_features])
        self.aggregator = aggregator
        gen = generator(seed)
        self.weight_self, self.weight_neigh = _glorot(in_features, out_features, gen), _glorot(in_features, out_features, gen)
        self.bias = torch.nn.Parameter(torch.zeros(out_features))

    @contract(graph=GRAPH, x=_FEATURES)
    def forward(self, graph: Graph, x: torch.Tensor) -> torch.Tensor:
        """Own features and aggregated neighbour features, each through its own weights.

        ``x`` has one row per node of ``graph`` and ``in_features`` columns; another float dtype than
        the layer's is converted to the layer's.
        """
        x = _checked_features(x, graph, self.weight_self.shape[0], self.weight_self.dtype, "layer")
        return x @ self.weight_self + _propagate(graph, x, self.aggregator) @ self.weight_neigh + self.bias


@contract(x=_FEATURES, batch=_IDS, num_graphs=Optional(Size()), reduce=Choice(*REDUCES))
def readout(x: torch.Tensor, batch: torch.Tensor, num_graphs: int | None = None, reduce: str = "mean") -> torch.Tensor:
    """One vector per graph: pool the node rows of each graph of a batch with sum, mean or max.

    ``batch`` holds the graph id of each row of ``x`` (from 0); ``num_graphs`` defaults to the
    largest id plus one. The result does not depend on the order of the nodes: this is what makes a
    graph-level prediction invariant to renumbering.

    >>> readout(torch.tensor([[1.0], [3.0], [5.0]]), torch.tensor([0, 0, 1])).tolist()
    [[2.0], [5.0]]
    """
    if batch.shape != (x.shape[0],):
        raise ValueError(f"batch must have shape ({x.shape[0]},), the graph id of each row of x, "
                         f"got {tuple(batch.shape)}")
    largest = int(batch.max()) + 1 if batch.numel() else 1
    if num_graphs is not None and largest > num_graphs:
        raise ValueError(f"batch must hold graph ids from 0 to num_graphs - 1 = {num_graphs - 1}, "
                         f"got a maximum of {largest - 1}")
    return _scatter(x, batch, num_graphs or largest, reduce)


_ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh}


@contract(sizes=Sizes(2), activation=Choice(*_ACTIVATIONS), dropout=Probability(), seed=Seed())
class GCN(torch.nn.Module):
    """A stack of :class:`GCNLayer`, with an activation between layers and logits at the end.

    ``sizes`` lists the widths from input to output, e.g. ``[34, 16, 2]`` for two layers;
    ``dropout`` (in [0, 1)) is applied to the input of every layer during training.

    >>> model = GCN([3, 8, 2], seed=0)
    >>> g = Graph([[0, 1], [1, 0]], 2)
    >>> model(g, torch.ones(2, 3)).shape, len(model.layer_outputs(g, torch.ones(2, 3)))
    (torch.Size([2, 2]), 2)
    """

    def __init__(self, sizes: Sequence[int], *, activation: str = "relu", dropout: float = 0.0, seed: int = 0) -> None:
        super().__init__()
        self.activation, self.dropout = activation, dropout
        self.layers = torch.nn.ModuleList(
            GCNLayer(a, b, seed=seed + i) for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])))

    @contract(graph=GRAPH, x=_FEATURES)
    def layer_outputs(self, graph: Graph, x: torch.Tensor) -> list[torch.Tensor]:
        """The output of every layer, after its activation (none after the last).

        ``x`` has one row per node of ``graph`` and ``sizes[0]`` columns; another float dtype than the
        model's is converted to the model's.
        """
        return self._outputs(graph, x)

    @contract(graph=GRAPH, x=_FEATURES)
    def forward(self, graph: Graph, x: torch.Tensor) -> torch.Tensor:
        """Logits of every node (``x`` as in :meth:`layer_outputs`)."""
        return self._outputs(graph, x)[-1]

    def _outputs(self, graph: Graph, x: torch.Tensor) -> list[torch.Tensor]:
        first = self.layers[0].weight
        outputs, h = [], _checked_features(x, graph, first.shape[0], first.dtype, "model")
        for i, layer in enumerate(self.layers):
            h = torch.nn.functional.dropout(h, self.dropout, self.training)
            h = layer._forward(graph, h)
            if i < len(self.layers) - 1:
                h = _ACTIVATIONS[self.activation](h)
            outputs.append(h)
        return outputs


@contract(in_features=Size(), hidden=Size(), n_classes=Size(2), n_layers=Count(0), reduce=Choice(*REDUCES),
          seed=Seed())
class GraphClassifier(torch.nn.Module):
    """Graph classification: ``n_layers`` GCN layers, a :func:`readout`, then a two-layer MLP.

    With ``n_layers=0`` no message is passed: the model is an MLP on the pooled node features
    (a bag of nodes), blind to the edges, the baseline that shows what structure adds. ``n_classes``
    is at least 2 (one class leaves nothing to predict); every weight matrix, and the GCN layers
    together, hold at most 2**28 numbers.

    >>> from labkit.graphs import batch_graphs
    >>> g, batch = batch_graphs([Graph([[0], [1]], 2), Graph([[0], [2]], 3)])
    >>> GraphClassifier(4, 8, 3, seed=0)(g, torch.ones(5, 4), batch).shape
    torch.Size([2, 3])
    """

    def __init__(self, in_features: int, hidden: int, n_classes: int, *, n_layers: int = 2,
                 reduce: str = "mean", seed: int = 0) -> None:
        super().__init__()
        _check_weights("in_features", [in_features, hidden])
        _check_weights("n_classes", [hidden, n_classes])
        check_elements("n_layers", n_layers * hidden * hidden, f"{n_layers} GCN layers of {hidden} x {hidden}")
        self.in_features, self.reduce = in_features, reduce
        self.convs = torch.nn.ModuleList(
            GCNLayer(in_features if i == 0 else hidden, hidden, seed=seed + i) for i in range(n_layers))
        self.head = mlp([hidden if n_layers else in_features, hidden, n_classes], seed=seed)  # torch's initialisation

    @contract(graph=GRAPH, x=_FEATURES, batch=_IDS)
    def forward(self, graph: Graph, x: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        """Logits of every graph of the batch.

        ``x`` has one row per node of ``graph`` and ``in_features`` columns (another float dtype than
        the model's is converted to the model's); ``batch`` holds the graph id of every node (see
        :func:`batch_graphs`).
        """
        x = _checked_features(x, graph, self.in_features, self.head[0].weight.dtype, "model")
        if batch.shape != (graph.num_nodes,):
            raise ValueError(f"batch must have shape ({graph.num_nodes},), the graph id of each node of graph, "
                             f"got {tuple(batch.shape)}")
        h = x
        for conv in self.convs:
            h = torch.relu(conv._forward(graph, h))
        return self.head(_scatter(h, batch, int(batch.max()) + 1 if batch.numel() else 1, self.reduce))
