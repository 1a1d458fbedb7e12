"""A model of one call offloaded to a GPU: launch latency, roofline time, and copies over the host link.

A datasheet's roofline bound, ``max(flops / peak, bytes / bandwidth)``, is the time of the work alone.
A real call also pays for launching the kernel, and, when its data lives in host memory, for sending
the inputs over the host link (PCIe) and bringing the outputs back. This module adds those two costs,
as a *model*: the launch latency is an assumed order of magnitude, the link's bandwidth a datasheet
figure; neither is measured here. It leaves out the framework's own per-call work on the host (Python,
PyTorch's dispatcher), which a call on either device pays: the model flatters the GPU on small work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import Array, Instance, Optional, Real
from .._contract import contract
from .workloads import Workload

#: Assumed cost of launching one kernel, in seconds: "a few microseconds", the order of magnitude
#: Volkov & Demmel (2008) measured for an asynchronous launch. An assumption, not a measurement.
LAUNCH_LATENCY_S = 5e-6


_POSITIVE = Real(0, low_open=True)


@contract(workload=Instance(Workload, what="a labkit.hardware.Workload"), peak_flops=_POSITIVE, bandwidth=_POSITIVE,
          launch_s=Real(0), link_bandwidth=Optional(_POSITIVE))
def offload_time(workload: Workload, peak_flops: float, bandwidth: float, *,
                 launch_s: float = LAUNCH_LATENCY_S, link_bandwidth: float | None = None) -> float:
    """Modelled seconds for one call of ``workload`` on a GPU of the given roofline.

    ``launch_s + max(flops / peak_flops, bytes / bandwidth)``, plus ``bytes / link_bandwidth`` when
    ``link_bandwidth`` is given: the data lives in host memory, so its compulsory bytes (the inputs
    sent, the outputs returned) cross the link once, before and after the work.

    Examples
    --------
    >>> w = Workload.elementwise(10**6)  # 12 MB moved, 1 MFLOP
    >>> round(offload_time(w, peak_flops=1e12, bandwidth=1e12, launch_s=1e-6) * 1e6, 3)  # 1 us + 12 us
    13.0
    >>> round(offload_time(w, 1e12, 1e12, launch_s=1e-6, link_bandwidth=1e10) * 1e6, 3)  # + 1.2 ms of copies
    1213.0
    """
    t = launch_s + max(workload.flops / peak_flops, workload.bytes / bandwidth)
    if link_bandwidth is not None:
        t += workload.bytes / link_bandwidth
    return t


@contract(sizes=Array("int", ndim=1, min_rows=1), candidate_s=Array(ndim=1, min_rows=1, min=0),
          reference_s=Array(ndim=1, min_rows=1, min=0))
def crossover(sizes: Sequence[int], candidate_s: Any, reference_s: Any) -> int | None:
    """The smallest size from which ``candidate_s`` is below ``reference_s`` at that size and every larger one.

    ``None`` if the candidate is not faster at the largest size. The three arrays (or sequences, or
    generators) go together, sorted by increasing size; the sizes are ints, the times finite seconds >= 0.

    >>> crossover([1, 2, 4, 8], [5.0, 5.0, 5.0, 5.0], [1.0, 6.0, 4.0, 9.0])
    8
    >>> crossover([1, 2], [1.0, 1.0], [2.0, 2.0]), crossover([1, 2], [3.0, 3.0], [2.0, 2.0])
    (1, None)
    """
    n, a, b = sizes, candidate_s, reference_s
    if np.any(np.diff(n) <= 0):
        raise ValueError(f"sizes must increase, got {n.tolist()[:8]}")
    for name, times in (("candidate_s", a), ("reference_s", b)):
        if times.shape != n.shape:
            raise ValueError(f"{name} must have one time per size ({n.size}), got {times.size}")
    faster = a < b
    if not faster[-1]:
        return None
    slower = np.flatnonzero(~faster)
    return int(n[slower[-1] + 1] if slower.size else n[0])
