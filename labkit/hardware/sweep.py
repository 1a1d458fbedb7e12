"""The sweep: every workload over its sizes on every available device, written to one JSON file.

``python -m labkit.hardware --output results.json`` runs it. The file records, next to every timing,
the FLOPs and bytes of the workload and, once per file, where and when it was measured: device names,
driver, CUDA, PyTorch and NumPy versions, date, host CPU. A GPU run committed to
``labkit/hardware/records/`` is what the course site shows beside the CPU measured at build time.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._checks import check_choice, check_int
from ..i18n import _
from .harness import available_devices, check_device, environment, synchronizer, time_call
from .roofline import SPECIFICATIONS, measured_peaks, spec_roofline
from .workloads import Workload

#: Version of the JSON layout; :func:`load_results` refuses any other.
SCHEMA = "labkit.hardware/1"
#: Where committed runs live: read by the course page and the gallery at build time.
RECORDS = Path(__file__).resolve().parent / "records"
_ROW_KEYS = {"device": str, "kind": str, "size": int, "dtype": str, "flops": int, "bytes": int,
             "median_s": float, "q1_s": float, "q3_s": float, "repeats": int, "threads": int}


def _powers(lo: int, hi: int, step: int = 2) -> list[int]:
    return [2**k for k in range(lo, hi + 1, step)]


def plan(device: str, profile: str = "quick") -> list[Workload]:
    """The workloads of a sweep: ``"quick"`` takes seconds on a 2-core laptop, ``"full"`` fills a GPU,
    ``"tiny"`` (one small workload of each kind) checks that everything runs.

    >>> [w.kind for w in plan("cpu", "tiny")]
    ['matmul', 'elementwise', 'conv2d', 'mlp_step']
    """
    device = check_device(device)
    full = check_choice("profile", profile, ("tiny", "quick", "full")) == "full"
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


def measure(workload: Workload, device: str, *, repeats: int = 7, threads: int | None = None) -> dict[str, Any]:
    """Time one workload on ``device`` (on the CPU with ``threads`` threads, default all) as a result row.

    >>> row = measure(Workload.elementwise(1024), "cpu", repeats=3)
    >>> row["kind"], row["flops"], row["median_s"] > 0
    ('elementwise', 1024, True)
    """
    if not isinstance(workload, Workload):
        raise TypeError(f"workload must be a labkit.hardware.Workload, got {type(workload).__name__}")
    import torch

    device, before = check_device(device), torch.get_num_threads()
    if threads is not None and device != "cpu":
        raise ValueError(f"threads applies to the CPU only, got threads={threads} with device={device!r}")
    fn = workload.runner(device)
    try:
        if threads is not None:
            torch.set_num_threads(check_int("threads", threads, 1))
        timing = time_call(fn, sync=synchronizer(device), repeats=repeats)
        used = torch.get_num_threads()
    finally:
        torch.set_num_threads(before)  # the thread count is global: leave it as we found it
    return {"device": device, **workload.as_dict(), **timing.as_dict(), "threads": used, "thread_scaling": False}


def thread_scaling(workloads: Sequence[Workload], repeats: int = 5) -> list[dict[str, Any]]:
    """Each CPU workload with 1 thread and with all of them: what parallel cores alone buy.

    >>> rows = thread_scaling([Workload.matmul(64)], repeats=3)
    >>> [r["threads"] == 1 for r in rows]
    [True, False]
    """
    import torch

    repeats = check_int("repeats", repeats, 1)
    if isinstance(workloads, Workload) or not all(isinstance(w, Workload) for w in workloads):
        raise TypeError("workloads must be a sequence of labkit.hardware.Workload")
    if torch.get_num_threads() < 2:
        raise ValueError("thread_scaling needs at least 2 CPU threads: torch.get_num_threads() is 1")
    rows = [measure(w, "cpu", repeats=repeats, threads=t) for w in workloads for t in (1, None)]
    return [{**r, "thread_scaling": True} for r in rows]


def run_sweep(devices: Sequence[str] | None = None, profile: str = "quick", repeats: int = 7,
              log: Callable[[str], object] | None = None,
              workloads: Sequence[Workload] | None = None, threads: int | None = None) -> dict[str, Any]:
    """Measure :func:`plan`'s workloads (or the given ``workloads``) on each device, as a JSON-ready dict.

    A workload that fails (out of memory, say) is reported through ``log`` and left out; the run
    goes on. ``threads`` sets the CPU's thread count (default: all). With all threads, the largest
    matrix product and element-wise addition are also timed on one thread (rows with
    ``thread_scaling`` true): what parallel cores alone buy. One thread gives steadier timings on a
    machine busy with other work, where threads wait for each other.

    >>> run = run_sweep(["cpu"], "tiny", repeats=1)
    >>> run["schema"], sorted(run["peaks"]), run["environment"]["devices"]["cpu"]["threads"] >= 1
    ('labkit.hardware/1', ['cpu'], True)
    """
    devices = available_devices() if devices is None else [check_device(d) for d in devices]
    if not devices or isinstance(devices, str):
        raise ValueError(f"devices must be a non-empty list such as ['cpu'], got {devices!r}")
    repeats = check_int("repeats", repeats, 1)
    threads = None if threads is None else check_int("threads", threads, 1)
    if workloads is not None and (isinstance(workloads, Workload) or not all(isinstance(w, Workload) for w in workloads)):
        raise TypeError("workloads must be None or a sequence of labkit.hardware.Workload")
    results: list[dict[str, Any]] = []
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
            results += [r for r in thread_scaling(largest, repeats) if r["threads"] == 1]
        if log:
            log(f"{device}: {sum(r['device'] == device for r in results)} workloads measured")
    run = {"schema": SCHEMA, "profile": profile, "environment": environment(devices), "results": results}
    run["environment"].update(_precision_flags())
    run["peaks"] = {d: measured_peaks(run, d) for d in devices}
    return run


def _precision_flags() -> dict[str, Any]:
    # float32 matrix products may silently run in TF32 on tensor cores: record what was allowed.
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {"float32_matmul_precision": torch.get_float32_matmul_precision(),
                "cudnn_allow_tf32": bool(getattr(torch.backends.cudnn, "allow_tf32", False))}


def save_results(run: dict[str, Any], path: str | Path) -> Path:
    """Write a run to ``path`` as JSON (creating its folder) and return the path."""
    validate(run)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def load_results(path: str | Path) -> dict[str, Any]:
    """Read a run written by :func:`save_results`, checking its schema.

    >>> import tempfile, os
    >>> run = run_sweep(["cpu"], "tiny", repeats=1)
    >>> path = save_results(run, os.path.join(tempfile.mkdtemp(), "cpu.json"))
    >>> load_results(path) == run
    True
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or a pathlib.Path, got {type(path).__name__}")
    try:
        run = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"path {str(path)!r} is not a readable JSON file: {err}") from None
    return validate(run)


