"""
Batch size: throughput of an MLP training step, and the cost of copying data
============================================================================

One training step on one example is a chain of thin matrix-vector products: far too little work per
call to keep a processor busy. Batching stacks the examples into matrices, so each weight loaded from
memory serves the whole batch. We measure the throughput, in examples per second, of one SGD step of
an MLP (256 inputs, two hidden layers of 512 ReLU units, 10 classes) as the batch grows, on this CPU
and, from the recorded GPU run if there is one, on a GPU, where we also measure the share of each step
spent copying the batch from host memory to the GPU.
"""

# %%
# Throughput against batch size on this CPU
# -----------------------------------------
import matplotlib.pyplot as plt
import numpy as np

from labkit.hardware import Workload, curve, provenance, recorded_gpu_run, run_sweep
from labkit.i18n import _
from labkit.plotting import PALETTE, use_style

use_style()

# One CPU thread: steady timings even on a machine busy with other work.
here = run_sweep(["cpu"], repeats=7, workloads=[Workload.mlp_step(b) for b in (1, 4, 16, 64, 256, 1024)], threads=1)
cpu = curve(here, "cpu", "mlp_step")
gpu_run = recorded_gpu_run()
print(_("CPU: ") + provenance(here, "cpu"))
print(_("GPU: ") + provenance(gpu_run, "cuda") if gpu_run else _("GPU: no GPU run recorded yet"))
for b, t in zip(cpu["size"], cpu["median_s"]):
    print(_("batch {b:5d}: {ms:8.2f} ms per step, {rate:10.0f} examples/s").format(b=b, ms=t * 1e3, rate=b / t))

# %%
# While the fixed cost of each step (Python, the framework, launching each operation) dominates, the
# throughput rises steeply with the batch; once the core is busy, a bigger batch takes proportionally
# longer and the throughput levels off: compare the printed times. The assertion below holds this
# sentence to the measurement: the same 16-fold growth of the batch gains more at the start than at
# the end. A GPU has thousands of lanes to fill, so it needs far larger batches before its throughput
# levels off: the exercise of the course page finds hundreds of examples for a single layer on an H100.
throughput = dict(zip(cpu["size"].tolist(), (cpu["size"] / cpu["median_s"]).tolist()))
# The same 16-fold growth of the batch, at the start and at the end: it gains far more at the start.
assert throughput[16] / throughput[1] > 2 * throughput[1024] / throughput[64]
fig, ax = plt.subplots(figsize=(6, 4.6))
ax.loglog(cpu["size"], cpu["size"] / cpu["median_s"], marker="o", color=PALETTE[0], label=_("one core of this CPU, float32 (measured)"))
if gpu_run:
    for kind, color, label in (("mlp_step", PALETTE[1], _("GPU, data on the GPU (recorded)")),
                                ("mlp_step_with_copy", PALETTE[3], _("GPU, batch copied each step (recorded)"))):
        g = curve(gpu_run, "cuda", kind)
        ax.loglog(g["size"], g["size"] / g["median_s"], marker="s", color=color, label=label)
ax.set_xlabel(_("batch size"))
ax.set_ylabel(_("examples per second"))
ax.set_title(_("Throughput of one training step, float32"))
fig.legend(loc="outside lower center")
plt.show()

# %%
# The share of a step spent copying the batch to the GPU
# -------------------------------------------------------
#
# On the CPU the batch already lies in the memory the processor computes from: nothing is copied.
# A GPU computes from its own memory, so a batch read from host memory must first cross the bus.
# Comparing a step with the data already on the GPU and a step that copies it first gives the copy's
# share of the step time.
if gpu_run:
    on_gpu, copied = curve(gpu_run, "cuda", "mlp_step"), curve(gpu_run, "cuda", "mlp_step_with_copy")
    sizes, i, j = np.intersect1d(on_gpu["size"], copied["size"], return_indices=True)
    share = 1 - on_gpu["median_s"][i] / copied["median_s"][j]
    for b, s in zip(sizes, share):
        print(_("batch {b:5d}: copying takes {share:5.1f} % of the step").format(b=b, share=100 * max(s, 0)))
    fig, ax = plt.subplots()
    ax.semilogx(sizes, 100 * np.clip(share, 0, None), marker="o", color=PALETTE[3])
    ax.set_xlabel(_("batch size"))
    ax.set_ylabel(_("share of the step spent copying (%)"))
    gpu_name = gpu_run.environment["devices"]["cuda"]["name"]
    ax.set_title(_("Copying the batch to the GPU, float32\n{gpu}").format(gpu=gpu_name))
    plt.show()
else:
    print(_("no GPU run recorded: the copy share needs a measured GPU"))
