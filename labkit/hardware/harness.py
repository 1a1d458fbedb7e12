"""The devices the harness measures: which are available, how to wait for one, where a run took place.

A GPU runs asynchronously: ``torch.matmul`` on CUDA returns as soon as the kernel is *queued*. The
honest timer, :func:`labkit.timing.time_call`, therefore takes a synchroniser: :func:`synchronizer`
gives the device's (``torch.cuda.synchronize`` on a GPU, nothing to wait for on the CPU).
:func:`environment` records where and when a measurement was taken.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from collections.abc import Callable
from typing import Any

import numpy as np

from .._checks import Rule, Variant, _const, _needs, check_choice
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
