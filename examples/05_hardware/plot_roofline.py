"""
The roofline of this machine, and of two whole chips
====================================================

How fast can a processor run a given piece of work? The roofline model answers with two numbers: the
highest FLOP/s the arithmetic units reach, and the highest bytes/s memory delivers. A workload that
does few operations per byte it moves is limited by memory, however many arithmetic units wait for
it. We measure both ceilings on one core of the CPU that builds this page, in float32, and place matrix
products, element-wise additions, a convolution and MLP training steps on it. Then we compare two whole
chips of the same generation, a server CPU and a data-centre GPU, at each precision: from their
datasheets (the figure's title says so), and from a GPU run if one was recorded in ``labkit/hardware/records/``.
"""

# %%
# Measuring the two ceilings
# --------------------------
#
# The sweep times each workload with the honest harness of ``labkit.hardware``: warm-up runs, the
# device synchronised before each clock reading, the median of repeated runs. We use one core of the
# CPU: its timings stay steady even when the machine is busy with other work. The flat roof is the
# best float32 matrix product or convolution. The sloped roof is the bandwidth of the largest
# element-wise addition, whose arrays are far larger than the caches: it measures main memory.
import matplotlib.pyplot as plt
import numpy as np

from labkit.hardware import (
    SPEC_CPU, SPEC_GPU, SPECIFICATIONS, Workload, gpu_roofline, measured_peaks, provenance, ridge_point, roofline_bound,
    run_sweep, spec_roofline,
)
from labkit.i18n import _
from labkit.plotting import PALETTE, use_style

use_style()

workloads = ([Workload.matmul(n) for n in (16, 64, 256, 512)]
             + [Workload.elementwise(n) for n in (2**12, 2**16, 2**20, 2**24)]
             + [Workload.conv2d(8, 32, 32)] + [Workload.mlp_step(b) for b in (1, 32, 256)])
run = run_sweep(["cpu"], repeats=3, workloads=workloads, threads=1)
peaks = measured_peaks(run, "cpu")
peak, bandwidth = peaks["peak_flops"], peaks["bandwidth"]
ridge = ridge_point(peak, bandwidth)
print(provenance(run, "cpu"))
print(_("measured ceilings of one core, float32: {gflops:.1f} GFLOP/s, {gbs:.1f} GB/s").format(
    gflops=peak / 1e9, gbs=bandwidth / 1e9))
print(_("ridge point: {ridge:.2f} FLOP/byte").format(ridge=ridge))

# %%
# Each workload on the roofline
# -----------------------------
#
# Each point is a workload at its arithmetic intensity (FLOPs per byte) and its measured speed. The
# roof above it is the best it could do. The additions lie far left, left of the ridge point: their
# roof is the sloped one, set by memory bandwidth, not by arithmetic. Work whose data fits in the
# caches, which deliver more than main memory, may lie above the sloped roof: the smaller additions,
# and the MLP step on one example, whose weights stay in the caches from one step to the next. Large
# matrix products lie right of the ridge point, under the flat roof; the smallest product falls far
# below it, its work too short to keep the arithmetic units busy. The table printed below says which
# side of the ridge point each workload lies on.
for r in run.results:
    w = r.workload
    side = _("compute-bound") if w.intensity > ridge else _("memory-bound")
    row = _("{kind:12} size {size:>8}: {intensity:7.2f} FLOP/byte, {gflops:7.2f} GFLOP/s, ")
    print(row.format(kind=w.kind, size=w.size, intensity=w.intensity, gflops=r.flops_per_s / 1e9) + side)
rates = {(r.workload.kind, r.workload.size): r.flops_per_s for r in run.results}
# The sentences above hold with wide margins, even on a busy machine.
assert all(r.workload.intensity < ridge / 4 for r in run.results if r.workload.kind == "elementwise")
assert Workload.matmul(512).intensity > ridge and rates["matmul", 16] < peak / 4
assert rates["elementwise", 2**24] < peak / 10

styles = {"matmul": ("o", _("matrix product")), "elementwise": ("s", _("element-wise addition")),
          "conv2d": ("D", _("convolution")), "mlp_step": ("^", _("MLP training step"))}
intensity = np.logspace(-2, 3, 200)
fig, ax = plt.subplots(figsize=(6, 5.6))
ax.loglog(intensity, roofline_bound(intensity, peak, bandwidth), color="black",
          label=_("roofline of one core, float32 (measured)"))
