"""Concept pages downloadable in the reader's language: their notebook and their MyST source.

sphinx-book-theme's download menu offers a page's source (``_sources/<page>.md``, which Sphinx copies
from the English file) and, when the page context has ``ipynb_source``, a notebook. For every page
with code cells this extension sets ``ipynb_source`` before the theme builds the menu, and after the
build writes the notebook next to the source. On a translated site it first translates the page's
Markdown with the page's own catalog (the one its HTML was translated with), replacing Sphinx's
English copy; the code cells stay byte for byte the English ones, which is checked, and every
message without a translation is a warning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.util import logging

from text_i18n import MarkdownTranslator

logger = logging.getLogger(__name__)


def read_notebook(text: str, config: Any = None) -> Any:
    """The notebook of a MyST Markdown text, with ids that stay the same from one build to the next."""
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook(text, config)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"  # nbformat draws random ids otherwise
    return notebook


def code_cells(notebook: Any) -> list[str]:
    """The sources of a notebook's code cells, in order."""
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def notebook_pages(app: Any) -> dict[str, Path]:
    """The Markdown pages with code cells, by document name, with their source file."""
    if not hasattr(app, "_labkit_notebook_pages"):
        pages = {}
        for docname in sorted(app.env.found_docs):
            path = Path(app.env.doc2path(docname))
            if path.suffix == ".md" and code_cells(read_notebook(path.read_text(encoding="utf-8"))):
                pages[docname] = path
        app._labkit_notebook_pages = pages
    return app._labkit_notebook_pages


def add_notebook_button(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Point the theme's ``.ipynb`` download at ``_sources/<page>.ipynb`` (written at the end)."""
    if pagename in notebook_pages(app):
        context["ipynb_source"] = pagename + ".ipynb"


def page_catalog(app: Any, docname: str) -> dict[str, str]:
    """The messages the HTML of ``docname`` was translated with (one catalog per page)."""
    from labkit_site import load_po

    po = Path(app.confdir) / "locales" / app.config.language / "LC_MESSAGES" / f"{docname}.po"
    return load_po(po, app.config.language) if po.is_file() else {}


def translate_page(app: Any, docname: str, english: str) -> str:
    """``english`` in the build's language; each message left in English is a warning."""
    translator = MarkdownTranslator(page_catalog(app, docname))
    text = translator.markdown(english)
    for message in translator.missing:
        logger.warning("no %s translation in the download of %s: %r", app.config.language, docname,
                       message[:80], location=docname)
    return text


def write_downloads(app: Any, exception: Exception | None) -> None:
    """Write each notebook page's ``.ipynb`` and, on a translated site, its translated ``.md``."""
    if exception is not None or app.builder.format != "html" or not app.config.html_copy_source:
        return
    import nbformat

    language = app.config.language or "en"
    config = getattr(app.env, "myst_config", None)
    sources = Path(app.outdir) / "_sources"
    for docname, path in notebook_pages(app).items():
        english = path.read_text(encoding="utf-8")
        text = english if language == "en" else translate_page(app, docname, english)
        notebook = read_notebook(text, config)
        if code_cells(notebook) != code_cells(read_notebook(english, config)):
            logger.warning("the %s download of %s changed its code cells", language, docname,
                           location=docname)
        nbformat.validate(notebook)
        target = sources / f"{docname}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        if language != "en":  # replaces the English copy Sphinx made when it wrote the page
            target.write_text(text, encoding="utf-8")
        target.with_suffix(".ipynb").write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")


def setup(app: Any) -> dict:
    # Before sphinx-book-theme's add_header_buttons (priority 501), which reads ipynb_source.
    app.connect("html-page-context", add_notebook_button, priority=400)
    app.connect("build-finished", write_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
