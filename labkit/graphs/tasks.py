"""Training and measuring: node classification, link prediction, over-smoothing, speed."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import torch

from .._checks import check_choice, check_int, check_positive
from ..hardware.harness import time_call
from .layers import GCNLayer, _check_tensor, gcn_norm, scatter
from .structure import Graph, _check_graph, to_dgl

__all__ = ["train_node_classifier", "split_edges", "negative_edges", "edge_scores", "roc_auc",
           "mean_cosine_similarity", "benchmark_gcn_layer"]


def train_node_classifier(forward: Callable[[], torch.Tensor], parameters: Iterable[torch.Tensor], y: torch.Tensor,
                          train_nodes: torch.Tensor, *, epochs: int = 200, lr: float = 0.01,
                          on_epoch: Callable[[int], None] | None = None) -> list[float]:
    """Full-batch Adam on the cross-entropy of the labelled nodes only; returns the loss of each epoch.

    ``forward()`` returns the logits of every node, so the same loop trains a labkit, a DGL or a
    PyG model. Semi-supervised: the loss sees ``y[train_nodes]`` only, the forward pass the whole
    graph. ``on_epoch(epoch)`` is called after each update (e.g. to record an embedding).

    >>> w = torch.zeros(2, 2, requires_grad=True)
    >>> losses = train_node_classifier(lambda: torch.eye(2) @ w, [w], torch.tensor([0, 1]), torch.tensor([0, 1]), epochs=50, lr=0.1)
    >>> losses[-1] < losses[0] / 10
    True
    """
    if not callable(forward):
        raise TypeError(f"forward must be a callable returning node logits, got {type(forward).__name__}")
    params = list(parameters)
    if not params or not all(isinstance(p, torch.Tensor) and p.requires_grad for p in params):
        raise ValueError("parameters must be a non-empty iterable of tensors that require grad")
    if not isinstance(y, torch.Tensor) or y.dtype != torch.long or y.ndim != 1:
        raise TypeError(f"y must be a 1-D long tensor of node labels, got {getattr(y, 'dtype', type(y).__name__)}")
    if not isinstance(train_nodes, torch.Tensor) or train_nodes.dtype != torch.long or train_nodes.numel() == 0:
        raise TypeError("train_nodes must be a non-empty long tensor of node ids")
    epochs, lr = check_int("epochs", epochs, 1), check_positive("lr", lr)
    opt = torch.optim.Adam(params, lr=lr)
    losses = []
    for epoch in range(epochs):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(forward()[train_nodes], y[train_nodes])
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if on_epoch is not None:
            on_epoch(epoch)
    return losses


def split_edges(graph: Graph, test_fraction: float = 0.2, seed: int = 0) -> tuple[Graph, torch.Tensor]:
    """Hide a fraction of the undirected edges: the graph to train on, and the hidden pairs to predict.

    Each undirected edge ``{u, v}`` (stored both ways) is hidden in both directions or in none.

    >>> import networkx as nx
    >>> from labkit.graphs import from_networkx
    >>> train, hidden = split_edges(from_networkx(nx.cycle_graph(10)), 0.2, seed=0)
    >>> train.num_edges, hidden.shape
    (16, torch.Size([2, 2]))
    """
    g = _check_graph(graph)
    if not isinstance(test_fraction, float) or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be a float strictly between 0 and 1, got {test_fraction!r}")
    pairs = torch.unique(torch.sort(g.edge_index[:, g.src != g.dst], dim=0).values, dim=1)  # u < v, once
    order = torch.from_numpy(np.random.default_rng(check_int("seed", seed, 0)).permutation(pairs.shape[1]))
    n_test = max(1, int(round(test_fraction * pairs.shape[1])))
    test, train = pairs[:, order[:n_test]], pairs[:, order[n_test:]]
    return Graph(torch.cat([train, train.flip(0)], dim=1), g.num_nodes, x=g.x), test


def negative_edges(graph: Graph, num_samples: int, seed: int = 0) -> torch.Tensor:
    """``num_samples`` random pairs ``(u, v)``, ``u != v``, joined by no edge in either direction.

    These are the "negative" examples a link predictor learns to score low. Pairs are drawn
    uniformly with a seeded generator; the graph must leave enough pairs free.

    >>> from labkit.graphs import Graph
    >>> negative_edges(Graph([[0, 1], [1, 0]], 4), 3, seed=0).shape
    torch.Size([2, 3])
    """
    g = _check_graph(graph)
    num_samples = check_int("num_samples", num_samples, 1)
    n = g.num_nodes
    taken = set((g.src * n + g.dst).tolist()) | set((g.dst * n + g.src).tolist())
    if n * (n - 1) - len(taken) < num_samples:
        raise ValueError(f"num_samples must be at most the number of free pairs, got {num_samples}")
    rng, found = np.random.default_rng(check_int("seed", seed, 0)), []
    while len(found) < num_samples:  # draw candidates in bulk, keep the free ones, in order
        for u, v in rng.integers(0, n, size=(2 * num_samples, 2)).tolist():
            if u != v and u * n + v not in taken and len(found) < num_samples:
                taken |= {u * n + v, v * n + u}
                found.append((u, v))
    return torch.tensor(found, dtype=torch.long).T


def edge_scores(h: torch.Tensor, pairs: torch.Tensor) -> torch.Tensor:
    """Dot product ``(h[u] * h[v]).sum()`` of the node embeddings of each pair: a high score predicts a link.

    >>> edge_scores(torch.tensor([[1.0, 0.0], [1.0, 1.0]]), torch.tensor([[0], [1]])).tolist()
    [1.0]
    """
    h = _check_tensor("h", h)
    if not isinstance(pairs, torch.Tensor) or pairs.dtype != torch.long or pairs.ndim != 2 or pairs.shape[0] != 2:
        raise ValueError("pairs must be a long tensor of shape (2, P)")
    return (h[pairs[0]] * h[pairs[1]]).sum(dim=1)


def roc_auc(positive: Any, negative: Any) -> float:
    """Area under the ROC curve: the probability that a random positive outscores a random negative.

    Ties count one half (the Mann-Whitney statistic); 0.5 is chance, 1 is a perfect ranking.

    >>> roc_auc([0.9, 0.8], [0.1, 0.8])
    0.875
    """
    pos, neg = (np.asarray(torch.as_tensor(s).detach(), dtype=np.float64).ravel() for s in (positive, negative))
    if pos.size == 0 or neg.size == 0:
        raise ValueError("positive and negative must each hold at least one score")
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + 0.5 * ties)


def mean_cosine_similarity(h: torch.Tensor) -> float:
    """Mean cosine similarity between the embeddings of all pairs of distinct nodes.

    Near 1, all nodes look alike: the sign of over-smoothing in deep message-passing networks.

    >>> mean_cosine_similarity(torch.tensor([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0]]))
    0.3333333432674408
    """
    h = _check_tensor("h", h)
    if h.shape[0] < 2:
        raise ValueError(f"h must have at least 2 rows to compare, got {h.shape[0]}")
    u = torch.nn.functional.normalize(h.detach(), dim=1)
    n = h.shape[0]
    return float(((u @ u.T).sum() - (u * u).sum()) / (n * (n - 1)))


METHODS = ("labkit", "scatter", "dgl", "pyg", "pyg_cached", "pyg_sparse", "dense")


def _gcn_step(method: str, g: Graph, x: torch.Tensor, layer: GCNLayer) -> Callable[[], torch.Tensor]:
    # One GCN layer's forward pass by ``method``; what a method may reuse between calls is built here, once.
    n, features = g.num_nodes, x.shape[1]
    if method == "labkit":
        return lambda: layer(g, x)
    if method == "scatter":
        norm = gcn_norm(g)
        w = norm.weights()[:, None]
        return lambda: scatter((x @ layer.weight)[norm.src] * w, norm.dst, n) + layer.bias
    if method == "dense":
        a = gcn_norm(g).adjacency()
        return lambda: a @ (x @ layer.weight) + layer.bias
    if method == "dgl":
        import dgl
        from dgl.nn import GraphConv

        dg, conv = to_dgl(g), GraphConv(features, features, norm="both", allow_zero_in_degree=True)
        dg = dgl.add_self_loop(dgl.remove_self_loop(dg))
        dg.in_degrees(), dg.out_degrees()  # build DGL's sparse formats now, not in the first timed run
        return lambda: conv(dg, x)
    from torch_geometric.nn import GCNConv
    from torch_geometric.nn.conv.gcn_conv import gcn_norm as pyg_gcn_norm
    from torch_geometric.utils import to_torch_csr_tensor

    if method == "pyg":  # as in PyG's tutorials: normalisation recomputed at every call (cached=False)
        conv = GCNConv(features, features)
        return lambda: conv(x, g.edge_index)
    if method == "pyg_cached":  # normalised edge weights kept, messages still gathered and scattered per edge
        conv = GCNConv(features, features, cached=True)
        return lambda: conv(x, g.edge_index)
    # pyg_sparse: the normalised adjacency, transposed (row = target), as one CSR matrix: PyG then
    # replaces gather and scatter by a single sparse product (its ``message_and_aggregate``).
    edge_index, weight = pyg_gcn_norm(g.edge_index, None, n)
    with warnings.catch_warnings():  # "sparse CSR support is in beta": the tests check this path's numbers
        warnings.simplefilter("ignore", UserWarning)
        adj_t = to_torch_csr_tensor(edge_index.flip(0), weight, size=(n, n))
    conv = GCNConv(features, features, normalize=False)
    return lambda: conv(x, adj_t)


def benchmark_gcn_layer(num_edges: int, methods: str | Sequence[str], *, features: int = 64, repeats: int = 3,
                        threads: int = 1, seed: int = 0) -> dict[str, float]:
    """Median seconds of one GCN layer's forward and backward pass on a random graph.

    The graph has ``num_edges`` random directed edges on ``num_edges // 10`` nodes (at least 2).
    ``methods`` is one name or a sequence of names among ``"labkit"`` (:class:`GCNLayer`, CSR
    kernels), ``"scatter"`` (gather and ``index_add_``, the textbook form), ``"dgl"`` (``GraphConv``),
    ``"pyg"`` (``GCNConv`` as in PyG's tutorials, which normalises the graph again at every call),
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
    num_edges = check_int("num_edges", num_edges, 1)
    names = [methods] if isinstance(methods, str) else methods
    if not isinstance(names, Sequence) or not names:
        raise ValueError(f"methods must be a method name or a non-empty sequence of them, got {methods!r}")
    names = [check_choice("methods", m, METHODS) for m in names]
    features, repeats = check_int("features", features, 1), check_int("repeats", repeats, 1)
    threads, seed = check_int("threads", threads, 1), check_int("seed", seed, 0)
    with _num_threads(threads, dgl="dgl" in names):
        return _benchmark(num_edges, names, features, repeats, seed)


@contextlib.contextmanager
def _num_threads(threads: int, *, dgl: bool) -> Iterator[None]:
    # torch and DGL each have their own OpenMP runtime: set both, restore both.
    before = torch.get_num_threads()
    if dgl:
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


def _benchmark(num_edges: int, names: list[str], features: int, repeats: int, seed: int) -> dict[str, float]:
    gen = torch.Generator().manual_seed(seed)
    n = max(2, num_edges // 10)
    g = Graph(torch.randint(0, n, (2, num_edges), generator=gen), n)
    x = torch.randn(n, features, generator=gen, requires_grad=True)
    layer = GCNLayer(features, features, seed=seed)
    steps = {m: (lambda step=_gcn_step(m, g, x, layer): step().sum().backward()) for m in names}
    samples: dict[str, list[float]] = {m: [] for m in names}
    for _ in range(repeats):
        for m, step in steps.items():
            # The course's harness, one call per sample; the warm-up pays for caches, allocator, lazy imports.
            samples[m].append(time_call(step, repeats=1, warmup=1 if not samples[m] else 0, min_time=1e-9).median_s)
    return {m: float(np.median(s)) for m, s in samples.items()}
