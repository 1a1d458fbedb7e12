"""The messages of the code: every ``_()`` string of labkit, of the examples and of the pages' code cells.

``make po`` runs this after Sphinx's gettext builder: it extracts the messages with Babel's Python
extractor and merges them into one catalog per concept, ``labkit/locales/<lang>/<concept>.po`` (shared
code: ``labkit.po``), keeping the translations that exist. Those catalogs ship with the package, so a
downloaded script prints and draws in its reader's language (:mod:`labkit.i18n`).

Usage: ``python docs/_ext/code_messages.py [LANG ...]`` from the repository root (default: ``fr``).
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONCEPTS = ("multi", "graphs", "autoencoders", "regularization", "hardware", "backprop", "autodiff")
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.M | re.S)
HEADER = ("# What labkit's code draws and prints (figures, outputs), in this catalog's language.\n"
          "# Written by `make po` (docs/_ext/code_messages.py): translate each msgstr; keep the {fields}.")
FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)  # headers that do not churn on every run


def concept_of(path: Path) -> str:
    """The concept a source file belongs to (``labkit/multi/multitask.py`` -> ``multi``), else ``labkit``.

    >>> concept_of(Path("examples/02_graphs/plot_benchmark.py")), concept_of(Path("labkit/multi/multiview.py"))
    ('graphs', 'multi')
    >>> concept_of(Path("docs/backprop.md")), concept_of(Path("labkit/plotting.py"))
    ('backprop', 'labkit')
    >>> concept_of(Path("labkit/exercises/autodiff.py")), concept_of(Path("labkit/exercises/_core.py"))
    ('autodiff', 'labkit')
    """
    parts = path.parts
    if parts[:2] == ("labkit", "exercises") and len(parts) > 2:  # labkit/exercises/<concept>.py
        parts = parts[1:]
    name = parts[1] if len(parts) > 2 else path.stem
    name = re.sub(r"^\d+_", "", name)
    return next((c for c in CONCEPTS if name.startswith(c)), "labkit")


def sources(root: Path = ROOT) -> Iterator[tuple[Path, str]]:
    """Every piece of code that may show a message: labkit, the examples, the pages' code cells."""
    for path in sorted([*(root / "labkit").rglob("*.py"), *(root / "examples").rglob("*.py")]):
        yield path.relative_to(root), path.read_text(encoding="utf-8")
    for page in sorted((root / "docs").glob("*.md")):
        cells = CODE_CELL.findall(page.read_text(encoding="utf-8"))
        if cells:
            # IPython magics and "!" lines are not Python: blank them so the extractor can parse the rest.
            code = "\n".join(re.sub(r"(?m)^\s*[%!].*$", "", cell) for cell in cells)
            yield page.relative_to(root), code


def extract(root: Path = ROOT) -> dict[str, dict[str, list[str]]]:
    """concept -> msgid -> the files that use it."""
    from babel.messages.extract import extract_python

    found: dict[str, dict[str, list[str]]] = {}
    for path, code in sources(root):
        for _, _, message, _ in extract_python(io.BytesIO(code.encode("utf-8")), {"_": None}, [], {}):
            if isinstance(message, str) and message:
                files = found.setdefault(concept_of(path), {}).setdefault(message, [])
                if path.as_posix() not in files:
                    files.append(path.as_posix())
    return found


def update(lang: str = "fr", root: Path = ROOT) -> list[Path]:
    """Merge the extracted messages into ``labkit/locales/<lang>/*.po``; return the catalogs written."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    folder = root / "labkit" / "locales" / lang
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    found = extract(root)
    for concept, messages in sorted(found.items()):
        path = folder / f"{concept}.po"
        old = {}
        if path.exists():
            with path.open("rb") as f:
                old = {m.id: m for m in read_po(f, locale=lang) if m.id}
        catalog = Catalog(locale=lang, project="labkit", version="0.1", creation_date=FIXED_DATE,
                          header_comment=HEADER, copyright_holder="the labkit authors",
                          revision_date=FIXED_DATE, last_translator="labkit authors",
                          language_team="labkit", fuzzy=False)
        for msgid, files in sorted(messages.items()):
            previous = old.get(msgid)
            catalog.add(msgid, previous.string if previous else "", locations=[(f, None) for f in files],
                        flags=previous.flags if previous else ())
        with path.open("wb") as f:
            write_po(f, catalog, width=0, include_lineno=False, ignore_obsolete=True)
        written.append(path)
    for stale in set(folder.glob("*.po")) - set(written):  # a concept whose messages are all gone
        stale.unlink()
    return written


if __name__ == "__main__":
    for language in sys.argv[1:] or ["fr"]:
        for catalog_path in update(language):
            print(catalog_path.relative_to(ROOT))
