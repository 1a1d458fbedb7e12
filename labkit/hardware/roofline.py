"""The roofline model (Williams, Waterman & Patterson, 2009): what limits a workload's speed.

A device does at most ``peak`` FLOP/s and moves at most ``bandwidth`` bytes/s to and from memory. A
workload doing ``I`` FLOPs per byte moved (its arithmetic intensity) therefore runs at most at
``min(peak, I * bandwidth)`` FLOP/s. Below the *ridge point* ``peak / bandwidth`` the work is
memory-bound, above it compute-bound. Both ceilings are measured here by the harness itself; the
vendors' figures are kept apart, in :data:`SPECIFICATIONS`, and labelled as such.

A fair comparison of two processors takes each one whole (every core, its matrix units) at the same
precision: :func:`spec_roofline` names the precision with each peak ("float32" on vector lanes,
"tf32 tensor", "bfloat16 tensor" on a GPU's tensor cores, "bfloat16 amx" on a CPU's matrix tiles).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import Array, Choice, Instance, Real, Text
from .._contract import contract
from .results import Result, Run

#: Vendors' published figures (specifications, not measurements) for one server CPU and one GPU of the
#: same generation, each taken whole. Peaks are dense (no structured sparsity: NVIDIA's datasheet
#: prints tensor-core peaks with sparsity, twice these). The CPU's peaks are computed from Intel's
#: figures at the 2.0 GHz base clock (nominal: all-core turbo runs faster, heavy AVX-512 and AMX code
#: may run slower):
#: float32, 56 cores x 2 AVX-512 FMA units x 16 lanes x 2 FLOPs per cycle; bfloat16 on the AMX tiles,
#: 56 cores x 1,024 FLOPs per cycle. ``host_link``: bytes/s between host memory and the GPU in one
#: direction (PCIe Gen5 x16: the datasheet's 128 GB/s counts both directions).
SPECIFICATIONS: dict[str, dict[str, Any]] = {
    "NVIDIA H100 SXM5 80GB": {
        "source": "NVIDIA H100 Tensor Core GPU datasheet and Hopper architecture whitepaper (2022)",
        "cores": "132 SMs, 16,896 FP32 lanes (128 per SM), 528 tensor cores",
        "threads": "32 threads per warp, up to 64 warps (2,048 threads) per SM",
        "cache": "256 KB L1/shared memory per SM, 50 MB L2",
        "memory": "80 GB HBM3",
        "power_w": 700,
        "bandwidth": 3.35e12,
        "host_link": 64e9,
        "peak_flops": {"float64": 34e12, "float32": 67e12, "tf32 tensor": 494.5e12,
                       "bfloat16 tensor": 989e12, "float16 tensor": 989e12, "fp8 tensor": 1979e12},
    },
    "Intel Xeon Platinum 8480+": {
        "source": "Intel ARK product specification (Sapphire Rapids, 2023) and Intel AMX documentation",
        "cores": "56 cores (112 threads), 2 AVX-512 FMA units each: 16 float32 lanes",
        "threads": "2 hardware threads per core",
        "cache": "2 MB L2 per core, 105 MB L3",
        "memory": "8 channels of DDR5-4800",
        "power_w": 350,
        "bandwidth": 8 * 4.8e9 * 8,  # channels x transfers/s x 8 bytes = 307 GB/s
        "peak_flops": {"float64": 56 * 2 * 8 * 2 * 2.0e9, "float32": 56 * 2 * 16 * 2 * 2.0e9,
                       "bfloat16 amx": 56 * 1024 * 2.0e9},
    },
}


_POSITIVE = Real(0, low_open=True)


@contract(intensity=Array(min=0), peak_flops=_POSITIVE, bandwidth=_POSITIVE)
def roofline_bound(intensity: Any, peak_flops: float, bandwidth: float) -> np.ndarray:
    """The highest FLOP/s reachable at arithmetic ``intensity``: ``min(peak_flops, intensity * bandwidth)``.

    Parameters
    ----------
    intensity : array_like
        FLOPs per byte, each >= 0.
    peak_flops : float
        The device's peak FLOP/s (the flat roof).
    bandwidth : float
        Its memory bandwidth in bytes/s (the slope of the sloped roof).

    Examples
    --------
    A product beyond float64's range is inf (the IEEE answer), so the bound is then ``peak_flops``.

    >>> roofline_bound([0.25, 10.0, 1000.0], peak_flops=1e12, bandwidth=1e11)
    array([2.5e+10, 1.0e+12, 1.0e+12])
    """
    with np.errstate(over="ignore"):  # an overflow gives inf, the IEEE answer, and the bound is the peak
        return np.minimum(peak_flops, intensity * bandwidth)


@contract(peak_flops=_POSITIVE, bandwidth=_POSITIVE)
def ridge_point(peak_flops: float, bandwidth: float) -> float:
    """The intensity where the two roofs meet, ``peak_flops / bandwidth``: below it, memory limits.

    A quotient beyond float64's range is inf (the IEEE answer): every intensity is then memory-bound.

    >>> spec = SPECIFICATIONS["NVIDIA H100 SXM5 80GB"]
    >>> round(ridge_point(spec["peak_flops"]["bfloat16 tensor"], spec["bandwidth"]))
    295
    """
    return peak_flops / bandwidth


@contract(run=Instance(Run, what="a labkit.hardware.Run"), device=Text())
def measured_peaks(run: Run, device: str) -> dict[str, Any]:
    """The ceilings of ``device`` measured in a sweep: its fastest FLOP/s and bytes/s.

    The FLOP/s ceiling is the best of the matrix products and convolutions (per dtype and overall).
    The bandwidth is that of the largest element-wise addition, whose 12 bytes per FLOP leave the
    arithmetic units idle: the largest, because its arrays are the likeliest to exceed the caches, so
    that it measures main memory (STREAM's rule: arrays at least 4 times the last-level cache); a
    smaller addition served from a cache may run faster, above the roof. On a GPU, convolutions are
    left out: cuDNN may run a float32 convolution in TF32 on the tensor cores, which would pass for a
    float32 peak. The extra rows of a thread-scaling measurement are left out too. The run must hold,
    for ``device``, an element-wise result and a matrix product (or, off the GPU, a convolution)
    result: without them there is no ceiling to report.

    Examples
    --------
    >>> from labkit.hardware import Workload, run_sweep
    >>> run = run_sweep("cpu", repeats=1, workloads=[Workload.matmul(64), Workload.elementwise(2**16)], threads=1)
    >>> peaks = measured_peaks(run, "cpu")
    >>> peaks["peak_dtype"], peaks["peak_flops"] == peaks["peak_flops_by_dtype"]["float32"] > 0
    ('float32', True)
    """
    rows = [r for r in run.results if r.device == device]
    if not rows:
        raise ValueError(f"device must be a device with results in this run {sorted({r.device for r in run.results})}, "
                         f"got {device!r}")
    peaks = _peaks(rows, device)
    missing = [f"a {kinds} row for the {ceiling} ceiling" for kinds, ceiling, key in (
        (_FLOPS_KINDS[device == "cuda"], "FLOP/s", "peak_flops"), ("elementwise", "bandwidth", "bandwidth"))
        if peaks[key] is None]
    if missing:
        raise ValueError(f"run must hold, for device {device!r}, {' and '.join(missing)}, got none")
    return peaks


#: The kinds that measure a device's FLOP/s ceiling, off the GPU and on it (cuDNN may use TF32).
_FLOPS_KINDS = ("matmul or conv2d", "matmul")


def _peaks(results: Sequence[Result], device: str) -> dict[str, Any]:
    """:func:`measured_peaks` of ``device``'s results, with None for a ceiling they did not measure.

    A sweep over the user's own workloads (MLP steps only, say) keeps its results: its peaks are None.
    """
    rows = [r for r in results if r.device == device and not r.thread_scaling]
    flops_by_dtype: dict[str, float] = {}
    for r in rows:
        w = r.workload
        if w.kind == "matmul" or (w.kind == "conv2d" and device != "cuda"):
            flops_by_dtype[w.dtype] = max(flops_by_dtype.get(w.dtype, 0.0), r.flops_per_s)
    additions = [r for r in rows if r.workload.kind == "elementwise"]
    largest = max(additions, key=lambda r: r.workload.bytes, default=None)
    best = max(flops_by_dtype, key=flops_by_dtype.__getitem__, default=None)
    # None, not NaN, where nothing was measured: the run stays valid JSON and compares equal to itself.
    return {"peak_flops": flops_by_dtype[best] if best else None, "peak_dtype": best,
            "peak_flops_by_dtype": flops_by_dtype,
            "bandwidth": largest.workload.bytes / largest.timing.median_s if largest else None}


@contract(name=Choice(*SPECIFICATIONS), dtype=Text())
def spec_roofline(name: str, dtype: str) -> tuple[float, float]:
    """``(peak_flops, bandwidth)`` of a device in :data:`SPECIFICATIONS`: a vendor's figures, not measured.

    >>> peak, bw = spec_roofline("NVIDIA H100 SXM5 80GB", "float32")
    >>> peak / 1e12, bw / 1e12
    (67.0, 3.35)
    """
    peaks = SPECIFICATIONS[name]["peak_flops"]
    if dtype not in peaks:  # which precisions a datasheet gives depends on the device
        raise ValueError(f"dtype must be one of {list(peaks)} for {name}, got {dtype!r}")
    return peaks[dtype], SPECIFICATIONS[name]["bandwidth"]
