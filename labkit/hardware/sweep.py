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
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._checks import (
    NEEDS_VALUE, Choice, Count, Each, Function, Instance, Optional, Rule, Said, Text, Threads, Variant, _const, _needs,
    _shown,
)
from .._contract import contract
from ..i18n import _
from .harness import _Device, _Devices, available_devices, environment, synchronizer, time_call
from .roofline import SPECIFICATIONS, _peaks, _Results, spec_roofline
from .workloads import _KINDS, ITEMSIZE, Workload, _check_fits

#: Version of the JSON layout; :func:`load_results` refuses any other.
SCHEMA = "labkit.hardware/1"
#: Where committed runs live: read by the course page and the gallery at build time.
RECORDS = Path(__file__).resolve().parent / "records"
_ROW_KEYS = ("device", "kind", "size", "dtype", "flops", "bytes", "median_s", "q1_s", "q3_s", "repeats", "threads")
_ENV_KEYS = ("date", "host_cpu", "torch", "numpy", "devices")
#: What the environment gives about each device (read by :func:`provenance`): a GPU's, any other's.
_GPU_INFO_KEYS, _CPU_INFO_KEYS = ("name", "driver", "cuda"), ("name", "threads")
#: The keys :func:`curve` reads in every row.
_CURVE_KEYS = ("device", "kind", "dtype", "size", "median_s", "q1_s", "q3_s", "flops", "bytes")

_REPEATS = Count()
_WORKLOAD = Instance(Workload, what="a labkit.hardware.Workload")


