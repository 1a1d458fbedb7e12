"""Deep learning on graphs in plain torch: message passing from scratch, checked against DGL and PyG.

A :class:`Graph` holds edges ``src -> dst`` as tensors. :func:`propagate` is one round of message
passing: every edge carries a message from its source, every node aggregates what it receives.
:class:`GCNLayer`, :class:`SAGELayer` and :class:`GATLayer` (attention) add a learned transformation; :func:`readout` pools the
nodes of each graph into one vector for graph classification; :func:`batch_graphs` joins several
graphs into one, and :func:`sample_neighbors` bounds what a mini-batch of one large graph needs. :func:`train_link_predictor` and :func:`train_graph_classifier` train
two graph tasks. :func:`load_karate_club` and :func:`make_graph_classification` give the graphs of the
course's examples. DGL and PyG are imported only inside the conversion functions that need them.
"""

from ._optional import has_dgl
from .attention import GATLayer
from .data import load_karate_club, make_graph_classification
from .layers import (
    GCN, GCNLayer, GraphClassifier, SAGELayer, gcn_norm, gcn_structure_bytes, propagate, readout, scatter,
)
from .sampling import edge_homophily, sample_neighbors
from .structure import Graph, batch_graphs, from_dgl, from_networkx, from_pyg, to_dgl, to_networkx, to_pyg
from .tasks import (
    benchmark_gcn_layer, benchmark_graph, edge_scores, mean_cosine_similarity, negative_edges, roc_auc, split_edges,
    train_node_classifier,
)
from .training import train_graph_classifier, train_link_predictor

__all__ = [
    "Graph", "batch_graphs", "from_networkx", "to_networkx", "to_dgl", "from_dgl", "to_pyg", "from_pyg", "has_dgl",
    "scatter", "propagate", "gcn_norm", "GCNLayer", "SAGELayer", "readout", "GCN", "GraphClassifier",
    "train_node_classifier", "split_edges", "negative_edges", "edge_scores", "roc_auc",
    "mean_cosine_similarity", "benchmark_gcn_layer", "load_karate_club", "make_graph_classification",
    "train_link_predictor", "train_graph_classifier", "gcn_structure_bytes", "benchmark_graph",
    "GATLayer", "sample_neighbors", "edge_homophily",
]
