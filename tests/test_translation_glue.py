"""The French-site comparison and the translation glue (docs/_ext/translations.py), on a tiny Sphinx project:
two languages, a catalog of a few messages, built in a temporary folder in a few seconds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sitetools import ROOT, untranslated_blocks

PAGE = """\
# 1. First steps

A short paragraph.

$$
E = \\text{energy}
$$
"""

#: msgid -> msgstr, as the French catalog of the page holds them.
CATALOG = {
    "1. First steps": "1\\\\. Premiers pas",  # escaped: "1. " would start a list
    "A short paragraph.": "Un court paragraphe.",
    "E = \\\\text{energy}": "E = \\\\text{énergie}",
}

CONF = f"""
import sys
sys.path.insert(0, {str(ROOT / "docs" / "_ext")!r})
extensions = ["myst_parser", "translations"]
myst_enable_extensions = ["dollarmath"]
html_theme = "basic"
locale_dirs = ["locales"]
gettext_compact = False
"""


def write_project(path: Path, catalog: dict[str, str]) -> Path:
    (path / "locales" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (path / "conf.py").write_text(CONF, encoding="utf-8")
    (path / "index.md").write_text(PAGE, encoding="utf-8")
    po = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in catalog.items())
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    (path / "locales" / "fr" / "LC_MESSAGES" / "index.po").write_text(header + po, encoding="utf-8")
    return path


def build(project: Path, language: str) -> tuple[str, str]:
    """The built page and the build's warnings (a fresh process: Sphinx caches catalogs per process)."""
    out = project / "_build" / language
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-E", "-D", f"language={language}", str(project),
         str(out)],
        capture_output=True, text=True, check=True,
    )
    return (out / "index.html").read_text(encoding="utf-8"), result.stderr


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> str:
    return build(write_project(tmp_path_factory.mktemp("en"), CATALOG), "en")[0]


def compare(tmp_path: Path, english: str, catalog: dict[str, str]) -> tuple[list[str], str, str]:
    """The French blocks left in English, the French page and the French build's warnings."""
    french, warnings = build(write_project(tmp_path, catalog), "fr")
    return untranslated_blocks(english, french, lambda tag, text: False, root="div.body"), french, warnings


def test_comparison_passes_with_the_whole_catalog(tmp_path, english):
    leftovers, french, warnings = compare(tmp_path, english, CATALOG)
    assert leftovers == [] and warnings == ""
    # Display math takes its translation instead of becoming "::" (docs/_ext/translations.py).
    assert "\\text{energy}" in english
    assert "\\text{énergie}" in french and "\\[::\\]" not in french


@pytest.mark.parametrize("removed", ["1. First steps", "A short paragraph."])
def test_comparison_fails_when_a_message_is_removed(tmp_path, english, removed):
    catalog = {k: v for k, v in CATALOG.items() if k != removed}
    leftovers, *_ = compare(tmp_path, english, catalog)
    assert len(leftovers) == 1 and removed in leftovers[0]


def test_an_unescaped_list_marker_is_reported_not_dropped_silently(tmp_path, english):
    """Sphinx keeps the English of a message whose translation parses as a list: the glue warns."""
    leftovers, _, warnings = compare(tmp_path, english, {**CATALOG, "1. First steps": "1. Premiers pas"})
    assert len(leftovers) == 1 and "1. First steps" in leftovers[0]
    assert "translation not shown" in warnings and "1. Premiers pas" in warnings
