"""
Graph classification: when structure is the signal
==================================================

Can a model tell a ring from a tree or from two communities? We make 300 small graphs of the three
kinds (10 to 20 nodes each) and give every node a random "type", drawn the same way in every class:
the types carry no information, only the edges do. A GCN with a readout, which pools the node
vectors into one vector per graph, is compared with the same classifier without message passing:
an MLP on the bag of node features, which cannot see the edges.
"""

# %%
# The data set
# ------------
#
# ``make_graph_classification`` returns the edges, the node features and the class of each graph.
# The colours below are the node types: random, in every class.
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import torch

from labkit.graphs import (
    Graph, GraphClassifier, batch_graphs, make_graph_classification, to_networkx, train_graph_classifier,
)
from labkit.i18n import _
from labkit.plotting import use_style

use_style()
edges, features, y = make_graph_classification(n_per_class=100, seed=0)
graphs = [Graph(e, len(x), x=x) for e, x in zip(edges, features)]
y = torch.from_numpy(y)

fig, axes = plt.subplots(1, 3, figsize=(6, 2.8))
for ax, k, name in zip(axes, range(3), [_("ring"), _("tree"), _("two communities")]):
    g = nx.Graph(to_networkx(graphs[k]))
    nx.draw(g, nx.kamada_kawai_layout(g), ax=ax, node_size=30, node_color=features[k].argmax(axis=1), cmap="tab10")
    ax.set_title(_("class {k}:\n{name}").format(k=k, name=name))
plt.show()

# %%
# The same classifier, with and without message passing
# -----------------------------------------------------
#
# ``GraphClassifier`` stacks GCN layers, a readout (here the maximum over the nodes of each graph)
# and a two-layer MLP. With ``n_layers=0`` it skips the GCN layers: it pools the raw node features
# and classifies that. ``batch_graphs`` joins all 300 graphs into one graph (printed below), with
# the graph id of every node. ``train_graph_classifier`` trains the model: each epoch is one full-batch
# Adam step on the 210 training graphs, after which it measures the accuracy on the test graphs.
big, batch = batch_graphs(graphs)
print(big)
train, test = torch.arange(0, 210), torch.arange(210, 300)  # the classes alternate: both parts balanced


def train_and_test(n_layers, epochs=150):
    model = GraphClassifier(4, 32, 3, n_layers=n_layers, reduce="max", seed=0)
    history = train_graph_classifier(model, big, batch, y, train, test, epochs=epochs, lr=0.01)
    return history.metrics["test_accuracy"]


accuracy_gcn, accuracy_bag = train_and_test(n_layers=2), train_and_test(n_layers=0)
print(_("test accuracy, GCN + readout: {accuracy:.3f}").format(accuracy=accuracy_gcn[-1]))
print(_("test accuracy, bag of nodes:  {accuracy:.3f} (chance: 0.333), best over the {epochs} epochs: {best:.3f}").format(
    accuracy=accuracy_bag[-1], epochs=len(accuracy_bag), best=max(accuracy_bag)))
assert max(accuracy_bag) < 0.45 and accuracy_gcn[-1] > 0.8, (max(accuracy_bag), accuracy_gcn[-1])

# %%
# Only message passing learns
# ---------------------------
#
# The bag-of-nodes model stays near chance at every epoch (its best printed accuracy), and no amount
# of training would change that: the information it would need is not in its input. The GCN reads the structure through the degrees that its normalisation and
# aggregation expose, layer after layer.
fig, ax = plt.subplots(figsize=(6, 4.6))
ax.plot(np.arange(1, 151), accuracy_gcn, label=_("GCN (2 layers) + max readout"))
ax.plot(np.arange(1, 151), accuracy_bag, label=_("MLP on the bag of node features"))
ax.axhline(1 / 3, color="0.5", linestyle=":", label=_("chance"))
ax.set(xlabel=_("epoch"), ylabel=_("test accuracy"), ylim=(0, 1.05),
       title=_("Rings, trees and communities:\nonly the edges tell them apart"))
fig.legend(loc="outside lower center")  # below the axes: the curves span the whole plot
plt.show()
