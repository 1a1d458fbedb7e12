"""Graphs' coding exercises: the GCN normalisation of an adjacency matrix, and one round of mean message passing.

Each reference is PyTorch Geometric (PyG), a library the student did not write: its ``gcn_norm`` (the
normalisation inside ``GCNConv``) and its ``SimpleConv(aggr="mean")`` layer, which sends each node's
features along the edges from ``edge_index[0]`` to ``edge_index[1]`` and averages what each node
receives. PyG is imported only when a check runs, so listing the exercises stays fast.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..i18n import _
from ._core import Exercise, Mistake, register


# -- the GCN normalisation ---------------------------------------------------------------------------------

def _gcn_normalize_by_pyg(A: np.ndarray) -> np.ndarray:
    """D^-1/2 (A + I) D^-1/2 as a dense matrix, from the edge weights of PyG's gcn_norm."""
    import torch
    from torch_geometric.nn.conv.gcn_conv import gcn_norm

    a = torch.tensor(A, dtype=torch.float64)
    edge_index = a.nonzero().T  # row i, column j: the edge i -> j (A is symmetric, so both directions)
    edge_index, weight = gcn_norm(edge_index, a[edge_index[0], edge_index[1]], num_nodes=len(A))
    # PyG aggregates at edge_index[1]: the weight of the edge src -> dst sits in row dst, column src.
    out = torch.zeros_like(a).index_put_((edge_index[1], edge_index[0]), weight, accumulate=True)
    return out.numpy()


def _symmetric_adjacency(rng: np.random.Generator, n: int, isolated: int = 0) -> np.ndarray:
    """A random undirected graph on n nodes, without self-loops; its last ``isolated`` nodes touch no edge."""
    linked = n - isolated
    upper = np.triu(rng.random((n, n)) < 0.4, k=1)
    upper[np.arange(linked - 1), np.arange(1, linked)] = True  # a path through the linked nodes: none is alone
    upper[linked:, :] = upper[:, linked:] = False
    return (upper | upper.T).astype(np.float64)


def _gcn_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # Unequal degrees first, so that every mistake gives other numbers; then a graph with an isolated
    # node (degree 0 without its self-loop: 1 / 0 in the classic mistakes); then a single node alone.
    return [dict(A=_symmetric_adjacency(rng, 5)), dict(A=_symmetric_adjacency(rng, 7, isolated=1)),
            dict(A=np.zeros((1, 1)))]


