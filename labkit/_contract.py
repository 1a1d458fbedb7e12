"""Declared argument contracts: each public callable states its arguments' rules once, by its signature.

The model is scikit-learn's ``_parameter_constraints`` with ``validate_params``: a decorator checks
each declared argument with its rule from :mod:`labkit._checks` before the function runs, and hands
the function the value in the type it works with. Relations between arguments (rows of ``X`` against
``y``, a model's input size) stay in the function body. Defaults are trusted and not checked.

>>> from labkit._checks import Int, Real
>>> @contract(n=Int(1), lr=Real(0, low_open=True))
... def train(n, lr=0.1):
...     return n, lr
>>> train(3, lr=0.5)
(3, 0.5)
>>> train(0)
Traceback (most recent call last):
ValueError: n must be an int >= 1, got 0
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from ._checks import Rule

F = TypeVar("F")

#: Attribute holding a callable's declared rules, read by the generated tests.
CONTRACT = "__contract__"


def contract(**rules: Rule) -> Callable[[F], F]:
    """Declare the rules of a function's (or a class constructor's) arguments.

    On a class, the rules apply to ``__init__`` (dataclasses included: put ``@contract`` above
    ``@dataclass``), or to ``__new__`` for a class that defines only ``__new__`` (a ``str`` subclass). An argument not named has no rule; ``contract()`` with no rule declares that the
    callable takes no argument that needs one.
    """

    def decorate(obj: F) -> F:
        if isinstance(obj, type):
            name = _constructor(obj)
            checked_constructor = decorate(getattr(obj, name))
            setattr(obj, name, staticmethod(checked_constructor) if name == "__new__" else checked_constructor)
            return obj
        func: Callable[..., Any] = obj  # type: ignore[assignment]
        params = list(inspect.signature(func).parameters.values())
        unknown = set(rules) - {p.name for p in params}
        if unknown:
            raise TypeError(f"contract of {func.__qualname__} names no argument {sorted(unknown)}")
        positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        by_position = [(i, n, rules[n]) for i, n in enumerate(positional) if n in rules]

        @functools.wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if by_position and args:
                args_list = list(args)
                for i, name, rule in by_position:
                    if i < len(args_list):
                        args_list[i] = rule.check(name, args_list[i])
                args = tuple(args_list)
            for name, value in kwargs.items():  # in the caller's order: the first bad argument is named
                if name in rules:
                    kwargs[name] = rules[name].check(name, value)
            return func(*args, **kwargs)

        setattr(checked, CONTRACT, dict(rules))
        return checked  # type: ignore[return-value]

    return decorate


def _constructor(cls: type) -> str:
    """``"__new__"`` for a class built in ``__new__`` alone (a ``str`` subclass), else ``"__init__"``."""
    return "__new__" if "__new__" in vars(cls) and "__init__" not in vars(cls) else "__init__"


def declared(func: object) -> dict[str, Rule] | None:
    """The rules declared for ``func`` (a function, a method or a class), or None if it declares none."""
    if isinstance(func, type):
        func = getattr(func, _constructor(func))
    func = getattr(func, "__func__", func)  # bound methods, classmethods
    return getattr(func, CONTRACT, None)


def public_callables(module: Any) -> dict[str, Any]:
    """Every public callable of ``module``: its ``__all__`` names, and for each class the constructor,
    its public methods (``forward`` included) defined in labkit. Keys are "name" or "Class.method"."""
    out: dict[str, Any] = {}
    for name in module.__all__:
        obj = getattr(module, name)
        if not callable(obj):
            continue
        out[name] = obj
        if isinstance(obj, type):
            for klass in obj.__mro__:
                if not klass.__module__.startswith("labkit"):
                    continue
                for attr, value in vars(klass).items():
                    if attr.startswith("_") or isinstance(value, property) or f"{name}.{attr}" in out:
                        continue
                    value = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
                    if inspect.isfunction(value):
                        out[f"{name}.{attr}"] = value
    return out
