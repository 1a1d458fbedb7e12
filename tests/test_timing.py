"""Tests of labkit.timing: a harness that must synchronise a fake asynchronous device, its statistics,
and bad clocks and bad input refused naming them."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labkit import timing
from labkit.timing import Timing, time_call
from contracts import contract_tests, relation_tests

SETTINGS = settings(deadline=None, derandomize=True, max_examples=15)


# -- the harness synchronises ----------------------------------------------------------------------------
class FakeAsyncDevice:
    """Work returns at once and runs later, like a CUDA kernel; time passes only when someone waits."""

    def __init__(self, seconds_per_call: float) -> None:
        self.now, self.queued, self.seconds = 0.0, 0.0, seconds_per_call

    def launch(self) -> None:
        self.queued += self.seconds

    def synchronize(self) -> None:
        self.now, self.queued = self.now + self.queued, 0.0

    def clock(self) -> float:
        return self.now


@SETTINGS
@given(seconds=st.floats(1e-6, 1.0), repeats=st.integers(1, 9), warmup=st.integers(0, 3))
def test_harness_waits_for_the_device_before_reading_the_clock(seconds, repeats, warmup):
    dev = FakeAsyncDevice(seconds)
    t = time_call(dev.launch, sync=dev.synchronize, clock=dev.clock, repeats=repeats, warmup=warmup, min_time=1e-3)
    assert t.median_s == pytest.approx(seconds) and t.spread == pytest.approx(0.0, abs=1e-9)
    assert t.number * seconds >= 1e-3 or t.number == 1  # short work is repeated within one sample
    assert t.repeats == repeats and t.min_s <= t.median_s <= t.max_s


def test_without_synchronising_the_fake_device_looks_infinitely_fast():
    # The same fake device, timed without waiting for it: the pitfall the harness avoids.
    dev = FakeAsyncDevice(0.5)
    assert time_call(dev.launch, clock=dev.clock, min_time=1e-3, repeats=3).median_s < 1e-3


def test_timing_median_and_quartiles():
    ticks = iter(np.cumsum([0, 1, 0, 3, 0, 2, 0, 5, 0, 4]).tolist())  # samples of 1, 3, 2, 5, 4 s
    t = time_call(lambda: None, clock=lambda: next(ticks), warmup=0, repeats=5, min_time=1e-3)
    assert (t.median_s, t.q1_s, t.q3_s, t.min_s, t.max_s) == (3.0, 2.0, 4.0, 1.0, 5.0)
    assert Timing(**t.as_dict()) == t


def test_timing_statistics_come_out_in_order():
    t = time_call(lambda: None, repeats=4, warmup=0, min_time=1e-4)
    assert t.min_s <= t.q1_s <= t.median_s <= t.q3_s <= t.max_s


def test_non_finite_numbers_are_refused_naming_them():
    with pytest.raises(ValueError, match=r"\bmedian_s\b"):
        Timing(float("nan"), 1.0, 1.0, 1.0, 1.0, 1, 1)
    with pytest.raises(ValueError, match=r"\bclock\b"):
        time_call(lambda: None, clock=lambda: float("nan"), warmup=0, repeats=2)


def test_every_concept_times_with_this_harness():
    # One timer: the concepts that time something import it from here, none defines its own.
    from labkit.autodiff import measure
    from labkit.graphs import tasks
    from labkit.hardware import sweep

    assert measure.time_call is tasks.time_call is sweep.time_call is time_call


# -- argument contracts -------------------------------------------------------------------------------------
TIMING = dict(median_s=2.0, q1_s=1.0, q3_s=3.0, min_s=0.5, max_s=4.0, repeats=5, number=2)

VALID_CALLS = {
    "time_call": lambda: (time_call, dict(fn=lambda: None, sync=lambda: None, repeats=2, warmup=1, min_time=1e-4,
                                          clock=time.perf_counter)),
    "Timing": lambda: (Timing, dict(TIMING)),
    "Timing.as_dict": lambda: (Timing(**TIMING).as_dict, {}),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(timing, VALID_CALLS)

# Relations between arguments, and what a clock gives, stay checked inline.
BAD_INPUTS = [
    ("time_call", time_call, dict(fn=print, clock=iter([0.0, -1.0]).__next__, warmup=0, repeats=1), ValueError, "clock"),
    ("time_call", time_call, dict(fn=print, clock=lambda: "now", warmup=0, repeats=1), TypeError, "clock"),
    ("time_call", time_call, dict(fn=lambda x: x, repeats=1, warmup=0), TypeError, "fn"),
    ("Timing", Timing, dict(TIMING, q1_s=3.5), ValueError, "q1_s"),  # q1 > q3
    ("Timing", Timing, dict(TIMING, max_s=2.5), ValueError, "max_s"),  # max < q3
]

test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)
