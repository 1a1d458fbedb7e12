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
# Inputs (leaves) are on the left, the loss on the right; the layers of the drawing are the
# topological generations of the graph, the order in which the forward pass can compute them. The
# backward pass reads the same graph from right to left.
graph = graph_of(loss)
for layer, nodes in enumerate(nx.topological_generations(graph)):
    for node in nodes:
        graph.nodes[node]["layer"] = layer
position = nx.multipartite_layout(graph, subset_key="layer")
names = {n: _("{name}\n{value:g}\ngrad {grad:g}").format(name=d["label"] or d["op"], value=d["data"], grad=d["grad"])
         for n, d in graph.nodes(data=True)}
colors = [PALETTE[5] if not d["op"] else PALETTE[3] for _node, d in graph.nodes(data=True)]

fig, ax = plt.subplots(figsize=(10, 5.5))
nx.draw_networkx_edges(graph, position, ax=ax, arrows=True, arrowsize=12, node_size=1900, edge_color="0.45")
nx.draw_networkx_nodes(graph, position, ax=ax, node_size=1900, node_color=colors)
nx.draw_networkx_labels(graph, position, names, ax=ax, font_size=8)
ax.set_title(_("Trace of L: inputs (blue) and operations (orange), value and gradient"))
ax.axis("off")
plt.show()

# %%
# The graph has one node per input, one per constant (the ``0.5``, and the ``-1`` by which the
# subtraction multiplies ``t``: it is written as the addition of a negated value) and one per
# operation actually executed. Its size grows with the length of the computation, not with the size
# of a formula: this is what keeps reverse mode cheap.
print(_("{nodes} nodes, {edges} edges").format(nodes=graph.number_of_nodes(), edges=graph.number_of_edges()))
