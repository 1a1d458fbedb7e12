"""Tests of labkit._checks: each input check returns good input in the caller's type and rejects bad
input with a message that names the argument and says what was expected."""

from __future__ import annotations

import numpy as np
import pytest

from labkit._checks import (
    check_array, check_choice, check_int, check_labels, check_matrix, check_nonnegative, check_positive,
    check_probability, check_same_rows, check_sizes,
)


# -- good input comes back in the type the caller works with ------------------------------------------
@pytest.mark.parametrize("value, minimum", [(0, 0), (3, 1), (np.int64(7), 2), (-2, -5)])
def test_check_int_accepts_ints_from_the_minimum(value, minimum) -> None:
    out = check_int("n", value, minimum)
    assert out == value and type(out) is int


@pytest.mark.parametrize("value", [1, 0.5, np.float32(2.0), 1e300])
def test_check_positive_returns_a_float(value) -> None:
    out = check_positive("lr", value)
    assert out == float(value) and type(out) is float


@pytest.mark.parametrize("value", [0, 0.0, 2, np.float32(0.5)])
def test_check_nonnegative_accepts_zero_and_returns_a_float(value) -> None:
    out = check_nonnegative("lam", value)
    assert out == float(value) and type(out) is float


@pytest.mark.parametrize("value", [0, 0.0, 0.5, 0.999])
def test_check_probability_accepts_zero_to_below_one(value) -> None:
    out = check_probability("p", value)
    assert out == float(value) and type(out) is float


def test_check_sizes_returns_a_list_of_ints() -> None:
    out = check_sizes("sizes", (64, np.int64(32), 10), 2)
    assert out == [64, 32, 10] and all(type(s) is int for s in out)
    assert check_sizes("hidden", (), 0) == []


def test_check_same_rows_returns_the_array() -> None:
    x = np.ones((3, 2))
    assert check_same_rows("Y", x, "X", 3) is x


def test_check_choice_returns_the_option() -> None:
    assert check_choice("init", "he", ("he", "xavier")) == "he"
    assert check_choice("activation", "tanh", ["relu", "tanh"]) == "tanh"


def test_check_array_returns_float64_of_any_shape() -> None:
    assert check_array("a", 3).shape == ()
    out = check_array("a", [[1, 2], [3, 4]])
    assert out.dtype == np.float64 and out.shape == (2, 2)


def test_check_matrix_returns_a_float64_matrix() -> None:
    out = check_matrix("X", [[1, 2, 3]], n_cols=3)
    assert out.dtype == np.float64 and out.shape == (1, 3)
    assert check_matrix("X", np.ones((4, 5))).shape == (4, 5)


def test_check_matrix_does_not_copy_a_float64_array() -> None:
    # Layers keep their input: an unneeded copy would cost memory, not correctness.
    x = np.ones((2, 2))
    assert check_matrix("x", x) is x


def test_check_labels_returns_intp_labels() -> None:
    out = check_labels("y", np.array([0, 2, 1], dtype=np.int8), 3, 3)
    assert out.dtype == np.intp and out.tolist() == [0, 2, 1]


