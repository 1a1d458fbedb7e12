"""
How fast is message passing written in plain torch?
===================================================

Is a from-scratch GCN layer fast enough to use? We time the forward and backward pass of one GCN
layer (64 features in and out) on random graphs from a thousand to a million edges, with ten edges
per node on average, six ways: labkit's layer (a sparse CSR product, forward and backward), the
textbook gather and ``index_add_`` scatter, DGL's ``GraphConv``, PyG's ``GCNConv`` as its tutorials
use it, the same ``GCNConv`` given the normalised adjacency as a sparse matrix, and a dense
adjacency matrix, which needs memory for every pair of nodes. Every method runs on one CPU thread;
each time is the median of five rounds (three for the largest graph) after a warm-up, the methods
taking turns within a round, on the machine that builds this site: the ratios matter more than the
times.
"""

# %%
# Timing the six methods
# ----------------------
#
# ``benchmark_gcn_layer`` builds the random graph and what each method keeps between calls once,
# then times forward plus backward. The dense method stops when its matrix would pass 256 MB.
import matplotlib.pyplot as plt
import numpy as np

from labkit.graphs import benchmark_gcn_layer, benchmark_graph, gcn_structure_bytes, has_dgl
from labkit.i18n import _
from labkit.plotting import use_style

use_style()
sizes = [1_000, 10_000, 100_000, 1_000_000]
methods = {"labkit": "labkit (CSR)", "scatter": _("gather + index_add_"), "dgl": "DGL GraphConv",
           "pyg": "PyG GCNConv (edge_index)", "pyg_sparse": _("PyG GCNConv (sparse adj_t)"),
           "dense": _("dense adjacency")}
if not has_dgl():  # DGL is optional (labkit[dgl]: Linux, Python 3.10-3.12): the other methods are timed
    print(_("DGL is not installed: this benchmark times the other methods only "
            "(pip install 'labkit[dgl]' adds DGL, on Linux with Python 3.10-3.12)."))
    del methods["dgl"]
times = {m: [] for m in methods}
for edges in sizes:
    nodes = edges // 10
    fitting = [m for m in methods if m != "dense" or 4 * nodes**2 <= 256 * 2**20]
    measured = benchmark_gcn_layer(edges, fitting, repeats=5 if edges < 10**6 else 3)
    for m in methods:
        times[m].append(measured.get(m, np.nan))
    timed = ", ".join(_("{method} {ms:.2f} ms").format(method=m, ms=1e3 * times[m][-1]) for m in methods)
    print(_("{edges:>9,} edges: {timed}").format(edges=edges, timed=timed))

# %%
# Time and memory against the size of the graph
# ---------------------------------------------
#
# On a log-log plot, a time proportional to the number of edges is a line of slope 1, and a time
# proportional to its square a line of slope 2. The code prints each method's slope, its growth
# exponent, between 100,000 and a million edges (the dense product: between the two smallest
# graphs, the only ones where its matrix fits) and checks that every sparse method's stays below 2.
# The work of a sparse method is proportional to the number of edges, but its time need not be: as
# the graph grows, its node vectors outgrow the processor's caches and more and more edges read their
# source's row from main memory; on a shared machine, the load may also change between two sizes. The memory shown is
# that of the graph structure each method keeps: for labkit, two CSR matrices (the adjacency and its
# transpose), measured by ``gcn_structure_bytes`` on the graph that was timed (``benchmark_graph``);
# for the dense product, one ``n x n`` float32 matrix, whose memory grows with the square of the
# number of nodes.
exponent = {m: np.polyfit(np.log(sizes[2:]), np.log(times[m][2:]), 1)[0] for m in methods if m != "dense"}
exponent["dense"] = np.polyfit(np.log(sizes[:2]), np.log(times["dense"][:2]), 1)[0]
grown = ", ".join(_("{method} {exponent:.2f}").format(method=m, exponent=e) for m, e in exponent.items())
print(_("growth exponents: {exponents}").format(exponents=grown))
assert all(e < 2 for m, e in exponent.items() if m != "dense"), exponent

nodes = np.array(sizes) // 10
sparse = np.array([gcn_structure_bytes(benchmark_graph(e)) for e in sizes])  # the graphs timed above
memory = {_("sparse (labkit CSR, A and its transpose)"): sparse, _("dense adjacency"): 4.0 * nodes**2}
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(6, 7.6), sharex=True)  # time above memory
for m, label in methods.items():
    ax1.plot(sizes, 1e3 * np.array(times[m]), marker="o", label=label)
ax1.set_xscale("log")
ax1.set_yscale("log")
ax1.set_ylabel(_("forward + backward (ms)"))
ax1.set_title(_("One GCN layer, 64 features, one thread"))
# Headroom above the slowest time, for the legend: every time grows with the graph, so the top left stays empty.
ax1.set_ylim(top=30 * np.nanmax([1e3 * np.array(times[m]) for m in methods]))
ax1.legend(loc="upper left")
for label, bytes_ in memory.items():
    ax2.plot(sizes, bytes_ / 2**20, marker="o", label=label)
ax2.axhline(256, color="0.5", linestyle=":", label=_("256 MB"))
ax2.set_xscale("log")
ax2.set_yscale("log")
ax2.set_xlabel(_("number of edges (nodes = edges / 10)"))
ax2.set_ylabel(_("graph structure (MB)"))
ax2.set_title(_("Memory of the adjacency"))
fig.align_ylabels()
fig.legend(*ax2.get_legend_handles_labels(), loc="outside lower center")  # the 256 MB line crosses the axes
plt.show()

# %%
# The ratios, graph by graph
# --------------------------
#
# labkit's layer keeps the adjacency and its transpose in CSR, so that both the forward product and
# the backward product are one sparse kernel each. The gather and scatter form, the clearest to
# read, writes one message per edge to memory and reads it back: the code checks that it is at
# least twice as slow as labkit's layer on the two largest graphs, and that labkit's layer stays
# within a factor of three of DGL's there. The printed ratios say which of the two is faster at each
# size: a value above one means that labkit is the slower one. PyG's ``GCNConv`` called with an
# ``edge_index``, as in its tutorials, normalises the graph again at every call (its default
# ``cached=False``) and passes messages by gather and scatter; given once the normalised adjacency
# as a sparse CSR matrix, it does one sparse product instead: the code checks that this path is at
# least one and a half times faster on the two largest graphs.
for i, edges in enumerate(sizes):
    ratios = {m: times["labkit"][i] / times[m][i] for m in ("scatter", "dgl", "pyg_sparse") if m in methods}
    shown = ", ".join(_("{method}: {ratio:.2f}").format(method=methods[m], ratio=r) for m, r in ratios.items())
    line = _("{edges:>9,} edges, labkit / {ratios}; PyG edge_index / sparse adj_t: {pyg:.2f}")
    print(line.format(edges=edges, ratios=shown, pyg=times["pyg"][i] / times["pyg_sparse"][i]))
for i in (2, 3):
    assert times["scatter"][i] > 2 * times["labkit"][i], times
    assert "dgl" not in methods or 1 / 3 < times["labkit"][i] / times["dgl"][i] < 3, times
    assert times["pyg"][i] > 1.5 * times["pyg_sparse"][i], times
