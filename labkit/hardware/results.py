"""What a sweep measures, typed: one :class:`Result` per workload timed, one :class:`Run` per sweep.

A result is a :class:`~labkit.hardware.Workload` (what was done, with its FLOP and byte counts) and a
:class:`~labkit.timing.Timing` (how long it took) on a device; a run is its results and the
environment they were measured in. Both check their fields when built, so a run read from a file is
as trustworthy as one just measured. On disk a run is one JSON object in the layout of
:data:`SCHEMA`: each result a flat row, ``{"device": ..., "kind": ..., "median_s": ..., ...}``.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from typing import Any

from .._checks import Bool, Choice, Each, Instance, Int, Rule, Said, Variant, _const, _needs, _shown
from .._contract import contract
from ..i18n import _
from ..timing import Timing
from .harness import SUPPORTED_DTYPES
from .workloads import Workload

#: Version of the JSON layout; :meth:`Run.from_dict` refuses any other.
SCHEMA = "labkit.hardware/1"
#: What the environment must give, and about each device (read by :func:`provenance`): a GPU's, a CPU's.
_ENV_KEYS = ("date", "host_cpu", "torch", "numpy", "devices")
_GPU_INFO_KEYS, _CPU_INFO_KEYS = ("name", "driver", "cuda"), ("name", "threads")
#: The fields of a row on disk, by the object that holds them; ``intensity`` is written for readers only.
_WORKLOAD_KEYS = tuple(f.name for f in dataclasses.fields(Workload))
_TIMING_KEYS = tuple(f.name for f in dataclasses.fields(Timing))
_ROW_KEYS = ("device", *_WORKLOAD_KEYS, *_TIMING_KEYS, "threads", "thread_scaling")
_DERIVED_KEYS = ("intensity",)


@contract(device=Choice(*SUPPORTED_DTYPES), workload=Instance(Workload, what="a labkit.hardware.Workload"),
          timing=Instance(Timing, what="a labkit.timing.Timing"), threads=Int(1), thread_scaling=Bool())
@dataclass(frozen=True)
class Result:
    """One workload timed on one device: the row of a sweep.

    ``threads`` is the number of CPU threads the work ran with (any number a machine may have had:
    a record may come from a larger one); ``thread_scaling`` marks the extra one-thread rows of a
    thread-scaling measurement, which ceilings and curves leave out. The median time must be above
    0: a speed divides by it.

    Examples
    --------
    >>> from labkit.timing import Timing
    >>> r = Result("cpu", Workload.matmul(100), Timing(1e-3, 1e-3, 1e-3, 1e-3, 1e-3, repeats=1, number=1), threads=1)
    >>> r.flops_per_s / 1e9, r.as_dict()["kind"]
    (2.0, 'matmul')
    """

    device: str
    workload: Workload
    timing: Timing
    threads: int
    thread_scaling: bool = False

    def __post_init__(self) -> None:
        if self.timing.median_s == 0:
            raise ValueError(f"timing.median_s must be > 0 (a speed divides by it), got {self.timing.median_s!r}")

    @property
    def flops_per_s(self) -> float:
        """The speed reached, the workload's FLOPs divided by its median time."""
        return self.workload.flops / self.timing.median_s

    @contract()
    def as_dict(self) -> dict[str, Any]:
        """The row as it is written to JSON: every field of the workload and of the timing, flat."""
        return {"device": self.device, **self.workload.as_dict(), **self.timing.as_dict(), "threads": self.threads,
                "thread_scaling": self.thread_scaling}


