"""Figures and printed outputs in the reader's language, from one execution.

The site executes the gallery and the pages once, in English. Every string a figure draws or a script
prints goes through :func:`labkit.i18n._`, which notes what it showed (English text, msgid, formatted
values). From these notes:

- each gallery figure is saved twice by :func:`bilingual_scraper`: in English, and with every text
  translated in ``images/fr/`` (thumbnails in ``images/thumb/fr/``); what each figure draws in each
  language is written beside the example (``<example>.i18n.json``) for the tests;
- the French build points the gallery pages and the course pages at the French figures, translates the
  figures' alt text and the printed outputs (gallery outputs, page cells), and writes the numbers of the
  glued values with a decimal comma.

Executing once keeps both languages showing the same measurements, and the French build cheap. Notes of
the pages' cells come from their Jupyter kernels, through the file named by ``LABKIT_I18N_RECORD``.
A message without a French translation is a build warning (so ``-W`` fails), never silent English.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from labkit import i18n

NESTING = 3  # how deep messages shown inside messages are translated
FRENCH_DIR = "fr"  # the French figures' folder, inside each gallery's images/ and images/thumb/
IMAGE = re.compile(r"(auto_examples/(?:[^\s`'\")]+/)?images/(?:thumb/)?)(sphx_glr_[\w.-]+\.png)")
NUMBER = re.compile(r"(?<![\w.])[-+]?\d[\d,]*\.\d+(?:e[-+]?\d+)?(?![\w.])|(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w,])")


# -- From notes to translations ---------------------------------------------------------------------

def translations(notes: Iterable[dict], lang: str) -> tuple[dict[str, str], list[str]]:
    """English text as shown -> the same text in ``lang``, rendered with today's catalog, and the msgids
    that have no translation.

    A message shown inside another (``_("{tasks}, {n} rows").format(tasks=_("related tasks"))``) is
    translated inside it too: the fields that are not numbers go through the messages noted.
    """
    notes = list(notes)
    catalog = i18n.catalog(lang)
    missing = [m for m in dict.fromkeys(n["msgid"] for n in notes)
               if m not in catalog and re.search(r"[A-Za-z]{2}", m)]

    def table(fields_in: Replacer | None) -> dict[str, str]:
        out = {}
        for note in notes:
            pattern = catalog.get(note["msgid"])
            if pattern is not None:
                # A field that is not a number (a list, a label) is text: its numbers are localised here,
                # its messages translated, since the whole line is not localised again (see in_language).
                fields = {k: v if k in note["numbers"] else
                          localize_numbers(v, lang) if fields_in is None else in_language(v, fields_in, lang)
                          for k, v in note["fields"].items()}
                out[note["en"]] = i18n.render(pattern, fields, note["numbers"], lang)
        return out

    translated = table(None)
    for _depth in range(NESTING - 1):  # a message inside a message inside a message...
        translated = table(Replacer(translated))
    return translated, missing


class Replacer:
    """Replace every English message of ``table`` found in a text (longest first, whole words only)."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        keys = sorted((k for k in table if k.strip()), key=len, reverse=True)
        self.pattern = re.compile("|".join(self._alternative(k) for k in keys)) if keys else None
        # The messages, else a number: what in_language replaces, compiled once (tick labels call it per draw).
        self.or_number = re.compile(f"(?P<message>{self.pattern.pattern})|{NUMBER.pattern}") if keys else NUMBER

    @staticmethod
    def _alternative(key: str) -> str:
        before = r"(?<!\w)" if re.match(r"\w", key[0]) else ""
        after = r"(?!\w)" if re.match(r"\w", key[-1]) else ""
        return before + re.escape(key) + after

    def __call__(self, text: str) -> str:
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda m: self.table[m.group(0)], text)


def in_language(text: str, replace: Replacer, lang: str) -> str:
    """``text`` with every English message that ``replace`` knows translated, and every other number written
    as ``lang`` writes numbers, in one pass.

    A translated message already writes its numbers in ``lang``: localised again, the French 0,059 would
    read as a thousands-grouped 59 and become 0 059.

    >>> in_language("loss 0.059 at 1,797 rows", Replacer({"loss": "perte"}), "fr") == "perte 0,059 at 1\u202f797 rows"
    True
    """
    return replace.or_number.sub(lambda m: replace.table[m.group(0)] if m.groupdict().get("message") is not None
                                 else i18n.localize_number(m.group(0), lang), text)


def translate_text(text: str, table: dict[str, str]) -> str:
    """Replace every English message of ``table`` found in ``text`` (longest first, whole words only)."""
    return Replacer(table)(text)


