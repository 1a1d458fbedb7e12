"""Mini-batches on one large graph: neighbour sampling (GraphSAGE), and how alike linked nodes are."""

from __future__ import annotations

from typing import Any

import torch

from .._checks import Each, Seed, Size
from .._contract import contract
from ..seeding import generator
from .layers import _IDS
from .structure import GRAPH, Graph

__all__ = ["sample_neighbors", "edge_homophily"]


@contract(graph=GRAPH, nodes=_IDS, fanouts=Each(Size()), seed=Seed())
def sample_neighbors(graph: Graph, nodes: Any, fanouts: Any, seed: int = 0) -> list[torch.Tensor]:
    """The nodes that a mini-batch needs, hop by hop, when each node keeps at most ``fanout`` in-neighbours.

    A ``k``-layer network computes the outputs of ``nodes`` from their ``k``-hop in-neighbourhood, which
    on a large graph is most of the graph. GraphSAGE (Hamilton et al., 2017) bounds it: at hop ``i``,
    each node of the frontier keeps at most ``fanouts[i]`` of its incoming edges, drawn uniformly without
    replacement from ``seed``; the frontier of hop ``i + 1`` is every node needed so far, since a node's
    own vector enters its next layer. Returns ``k + 1`` sorted tensors of node ids: ``nodes`` (deduplicated),
    then every node needed within 1, ..., ``k`` hops, each set containing the one before. A fanout at
    least the largest in-degree keeps every neighbour: the full neighbourhood.

    >>> g = Graph([[1, 2, 3, 4], [0, 0, 0, 1]], 5)
    >>> [h.tolist() for h in sample_neighbors(g, [0], fanouts=[5, 5])]
    [[0], [0, 1, 2, 3], [0, 1, 2, 3, 4]]
    >>> [len(h) for h in sample_neighbors(g, [0], fanouts=[2])]
    [1, 3]
    """
    if nodes.numel() == 0:
        raise ValueError("nodes must hold at least one node id, got an empty tensor")
    if nodes.max() >= graph.num_nodes:
        raise ValueError(f"nodes must hold ids from 0 to num_nodes - 1 = {graph.num_nodes - 1}, "
                         f"got a maximum of {int(nodes.max())}")
    gen = generator(seed)
    order = torch.argsort(graph.dst, stable=True)  # incoming edges of each node, contiguous
    sources = graph.src[order]
    start = torch.zeros(graph.num_nodes + 1, dtype=torch.long)
    start[1:] = torch.cumsum(torch.bincount(graph.dst, minlength=graph.num_nodes), 0)
    needed = torch.unique(nodes)
    hops, frontier = [needed], needed
    for fanout in fanouts:
        degree = start[frontier + 1] - start[frontier]
        owner = torch.repeat_interleave(torch.arange(len(frontier)), degree)
        within = torch.arange(len(owner)) - (torch.cumsum(degree, 0) - degree)[owner]  # 0, 1, ... per node
        edge = start[frontier][owner] + within  # every incoming edge of the frontier, grouped by node
        # A random key per edge, offset by its node: sorting shuffles each node's edges in place, and the
        # first fanout of each group are a uniform sample without replacement.
        shuffled = edge[torch.argsort(owner.double() + torch.rand(len(edge), generator=gen, dtype=torch.float64))]
        picked = sources[shuffled[within < fanout]]
        # A node needed at one layer is needed at the layer below too (it hears itself): all stay.
        frontier = needed = torch.unique(torch.cat([needed, picked]))
        hops.append(needed)
    return hops


@contract(graph=GRAPH, y=_IDS)
def edge_homophily(graph: Graph, y: Any) -> float:
    """The fraction of edges whose two ends have the same label (Zhu et al., 2020).

    Near 1, neighbours share their labels and averaging over them (a GCN) helps; near 0 (buyers and
    sellers, amino acids of different types) the neighbours mostly belong to other classes. Each stored
    edge counts once (an undirected edge, stored twice, counts twice). Equal to PyG's
    ``homophily(edge_index, y, method="edge")``. ``y`` holds one label per node; ``graph`` needs edges.

    >>> edge_homophily(Graph([[0, 1, 1, 2], [1, 0, 2, 1]], 3), [0, 0, 1])
    0.5
    """
    if y.shape != (graph.num_nodes,):
        raise ValueError(f"y must have shape ({graph.num_nodes},), one label per node of graph, got {tuple(y.shape)}")
    if graph.num_edges == 0:
        raise ValueError("graph must have at least one edge for a homophily, got a graph without edges")
    return float((y[graph.src] == y[graph.dst]).double().mean())
