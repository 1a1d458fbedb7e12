"""What the course's figures draw, prepared from runs: a workload's curve, the GPU's roofline.

:func:`curve` turns one workload's results into arrays sorted by size; :func:`gpu_roofline` gives the
GPU roofline the page and the gallery draw, measured when a GPU run is recorded, else the datasheet's
of :data:`SPEC_GPU`, labelled as such.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .._checks import Choice, Instance, Optional, Text
from .._contract import contract
from ..i18n import _
from .results import Run, provenance
from .roofline import SPECIFICATIONS, _peaks, spec_roofline  # SPECIFICATIONS: read by a doctest
from .storage import _Path, recorded_gpu_run
from .workloads import _KINDS, ITEMSIZE

#: The GPU whose datasheet stands in until a GPU run is recorded.
SPEC_GPU = "NVIDIA H100 SXM5 80GB"
#: The server CPU of the same generation whose datasheet the course compares it with, whole against whole.
SPEC_CPU = "Intel Xeon Platinum 8480+"


@contract(run=Instance(Run, what="a labkit.hardware.Run"), device=Text(), kind=Choice(*_KINDS),
          dtype=Choice(*ITEMSIZE, "uint8"))
def curve(run: Run, device: str, kind: str, dtype: str = "float32") -> dict[str, np.ndarray]:
    """One workload's results in a run as arrays sorted by size, ready to plot.

    Keys: ``size``, ``median_s``, ``q1_s``, ``q3_s``, ``flops``, ``bytes``; thread-scaling results are
    left out. Empty arrays if the run has no such result; ``kind`` must be a workload kind and
    ``device`` one of the run's devices.

    >>> from labkit.hardware import Workload, run_sweep
    >>> run = run_sweep("cpu", repeats=1, workloads=[Workload.matmul(8), Workload.matmul(4)], threads=1)
    >>> curve(run, "cpu", "matmul")["size"]
    array([4, 8])
    """
    devices = {r.device for r in run.results} | set(run.environment["devices"])
    if device not in devices:
        raise ValueError(f"device must be one of the run's devices {sorted(devices)}, got {device!r}")
    rows = sorted((r for r in run.results if (r.device, r.workload.kind, r.workload.dtype) == (device, kind, dtype)
                   and not r.thread_scaling), key=lambda r: r.workload.size)
    size = np.array([r.workload.size for r in rows], dtype=np.int64)
    timings = {k: np.array([getattr(r.timing, k) for r in rows], dtype=np.float64) for k in ("median_s", "q1_s", "q3_s")}
    counts = {k: np.array([getattr(r.workload, k) for r in rows], dtype=np.float64) for k in ("flops", "bytes")}
    return {"size": size, **timings, **counts}


@contract(dtype=Choice("float32", "bfloat16", "float16"), directory=Optional(_Path("directory")))
def gpu_roofline(dtype: str = "float32", directory: str | Path | None = None) -> dict[str, Any]:
    """The GPU roofline the course draws: measured if a GPU run is recorded, else the H100's datasheet.

    Returns the device ``name``, ``peak_flops`` for ``dtype``, ``bandwidth``, whether the numbers were
    ``measured``, and their ``source``: the run's :func:`provenance`, or a label saying they are the
    vendor's specification. bfloat16 and float16 are the tensor-core figures. ``directory`` holds the
    recorded runs (it must exist; by default :data:`RECORDS`).

    >>> import tempfile
    >>> roof = gpu_roofline("float32", directory=tempfile.mkdtemp())  # no run recorded there
    >>> roof["measured"], roof["peak_flops"] / 1e12, roof["source"].startswith("specification")
    (False, 67.0, True)
    >>> roof["source"].endswith(SPECIFICATIONS[SPEC_GPU]["source"])  # the datasheets named in the message
    True
    """
    run = recorded_gpu_run(directory)
    if run is not None:
        peaks = _peaks(run.results, "cuda")
        return {"name": run.environment["devices"]["cuda"]["name"], "measured": True,
                "peak_flops": peaks["peak_flops_by_dtype"].get(dtype), "bandwidth": peaks["bandwidth"],
                "source": provenance(run, "cuda")}
    peak, bandwidth = spec_roofline(SPEC_GPU, dtype if dtype == "float32" else f"{dtype} tensor")
    return {"name": SPEC_GPU, "measured": False, "peak_flops": peak, "bandwidth": bandwidth,
            "source": _("specification, not a measurement: NVIDIA H100 Tensor Core GPU datasheet and Hopper "
                        "architecture whitepaper (2022)")}
