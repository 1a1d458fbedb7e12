"""Why deep learning runs faster on a GPU, measured: an honest benchmark harness and the roofline model.

- :mod:`~labkit.hardware.harness`: :func:`time_call` warms up, synchronises the device before each
  clock reading and reports the median and spread of repeated runs;
- :mod:`~labkit.hardware.workloads`: :class:`Workload`, matrix products, element-wise additions, a
  convolution, an MLP training step and host-to-device copies, each with its exact FLOP and byte counts;
- :mod:`~labkit.hardware.roofline`: :func:`roofline_bound`, ``min(peak, intensity x bandwidth)``,
  the ceilings measured by a sweep, and vendors' figures kept apart as :data:`SPECIFICATIONS`;
- :mod:`~labkit.hardware.offload`: :func:`offload_time`, a *model* of one call on a GPU that adds
  the launch latency and the copies over the host link to the roofline time, and :func:`crossover`;
- :mod:`~labkit.hardware.sweep`: :func:`run_sweep` over every available device, written to JSON by
  ``python -m labkit.hardware --output results.json``.

Only the standard library, NumPy and PyTorch are imported, so the sweep runs on any GPU machine.
"""

from .harness import SUPPORTED_DTYPES, Timing, available_devices, environment, synchronizer, time_call
from .offload import LAUNCH_LATENCY_S, crossover, offload_time
from .roofline import SPECIFICATIONS, measured_peaks, ridge_point, roofline_bound, spec_roofline
from .sweep import (
    RECORDS, SCHEMA, SPEC_CPU, SPEC_GPU, curve, gpu_roofline, load_results, main, measure, plan, provenance, recorded_gpu_run, run_sweep, save_results,
    thread_scaling, validate,
)
from .workloads import ITEMSIZE, MLP_SIZES, Workload

__all__ = [
    "time_call", "Timing", "synchronizer", "available_devices", "environment", "SUPPORTED_DTYPES",
    "Workload", "ITEMSIZE", "MLP_SIZES",
    "roofline_bound", "ridge_point", "measured_peaks", "spec_roofline", "SPECIFICATIONS",
    "offload_time", "crossover", "LAUNCH_LATENCY_S",
    "plan", "measure", "thread_scaling", "run_sweep", "save_results", "load_results", "validate", "curve",
    "recorded_gpu_run", "gpu_roofline", "SPEC_GPU", "SPEC_CPU", "provenance", "main", "RECORDS", "SCHEMA",
]
