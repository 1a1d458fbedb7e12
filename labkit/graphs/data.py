"""The graphs of the course: Zachary's karate club, and small synthetic graphs whose class only their
structure reveals.

The karate club ships with networkx, and the synthetic graphs come from a seeded generator, so every
example runs offline and gives the same numbers every time.
"""

from __future__ import annotations

import numpy as np

from .._checks import Int, Seed, Size, check_elements
from .._contract import contract
from ..data import one_hot

__all__ = ["load_karate_club", "make_graph_classification"]


@contract(labeled_per_class=Int(1, 16), seed=Seed())
def load_karate_club(labeled_per_class: int = 1, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Zachary's karate club: 34 members, 78 friendships, and the faction each member joined.

    Parameters
    ----------
    labeled_per_class : int
        Number of labelled members per faction, from 1 to 16: the two leaders (members 0 and 33)
        first, then members drawn at random.
    seed : int
        Seed of that draw.

    Returns
    -------
    edge_index : numpy.ndarray
        Int64 array of shape ``(2, 156)``: each friendship in both directions.
    y : numpy.ndarray
        Int64 faction of each member: 0 for the instructor's ("Mr. Hi"), 1 for the officer's.
    train_nodes : numpy.ndarray
        The labelled members, ``2 * labeled_per_class`` of them.

    Examples
    --------
    >>> edge_index, y, train_nodes = load_karate_club()
    >>> edge_index.shape, int(y.sum()), train_nodes.tolist()
    ((2, 156), 17, [0, 33])
    """
    k = labeled_per_class  # at most 16: each faction has 17 members, its leader among them
    rng = np.random.default_rng(seed)
    import networkx as nx  # here, so that `import labkit.graphs` stays cheap

    g = nx.karate_club_graph()
    y = np.array([g.nodes[v]["club"] != "Mr. Hi" for v in g.nodes], dtype=np.int64)
    edges = np.array(g.edges, dtype=np.int64).T
    edge_index = np.concatenate([edges, edges[::-1]], axis=1)
    train = [0, 33]
    for c, leader in ((0, 0), (1, 33)):
        others = np.flatnonzero((y == c) & (np.arange(34) != leader))
        train += rng.choice(others, size=k - 1, replace=False).tolist()
    return edge_index, y, np.array(sorted(train), dtype=np.int64)


@contract(n_per_class=Size(), seed=Seed(), n_types=Size())
def make_graph_classification(n_per_class: int = 50, seed: int = 0, n_types: int = 4
                              ) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Small graphs of three classes that only their structure tells apart.

    Class 0 is a ring (a cycle), class 1 a random tree, class 2 two dense random communities joined
    by one edge. Every graph has 10 to 20 nodes, and every node a one-hot "type" drawn uniformly
    from ``n_types``, the same way in every class: a model that only counts node types is at chance.

    Parameters
    ----------
    n_per_class : int
        Number of graphs of each class, at least 1.
    seed : int
        Seed of the sizes, trees, communities and node types.
    n_types : int
        Number of node types, the length of each feature vector, at least 1.

    Returns
    -------
    edge_indices : list of numpy.ndarray
        One int64 array of shape ``(2, E)`` per graph, each edge in both directions.
    features : list of numpy.ndarray
        One float64 array of shape ``(n_nodes, n_types)`` per graph.
    y : numpy.ndarray
        Int64 class of each graph, in the order 0, 1, 2, 0, 1, 2...

    Examples
    --------
    >>> edges, features, y = make_graph_classification(n_per_class=2, seed=0)
    >>> len(edges), features[0].shape[1], y.tolist()
    (6, 4, [0, 1, 2, 0, 1, 2])
    """
    check_elements("n_types", 20 * n_types, f"20 nodes of {n_types} types")
    check_elements("n_per_class", 3 * n_per_class * 20 * n_types, f"{3 * n_per_class} graphs of up to 20 nodes")
    rng = np.random.default_rng(seed)
    import networkx as nx

    edge_indices, features = [], []
    for _ in range(n_per_class):
        for label in range(3):
            n = int(rng.integers(10, 21))
            if label == 0:
                g = nx.cycle_graph(n)
            elif label == 1:
                g = nx.random_labeled_tree(n, seed=int(rng.integers(2**31)))
            else:
                half = n // 2
                g = nx.disjoint_union(nx.gnp_random_graph(half, 0.6, seed=int(rng.integers(2**31))),
                                      nx.gnp_random_graph(n - half, 0.6, seed=int(rng.integers(2**31))))
                g.add_edge(0, half)
            edges = np.array(list(g.edges), dtype=np.int64).reshape(-1, 2).T
            edge_indices.append(np.concatenate([edges, edges[::-1]], axis=1))
            features.append(one_hot(rng.integers(0, n_types, size=n), n_types))
    return edge_indices, features, np.tile(np.arange(3, dtype=np.int64), n_per_class)
