"""
How fast is message passing written in plain torch?
===================================================

Is a from-scratch GCN layer fast enough to use? We time the forward and backward pass of one GCN
layer (64 features in and out) on random graphs from a thousand to a million edges, with ten edges
per node on average, five ways: labkit's layer (a sparse CSR product, forward and backward), the
textbook gather and ``index_add_`` scatter, DGL's ``GraphConv``, PyG's ``GCNConv``, and a dense
adjacency matrix, which needs memory for every pair of nodes. Each time is the median of five runs (two for the largest graph)
after a warm-up, on the machine that builds this site: the ratios matter more than the numbers.
"""

# %%
# Timing the five methods
# -----------------------
#
# ``benchmark_gcn_layer`` builds the random graph and each method's structures once, then times
# forward plus backward. The dense method stops when its matrix would pass 256 MB.
import matplotlib.pyplot as plt
import numpy as np

from labkit.graphs import benchmark_gcn_layer
from labkit.plotting import use_style

use_style()
sizes = [1_000, 10_000, 100_000, 1_000_000]
methods = {"labkit": "labkit (CSR)", "scatter": "gather + index_add_", "dgl": "DGL GraphConv",
           "pyg": "PyG GCNConv", "dense": "dense adjacency"}
times = {m: [] for m in methods}
for edges in sizes:
    nodes = edges // 10
    for m in methods:
        fits = m != "dense" or 4 * nodes**2 <= 256 * 2**20
        times[m].append(benchmark_gcn_layer(edges, m, repeats=5 if edges < 10**6 else 2) if fits else np.nan)
    print(f"{edges:>9,} edges: " + ", ".join(f"{m} {1e3 * times[m][-1]:.2f} ms" for m in methods))

# %%
# Time and memory against the size of the graph
# ---------------------------------------------
#
# The sparse methods grow linearly with the number of edges; the dense product grows with the
# square of the number of nodes, in time and in memory. The memory shown is that of the graph
# structure each method keeps: two CSR matrices (the adjacency and its transpose) for labkit, one
# ``n x n`` float32 matrix for the dense product.
nodes = np.array(sizes) // 10
memory = {"sparse (labkit CSR, A and its transpose)": 2 * (12 * (np.array(sizes) + nodes) + 8 * (nodes + 1)),
          "dense adjacency": 4.0 * nodes**2}
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
for m, label in methods.items():
    ax1.plot(sizes, 1e3 * np.array(times[m]), marker="o", label=label)
ax1.set_xscale("log")
ax1.set_yscale("log")
ax1.set_xlabel("number of edges (nodes = edges / 10)")
ax1.set_ylabel("forward + backward (ms)")
ax1.set_title("One GCN layer, 64 features")
ax1.legend()
for label, bytes_ in memory.items():
    ax2.plot(sizes, bytes_ / 2**20, marker="o", label=label)
ax2.axhline(256, color="0.5", linestyle=":", label="256 MB")
ax2.set_xscale("log")
ax2.set_yscale("log")
ax2.set_xlabel("number of edges (nodes = edges / 10)")
ax2.set_ylabel("graph structure (MB)")
ax2.set_title("Memory of the adjacency")
ax2.legend()
plt.show()

# %%
# The ratios at 100,000 edges
# ---------------------------
#
# labkit's layer keeps the adjacency and its transpose in CSR, so that both the forward product and
# the backward product are one sparse kernel each. The gather and scatter form, the clearest to
# read, moves one message per edge through memory and is several times slower.
i = sizes.index(100_000)
for m in ("scatter", "dgl", "pyg"):
    print(f"at 100,000 edges, labkit / {methods[m]}: {times['labkit'][i] / times[m][i]:.2f}")
