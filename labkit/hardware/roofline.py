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

from typing import Any

import numpy as np

from .._checks import check_array, check_choice, check_positive

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
    >>> roofline_bound([0.25, 10.0, 1000.0], peak_flops=1e12, bandwidth=1e11)
    array([2.5e+10, 1.0e+12, 1.0e+12])
    """
    i = check_array("intensity", intensity)
    if i.size and (not np.all(np.isfinite(i)) or i.min() < 0):
        raise ValueError("intensity must hold finite FLOP/byte values >= 0")
    peak, bw = check_positive("peak_flops", peak_flops), check_positive("bandwidth", bandwidth)
    return np.minimum(peak, i * bw)


def ridge_point(peak_flops: float, bandwidth: float) -> float:
    """The intensity where the two roofs meet, ``peak_flops / bandwidth``: below it, memory limits.

    >>> spec = SPECIFICATIONS["NVIDIA H100 SXM5 80GB"]
    >>> round(ridge_point(spec["peak_flops"]["bfloat16 tensor"], spec["bandwidth"]))
    295
    """
    return check_positive("peak_flops", peak_flops) / check_positive("bandwidth", bandwidth)


def measured_peaks(run: dict[str, Any], device: str) -> dict[str, Any]:
    """The ceilings of ``device`` measured in a sweep: its fastest FLOP/s and bytes/s.

    The FLOP/s ceiling is the best of the matrix products and convolutions (per dtype and overall).
    The bandwidth is that of the largest element-wise addition, whose 12 bytes per FLOP leave the
    arithmetic units idle: the largest, because its arrays are the likeliest to exceed the caches, so
    that it measures main memory (STREAM's rule: arrays at least 4 times the last-level cache); a
    smaller addition served from a cache may run faster, above the roof. On a GPU, convolutions are
    left out: cuDNN may run a float32 convolution in TF32 on the tensor cores, which would pass for a
    float32 peak. The extra rows of a thread-scaling measurement are left out too.

    Examples
    --------
    >>> row = dict(device="cpu", kind="matmul", dtype="float32", flops=2e9, bytes=1e7, median_s=0.1)
    >>> add = dict(device="cpu", kind="elementwise", dtype="float32", flops=1e6, bytes=1.2e7, median_s=1e-3)
    >>> cached = dict(add, flops=1e3, bytes=1.2e4, median_s=1e-7)  # smaller, faster: served from a cache
    >>> measured_peaks({"results": [row, add, cached]}, "cpu")["bandwidth"]
    12000000000.0
    """
    if not isinstance(run, dict) or not isinstance(run.get("results"), list):
        raise TypeError(f"run must be a sweep result: a dict with a 'results' list, got {type(run).__name__}")
    rows = [r for r in run["results"] if r["device"] == device and not r.get("thread_scaling")]
    if not rows:
        devices = sorted({r["device"] for r in run["results"]})
        raise ValueError(f"device {device!r} has no result in this run (devices: {devices})")
    flops_by_dtype: dict[str, float] = {}
    for r in rows:
        if r["kind"] == "matmul" or (r["kind"] == "conv2d" and device != "cuda"):
            flops_by_dtype[r["dtype"]] = max(flops_by_dtype.get(r["dtype"], 0.0), r["flops"] / r["median_s"])
    additions = [r for r in rows if r["kind"] == "elementwise"]
    largest = max(additions, key=lambda r: r["bytes"], default=None)
    best = max(flops_by_dtype, key=flops_by_dtype.__getitem__, default=None)
    # None, not NaN, where nothing was measured: the run stays valid JSON and compares equal to itself.
    return {"peak_flops": flops_by_dtype[best] if best else None, "peak_dtype": best,
            "peak_flops_by_dtype": flops_by_dtype,
            "bandwidth": largest["bytes"] / largest["median_s"] if largest else None}


def spec_roofline(name: str, dtype: str) -> tuple[float, float]:
    """``(peak_flops, bandwidth)`` of a device in :data:`SPECIFICATIONS`: a vendor's figures, not measured.

    >>> peak, bw = spec_roofline("NVIDIA H100 SXM5 80GB", "float32")
    >>> peak / 1e12, bw / 1e12
    (67.0, 3.35)
    """
    spec = SPECIFICATIONS[check_choice("name", name, tuple(SPECIFICATIONS))]
    return spec["peak_flops"][check_choice("dtype", dtype, tuple(spec["peak_flops"]))], spec["bandwidth"]
