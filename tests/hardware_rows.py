"""Results and runs built by hand for the hardware tests: a real sweep takes seconds, and cannot give
the exact times a test of the ceilings needs."""

from __future__ import annotations

import dataclasses

from labkit.hardware import Result, Run, Workload, environment
from labkit.timing import Timing

#: What a run's environment says about a GPU that is not there.
TEST_GPU = {"name": "Test GPU", "driver": "999.1", "cuda": "13.0", "capability": "9.0", "multiprocessors": 1,
            "memory_gb": 1.0}


def result(kind: str = "matmul", *, device: str = "cpu", dtype: str = "float32", size: int = 4, flops: int = 100,
           bytes: int = 10, median_s: float = 1.0, thread_scaling: bool = False) -> Result:
    """A workload of these counts that took ``median_s`` in every sample."""
    timing = Timing(median_s, median_s, median_s, median_s, median_s, repeats=1, number=1)
    return Result(device, Workload(kind, size, dtype, flops, bytes), timing, threads=1, thread_scaling=thread_scaling)


def run_of(*results: Result, date: str | None = None) -> Run:
    """A run of these results, in this machine's environment, with a test GPU if one of them is on "cuda"."""
    env = environment("cpu")
    if any(r.device == "cuda" for r in results):
        env["devices"]["cuda"] = dict(TEST_GPU)
    if date:
        env["date"] = date
    return Run("tiny", env, list(results))


def as_gpu_record(run: Run, date: str | None = None) -> Run:
    """A CPU run relabelled as a GPU's, to drive the page's 'recorded GPU run' path without a GPU."""
    env = {**run.environment, "devices": {"cuda": dict(TEST_GPU)}}
    if date:
        env["date"] = date
    return Run(run.profile, env, [dataclasses.replace(r, device="cuda") for r in run.results])
