"""The rules a labkit argument can be declared with (private: not part of the API).

A rule says what one argument must be. ``rule.check(name, value)`` returns the value in the type the
function works with (an ``int``, a ``float``, a float64 array...), or raises a ``TypeError`` (wrong
kind of value) or a ``ValueError`` (right kind, wrong value) whose message names the argument, says
what was expected and what was got. Functions declare their rules once, with
:func:`labkit._contract.contract`; relations between arguments (rows of ``X`` against ``y``) stay in
the function, with the ``check_*`` shorthands at the end of this module.

Each rule also knows the values it must refuse (``bad``) and the unusual values it must accept
(``unusual``): the generated tests (``tests/contracts.py``) break one declared argument at a time
with them. Both are lists of ``(label, make, exception)`` where ``make(valid)`` turns a valid value
into the variant, or returns :data:`NEEDS_VALUE` when it needs a valid value it was not given.

Non-finite values: an array or a number holding NaN or inf is refused unless the rule is declared
with ``finite=False``, which only the autodiff engines do (they propagate NaN and inf like torch).
"""

from __future__ import annotations

import inspect
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from numbers import Integral
from numbers import Real as RealNumber
from typing import Any

import numpy as np

#: The most numbers one array or one layer may hold: 2**28, 1 GiB in float32, beyond a laptop course.
MAX_ELEMENTS = 2**28

#: The most steps a loop may be asked for (epochs, optimisation steps, timing repeats): 10**6. A laptop
#: course never needs more, and a typo such as ``epochs=10**30`` must not look like a hang.
MAX_COUNT = 10**6

#: The largest seed: 2**32 - 1, the range that numpy's legacy seeding, scikit-learn and torch all accept.
MAX_SEED = 2**32 - 1

def all_finite(x: Any) -> bool:
    """Whether every entry of a float array or tensor ``x`` is finite, without a mask of its size.

    A NaN or an infinity makes a sum NaN or infinite, so a finite sum (accumulated in float64) proves
    every entry finite in one pass; only a sum that overflows (finite entries near the float64 limit)
    is checked entry by entry. On a GCN layer's 10^5 x 64 features this takes the check from about 12
    ms to under 1 ms.

    >>> all_finite(np.array([1.0, 2.0])), all_finite(np.array([1.0, np.nan])), all_finite(np.array([1e308] * 3))
    (True, False, True)
    """
    if isinstance(x, np.ndarray):
        with np.errstate(over="ignore", invalid="ignore"):
            if np.isfinite(np.add.reduce(x, axis=None, dtype=np.float64)):
                return True
        return bool(np.isfinite(x).all())
    import torch

    x = x.detach()
    if bool(torch.isfinite(x.sum(dtype=torch.float64))):
        return True
    return bool(torch.isfinite(x).all())


#: What a variant maker returns when it needs a valid value and the valid call did not give one.
NEEDS_VALUE = object()

Variant = tuple[str, Callable[[Any], Any], type]


class Said(str):
    """A description written for an error message, shown as it is (not as a repr)."""

    def __repr__(self) -> str:
        return str(self)


def _shown(value: object) -> str:
    """A short description of a value for an error message."""
    if isinstance(value, np.ndarray):
        return f"array of dtype {value.dtype} and shape {value.shape}"
    if type(value).__module__.startswith("torch") and hasattr(value, "shape"):
        return f"tensor of dtype {value.dtype} and shape {tuple(value.shape)}"
    text = _scalar_text(value) if isinstance(value, (np.number, np.bool_, np.character)) else repr(value)
    return text if len(text) <= 60 else f"{type(value).__name__} {text[:50]}..."


def _scalar_text(value: np.number | np.bool_ | np.character) -> str:
    """A numpy scalar as numpy 1 wrote it (``0.5``, ``True``), not as numpy 2's repr (``np.float64(0.5)``).

    Messages read the same under both. A float keeps its own precision: ``str(np.float32(0.1))`` is
    ``0.1`` where the Python float it converts to would print ``0.10000000149011612``.
    """
    return str(value) if isinstance(value, np.inexact) else repr(value.item())


def _const(value: object) -> Callable[[Any], Any]:
    return lambda _valid: value