for (kind, (marker, label)), color in zip(styles.items(), PALETTE):
    rows = [r for r in run.results if r.workload.kind == kind]
    ax.scatter([r.workload.intensity for r in rows], [r.flops_per_s for r in rows],
               marker=marker, color=color, label=label, zorder=3)
ax.axvline(ridge, color="grey", linestyle=":", linewidth=1)
ax.set_xlabel(_("arithmetic intensity (FLOP/byte)"))
ax.set_ylabel("FLOP/s")
ax.set_title(_("One core of this CPU, float32:\nmeasured roofline and workloads"))
fig.legend(loc="outside lower center")
plt.show()

# %%
# Two whole chips, at each precision
# ----------------------------------
#
# A fair comparison takes each chip whole, every core and its matrix units, at the same precision.
# The server CPU of the table on the course page has AVX-512 lanes for float32 and AMX tiles for
# bfloat16; the GPU has float32 lanes and tensor cores, which also take float32 inputs in TF32 (a
# lower precision: 10 bits of mantissa). The dotted, dashed and dash-dotted lines are the datasheets'
# rooflines; a solid line is the GPU's measured roofline, drawn only if a GPU run was recorded.
xeon, h100 = SPECIFICATIONS[SPEC_CPU], SPECIFICATIONS[SPEC_GPU]
chips = [(SPEC_CPU, "float32", PALETTE[0], ":"), (SPEC_CPU, "bfloat16 amx", PALETTE[0], "--"),
         (SPEC_GPU, "float32", PALETTE[1], ":"), (SPEC_GPU, "tf32 tensor", PALETTE[2], "-."),
         (SPEC_GPU, "bfloat16 tensor", PALETTE[1], "--")]
shown = {"float32": "float32", "bfloat16 amx": _("bfloat16 (AMX)"), "tf32 tensor": _("TF32 (tensor cores)"),
         "bfloat16 tensor": _("bfloat16 (tensor cores)")}  # the precisions in words, for the legend
fig, ax = plt.subplots(figsize=(6, 6))
for name, dtype, color, style in chips:
    ax.loglog(intensity, roofline_bound(intensity, *spec_roofline(name, dtype)), color=color, linestyle=style,
              label=_("{name}, {dtype}").format(name=name, dtype=shown[dtype]))  # the title says: datasheet
gpu = {dtype: gpu_roofline(dtype) for dtype in ("float32", "bfloat16")}
for (dtype, roof), color in zip(gpu.items(), PALETTE[3:]):
    if roof["measured"] and roof["peak_flops"]:
        ax.loglog(intensity, roofline_bound(intensity, roof["peak_flops"], roof["bandwidth"]), color=color,
                  label=_("{name}, {dtype} (measured)").format(name=roof["name"], dtype=dtype))
ax.set_xlabel(_("arithmetic intensity (FLOP/byte)"))
ax.set_ylabel("FLOP/s")
ax.set_title(_("Whole chips: datasheet rooflines by precision"))
fig.legend(loc="outside lower center")
plt.show()

# %%
# The ratios of the two datasheets, whole chip against whole chip: at the same precision, and for
# TF32 against the CPU's float32, a comparison between two precisions.
for gpu_dtype, cpu_dtype in (("float32", "float32"), ("bfloat16 tensor", "bfloat16 amx"), ("tf32 tensor", "float32")):
    g, c = spec_roofline(SPEC_GPU, gpu_dtype)[0], spec_roofline(SPEC_CPU, cpu_dtype)[0]
    line = _("{gpu} {gpu_dtype}: {g:6.1f} TFLOP/s against {cpu} {cpu_dtype}: {c:6.1f} TFLOP/s, ratio {ratio:5.1f} "
             "(datasheets)")
    print(line.format(gpu=SPEC_GPU, gpu_dtype=gpu_dtype, g=g / 1e12, cpu=SPEC_CPU, cpu_dtype=cpu_dtype, c=c / 1e12,
                      ratio=g / c))
print(_("memory bandwidth: {gpu:.2f} TB/s against {cpu:.0f} GB/s, ratio {ratio:.1f} (datasheets)").format(
    gpu=h100["bandwidth"] / 1e12, cpu=xeon["bandwidth"] / 1e9, ratio=h100["bandwidth"] / xeon["bandwidth"]))
if gpu["float32"]["measured"]:
    print(_("GPU measured: ") + gpu["float32"]["source"])