# -- bad input: the right exception, a message naming the argument and what was expected --------------
BAD_INPUTS = [
    (check_int, ("seed", 1.5, 0), TypeError, "seed", "must be an int, got float"),
    (check_int, ("seed", True, 0), TypeError, "seed", "must be an int, got bool"),
    (check_int, ("seed", "3", 0), TypeError, "seed", "must be an int, got str"),
    (check_int, ("epochs", 0, 1), ValueError, "epochs", "must be an int >= 1, got 0"),
    (check_int, ("depth", -1, 2), ValueError, "depth", "must be an int >= 2, got -1"),
    (check_positive, ("lr", 0), ValueError, "lr", "must be a positive finite float, got 0"),
    (check_positive, ("lr", -0.1), ValueError, "lr", "must be a positive finite float, got -0.1"),
    (check_positive, ("eps", float("nan")), ValueError, "eps", "must be a positive finite float, got nan"),
    (check_positive, ("scale", float("inf")), ValueError, "scale", "must be a positive finite float, got inf"),
    (check_positive, ("scale", True), ValueError, "scale", "must be a positive finite float, got True"),
    (check_positive, ("scale", "1"), ValueError, "scale", "must be a positive finite float, got '1'"),
    (check_nonnegative, ("lam", -0.1), ValueError, "lam", "must be a finite float >= 0, got -0.1"),
    (check_nonnegative, ("lam", float("inf")), ValueError, "lam", "must be a finite float >= 0, got inf"),
    (check_nonnegative, ("lam", True), ValueError, "lam", "must be a finite float >= 0, got True"),
    (check_probability, ("p", 1.0), ValueError, "p", "must be a float in [0, 1), got 1.0"),
    (check_probability, ("p", -0.1, "the probability of dropping a unit"), ValueError, "p",
     "must be a float in [0, 1), the probability of dropping a unit, got -0.1"),
    (check_probability, ("p", True), ValueError, "p", "must be a float in [0, 1), got True"),
    (check_sizes, ("sizes", [64], 2), ValueError, "sizes", "must be a sequence of at least 2 positive ints, got [64]"),
    (check_sizes, ("sizes", [64, 0], 2), ValueError, "sizes",
     "must be a sequence of at least 2 positive ints, got [64, 0]"),
    (check_sizes, ("sizes", "64", 1), ValueError, "sizes", "must be a sequence of at least 1 positive ints, got '64'"),
    (check_sizes, ("hidden", [32, True], 0), ValueError, "hidden",
     "must be a sequence of positive ints (possibly empty), got [32, True]"),
    (check_same_rows, ("Y", np.ones((2, 1)), "X", 3), ValueError, "Y", "must have one row per row of X (3), got 2"),
    (check_choice, ("init", "zeros", ("he", "xavier")), ValueError, "init",
     "must be one of ['he', 'xavier'], got 'zeros'"),
    (check_choice, ("activation", None, ["relu"]), ValueError, "activation", "must be one of ['relu'], got None"),
    (check_array, ("a", "abc"), TypeError, "a", "must be an array of numbers, got str"),
    (check_array, ("b", [[1, 2], [3]]), TypeError, "b", "must be an array of numbers, got list"),
    (check_matrix, ("z", [["a"]]), TypeError, "z", "must be an array of numbers, got list"),
    (check_matrix, ("z", np.ones(3)), ValueError, "z", "must be a 2-D array of shape (n, k) with n >= 1, got (3,)"),
    (check_matrix, ("X", np.ones((0, 3))), ValueError, "X",
     "must be a 2-D array of shape (n, k) with n >= 1, got (0, 3)"),
    (check_matrix, ("X", np.ones((4, 2)), 3), ValueError, "X",
     "must be a 2-D array of shape (n, 3) with n >= 1, got (4, 2)"),
    (check_labels, ("y", np.array([0.0, 1.0]), 2, 2), TypeError, "y",
     "must be an array of int class labels, got dtype float64"),
    (check_labels, ("y", np.array([0, 1]), 3, 2), ValueError, "y",
     "must have shape (3,), one label per row, got shape (2,)"),
    (check_labels, ("y", np.array([[0, 1]]), 2, 2), ValueError, "y",
     "must have shape (2,), one label per row, got shape (1, 2)"),
    (check_labels, ("y", np.array([0, 3]), 2, 3), ValueError, "y", "must hold labels from 0 to 2, got 0..3"),
    (check_labels, ("y", np.array([-1, 1]), 2, 3), ValueError, "y", "must hold labels from 0 to 2, got -1..1"),
]


@pytest.mark.parametrize("check, args, exc, arg, expected", BAD_INPUTS,
                         ids=[f"{row[0].__name__}-{i}" for i, row in enumerate(BAD_INPUTS)])
def test_bad_input_is_rejected_with_a_message_naming_the_argument(check, args, exc, arg, expected) -> None:
    with pytest.raises(exc) as info:
        check(*args)
    assert str(info.value) == f"{arg} {expected}"


def test_bad_input_table_covers_every_check() -> None:
    import labkit._checks as checks

    public = {name for name in dir(checks) if name.startswith("check_")}
    assert {row[0].__name__ for row in BAD_INPUTS} == public