def _needs(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A variant maker that needs the valid value."""
    return lambda valid: NEEDS_VALUE if valid is None else f(valid)


class Rule:
    """What one argument must be. Subclasses set ``expected`` and override ``check``."""

    expected = "any value"

    def check(self, name: str, value: Any) -> Any:
        return value

    def bad(self) -> list[Variant]:
        return []

    def unusual(self) -> list[Variant]:
        return []

    def fail(self, name: str, value: object, exc: type = ValueError, expected: str | None = None) -> Exception:
        return exc(f"{name} must be {expected or self.expected}, got {_shown(value)}")

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.expected}>"


class Anything(Rule):
    """Any value, on purpose: ``why`` says why nothing is checked (e.g. a user's object passed through)."""

    def __init__(self, why: str) -> None:
        self.why = why


class Int(Rule):
    """An int (numpy ints too, not bool) from ``min`` to ``max``."""

    def __init__(self, min: int | None = None, max: int | None = None) -> None:
        self.min, self.max = min, max
        bounds = [f">= {min}"] * (min is not None) + [f"<= {max}"] * (max is not None)
        self.expected = "an int" + (" " + " and ".join(bounds) if bounds else "")

    def check(self, name: str, value: Any) -> int:
        # bool is an Integral too, but seed=True or epochs=True is always a mistake.
        if not isinstance(value, Integral) or isinstance(value, (bool, np.bool_)):
            raise self.fail(name, value, TypeError)
        if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise self.fail(name, value)
        return int(value)

    def bad(self) -> list[Variant]:
        out: list[Variant] = [("float", _const(1.5), TypeError), ("bool", _const(True), TypeError),
                              ("string", _const("3"), TypeError), ("None", _const(None), TypeError)]
        if self.min is not None:
            out.append(("below the minimum", _const(self.min - 1), ValueError))
        if self.max is not None:
            out.append(("above the maximum", _const(self.max + 1), ValueError))
        return out

    def unusual(self) -> list[Variant]:
        return [("numpy int64", _needs(np.int64), None), ("numpy int32", _needs(np.int32), None)]


class Real(Rule):
    """A finite real number (numpy floats and ints too, not bool), within optional bounds.

    ``low_open``/``high_open`` exclude the bound itself: ``Real(0, low_open=True)`` is a positive number.
    """

    def __init__(self, min: float | None = None, max: float | None = None, *, low_open: bool = False,
                 high_open: bool = False, meaning: str = "") -> None:
        self.min, self.max, self.low_open, self.high_open = min, max, low_open, high_open
        if min == 0 and low_open and max is None:
            text = "a positive finite float"
        elif min is not None and max is not None:
            text = f"a float in {'(' if low_open else '['}{min}, {max}{')' if high_open else ']'}"
        elif min is not None:
            text = f"a finite float {'>' if low_open else '>='} {min}"
        elif max is not None:
            text = f"a finite float {'<' if high_open else '<='} {max}"
        else:
            text = "a finite float"
        self.expected = text + (f", {meaning}" if meaning else "")

    def check(self, name: str, value: Any) -> float:
        if not isinstance(value, RealNumber) or isinstance(value, (bool, np.bool_)):
            raise self.fail(name, value, TypeError)
        try:
            v = float(value)
        except OverflowError:  # an int such as 10**400 has no float
            raise self.fail(name, Said(f"an int of {len(str(abs(int(value))))} digits, beyond float64's range")) from None
        if not math.isfinite(v) or (self.min is not None and (v < self.min or (self.low_open and v == self.min))) \
                or (self.max is not None and (v > self.max or (self.high_open and v == self.max))):
            raise self.fail(name, value)
        return v

    def bad(self) -> list[Variant]:
        out: list[Variant] = [("nan", _const(float("nan")), ValueError), ("inf", _const(float("inf")), ValueError),
                              ("-inf", _const(-float("inf")), ValueError), ("string", _const("0.5"), TypeError),
                              ("bool", _const(True), TypeError), ("None", _const(None), TypeError),
                              ("numpy nan", _const(np.float64("nan")), ValueError)]
        # A step of at least 1 and at least the bound's size: max + 1 == max for max = 3.4e38.
        if self.min is not None:
            below = self.min - max(1.0, abs(self.min))
            out.append(("below the minimum", _const(self.min if self.low_open else below), ValueError))
        if self.max is not None:
            above = self.max + max(1.0, abs(self.max))
            out.append(("above the maximum", _const(self.max if self.high_open else above), ValueError))
        return out

    def unusual(self) -> list[Variant]:
        return [("numpy float32", _needs(lambda v: np.float32(v)), None),
                ("numpy float64", _needs(lambda v: np.float64(v)), None)]


def Probability(meaning: str = "") -> Real:
    """A float in [0, 1): a probability of dropping, of masking... (1 would drop everything)."""
    return Real(0, 1, high_open=True, meaning=meaning)


class Bool(Rule):
    """True or False (numpy's bool too)."""

    expected = "a bool"

    def check(self, name: str, value: Any) -> bool:
        if not isinstance(value, (bool, np.bool_)):
            raise self.fail(name, value, TypeError)
        return bool(value)

    def bad(self) -> list[Variant]:
        return [("int", _const(1), TypeError), ("string", _const("yes"), TypeError), ("None", _const(None), TypeError)]

    def unusual(self) -> list[Variant]:
        return [("numpy bool", _needs(np.bool_), None)]


class Choice(Rule):
    """One of a few strings."""

    def __init__(self, *options: str) -> None:
        self.options = options
        self.expected = f"one of {list(options)}"

    def check(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(name, value, TypeError)
        if value not in self.options:
            raise self.fail(name, value)
        return value

    def bad(self) -> list[Variant]:
        return [("unknown option", _const("no-such-option"), ValueError), ("int", _const(3), TypeError),
                ("None", _const(None), TypeError)]


class Text(Rule):
    """A string (non-empty unless ``empty=True``)."""

    def __init__(self, empty: bool = False) -> None:
        self.empty = empty
        self.expected = "a string" if empty else "a non-empty string"

    def check(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(name, value, TypeError)
        if not value and not self.empty:
            raise self.fail(name, value)
        return value

    def bad(self) -> list[Variant]:
        out: list[Variant] = [("int", _const(3), TypeError), ("None", _const(None), TypeError)]
        return out + ([] if self.empty else [("empty", _const(""), ValueError)])


class Instance(Rule):
    """An instance of one of ``classes`` (``what`` names it in messages, e.g. "a labkit.graphs.Graph")."""

    def __init__(self, *classes: type, what: str | None = None) -> None:
        self.classes = classes
        self.expected = what or " or ".join(f"a {c.__module__.split('.')[0]}.{c.__qualname__}" for c in classes)

    def check(self, name: str, value: Any) -> Any:
        if not isinstance(value, self.classes):
            raise self.fail(name, Said(type(value).__name__), TypeError)
        return value

    def bad(self) -> list[Variant]:
        return [("wrong type", _const(object()), TypeError), ("None", _const(None), TypeError),
                ("string", _const("x"), TypeError)]


class Function(Rule):
    """A callable; with ``takes=k``, one that can be called with ``k`` positional arguments."""

    def __init__(self, takes: int | None = None) -> None:
        self.takes = takes
        self.expected = "a callable" if takes is None else \
            f"a callable taking {takes or 'no'} argument{'s' * (takes != 1)}"

    def check(self, name: str, value: Any) -> Any:
        if not callable(value):
            raise self.fail(name, value, TypeError)
        if self.takes is not None:
            try:
                signature = inspect.signature(value)
            except (TypeError, ValueError):  # builtins without a signature: trust them
                return value
            try:
                signature.bind(*[None] * self.takes)
            except TypeError:
                raise self.fail(name, Said(f"one with the signature {signature}"), TypeError) from None
        return value

    def bad(self) -> list[Variant]:
        return [("not callable", _const(3), TypeError), ("None", _const(None), TypeError)]


class Optional(Rule):
    """``None``, or a value that ``rule`` accepts."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.expected = f"None or {rule.expected}"

    def check(self, name: str, value: Any) -> Any:
        return None if value is None else self.rule.check(name, value)

    def bad(self) -> list[Variant]:
        return [v for v in self.rule.bad() if v[0] != "None"]

    def unusual(self) -> list[Variant]:
        return self.rule.unusual()  # None is the default, tested by every call that leaves it out


class Sizes(Rule):
    """A sequence (not a string) of at least ``min_len`` ints >= 1: layer sizes, hidden sizes.

    Consecutive sizes are the shapes of weight matrices: their products must stay under
    :data:`MAX_ELEMENTS`, so ``MLP([10**6, 10**6])`` is refused before the allocator is asked.
    """

    def __init__(self, min_len: int = 1) -> None:
        self.min_len = min_len
        count = f"at least {min_len} positive ints" if min_len else "positive ints (possibly empty)"
        self.expected = f"a sequence of {count}"

    def check(self, name: str, value: Any) -> list[int]:
        if isinstance(value, np.ndarray):
            value = value.tolist()
        elif isinstance(value, Iterator):  # a generator is read once, here
            value = list(value)
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise self.fail(name, value, TypeError)
        if not all(isinstance(s, Integral) and not isinstance(s, (bool, np.bool_)) for s in value):
            raise self.fail(name, value, TypeError)
        if len(value) < self.min_len or not all(s >= 1 for s in value):
            raise self.fail(name, value)
        sizes = [int(s) for s in value]
        for a, b in zip(sizes, sizes[1:]):
            check_elements(name, a * b, f"a {a} x {b} weight matrix")
        return sizes

    def bad(self) -> list[Variant]:
        out: list[Variant] = [("string", _const("64"), TypeError), ("zero size", _needs(lambda v: [0] + list(v)[1:] if len(v) else [0]), ValueError),
                              ("float size", _needs(lambda v: [1.5] + list(v)[1:] if len(v) else [1.5]), TypeError),
                              ("too large", _const([10**6] * max(self.min_len, 2)), ValueError)]
        if self.min_len:
            out.append(("too few", _const([]), ValueError))
        return out

    def unusual(self) -> list[Variant]:
        return [("tuple", _needs(tuple), None), ("numpy ints", _needs(lambda v: [np.int64(s) for s in v]), None)]


def check_elements(name: str, count: int, what: str = "") -> int:
    """Refuse an array or layer of more than :data:`MAX_ELEMENTS` numbers, naming the argument."""
    if count > MAX_ELEMENTS:
        raise ValueError(f"{name} asks for {what or 'an array'} of {count:,} numbers; labkit's limit is "
                         f"{MAX_ELEMENTS:,} (1 GiB in float32), far beyond a laptop course")
    return count


_KINDS = {"float": np.float64, "float32": np.float32, "int": np.intp, "bool": np.bool_}


class Array(Rule):
    """An array-like of numbers, returned as a numpy array of ``kind``: "float" (float64), "float32"
    (data for a float32 model: a value beyond float32's range is refused, not turned into inf),
    "int" (intp) or "bool". A generator is read once, into an array.

    ``ndim`` fixes the number of dimensions, ``min_rows`` the length of the first axis; ``min``/``max``
    bound every entry (node ids from 0, probabilities...); ``finite=False`` lets NaN and inf through
    (autodiff engines only). An int array refuses floats; a float array takes ints and bools.
    """

    def __init__(self, kind: str = "float", *, ndim: int | None = None, min_rows: int = 0,
                 min: float | None = None, max: float | None = None, finite: bool = True) -> None:
        self.kind, self.ndim, self.min_rows, self.min, self.max, self.finite = kind, ndim, min_rows, min, max, finite
        words = {"float": "numbers", "float32": "numbers that fit in float32 (|x| < 3.4e38)", "int": "ints",
                 "bool": "bools"}[kind]
        shape = f"a {ndim}-D array" if ndim is not None else "an array"
        rows = f" with at least {min_rows} row{'s' * (min_rows > 1)}" if min_rows else ""
        bounds = [f">= {min}"] * (min is not None) + [f"<= {max}"] * (max is not None)
        self.expected = (f"{shape} of {'finite ' if finite and kind.startswith('float') else ''}{words}{rows}"
                         + (f", each {' and '.join(bounds)}" if bounds else ""))

    def _as_array(self, name: str, value: Any) -> np.ndarray:
        if type(value) is not np.ndarray:
            if value is None or isinstance(value, (str, bytes, dict, set)):
                raise self.fail(name, value, TypeError)
            if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
                value = value.detach().cpu().numpy()
            elif isinstance(value, Iterator):  # a generator is read once, here
                value = list(value)
            try:
                value = np.asarray(value)
            except (TypeError, ValueError):
                raise self.fail(name, Said(f"a {type(value).__name__} that is not a rectangular array of numbers"), TypeError) from None
        # dtype kinds: f float, i/u int, b bool; complex, objects, strings and dates are refused.
        kinds = {"float": "fiub", "float32": "fiub", "int": "iu", "bool": "b"}[self.kind]
        if value.dtype.kind not in kinds:
            raise self.fail(name, value, TypeError)
        return value

    def check(self, name: str, value: Any) -> np.ndarray:
        x = self._as_array(name, value)
        if (self.ndim is not None and x.ndim != self.ndim) or (self.min_rows and (x.ndim == 0 or len(x) < self.min_rows)):
            raise self.fail(name, x)
        if x.size > MAX_ELEMENTS:
            check_elements(name, x.size)
        with np.errstate(over="ignore"):  # float32: a value too large becomes inf, refused below
            cast = x.astype(_KINDS[self.kind], copy=False)
        if self.finite and self.kind.startswith("float") and not all_finite(cast):
            bad = int(np.sum(~np.isfinite(x))) if x.dtype.kind == "f" else 0
            if bad:
                raise self.fail(name, Said(f"{bad} NaN or inf among {x.size} values"))
            beyond = int(np.sum(~np.isfinite(cast)))
            raise self.fail(name, Said(f"{beyond} value{'s' * (beyond > 1)} beyond float32's range "
                                       f"(largest magnitude {np.abs(x).max():.3g})"))
        x = cast
        if x.size and self.min is not None and x.min() < self.min:
            raise self.fail(name, Said(f"a minimum of {x.min()}"))
        if x.size and self.max is not None and x.max() > self.max:
            raise self.fail(name, Said(f"a maximum of {x.max()}"))
        return x

    def bad(self) -> list[Variant]:
        def with_first(value: float) -> Callable[[Any], Any]:
            def make(valid: Any) -> Any:
                x = np.array(_numpy(valid), dtype=np.float64 if self.kind.startswith("float") else None)
                if x.size == 0:
                    return NEEDS_VALUE
                x.flat[0] = value
                return x
            return _needs(make)

        out: list[Variant] = [("string", _const("abc"), TypeError), ("None", _const(None), TypeError),
                              ("objects", _const([object(), object()]), TypeError)]
        if self.kind.startswith("float") and self.finite:
            out += [("nan", with_first(np.nan), ValueError), ("inf", with_first(np.inf), ValueError)]
        if self.kind == "float32" and self.finite:
            out.append(("beyond float32", with_first(1e300), ValueError))
        if self.kind == "int":
            out.append(("floats", _needs(lambda v: _numpy(v).astype(np.float64) + 0.5), TypeError))
        if self.min is not None:
            out.append(("below the minimum", with_first(self.min - 1), ValueError))
        if self.ndim is not None:
            out.append(("one more dimension", _needs(lambda v: _numpy(v)[None]), ValueError))
        if self.min_rows:
            out.append(("no rows", _needs(lambda v: _numpy(v)[:0]), ValueError))
        return out

    def unusual(self) -> list[Variant]:
        if self.kind.startswith("float"):
            out: list[Variant] = [("float32", _needs(lambda v: _numpy(v).astype(np.float32)), None),
                                  ("nested lists", _needs(lambda v: _numpy(v).tolist()), None),
                                  ("generator", _needs(_rows_generator), None)]
            if not self.finite:  # declared to let NaN and inf through: tried with both
                out += [("a NaN inside", _needs(lambda v: _with_first(v, np.nan)), None),
                        ("an inf inside", _needs(lambda v: _with_first(v, np.inf)), None)]
            return out
        if self.kind == "int":
            return [("int32", _needs(lambda v: _numpy(v).astype(np.int32)), None),
                    ("nested lists", _needs(lambda v: _numpy(v).tolist()), None)]
        return []


def _with_first(valid: Any, value: float) -> np.ndarray:
    """``valid`` as a float64 array whose first entry is ``value`` (unchanged if it has none)."""
    x = np.array(_numpy(valid), dtype=np.float64)
    if x.size:
        x.flat[0] = value
    return x


def _rows_generator(valid: Any) -> Any:
    rows = _numpy(valid).tolist()
    return (row for row in rows) if isinstance(rows, list) else NEEDS_VALUE


def _numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        return value.detach().cpu().numpy()
    return np.asarray(value)


class Samples(Array):
    """Examples along the first axis, in the caller's type: a numpy array or a torch tensor (a list
    becomes a numpy array). At least ``min_rows`` rows; float values must be finite."""

    def __init__(self, min_rows: int = 1) -> None:
        super().__init__("float", min_rows=min_rows)
        self.expected = f"an array or a tensor of finite numbers with at least {min_rows} row{'s' * (min_rows > 1)}"

    def check(self, name: str, value: Any) -> Any:
        if _is_array(value) and not isinstance(value, np.ndarray):  # a tensor stays a tensor
            x = self._as_array(name, value)
            if x.ndim == 0 or len(x) < self.min_rows:
                raise self.fail(name, x)
            if np.issubdtype(x.dtype, np.floating) and not all_finite(x):
                raise self.fail(name, Said(f"{int(np.sum(~np.isfinite(x)))} NaN or inf among {x.size} values"))
            return value
        x = self._as_array(name, value)
        if x.ndim == 0 or len(x) < self.min_rows:
            raise self.fail(name, x)
        check_elements(name, x.size)
        if np.issubdtype(x.dtype, np.floating) and not all_finite(x):
            raise self.fail(name, Said(f"{int(np.sum(~np.isfinite(x)))} NaN or inf among {x.size} values"))
        return x

    def unusual(self) -> list[Variant]:
        import torch

        return [("float32", _needs(lambda v: _numpy(v).astype(np.float32)), None),
                ("torch tensor", _needs(lambda v: torch.as_tensor(_numpy(v))), None)]


class Each(Rule):
    """A sequence or an iterable (not a string) of items that ``rule`` accepts, returned as a list.

    A generator is read once, here, so the function can go over the list several times.
    """

    def __init__(self, rule: Rule, min_len: int = 1) -> None:
        self.rule, self.min_len = rule, min_len
        self.expected = (f"a sequence of {'at least ' + str(min_len) + ' ' if min_len else ''}item{'s' * (min_len != 1)}, "
                         f"each {rule.expected}")

    def check(self, name: str, value: Any) -> list[Any]:
        if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable) or _is_array(value):
            raise self.fail(name, Said(type(value).__name__), TypeError)
        items = list(value)
        if len(items) < self.min_len:
            raise self.fail(name, Said(f"{len(items)} item{'s' * (len(items) != 1)}"))
        return [self.rule.check(f"{name}[{i}]", item) for i, item in enumerate(items)]

    def bad(self) -> list[Variant]:
        out: list[Variant] = [("string", _const("abc"), TypeError), ("None", _const(None), TypeError),
                              ("bad item", _const([object()] * max(self.min_len, 1)), TypeError)]
        return out + ([("empty", _const([]), ValueError)] if self.min_len else [])

    def unusual(self) -> list[Variant]:
        return [("generator", _needs(lambda v: (item for item in v)), None), ("tuple", _needs(tuple), None)]


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) or (hasattr(value, "detach") and hasattr(value, "shape"))


class TorchTensor(Rule):
    """A torch tensor (or an array-like, converted) of ``kind`` "float" or "int", returned as a tensor.

    A float tensor keeps its floating dtype (float16, float32, float64) unless ``dtype`` names one to
    convert to; an array-like becomes float32 (``dtype`` or ``array_dtype`` if given: float64 for a
    function whose NumPy users compare with float64 results). An int tensor becomes int64 (node ids,
    labels). ``ndim``, ``min_rows``, ``min`` and ``finite`` mean what they mean for :class:`Array`; the
    tensor keeps its autograd graph.
    """

    def __init__(self, kind: str = "float", *, ndim: int | None = None, min_rows: int = 0, dtype: Any = None,
                 min: float | None = None, finite: bool = True, array_dtype: Any = None) -> None:
        self.kind, self.ndim, self.min_rows, self.dtype, self.min, self.finite = kind, ndim, min_rows, dtype, min, finite
        self.array_dtype = array_dtype
        words = {"float": "numbers", "int": "ints"}[kind]
        shape = f"a {ndim}-D tensor" if ndim is not None else "a tensor"
        rows = f" with at least {min_rows} row{'s' * (min_rows > 1)}" if min_rows else ""
        self.expected = (f"{shape} of {'finite ' if finite and kind.startswith('float') else ''}{words}{rows}"
                         + (f", each >= {min}" if min is not None else ""))

    def check(self, name: str, value: Any) -> Any:
        import torch

        if not isinstance(value, torch.Tensor):
            x = Array(self.kind).check(name, value) if self.kind == "int" else Array(finite=False).check(name, value)
            value = torch.as_tensor(x, dtype=torch.long if self.kind == "int" else
                                    (self.dtype or self.array_dtype or torch.float32))
        elif self.kind == "float":
            if value.dtype == torch.bool or value.is_complex():
                raise self.fail(name, value, TypeError)
            if not value.is_floating_point():
                value = value.to(self.dtype or torch.float32)
        elif self.kind == "int" and (value.is_floating_point() or value.dtype == torch.bool):
            raise self.fail(name, value, TypeError)
        if self.kind == "int":
            value = value.long()
        elif self.dtype is not None and value.dtype != self.dtype:
            value = value.to(self.dtype)
        if (self.ndim is not None and value.ndim != self.ndim) or (self.min_rows and (value.ndim == 0 or len(value) < self.min_rows)):
            raise self.fail(name, value)
        if self.finite and self.kind == "float" and not all_finite(value):
            raise self.fail(name, Said(f"{int((~torch.isfinite(value)).sum())} NaN or inf among {value.numel()} values"))
        if value.numel() and self.min is not None and value.min() < self.min:
            raise self.fail(name, Said(f"a minimum of {value.min().item()}"))
        return value

    def bad(self) -> list[Variant]:
        import torch

        def with_first(v: float) -> Callable[[Any], Any]:
            def make(valid: Any) -> Any:
                x = torch.as_tensor(_numpy(valid)).clone()
                if x.numel() == 0:
                    return NEEDS_VALUE
                x = x.double() if self.kind == "float" else x
                x.view(-1)[0] = v
                return x.to(valid.dtype) if isinstance(valid, torch.Tensor) and self.kind == "float" else x
            return _needs(make)

        out: list[Variant] = [("string", _const("abc"), TypeError), ("None", _const(None), TypeError),
                              ("bool tensor", _const(torch.ones(2, 2, dtype=torch.bool)), TypeError)]
        if self.kind == "float" and self.finite:
            out += [("nan", with_first(float("nan")), ValueError), ("inf", with_first(float("inf")), ValueError)]
        if self.kind == "int":
            out.append(("floats", _needs(lambda v: torch.as_tensor(_numpy(v), dtype=torch.float64) + 0.5), TypeError))
        if self.min is not None:
            out.append(("below the minimum", with_first(self.min - 1), ValueError))
        if self.ndim is not None:
            out.append(("one more dimension", _needs(lambda v: torch.as_tensor(_numpy(v))[None]), ValueError))
        if self.min_rows:
            out.append(("no rows", _needs(lambda v: torch.as_tensor(_numpy(v))[:0]), ValueError))
        return out

    def unusual(self) -> list[Variant]:
        if self.kind == "int":
            return [("int32 tensor", _needs(lambda v: torch_of(v).int()), None),
                    ("numpy array", _needs(_numpy), None)]
        return [("numpy array", _needs(lambda v: _numpy(v).astype(np.float32)), None)]


class FloatDtype(Rule):
    """A torch floating dtype (``torch.float32``, ``torch.float64``...)."""

    expected = "a torch floating dtype such as torch.float64"

    def check(self, name: str, value: Any) -> Any:
        import torch

        if not isinstance(value, torch.dtype):
            raise self.fail(name, value, TypeError)
        if not value.is_floating_point:
            raise self.fail(name, value)
        return value

    def bad(self) -> list[Variant]:
        import torch

        return [("string", _const("float64"), TypeError), ("int dtype", _const(torch.int64), ValueError)]


def in_model_dtype(name: str, x: Any, model: Any, what: str = "model") -> Any:
    """The finite tensor ``x`` in the dtype of ``model``'s weights (``model``: a module or a torch dtype).

    A float64 tensor (from NumPy) would not meet float32 weights, so it is converted; a value that
    the narrowing would turn into inf (1e300 in float32) is refused, naming ``name`` and the
    ``what`` whose dtype it must fit.
    """
    import torch

    dtype = model if isinstance(model, torch.dtype) else next(model.parameters()).dtype
    if x.dtype == dtype:
        return x
    converted = x.to(dtype)
    if not all_finite(converted):  # x is finite (its rule said so): this is overflow
        raise ValueError(f"{name} must fit in the {what}'s dtype {dtype}, got values up to {x.abs().max().item():.3g}")
    return converted


def torch_of(value: Any) -> Any:
    import torch

    return value if isinstance(value, torch.Tensor) else torch.as_tensor(np.asarray(value))


def Seed() -> Int:
    """A seed: an int from 0 to :data:`MAX_SEED`."""
    return Int(0, MAX_SEED)


def Count(min: int = 1) -> Int:
    """A number of steps (epochs, repeats, optimisation steps): an int from ``min`` to :data:`MAX_COUNT`."""
    return Int(min, MAX_COUNT)


def Size(min: int = 1) -> Int:
    """A size (of a layer, of a data set, a number of classes): an int from ``min`` to :data:`MAX_ELEMENTS`."""
    return Int(min, MAX_ELEMENTS)


def Threads() -> Int:
    """A number of CPU threads: from 1 to this machine's CPU count (more would block inside the runtime)."""
    return Int(1, os.cpu_count() or 1)


# -- shorthands for checks that stay inline (relations between arguments, values computed inside) -------
def check_int(name: str, value: object, minimum: int, maximum: int | None = None) -> int:
    """Return ``value`` as an int if it is an int (not a bool) from ``minimum`` to ``maximum``."""
    return Int(minimum, maximum).check(name, value)


def check_positive(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a real number (not a bool), finite and above 0."""
    return Real(0, low_open=True).check(name, value)


def check_nonnegative(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a real number (not a bool), finite and >= 0."""
    return Real(0).check(name, value)


def check_probability(name: str, value: object, meaning: str = "") -> float:
    """Return ``value`` as a float in [0, 1) (numpy floats too); ``meaning`` is added to the message."""
    return Probability(meaning).check(name, value)


def check_sizes(name: str, value: object, minimum: int) -> list[int]:
    """Return ``value`` as a list of at least ``minimum`` ints >= 1."""
    return Sizes(minimum).check(name, value)


def check_choice(name: str, value: object, options: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``options``."""
    return Choice(*options).check(name, value)


def check_array(name: str, x: object, finite: bool = True) -> np.ndarray:
    """Return ``x`` as a float64 array of any shape, finite unless ``finite=False``."""
    return Array(finite=finite).check(name, x)


def check_matrix(name: str, x: object, n_cols: int | None = None) -> np.ndarray:
    """Return ``x`` as a finite float64 2-D array with at least one row, and ``n_cols`` columns if given."""
    x = Array(ndim=2, min_rows=1).check(name, x)
    if n_cols is not None and x.shape[1] != n_cols:
        raise ValueError(f"{name} must be a 2-D array of shape (n, {n_cols}) with n >= 1, got shape {x.shape}")
    return x


def check_same_rows(name: str, x: np.ndarray, reference: str, n: int) -> np.ndarray:
    """Return ``x`` if it has ``n`` rows, one per row of the array named ``reference``."""
    if len(x) != n:
        raise ValueError(f"{name} must have one row per row of {reference} ({n}), got {len(x)}")
    return x


def check_labels(name: str, y: object, n: int, n_classes: int) -> np.ndarray:
    """Return ``y`` as an intp array of ``n`` int labels, each from 0 to ``n_classes - 1``."""
    y = Array("int", ndim=1).check(name, y)
    if y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one label per row, got shape {y.shape}")
    if n and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name} must hold labels from 0 to {n_classes - 1}, got {y.min()}..{y.max()}")
    return y
