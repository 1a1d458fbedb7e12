"""
The tools side by side: plain torch, DGL and PyTorch Geometric
==============================================================

Which library should one use for deep learning on graphs? The main ones compute the same thing:
a round of message passing, gather along the edges, aggregate, update. We write the same two-layer
GCN three times, in plain torch with ``labkit.graphs``, in DGL and in PyTorch Geometric (PyG), start
the three from the same weights, train them on Zachary's karate club with the same loop, and
compare their predictions. Then we list the libraries named in the course, most of which are not
in Python with PyTorch and are described here, not run.
"""

# %%
# The same network, three times
# -----------------------------
#
# ``to_dgl`` and ``to_pyg`` convert a ``labkit.graphs.Graph``. DGL's ``GraphConv`` stores its weight
# as ``(in, out)`` like labkit; PyG's ``GCNConv`` stores the transpose. DGL does not add
# self-loops itself: we add them to its graph, as GCN requires.
import os

os.environ.setdefault("DGLBACKEND", "pytorch")

import numpy as np
import pandas as pd
import torch
import torch_geometric

from labkit.graphs import GCN, Graph, has_dgl, load_karate_club, to_dgl, to_pyg, train_node_classifier
from labkit.i18n import _
from labkit.training import accuracy_of

# DGL is optional (labkit[dgl]: Linux, Python 3.10-3.12): without it, labkit and PyG are compared alone.
WITH_DGL = has_dgl()
if not WITH_DGL:
    print(_("DGL is not installed: this comparison shows labkit and PyG only "
            "(pip install 'labkit[dgl]' adds DGL, on Linux with Python 3.10-3.12)."))

edge_index, y, train_nodes = load_karate_club()
graph, x = Graph(edge_index, 34), torch.eye(34)
y, train_nodes = torch.from_numpy(y), torch.from_numpy(train_nodes)

ours = GCN([34, 16, 2], seed=0)

if WITH_DGL:
    import dgl

    dgl_graph = dgl.add_self_loop(to_dgl(graph))
    dgl_layers = torch.nn.ModuleList([dgl.nn.GraphConv(34, 16, norm="both"), dgl.nn.GraphConv(16, 2, norm="both")])
pyg_data = to_pyg(graph)
pyg_layers = torch.nn.ModuleList([torch_geometric.nn.GCNConv(34, 16), torch_geometric.nn.GCNConv(16, 2)])
with torch.no_grad():
    for i, mine in enumerate(ours.layers):
        if WITH_DGL:
            dgl_layers[i].weight.copy_(mine.weight)
        pyg_layers[i].lin.weight.copy_(mine.weight.T)


def dgl_forward():
    return dgl_layers[1](dgl_graph, torch.relu(dgl_layers[0](dgl_graph, x)))


def pyg_forward():
    h = torch.relu(pyg_layers[0](x, pyg_data.edge_index))
    return pyg_layers[1](h, pyg_data.edge_index)


with torch.no_grad():
    before = ours(graph, x)
    pyg_gap = (before - pyg_forward()).abs().max()
    if WITH_DGL:
        print(_("before training, largest difference: DGL {dgl:.1e}, PyG {pyg:.1e}").format(
            dgl=(before - dgl_forward()).abs().max(), pyg=pyg_gap))
    else:
        print(_("before training, largest difference: PyG {pyg:.1e}").format(pyg=pyg_gap))

# %%
# Same training, same predictions
# -------------------------------
#
# ``train_node_classifier`` takes any function that returns the logits of every node, so one loop
# trains the three models: Adam, 100 full-batch steps, on the two labelled members.
runs = {"labkit (plain torch)": (lambda: ours(graph, x), ours.parameters())}
if WITH_DGL:
    runs["DGL"] = (dgl_forward, dgl_layers.parameters())
runs["PyG"] = (pyg_forward, pyg_layers.parameters())
results = {}
for name, (forward, parameters) in runs.items():
    losses = train_node_classifier(forward, parameters, y, train_nodes, epochs=100, lr=0.01)
    with torch.no_grad():
        logits = forward()
    results[name] = {"final loss": losses[-1], "accuracy": accuracy_of(logits, y),
                     "logits": logits}
reference = results["labkit (plain torch)"]["logits"]
# The table's words, in the reader's language; two columns are also read by the code below.
SHOWN = {"labkit (plain torch)": _("labkit (plain torch)"), "DGL": "DGL", "PyG": "PyG"}
LARGEST, SAME = _("max |logit difference| vs labkit"), _("same predictions")
table = pd.DataFrame({SHOWN[name]: {_("final loss"): r["final loss"], _("accuracy (34 members)"): r["accuracy"],
                                    LARGEST: (r["logits"] - reference).abs().max().item(),
                                    SAME: bool(torch.equal(r["logits"].argmax(1), reference.argmax(1)))}
                      for name, r in results.items()}).T
table

# %%
# After 100 steps the three sets of logits still agree to within ``1e-5``, the code checks it, and
# the three give the same predictions: the libraries sum in different orders, and that is the only
# difference.
print(table.to_string(float_format=lambda v: _("{v:.2g}").format(v=v)))
assert table[LARGEST].max() < 1e-5 and table[SAME].all(), table

# %%
# The graph libraries named in the course
# ---------------------------------------
#
# The student answer to this question named seven tools. "PyTorch GNN" is not one: on PyTorch the
# libraries are DGL and PyG. Maintenance status as of 2026.
library = _("library")
libraries = pd.DataFrame(
    [["DGL", "Python", _("PyTorch (formerly also TensorFlow, MXNet)"),
      _("unmaintained since 2025 (last release 2.4, 2024)"), "g.update_all(message_fn, reduce_fn)"],
     ["PyTorch Geometric (PyG)", "Python", "PyTorch", _("maintained"),
      "MessagePassing: message(), aggregate(), update()"],
     ["Jraph", "Python", "JAX", _("little activity since 2022 (DeepMind)"),
      _("GraphsTuple and functions such as GraphNetwork(update_edge_fn, update_node_fn)")],
     ["Spektral", "Python", "TensorFlow / Keras", _("little activity since 2023"),
      _("Keras layers such as GCNConv()([x, a])")],
     ["Graph Nets", "Python", _("TensorFlow 1 and 2, Sonnet"), _("no release since 2020 (DeepMind)"),
      "modules.GraphNetwork(edge_model_fn, node_model_fn, global_model_fn)"],
     ["GeometricFlux.jl", "Julia", "Flux", _("superseded by GraphNeuralNetworks.jl"),
      _("layers such as GCNConv(in => out)")],
     ["GraphNeuralNetworks.jl", "Julia", _("Flux and Lux"), _("maintained"),
      "propagate(message, g, aggr; xi, xj)"]],
    columns=[library, _("language"), _("backend"), _("status"), _("message passing in one line")]).set_index(library)
pd.set_option("display.max_colwidth", None)  # whole cells: a cut one would be neither language
libraries