def localize_numbers(text: str, lang: str) -> str:
    """Every decimal number or thousands-grouped integer of ``text`` written as ``lang`` writes numbers.

    >>> localize_numbers("ratio 0.93 at 1,797 rows, version 2.2.1", "fr") == "ratio 0,93 at 1\\u202f797 rows, version 2.2.1"
    True
    """
    return NUMBER.sub(lambda m: i18n.localize_number(m.group(0), lang), text)


# -- Figures, while the gallery executes ------------------------------------------------------------

_figures: list[dict] = []  # what each figure of the running example draws, in both languages
#: The figures are saved at twice matplotlib's 100 dpi (a 6-inch figure: 1,200 pixels), sharp on a phone's or a
#: high-density screen, and in the PDF; the page shows them no wider than its text column.
FIGURE_DPI = 200


def smallest_text(fig: Any) -> tuple[float, str]:
    """The smallest font size, in points, among the texts ``fig`` showed at its last draw (tick labels included),
    and that text; ``(inf, "")`` for a figure without text."""
    from matplotlib.text import Text

    shown = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    if not shown:
        return float("inf"), ""
    smallest = min(shown, key=lambda t: t.get_fontsize())
    return float(smallest.get_fontsize()), smallest.get_text()


def _drawn(fig: Any) -> list[str]:
    """The strings a figure drew at its last draw, in drawing order (tick labels included)."""
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _in_french(fig: Any, table: dict[str, str]) -> list[tuple[Any, str, Any]]:
    """Translate every text of ``fig`` in place; return what to put back."""
    from matplotlib.text import Text

    replace = Replacer(table)
    undo: list[tuple[Any, str, Any]] = []
    # Tick labels are made again at each draw: translate what the formatters give (shared axes share one).
    formatters = {f for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
                  for f in (axis.get_major_formatter(), axis.get_minor_formatter())}
    for formatter in formatters:
        original = formatter.format_ticks
        formatter.format_ticks = lambda values, f=original: [in_language(s, replace, "fr") for s in f(values)]
        undo.append((formatter, "format_ticks", None))
    for text in fig.findobj(Text):
        english = text.get_text()
        french = in_language(english, replace, "fr")
        if french != english:
            text.set_text(french)
            undo.append((text, "text", english))
    return undo


def _restore(undo: list[tuple[Any, str, Any]]) -> None:
    for obj, what, value in reversed(undo):
        if what == "text":
            obj.set_text(value)
        else:
            del obj.format_ticks  # back to the class's method


def bilingual_scraper(block: Any, block_vars: dict, gallery_conf: dict) -> str:
    """sphinx-gallery's matplotlib scraper, which also saves each figure in French (``images/fr/``), both at
    :data:`FIGURE_DPI`.

    Each figure is drawn twice, once per language: the strings of each language are read right after
    that language's drawing, with the size of its smallest text in the saved picture's pixels (the browser test
    checks what that becomes on a phone's screen).
    """
    import matplotlib.pyplot as plt
    from sphinx_gallery.scrapers import matplotlib_scraper

    paths = block_vars["image_path_iterator"]
    table, _ = translations(i18n.notes(), "fr")
    figures = []
    for index, number in enumerate(plt.get_fignums()):
        fig = plt.figure(number)
        english = Path(paths.image_path.format(len(paths) + 1 + index))
        french = english.parent / FRENCH_DIR / english.name
        french.parent.mkdir(exist_ok=True)
        undo = _in_french(fig, table)
        try:
            fig.savefig(french, dpi=FIGURE_DPI, **{k: getattr(fig, f"get_{k}")() for k in ("facecolor", "edgecolor")})
            drawn_fr, smallest_fr = _drawn(fig), smallest_text(fig)
        finally:
            _restore(undo)
        figures.append((fig, english.name, drawn_fr, smallest_fr))
    rst = matplotlib_scraper(block, block_vars, gallery_conf, dpi=FIGURE_DPI)  # draws and saves each one in English
    for fig, name, drawn_fr, smallest_fr in figures:
        points, text = min(smallest_text(fig), smallest_fr)
        _figures.append({"image": name, "en": _drawn(fig), "fr": drawn_fr, "dpi": FIGURE_DPI, "smallest_text": text,
                         "smallest_text_px": round(points * FIGURE_DPI / 72, 2) if text else None})
    return rst


def record_file(example: Path) -> Path:
    """Where the notes and drawn strings of a gallery example are kept (beside its ``.py`` copy)."""
    return example.with_name(example.stem + ".i18n.json")


def start_example() -> None:
    """Before an example runs: note its messages from scratch."""
    _figures.clear()
    i18n.start_recording()


