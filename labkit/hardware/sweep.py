"""The sweep: every workload over its sizes on every available device, timed into a :class:`Run`.

:func:`plan` lists the workloads of a profile, :func:`measure` times one of them with the honest
harness of :mod:`labkit.timing` (the device synchronised before each clock reading), and
:func:`run_sweep` measures them all on each device, with the environment they ran in. Writing the run
to a file is :mod:`~labkit.hardware.storage`'s job, the command line :mod:`~labkit.hardware.cli`'s.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from .._checks import Choice, Count, Each, Function, Instance, Optional, Threads
from .._contract import contract
from ..timing import time_call
from .harness import _Device, _Devices, available_devices, environment, synchronizer
from .results import Result, Run
from .workloads import Workload, _check_fits

_REPEATS = Count()
_WORKLOAD = Instance(Workload, what="a labkit.hardware.Workload")


def _powers(lo: int, hi: int, step: int = 2) -> list[int]:
    return [2**k for k in range(lo, hi + 1, step)]


@contract(device=_Device(), profile=Choice("tiny", "quick", "full"))
def plan(device: str, profile: str = "quick") -> list[Workload]:
    """The workloads of a sweep: ``"quick"`` takes seconds on a 2-core laptop, ``"full"`` fills a GPU,
    ``"tiny"`` (one small workload of each kind) checks that everything runs.

    >>> [w.kind for w in plan("cpu", "tiny")]
    ['matmul', 'elementwise', 'conv2d', 'mlp_step']
    """
    full = profile == "full"
    if profile == "tiny":
        work = [Workload.matmul(32), Workload.elementwise(4096), Workload.conv2d(1, 4, 8), Workload.mlp_step(4)]
        return work + ([Workload.mlp_step(4, with_copy=True), Workload.copy(4096)] if device == "cuda" else [])
    if device == "cpu":
        sizes, n_max, batch_max = (_powers(4, 11, 1), 26, 12) if full else (_powers(4, 9, 1), 22, 9)
        work = [Workload.matmul(n) for n in sizes]
        work += [Workload.elementwise(n) for n in _powers(10, n_max)]
        work += [Workload.conv2d(16, 64, 32) if full else Workload.conv2d(8, 32, 32)]
        return work + [Workload.mlp_step(b) for b in _powers(0, batch_max, 3)]
    work = [Workload.matmul(n, dt) for dt in ("float32", "bfloat16", "float16") for n in _powers(4, 13, 1)]
    work += [Workload.elementwise(n) for n in _powers(10, 28)]
    work += [Workload.conv2d(64, 128, 56, dtype=dt) for dt in ("float32", "bfloat16")]
    work += [Workload.mlp_step(b, with_copy=c) for c in (False, True) for b in _powers(0, 15, 3)]
    return work + [Workload.copy(n, pinned=p) for p in (False, True) for n in _powers(10, 28)]


@contract(workload=_WORKLOAD, device=_Device(), repeats=_REPEATS, threads=Optional(Threads()))
def measure(workload: Workload, device: str, *, repeats: int = 7, threads: int | None = None) -> Result:
    """Time one workload on ``device`` (on the CPU with ``threads`` threads, default all) as a :class:`Result`.

    ``repeats`` is from 1 to 10**6, ``threads`` from 1 to this machine's CPU count.

    >>> r = measure(Workload.elementwise(1024), "cpu", repeats=3)
    >>> r.workload.kind, r.workload.flops, r.timing.median_s > 0
    ('elementwise', 1024, True)
    """
    import torch

    before = torch.get_num_threads()
    if threads is not None and device != "cpu":
        raise ValueError(f"threads must be None off the CPU (it sets the CPU's thread count), got threads={threads} "
                         f"with device={device!r}")
    _check_fits(workload, "workload")
    fn = workload.runner(device)
    try:
        if threads is not None:
            torch.set_num_threads(threads)
        timing = time_call(fn, sync=synchronizer(device), repeats=repeats)
        used = torch.get_num_threads()
    finally:
        torch.set_num_threads(before)  # the thread count is global: leave it as we found it
    return Result(device, workload, timing, used)


@contract(workloads=Each(_WORKLOAD), repeats=_REPEATS)
def thread_scaling(workloads: Sequence[Workload], repeats: int = 5) -> list[Result]:
    """Each CPU workload (at least one) with 1 thread and with all of them: what parallel cores alone buy.

    >>> rows = thread_scaling([Workload.matmul(64)], repeats=3)
    >>> [r.threads == 1 for r in rows]
    [True, False]
    """
    import torch

    if torch.get_num_threads() < 2:
        raise ValueError("thread_scaling needs at least 2 CPU threads: torch.get_num_threads() is 1")
    rows = [measure(w, "cpu", repeats=repeats, threads=t) for w in workloads for t in (1, None)]
    return [dataclasses.replace(r, thread_scaling=True) for r in rows]


@contract(devices=Optional(_Devices()), profile=Choice("tiny", "quick", "full"), repeats=_REPEATS,
          log=Optional(Function(takes=1)), workloads=Optional(Each(_WORKLOAD)), threads=Optional(Threads()))
def run_sweep(devices: str | Sequence[str] | None = None, profile: str = "quick", repeats: int = 7,
              log: Callable[[str], object] | None = None,
              workloads: Sequence[Workload] | None = None, threads: int | None = None) -> Run:
    """Measure :func:`plan`'s workloads (or the given ``workloads``) on each device, as a :class:`Run`.

    ``devices`` is a list of available device names, one name alone (``"cpu"``), or None for all of
    them. Workloads too large for labkit's size limit are refused before anything is measured.

    A workload that fails (out of memory, say) is reported through ``log`` (called with one message)
    and left out; the run goes on. ``threads`` sets the CPU's thread count (from 1 to the CPU count;
    default: all). With all threads, the largest matrix product and element-wise addition are also
    timed on one thread (results with ``thread_scaling`` true): what parallel cores alone buy. One
    thread gives steadier timings on a machine busy with other work, where threads wait for each other.
    The ceilings a run measures are :func:`~labkit.hardware.measured_peaks`'s.

    >>> run = run_sweep(["cpu"], "tiny", repeats=1)
    >>> run.profile, {r.device for r in run.results}, run.environment["devices"]["cpu"]["threads"] >= 1
    ('tiny', {'cpu'}, True)
    """
    devices = available_devices() if devices is None else devices
    for i, w in enumerate(workloads or ()):
        _check_fits(w, f"workloads[{i}]")  # before the first allocation, not after an hour of sweep
    results: list[Result] = []
    for device in devices:
        work = plan(device, profile) if workloads is None else list(workloads)
        for w in work:
            try:
                results.append(measure(w, device, repeats=repeats, threads=threads if device == "cpu" else None))
            except (RuntimeError, ValueError, MemoryError) as err:  # e.g. CUDA out of memory
                if log:
                    log(f"skipped {w.kind} {w.dtype} size {w.size} on {device}: {err}")
        import torch

        if device == "cpu" and threads is None and torch.get_num_threads() > 1:
            largest = [max(ws, key=lambda w: w.size) for k in ("matmul", "elementwise")
                       if (ws := [w for w in work if w.kind == k])]
            results += [r for r in thread_scaling(largest, repeats) if r.threads == 1] if largest else []
        if log:
            log(f"{device}: {sum(r.device == device for r in results)} workloads measured")
    return Run(profile, {**environment(devices), **_precision_flags()}, results)


def _precision_flags() -> dict[str, Any]:
    # float32 matrix products may silently run in TF32 on tensor cores: record what was allowed.
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {"float32_matmul_precision": torch.get_float32_matmul_precision(),
                "cudnn_allow_tf32": bool(getattr(torch.backends.cudnn, "allow_tf32", False))}


