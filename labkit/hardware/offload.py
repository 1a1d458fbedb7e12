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

from .._checks import check_array, check_nonnegative, check_positive
from .workloads import Workload

#: Assumed cost of launching one kernel, in seconds: "a few microseconds", the order of magnitude
#: Volkov & Demmel (2008) measured for an asynchronous launch. An assumption, not a measurement.
LAUNCH_LATENCY_S = 5e-6


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
    if not isinstance(workload, Workload):
        raise TypeError(f"workload must be a labkit.hardware.Workload, got {type(workload).__name__}")
    peak, bw = check_positive("peak_flops", peak_flops), check_positive("bandwidth", bandwidth)
    t = check_nonnegative("launch_s", launch_s) + max(workload.flops / peak, workload.bytes / bw)
    if link_bandwidth is not None:
        t += workload.bytes / check_positive("link_bandwidth", link_bandwidth)
    return t


def crossover(sizes: Sequence[int], candidate_s: Any, reference_s: Any) -> int | None:
    """The smallest size from which ``candidate_s`` is below ``reference_s`` at that size and every larger one.

    ``None`` if the candidate is not faster at the largest size. The three arrays go together, sorted
    by size.

    >>> crossover([1, 2, 4, 8], [5.0, 5.0, 5.0, 5.0], [1.0, 6.0, 4.0, 9.0])
    8
    >>> crossover([1, 2], [1.0, 1.0], [2.0, 2.0]), crossover([1, 2], [3.0, 3.0], [2.0, 2.0])
    (1, None)
    """
    n, a, b = check_array("sizes", sizes), check_array("candidate_s", candidate_s), check_array("reference_s", reference_s)
    if n.ndim != 1 or n.size == 0 or a.shape != n.shape or b.shape != n.shape or np.any(np.diff(n) <= 0):
        raise ValueError("sizes must be a non-empty increasing 1-D sequence, with candidate_s and reference_s "
                         f"of the same length; got lengths {n.size}, {a.size}, {b.size}")
    faster = a < b
    if not faster[-1]:
        return None
    slower = np.flatnonzero(~faster)
    return int(n[slower[-1] + 1] if slower.size else n[0])
