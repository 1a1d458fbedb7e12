"""
The roofline of this machine, and of a GPU
==========================================

How fast can a processor run a given piece of work? The roofline model answers with two measured
numbers: the highest FLOP/s the arithmetic units reach, and the highest bytes/s memory delivers. A
workload that does few operations per byte it moves is limited by memory, whatever the number of
cores. We measure both ceilings on the CPU that builds this page, place matrix products, element-wise
additions, a convolution and MLP training steps on it, and draw a GPU's roofline beside it: measured,
if a GPU run was recorded in ``labkit/hardware/records/``, otherwise the vendor's datasheet, labelled
as such.
"""

# %%
# Measuring the two ceilings
# --------------------------
#
# The sweep times each workload with the honest harness of ``labkit.hardware``: warm-up runs, the
# device synchronised before each clock reading, the median of repeated runs. We use one core of the
# CPU: its timings stay steady even when the machine is busy with other work. The FLOP/s ceiling is
# the best matrix product or convolution, the bandwidth ceiling the best element-wise addition, which
# does one addition per 12 bytes moved.
import matplotlib.pyplot as plt
import numpy as np

from labkit.hardware import Workload, gpu_roofline, provenance, ridge_point, roofline_bound, run_sweep
from labkit.plotting import PALETTE, use_style

use_style()

workloads = ([Workload.matmul(n) for n in (16, 64, 256, 1024)]
             + [Workload.elementwise(n) for n in (2**12, 2**16, 2**20, 2**22)]
             + [Workload.conv2d(8, 32, 32)] + [Workload.mlp_step(b) for b in (1, 32, 256)])
run = run_sweep(["cpu"], repeats=3, workloads=workloads, threads=1)
peak, bandwidth = run["peaks"]["cpu"]["peak_flops"], run["peaks"]["cpu"]["bandwidth"]
print(provenance(run, "cpu"))
print(f"measured ceilings: {peak / 1e9:.1f} GFLOP/s (float32), {bandwidth / 1e9:.1f} GB/s")
print(f"ridge point: {ridge_point(peak, bandwidth):.2f} FLOP/byte")

# %%
# Each workload on the roofline
# -----------------------------
#
# Each point is a workload at its arithmetic intensity (FLOPs per byte) and its measured speed. The
# roof above it is the best it could do. Element-wise additions sit far left, under the sloped roof:
# more cores would not help them, only more bandwidth. Large matrix products sit right, under the
# flat roof. Small ones fall well below it: the work is too short to keep every unit busy.
styles = {"matmul": ("o", "matrix product"), "elementwise": ("s", "element-wise addition"),
          "conv2d": ("D", "convolution"), "mlp_step": ("^", "MLP training step")}
intensity = np.logspace(-2, 3, 200)
fig, ax = plt.subplots()
ax.loglog(intensity, roofline_bound(intensity, peak, bandwidth), color="black", label="roofline of one core (measured)")
for (kind, (marker, label)), colour in zip(styles.items(), PALETTE):
    rows = [r for r in run["results"] if r["kind"] == kind ]
    ax.scatter([r["intensity"] for r in rows], [r["flops"] / r["median_s"] for r in rows],
               marker=marker, color=colour, label=label, zorder=3)
ax.set_xlabel("arithmetic intensity (FLOP/byte)")
ax.set_ylabel("FLOP/s")
ax.set_title("One core of this CPU: measured roofline and workloads")
ax.legend(loc="lower right")
plt.show()

# %%
# A GPU's roofline beside it
# --------------------------
#
# A data-centre GPU raises both roofs: tens of times more FLOP/s, ten times more bandwidth from its
# stacked HBM memory. Its tensor cores raise the flat roof again for bfloat16 and float16 matrix
# products. The GPU's figures below come from the recorded run if there is one, otherwise from the
# datasheet: the legend says which.
gpu = {dtype: gpu_roofline(dtype) for dtype in ("float32", "bfloat16")}
fig, ax = plt.subplots()
ax.loglog(intensity, roofline_bound(intensity, peak, bandwidth), color=PALETTE[0], label="one core of this CPU, float32 (measured)")
kind = "measured" if gpu["float32"]["measured"] else "datasheet"
for (dtype, roof), colour in zip(gpu.items(), PALETTE[1:]):
    if roof["peak_flops"]:
        ax.loglog(intensity, roofline_bound(intensity, roof["peak_flops"], roof["bandwidth"]), color=colour,
                  linestyle="-" if roof["measured"] else "--", label=f"{roof['name']}, {dtype} ({kind})")
ax.set_xlabel("arithmetic intensity (FLOP/byte)")
ax.set_ylabel("FLOP/s")
ax.set_title(f"CPU measured here, GPU {kind}")
ax.legend(loc="lower right", fontsize=8)
plt.show()

# %%
# The source of the GPU's numbers, and how far apart the two machines are:
print(f"GPU: {gpu['float32']['source']}")
for dtype, roof in gpu.items():
    if roof["peak_flops"]:
        print(f"GPU {dtype} ({kind}): {roof['peak_flops'] / 1e12:.0f} TFLOP/s, "
              f"{roof['peak_flops'] / peak:.0f} x the FLOP/s measured on one core of this CPU")
print(f"GPU bandwidth ({kind}): {gpu['float32']['bandwidth'] / 1e12:.2f} TB/s, "
      f"{gpu['float32']['bandwidth'] / bandwidth:.0f} x the bandwidth measured on one core of this CPU")