def validate(run: object) -> dict[str, Any]:
    """Return ``run`` if it has the layout of :data:`SCHEMA`, else raise ValueError naming the fault."""
    if not isinstance(run, dict) or run.get("schema") != SCHEMA:
        raise ValueError(f"run must be a dict with schema {SCHEMA!r}, got {str(run)[:60]!r}")
    env = run.get("environment")
    if not isinstance(env, dict) or not {"date", "host_cpu", "torch", "numpy", "devices"} <= set(env):
        raise ValueError("run['environment'] must give date, host_cpu, torch, numpy and devices")
    if not isinstance(run.get("results"), list):
        raise ValueError("run['results'] must be a list of result rows")
    for i, row in enumerate(run["results"]):
        bad = [k for k, t in _ROW_KEYS.items() if not isinstance(row.get(k), (int, float) if t is float else t)]
        if bad or row["device"] not in env["devices"]:
            raise ValueError(f"run['results'][{i}] has missing or mistyped fields {bad or ['device']}")
    return run


def recorded_gpu_run(directory: str | Path | None = None) -> dict[str, Any] | None:
    """The latest committed run that measured a GPU, or None if no GPU run has been recorded.

    >>> run = recorded_gpu_run()
    >>> run is None or "cuda" in run["environment"]["devices"]
    True
    """
    directory = RECORDS if directory is None else directory
    if not isinstance(directory, (str, Path)):
        raise TypeError(f"directory must be a str or a pathlib.Path, got {type(directory).__name__}")
    runs = [load_results(p) for p in sorted(Path(directory).glob("*.json"))]
    runs = [r for r in runs if "cuda" in r["environment"]["devices"]]
    return max(runs, key=lambda r: r["environment"]["date"], default=None)


def provenance(run: dict[str, Any], device: str) -> str:
    """Where a run's numbers for ``device`` come from, to print next to them.

    >>> provenance(run_sweep(["cpu"], "tiny", repeats=1), "cpu").startswith("measured on ")
    True
    """
    env = validate(run)["environment"]
    if device not in env["devices"]:
        raise ValueError(f"device {device!r} is not in this run (devices: {sorted(env['devices'])})")
    info = env["devices"][device]
    versions = {"name": info["name"], "torch": env["torch"], "numpy": env["numpy"], "date": env["date"][:10]}
    if device == "cuda":
        line = _("measured on {name}, driver {driver}, CUDA {cuda}, torch {torch}, numpy {numpy}, on {date}")
        return line.format(driver=info["driver"], cuda=info["cuda"], **versions)
    line = _("measured on {name}, {threads} CPU threads available, torch {torch}, numpy {numpy}, on {date}")
    return line.format(threads=info["threads"], **versions)


