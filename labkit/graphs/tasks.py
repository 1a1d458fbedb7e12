"""Training and measuring: node classification, link prediction, over-smoothing, speed."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import numpy as np
import torch
from scipy.stats import rankdata

from .._checks import (
    Array, Choice, Count, Each, Function, Optional, Real, Rule, Said, Seed, Size, Threads, TorchTensor, Variant,
    _const, check_elements,
)
from .._contract import contract
from ..seeding import generator
from ..timing import time_call
from ._optional import import_dgl
from .layers import GCNLayer, gcn_norm, _scatter
from .structure import _FEATURES, GRAPH, Graph, to_dgl

__all__ = ["train_node_classifier", "split_edges", "negative_edges", "edge_scores", "roc_auc",
           "mean_cosine_similarity", "benchmark_gcn_layer", "benchmark_graph"]

_IDS = TorchTensor("int", ndim=1, min=0)


class _Trainable(Rule):
    """A tensor that requires grad: a parameter the optimiser can update."""

    expected = "a tensor that requires grad"

    def check(self, name: str, value: Any) -> torch.Tensor:
        if not isinstance(value, torch.Tensor):
            raise self.fail(name, type(value).__name__, TypeError)
        if not value.requires_grad:
            raise self.fail(name, "a tensor that does not require grad")
        return value

    def bad(self) -> list[Variant]:
        return [("frozen tensor", _const(torch.ones(2)), ValueError), ("number", _const(1.0), TypeError)]


class _Methods(Rule):
    """One method name, or a non-empty sequence of them, in the order to time and report them.

    A set is refused: its order follows string hashing, which changes from one run to the next
    (``PYTHONHASHSEED``), so the methods would be timed and reported in a different order each time.
    """

    def __init__(self, *options: str) -> None:
        self.one, self.many = Choice(*options), Each(Choice(*options), min_len=1)
        self.expected = f"a method name or a non-empty sequence (ordered: not a set) of names among {list(options)}"

    def check(self, name: str, value: Any) -> list[str]:
        if isinstance(value, AbstractSet):
            raise self.fail(name, Said(f"a {type(value).__name__}, which has no order"), TypeError)
        return [self.one.check(name, value)] if isinstance(value, str) else self.many.check(name, value)

    def bad(self) -> list[Variant]:
        return [("unknown name", _const("cusparse"), ValueError), ("unknown in a list", _const(["labkit", "csr"]), ValueError),
                ("empty", _const([]), ValueError), ("int", _const(3), TypeError), ("None", _const(None), TypeError),
                ("a set", _const({"labkit"}), TypeError)]

    def unusual(self) -> list[Variant]:
        return [("tuple", _const(("labkit",)), None)]


@contract(forward=Function(), parameters=Each(_Trainable(), min_len=1), y=_IDS,
          train_nodes=TorchTensor("int", ndim=1, min_rows=1, min=0), epochs=Count(), lr=Real(0, low_open=True),
          on_epoch=Optional(Function()))
def train_node_classifier(forward: Callable[[], torch.Tensor], parameters: Iterable[torch.Tensor], y: torch.Tensor,
                          train_nodes: torch.Tensor, *, epochs: int = 200, lr: float = 0.01,
                          on_epoch: Callable[[int], None] | None = None) -> list[float]:
    """Full-batch Adam on the cross-entropy of the labelled nodes only; returns the loss of each epoch.

    ``forward()`` returns the logits of every node (one row per label of ``y``), so the same loop
    trains a labkit, a DGL or a PyG model. Semi-supervised: the loss sees ``y[train_nodes]`` only,
    the forward pass the whole graph. ``y`` holds int labels from 0, ``train_nodes`` (non-empty)
    node ids from 0 to ``len(y) - 1``. ``on_epoch(epoch)`` is called after each update (e.g. to
    record an embedding). A loss that turns NaN or infinite stops the training with a ValueError.

    >>> w = torch.zeros(2, 2, requires_grad=True)
    >>> losses = train_node_classifier(lambda: torch.eye(2) @ w, [w], torch.tensor([0, 1]), torch.tensor([0, 1]), epochs=50, lr=0.1)
    >>> losses[-1] < losses[0] / 10
    True
    """
    if train_nodes.max() >= len(y):
        raise ValueError(f"train_nodes must hold node ids from 0 to len(y) - 1 = {len(y) - 1}, "
                         f"got a maximum of {int(train_nodes.max())}")
    opt = torch.optim.Adam(parameters, lr=lr)
    losses = []
    for epoch in range(epochs):
        opt.zero_grad()
        logits = forward()
        if epoch == 0:
            _check_logits(logits, y)
        loss = torch.nn.functional.cross_entropy(logits[train_nodes], y[train_nodes])
        if not torch.isfinite(loss):
            raise ValueError(f"forward must return finite logits, got a loss of {loss.item()} at epoch {epoch}")
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if on_epoch is not None:
            on_epoch(epoch)
    return losses


def _check_logits(logits: Any, y: torch.Tensor) -> None:
    # What forward() returns is only known once it is called: checked on the first call.
    if not isinstance(logits, torch.Tensor) or not logits.is_floating_point() or logits.ndim != 2 \
            or len(logits) != len(y):
        raise ValueError(f"forward must return a 2-D float tensor of logits with one row per label of y "
                         f"({len(y)}), got {getattr(logits, 'shape', type(logits).__name__)}")
    if y.numel() and y.max() >= logits.shape[1]:
        raise ValueError(f"y must hold labels from 0 to {logits.shape[1] - 1} (the columns of the logits), "
                         f"got a maximum of {int(y.max())}")


@contract(graph=GRAPH, test_fraction=Real(0, 1, low_open=True, high_open=True), seed=Seed())
def split_edges(graph: Graph, test_fraction: float = 0.2, seed: int = 0) -> tuple[Graph, torch.Tensor]:
    """Hide a fraction of the undirected edges: the graph to train on, and the hidden pairs to predict.

    Each undirected edge ``{u, v}`` (stored both ways) is hidden in both directions or in none;
    ``round(test_fraction * E)`` of the ``E`` undirected edges are hidden, so ``graph`` needs an edge
    between two distinct nodes, and ``test_fraction`` must hide at least one edge and keep at least one.

    >>> import networkx as nx
    >>> from labkit.graphs import from_networkx
    >>> train, hidden = split_edges(from_networkx(nx.cycle_graph(10)), 0.2, seed=0)
    >>> train.num_edges, hidden.shape
    (16, torch.Size([2, 2]))
    """
    g = graph
    pairs = _pairs(g)
    if pairs.shape[1] == 0:
        raise ValueError(f"graph must have an edge between two distinct nodes to hide, got {g}")
    order = torch.from_numpy(np.random.default_rng(seed).permutation(pairs.shape[1]))
    n_test = int(round(test_fraction * pairs.shape[1]))
    if not 0 < n_test < pairs.shape[1]:  # nothing to test on, or nothing left to train on
        raise ValueError(f"test_fraction must hide at least one and keep at least one of the {pairs.shape[1]} "
                         f"undirected edges of graph, got {test_fraction}, which hides {n_test}")
    test, train = pairs[:, order[:n_test]], pairs[:, order[n_test:]]
    return Graph(torch.cat([train, train.flip(0)], dim=1), g.num_nodes, x=g.x), test


def _pairs(g: Graph) -> torch.Tensor:
    """Each unordered pair ``{u, v}``, ``u < v``, joined by an edge in either direction, once."""
    return torch.unique(torch.sort(g.edge_index[:, g.src != g.dst], dim=0).values, dim=1)


#: Up to this many node pairs, negative_edges may list the free pairs instead of drawing at random.
_ENUMERABLE_PAIRS = 10**7


@contract(graph=GRAPH, n_samples=Size(), seed=Seed())
def negative_edges(graph: Graph, n_samples: int, seed: int = 0) -> torch.Tensor:
    """``n_samples`` random pairs ``(u, v)``, ``u != v``, joined by no edge in either direction.

    These are the "negative" examples a link predictor learns to score low. Pairs are drawn
    uniformly with a seeded generator, each unordered pair at most once: ``n_samples`` must not
    exceed the number of free pairs, ``n (n - 1) / 2`` minus the pairs joined by an edge.

    >>> from labkit.graphs import Graph
    >>> negative_edges(Graph([[0, 1], [1, 0]], 4), 3, seed=0).shape
    torch.Size([2, 3])
    """
    g, n = graph, graph.num_nodes
    free = n * (n - 1) // 2 - _pairs(g).shape[1]
    if n_samples > free:
        raise ValueError(f"n_samples must be at most the number of free pairs of graph ({free} unordered pairs "
                         f"of distinct nodes joined by no edge), got {n_samples}")
    taken = set((g.src * n + g.dst).tolist()) | set((g.dst * n + g.src).tolist())
    rng, found = np.random.default_rng(seed), []
    if 2 * n_samples > free and n * (n - 1) // 2 <= _ENUMERABLE_PAIRS:
        # Most free pairs are wanted: drawing would mostly hit taken ones. List them, pick at random.
        u, v = np.triu_indices(n, 1)
        keep = ~np.isin(u * n + v, np.fromiter(taken, dtype=np.int64, count=len(taken)))
        chosen = rng.permutation(int(keep.sum()))[:n_samples]
        return torch.from_numpy(np.stack([u[keep][chosen], v[keep][chosen]])).long()
    while len(found) < n_samples:  # draw candidates in bulk, keep the free ones, in order
        for u, v in rng.integers(0, n, size=(2 * n_samples, 2)).tolist():
            if u != v and u * n + v not in taken and len(found) < n_samples:
                taken |= {u * n + v, v * n + u}
                found.append((u, v))
    return torch.tensor(found, dtype=torch.long).T


@contract(h=_FEATURES, pairs=TorchTensor("int", ndim=2, min=0))
def edge_scores(h: torch.Tensor, pairs: torch.Tensor) -> torch.Tensor:
    """Dot product ``(h[u] * h[v]).sum()`` of the node embeddings of each pair: a high score predicts a link.

    ``pairs`` has shape ``(2, P)``: node ids from 0 to ``len(h) - 1``.

    >>> edge_scores(torch.tensor([[1.0, 0.0], [1.0, 1.0]]), torch.tensor([[0], [1]])).tolist()
    [1.0]
    """
    if pairs.shape[0] != 2:
        raise ValueError(f"pairs must have shape (2, P), got {tuple(pairs.shape)}")
    if pairs.numel() and pairs.max() >= len(h):
        raise ValueError(f"pairs must hold node ids from 0 to len(h) - 1 = {len(h) - 1}, "
                         f"got a maximum of {int(pairs.max())}")
    return (h[pairs[0]] * h[pairs[1]]).sum(dim=1)


@contract(positive=Array(ndim=1, min_rows=1), negative=Array(ndim=1, min_rows=1))
def roc_auc(positive: Any, negative: Any) -> float:
    """Area under the ROC curve: the probability that a random positive outscores a random negative.

    ``positive`` and ``negative`` are 1-D arrays or tensors of finite scores, at least one each.
    Ties count one half (the Mann-Whitney statistic); 0.5 is chance, 1 is a perfect ranking.

    >>> roc_auc([0.9, 0.8], [0.1, 0.8])
    0.875
    """
    # Mann-Whitney from the ranks (ties get their mean rank): n log n, where comparing every pair needs n^2.
    ranks = rankdata(np.concatenate([positive, negative]))
    n_pos, n_neg = len(positive), len(negative)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


@contract(h=TorchTensor("float", ndim=2, min_rows=2))
def mean_cosine_similarity(h: torch.Tensor) -> float:
    """Mean cosine similarity between the embeddings of all pairs of distinct nodes (``h``: one row per
    node, at least 2 rows).

    Near 1, all nodes look alike: the sign of over-smoothing in deep message-passing networks.

    >>> mean_cosine_similarity(torch.tensor([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0]]))
    0.3333333432674408
    """
    u = torch.nn.functional.normalize(h.detach(), dim=1)
    n = h.shape[0]
    return float(((u @ u.T).sum() - (u * u).sum()) / (n * (n - 1)))


# One GCN layer's forward pass per method: each builder makes, once, what its method may reuse between
# calls (normalised weights, sparse formats, DGL's graph), and returns the pass to time.
def _labkit(g: Graph, x: torch.Tensor, layer: GCNLayer) -> Callable[[], torch.Tensor]:
    return lambda: layer(g, x)


def _scatter_step(g: Graph, x: torch.Tensor, layer: GCNLayer) -> Callable[[], torch.Tensor]:
    norm = gcn_norm(g)
    w = norm.weights()[:, None]
    return lambda: _scatter((x @ layer.weight)[norm.src] * w, norm.dst, g.num_nodes, "sum") + layer.bias


def _dense(g: Graph, x: torch.Tensor, layer: GCNLayer) -> Callable[[], torch.Tensor]:
    a = gcn_norm(g).adjacency()
    return lambda: a @ (x @ layer.weight) + layer.bias


#: Who needs DGL, in the ImportError raised where it is missing.
_DGL_METHOD = 'benchmark_gcn_layer with the method "dgl"'


def _dgl(g: Graph, x: torch.Tensor, _layer: GCNLayer) -> Callable[[], torch.Tensor]:
    dgl = import_dgl(_DGL_METHOD)
    from dgl.nn import GraphConv

    dg, conv = to_dgl(g), GraphConv(x.shape[1], x.shape[1], norm="both", allow_zero_in_degree=True)
    dg = dgl.add_self_loop(dgl.remove_self_loop(dg))
    dg.in_degrees(), dg.out_degrees()  # build DGL's sparse formats now, not in the first timed run
    return lambda: conv(dg, x)


def _pyg(g: Graph, x: torch.Tensor, _layer: GCNLayer) -> Callable[[], torch.Tensor]:
    # As in PyG's tutorials: the normalisation is computed again at every call (cached=False).
    from torch_geometric.nn import GCNConv

    conv = GCNConv(x.shape[1], x.shape[1])
    return lambda: conv(x, g.edge_index)


def _pyg_cached(g: Graph, x: torch.Tensor, _layer: GCNLayer) -> Callable[[], torch.Tensor]:
    # Normalised edge weights kept; messages still gathered and scattered edge by edge.
    from torch_geometric.nn import GCNConv

    conv = GCNConv(x.shape[1], x.shape[1], cached=True)
    return lambda: conv(x, g.edge_index)


def _pyg_sparse(g: Graph, x: torch.Tensor, _layer: GCNLayer) -> Callable[[], torch.Tensor]:
    # The normalised adjacency, transposed (row = target), as one CSR matrix: PyG then replaces gather
    # and scatter by a single sparse product (its ``message_and_aggregate``).
    from torch_geometric.nn import GCNConv
    from torch_geometric.nn.conv.gcn_conv import gcn_norm as pyg_gcn_norm
    from torch_geometric.utils import to_torch_csr_tensor

    n = g.num_nodes
    edge_index, weight = pyg_gcn_norm(g.edge_index, None, n)
    with warnings.catch_warnings():  # "sparse CSR support is in beta": the tests check this path's numbers
        warnings.simplefilter("ignore", UserWarning)
        adj_t = to_torch_csr_tensor(edge_index.flip(0), weight, size=(n, n))
    conv = GCNConv(x.shape[1], x.shape[1], normalize=False)
    return lambda: conv(x, adj_t)


_GCN_STEPS: dict[str, Callable[[Graph, torch.Tensor, GCNLayer], Callable[[], torch.Tensor]]] = {
    "labkit": _labkit, "scatter": _scatter_step, "dgl": _dgl, "pyg": _pyg, "pyg_cached": _pyg_cached,
    "pyg_sparse": _pyg_sparse, "dense": _dense,
}
METHODS = tuple(_GCN_STEPS)


@contract(num_edges=Size(), methods=_Methods(*METHODS), n_features=Size(), repeats=Count(), threads=Threads(),
          seed=Seed())
def benchmark_gcn_layer(num_edges: int, methods: str | Sequence[str], *, n_features: int = 64, repeats: int = 3,
                        threads: int = 1, seed: int = 0) -> dict[str, float]:
    """Median seconds of one GCN layer's forward and backward pass on a random graph.

    The graph, :func:`benchmark_graph`, has ``num_edges`` random directed edges on ``num_edges // 10``
    nodes (at least 2).
    ``methods`` is one name or a sequence of names (in order: not a set) among ``"labkit"`` (:class:`GCNLayer`, CSR
    kernels), ``"scatter"`` (gather and ``index_add_``, the textbook form), ``"dgl"`` (``GraphConv``; needs
    the optional ``labkit[dgl]``), ``"pyg"`` (``GCNConv`` as in PyG's tutorials, which normalises the graph
    again at every call),
    ``"pyg_cached"`` (``GCNConv(cached=True)``: normalised once, messages still gathered and
    scattered edge by edge), ``"pyg_sparse"`` (``GCNConv`` on the normalised adjacency given once as
    a sparse CSR matrix: one sparse product) and ``"dense"`` (a dense adjacency matrix, memory
    ``num_nodes**2``). Everything else a method can keep between calls (sparse formats, DGL's
    graph) is built once, before timing. After one warm-up call each, the methods are timed in
    turn, ``repeats`` rounds: a burst of load on a shared machine then slows every method alike,
    and the median drops the odd slow round. Every method runs on ``threads`` CPU threads (torch's
    and DGL's, restored afterwards): on a busy machine, one descheduled thread stalls the others at
    each synchronisation, and single-thread times compare the kernels, not the scheduler.

    >>> times = benchmark_gcn_layer(1000, ["labkit", "scatter"], repeats=1)
    >>> sorted(times), all(t > 0 for t in times.values())
    (['labkit', 'scatter'], True)
    """
    check_elements("num_edges", 2 * num_edges, f"{num_edges:,} edges")
    check_elements("n_features", max(2, num_edges // 10) * n_features, f"{n_features} features on each node")
    with _num_threads(threads, dgl="dgl" in methods):
        return _benchmark(num_edges, methods, n_features, repeats, seed)


@contextlib.contextmanager
def _num_threads(threads: int, *, dgl: bool) -> Iterator[None]:
    # torch and DGL each have their own OpenMP runtime: set both, restore both.
    before = torch.get_num_threads()
    if dgl:
        import_dgl(_DGL_METHOD)  # the clear error where DGL is missing, before anything is built or timed
        from dgl.utils import get_num_threads, set_num_threads

        before_dgl = get_num_threads()
        set_num_threads(threads)
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
        if dgl:
            set_num_threads(before_dgl)


@contract(num_edges=Size(), seed=Seed())
def benchmark_graph(num_edges: int, seed: int = 0) -> Graph:
    """The random graph that :func:`benchmark_gcn_layer` times: ``num_edges`` directed edges drawn uniformly
    (self-loops and repeats included) on ``num_edges // 10`` nodes, at least 2.

    >>> benchmark_graph(1000)
    Graph(num_nodes=100, num_edges=1000)
    """
    check_elements("num_edges", 2 * num_edges, f"{num_edges:,} edges")
    return _random_graph(num_edges, generator(seed))


def _random_graph(num_edges: int, gen: torch.Generator) -> Graph:
    n = max(2, num_edges // 10)
    return Graph(torch.randint(0, n, (2, num_edges), generator=gen), n)


def _benchmark(num_edges: int, names: list[str], n_features: int, repeats: int, seed: int) -> dict[str, float]:
    gen = generator(seed)
    g = _random_graph(num_edges, gen)  # the graph of benchmark_graph(num_edges, seed); gen then draws x
    n = g.num_nodes
    x = torch.randn(n, n_features, generator=gen, requires_grad=True)
    layer = GCNLayer(n_features, n_features, seed=seed)
    steps = {m: (lambda step=_GCN_STEPS[m](g, x, layer): step().sum().backward()) for m in names}
    samples: dict[str, list[float]] = {m: [] for m in names}
    for _ in range(repeats):
        for m, step in steps.items():
            # The course's harness, one call per sample; the warm-up pays for caches, allocator, lazy imports.
            samples[m].append(time_call(step, repeats=1, warmup=1 if not samples[m] else 0, min_time=1e-9).median_s)
    return {m: float(np.median(s)) for m, s in samples.items()}