class _Record(_Results):
    """A whole run in the layout of :data:`SCHEMA`: schema, environment, complete rows of known devices."""

    def __init__(self) -> None:
        super().__init__(_ROW_KEYS, ints=("size", "flops", "bytes", "repeats", "threads"))
        self.expected = f"a sweep result of schema {SCHEMA!r}"

    def check(self, name: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(name, value, TypeError)
        if value.get("schema") != SCHEMA:
            raise self.fail(name, f"schema {value.get('schema')!r}")
        env = value.get("environment")
        if not isinstance(env, dict) or not isinstance(env.get("devices"), dict):
            raise ValueError(f"{name}['environment'] must be a dict with a 'devices' dict, got {_shown(env)}")
        missing = [k for k in _ENV_KEYS if k not in env]
        if missing:
            raise ValueError(f"{name}['environment'] must give {list(_ENV_KEYS)}, got one missing {missing}")
        for device, info in env["devices"].items():
            keys = _GPU_INFO_KEYS if device == "cuda" else _CPU_INFO_KEYS
            if not isinstance(info, dict) or any(k not in info for k in keys):
                raise ValueError(f"{name}['environment']['devices'][{device!r}] must be a dict giving {list(keys)}, "
                                 f"got {_shown(info)}")
        if not isinstance(value.get("results"), list):
            raise ValueError(f"{name}['results'] must be a list of result rows, got {_shown(value.get('results'))}")
        super().check(name, value)
        for i, row in enumerate(value["results"]):
            if row["device"] not in env["devices"]:
                raise ValueError(f"{name}['results'][{i}]['device'] must be one of the run's devices "
                                 f"{sorted(env['devices'])}, got {row['device']!r}")
        return value

    def bad(self) -> list[Variant]:
        return [("other schema", _needs(lambda v: {**v, "schema": "other/2"}), ValueError),
                ("no date", _needs(lambda v: {**v, "environment": {k: x for k, x in v["environment"].items() if k != "date"}}),
                 ValueError),
                ("device info without its name", _needs(lambda v: {**v, "environment": {
                    **v["environment"], "devices": {d: {} for d in v["environment"]["devices"]}}}), ValueError),
                ("unknown device", _needs(lambda v: {**v, "results": [{**r, "device": "tpu"} for r in v["results"]]}
                                          if v["results"] else NEEDS_VALUE), ValueError)] + \
            [b for b in super().bad() if b[0] not in ("no results", "row not a dict")]


#: A folder that does not exist, for the variants the generated tests try.
_NO_FOLDER = Path(tempfile.gettempdir()) / "labkit-no-such-folder"


class _Path(Rule):
    """A path, as a non-empty str or a pathlib.Path; ``to`` says what it must name.

    ``"read"``: any path (reading reports a missing file itself); ``"write"``: a file to write, in a
    folder that exists, not a directory; ``"directory"``: an existing directory.
    """

    def __init__(self, to: str = "read") -> None:
        self.to = to
        self.expected = {"read": "a non-empty str or a pathlib.Path",
                         "write": "the path of a file to write, in an existing folder",
                         "directory": "the path of an existing directory"}[to]

    def check(self, name: str, value: Any) -> Path:
        if not isinstance(value, (str, Path)):
            raise self.fail(name, value, TypeError)
        if not str(value):
            raise self.fail(name, value)
        path = Path(value)
        if self.to == "write" and path.is_dir():
            raise self.fail(name, Said(f"{str(path)!r}, a directory"))
        if self.to == "write" and not path.parent.is_dir():
            raise self.fail(name, Said(f"{str(path)!r}, whose folder does not exist"))
        if self.to == "directory" and not path.is_dir():
            raise self.fail(name, Said(f"{str(path)!r}, {'a file' if path.exists() else 'which does not exist'}"))
        return path

    def bad(self) -> list[Variant]:
        out: list[Variant] = [("int", _const(3), TypeError), ("None", _const(None), TypeError),
                              ("empty", _const(""), ValueError)]
        if self.to == "write":
            out += [("folder missing", _const(_NO_FOLDER / "run.json"), ValueError),
                    ("a directory", _const(Path(tempfile.gettempdir())), ValueError)]
        if self.to == "directory":
            out += [("missing", _const(_NO_FOLDER), ValueError), ("a file", _const(Path(__file__)), ValueError)]
        return out

    def unusual(self) -> list[Variant]:
        return [("str", _needs(str), None), ("Path", _needs(Path), None)]


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
def measure(workload: Workload, device: str, *, repeats: int = 7, threads: int | None = None) -> dict[str, Any]:
    """Time one workload on ``device`` (on the CPU with ``threads`` threads, default all) as a result row.

    ``repeats`` is from 1 to 10**6, ``threads`` from 1 to this machine's CPU count.

    >>> row = measure(Workload.elementwise(1024), "cpu", repeats=3)
    >>> row["kind"], row["flops"], row["median_s"] > 0
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
    return {"device": device, **workload.as_dict(), **timing.as_dict(), "threads": used, "thread_scaling": False}


@contract(workloads=Each(_WORKLOAD), repeats=_REPEATS)
def thread_scaling(workloads: Sequence[Workload], repeats: int = 5) -> list[dict[str, Any]]:
    """Each CPU workload (at least one) with 1 thread and with all of them: what parallel cores alone buy.

    >>> rows = thread_scaling([Workload.matmul(64)], repeats=3)
    >>> [r["threads"] == 1 for r in rows]
    [True, False]
    """
    import torch

    if torch.get_num_threads() < 2:
        raise ValueError("thread_scaling needs at least 2 CPU threads: torch.get_num_threads() is 1")
    rows = [measure(w, "cpu", repeats=repeats, threads=t) for w in workloads for t in (1, None)]
    return [{**r, "thread_scaling": True} for r in rows]


@contract(devices=Optional(_Devices()), profile=Choice("tiny", "quick", "full"), repeats=_REPEATS,
          log=Optional(Function(takes=1)), workloads=Optional(Each(_WORKLOAD)), threads=Optional(Threads()))
def run_sweep(devices: str | Sequence[str] | None = None, profile: str = "quick", repeats: int = 7,
              log: Callable[[str], object] | None = None,
              workloads: Sequence[Workload] | None = None, threads: int | None = None) -> dict[str, Any]:
    """Measure :func:`plan`'s workloads (or the given ``workloads``) on each device, as a JSON-ready dict.

    ``devices`` is a list of available device names, one name alone (``"cpu"``), or None for all of
    them. Workloads too large for labkit's size limit are refused before anything is measured.

    A workload that fails (out of memory, say) is reported through ``log`` (called with one message)
    and left out; the run goes on. ``run["peaks"]`` holds each device's :func:`measured_peaks`, with
    None for a ceiling its workloads do not measure (a sweep of MLP steps only, say). ``threads`` sets the CPU's thread count (from 1 to the CPU count; default: all). With all
    threads, the largest matrix product and element-wise addition are also timed on one thread (rows with
    ``thread_scaling`` true): what parallel cores alone buy. One thread gives steadier timings on a
    machine busy with other work, where threads wait for each other.

    >>> run = run_sweep(["cpu"], "tiny", repeats=1)
    >>> run["schema"], sorted(run["peaks"]), run["environment"]["devices"]["cpu"]["threads"] >= 1
    ('labkit.hardware/1', ['cpu'], True)
    """
    devices = available_devices() if devices is None else devices
    for i, w in enumerate(workloads or ()):
        _check_fits(w, f"workloads[{i}]")  # before the first allocation, not after an hour of sweep
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
            results += [r for r in thread_scaling(largest, repeats) if r["threads"] == 1] if largest else []
        if log:
            log(f"{device}: {sum(r['device'] == device for r in results)} workloads measured")
    run = {"schema": SCHEMA, "profile": profile, "environment": environment(devices), "results": results}
    run["environment"].update(_precision_flags())
    run["peaks"] = {d: _peaks(run, d) for d in devices}  # None where the workloads measure no ceiling
    return run


def _precision_flags() -> dict[str, Any]:
    # float32 matrix products may silently run in TF32 on tensor cores: record what was allowed.
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {"float32_matmul_precision": torch.get_float32_matmul_precision(),
                "cudnn_allow_tf32": bool(getattr(torch.backends.cudnn, "allow_tf32", False))}


@contract(run=_Record(), path=_Path("write"))
def save_results(run: dict[str, Any], path: str | Path) -> Path:
    """Write a run to ``path`` as JSON and return the path; its folder must exist.

    NumPy numbers in the run are written as plain JSON numbers.
    """
    path.write_text(json.dumps(run, indent=1, sort_keys=True, default=_plain) + "\n", encoding="utf-8")
    return path


def _plain(value: object) -> object:
    # json knows Python's numbers only: a numpy scalar becomes the Python number it holds.
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"run must hold JSON values only, got {_shown(value)}")


@contract(path=_Path())
def load_results(path: str | Path) -> dict[str, Any]:
    """Read a run written by :func:`save_results`, checking its schema.

    >>> import tempfile, os
    >>> run = run_sweep(["cpu"], "tiny", repeats=1)
    >>> path = save_results(run, os.path.join(tempfile.mkdtemp(), "cpu.json"))
    >>> load_results(path) == run
    True
    """
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"path {str(path)!r} is not a readable JSON file: {err}") from None
    return _Record().check(f"the run in path {str(path)!r}", run)


@contract(run=_Record())
def validate(run: object) -> dict[str, Any]:
    """Return ``run`` if it has the layout of :data:`SCHEMA`, else raise an error naming the fault.

    A TypeError if ``run`` is not a dict, or a row's value has the wrong type; a ValueError for
    another schema, a missing key, a NaN or infinite number, a time of 0, or an unknown device.
    """
    return run


@contract(directory=Optional(_Path("directory")))
def recorded_gpu_run(directory: str | Path | None = None) -> dict[str, Any] | None:
    """The latest run in ``directory`` that measured a GPU, or None if none did.

    ``directory`` must exist; by default the committed runs of :data:`RECORDS`.

    >>> run = recorded_gpu_run()
    >>> run is None or "cuda" in run["environment"]["devices"]
    True
    """
    runs = [load_results(p) for p in sorted((RECORDS if directory is None else directory).glob("*.json"))]
    runs = [r for r in runs if "cuda" in r["environment"]["devices"]]
    return max(runs, key=lambda r: r["environment"]["date"], default=None)


@contract(run=_Record(), device=Text())
def provenance(run: dict[str, Any], device: str) -> str:
    """Where a run's numbers for ``device`` come from, to print next to them.

    >>> provenance(run_sweep(["cpu"], "tiny", repeats=1), "cpu").startswith("measured on ")
    True
    """
    env = run["environment"]
    if device not in env["devices"]:
        raise ValueError(f"device must be one of the run's devices {sorted(env['devices'])}, got {device!r}")
    info = env["devices"][device]
    versions = {"name": info["name"], "torch": env["torch"], "numpy": env["numpy"], "date": env["date"][:10]}
    if device == "cuda":
        line = _("measured on {name}, driver {driver}, CUDA {cuda}, torch {torch}, numpy {numpy}, on {date}")
        return line.format(driver=info["driver"], cuda=info["cuda"], **versions)
    line = _("measured on {name}, {threads} CPU threads available, torch {torch}, numpy {numpy}, on {date}")
    return line.format(threads=info["threads"], **versions)


@contract(run=_Results(_CURVE_KEYS), device=Text(), kind=Choice(*_KINDS), dtype=Choice(*ITEMSIZE, "uint8"))
def curve(run: dict[str, Any], device: str, kind: str, dtype: str = "float32") -> dict[str, np.ndarray]:
    """One workload's rows of a run as arrays sorted by size, ready to plot.

    Keys: ``size``, ``median_s``, ``q1_s``, ``q3_s``, ``flops``, ``bytes``; thread-scaling rows are
    left out. Empty arrays if the run has no such row; ``kind`` must be a workload kind and ``device``
    one of the run's devices. Every row must give ``device``, ``kind``, ``dtype``, ``size``,
    ``median_s``, ``q1_s``, ``q3_s``, ``flops`` and ``bytes``, finite numbers.

    >>> run = {"results": [dict(device="cpu", kind="matmul", dtype="float32", size=n, median_s=n / 10,
    ...                         q1_s=0.0, q3_s=1.0, flops=2 * n**3, bytes=12 * n**2) for n in (8, 4)]}
    >>> curve(run, "cpu", "matmul")["size"]
    array([4, 8])
    """
    env = run.get("environment")
    devices = {r["device"] for r in run["results"]} | set(env["devices"] if isinstance(env, dict)
                                                           and isinstance(env.get("devices"), dict) else ())
    if device not in devices:
        raise ValueError(f"device must be one of the run's devices {sorted(devices)}, got {device!r}")
    rows = sorted((r for r in run["results"] if (r["device"], r["kind"], r["dtype"]) == (device, kind, dtype)
                   and not r.get("thread_scaling")), key=lambda r: r["size"])
    keys = ("size", "median_s", "q1_s", "q3_s", "flops", "bytes")
    return {k: np.array([r[k] for r in rows], dtype=np.int64 if k == "size" else np.float64) for k in keys}


#: The GPU whose datasheet stands in until a GPU run is recorded.
SPEC_GPU = "NVIDIA H100 SXM5 80GB"
#: The server CPU of the same generation whose datasheet the course compares it with, whole against whole.
SPEC_CPU = "Intel Xeon Platinum 8480+"


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
        peaks = run["peaks"]["cuda"]
        return {"name": run["environment"]["devices"]["cuda"]["name"], "measured": True,
                "peak_flops": peaks["peak_flops_by_dtype"].get(dtype), "bandwidth": peaks["bandwidth"],
                "source": provenance(run, "cuda")}
    peak, bandwidth = spec_roofline(SPEC_GPU, dtype if dtype == "float32" else f"{dtype} tensor")
    return {"name": SPEC_GPU, "measured": False, "peak_flops": peak, "bandwidth": bandwidth,
            "source": _("specification, not a measurement: NVIDIA H100 Tensor Core GPU datasheet and Hopper "
                        "architecture whitepaper (2022)")}


@contract(argv=Optional(Each(Text(empty=True), min_len=0)))
def main(argv: Sequence[str] | None = None) -> int:
    """``python -m labkit.hardware``: run the sweep, write the JSON file, print a summary."""
    parser = argparse.ArgumentParser(prog="python -m labkit.hardware", description=main.__doc__)
    parser.add_argument("--output", "-o", required=True, help="JSON file to write")
    parser.add_argument("--devices", nargs="+", default=None, help=f"default: all available {available_devices()}")
    parser.add_argument("--profile", choices=("tiny", "quick", "full"), default="full")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: all, plus one-thread rows)")
    args = parser.parse_args(argv)
    _Path("write").check("--output", args.output)  # before the sweep, not after an hour of it
    run = run_sweep(args.devices, args.profile, args.repeats, log=lambda m: print(m, file=sys.stderr, flush=True),
                    threads=args.threads)
    path = save_results(run, args.output)
    for device, peak in run["peaks"].items():
        print(f"{device}: {provenance(run, device)}")
        for dtype, flops in peak["peak_flops_by_dtype"].items():
            print(f"  best {dtype} FLOP/s: {flops / 1e9:,.1f} GFLOP/s")
        print(f"  best bandwidth: {peak['bandwidth'] / 1e9:.1f} GB/s")
    print(f"wrote {len(run['results'])} results to {path}")
    return 0
