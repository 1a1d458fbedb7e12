"""
Zachary's karate club: two labels are enough
============================================

The karate club of Zachary (1977) is a graph of 34 members and 78 friendships. The club split in
two, and the question is which faction each member joined. We give the model the faction of two
members only, the two leaders, and no feature at all: each node's input is its one-hot id. A
graph convolutional network (GCN) predicts the other 32 answers from the edges alone. This
is the semi-supervised, transductive setting of Kipf and Welling (2017): the whole graph is seen
during training, only two labels are.
"""

# %%
# The graph and the two labels
# ----------------------------
#
# ``load_karate_club`` returns every friendship in both directions, the faction of each member and
# the two labelled members: 0, the instructor, and 33, the club's officer.
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import torch

from labkit.graphs import GCN, Graph, load_karate_club, train_node_classifier
from labkit.i18n import _
from labkit.plotting import PALETTE, use_style
from labkit.training import accuracy_of

use_style()
edge_index, y, train_nodes = load_karate_club()
graph = Graph(edge_index, num_nodes=34)
x = torch.eye(34)  # no features: each member is only its id
y, train_nodes = torch.from_numpy(y), torch.from_numpy(train_nodes)
print(_("{graph} labelled members: {members}").format(graph=graph, members=train_nodes.tolist()))

# %%
# A GCN with a two-dimensional hidden layer
# -----------------------------------------
#
# The network is 34 → 4 → 2 → 2 with tanh, as in Kipf and Welling's figure: its second hidden layer
# has two units, so every member is a point in the plane. We record that point at a few epochs while
# the network is trained on the two labelled members.
model = GCN([34, 4, 2, 2], activation="tanh", seed=0)
snapshots = {}


def record(epoch):
    if epoch in (0, 30, 100, 299):
        with torch.no_grad():
            snapshots[epoch] = model.layer_outputs(graph, x)[-2].numpy()


losses = train_node_classifier(lambda: model(graph, x), model.parameters(), y, train_nodes,
                               epochs=300, lr=0.01, on_epoch=record)
with torch.no_grad():
    predicted = model(graph, x).argmax(dim=1)
unlabeled = torch.ones(34, dtype=torch.bool)
unlabeled[train_nodes] = False
accuracy = accuracy_of(predicted[unlabeled], y[unlabeled])
print(_("accuracy on the 32 unlabelled members: {accuracy:.3f}").format(accuracy=accuracy))

# %%
# The embedding separates the factions
# ------------------------------------
#
# Each panel shows the two-dimensional hidden layer, coloured by the true faction; the two labelled
# leaders are circled. Friends pull each other together through message passing, and the two
# labels pull the two groups apart.
fig, axes = plt.subplots(2, 2, figsize=(6, 5.6), sharex=False, sharey=False)
colors = np.array(PALETTE)[y.numpy()]
for ax, (epoch, h) in zip(axes.flat, snapshots.items()):
    for u, v in edge_index.T:
        ax.plot(h[[u, v], 0], h[[u, v], 1], color="0.8", linewidth=0.5, zorder=0)
    ax.scatter(h[:, 0], h[:, 1], c=colors, s=30)
    ax.scatter(h[train_nodes, 0], h[train_nodes, 1], s=150, facecolors="none", edgecolors="k")
    ax.set_title(_("epoch {epoch}").format(epoch=epoch + 1))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.margins(0.08)  # the circles around the leaders stay inside the frame
fig.suptitle(_("Hidden layer of the GCN during training\n(colour: true faction)"))
plt.show()

# %%
# The predictions on the graph
# ----------------------------
#
# The members the model gets wrong, if any, sit between the two groups: the code checks that each of
# them is a friend of both leaders.
fig, ax = plt.subplots(figsize=(6, 5.5))
karate = nx.karate_club_graph()
# k spreads the nodes enough that no two of them touch at this size.
nx.draw_networkx(karate, nx.spring_layout(karate, seed=0, k=0.3), ax=ax, node_size=300, font_size=11, edge_color="0.75",
                 node_color=np.array(PALETTE)[predicted.numpy()].tolist())
wrong = torch.nonzero(predicted != y).flatten().tolist()
print(_("members classified wrongly: {members}").format(members=wrong))
leaders = [set(edge_index[1][edge_index[0] == leader].tolist()) for leader in (0, 33)]
assert all(member in leaders[0] and member in leaders[1] for member in wrong), wrong
ax.set_title(_("Predicted faction; accuracy {accuracy:.0%} from 2 labels").format(accuracy=accuracy))
ax.axis("off")
plt.show()
