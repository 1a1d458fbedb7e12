"""The hardware page's coding exercises: the FLOPs and bytes of a matrix product, and roofline times.

The first reference counts with PyTorch's own FLOP counter (:class:`torch.utils.flop_counter.FlopCounterMode`)
on tensors of the right shapes and dtype, which allocate nothing (device ``"meta"``), and takes the bytes
from the tensors' sizes; the second is :func:`labkit.hardware.offload_time` with no launch latency, and
:func:`labkit.hardware.ridge_point`. The mistakes are the ones students make: a multiply-add counted as
one FLOP, the output never written, every operand read again for each use, and the roofline's ``max``
taken as a sum, a minimum, or the arithmetic alone (the "more cores" view).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..hardware import SPEC_CPU, SPEC_GPU, Workload, offload_time, ridge_point, spec_roofline
from ..i18n import _
from ._core import Exercise, Mistake, register

#: The dtype of each itemsize the first exercise is tried on.
_DTYPES = {2: "bfloat16", 4: "float32", 8: "float64"}


# -- the FLOPs and bytes of a matrix product --------------------------------------------------------------

def _matmul_by_torch(n: int, k: int, m: int, itemsize: int) -> tuple[int, int, float]:
    """FLOPs by torch's FLOP counter, bytes from the sizes of A, B and C = A @ B (meta tensors: no memory)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    dtype = getattr(torch, _DTYPES[itemsize])
    a = torch.empty((n, k), device="meta", dtype=dtype)
    b = torch.empty((k, m), device="meta", dtype=dtype)
    with FlopCounterMode(display=False) as counter:
        c = a @ b
    flops = int(counter.get_total_flops())
    nbytes = sum(t.element_size() * t.nelement() for t in (a, b, c))  # compulsory: read A, B once; write C once
    return flops, nbytes, flops / nbytes


def _matmul_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # All three sides different first, so that no mistake hides behind a square; then a matrix-vector
    # product (batch 1), an outer product (k = 1, no reuse of the sum), a square product, and random sides.
    fixed = [(3, 5, 7, 4), (1, 4096, 4096, 2), (6, 1, 5, 4), (64, 64, 64, 8)]
    drawn = [(*(int(s) for s in rng.integers(1, 300, size=3)), int(rng.choice(list(_DTYPES)))) for _ in range(2)]
    return [dict(n=n, k=k, m=m, itemsize=s) for n, k, m, s in fixed + drawn]


def _matmul_count(n: int, k: int, m: int, itemsize: int, *, flop_per_fma: int = 2, write: bool = True,
                  reuse: bool = True, bytes_per: int | None = None, inverted: bool = False) -> tuple[float, ...]:
    """A count with one thing wrong (the keyword that differs from its default): the mistakes below."""
    flops = flop_per_fma * n * k * m
    read = n * k + k * m if reuse else 2 * n * k * m
    nbytes = (read + (n * m if write else 0)) * (itemsize if bytes_per is None else bytes_per)
    return flops, nbytes, (nbytes / flops if inverted else flops / nbytes)


register(Exercise(
    id="hardware.matmul_flops_and_bytes",
    title=_("The FLOPs, bytes and arithmetic intensity of a matrix product"),
    task=_("""C = A @ B multiplies a matrix A of shape (n, k) by a matrix B of shape (k, m); every number
takes itemsize bytes (2 for bfloat16, 4 for float32, 8 for float64). Return the tuple

    flops      the floating-point operations of the product (an addition and a multiplication
               count one each)
    nbytes     the bytes it must move to or from memory at the least: each input read once,
               the output written once
    intensity  the arithmetic intensity, in FLOPs per byte moved

with plain arithmetic (no array needed). Hint: each entry of C is a dot product of length k."""),
    signature="matmul_flops_and_bytes(n, k, m, itemsize)",
    returns=("flops", "nbytes", "intensity"),
    reference=_matmul_by_torch,
    cases=_matmul_cases,
    against="torch.utils.flop_counter",
    mistakes=(
        Mistake(_("A multiply-add is counted as one FLOP: each of the n * k * m steps of the dot products "
                  "is a multiplication and an addition, two FLOPs, so flops = 2 * n * k * m."),
                lambda n, k, m, itemsize: _matmul_count(n, k, m, itemsize, flop_per_fma=1)),
        Mistake(_("The output is never written: C, n * m numbers, must go back to memory too, so "
                  "nbytes = (n * k + k * m + n * m) * itemsize."),
                lambda n, k, m, itemsize: _matmul_count(n, k, m, itemsize, write=False)),
        Mistake(_("Each operand is read again for every use (2 * n * k * m reads): that is a product with no "
                  "reuse at all. The least traffic reads A and B once each: "
                  "nbytes = (n * k + k * m + n * m) * itemsize, and reusing numbers already loaded is what "
                  "makes a large product compute-bound."),
                lambda n, k, m, itemsize: _matmul_count(n, k, m, itemsize, reuse=False)),
        Mistake(_("nbytes counts numbers, not bytes: multiply the count of numbers moved by itemsize."),
                lambda n, k, m, itemsize: _matmul_count(n, k, m, itemsize, bytes_per=1)),
        Mistake(_("The intensity is upside down: it is FLOPs per byte, flops / nbytes, which grows with the "
                  "size of a product."),
                lambda n, k, m, itemsize: _matmul_count(n, k, m, itemsize, inverted=True)),
    ),
))


