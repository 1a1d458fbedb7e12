"""The hardware page's coding exercises: wrong answers outside the mistakes list get a precise message.

The generic test of every exercise (its solution passes, each mistake gets its own message, the skeleton
is "not written yet") is tests/test_exercises.py; these are the answers specific to this page.
"""

from __future__ import annotations

import numpy as np
import pytest

from labkit.exercises import check, solution_path
from labkit.exercises._core import REGISTRY
from labkit.hardware import Workload

MATMUL, ROOFLINE = "hardware.matmul_flops_and_bytes", "hardware.roofline_time"


@pytest.mark.parametrize("exercise_id", [MATMUL, ROOFLINE])
def test_reference_solution_passes(exercise_id):
    report = check(exercise_id, solution_path(exercise_id), language="en")
    assert report.passed, str(report)


def test_the_reference_agrees_with_labkit_workloads():
    """torch's FLOP counter and the tensors' sizes count a square product as Workload.matmul does."""
    reference = REGISTRY[MATMUL].reference
    for n, dtype, itemsize in ((64, "float32", 4), (100, "bfloat16", 2)):
        w = Workload.matmul(n, dtype)
        assert reference(n, n, n, itemsize) == (w.flops, w.bytes, w.intensity)


def test_itemsize_forgotten_on_the_second_case_names_nbytes():
    """Bytes of float32 whatever the itemsize: right on the first case (float32), wrong on the second."""
    def float32_always(n, k, m, itemsize):
        flops, nbytes = 2 * n * k * m, (n * k + k * m + n * m) * 4
        return flops, nbytes, flops / nbytes

    text = str(check(MATMUL, float32_always, language="en"))
    assert text.startswith("On case 2 (n=1, k=4096, m=4096, itemsize=2): nbytes: 1 of 1 values disagree "
                           "with torch.utils.flop_counter"), text


def test_intensity_by_division_gives_nan_on_a_copy():
    """flops / min(peak, intensity * bandwidth) is 0 / 0 on a copy: the checker says NaN, not 'disagree'."""
    def through_intensity(flops, nbytes, peak_flops, bandwidth):
        intensity = flops / nbytes
        with np.errstate(invalid="ignore"):
            seconds = flops / np.minimum(peak_flops, intensity * bandwidth)
        return seconds, intensity < peak_flops / bandwidth

    text = str(check(ROOFLINE, through_intensity, language="en"))
    assert text.startswith("seconds contains NaN or infinity on case 1"), text


def test_memory_alone_names_the_workloads_that_disagree():
    """nbytes / bandwidth alone is wrong on the compute-bound workloads only: the checker counts them."""
    def memory_alone(flops, nbytes, peak_flops, bandwidth):
        return nbytes / bandwidth, nbytes / bandwidth > flops / peak_flops

    text = str(check(ROOFLINE, memory_alone, language="en"))
    assert "seconds: 3 of 7 values disagree with labkit.hardware.offload_time" in text, text


def test_python_max_on_arrays_is_reported_with_its_line():
    def python_max(flops, nbytes, peak_flops, bandwidth):
        return max(flops / peak_flops, nbytes / bandwidth), nbytes / bandwidth > flops / peak_flops

    text = str(check(ROOFLINE, python_max, language="en"))
    assert text.startswith("roofline_time raised ValueError") and "max(flops / peak_flops" in text, text


def test_the_cores_only_mistake_speaks_french():
    mistake = REGISTRY[ROOFLINE].mistakes[2]
    text = str(check(ROOFLINE, mistake.wrong, language="fr"))
    assert "comme si plus de cœurs voulait toujours dire plus de vitesse" in text, text
