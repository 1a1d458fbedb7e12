"""Words in the reader's language: every string a figure draws or a script prints goes through ``_()``.

The course is written in English and translated into French. The code is the same in both languages:
``_("Training loss")`` is ``"Training loss"`` for an English reader and ``"Perte d'entraînement"`` for a
French one. The language comes from the environment variable ``LABKIT_LANG`` (``en`` or ``fr``), else
from the locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English::

    LABKIT_LANG=fr python plot_karate_club.py

A message with numbers is a *pattern*, formatted with :meth:`Message.format`, never an f-string: the
pattern is what the catalog translates, once for every value. In French, numbers take a decimal comma
and a narrow space between thousands (``0,93``, ``1 797``).

The catalogs are ``labkit/locales/<language>/*.po`` (gettext's format; ``make po`` extracts the messages
from labkit, the examples and the pages). While the course site executes in English, ``recording()``
notes every message shown with its formatted values, so that the French site can show the same outputs
and figures, in French, without running anything again.
"""

from __future__ import annotations

import ast
import json
import os
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from numbers import Number
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ._checks import Choice, Each, Instance, Rule, Said, Text, Variant, _const, _needs
from ._contract import contract

__all__ = ["LANGUAGES", "Message", "_", "catalog", "language", "localize_number", "render"]

#: The languages of the course; English is the source language.
LANGUAGES = ("en", "fr")
LOCALES = Path(__file__).resolve().parent / "locales"
#: Environment variable naming a file where a separate process (a Jupyter kernel) appends its records.
RECORD_FILE = "LABKIT_I18N_RECORD"
_LANG = Choice(*LANGUAGES)
_TEXT = Text(empty=True)  # "" is a message too (gettext keeps its header there; it translates to "")


@contract()
def language() -> str:
    """The reader's language: ``LABKIT_LANG`` if set, else the locale's language if the course has it,
    else English.

    >>> import os
    >>> os.environ["LABKIT_LANG"] = "fr"; language()
    'fr'
    >>> os.environ["LABKIT_LANG"] = "en"; language()
    'en'
    """
    chosen = os.environ.get("LABKIT_LANG", "").strip()
    if chosen:
        if chosen not in LANGUAGES:
            raise ValueError(f"LABKIT_LANG must be one of {', '.join(LANGUAGES)}, got {chosen!r}")
        return chosen
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:  # the first one set decides, as gettext does ("fr_FR.UTF-8", "fr:en")
            code = value.split(":")[0][:2].lower()
            return code if code in LANGUAGES else "en"
    return "en"


# -- Catalogs ----------------------------------------------------------------------------------------

def read_po(path: Path) -> dict[str, str]:
    """The translated, non-fuzzy messages of a gettext ``.po`` file (the standard library has no reader)."""
    table: dict[str, str] = {}
    entry: dict[str, str] = {}
    fuzzy, field = False, ""

    def flush() -> None:
        nonlocal entry, fuzzy, field
        if entry.get("msgid") and entry.get("msgstr") and not fuzzy:
            table[entry["msgid"]] = entry["msgstr"]
        entry, fuzzy, field = {}, False, ""

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            flush()
        elif line.startswith("#,"):  # flags come first in an entry
            if entry:
                flush()
            fuzzy = "fuzzy" in line
        elif line.startswith("#"):  # comments, obsolete entries
            continue
        elif line.startswith(("msgid ", "msgstr ", "msgctxt ")):
            keyword, _, literal = line.partition(" ")
            if keyword != "msgstr" and "msgstr" in entry:
                flush()
            field = keyword
            entry[field] = ast.literal_eval(literal)  # gettext's escapes are a subset of Python's
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
    flush()
    return table


@cache
def _catalog(lang: str) -> Mapping[str, str]:
    table: dict[str, str] = {}
    for po in sorted((LOCALES / lang).glob("*.po")):
        table.update(read_po(po))
    return table


@contract(lang=_LANG)
def catalog(lang: str) -> Mapping[str, str]:
    """Every translated message of ``lang``, keyed by its English text (empty for English); read once.

    >>> catalog("fr")["training rows"]
    "lignes d'entraînement"
    """
    return _catalog(lang)  # checked first: an unhashable lang would fail inside the cache, unnamed


