"""Tests of labkit._checks: each rule returns good input in the caller's type, accepts numpy scalar
types, refuses its own ``bad()`` variants with a message naming the argument, accepts its ``unusual()``
variants, and refuses NaN and inf unless declared ``finite=False``; the ``check_*`` shorthands keep
their messages."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from labkit._checks import (
    MAX_ELEMENTS, NEEDS_VALUE, Anything, all_finite, Array, Bool, Choice, Each, Function, Instance, Int, Optional, Probability,
    Real, Samples, Sizes, Text, TorchTensor, check_array, check_choice, check_elements, check_int, check_labels,
    check_matrix, check_nonnegative, check_positive, check_probability, check_same_rows, check_sizes,
)

# -- every rule: a valid value, and what the rule must return for it ----------------------------------------
# (id, rule, valid value, check of the returned value)
RULES = [
    ("Int", Int(0, 10), 3, lambda out: out == 3 and type(out) is int),
    ("Real", Real(0, low_open=True), 0.5, lambda out: out == 0.5 and type(out) is float),
    ("Real-bounded", Real(-1, 1, high_open=True), 0, lambda out: out == 0.0 and type(out) is float),
    ("Probability", Probability("the share dropped"), 0.25, lambda out: out == 0.25 and type(out) is float),
    ("Bool", Bool(), False, lambda out: out is False),
    ("Choice", Choice("he", "xavier"), "he", lambda out: out == "he"),
    ("Text", Text(), "loss", lambda out: out == "loss"),
    ("Text-empty", Text(empty=True), "", lambda out: out == ""),
    ("Instance", Instance(np.random.Generator), np.random.default_rng(0),
     lambda out: isinstance(out, np.random.Generator)),
    ("Function", Function(), len, lambda out: out is len),
    ("Optional", Optional(Int(1)), 2, lambda out: out == 2 and type(out) is int),
    ("Sizes", Sizes(2), [4, np.int64(3)], lambda out: out == [4, 3] and all(type(s) is int for s in out)),
    ("Sizes-empty", Sizes(0), (), lambda out: out == []),
    ("Array-float", Array(ndim=2, min_rows=1), [[1, 2], [3, 4]],
     lambda out: isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == (2, 2)),
    ("Array-int", Array("int", ndim=1, min=0), np.array([0, 2], dtype=np.int8),
     lambda out: out.dtype == np.intp and out.tolist() == [0, 2]),
    ("Array-bounded", Array(min=0, max=1), [0.0, 0.5, 1.0], lambda out: out.tolist() == [0.0, 0.5, 1.0]),
    ("Array-bool", Array("bool"), np.array([True, False]), lambda out: out.dtype == np.bool_),
    ("TorchTensor-float", TorchTensor(ndim=2, min_rows=1), torch.ones(2, 3, dtype=torch.float64),
     lambda out: isinstance(out, torch.Tensor) and out.dtype == torch.float64),
    ("TorchTensor-dtype", TorchTensor(dtype=torch.float32), [[1.0, 2.0]],
     lambda out: isinstance(out, torch.Tensor) and out.dtype == torch.float32),
    ("TorchTensor-int", TorchTensor("int", min=0), torch.tensor([0, 1], dtype=torch.int32),
     lambda out: out.dtype == torch.long and out.tolist() == [0, 1]),
    ("Samples-numpy", Samples(), np.ones((3, 2)), lambda out: isinstance(out, np.ndarray) and out.shape == (3, 2)),
    ("Samples-torch", Samples(2), torch.ones(3, 2), lambda out: isinstance(out, torch.Tensor)),
    ("Each", Each(Int(0)), (1, np.int64(2)), lambda out: out == [1, 2] and all(type(i) is int for i in out)),
]
RULE_IDS = [r[0] for r in RULES]


@pytest.mark.parametrize("name, rule, valid, expected", RULES, ids=RULE_IDS)
def test_a_rule_returns_good_input_in_the_callers_type(name, rule, valid, expected) -> None:
    assert expected(rule.check("arg", valid))


@pytest.mark.parametrize("name, rule, valid, expected", RULES, ids=RULE_IDS)
def test_a_rule_refuses_its_bad_variants_naming_the_argument(name, rule, valid, expected) -> None:
    tried = 0
    for label, make, exc in rule.bad():
        value = make(valid)
        if value is NEEDS_VALUE:
            continue
        tried += 1
        with pytest.raises(exc) as info:
            rule.check("my_arg", value)
        assert re.match(r"my_arg\b", str(info.value)), f"{label}: {info.value}"
    assert tried == len(rule.bad())  # every variant could be made from the valid value


@pytest.mark.parametrize("name, rule, valid, expected", RULES, ids=RULE_IDS)
def test_a_rule_accepts_its_unusual_variants(name, rule, valid, expected) -> None:
    for label, make, _ in rule.unusual():
        value = make(valid)
        assert value is not NEEDS_VALUE, label
        rule.check("arg", value)


def test_variants_that_need_a_valid_value_say_so_when_given_none() -> None:
    assert all(make(None) is NEEDS_VALUE for label, make, _ in Array().bad() if label in ("nan", "inf"))
    assert all(make(None) is NEEDS_VALUE for _, make, _ in Int().unusual())


# -- numpy scalar types are accepted wherever a Python number is --------------------------------------------
@pytest.mark.parametrize("rule, value, expected", [
    (Int(0), np.int64(3), 3), (Int(0), np.int32(3), 3), (Int(0), np.uint8(3), 3),
    (Real(0), np.float32(0.5), 0.5), (Real(0), np.float64(0.5), 0.5), (Real(0), np.int64(2), 2.0),
    (Probability(), np.float32(0.5), 0.5), (Bool(), np.bool_(True), True),
    (Sizes(1), [np.int32(4), np.int64(2)], [4, 2]), (Sizes(1), np.array([4, 2]), [4, 2]),
    (Array(), np.float32(0.5), 0.5), (Optional(Real()), np.float64(-1.5), -1.5),
], ids=lambda v: type(v).__name__ if not isinstance(v, (Int, Real, Bool, Sizes, Array, Optional)) else repr(v))
def test_numpy_scalar_types_are_accepted(rule, value, expected) -> None:
    out = rule.check("arg", value)
    assert out == expected and not isinstance(out, np.generic)


# -- NaN and inf: refused unless finite=False ---------------------------------------------------------------
NON_FINITE = [float("nan"), float("inf"), -float("inf")]


@pytest.mark.parametrize("bad", NON_FINITE, ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("rule", [Real(), Real(0), Probability(), Optional(Real())], ids=repr)
def test_a_real_refuses_nan_and_inf(rule, bad) -> None:
    for value in (bad, np.float64(bad), np.float32(bad)):
        with pytest.raises(ValueError, match=r"^x must be .*, got -?(nan|inf)$"):
            rule.check("x", value)


@pytest.mark.parametrize("rule, value, shown, exc", [
    (Real(0, 1), np.float32(1.5), "1.5", ValueError), (Int(0), np.int64(-3), "-3", ValueError),
    (Real(), np.bool_(True), "True", TypeError), (Int(), np.str_("3"), "'3'", TypeError),
], ids=["float32", "int64", "bool_", "str_"])
def test_a_numpy_scalar_is_shown_as_numpy_1_wrote_it(rule, value, shown, exc) -> None:
    # numpy 2's repr would say np.float32(1.5): the message must read the same under numpy 1 and 2.
    with pytest.raises(exc, match=rf", got {re.escape(shown)}$"):
        rule.check("x", value)


@pytest.mark.parametrize("bad", NON_FINITE, ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("rule, make", [
    (Array(), np.array), (Array(ndim=2), lambda v: np.array(v)[None]),
    (TorchTensor(), torch.tensor), (TorchTensor(), np.array),
    (Samples(), np.array), (Samples(), torch.tensor), (Samples(), lambda v: torch.tensor(v, dtype=torch.float16)),
], ids=["Array", "Array-2d", "TorchTensor", "TorchTensor-from-numpy", "Samples", "Samples-torch", "Samples-half"])
def test_arrays_and_tensors_refuse_nan_and_inf_naming_the_argument(rule, make, bad) -> None:
    with pytest.raises(ValueError, match=r"^X must be .*finite.*1 NaN or inf among 3 values"):
        rule.check("X", make([1.0, bad, 2.0]))


@pytest.mark.parametrize("rule, make", [(Array(finite=False), np.array), (TorchTensor(finite=False), torch.tensor)],
                         ids=["Array", "TorchTensor"])
def test_finite_false_lets_nan_and_inf_through(rule, make) -> None:
    out = np.asarray(rule.check("z", make([np.nan, np.inf, -np.inf])))
    assert np.isnan(out[0]) and out[1] == np.inf and out[2] == -np.inf
    assert not any(label in ("nan", "inf") for label, _, _ in rule.bad())


def test_a_torch_tensor_keeps_its_autograd_graph() -> None:
    x = torch.ones(2, 2, requires_grad=True)
    assert TorchTensor().check("x", x * 2).grad_fn is not None


# -- sizes: refused before the allocator --------------------------------------------------------------------
def test_sizes_refuses_a_weight_matrix_beyond_the_limit() -> None:
    with pytest.raises(ValueError, match=r"^sizes asks for a 1000000 x 1000000 weight matrix of 1,000,000,000,000"):
        Sizes(2).check("sizes", [10**6, 10**6])
    assert Sizes(2).check("sizes", [2**14, 2**14]) == [2**14, 2**14]  # exactly the limit


def test_check_elements_draws_the_line_at_max_elements() -> None:
    assert check_elements("n", MAX_ELEMENTS) == MAX_ELEMENTS
    with pytest.raises(ValueError, match=r"^n_classes asks for a one-hot array of 1,000,000,000,000 numbers; "
                                         r"labkit's limit is 268,435,456"):
        check_elements("n_classes", 10**12, "a one-hot array")


# -- the other rules' details -------------------------------------------------------------------------------
def test_each_reads_a_generator_once_and_names_the_bad_item() -> None:
    assert Each(Real()).check("xs", (float(i) for i in range(3))) == [0.0, 1.0, 2.0]
    with pytest.raises(TypeError, match=r"^xs\[1\] must be a finite float, got 'a'"):
        Each(Real()).check("xs", [1.0, "a"])
    assert Each(Int(), min_len=0).check("xs", []) == []


def test_optional_accepts_none_and_anything_accepts_everything() -> None:
    assert Optional(Array()).check("w", None) is None
    marker = object()
    assert Anything("a user's object, passed through").check("obj", marker) is marker


def test_an_array_does_not_copy_a_float64_array() -> None:
    # Layers keep their input: an unneeded copy would cost memory, not correctness.
    x = np.ones((2, 2))
    assert Array(ndim=2).check("x", x) is x and check_matrix("x", x) is x


def test_samples_keep_the_callers_type_and_dtype() -> None:
    t = torch.arange(6).reshape(3, 2)
    assert Samples().check("y", t) is t
    assert Samples().check("y", [1, 2]).tolist() == [1, 2]


# -- the check_* shorthands -----------------------------------------------------------------------------------
@pytest.mark.parametrize("value, minimum", [(0, 0), (3, 1), (np.int64(7), 2), (-2, -5)])
def test_check_int_accepts_ints_from_the_minimum(value, minimum) -> None:
    out = check_int("n", value, minimum)
    assert out == value and type(out) is int


@pytest.mark.parametrize("check, value", [
    (check_positive, 1), (check_positive, 0.5), (check_positive, np.float32(2.0)), (check_positive, 1e300),
    (check_nonnegative, 0), (check_nonnegative, 0.0), (check_nonnegative, np.float32(0.5)),
    (check_probability, 0), (check_probability, 0.999), (check_probability, np.float64(0.5)),
])
def test_number_shorthands_return_a_float(check, value) -> None:
    out = check("x", value)
    assert out == float(value) and type(out) is float


def test_the_other_shorthands_return_good_input() -> None:
    assert check_sizes("sizes", (64, np.int64(32), 10), 2) == [64, 32, 10]
    assert check_sizes("hidden", (), 0) == []
    x = np.ones((3, 2))
    assert check_same_rows("Y", x, "X", 3) is x
    assert check_choice("init", "he", ("he", "xavier")) == "he"
    assert check_array("a", 3).shape == () and check_array("a", [[1, 2], [3, 4]]).dtype == np.float64
    assert check_array("z", [np.nan], finite=False).shape == (1,)
    assert check_matrix("X", [[1, 2, 3]], n_cols=3).shape == (1, 3)
    out = check_labels("y", np.array([0, 2, 1], dtype=np.int8), 3, 3)
    assert out.dtype == np.intp and out.tolist() == [0, 2, 1]


BAD_INPUTS = [
    (check_int, ("seed", 1.5, 0), TypeError, "seed must be an int >= 0, got 1.5"),
    (check_int, ("seed", True, 0), TypeError, "seed must be an int >= 0, got True"),
    (check_int, ("seed", "3", 0), TypeError, "seed must be an int >= 0, got '3'"),
    (check_int, ("epochs", 0, 1), ValueError, "epochs must be an int >= 1, got 0"),
    (check_int, ("depth", 9, 2, 8), ValueError, "depth must be an int >= 2 and <= 8, got 9"),
    (check_positive, ("lr", 0), ValueError, "lr must be a positive finite float, got 0"),
    (check_positive, ("lr", -0.1), ValueError, "lr must be a positive finite float, got -0.1"),
    (check_positive, ("eps", float("nan")), ValueError, "eps must be a positive finite float, got nan"),
    (check_positive, ("scale", float("inf")), ValueError, "scale must be a positive finite float, got inf"),
    (check_positive, ("scale", True), TypeError, "scale must be a positive finite float, got True"),
    (check_positive, ("scale", "1"), TypeError, "scale must be a positive finite float, got '1'"),
    (check_nonnegative, ("lam", -0.1), ValueError, "lam must be a finite float >= 0, got -0.1"),
    (check_nonnegative, ("lam", float("inf")), ValueError, "lam must be a finite float >= 0, got inf"),
    (check_nonnegative, ("lam", True), TypeError, "lam must be a finite float >= 0, got True"),
    (check_probability, ("p", 1.0), ValueError, "p must be a float in [0, 1), got 1.0"),
    (check_probability, ("p", -0.1, "the probability of dropping a unit"), ValueError,
     "p must be a float in [0, 1), the probability of dropping a unit, got -0.1"),
    (check_probability, ("p", True), TypeError, "p must be a float in [0, 1), got True"),
    (check_sizes, ("sizes", [64], 2), ValueError, "sizes must be a sequence of at least 2 positive ints, got [64]"),
    (check_sizes, ("sizes", [64, 0], 2), ValueError,
     "sizes must be a sequence of at least 2 positive ints, got [64, 0]"),
    (check_sizes, ("sizes", "64", 1), TypeError, "sizes must be a sequence of at least 1 positive ints, got '64'"),
    (check_sizes, ("hidden", [32, True], 0), TypeError,
     "hidden must be a sequence of positive ints (possibly empty), got [32, True]"),
    (check_same_rows, ("Y", np.ones((2, 1)), "X", 3), ValueError, "Y must have one row per row of X (3), got 2"),
    (check_choice, ("init", "zeros", ("he", "xavier")), ValueError, "init must be one of ['he', 'xavier'], got 'zeros'"),
    (check_choice, ("activation", None, ["relu"]), TypeError, "activation must be one of ['relu'], got None"),
    (check_array, ("a", "abc"), TypeError, "a must be an array of finite numbers, got 'abc'"),
    (check_array, ("b", [[1, 2], [3]]), TypeError, "b must be an array of finite numbers, got a list that is not a rectangular array of numbers"),
    (check_array, ("a", [1.0, float("nan")]), ValueError,
     "a must be an array of finite numbers, got 1 NaN or inf among 2 values"),
    (check_matrix, ("z", np.ones(3)), ValueError,
     "z must be a 2-D array of finite numbers with at least 1 row, got array of dtype float64 and shape (3,)"),
    (check_matrix, ("X", np.ones((0, 3))), ValueError,
     "X must be a 2-D array of finite numbers with at least 1 row, got array of dtype float64 and shape (0, 3)"),
    (check_matrix, ("X", np.ones((4, 2)), 3), ValueError,
     "X must be a 2-D array of shape (n, 3) with n >= 1, got shape (4, 2)"),
    (check_labels, ("y", np.array([0.0, 1.0]), 2, 2), TypeError,
     "y must be a 1-D array of ints, got array of dtype float64 and shape (2,)"),
    (check_labels, ("y", np.array([0, 1]), 3, 2), ValueError, "y must have shape (3,), one label per row, got shape (2,)"),
    (check_labels, ("y", np.array([0, 3]), 2, 3), ValueError, "y must hold labels from 0 to 2, got 0..3"),
    (check_labels, ("y", np.array([-1, 1]), 2, 3), ValueError, "y must hold labels from 0 to 2, got -1..1"),
]


@pytest.mark.parametrize("check, args, exc, message", BAD_INPUTS,
                         ids=[f"{row[0].__name__}-{i}" for i, row in enumerate(BAD_INPUTS)])
def test_a_shorthand_refuses_bad_input_with_its_message(check, args, exc, message) -> None:
    with pytest.raises(exc) as info:
        check(*args)
    assert str(info.value) == message


def test_every_shorthand_is_tested() -> None:
    import labkit._checks as checks

    public = {name for name in dir(checks) if name.startswith("check_")}
    assert {row[0].__name__ for row in BAD_INPUTS} | {"check_elements"} == public


@pytest.mark.parametrize("make", [np.asarray, lambda v: torch.tensor(np.asarray(v, dtype=np.float64))],
                         ids=["numpy", "torch"])
def test_all_finite_proves_finiteness_by_a_sum_and_checks_entries_when_the_sum_overflows(make):
    # The fast path: a finite float64 sum. Entries near the float64 limit overflow the sum, yet are finite.
    assert all_finite(make([1.0, -2.5, 3.0]))
    assert all_finite(make([1e308, 1e308, 1e308]))
    assert all_finite(make(np.zeros((0, 3))))
    for bad in (np.nan, np.inf, -np.inf):
        assert not all_finite(make([1.0, bad, 2.0]))
    assert not all_finite(make([np.inf, -np.inf]))  # a NaN sum, not a finite one
    assert not all_finite(make(np.array([1.0, np.nan], dtype=np.float32)))
