"""The example downloads of the French site: French text blocks, the English code byte for byte.

Each example page links a ``.py``, an ``.ipynb`` and a ``.zip``; the gallery index links two archives
of all examples. On the French site, every text block of each of them must be the catalog's translation
of the English block, and every code block must be the English code, unchanged. That each download runs, and
a French one prints French, is checked as a student runs it, in the newest releases: tests/test_student_scripts.py.
Those have no DGL: the French scripts that use it when it is there run here too, in the site's environment.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from sitetools import CATALOGS, ROOT, parse, read_catalog, resolve, site_dir
from test_student_scripts import timing

pytestmark = pytest.mark.site

SOURCES = ROOT / "docs" / "auto_examples"
EXAMPLES = sorted(p.relative_to(SOURCES).with_suffix("").as_posix() for p in SOURCES.glob("*/plot_*.py"))


def blocks(path: Path) -> list[tuple[str, str]]:
    from sphinx_gallery.py_source_parser import split_code_and_text_blocks

    return [(label, content) for label, content, _ in split_code_and_text_blocks(path)[1]]


def paragraphs(rst: str) -> list[str]:
    """The messages of a text block as gettext extracts them: one per paragraph, title or list item."""
    out = []
    for chunk in re.split(r"\n\s*\n", rst.strip()):
        lines = chunk.splitlines()
        if len(lines) == 2 and re.fullmatch(r"([=\-~^])\1+", lines[1]):
            lines = lines[:1]
        items = re.split(r"(?m)^(?:[-*+]|\d+\.)\s+", "\n".join(lines))
        # Only ASCII spaces are layout: French text keeps its non-breaking spaces.
        out += [re.sub(r"[ \t\n]+", " ", item.strip(" \t\n")) for item in items if item.strip()]
    return out


def catalog(example: str) -> dict[str, str]:
    return {m.id: m.string for m in read_catalog(CATALOGS / "auto_examples" / f"{example}.po") if m.id}


def downloads(example: str) -> dict[str, Path]:
    page = site_dir("fr") / "auto_examples" / f"{example}.html"
    found = {}
    for url in parse(page).links:
        if url.endswith((".py", ".ipynb", ".zip")) and "_downloads" in url:
            found[url.rsplit(".", 1)[1]] = resolve(page, url)[0]
    assert set(found) == {"py", "ipynb", "zip"}, f"{page} must link its .py, .ipynb and .zip"
    return found


@pytest.fixture(scope="module", params=EXAMPLES)
def example(request) -> str:
    site_dir("fr")
    return request.param


def test_there_are_examples():
    assert len(EXAMPLES) >= 3


def test_french_script_has_the_english_code_and_the_catalog_text(example):
    english, french = blocks(SOURCES / f"{example}.py"), blocks(downloads(example)["py"])
    assert [label for label, _ in french] == [label for label, _ in english]
    table = catalog(example)
    for (label, en), (_, fr) in zip(english, french):
        if label == "code":
            assert fr == en
        else:
            assert paragraphs(fr) == [table[p] for p in paragraphs(en)]


#: The examples with a DGL branch (taken when ``has_dgl()``), which the newest releases never take.
WITH_DGL = [e for e in EXAMPLES if "has_dgl()" in (SOURCES / f"{e}.py").read_text(encoding="utf-8")]


@pytest.mark.parametrize("name", [timing(name) for name in WITH_DGL])
def test_french_script_runs_with_dgl(name, tmp_path):
    """A French reader with DGL installed runs the French download and reads French (LABKIT_LANG), as the student
    test runs every download."""
    from test_student_scripts import _run_script, check_run

    pytest.importorskip("dgl")
    result, _seconds = _run_script(name, "fr", tmp_path / "run")
    check_run(result, "fr")


def test_french_notebook_is_valid_with_french_markdown_and_english_code(example):
    import nbformat

    path = downloads(example)["ipynb"]
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    english = json.loads((SOURCES / f"{example}.ipynb").read_text(encoding="utf-8"))
    assert [c.cell_type for c in notebook.cells] == [c["cell_type"] for c in english["cells"]]
    for cell, en in zip(notebook.cells, english["cells"]):
        if cell.cell_type == "code":
            assert cell.source == "".join(en["source"])
    title = paragraphs(blocks(downloads(example)["py"])[0][1])[0]
    assert title in notebook.cells[0].source
    assert title != paragraphs(blocks(SOURCES / f"{example}.py")[0][1])[0]


def test_french_zip_holds_the_french_files(example):
    files = downloads(example)
    with zipfile.ZipFile(files["zip"]) as z:
        name = Path(example).name
        assert z.read(f"{name}.py") == files["py"].read_bytes()
        assert z.read(f"{name}.ipynb") == files["ipynb"].read_bytes()


@pytest.mark.parametrize("kind", ["python", "jupyter"])
def test_french_download_all_archives_hold_the_french_files(kind):
    index = site_dir("fr") / "auto_examples" / "index.html"
    (archive,) = [resolve(index, u)[0] for u in parse(index).links if u.endswith(f"auto_examples_{kind}.zip")]
    suffix = ".py" if kind == "python" else ".ipynb"
    with zipfile.ZipFile(archive) as z:
        assert sorted(z.namelist()) == [e + suffix for e in EXAMPLES]
        for example in EXAMPLES:
            assert z.read(example + suffix) == downloads(example)[suffix[1:]].read_bytes()