def finish_example(gallery_conf: dict, example: Path | None) -> None:
    """After an example ran: keep its notes and drawn strings, and make its French thumbnail."""
    notes = i18n.stop_recording()
    if example is None:
        return
    _, missing = translations(notes, "fr")
    catalog = i18n.catalog("fr")
    used = {n["msgid"]: catalog.get(n["msgid"]) for n in notes}
    data = {"notes": notes, "translations": used, "missing": missing, "figures": list(_figures)}
    record_file(example).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    from sphinx_gallery import glr_path_static
    from sphinx_gallery.gen_rst import scale_image

    images = example.parent / "images"
    first = images / FRENCH_DIR / f"sphx_glr_{example.stem}_001.png"
    if not _figures:  # no figure: sphinx-gallery's placeholder, which has no words, as in English
        first = Path(gallery_conf["default_thumb_file"] or Path(glr_path_static()) / "no_image.png")
    thumb = images / "thumb" / FRENCH_DIR / f"sphx_glr_{example.stem}_thumb.png"
    thumb.parent.mkdir(parents=True, exist_ok=True)
    scale_image(str(first), str(thumb), *gallery_conf["thumbnail_size"])


def rerun_examples_whose_french_changed(app: Any) -> None:
    """An example whose figures were drawn with other French than today's catalog, or whose French
    figures are missing, or whose figures were saved at another resolution, runs again: drop its
    md5 so that sphinx-gallery executes it (the French figures are drawn at execution time)."""
    catalog = i18n.catalog("fr")
    src = Path(app.srcdir)
    for gallery in app.config.sphinx_gallery_conf["gallery_dirs"]:
        for md5 in (src / gallery).rglob("*.py.md5"):
            example = md5.with_suffix("")
            record = record_file(example)
            stale = not record.exists()
            if not stale:
                data = json.loads(record.read_text(encoding="utf-8"))
                images = example.parent / "images"
                drawn = [images / FRENCH_DIR / fig["image"] for fig in data["figures"]]
                drawn.append(images / "thumb" / FRENCH_DIR / f"sphx_glr_{example.stem}_thumb.png")
                stale = (any(catalog.get(msgid) != french for msgid, french in data["translations"].items())
                         or not all(path.exists() for path in drawn)
                         or not all(fig.get("dpi") == FIGURE_DPI for fig in data["figures"]))
            if stale:
                md5.unlink()


# -- The French build -----------------------------------------------------------------------------------

def _gallery_record(app: Any, docname: str) -> dict | None:
    path = Path(app.srcdir) / f"{docname}.py"
    record = record_file(path)
    if path.exists() and record.exists():
        return json.loads(record.read_text(encoding="utf-8"))
    return None


def page_record_file(app: Any, docname: str) -> Path:
    """Where the notes of a page's cells are appended by its kernel (kept with myst-nb's cache)."""
    return Path(app.config.nb_execution_cache_path) / "labkit-i18n" / f"{docname}.jsonl"


def _page_notes(app: Any, docname: str) -> list[dict]:
    path = page_record_file(app, docname)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _french(app: Any) -> bool:
    return (app.config.language or "en") != "en"


def on_source_read(app: Any, docname: str, source: list[str]) -> None:
    """Before a page is parsed: in English, name the file its kernel notes messages in; in French, point
    at the French figures and translate the gallery figures' alt text."""
    if not _french(app):
        if app.env.doc2path(docname).suffix == ".md":
            target = page_record_file(app, docname)
            target.parent.mkdir(parents=True, exist_ok=True)
            _notes_before[docname] = target.stat().st_size if target.exists() else 0
            os.environ[i18n.RECORD_FILE] = str(target)  # the kernel started to execute this page inherits it
        return
    _missing_french(app).discard(docname)
    source[0] = french_source(app, docname, source[0])


def _missing_french(app: Any) -> set[str]:
    """The pages shown with an English figure because its French version was missing."""
    if not hasattr(app.env, "labkit_missing_french"):
        app.env.labkit_missing_french = set()
    return app.env.labkit_missing_french


def french_images(app: Any, docname: str, text: str) -> str:
    """``text`` with every gallery figure or thumbnail replaced by its French version."""
    from sphinx.util import logging

    src = Path(app.srcdir)

    def french_image(m: re.Match) -> str:
        folder, name = m.groups()
        if not (src / folder / FRENCH_DIR / name).exists():
            logging.getLogger(__name__).warning(
                "%s: no French version of %s%s (build the English site first)", docname, folder, name)
            _missing_french(app).add(docname)  # read again once the English build has drawn it
            return m.group(0)
        return f"{folder}{FRENCH_DIR}/{name}"

    return IMAGE.sub(french_image, text)


