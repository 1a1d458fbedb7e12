"""An honest timer: warm-up, synchronise the device before reading the clock, repeat, report the median.

A GPU runs asynchronously: ``torch.matmul`` on CUDA returns as soon as the kernel is *queued*. Reading
the clock then measures the launch, not the work. :func:`time_call` therefore calls a synchroniser
before each clock reading, runs the work a few times first (caches, lazy initialisation, kernel
selection), and repeats the measurement to report a median and a spread, not one lucky run.

The clock and the synchroniser are arguments: the hardware concept passes a device's
(:func:`labkit.hardware.synchronizer`), the tests a fake asynchronous device. Every concept that
times something (hardware, graphs, autodiff) times it here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from ._checks import Count, Function, Int, Real, _shown
from ._contract import contract

__all__ = ["time_call", "Timing"]

#: The order the five statistics of a :class:`Timing` must come in, smallest first.
_ORDER = ("min_s", "q1_s", "median_s", "q3_s", "max_s")
#: Most calls one sample of :func:`time_call` makes: ``number`` doubles from 1 up to this.
MAX_NUMBER = 2**20
#: The longest sample one timing may ask for, in seconds: past it a typo hangs the notebook.
MAX_MIN_TIME = 60.0


@contract(median_s=Real(0), q1_s=Real(0), q3_s=Real(0), min_s=Real(0), max_s=Real(0), repeats=Count(),
          number=Int(1, MAX_NUMBER))
@dataclass(frozen=True)
class Timing:
    """Seconds per call: the median of ``repeats`` samples, their quartiles and extremes.

    Each sample times ``number`` calls in a row and divides by ``number``, so that work far shorter
    than the clock's resolution is still measured. The statistics must be in order,
    ``min_s <= q1_s <= median_s <= q3_s <= max_s``; ``repeats`` is from 1 to 10**6, ``number`` from 1
    to 2**20.

    >>> t = Timing(median_s=2.0, q1_s=1.5, q3_s=3.0, min_s=1.0, max_s=4.0, repeats=5, number=1)
    >>> t.spread
    0.75
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
        :func:`labkit.hardware.synchronizer`.
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
