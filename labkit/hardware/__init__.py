"""Why deep learning runs faster on a GPU, measured: an honest benchmark harness and the roofline model.

- :mod:`~labkit.hardware.harness`: the devices, :func:`synchronizer` (what :func:`labkit.timing.time_call`
  waits for before each clock reading) and the :func:`environment` of a measurement;
- :mod:`~labkit.hardware.workloads`: :class:`Workload`, matrix products, element-wise additions, a
  convolution, an MLP training step and host-to-device copies, each with its exact FLOP and byte counts;
- :mod:`~labkit.hardware.sweep`: :func:`run_sweep` times every workload on every available device;
- :mod:`~labkit.hardware.results`: what it measures, typed: a :class:`Result` per workload timed, a
  :class:`Run` per sweep, and their :func:`provenance`;
- :mod:`~labkit.hardware.storage`: :func:`save_results` and :func:`load_results`, JSON files, and the
  GPU runs committed to :data:`RECORDS`;
- :mod:`~labkit.hardware.roofline`: :func:`roofline_bound`, ``min(peak, intensity x bandwidth)``,
  the ceilings measured by a sweep, and vendors' figures kept apart as :data:`SPECIFICATIONS`;
- :mod:`~labkit.hardware.offload`: :func:`offload_time`, a *model* of one call on a GPU that adds
  the launch latency and the copies over the host link to the roofline time, and :func:`crossover`;
- :mod:`~labkit.hardware.tiling`: :func:`tiled_matmul`, a matrix product by tiles that counts what it
  loads, and :data:`SHARED_MEMORY_PER_SM`;
- :mod:`~labkit.hardware.precision`: :func:`quantize_int8` and :func:`dequantize`, int8 weights with one
  scale per row;
- :mod:`~labkit.hardware.figures`: what the figures draw, :func:`curve` and :func:`gpu_roofline`;
- :mod:`~labkit.hardware.cli`: ``python -m labkit.hardware --output results.json``.

Only the standard library, NumPy and PyTorch are imported, so the sweep runs on any GPU machine.
"""

from .cli import main
from .figures import SPEC_CPU, SPEC_GPU, curve, gpu_roofline
from .harness import SUPPORTED_DTYPES, available_devices, environment, synchronizer
from .precision import dequantize, quantize_int8
from .offload import LAUNCH_LATENCY_S, crossover, offload_time
from .results import SCHEMA, Result, Run, provenance
from .roofline import SPECIFICATIONS, measured_peaks, ridge_point, roofline_bound, spec_roofline
from .storage import RECORDS, load_results, recorded_gpu_run, save_results
from .sweep import measure, plan, run_sweep, thread_scaling
from .tiling import SHARED_MEMORY_PER_SM, tiled_matmul
from .workloads import ITEMSIZE, MLP_SIZES, Workload

__all__ = [
    "synchronizer", "available_devices", "environment", "SUPPORTED_DTYPES",
    "Workload", "ITEMSIZE", "MLP_SIZES",
    "roofline_bound", "ridge_point", "measured_peaks", "spec_roofline", "SPECIFICATIONS",
    "offload_time", "crossover", "LAUNCH_LATENCY_S",
    "plan", "measure", "thread_scaling", "run_sweep", "Result", "Run", "SCHEMA", "provenance",
    "save_results", "load_results", "recorded_gpu_run", "RECORDS", "curve", "gpu_roofline", "SPEC_GPU", "SPEC_CPU",
    "tiled_matmul", "SHARED_MEMORY_PER_SM", "quantize_int8", "dequantize", "main",
]
