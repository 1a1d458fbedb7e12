"""
Time against problem size: where a GPU overtakes a CPU
======================================================

A GPU is not faster at everything. Launching work on it costs a few microseconds, so tiny matrix
products finish sooner on the CPU; only when there is enough work to fill its thousands of lanes does
the GPU pull ahead. We time a matrix product and an element-wise addition over growing sizes on this
machine's CPU, beside the GPU run recorded in ``labkit/hardware/records/`` (or, if none is recorded,
the fastest times the GPU's datasheet allows). Then we ask what parallelism alone buys: the same work
on one CPU core and on all of them.
"""

# %%
# Matrix product and element-wise addition on this CPU
# ----------------------------------------------------
#
# Every point is the median of repeated runs on one core; the bars span the middle half of the runs.
import matplotlib.pyplot as plt
import numpy as np

from labkit.hardware import (
    SPEC_GPU, Workload, curve, provenance, recorded_gpu_run, run_sweep, spec_roofline, thread_scaling,
)
from labkit.plotting import PALETTE, use_style

use_style()

workloads = [Workload.matmul(n) for n in (16, 32, 64, 128, 256, 512)]
workloads += [Workload.elementwise(n) for n in 4 ** np.arange(5, 12)]
here = run_sweep(["cpu"], repeats=3, workloads=workloads, threads=1)  # one core: steady timings
gpu_run = recorded_gpu_run()
print(f"CPU: {provenance(here, 'cpu')}")
print(f"GPU: {provenance(gpu_run, 'cuda')}" if gpu_run else "GPU: no GPU run recorded yet; datasheet bounds only")

# %%
# Time against size, CPU and GPU
# ------------------------------
#
# The GPU line is measured if a GPU run is recorded; otherwise it is the datasheet's lower bound, the
# larger of FLOPs over peak FLOP/s and bytes over bandwidth, which leaves out the launch cost and so
# flatters small work.
peak, bandwidth = spec_roofline(SPEC_GPU, "float32")
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for ax, kind, unit in zip(axes, ("matmul", "elementwise"), ("matrix side n", "number of elements")):
    c = curve(here, "cpu", kind)
    ax.errorbar(c["size"], c["median_s"], yerr=[c["median_s"] - c["q1_s"], c["q3_s"] - c["median_s"]],
                marker="o", color=PALETTE[0], label="one core of this CPU (measured)")
    if gpu_run:
        for device, colour, label in (("cuda", PALETTE[1], "GPU (recorded)"), ("cpu", PALETTE[2], "GPU's host CPU (recorded)")):
            g = curve(gpu_run, device, kind)
            ax.loglog(g["size"], g["median_s"], marker="s", color=colour, label=label)
    else:
        bound = np.maximum(c["flops"] / peak, c["bytes"] / bandwidth)
        ax.loglog(c["size"], bound, linestyle="--", color=PALETTE[1], label=f"{SPEC_GPU}, datasheet bound")
    ax.set_xscale("log")
    ax.set_yscale("log")
    if kind == "matmul":  # few sizes: label each one, without the crowded minor ticks
        ax.set_xticks(c["size"], [str(n) for n in c["size"]])
        ax.minorticks_off()
    ax.set_xlabel(unit)
    ax.set_title({"matmul": "matrix product", "elementwise": "element-wise addition"}[kind])
    ax.legend(fontsize=8)
axes[0].set_ylabel("seconds per call")
plt.show()

# %%
# Where the GPU overtakes: the smallest size at which the recorded GPU beats the CPU, for each
# workload, both measured on the GPU machine with all its CPU cores. Below it, the launch and
# synchronisation cost more than the work.
if gpu_run:
    for kind in ("matmul", "elementwise"):
        g, h = curve(gpu_run, "cuda", kind), curve(gpu_run, "cpu", kind)
        common, gi, hi = np.intersect1d(g["size"], h["size"], return_indices=True)
        faster = common[g["median_s"][gi] < h["median_s"][hi]]
        print(f"{kind}: GPU faster than its host CPU from size {faster.min() if faster.size else 'never'}; "
              f"smallest GPU time {g['median_s'].min() * 1e6:.1f} us")
else:
    print("no GPU run recorded: the crossover needs a measured GPU")

# %%
# What parallelism alone buys
# ---------------------------
#
# The same two workloads at their largest size, on one thread and on all of them. A matrix product
# reuses each number it loads many times, so more cores make it faster. An addition loads two
# numbers per operation: once memory is the limit, extra cores wait for it. (On a machine busy with
# other work, threads also wait for each other, and the speed-up can even fall below 1.)
rows = thread_scaling([Workload.matmul(512), Workload.elementwise(4**11)], repeats=3)
speedups = {}
for one, every in zip(rows[::2], rows[1::2]):
    speedups[f"{one['kind']}\n(size {one['size']})"] = one["median_s"] / every["median_s"]
    print(f"{one['kind']} of size {one['size']}: speed-up of {every['threads']} threads over 1 = "
          f"{one['median_s'] / every['median_s']:.2f}")
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.bar(list(speedups), list(speedups.values()), color=PALETTE[:len(speedups)])
ax.axhline(1, color="black", linewidth=1)
ax.set_ylabel("speed-up over one thread")
ax.set_title(f"All {rows[1]['threads']} threads against one")
plt.show()