class _Environment(Rule):
    """Where and when a run was measured, as :func:`~labkit.hardware.environment` gives it."""

    expected = f"a dict giving {list(_ENV_KEYS)}, with a 'devices' dict"

    def check(self, name: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(name, value, TypeError)
        if not isinstance(value.get("devices"), dict):
            raise self.fail(name, Said(f"'devices' {_shown(value.get('devices'))}"))
        missing = [k for k in _ENV_KEYS if k not in value]
        if missing:
            raise self.fail(name, Said(f"one missing {missing}"))
        for device, info in value["devices"].items():
            keys = _GPU_INFO_KEYS if device == "cuda" else _CPU_INFO_KEYS
            if not isinstance(info, dict) or any(k not in info for k in keys):
                raise ValueError(f"{name}['devices'][{device!r}] must be a dict giving {list(keys)}, got {_shown(info)}")
        return value

    def bad(self) -> list[Variant]:
        return [("list", _const([]), TypeError), ("None", _const(None), TypeError),
                ("no date", _needs(lambda v: {k: x for k, x in v.items() if k != "date"}), ValueError),
                ("devices a list", _needs(lambda v: {**v, "devices": ["cpu"]}), ValueError),
                ("device info without its name", _needs(lambda v: {**v, "devices": {d: {} for d in v["devices"]}}),
                 ValueError)]


@contract(profile=Choice("tiny", "quick", "full"), environment=_Environment(),
          results=Each(Instance(Result, what="a labkit.hardware.Result"), min_len=0))
@dataclass(frozen=True)
class Run:
    """A sweep: its :func:`~labkit.hardware.plan` profile, where it was measured, and its results.

    Every result's device must be one of the environment's devices. :meth:`as_dict` and
    :meth:`from_dict` give and read the JSON layout of :data:`SCHEMA`.
    """

    profile: str
    environment: dict[str, Any]
    results: list[Result]

    def __post_init__(self) -> None:
        devices = self.environment["devices"]
        for i, r in enumerate(self.results):
            if r.device not in devices:
                raise ValueError(f"results[{i}].device must be one of the run's devices {sorted(devices)}, "
                                 f"got {r.device!r}")

    @contract()
    def as_dict(self) -> dict[str, Any]:
        """The run in the JSON layout of :data:`SCHEMA`, a copy that changes nothing in the run."""
        return {"schema": SCHEMA, "profile": self.profile, "environment": copy.deepcopy(self.environment),
                "results": [r.as_dict() for r in self.results]}

    @classmethod
    @contract(data=Instance(dict, what="a dict"))
    def from_dict(cls, data: dict[str, Any]) -> Run:
        """Read a run from the JSON layout of :data:`SCHEMA`, checking every field.

        A TypeError if a value has the wrong type; a ValueError for another schema, a missing or
        unknown key, a NaN or infinite number, a time of 0, or an unknown device.
        """
        return _run_from("data", data)


def _run_from(name: str, data: object) -> Run:
    """``data`` read as a run, errors naming where in ``name`` the fault lies."""
    if not isinstance(data, dict):
        raise TypeError(f"{name} must be a sweep result of schema {SCHEMA!r} (a dict), got {_shown(data)}")
    if data.get("schema") != SCHEMA:
        raise ValueError(f"{name} must be a sweep result of schema {SCHEMA!r}, got schema {data.get('schema')!r}")
    rows = data.get("results")
    if not isinstance(rows, list):
        raise ValueError(f"{name}['results'] must be a list of result rows, got {_shown(rows)}")
    results = [_result_from(f"{name}['results'][{i}]", row) for i, row in enumerate(rows)]
    try:
        return Run(data.get("profile"), data.get("environment"), results)
    except (TypeError, ValueError) as err:
        raise type(err)(f"{name}: {err}") from None


def _result_from(where: str, row: object) -> Result:
    """A flat JSON row read as a :class:`Result`; ``intensity`` is recomputed, not read."""
    if not isinstance(row, dict):
        raise TypeError(f"{where} must be a dict, got {_shown(row)}")
    required = [k for k in _ROW_KEYS if k not in ("shape", "thread_scaling")]
    missing = [k for k in required if k not in row]
    if missing:
        raise ValueError(f"{where} must have the keys {required}, got a row missing {missing}")
    unknown = sorted(set(row) - set(_ROW_KEYS) - set(_DERIVED_KEYS))
    if unknown:
        raise ValueError(f"{where} must have only the keys {list(_ROW_KEYS)}, got unknown keys {unknown}")
    try:
        return Result(row["device"], Workload(**{k: row[k] for k in _WORKLOAD_KEYS if k in row}),
                      Timing(**{k: row[k] for k in _TIMING_KEYS}), row["threads"], row.get("thread_scaling", False))
    except (TypeError, ValueError) as err:
        raise type(err)(f"{where}: {err}") from None


@contract(run=Instance(Run, what="a labkit.hardware.Run"), device=Choice(*SUPPORTED_DTYPES))
def provenance(run: Run, device: str) -> str:
    """Where a run's numbers for ``device`` come from, to print next to them.

    >>> from labkit.hardware import run_sweep
    >>> provenance(run_sweep(["cpu"], "tiny", repeats=1), "cpu").startswith("measured on ")
    True
    """
    env = run.environment
    if device not in env["devices"]:
        raise ValueError(f"device must be one of the run's devices {sorted(env['devices'])}, got {device!r}")
    info = env["devices"][device]
    versions = {"name": info["name"], "torch": env["torch"], "numpy": env["numpy"], "date": env["date"][:10]}
    if device == "cuda":
        line = _("measured on {name}, driver {driver}, CUDA {cuda}, torch {torch}, numpy {numpy}, on {date}")
        return line.format(driver=info["driver"], cuda=info["cuda"], **versions)
    line = _("measured on {name}, {threads} CPU threads available, torch {torch}, numpy {numpy}, on {date}")
    return line.format(threads=info["threads"], **versions)
