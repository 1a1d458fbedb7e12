"""Tests of automatic differentiation's coding exercises, beyond the checks every exercise gets.

Each classic mistake must be told apart from the right answer and from the other mistakes on the first
case where it goes wrong; wrong answers that are not in the list get a message naming the output and
what is wrong with it (a shape, values that disagree with the reference).
"""

from __future__ import annotations

import numpy as np
import pytest

from labkit.exercises import check, names
from labkit.exercises._core import REGISTRY, _as_outputs, _call, _same

IDS = names("autodiff")


def test_autodiff_has_its_two_coding_exercises() -> None:
    assert IDS == ["autodiff.jvp_by_hand", "autodiff.mul_backward"]


@pytest.mark.parametrize("exercise_id", IDS)
def test_each_mistake_differs_from_the_others_on_the_first_case_where_it_goes_wrong(exercise_id: str) -> None:
    exercise = REGISTRY[exercise_id]
    cases = exercise.cases(np.random.default_rng(0))
    count = len(exercise.returns)

    def outputs(function, kwargs):
        with np.errstate(all="ignore"):
            return _as_outputs(_call(function, kwargs), count)

    for mistake in exercise.mistakes:
        first = next((kwargs for kwargs in cases
                      if not _same(outputs(mistake.wrong, kwargs), outputs(exercise.reference, kwargs),
                                   exercise.rtol, exercise.atol)), None)
        assert first is not None, f"{exercise_id}: no case catches {mistake.says.msgid!r}"
        for other in exercise.mistakes:
            if other is not mistake:
                assert not _same(outputs(mistake.wrong, first), outputs(other.wrong, first),
                                 exercise.rtol, exercise.atol, equal_nan=True), \
                    f"{exercise_id}: {mistake.says.msgid!r} looks like {other.says.msgid!r}"


def test_a_tangent_with_the_wrong_sign_of_a_derivative_disagrees_with_torch_naming_the_tangent() -> None:
    def minus_cos(x, v):  # d sin = -cos: the derivative of cos mistaken for that of sin
        s, u = (x * x).sum(), np.sin(x).sum()
        return s * u, (2 * x * v).sum() * u - s * (np.cos(x) * v).sum()

    report = check("autodiff.jvp_by_hand", minus_cos, language="en")
    assert not report.passed
    assert "tangent: 1 of 1 values disagree with torch.func.jvp" in str(report), str(report)


def test_returning_the_gradient_instead_of_the_directional_derivative_is_a_shape_error() -> None:
    def gradient(x, v):
        s, u = (x * x).sum(), np.sin(x).sum()
        return s * u, 2 * x * u + s * np.cos(x)

    report = str(check("autodiff.jvp_by_hand", gradient, language="en"))
    assert "tangent has shape (4,) on case 1" in report and "expected ()" in report, report


def test_a_rule_that_handles_only_a_row_broadcast_is_caught_on_the_column_case() -> None:
    def row_only(a, b, grad_out):  # right for b of shape (k,), wrong for (n, 1), (1, k) and ()
        return grad_out * b, (grad_out * a).sum(axis=0)

    report = str(check("autodiff.mul_backward", row_only, language="en"))
    assert "grad_b has shape (2,) on case 2 (a: (5, 2), b: (5, 1)" in report and "expected (5, 1)" in report, report


def test_a_rule_that_sums_a_stretched_axis_without_keepdims_is_a_shape_error() -> None:
    def no_keepdims(a, b, grad_out):  # b of shape (n, 1) gets a gradient of shape (n,)
        grad_b = grad_out * a
        while grad_b.ndim > b.ndim:
            grad_b = grad_b.sum(axis=0)
        for axis in reversed([i for i, size in enumerate(b.shape) if size == 1]):
            grad_b = grad_b.sum(axis=axis)
        return grad_out * b, grad_b

    report = str(check("autodiff.mul_backward", no_keepdims, language="en"))
    assert "grad_b has shape (5,) on case 2 (a: (5, 2), b: (5, 1)" in report and "expected (5, 1)" in report, report
