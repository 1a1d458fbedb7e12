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

import math
from numbers import Integral, Real as RealNumber
from typing import Any

import numpy as np

from .._checks import NEEDS_VALUE, Array, Choice, Real, Rule, Text, Variant, _const, _needs, _shown
from .._contract import contract

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


#: The keys :func:`measured_peaks` reads in every row of a run's results.
_PEAK_KEYS = ("device", "kind", "dtype", "flops", "bytes", "median_s")
_TEXT_KEYS = ("device", "kind", "dtype")


def _number(name: str, value: object, positive: bool = False) -> float:
    """A row's count or time: a finite number (numpy's too, not bool), > 0 for a time divided by."""
    if not isinstance(value, RealNumber) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a number, got {_shown(value)}")
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be a finite number {'> 0' if positive else '>= 0'}, got {_shown(value)}")
    return float(value)


class _Results(Rule):
    """A sweep's result: a dict whose 'results' list holds rows (dicts) with every key in ``keys``.

    Text keys must be strings, ``ints`` keys ints; the others finite numbers >= 0, and ``median_s`` > 0:
    a peak divides by it. An incomplete row is refused naming the row and its missing keys.
    """

    def __init__(self, keys: tuple[str, ...], ints: tuple[str, ...] = ("size",)) -> None:
        self.keys, self.ints = keys, ints
        self.expected = "a sweep result: a dict with a 'results' list of rows"

    def check(self, name: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict) or not isinstance(value.get("results"), list):
            raise self.fail(name, value, TypeError)
        for i, row in enumerate(value["results"]):
            where = f"{name}['results'][{i}]"
            if not isinstance(row, dict):
                raise TypeError(f"{where} must be a dict, got {_shown(row)}")
            missing = [k for k in self.keys if k not in row]
            if missing:
                raise ValueError(f"{where} must have the keys {list(self.keys)}, got a row missing {missing}")
            for k in self.keys:
                if k in _TEXT_KEYS:
                    if not isinstance(row[k], str):
                        raise TypeError(f"{where}[{k!r}] must be a string, got {_shown(row[k])}")
                elif k in self.ints and (not isinstance(row[k], Integral) or isinstance(row[k], (bool, np.bool_))):
                    raise TypeError(f"{where}[{k!r}] must be an int, got {_shown(row[k])}")
                else:
                    _number(f"{where}[{k!r}]", row[k], positive=k == "median_s")
        return value

    def bad(self) -> list[Variant]:
        def without(key: str):
            return _needs(lambda v: {**v, "results": [{k: x for k, x in r.items() if k != key} for r in v["results"]]}
                          if v.get("results") else NEEDS_VALUE)

        def with_value(key: str, value: object):
            return _needs(lambda v: {**v, "results": [{**r, key: value} for r in v["results"]]}
                          if v.get("results") else NEEDS_VALUE)

        real = next(k for k in self.keys if k not in _TEXT_KEYS + self.ints + ("median_s",))
        return [("list", _const([]), TypeError), ("None", _const(None), TypeError),
                ("no results", _const({"rows": []}), TypeError), ("row not a dict", _const({"results": [3]}), TypeError),
                ("missing median_s", without("median_s"), ValueError), ("missing device", without("device"), ValueError),
                ("nan median_s", with_value("median_s", float("nan")), ValueError),
                ("zero median_s", with_value("median_s", 0.0), ValueError),
                (f"inf {real}", with_value(real, float("inf")), ValueError),
                ("flops as text", with_value("flops", "many"), TypeError)]

    def unusual(self) -> list[Variant]:
        return [("numpy numbers", _needs(lambda v: {**v, "results": [
            {k: (np.float32(x) if k == "median_s" else np.int64(x) if k in ("flops", "bytes", "size") else x)
             for k, x in r.items()} for r in v["results"]]}), None)]


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


@contract(run=_Results(_PEAK_KEYS), device=Text())
def measured_peaks(run: dict[str, Any], device: str) -> dict[str, Any]:
    """The ceilings of ``device`` measured in a sweep: its fastest FLOP/s and bytes/s.

    The FLOP/s ceiling is the best of the matrix products and convolutions (per dtype and overall).
    The bandwidth is that of the largest element-wise addition, whose 12 bytes per FLOP leave the
    arithmetic units idle: the largest, because its arrays are the likeliest to exceed the caches, so
    that it measures main memory (STREAM's rule: arrays at least 4 times the last-level cache); a
    smaller addition served from a cache may run faster, above the roof. On a GPU, convolutions are
    left out: cuDNN may run a float32 convolution in TF32 on the tensor cores, which would pass for a
    float32 peak. The extra rows of a thread-scaling measurement are left out too. Every row must
    give ``device``, ``kind``, ``dtype``, ``flops``, ``bytes`` and a finite ``median_s`` > 0, and the
    run must hold, for ``device``, an element-wise row and a matrix product (or, off the GPU, a
    convolution) row: without them there is no ceiling to report.

    Examples
    --------
    >>> row = dict(device="cpu", kind="matmul", dtype="float32", flops=2e9, bytes=1e7, median_s=0.1)
    >>> add = dict(device="cpu", kind="elementwise", dtype="float32", flops=1e6, bytes=1.2e7, median_s=1e-3)
    >>> cached = dict(add, flops=1e3, bytes=1.2e4, median_s=1e-7)  # smaller, faster: served from a cache
    >>> measured_peaks({"results": [row, add, cached]}, "cpu")["bandwidth"]
    12000000000.0
    """
    peaks = _peaks(run, device)
    missing = [f"a {kinds} row for the {ceiling} ceiling" for kinds, ceiling, key in (
        (_FLOPS_KINDS[device == "cuda"], "FLOP/s", "peak_flops"), ("elementwise", "bandwidth", "bandwidth"))
        if peaks[key] is None]
    if missing:
        raise ValueError(f"run must hold, for device {device!r}, {' and '.join(missing)}, got none")
    return peaks


#: The kinds that measure a device's FLOP/s ceiling, off the GPU and on it (cuDNN may use TF32).
_FLOPS_KINDS = ("matmul or conv2d", "matmul")


def _peaks(run: dict[str, Any], device: str) -> dict[str, Any]:
    """:func:`measured_peaks` of an already checked run, with None for a ceiling the run did not measure.

    A sweep over the user's own workloads (MLP steps only, say) keeps its results: its peaks are None.
    """
    rows = [r for r in run["results"] if r["device"] == device and not r.get("thread_scaling")]
    if not rows:
        devices = sorted({r["device"] for r in run["results"]})
        raise ValueError(f"device must be a device with results in this run {devices}, got {device!r}")
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
