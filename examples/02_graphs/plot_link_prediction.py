"""
Link prediction: recommending friends
=====================================

Which missing links of a graph are likely to exist? This is recommendation in miniature: suggest
friends in a social network, or products to a customer. We hide 20 % of the friendships of a
social graph of four communities, learn node vectors with a GCN from the rest, and score each pair
of members by the dot product of their vectors. The model learns from the links it sees (positive
examples) and from random pairs of members who are not linked (negative sampling). We measure the
area under the ROC curve (AUC) on the hidden links against as many random unlinked pairs, and
compare with a hand-made score: the number of common friends.
"""

# %%
# Hide some links
# ---------------
#
# ``split_edges`` hides a fraction of the undirected edges; ``negative_edges`` draws pairs of nodes
# that no edge joins.
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import torch

from labkit.graphs import GCN, from_networkx, negative_edges, roc_auc, split_edges, train_link_predictor
from labkit.i18n import _
from labkit.plotting import use_style

use_style()
sizes = [30, 30, 30, 30]
p = np.full((4, 4), 0.02) + np.eye(4) * 0.23  # 0.25 inside a community, 0.02 across
graph = from_networkx(nx.stochastic_block_model(sizes, p.tolist(), seed=0))
train_graph, hidden = split_edges(graph, 0.2, seed=0)
test_negative = negative_edges(graph, hidden.shape[1], seed=1)
x = torch.eye(graph.num_nodes)  # no features: the GCN learns from the links alone
print(_("{members} members, {friendships} friendships, {hidden} hidden").format(
    members=graph.num_nodes, friendships=graph.num_edges // 2, hidden=hidden.shape[1]))

# %%
# Train an encoder with negative sampling
# ---------------------------------------
#
# The GCN encodes every member as a 16-dimensional vector from the training graph only.
# ``train_link_predictor`` trains it on a binary cross-entropy that pushes the scores of seen links up
# and those of fresh random non-links down, drawn again at every epoch, and measures the AUC on the
# hidden links after each epoch.
model = GCN([graph.num_nodes, 32, 16], seed=0)
_losses, auc_history = train_link_predictor(lambda: model(train_graph, x), model.parameters(), train_graph, hidden,
                                            test_negative, epochs=100, lr=0.01)
print(_("test AUC of the GCN encoder: {auc:.3f}").format(auc=auc_history[-1]))

# %%
# Compared with a hand-made score
# -------------------------------
#
# Before graph networks, link prediction used scores designed by hand, such as the number of common
# neighbours: the entry ``(u, v)`` of ``A @ A``, with ``A`` the adjacency of the training graph. It
# is a strong baseline on social graphs. Here the learned vectors beat it (the two printed AUCs; the
# code checks it) without being told what to look for.
a = train_graph.adjacency()
common = a @ a
auc_common = roc_auc(common[hidden[0], hidden[1]], common[test_negative[0], test_negative[1]])
print(_("test AUC of the common-neighbour count: {auc:.3f}").format(auc=auc_common))
assert auc_history[-1] > auc_common, (auc_history[-1], auc_common)

fig, ax = plt.subplots()
ax.plot(np.arange(1, 101), auc_history, label=_("GCN encoder + dot product (learned)"))
ax.axhline(auc_common, color="C1", linestyle="--", label=_("common neighbours (hand-made)"))
ax.axhline(0.5, color="0.5", linestyle=":", label=_("chance"))
ax.set(xlabel=_("epoch"), ylabel=_("AUC on the hidden links"), ylim=(0.4, 1.0),
       title=_("Predicting hidden friendships"))
ax.legend()
plt.show()
