"""An honest timer: warm-up, synchronise the device before reading the clock, repeat, report the median.

A GPU runs asynchronously: ``torch.matmul`` on CUDA returns as soon as the kernel is *queued*. Reading
the clock then measures the launch, not the work. :func:`time_call` therefore calls the device's
``synchronize`` before each clock reading, runs the work a few times first (caches, lazy initialisation,
kernel selection), and repeats the measurement to report a median and a spread, not one lucky run.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .._checks import Count, Function, Int, Real, Rule, Variant, _const, _needs, _shown, check_choice
from .._contract import contract

#: dtypes each kind of device can run here; bfloat16 and float16 run on the GPU's tensor cores.
SUPPORTED_DTYPES: dict[str, tuple[str, ...]] = {
    "cpu": ("float64", "float32", "bfloat16"),
    "cuda": ("float64", "float32", "bfloat16", "float16"),
}


@contract()
def available_devices() -> list[str]:
    """The devices PyTorch can run on here: always ``"cpu"``, plus ``"cuda"`` if a GPU is visible.

    >>> available_devices()[0]
    'cpu'
    """
    import torch

    return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def check_device(device: object, name: str = "device") -> str:
    """Return ``device`` if it is a known device available on this machine, else raise ValueError."""
    device = check_choice(name, device, tuple(SUPPORTED_DTYPES))
    if device not in available_devices():
        raise ValueError(f"{name} must be a device available on this machine {available_devices()}, got {device!r}")
    return device


def _unavailable() -> str:
    """A known device this machine lacks, or an unknown name where it has them all."""
    return next((d for d in SUPPORTED_DTYPES if d not in available_devices()), "mps")


class _Device(Rule):
    """A device name available here: "cpu", or "cuda" where a GPU is visible."""

    expected = "a device available on this machine"

    def check(self, name: str, value: Any) -> str:
        return check_device(value, name)

    def bad(self) -> list[Variant]:
        return [("unknown", _const("tpu"), ValueError), ("unavailable", lambda _valid: _unavailable(), ValueError),
                ("int", _const(0), TypeError), ("None", _const(None), TypeError)]


class _Devices(Rule):
    """A non-empty list of available device names; one name alone, ``"cpu"``, is a list of one."""

    expected = "a device name or a non-empty list of device names such as ['cpu']"

    def check(self, name: str, value: Any) -> list[str]:
        if isinstance(value, str):  # environment("cpu") means one device, not the letters c, p, u
            return [check_device(value, name)]
        if not isinstance(value, (list, tuple)):
            raise self.fail(name, value, TypeError)
        if not value:
            raise self.fail(name, value)
        devices = [check_device(d, f"{name}[{i}]") for i, d in enumerate(value)]
        if len(set(devices)) < len(devices):
            raise self.fail(name, value, expected="a list naming each device once")
        return devices

    def bad(self) -> list[Variant]:
        return [("empty", _const([]), ValueError), ("unknown", _const(["tpu"]), ValueError),
                ("unknown alone", _const("tpu"), ValueError), ("twice", _const(["cpu", "cpu"]), ValueError),
                ("int", _const(3), TypeError), ("None", _const(None), TypeError)]

    def unusual(self) -> list[Variant]:
        return [("one name", _const("cpu"), None), ("tuple", _needs(tuple), None)]


def check_dtype(dtype: object, device: str) -> Any:
    """Return the ``torch.dtype`` named ``dtype`` if ``device`` supports it, else raise ValueError."""
    import torch

    if not isinstance(dtype, str) or not isinstance(getattr(torch, dtype, None), torch.dtype):
        raise ValueError(f"dtype must be a dtype name such as 'float32', got {dtype!r}")
    supported = SUPPORTED_DTYPES[device]
    if dtype not in supported or (device == "cuda" and dtype == "bfloat16" and not torch.cuda.is_bf16_supported()):
        raise ValueError(f"dtype {dtype!r} is not supported on device {device!r} (supported: {list(supported)})")
    return getattr(torch, dtype)


@contract(device=_Device())
def synchronizer(device: str) -> Callable[[], None]:
    """The function that waits until ``device`` has finished all queued work (a no-op on the CPU)."""
    import torch

    return torch.cuda.synchronize if device == "cuda" else (lambda: None)


#: The order the five statistics of a :class:`Timing` must come in, smallest first.
_ORDER = ("min_s", "q1_s", "median_s", "q3_s", "max_s")
#: Most calls one sample of :func:`time_call` makes: ``number`` doubles from 1 up to this.
MAX_NUMBER = 2**20


@contract(median_s=Real(0), q1_s=Real(0), q3_s=Real(0), min_s=Real(0), max_s=Real(0), repeats=Count(),
          number=Int(1, MAX_NUMBER))
@dataclass(frozen=True)
class Timing:
    """Seconds per call: the median of ``repeats`` samples, their quartiles and extremes.

    Each sample times ``number`` calls in a row and divides by ``number``, so that work far shorter
    than the clock's resolution is still measured. The statistics must be in order,
    ``min_s <= q1_s <= median_s <= q3_s <= max_s``; ``repeats`` is from 1 to 10**6, ``number`` from 1
    to 2**20.
    """

    median_s: float
    q1_s: float
    q3_s: float
    min_s: float
    max_s: float
    repeats: int
    number: int

    def __post_init__(self) -> None:
        # Each rule checked one field; the relation between them is checked here.
        values = [getattr(self, name) for name in _ORDER]
        for (low, a), (high, b) in zip(zip(_ORDER, values), zip(_ORDER[1:], values[1:])):
            if a > b:
                raise ValueError(f"{low} must be <= {high} (min_s <= q1_s <= median_s <= q3_s <= max_s), "
                                 f"got {low}={a!r} and {high}={b!r}")

    @property
    def spread(self) -> float:
        """Interquartile range divided by the median; 0.05 means the middle half lies within 5 %."""
        return (self.q3_s - self.q1_s) / self.median_s if self.median_s > 0 else 0.0

    @contract()
    def as_dict(self) -> dict[str, float]:
        """The fields as a dict, ready for JSON."""
        return asdict(self)


#: The longest sample one timing may ask for, in seconds: past it a typo hangs the notebook.
MAX_MIN_TIME = 60.0


@contract(fn=Function(takes=0), sync=Function(takes=0), repeats=Count(), warmup=Count(0),
          min_time=Real(0, MAX_MIN_TIME, low_open=True), clock=Function(takes=0))
def time_call(fn: Callable[[], object], *, sync: Callable[[], None] = lambda: None, repeats: int = 7,
              warmup: int = 2, min_time: float = 1e-3,
              clock: Callable[[], float] = time.perf_counter) -> Timing:
    """Time ``fn()``: ``warmup`` calls, then ``repeats`` samples, with ``sync()`` before each clock read.

    Parameters
    ----------
    fn : callable
        The work, called with no argument (a callable that needs one is refused).
    sync : callable
        Waits for the device to finish, e.g. ``torch.cuda.synchronize``, called with no argument; see
        :func:`synchronizer`.
    repeats : int
        Number of samples, from 1 to 10**6; the median resists the odd slow one.
    warmup : int
        Calls made and thrown away before measuring, from 0 to 10**6.
    min_time : float
        Each sample lasts at least about this many seconds (above 0, at most 60): short work is called
        ``number`` times per sample, ``number`` doubling from 1 until one sample is long enough.
    clock : callable
        Called with no argument, gives seconds as a finite float that never decreases; replaceable to
        test the harness with a fake device.

    Examples
    --------
    >>> t = time_call(lambda: sum(range(1000)), repeats=5)
    >>> t.repeats, t.min_s <= t.median_s <= t.max_s
    (5, True)
    """

    def sample(number: int) -> float:
        sync()  # nothing queued before may leak into this sample
        start = clock()
        for _ in range(number):
            fn()
        sync()  # the work is finished, not merely launched
        return _elapsed(start, clock()) / number

    for _ in range(warmup):
        fn()
    number = 1
    while (t := sample(number)) * number < min_time and number < MAX_NUMBER:
        number *= 2
    times = np.array([t] + [sample(number) for _ in range(repeats - 1)])
    # Sorted and clipped: interpolated percentiles may be out of order by one rounding error.
    q1, median, q3 = np.clip(np.sort(np.percentile(times, [25, 50, 75])), times.min(), times.max())
    return Timing(float(median), float(q1), float(q3), float(times.min()), float(times.max()), repeats, number)


def _elapsed(start: object, end: object) -> float:
    """Seconds between two clock readings; a clock giving NaN or running backwards would fake a timing."""
    try:
        seconds = float(end) - float(start)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TypeError(f"clock must return seconds as a float, got {_shown(start)} then {_shown(end)}") from None
    if not (np.isfinite(seconds) and seconds >= 0):
        raise ValueError(f"clock must return finite seconds that never decrease, got {_shown(start)} then {_shown(end)}")
    return seconds


def host_cpu() -> str:
    """The model name of this machine's CPU, as the operating system reports it."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _driver_version() -> str:
    # PyTorch knows the CUDA version it was built with, not the driver: ask nvidia-smi.
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20, check=True).stdout
        return out.strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


@contract(devices=_Devices())
def environment(devices: str | list[str]) -> dict[str, Any]:
    """Where and when a measurement was taken: date, host CPU, library versions, each device's name.

    ``devices`` is a list of available device names, or one name alone.

    >>> env = environment(["cpu"])
    >>> sorted(env["devices"]), env["devices"]["cpu"]["threads"] >= 1
    (['cpu'], True)
    >>> list(environment("cpu")["devices"])
    ['cpu']
    """
    import torch

    env: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host_cpu": host_cpu(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "platform": platform.platform(),
        "devices": {},
    }
    for device in devices:
        if device == "cpu":
            env["devices"]["cpu"] = {"name": env["host_cpu"], "threads": torch.get_num_threads()}
        else:
            props = torch.cuda.get_device_properties(0)
            env["devices"]["cuda"] = {
                "name": props.name, "driver": _driver_version(), "cuda": torch.version.cuda,
                "capability": f"{props.major}.{props.minor}", "multiprocessors": props.multi_processor_count,
                "memory_gb": round(props.total_memory / 1e9, 1),
            }
    return env
