"""Training loops of two graph tasks: link prediction with negative sampling, and graph classification."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch

from .._checks import Count, Each, Function, Instance, Real, Seed, TorchTensor
from .._contract import contract
from ..training import History, accuracy_of, fit, train_step
from .structure import GRAPH, Graph
from .tasks import _IDS, _pairs, _Trainable, edge_scores, negative_edges, roc_auc

__all__ = ["train_link_predictor", "train_graph_classifier"]

_PAIRS = TorchTensor("int", ndim=2, min=0)
_SOME_IDS = TorchTensor("int", ndim=1, min_rows=1, min=0)


def _check_pairs(name: str, pairs: torch.Tensor, num_nodes: int) -> None:
    if pairs.shape[0] != 2 or pairs.shape[1] == 0:
        raise ValueError(f"{name} must have shape (2, P) with P >= 1, got {tuple(pairs.shape)}")
    if pairs.max() >= num_nodes:
        raise ValueError(f"{name} must hold node ids from 0 to the nodes of graph - 1 = {num_nodes - 1}, "
                         f"got a maximum of {int(pairs.max())}")


@contract(encode=Function(takes=0), parameters=Each(_Trainable(), min_len=1), graph=GRAPH, test_positive=_PAIRS,
          test_negative=_PAIRS, epochs=Count(), lr=Real(0, low_open=True), seed=Seed())
def train_link_predictor(encode: Callable[[], torch.Tensor], parameters: Iterable[torch.Tensor], graph: Graph,
                         test_positive: torch.Tensor, test_negative: torch.Tensor, *, epochs: int = 100,
                         lr: float = 0.01, seed: int = 0) -> tuple[list[float], list[float]]:
    """Full-batch Adam on link prediction with negative sampling; the loss and the test AUC of each epoch.

    ``encode()`` returns one embedding per node of ``graph``, the graph to learn from; a pair's score
    is the dot product of its embeddings (:func:`edge_scores`). The loss is the binary cross-entropy
    that pushes up the scores of the edges of ``graph`` and pushes down those of as many random pairs
    joined by no edge, drawn again at each epoch (epoch ``e``: :func:`negative_edges` with seed
    ``(seed + e) mod 2**32``). After each update, the test AUC (:func:`roc_auc`) ranks the scores of
    ``test_positive``, the hidden edges, against those of ``test_negative``, pairs that are no edge:
    both of shape ``(2, P)``, ``P >= 1``, node ids of ``graph``. ``graph`` needs an edge, and as many
    free pairs as edges. A loss that turns NaN or infinite stops the training with a ValueError.

    >>> import networkx as nx
    >>> from labkit.graphs import GCN, from_networkx, split_edges
    >>> graph = from_networkx(nx.connected_caveman_graph(4, 6))
    >>> train, hidden = split_edges(graph, 0.2, seed=0)
    >>> model = GCN([24, 16, 8], seed=0)
    >>> losses, aucs = train_link_predictor(lambda: model(train, torch.eye(24)), model.parameters(), train,
    ...                                     hidden, negative_edges(graph, hidden.shape[1], seed=1), epochs=50)
    >>> losses[-1] < losses[0], aucs[-1] > 0.8
    (True, True)
    """
    n, positive = graph.num_nodes, graph.edge_index
    _check_pairs("test_positive", test_positive, n)
    _check_pairs("test_negative", test_negative, n)
    free = n * (n - 1) // 2 - _pairs(graph).shape[1]
    if not 0 < positive.shape[1] <= free:  # one negative pair per edge, drawn among the free pairs
        raise ValueError(f"graph must have at least one edge and at most as many edges as free pairs (unordered "
                         f"pairs of distinct nodes joined by no edge, {free} here), got {positive.shape[1]} edges")
    opt = torch.optim.Adam(parameters, lr=lr)
    targets = torch.cat([torch.ones(positive.shape[1]), torch.zeros(positive.shape[1])])
    losses, aucs = [], []
    for epoch in range(epochs):
        opt.zero_grad()
        h = encode()
        if epoch == 0 and not (isinstance(h, torch.Tensor) and h.is_floating_point() and h.ndim == 2 and len(h) == n):
            raise ValueError(f"encode must return a 2-D float tensor with one row per node of graph ({n}), "
                             f"got {getattr(h, 'shape', type(h).__name__)}")
        negative = negative_edges(graph, positive.shape[1], seed=(seed + epoch) % 2**32)
        scores = torch.cat([edge_scores(h, positive), edge_scores(h, negative)])
        loss = torch.nn.functional.binary_cross_entropy_with_logits(scores, targets.to(scores.dtype))
        if not torch.isfinite(loss):
            raise ValueError(f"encode must return finite embeddings, got a loss of {loss.item()} at epoch {epoch}")
        loss.backward()
        opt.step()
        losses.append(loss.item())
        with torch.no_grad():  # measured after the update: the last value is the trained model's
            h = encode()
            aucs.append(roc_auc(edge_scores(h, test_positive), edge_scores(h, test_negative)))
    return losses, aucs


@contract(model=Instance(torch.nn.Module, what="a torch.nn.Module"), graph=GRAPH, batch=_IDS, y=_IDS,
          train_graphs=_SOME_IDS, test_graphs=_SOME_IDS, epochs=Count(), lr=Real(0, low_open=True), seed=Seed())
def train_graph_classifier(model: torch.nn.Module, graph: Graph, batch: torch.Tensor, y: torch.Tensor,
                           train_graphs: torch.Tensor, test_graphs: torch.Tensor, *, epochs: int = 150,
                           lr: float = 0.01, seed: int = 0) -> History:
    """Full-batch Adam on the cross-entropy of the training graphs, with :func:`labkit.training.fit`.

    ``graph`` is a batch of graphs with node features ``graph.x`` and ``batch`` the graph id of each
    node (see :func:`batch_graphs`); ``model(graph, graph.x, batch)`` returns the logits of every graph,
    as :class:`GraphClassifier` does. ``y`` holds one int label per graph; ``train_graphs`` and
    ``test_graphs`` (each non-empty) are graph ids. Each epoch is one update on all the training
    graphs; the test accuracy is measured after it, so the last value is that of the trained model.

    Returns
    -------
    History
        ``train_loss`` (the training loss before each update) and ``metrics["test_accuracy"]``.

    Examples
    --------
    >>> from labkit.graphs import GraphClassifier, batch_graphs
    >>> graphs = [Graph([[0, 1], [1, 0]], 2, x=torch.ones(2, 1)), Graph([[0], [0]], 1, x=torch.zeros(1, 1))]
    >>> big, batch = batch_graphs(graphs)
    >>> history = train_graph_classifier(GraphClassifier(1, 8, 2, seed=0), big, batch, torch.tensor([0, 1]),
    ...                                  torch.tensor([0, 1]), torch.tensor([0, 1]), epochs=30)
    >>> history.epochs, history.metrics["test_accuracy"][-1]
    (30, 1.0)
    """
    if graph.x is None:
        raise ValueError(f"graph must carry node features (graph.x), got {graph}")
    if batch.shape != (graph.num_nodes,):
        raise ValueError(f"batch must have shape ({graph.num_nodes},), the graph id of each node of graph, "
                         f"got {tuple(batch.shape)}")
    num_graphs = int(batch.max()) + 1 if batch.numel() else 0
    if len(y) != num_graphs:
        raise ValueError(f"y must hold one label per graph of batch ({num_graphs}), got {len(y)}")
    for name, ids in (("train_graphs", train_graphs), ("test_graphs", test_graphs)):
        if ids.max() >= num_graphs:
            raise ValueError(f"{name} must hold graph ids from 0 to {num_graphs - 1}, got a maximum of {int(ids.max())}")

    def logits() -> torch.Tensor:
        out = model(graph, graph.x, batch)
        if not (isinstance(out, torch.Tensor) and out.ndim == 2 and len(out) == num_graphs):
            raise ValueError(f"model must return 2-D logits with one row per graph ({num_graphs}), "
                             f"got {getattr(out, 'shape', type(out).__name__)}")
        if y.max() >= out.shape[1]:
            raise ValueError(f"y must hold labels from 0 to {out.shape[1] - 1} (the model's classes), "
                             f"got a maximum of {int(y.max())}")
        return out

    def loss(ids: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        # fit shuffles the batch; in id order, the full-batch loss is the same to the last bit at every seed.
        ids, order = ids.sort()
        return torch.nn.functional.cross_entropy(logits()[ids], labels[order])

    def test_accuracy() -> dict[str, float]:
        with torch.no_grad():
            return {"test_accuracy": accuracy_of(logits()[test_graphs], y[test_graphs])}

    step = train_step(torch.optim.Adam(model.parameters(), lr=lr), loss)
    return fit(step, train_graphs, y[train_graphs], epochs=epochs, batch_size=len(train_graphs), seed=seed,
               evaluate=test_accuracy)
