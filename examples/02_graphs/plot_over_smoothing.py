"""
Depth and over-smoothing
========================

Does a deeper graph network see further and do better? Each GCN layer averages a node with its
neighbours, so after ``k`` layers a node has heard from every node within ``k`` hops. But averaging
again and again makes all nodes look alike: their vectors converge to one direction, and a
classifier on top has nothing left to separate. We take a graph of two communities of 100 nodes,
give each node a noisy feature vector that hints at its community, apply ``k`` GCN propagations
(the linear GCN of Wu et al., 2019: a GCN without weights and activations between layers) and
classify the result with a logistic regression trained on 20 % of the nodes.
"""

# %%
# Two communities and noisy features
# ----------------------------------
#
# Two nodes of the same community are linked with probability 0.08, of different communities with
# probability 0.015: a node expects about five times more neighbours inside its community than
# outside (the code prints the count in this graph).
# Its 8 features are its community's mean plus strong Gaussian noise: alone, they classify poorly.
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import torch
from sklearn.linear_model import LogisticRegression

from labkit.graphs import from_networkx, gcn_norm, mean_cosine_similarity, propagate
from labkit.i18n import _
from labkit.plotting import use_style

use_style()
rng = np.random.default_rng(0)
nx_graph = nx.stochastic_block_model([100, 100], [[0.08, 0.015], [0.015, 0.08]], seed=0)
y = np.repeat([0, 1], 100)
features = np.where(y[:, None] == 1, 0.5, -0.5) + rng.normal(scale=1.5, size=(200, 8))
graph = from_networkx(nx_graph)
train = rng.permutation(200)[:40]
test = np.setdiff1d(np.arange(200), train)
print(_("{graph} train nodes: {train}, test nodes: {test}").format(graph=graph, train=len(train), test=len(test)))
inside = (y[graph.src.numpy()] == y[graph.dst.numpy()]).sum()
print(_("edges inside a community / across: {ratio:.1f}").format(ratio=inside / (graph.num_edges - inside)))

# %%
# Accuracy and similarity against the number of propagations
# ----------------------------------------------------------
#
# ``propagate(gcn_norm(graph), h)`` is one GCN averaging step. ``mean_cosine_similarity`` averages
# the cosine similarity of the vectors of every pair of distinct nodes: 1 means that every node
# points the same way.
depths = [0, 1, 2, 4, 8, 16, 32, 64, 128]
accuracy, similarity = [], []
h, done = torch.tensor(features, dtype=torch.float32), 0
norm = gcn_norm(graph)
for k in depths:
    for _step in range(k - done):
        h = propagate(norm, h)
    done = k
    z = h.numpy()
    classifier = LogisticRegression(max_iter=1000).fit(z[train], y[train])
    accuracy.append(classifier.score(z[test], y[test]))
    similarity.append(mean_cosine_similarity(h))
    line = _("{k:3d} propagations: test accuracy {accuracy:.3f}, mean cosine similarity {similarity:.3f}")
    print(line.format(k=k, accuracy=accuracy[-1], similarity=similarity[-1]))

# %%
# A few layers help, many layers hurt
# -----------------------------------
#
# Without the graph (0 propagations), the noisy features give a mediocre classifier. A few rounds of
# averaging over neighbours, who mostly share the node's community, cancel much of the noise. After
# many rounds, every node's vector tends to the same direction, whatever its community, and the
# accuracy falls back towards chance. The code checks these three statements on the printed values.
# This is one reason why most graph networks have two to four layers.
best = int(np.argmax(accuracy))
assert 1 <= depths[best] <= 4 and accuracy[best] > accuracy[0] + 0.05, accuracy
assert accuracy[-1] < 0.6 and similarity[-1] > 0.99, (accuracy[-1], similarity[-1])
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(6, 6.4), sharex=True)  # accuracy above similarity
x_positions = [max(k, 0.5) for k in depths]  # 0 propagations drawn at 0.5 on the log axis
ax2.set_xscale("log", base=2)  # shared with ax1
ax2.set_xticks(x_positions, [str(k) for k in depths])
ax2.set_xlabel(_("number of GCN propagations (layers)"))
ax1.plot(x_positions, accuracy, marker="o")
ax1.axhline(0.5, color="0.5", linestyle=":", label=_("chance"))
ax1.set_ylabel(_("test accuracy"))
ax1.set_ylim(0.4, 1.02)
ax1.set_title(_("Accuracy rises, then falls"))
ax1.legend()
ax2.plot(x_positions, similarity, marker="o", color="C1")
ax2.set_ylabel(_("mean cosine similarity\nof node vectors"))
ax2.set_title(_("Node vectors become alike"))
fig.align_ylabels()
plt.show()