def one_line(text: str) -> str:
    r"""``text`` with its line breaks made spaces (its no-break spaces kept).

    >>> one_line("Le débit\u202fdépend :\n de la taille") == "Le débit\u202fdépend : de la taille"
    True
    """
    return re.sub(r"\s*\n\s*", " ", text)


def french_source(app: Any, docname: str, text: str) -> str:
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    text = french_images(app, docname, text)
    record = _gallery_record(app, docname)
    if record is not None:
        table, missing = translations(record["notes"], app.config.language)
        for msgid in missing:
            logger.warning("%s: no %s translation for %r (labkit/locales)", docname, app.config.language, msgid)
        # A title drawn on two lines is one line of alt text, in English (sphinx-gallery joins its lines) as in French.
        replace = Replacer({one_line(english): one_line(french) for english, french in table.items()})
        text = re.sub(r"(?m)^(\s*:alt: )(.*)$", lambda m: m.group(1) + replace(m.group(2)), text)
    return text


def on_include_read(app: Any, path: Any, docname: str, content: list[str]) -> None:
    if _french(app):
        content[0] = french_images(app, docname, content[0])


_notes_before: dict[str, int] = {}  # size of each page's notes file before the page was read


def _keep_last_execution(app: Any, docname: str) -> None:
    """If the page was just executed, its kernel appended a fresh set of notes: drop the older ones (a
    cached page leaves the file as it was)."""
    before = _notes_before.pop(docname, 0)
    path = page_record_file(app, docname)
    if before and path.exists() and path.stat().st_size > before:
        path.write_bytes(path.read_bytes()[before:])


def on_doctree_read(app: Any, doctree: Any) -> None:
    """French build: printed outputs in French (English build: keep the notes of the last execution)."""
    if not _french(app):
        _keep_last_execution(app, app.env.docname)
        return
    from docutils import nodes
    from sphinx.util import logging

    docname = app.env.docname
    record = _gallery_record(app, docname)
    notes = record["notes"] if record is not None else _page_notes(app, docname)
    table, missing = translations(notes, app.config.language)
    if record is None:
        for msgid in missing:
            logging.getLogger(__name__).warning(
                "%s: no %s translation for %r (labkit/locales)", docname, app.config.language, msgid)
    replace = Replacer(table)
    for block in doctree.findall(nodes.literal_block):
        classes = set(block["classes"])
        if "sphx-glr-script-out" in classes or "output" in classes:
            text = in_language(block.astext(), replace, app.config.language)
            block.children = [nodes.Text(text)]
            block.rawsource = text
    # HTML outputs (a pandas table shown by the gallery or a page cell): the cells' text, not the markup.
    for raw in doctree.findall(nodes.raw):
        if "rendered_html" in raw.astext() or "text_html" in raw["classes"]:
            html = re.sub(r">([^<>]+)<", lambda m: ">" + in_language(m.group(1), replace, app.config.language) + "<",
                          raw.astext())
            raw.children = [nodes.Text(html)]
            raw.rawsource = html


def on_doctree_resolved(app: Any, doctree: Any, docname: str) -> None:
    """French build: glued numbers with a decimal comma (page-qualified glue is pasted after reading)."""
    if not _french(app):
        return
    from docutils import nodes

    for pasted in doctree.findall(lambda n: isinstance(n, nodes.inline) and "pasted-text" in n["classes"]):
        pasted.children = [nodes.Text(localize_numbers(pasted.astext(), app.config.language))]


def _catalog_hash() -> str:
    import hashlib

    digest = hashlib.sha256()
    for po in sorted((i18n.LOCALES).rglob("*.po")):
        digest.update(po.read_bytes())
    return digest.hexdigest()


def on_env_get_outdated(app: Any, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """A changed labkit catalog re-reads the pages that show its messages (outputs are translated on
    reading); a page that showed an English figure for want of its French version is read again."""
    current, previous = _catalog_hash(), getattr(env, "labkit_catalog_hash", None)
    env.labkit_catalog_hash = current
    if not _french(app):
        return []
    again = set(_missing_french(app))  # pages that fell back to an English figure last time
    if previous not in (None, current):
        again |= {doc for doc in env.found_docs
                  if _gallery_record(app, doc) is not None or page_record_file(app, doc).exists()}
    return sorted(again & env.found_docs)


def setup(app: Any) -> dict:
    os.environ["LABKIT_LANG"] = "en"  # the gallery and the pages always execute in English
    app.connect("builder-inited", rerun_examples_whose_french_changed, priority=100)  # before the gallery
    app.connect("source-read", on_source_read)
    app.connect("include-read", on_include_read)
    app.connect("doctree-read", on_doctree_read)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("env-get-outdated", on_env_get_outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
