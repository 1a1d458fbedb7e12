"""The bad-input table every labkit test module declares, turned into two tests.

Each row is ``(public name, callable, kwargs, exception type, argument name)``: calling the callable
with the kwargs must raise that exception with a message that names the argument, and the table must
cover every public callable of the module.
"""

from __future__ import annotations

from types import ModuleType

import pytest


def bad_input_tests(table: list[tuple], module: ModuleType):
    @pytest.mark.parametrize("name, func, kwargs, exc, arg", table,
                             ids=[f"{row[0]}-{i}" for i, row in enumerate(table)])
    def test_bad_input_is_rejected_with_a_message_naming_the_argument(name, func, kwargs, exc, arg) -> None:
        with pytest.raises(exc, match=rf"\b{arg}\b"):
            func(**kwargs)

    def test_bad_input_table_covers_every_public_callable() -> None:
        # Constants (e.g. plotting.PALETTE) take no input to get wrong.
        public = {n for n in module.__all__ if callable(getattr(module, n))}
        assert {row[0] for row in table} == public

    return test_bad_input_is_rejected_with_a_message_naming_the_argument, test_bad_input_table_covers_every_public_callable