# -- the roofline's time ----------------------------------------------------------------------------------

def _roofline_by_labkit(flops: np.ndarray, nbytes: np.ndarray, peak_flops: float,
                        bandwidth: float) -> tuple[np.ndarray, np.ndarray]:
    """offload_time with no launch and no copy (the roofline time alone), and intensity < ridge_point."""
    # offload_time reads only a workload's counts: the kind given here changes nothing.
    loads = [Workload("matmul", 1, "float32", int(f), int(d)) for f, d in zip(flops, nbytes)]
    seconds = np.array([offload_time(w, peak_flops, bandwidth, launch_s=0.0) for w in loads])
    bound = np.array([w.intensity < ridge_point(peak_flops, bandwidth) for w in loads])
    return seconds, bound


def _page_workloads() -> list[Workload]:
    return [Workload.elementwise(2**20), Workload.matmul(64), Workload.matmul(4096), Workload.conv2d(32, 64, 56),
            Workload.mlp_step(1), Workload.mlp_step(1024), Workload.copy(2**20)]


def _roofline_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # The page's workloads (a copy among them: 0 FLOPs) on both datasheets in float32, then random ones on
    # a round machine (ridge point 10 FLOP/byte). No intensity lies exactly on a ridge point.
    page = _page_workloads()
    flops = np.array([w.flops for w in page], dtype=float)
    nbytes = np.array([w.bytes for w in page], dtype=float)
    cases = [dict(flops=flops, nbytes=nbytes, peak_flops=p, bandwidth=b)
             for p, b in (spec_roofline(SPEC_GPU, "float32"), spec_roofline(SPEC_CPU, "float32"))]
    drawn_bytes = np.round(10 ** rng.uniform(3, 10, size=8))
    drawn_flops = np.round(drawn_bytes * 10 ** rng.uniform(-2, 3, size=8))
    cases.append(dict(flops=drawn_flops, nbytes=drawn_bytes, peak_flops=1e12, bandwidth=1e11))
    return cases


def _seconds(flops: np.ndarray, nbytes: np.ndarray, peak: float, bandwidth: float, how: str) -> np.ndarray:
    compute, memory = flops / peak, nbytes / bandwidth
    return {"max": np.maximum, "sum": np.add, "min": np.minimum}[how](compute, memory) if how != "compute" \
        else compute


def _roofline_wrong(flops: np.ndarray, nbytes: np.ndarray, peak_flops: float, bandwidth: float, *,
                    how: str = "max", flipped: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The roofline with one thing wrong (the keyword that differs from its default): the mistakes below."""
    memory_bound = nbytes / bandwidth > flops / peak_flops
    return _seconds(flops, nbytes, peak_flops, bandwidth, how), ~memory_bound if flipped else memory_bound


register(Exercise(
    id="hardware.roofline_time",
    title=_("The roofline's time of a workload"),
    task=_("""A processor does at most peak_flops FLOP/s and moves at most bandwidth bytes/s to and from
memory, and the two overlap. Given flops and nbytes, two arrays of shape (w,) with the FLOPs and the
bytes moved of w workloads (a copy does 0 FLOPs), return the tuple

    seconds       array of shape (w,): the least time each workload can take on this processor
    memory_bound  boolean array of shape (w,): True where memory, not arithmetic, sets that time

with numpy only (no Python loop needed)."""),
    signature="roofline_time(flops, nbytes, peak_flops, bandwidth)",
    returns=("seconds", "memory_bound"),
    reference=_roofline_by_labkit,
    cases=_roofline_cases,
    against="labkit.hardware.offload_time",
    rtol=1e-9,
    mistakes=(
        Mistake(_("The two times are added: that is a processor that waits for its data before it computes. "
                  "Arithmetic and memory traffic overlap, so the slower of the two sets the time: "
                  "seconds = np.maximum(flops / peak_flops, nbytes / bandwidth)."),
                lambda flops, nbytes, peak_flops, bandwidth: _roofline_wrong(flops, nbytes, peak_flops, bandwidth,
                                                                            how="sum")),
        Mistake(_("np.minimum takes the faster of the two limits, but the work is done only when both the "
                  "arithmetic and the memory traffic are done: the slower one sets the time, np.maximum."),
                lambda flops, nbytes, peak_flops, bandwidth: _roofline_wrong(flops, nbytes, peak_flops, bandwidth,
                                                                            how="min")),
        Mistake(_("seconds = flops / peak_flops counts the arithmetic only, as if more cores always meant "
                  "more speed: a memory-bound workload (an addition, a copy) waits for its bytes, "
                  "nbytes / bandwidth, whatever the number of cores."),
                lambda flops, nbytes, peak_flops, bandwidth: _roofline_wrong(flops, nbytes, peak_flops, bandwidth,
                                                                            how="compute")),
        Mistake(_("memory_bound is the wrong way round: a workload is memory-bound when moving its bytes takes "
                  "longer than its arithmetic, nbytes / bandwidth > flops / peak_flops, that is when its "
                  "intensity is below the ridge point peak_flops / bandwidth."),
                lambda flops, nbytes, peak_flops, bandwidth: _roofline_wrong(flops, nbytes, peak_flops, bandwidth,
                                                                            flipped=True)),
    ),
))

__all__: list[str] = []
