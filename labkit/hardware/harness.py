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

from .._checks import check_choice, check_int, check_positive

#: dtypes each kind of device can run here; bfloat16 and float16 run on the GPU's tensor cores.
SUPPORTED_DTYPES: dict[str, tuple[str, ...]] = {
    "cpu": ("float64", "float32", "bfloat16"),
    "cuda": ("float64", "float32", "bfloat16", "float16"),
}


def available_devices() -> list[str]:
    """The devices PyTorch can run on here: always ``"cpu"``, plus ``"cuda"`` if a GPU is visible.

    >>> available_devices()[0]
    'cpu'
    """
    import torch

    return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def check_device(device: object) -> str:
    """Return ``device`` if it is a known device available on this machine, else raise ValueError."""
    device = check_choice("device", device, tuple(SUPPORTED_DTYPES))
    if device not in available_devices():
        raise ValueError(f"device {device!r} is not available on this machine (available: {available_devices()})")
    return device


def check_dtype(dtype: object, device: str) -> Any:
    """Return the ``torch.dtype`` named ``dtype`` if ``device`` supports it, else raise ValueError."""
    import torch

    if not isinstance(dtype, str) or not isinstance(getattr(torch, dtype, None), torch.dtype):
        raise ValueError(f"dtype must be a dtype name such as 'float32', got {dtype!r}")
    supported = SUPPORTED_DTYPES[device]
    if dtype not in supported or (device == "cuda" and dtype == "bfloat16" and not torch.cuda.is_bf16_supported()):
        raise ValueError(f"dtype {dtype!r} is not supported on device {device!r} (supported: {list(supported)})")
    return getattr(torch, dtype)


def synchronizer(device: str) -> Callable[[], None]:
    """The function that waits until ``device`` has finished all queued work (a no-op on the CPU)."""
    import torch

    return torch.cuda.synchronize if check_device(device) == "cuda" else (lambda: None)


@dataclass(frozen=True)
class Timing:
    """Seconds per call: the median of ``repeats`` samples, their quartiles and extremes.

    Each sample times ``number`` calls in a row and divides by ``number``, so that work far shorter
    than the clock's resolution is still measured.
    """

    median_s: float
    q1_s: float
    q3_s: float
    min_s: float
    max_s: float
    repeats: int
    number: int

    @property
    def spread(self) -> float:
        """Interquartile range divided by the median; 0.05 means the middle half lies within 5 %."""
        return (self.q3_s - self.q1_s) / self.median_s if self.median_s > 0 else 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def time_call(fn: Callable[[], object], *, sync: Callable[[], None] = lambda: None, repeats: int = 7,
              warmup: int = 2, min_time: float = 1e-3,
              clock: Callable[[], float] = time.perf_counter) -> Timing:
    """Time ``fn()``: ``warmup`` calls, then ``repeats`` samples, with ``sync()`` before each clock read.

    Parameters
    ----------
    fn : callable
        The work, called with no argument.
    sync : callable
        Waits for the device to finish, e.g. ``torch.cuda.synchronize``; see :func:`synchronizer`.
    repeats : int
        Number of samples (at least 1); the median resists the odd slow one.
    warmup : int
        Calls made and thrown away before measuring (at least 0).
    min_time : float
        Each sample lasts at least about this many seconds: short work is called ``number`` times per
        sample, ``number`` doubling from 1 until one sample is long enough.
    clock : callable
        Seconds as a float; replaceable to test the harness with a fake device.

    Examples
    --------
    >>> t = time_call(lambda: sum(range(1000)), repeats=5)
    >>> t.repeats, t.min_s <= t.median_s <= t.max_s
    (5, True)
    """
    if not callable(fn):
        raise TypeError(f"fn must be a callable taking no argument, got {type(fn).__name__}")
    if not callable(sync) or not callable(clock):
        raise TypeError("sync and clock must be callables taking no argument")
    repeats, warmup = check_int("repeats", repeats, 1), check_int("warmup", warmup, 0)
    min_time = check_positive("min_time", min_time)

    def sample(number: int) -> float:
        sync()  # nothing queued before may leak into this sample
        start = clock()
        for _ in range(number):
            fn()
        sync()  # the work is finished, not merely launched
        return (clock() - start) / number

    for _ in range(warmup):
        fn()
    number = 1
    while (t := sample(number)) * number < min_time and number < 2**20:
        number *= 2
    times = np.array([t] + [sample(number) for _ in range(repeats - 1)])
    q1, median, q3 = np.percentile(times, [25, 50, 75])
    return Timing(float(median), float(q1), float(q3), float(times.min()), float(times.max()), repeats, number)


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


def environment(devices: list[str]) -> dict[str, Any]:
    """Where and when a measurement was taken: date, host CPU, library versions, each device's name.

    >>> env = environment(["cpu"])
    >>> sorted(env["devices"]), env["devices"]["cpu"]["threads"] >= 1
    (['cpu'], True)
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
        if check_device(device) == "cpu":
            env["devices"]["cpu"] = {"name": env["host_cpu"], "threads": torch.get_num_threads()}
        else:
            props = torch.cuda.get_device_properties(0)
            env["devices"]["cuda"] = {
                "name": props.name, "driver": _driver_version(), "cuda": torch.version.cuda,
                "capability": f"{props.major}.{props.minor}", "multiprocessors": props.multi_processor_count,
                "memory_gb": round(props.total_memory / 1e9, 1),
            }
    return env
