"""Data shared by the concepts of the course: scikit-learn's bundled handwritten digits, and graphs.

The digits are 1,797 grey-level images of 8x8 pixels, each pixel an integer from 0 to 16, labelled
0 to 9. They ship with scikit-learn, so every example runs offline, and they are small enough to
train a network on a laptop CPU in seconds. The graphs are Zachary's karate club, which ships with
networkx, and a seeded synthetic set of small graphs whose class only their structure reveals. The data
of question 1 lives with its concept, in ``labkit.multi``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import Array, Bool, Int, Real, Seed, Size, Variant, check_elements
from ._contract import contract

__all__ = ["load_digits_split", "one_hot", "load_karate_club", "make_graph_classification"]


class _Labels(Array):
    """A 1-D array of int labels >= 0; an empty list (which numpy reads as floats) is no labels."""

    def __init__(self) -> None:
        super().__init__("int", ndim=1, min=0)

    def check(self, name: str, value: Any) -> np.ndarray:
        if isinstance(value, (list, tuple)) and len(value) == 0:
            return np.empty(0, dtype=np.intp)
        return super().check(name, value)

    def unusual(self) -> list[Variant]:
        return super().unusual() + [("empty list", lambda _valid: [], None)]


@contract(test_size=Real(0, 1, low_open=True, high_open=True), seed=Seed(), scale=Bool())
def load_digits_split(
    test_size: float = 0.25, seed: int = 0, scale: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load the digits and split them into a training and a test set.

    Parameters
    ----------
    test_size : float
        Fraction of the examples kept for the test set, strictly between 0 and 1.
    seed : int
        Seed of the split: the same seed always gives the same split.
    scale : bool
        If True, divide the pixels by 16 so that every feature lies in [0, 1].

    Returns
    -------
    X_train, X_test : numpy.ndarray
        Float64 features of shape ``(n, 64)``.
    y_train, y_test : numpy.ndarray
        Int64 labels from 0 to 9, of shape ``(n,)``.

    Notes
    -----
    The split is stratified: each digit keeps the same share in both sets, so a test accuracy
    is not biased by an unlucky split.

    Examples
    --------
    >>> X_train, X_test, y_train, y_test = load_digits_split(seed=0)
    >>> X_train.shape, X_test.shape
    ((1347, 64), (450, 64))
    >>> float(X_train.min()), float(X_train.max())
    (0.0, 1.0)
    >>> sorted(set(y_test.tolist())) == list(range(10))
    True
    """
    # Imported here so that `import labkit.data` stays cheap.
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X = digits.data.astype(np.float64) / (16.0 if scale else 1.0)
    y = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y
    )
    return X_train, X_test, y_train, y_test


@contract(y=_Labels(), n_classes=Size())
def one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Encode integer labels as one-hot rows.

    Parameters
    ----------
    y : array_like of int
        Labels of shape ``(n,)``, each from 0 to ``n_classes - 1`` (an empty list gives no row).
    n_classes : int
        Number of classes, at least 1; ``n * n_classes`` must stay within labkit's size limit.

    Returns
    -------
    numpy.ndarray
        Float64 array of shape ``(n, n_classes)`` with a single 1 per row.

    Examples
    --------
    >>> one_hot([2, 0], n_classes=3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    check_elements("n_classes", y.size * n_classes, f"a one-hot array of shape ({y.size}, {n_classes})")
    if y.size and y.max() >= n_classes:
        raise ValueError(f"y must hold labels from 0 to n_classes - 1 = {n_classes - 1}, "
                         f"got values from {y.min()} to {y.max()}")
    out = np.zeros((y.size, n_classes))
    out[np.arange(y.size), y] = 1.0
    return out


@contract(labelled_per_class=Int(1, 16), seed=Seed())
def load_karate_club(labelled_per_class: int = 1, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Zachary's karate club: 34 members, 78 friendships, and the faction each member joined.

    Parameters
    ----------
    labelled_per_class : int
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
        The labelled members, ``2 * labelled_per_class`` of them.

    Examples
    --------
    >>> edge_index, y, train_nodes = load_karate_club()
    >>> edge_index.shape, int(y.sum()), train_nodes.tolist()
    ((2, 156), 17, [0, 33])
    """
    k = labelled_per_class  # at most 16: each faction has 17 members, its leader among them
    rng = np.random.default_rng(seed)
    import networkx as nx  # here, so that `import labkit.data` stays cheap

    g = nx.karate_club_graph()
    y = np.array([g.nodes[v]["club"] != "Mr. Hi" for v in g.nodes], dtype=np.int64)
    edges = np.array(g.edges, dtype=np.int64).T
    edge_index = np.concatenate([edges, edges[::-1]], axis=1)
    train = [0, 33]
    for c, leader in ((0, 0), (1, 33)):
        others = np.flatnonzero((y == c) & (np.arange(34) != leader))
        train += rng.choice(others, size=k - 1, replace=False).tolist()
    return edge_index, y, np.array(sorted(train), dtype=np.int64)


@contract(n_per_class=Size(), seed=Seed(), num_types=Size())
def make_graph_classification(n_per_class: int = 50, seed: int = 0, num_types: int = 4
                              ) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Small graphs of three classes that only their structure tells apart.

    Class 0 is a ring (a cycle), class 1 a random tree, class 2 two dense random communities joined
    by one edge. Every graph has 10 to 20 nodes, and every node a one-hot "type" drawn uniformly
    from ``num_types``, the same way in every class: a model that only counts node types is at chance.

    Parameters
    ----------
    n_per_class : int
        Number of graphs of each class, at least 1.
    seed : int
        Seed of the sizes, trees, communities and node types.
    num_types : int
        Number of node types, the length of each feature vector, at least 1.

    Returns
    -------
    edge_indices : list of numpy.ndarray
        One int64 array of shape ``(2, E)`` per graph, each edge in both directions.
    features : list of numpy.ndarray
        One float64 array of shape ``(n_nodes, num_types)`` per graph.
    y : numpy.ndarray
        Int64 class of each graph, in the order 0, 1, 2, 0, 1, 2...

    Examples
    --------
    >>> edges, features, y = make_graph_classification(n_per_class=2, seed=0)
    >>> len(edges), features[0].shape[1], y.tolist()
    (6, 4, [0, 1, 2, 0, 1, 2])
    """
    check_elements("num_types", 20 * num_types, f"20 nodes of {num_types} types")
    check_elements("n_per_class", 3 * n_per_class * 20 * num_types, f"{3 * n_per_class} graphs of up to 20 nodes")
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
            features.append(one_hot(rng.integers(0, num_types, size=n), num_types))
    return edge_indices, features, np.tile(np.arange(3, dtype=np.int64), n_per_class)