catalog.cache_clear = _catalog.cache_clear  # type: ignore[attr-defined]  # tests swap the catalogs


# -- Formatting -------------------------------------------------------------------------------------

@contract(text=_TEXT, lang=_LANG)
def localize_number(text: str, lang: str) -> str:
    """Write a formatted number as ``lang`` writes it: French uses a decimal comma and a narrow
    no-break space between thousands.

    >>> localize_number("1,797.25", "fr") == "1\\u202f797,25"
    True
    >>> localize_number("0.93", "en")
    '0.93'
    """
    if lang != "fr":
        return text
    return text.replace(",", "\u202f").replace(".", ",")


def _is_number(value: Any) -> bool:
    """Whether ``value`` is a number, numpy and torch scalars included (their separators get localised)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, Number):
        return True
    if getattr(value, "ndim", None) == 0:  # a 0-d array or tensor
        try:
            float(value)
        except (TypeError, ValueError):
            return False
        return True
    return False


def _checked_pattern(name: str, pattern: str) -> list[tuple]:
    """The parts of a format pattern, or a ValueError naming the argument that holds the pattern."""
    try:
        return list(string.Formatter().parse(pattern))
    except ValueError as error:  # "{0" or "}" alone: str.format's message names no argument
        raise ValueError(f"{name} must be a valid format pattern, got {pattern!r}: {error}") from None


def _field_value(formatter: string.Formatter, pattern: str, name: str, args: tuple, kwargs: dict) -> Any:
    """The value of the field ``name`` among the arguments of format, or an error naming the field."""
    try:
        return formatter.get_field(name, args, kwargs)[0]
    except (KeyError, IndexError):  # str.format's bare KeyError('n') / IndexError say neither what nor where
        head = name.split(".")[0].split("[")[0]
        given = f"args[{head}]" if head.isdigit() else f"the keyword argument {head}=..."
        raise TypeError(f"format of {pattern!r} needs the field {name}: {given} was not given") from None
    except AttributeError as error:
        raise ValueError(f"format of {pattern!r} cannot read the field {name}: {error}") from None


def _fields(pattern: str, args: tuple, kwargs: dict) -> tuple[dict[str, str], list[str]]:
    """Each replacement field of ``pattern`` formatted as the English pattern says, and which are numbers."""
    formatter = string.Formatter()
    fields: dict[str, str] = {}
    numbers: list[str] = []
    auto = 0
    for _, name, spec, conversion in _checked_pattern("msgid", pattern):
        if name is None:
            continue
        if name == "" or name[0] in ".[":  # "{}" and "{.attr}" number themselves, as str.format does
            name, auto = f"{auto}{name}", auto + 1
        if "{" in (spec or ""):
            raise ValueError(f"message {pattern!r}: nested replacement fields are not supported")
        value = formatter.convert_field(_field_value(formatter, pattern, name, args, kwargs), conversion)
        try:
            fields[name] = formatter.format_field(value, spec or "")
        except (TypeError, ValueError) as error:  # e.g. "{x:.2f}" given a string
            raise type(error)(f"field {name} of {pattern!r} cannot be formatted as {spec!r}: {error}") from None
        if conversion is None and _is_number(value):
            numbers.append(name)
    return fields, numbers


class _FormattedFields(Rule):
    """A mapping of field names to their formatted values, all strings (what :meth:`Message.format` records)."""

    expected = "a mapping of field names to formatted values (strings)"
    _mapping = Instance(Mapping, what="a mapping of field names to formatted values")

    def check(self, name: str, value: Any) -> Mapping[str, str]:
        self._mapping.check(name, value)
        for key, text in value.items():
            if not isinstance(key, str):
                raise self.fail(name, Said(f"the key {key!r}"), TypeError, "keyed by field names (strings)")
            if not isinstance(text, str):  # localize_number would name its own argument, text
                raise self.fail(f"{name}[{key!r}]", text, TypeError, "a formatted value (a string)")
        return value

    def bad(self) -> list[Variant]:
        return self._mapping.bad() + [("a value not formatted", _const({"0": 12}), TypeError)]

    def unusual(self) -> list[Variant]:
        return [("read-only mapping", _needs(lambda v: MappingProxyType(dict(v))), None)]


@contract(pattern=_TEXT, fields=_FormattedFields(), numbers=Each(_TEXT, min_len=0), lang=_LANG)
def render(pattern: str, fields: Mapping[str, str], numbers: list[str], lang: str) -> str:
    """``pattern`` with its fields replaced by the formatted values in ``fields``, numbers written as in
    ``lang``. A translated pattern names the same fields as the English one (it may reorder them).

    >>> render("{0} epochs, loss {1}", {"0": "12", "1": "0.25"}, ["0", "1"], "fr")
    '12 epochs, loss 0,25'
    """
    out, auto = [], 0
    for literal, name, _, _ in _checked_pattern("pattern", pattern):
        out.append(literal)
        if name is None:
            continue
        if name == "" or name[0] in ".[":
            name, auto = f"{auto}{name}", auto + 1
        if name not in fields:
            raise ValueError(f"pattern {pattern!r} names the field {name!r}, which fields lacks (the English "
                             "message must have the same fields)")
        out.append(localize_number(fields[name], lang) if name in numbers else fields[name])
    return "".join(out)


# -- Recording --------------------------------------------------------------------------------------

_records: list[dict] | None = None


def start_recording() -> None:
    """Start noting every message shown (see :func:`recording`), forgetting earlier notes."""
    global _records
    _records = []


def stop_recording() -> list[dict]:
    """Stop noting messages; return the notes taken since :func:`start_recording`."""
    global _records
    taken, _records = _records or [], None
    return taken


def notes() -> list[dict]:
    """The notes taken so far (empty when not recording)."""
    return list(_records or [])


@contextmanager
def recording() -> Iterator[list[dict]]:
    """Note every message shown inside the ``with`` block: its English text as shown, its msgid and
    its formatted fields, enough to show it again in another language.

    >>> with recording() as taken:
    ...     print(_("{n} nodes").format(n=34))
    34 nodes
    >>> taken[-1]["en"], taken[-1]["msgid"], taken[-1]["fields"]
    ('34 nodes', '{n} nodes', {'n': '34'})
    """
    global _records
    previous, _records = _records, []
    try:
        yield _records
    finally:
        _records = previous


def _note(english: str, msgid: str, fields: dict[str, str], numbers: list[str]) -> None:
    note = {"en": english, "msgid": msgid, "fields": fields, "numbers": numbers}
    if _records is not None:
        _records.append(note)
    path = os.environ.get(RECORD_FILE)
    if path:  # a kernel of the site build: the build process reads this file
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(note, ensure_ascii=False) + "\n")


@contract(msgid=_TEXT, lang=_LANG)
class Message(str):
    """A message in the reader's language that remembers its English text (its msgid).

    It is a ``str``: draw it, print it, join it. Format a pattern with :meth:`format`, which writes
    the numbers as the reader's language does.
    """

    msgid: str
    lang: str

    def __new__(cls, msgid: str, lang: str) -> Message:
        text = catalog(lang).get(msgid, msgid) if lang != "en" else msgid
        self = super().__new__(cls, text)
        self.msgid, self.lang = msgid, lang
        return self

    @contract()
    def format(self, *args: Any, **kwargs: Any) -> str:  # noqa: A003 - str.format, translated
        """The pattern filled in as :meth:`str.format` does, the numbers written as the reader's language
        writes them."""
        fields, numbers = _fields(self.msgid, args, kwargs)
        english = render(self.msgid, fields, numbers, "en")
        _note(english, self.msgid, fields, numbers)
        return english if self.lang == "en" else render(str(self), fields, numbers, self.lang)


@contract(message=_TEXT)
def _(message: str) -> Message:
    """``message`` in the reader's language (see :func:`language`); English when it has no translation.

    >>> import os
    >>> os.environ["LABKIT_LANG"] = "en"
    >>> _("{acc:.1%} of the nodes").format(acc=0.8236)
    '82.4% of the nodes'
    """
    text = Message(message, language())
    if "{" not in message:
        _note(message, message, {}, [])
    return text