def curve(run: dict[str, Any], device: str, kind: str, dtype: str = "float32") -> dict[str, np.ndarray]:
    """One workload's rows of a run as arrays sorted by size, ready to plot.

    Keys: ``size``, ``median_s``, ``q1_s``, ``q3_s``, ``flops``, ``bytes``; thread-scaling rows are
    left out. Empty arrays if the run has no such row.

    >>> run = {"results": [dict(device="cpu", kind="matmul", dtype="float32", size=n, median_s=n / 10,
    ...                         q1_s=0.0, q3_s=1.0, flops=2 * n**3, bytes=12 * n**2) for n in (8, 4)]}
    >>> curve(run, "cpu", "matmul")["size"]
    array([4, 8])
    """
    if not isinstance(run, dict) or not isinstance(run.get("results"), list):
        raise TypeError(f"run must be a sweep result: a dict with a 'results' list, got {type(run).__name__}")
    rows = sorted((r for r in run["results"] if (r["device"], r["kind"], r["dtype"]) == (device, kind, dtype)
                   and not r.get("thread_scaling")), key=lambda r: r["size"])
    keys = ("size", "median_s", "q1_s", "q3_s", "flops", "bytes")
    return {k: np.array([r[k] for r in rows], dtype=np.int64 if k == "size" else np.float64) for k in keys}


#: The GPU whose datasheet stands in until a GPU run is recorded.
SPEC_GPU = "NVIDIA H100 SXM5 80GB"
#: The server CPU of the same generation whose datasheet the course compares it with, whole against whole.
SPEC_CPU = "Intel Xeon Platinum 8480+"


def gpu_roofline(dtype: str = "float32", directory: str | Path | None = None) -> dict[str, Any]:
    """The GPU roofline the course draws: measured if a GPU run is recorded, else the H100's datasheet.

    Returns the device ``name``, ``peak_flops`` for ``dtype``, ``bandwidth``, whether the numbers were
    ``measured``, and their ``source``: the run's :func:`provenance`, or a label saying they are the
    vendor's specification. bfloat16 and float16 are the tensor-core figures.

    >>> roof = gpu_roofline("float32", directory="no/such/folder")
    >>> roof["measured"], roof["peak_flops"] / 1e12, roof["source"].startswith("specification")
    (False, 67.0, True)
    >>> roof["source"].endswith(SPECIFICATIONS[SPEC_GPU]["source"])  # the datasheets named in the message
    True
    """
    dtype = check_choice("dtype", dtype, ("float32", "bfloat16", "float16"))
    run = recorded_gpu_run(directory)
    if run is not None:
        peaks = run["peaks"]["cuda"]
        return {"name": run["environment"]["devices"]["cuda"]["name"], "measured": True,
                "peak_flops": peaks["peak_flops_by_dtype"].get(dtype), "bandwidth": peaks["bandwidth"],
                "source": provenance(run, "cuda")}
    peak, bandwidth = spec_roofline(SPEC_GPU, dtype if dtype == "float32" else f"{dtype} tensor")
    return {"name": SPEC_GPU, "measured": False, "peak_flops": peak, "bandwidth": bandwidth,
            "source": _("specification, not a measurement: NVIDIA H100 Tensor Core GPU datasheet and Hopper "
                        "architecture whitepaper (2022)")}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m labkit.hardware``: run the sweep, write the JSON file, print a summary."""
    parser = argparse.ArgumentParser(prog="python -m labkit.hardware", description=main.__doc__)
    parser.add_argument("--output", "-o", required=True, help="JSON file to write")
    parser.add_argument("--devices", nargs="+", default=None, help=f"default: all available {available_devices()}")
    parser.add_argument("--profile", choices=("tiny", "quick", "full"), default="full")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    run = run_sweep(args.devices, args.profile, args.repeats, log=lambda m: print(m, file=sys.stderr, flush=True))
    path = save_results(run, args.output)
    for device, peak in run["peaks"].items():
        print(f"{device}: {provenance(run, device)}")
        for dtype, flops in peak["peak_flops_by_dtype"].items():
            print(f"  best {dtype} FLOP/s: {flops / 1e9:,.1f} GFLOP/s")
        print(f"  best bandwidth: {peak['bandwidth'] / 1e9:.1f} GB/s")
    print(f"wrote {len(run['results'])} results to {path}")
    return 0