def _with_loops(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    A_hat = A + np.eye(len(A))
    return A_hat, A_hat.sum(axis=1)


def _no_self_loops(A: np.ndarray) -> np.ndarray:
    d = A.sum(axis=1) ** -0.5
    return d[:, None] * A * d[None, :]


def _row_normalized(A: np.ndarray) -> np.ndarray:
    A_hat, d = _with_loops(A)
    return A_hat / d[:, None]


def _degrees_without_loop(A: np.ndarray) -> np.ndarray:
    d = A.sum(axis=1) ** -0.5
    return d[:, None] * (A + np.eye(len(A))) * d[None, :]


def _no_square_root(A: np.ndarray) -> np.ndarray:
    A_hat, d = _with_loops(A)
    return A_hat / d[:, None] / d[None, :]


register(Exercise(
    id="graphs.gcn_normalize",
    title=_("The normalised adjacency of a graph convolutional network"),
    task=_("""A is the adjacency matrix of an undirected graph with n nodes, of shape (n, n): A[i, j] = 1 when
nodes i and j are linked, 0 otherwise; it is symmetric, its diagonal is zero, and some nodes may
have no neighbour. Return the matrix of Kipf and Welling's GCN, of shape (n, n),

    D^-1/2 (A + I) D^-1/2,   where D is diagonal and D[i, i] = 1 + sum_j A[i, j]

(each node also hears itself, and its degree counts that self-loop), with numpy only.
Do not modify A."""),
    signature="gcn_normalize(A)",
    returns=("A_norm",),
    reference=_gcn_normalize_by_pyg,
    cases=_gcn_cases,
    mistakes=(
        Mistake(_("The self-loops are missing: this is D^-1/2 A D^-1/2, so a node ignores its own features "
                  "and a node without neighbours divides by a degree of 0. Add the identity first: "
                  "A + I, with degrees 1 + sum_j A[i, j]."),
                _no_self_loops),
        Mistake(_("This is the row normalisation D^-1 (A + I), a mean over the node and its neighbours, "
                  "not symmetric when the degrees differ. GCN divides the edge i-j by the square root of the product of both degrees, "
                  "D^-1/2 (A + I) D^-1/2."),
                _row_normalized),
        Mistake(_("The self-loop is added to A but not to the degrees: D must be the degrees of A + I, "
                  "D[i, i] = 1 + sum_j A[i, j], so that a node without neighbours gets 1, not 1 / 0."),
                _degrees_without_loop),
        Mistake(_("The square roots are missing: D^-1 (A + I) D^-1 divides the edge i-j by the product of "
                  "the degrees. GCN divides it by the square root of that product: D^-1/2 (A + I) D^-1/2."),
                _no_square_root),
    ),
    against="PyG (gcn_norm)",
))


# -- one round of message passing with a mean -----------------------------------------------------------

def _mean_by_pyg(edge_index: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Each node's mean of the features of the sources of its incoming edges, by PyG's SimpleConv."""
    import torch
    from torch_geometric.nn import SimpleConv

    edges = torch.as_tensor(edge_index, dtype=torch.long).reshape(2, -1)
    return SimpleConv(aggr="mean")(torch.tensor(X, dtype=torch.float64), edges).numpy()


def _directed_edges(rng: np.random.Generator, n: int, e: int) -> np.ndarray:
    return rng.integers(0, n, size=(2, e))


def _mean_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # Directed edges, so the direction matters; a node receiving several messages, so a sum or a buffered
    # `out[dst] += ...` differs from the mean; a repeated edge and a self-loop, each one message as given;
    # nodes receiving nothing (in the second and third cases), which must get zeros, not NaN.
    first = np.array([[0, 1, 2, 3, 4, 2, 0], [1, 2, 1, 0, 3, 4, 2]])  # node 1 receives two, every node one
    second = np.concatenate([_directed_edges(rng, 6, 8), [[2, 2, 3], [5, 5, 3]]], axis=1)
    second[1][second[1] == 0] = 1  # node 0 receives nothing
    return [dict(edge_index=first, X=rng.normal(size=(5, 3))),
            dict(edge_index=second, X=rng.normal(size=(6, 2))),
            dict(edge_index=np.zeros((2, 0), dtype=np.int64), X=rng.normal(size=(3, 4)))]


def _received(edge_index: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sum of the messages each node receives, and how many it receives."""
    src, dst = edge_index
    total = np.zeros_like(X)
    np.add.at(total, dst, X[src])
    return total, np.bincount(dst, minlength=len(X)).astype(X.dtype)


def _summed(edge_index: np.ndarray, X: np.ndarray) -> np.ndarray:
    return _received(edge_index, X)[0]


def _reversed(edge_index: np.ndarray, X: np.ndarray) -> np.ndarray:
    total, count = _received(edge_index[::-1], X)
    return total / np.maximum(count, 1)[:, None]


def _nan_when_alone(edge_index: np.ndarray, X: np.ndarray) -> np.ndarray:
    total, count = _received(edge_index, X)
    return total / count[:, None]


def _buffered(edge_index: np.ndarray, X: np.ndarray) -> np.ndarray:
    src, dst = edge_index
    total = np.zeros_like(X)
    total[dst] += X[src]  # numpy buffers this: a node that appears twice in dst keeps one message only
    count = np.bincount(dst, minlength=len(X))
    return total / np.maximum(count, 1)[:, None]


register(Exercise(
    id="graphs.mean_aggregate",
    title=_("One round of message passing: the mean of the neighbours"),
    task=_("""A directed graph with n nodes has E edges: edge k goes from node edge_index[0, k] (its source) to
node edge_index[1, k] (its destination); edge_index is an int array of shape (2, E), E may be 0.
X, of shape (n, F), holds the features of the nodes. Each edge sends the features of its source to
its destination. Return H, of shape (n, F), where H[v] is the mean of the messages node v receives,
one per edge into v (a repeated edge counts each time, a self-loop v -> v sends X[v] to v), and
H[v] = 0 when node v receives nothing. With numpy only; do not modify the arguments."""),
    signature="mean_aggregate(edge_index, X)",
    returns=("H",),
    reference=_mean_by_pyg,
    cases=_mean_cases,
    mistakes=(
        Mistake(_("This is the sum of the messages, not their mean: divide each node's sum by the number of "
                  "edges that arrive at it."),
                _summed),
        Mistake(_("The messages go the wrong way: each node averages the features of the nodes it points to. "
                  "A message goes from the source edge_index[0] to the destination edge_index[1], so gather "
                  "X[edge_index[0]] and add into the rows edge_index[1]."),
                _reversed),
        Mistake(_("A node that receives no message gets NaN (0 / 0): it must get zeros. Divide by the number "
                  "of messages only where it is at least 1, for instance by np.maximum(count, 1)."),
                _nan_when_alone),
        Mistake(_("out[dst] += X[src] keeps only one message per node: numpy buffers this assignment, so a node "
                  "that appears several times in dst is written once. Use np.add.at(out, dst, X[src])."),
                _buffered),
    ),
    against="PyG (SimpleConv, aggr=\"mean\")",
))

__all__: list[str] = []
