"""
Time against problem size: where a GPU overtakes a CPU
======================================================

A GPU is not faster at everything. Each call pays for launching a kernel, and, when its data lives in
host memory, for copying it over the PCIe bus and back; only when there is enough work to hide these
fixed costs does the GPU pull ahead. We time a float32 matrix product and an element-wise addition over
growing sizes on this machine's CPU, and set them beside the GPU run recorded in
``labkit/hardware/records/`` or, if none is recorded, beside a *model* of the GPU's time built from
its datasheet, an assumed launch latency and the PCIe bandwidth, labelled as such.
"""

# %%
# Matrix product and element-wise addition on this CPU
# ----------------------------------------------------
#
# Every point is the median of repeated runs on one core; the bars span the middle half of the runs.
import matplotlib.pyplot as plt
import numpy as np

from labkit.hardware import (
    LAUNCH_LATENCY_S, SPEC_CPU, SPEC_GPU, SPECIFICATIONS, Workload, crossover, curve, offload_time, provenance,
    recorded_gpu_run, run_sweep, spec_roofline,
)
from labkit.i18n import _
from labkit.plotting import PALETTE, use_style

use_style()

workloads = [Workload.matmul(n) for n in (16, 32, 64, 128, 256, 512)]
workloads += [Workload.elementwise(n) for n in 4 ** np.arange(5, 12)]
here = run_sweep(["cpu"], repeats=3, workloads=workloads, threads=1)  # one core: steady timings
gpu_run = recorded_gpu_run()
print(_("CPU: ") + provenance(here, "cpu"))
print(_("GPU: ") + provenance(gpu_run, "cuda") if gpu_run else _("GPU: no GPU run recorded yet; a model from the datasheet"))

# %%
# Time against size, CPU and GPU, in float32
# ------------------------------------------
#
# Without a recorded GPU run, the GPU's lines are a model, not a measurement: an assumed launch
# latency of a few microseconds, plus the datasheet's roofline time (the larger of FLOPs over peak
# FLOP/s and bytes over bandwidth), plus, for the line "data in host memory", the inputs sent and the
# output returned over PCIe at the datasheet's bandwidth. The model leaves out PyTorch's own work on
# the host for each call, which a GPU call pays as well as a CPU call: it flatters the GPU on small
# work. The dotted line is the whole server CPU of the course page, on paper: its datasheet roofline,
# with no cost per call at all. The printed settings are the model's.
peak, bandwidth = spec_roofline(SPEC_GPU, "float32")
link = SPECIFICATIONS[SPEC_GPU]["host_link"]
settings = _("model of the {gpu}, float32: launch {launch:.0f} us (assumed), {tflops:.0f} TFLOP/s and {tbs:.2f} TB/s "
             "(datasheet), PCIe {link:.0f} GB/s each way (datasheet)")
print(settings.format(gpu=SPEC_GPU, launch=LAUNCH_LATENCY_S * 1e6, tflops=peak / 1e12, tbs=bandwidth / 1e12, link=link / 1e9))
model = {}
fig, axes = plt.subplots(2, 1, figsize=(6, 8.4))
for ax, kind, unit in zip(axes, ("matmul", "elementwise"), (_("matrix side n"), _("number of elements"))):
    c = curve(here, "cpu", kind)
    work = [Workload.matmul(int(n)) if kind == "matmul" else Workload.elementwise(int(n)) for n in c["size"]]
    ax.errorbar(c["size"], c["median_s"], yerr=[c["median_s"] - c["q1_s"], c["q3_s"] - c["median_s"]],
                marker="o", color=PALETTE[0], label=_("one core of this CPU (measured)"))
    xeon = np.array([max(w.flops / spec_roofline(SPEC_CPU, "float32")[0], w.bytes / SPECIFICATIONS[SPEC_CPU]["bandwidth"])
                     for w in work])
    ax.loglog(c["size"], xeon, linestyle=":", color=PALETTE[0], label=_("{cpu}, whole chip (datasheet bound)").format(cpu=SPEC_CPU))
    if gpu_run:
        for device, color, label in (("cuda", PALETTE[1], _("GPU (recorded)")), ("cpu", PALETTE[2], _("GPU's host CPU (recorded)"))):
            g = curve(gpu_run, device, kind)
            ax.loglog(g["size"], g["median_s"], marker="s", color=color, label=label)
    else:
        on_gpu = np.array([offload_time(w, peak, bandwidth) for w in work])
        from_host = np.array([offload_time(w, peak, bandwidth, link_bandwidth=link) for w in work])
        model[kind] = (c["size"], c["median_s"], on_gpu, from_host)
        ax.loglog(c["size"], on_gpu, linestyle="--", color=PALETTE[1], label=_("{gpu} model, data on the GPU").format(gpu=SPEC_GPU))
        ax.loglog(c["size"], from_host, linestyle="-.", color=PALETTE[3], label=_("{gpu} model, data in host memory").format(gpu=SPEC_GPU))
    ax.set_xscale("log")
    ax.set_yscale("log")
    if kind == "matmul":  # few sizes: label each one, without the crowded minor ticks
        ax.set_xticks(c["size"], [str(n) for n in c["size"]])
        ax.minorticks_off()
    ax.set_xlabel(unit)
    ax.set_ylabel(_("seconds per call"))
    ax.set_title({"matmul": _("matrix product, float32"), "elementwise": _("element-wise addition, float32")}[kind])
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center")  # the same lines in both panels
plt.show()

# %%
# Where the GPU overtakes
# -----------------------
#
# With a recorded run: the smallest size from which the GPU beats its own host CPU, both measured
# with all the host's cores. Without one: the smallest size from which the modelled GPU beats the
# core measured here, with the data already on the GPU and with the data in host memory, and stays
# faster at every larger size measured; "never" means not at the largest. Under the model a GPU call
# never takes less than the launch latency (asserted below): work that this core finishes in less
# time than that is done sooner on the CPU.
if gpu_run:
    for kind in ("matmul", "elementwise"):
        g, h = curve(gpu_run, "cuda", kind), curve(gpu_run, "cpu", kind)
        common, gi, hi = np.intersect1d(g["size"], h["size"], return_indices=True)
        n = crossover(common, g["median_s"][gi], h["median_s"][hi])
        line = _("{kind}: GPU faster than its host CPU from size {n}; smallest GPU time {us:.1f} us")
        print(line.format(kind=kind, n=n or _("never"), us=g["median_s"].min() * 1e6))
else:
    for kind, (sizes, cpu_s, on_gpu, from_host) in model.items():
        assert np.all(on_gpu >= LAUNCH_LATENCY_S)
        line = _("{kind}: modelled GPU faster than this core from size {on_gpu} with the data on the GPU, {from_host} "
                 "with the data in host memory")
        print(line.format(kind=kind, on_gpu=crossover(sizes, on_gpu, cpu_s) or _("never"),
                          from_host=crossover(sizes, from_host, cpu_s) or _("never")))
