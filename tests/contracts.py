"""Tests generated from the declared argument contracts (see ``labkit/_contract.py``).

A test module declares ``VALID_CALLS``: for each public callable of its labkit module ("name" or
"Class.method"), a function returning ``(callable, kwargs)``, one small valid call, built afresh for
each test. From the declarations, :func:`contract_tests` makes four tests:

- every public callable (constructors, public methods and ``forward`` included) declares a contract
  and has a valid call, and the table names nothing else;
- the valid call succeeds;
- each declared argument, broken with every bad value its rule generates (wrong type, NaN, inf,
  below the minimum, empty, too large, one more dimension...), is refused with the rule's exception
  and a message that names the argument;
- each declared argument given every unusual value its rule must accept (numpy scalar types,
  float32 arrays, generators...) is accepted.

Relations between arguments (rows of ``X`` against ``y``...) stay checked in the function body; a test
module lists them in ``BAD_INPUTS`` rows and :func:`relation_tests` turns the rows into a test.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from labkit._checks import NEEDS_VALUE
from labkit._contract import declared, public_callables

ValidCalls = dict[str, Callable[[], tuple[Callable[..., Any], dict[str, Any]]]]


def _cases(module: ModuleType) -> list[tuple[str, str]]:
    return [(name, arg) for name, func in public_callables(module).items() for arg in (declared(func) or {})]


def _valid_value(func: Callable[..., Any], kwargs: dict[str, Any], arg: str) -> Any:
    if arg in kwargs:
        return kwargs[arg]
    default = inspect.signature(func).parameters[arg].default
    return None if default is inspect.Parameter.empty else default


def _variants(module: ModuleType, valid_calls: ValidCalls, name: str, arg: str, kind: str):
    """Yield ``(label, call, kwargs-with-the-variant, expected exception)`` for one argument."""
    rule = declared(public_callables(module)[name])[arg]
    ran = 0
    for label, make, exc in getattr(rule, kind)():
        func, kwargs = valid_calls[name]()
        value = make(_valid_value(func, kwargs, arg))
        if value is NEEDS_VALUE:
            continue
        ran += 1
        yield label, func, {**kwargs, arg: value}, exc
    if kind == "bad" and rule.bad():
        assert ran, f"{name}: no bad value of {arg} could be made; give {arg} a value in VALID_CALLS"


def contract_tests(module: ModuleType, valid_calls: ValidCalls):
    cases = _cases(module)
    ids = [f"{name}-{arg}" for name, arg in cases]

    def test_every_public_callable_declares_a_contract_and_a_valid_call() -> None:
        public = public_callables(module)
        undeclared = sorted(n for n, f in public.items() if declared(f) is None)
        assert not undeclared, f"public callables of {module.__name__} without a declared contract: {undeclared}"
        assert set(valid_calls) == set(public), (
            f"VALID_CALLS misses {sorted(set(public) - set(valid_calls))}, "
            f"names what is not public {sorted(set(valid_calls) - set(public))}")

    @pytest.mark.parametrize("name", sorted(valid_calls))
    def test_the_valid_call_succeeds(name: str) -> None:
        func, kwargs = valid_calls[name]()
        func(**kwargs)

    @pytest.mark.parametrize("name, arg", cases, ids=ids)
    def test_bad_values_of_a_declared_argument_are_refused_naming_it(name: str, arg: str) -> None:
        failures = []
        for label, func, kwargs, exc in _variants(module, valid_calls, name, arg, "bad"):
            try:
                func(**kwargs)
            except exc as error:
                if not re.search(rf"(?<![\w.]){re.escape(arg)}\b", str(error)):
                    failures.append(f"{label}: message does not name {arg}: {error}")
            except Exception as error:  # noqa: BLE001 - any other exception is the failure reported
                failures.append(f"{label}: {type(error).__name__} instead of {exc.__name__}: {error}")
            else:
                failures.append(f"{label}: accepted")
        assert not failures, f"{name}({arg}=...):\n" + "\n".join(failures)

    @pytest.mark.parametrize("name, arg", cases, ids=ids)
    def test_unusual_values_of_a_declared_argument_are_accepted(name: str, arg: str) -> None:
        failures = []
        for label, func, kwargs, _ in _variants(module, valid_calls, name, arg, "unusual"):
            try:
                func(**kwargs)
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(f"{label}: {type(error).__name__}: {error}")
        assert not failures, f"{name}({arg}=...):\n" + "\n".join(failures)

    return (test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
            test_bad_values_of_a_declared_argument_are_refused_naming_it,
            test_unusual_values_of_a_declared_argument_are_accepted)


def relation_tests(rows: list[tuple]):
    """A test of the relations between arguments that stay checked inline.

    Each row is ``(public name, callable, kwargs, exception, argument)`` or ``(public name, call,
    exception, argument)`` with ``call`` taking no argument: the call must raise the exception with a
    message that names the argument.
    """

    @pytest.mark.parametrize("row", rows, ids=[f"{row[0]}-{i}" for i, row in enumerate(rows)])
    def test_a_broken_relation_is_refused_naming_the_argument(row: tuple) -> None:
        if len(row) == 5:
            _, func, kwargs, exc, arg = row
            call = lambda: func(**kwargs)  # noqa: E731
        else:
            _, call, exc, arg = row
        with pytest.raises(exc, match=rf"(?<![\w.]){re.escape(arg)}\b"):
            call()

    return test_a_broken_relation_is_refused_naming_the_argument
