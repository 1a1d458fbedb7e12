"""
The computational graph of a small network
==========================================

What does automatic differentiation build? Not a formula, but a trace of the evaluation: one node per
elementary operation, an edge from each input of the operation to its result. We record the trace of
the one-unit network of the :doc:`backpropagation page </backprop>`,
:math:`L = \\frac{1}{2}\\,(w_2\\, \\mathrm{relu}(w_1 x + b_1) + b_2 - t)^2`, with labkit's scalar
``Value`` engine, run the backward pass, and draw every node with its value and its gradient.
"""

# %%
# Record, then walk back
# ----------------------
#
# Each arithmetic operation on a ``Value`` creates a node that remembers its parents and its local
# derivative. ``backward()`` visits the nodes from the loss back to the inputs and applies the chain
# rule: the gradients are the ones computed by hand on the backpropagation page.
import matplotlib.pyplot as plt
import networkx as nx
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from labkit.autodiff import Value, graph_of
from labkit.i18n import _
from labkit.plotting import PALETTE, use_style

use_style()

x, t = Value(2.0, label="x"), Value(1.0, label="t")
w1, b1 = Value(0.5, label="w1"), Value(0.0, label="b1")
w2, b2 = Value(-3.0, label="w2"), Value(1.0, label="b2")
loss = 0.5 * (w2 * (w1 * x + b1).relu() + b2 - t) ** 2
loss.backward()
print(f"L = {loss.data}")
print(", ".join(f"dL/d{v.label} = {v.grad:g}" for v in (w1, b1, w2, b2)))
assert (loss.data, w1.grad, b1.grad, w2.grad, b2.grad) == (4.5, 18.0, 9.0, -3.0, -3.0)  # the page's table

# %%
# The trace, drawn
# ----------------
#
# Inputs (leaves) are at the top, the loss at the bottom; each node sits one row above the operation
# that uses it, so the forward pass reads the drawing downwards, and the backward pass reads the same
# graph from the bottom up.
graph = graph_of(loss)
names = {n: _("{name}\n{value:g}\ngrad {grad:g}").format(name=d["label"] or d["op"], value=d["data"], grad=d["grad"])
         for n, d in graph.nodes(data=True)}
colors = {n: PALETTE[5] if not d["op"] else PALETTE[3] for n, d in graph.nodes(data=True)}

# Top to bottom, to fit a narrow page: each input sits one row above the operation that uses it, and
# the loss at the bottom. The input with the longest history sits straight above its operation, the
# others beside it: in turn left and right of the main chain, outwards on a side branch. No two
# edges cross.
(root,) = [n for n in graph if graph.out_degree(n) == 0]
row = nx.shortest_path_length(graph.reverse(), root)
column, side = {root: 0}, 1
for node in nx.dfs_preorder_nodes(graph.reverse(), root):  # each node after the operation it feeds
    inputs = sorted(graph.predecessors(node), key=lambda n: len(nx.ancestors(graph, n)), reverse=True)
    if column[node] == 0 and len(inputs) > 1:
        side = -side
    step = side if column[node] == 0 else (1 if column[node] > 0 else -1)
    for k, parent in enumerate(inputs):
        column.setdefault(parent, column[node] + k * step)

fig, ax = plt.subplots(figsize=(6, 7.8))
box = {}
for n in graph:
    box[n] = FancyBboxPatch((column[n] - 0.36, row[n] - 0.36), 0.72, 0.72, boxstyle="round,pad=0,rounding_size=0.12",
                            facecolor=colors[n], edgecolor="none")
    ax.add_patch(box[n])
    ax.text(column[n], row[n], names[n], ha="center", va="center", linespacing=1.15)
for u, v in graph.edges:
    ax.add_patch(FancyArrowPatch((column[u], row[u]), (column[v], row[v]), patchA=box[u], patchB=box[v], shrinkA=1,
                                 shrinkB=1, arrowstyle="-|>", mutation_scale=14, color="0.45", linewidth=1.2))
ax.set(xlim=(min(column.values()) - 0.5, max(column.values()) + 0.5), ylim=(-0.5, max(row.values()) + 0.5))
ax.set_title(_("Trace of L: inputs (blue) and operations (orange),\nwith their value and gradient"))
ax.axis("off")
plt.show()

# %%
# The graph has one node per input, one per constant (the ``0.5``, and the ``-1`` by which the
# subtraction multiplies ``t``: it is written as the addition of a negated value) and one per
# operation actually executed. Its size grows with the length of the computation, not with the size
# of a formula: this is what keeps reverse mode cheap.
print(_("{nodes} nodes, {edges} edges").format(nodes=graph.number_of_nodes(), edges=graph.number_of_edges()))
