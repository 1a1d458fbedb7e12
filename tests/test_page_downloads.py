"""The downloads of the concept pages: each offers its notebook and its MyST source, in the page's language.

A concept page is a ``docs/*.md`` page with code cells. In both languages its download menu links
``_sources/<page>.md`` and ``_sources/<page>.ipynb``; both hold exactly the English page's code cells.
On the French site their text is the French page's text: no paragraph is left in English.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest
from sitetools import CATALOGS, LANGUAGES, ROOT, parse, read_catalog, resolve, site_dir

pytestmark = pytest.mark.site

DOCS = ROOT / "docs"
CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```$", flags=re.M | re.S)
FENCE = re.compile(r"^```.*?^```$", flags=re.M | re.S)  # code, doctests, images, figures
PAGES = sorted(p.stem for p in DOCS.glob("*.md") if CODE_CELL.search(p.read_text(encoding="utf-8")))


def english_code(page: str) -> list[str]:
    """The code cells of the English page, as myst-nb reads them."""
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook((DOCS / f"{page}.md").read_text(encoding="utf-8"))
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def downloads(language: str, page: str) -> dict[str, Path]:
    """The files the page's download menu links (the theme's notebook and source buttons), by suffix."""
    html_page = site_dir(language) / f"{page}.html"
    classes = parse(html_page).classes
    found = {}
    for button in ("btn-download-notebook-button", "btn-download-source-button"):
        for link in classes.get(button, []):
            found[link["href"].rsplit(".", 1)[1]] = resolve(html_page, link["href"])[0]
    assert set(found) == {"md", "ipynb"}, f"{html_page} must offer its .md and its .ipynb: {found}"
    for path in found.values():
        assert path.is_file(), f"{html_page} links {path}, which is missing"
    return found


def chunks(text: str) -> list[str]:
    """Blank-line separated blocks of a Markdown text, line breaks made spaces (wrapping is layout).

    A backtick fence is one block, blank lines inside it included.
    """
    text = FENCE.sub(lambda m: re.sub(r"\n\s*\n", "\n", m.group(0)), text)
    return [" ".join(chunk.split()) for chunk in re.split(r"\n\s*\n", text.strip()) if chunk.strip()]


def has_prose(chunk: str) -> bool:
    """Whether a block has words outside code, math, roles and fences (those stay English)."""
    if chunk.startswith("```") and not chunk.startswith(("```{figure}", "```{image}")):
        return False
    # An exercise's id and a directive's option names (":answers:") are code too; an option's value stays.
    chunk = re.sub(r"\{exercise-download\}\s+\S+|(?<!\S):[\w-]+:(?=\s|$)", " ", chunk)
    rest = re.sub(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\{[\w:-]+\}|\(#?[\w./-]*\)|https?://\S+", " ", chunk)
    return bool(re.search(r"[A-Za-z]{3,}", rest))


def block_shape(text: str) -> list[tuple[str, str]]:
    """The block structure myst parses from a Markdown text: token types, tags and fence infos."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    config = MdParserConfig(enable_extensions={"dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"})
    tokens = create_md_parser(config, RendererHTML).parse(text)
    return [(t.type, t.tag, t.info if t.type == "fence" else "") for t in tokens]


def h1(html_page: Path) -> str:
    """The text of the page's title (the article's h1, the one with a permalink)."""
    title = re.search(r"<h1>([^<]*(?:<(?!/?h1)[^<]*)*?)<a class=\"headerlink\"", html_page.read_text(encoding="utf-8"))
    return html.unescape(re.sub(r"<[^>]+>", "", title.group(1))).strip()


def test_there_are_concept_pages():
    assert {"multi", "graphs", "autoencoders", "regularization", "hardware", "backprop", "autodiff"} <= set(PAGES)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_downloads_have_the_english_code_cells(language, page):
    files = downloads(language, page)
    source = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    md = files["md"].read_text(encoding="utf-8")
    assert CODE_CELL.findall(md) == CODE_CELL.findall(source), f"{files['md']}: code cells differ"
    notebook = nbformat.read(files["ipynb"], as_version=4)
    nbformat.validate(notebook)
    assert [c.source for c in notebook.cells if c.cell_type == "code"] == english_code(page)
    assert not any(c.get("outputs") for c in notebook.cells if c.cell_type == "code")


@pytest.mark.parametrize("page", PAGES)
def test_english_downloads_are_the_english_page(page):
    files = downloads("en", page)
    assert files["md"].read_text(encoding="utf-8") == (DOCS / f"{page}.md").read_text(encoding="utf-8")
    notebook = nbformat.read(files["ipynb"], as_version=4)
    text = "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert h1(site_dir("en") / f"{page}.html") in text


@pytest.mark.parametrize("page", PAGES)
def test_french_downloads_are_french(page):
    files = downloads("fr", page)
    english = (DOCS / f"{page}.md").read_text(encoding="utf-8")
    french = files["md"].read_text(encoding="utf-8")
    en_chunks, fr_chunks = chunks(english), chunks(french)
    assert len(fr_chunks) == len(en_chunks), "the French source must keep the English blocks"
    assert block_shape(french) == block_shape(english), "the French source must parse like the English"
    # Front matter aside, a block may read the same only where French says it the same way.
    same_in_french = {m.id for m in read_catalog(CATALOGS / f"{page}.po") if m.id and m.string == m.id}
    same = [en for en, fr in zip(en_chunks[1:], fr_chunks[1:])
            if en == fr and has_prose(en) and re.sub(r"^#+ ", "", en) not in same_in_french]
    assert not same, f"{files['md']}: blocks left in English: {[s[:80] for s in same]}"
    title = re.search(r"^# (.+)$", french, re.M).group(1)
    assert title == h1(site_dir("fr") / f"{page}.html").replace("\u2019", "'")  # Sphinx's smart quotes
    notebook = nbformat.read(files["ipynb"], as_version=4)
    text = "\n\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert chunks(text) == [c for c in fr_chunks if not c.startswith("```{code-cell}")][1:]
