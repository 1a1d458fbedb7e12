"""The site's own glue: per-language settings, the language switcher, translated gallery thumbnails,
and the state reset between gallery examples.

Kept out of ``labkit`` on purpose: this is about building the course site, not about a concept.
"""

from __future__ import annotations

import html
import os
import random
import re
from pathlib import Path
from typing import Any

#: The languages the site is built in, each with the name shown on the switcher (in its own language).
LANGUAGES = {"en": "English", "fr": "Français"}

#: Settings that conf.py cannot set per language: ``-D language=fr`` is applied after conf.py runs.
PER_LANGUAGE = {
    "en": {
        "html_title": "labkit — Deep Learning Lab 1",
        "search_bar_text": "Search this course…",
        "author": "the labkit authors",
        "copyright": "2026, the labkit authors",
    },
    "fr": {
        "html_title": "labkit — TP 1 d'apprentissage profond",
        "search_bar_text": "Rechercher dans le cours…",
        "author": "les auteurs de labkit",
        "copyright": "2026, les auteurs de labkit",
    },
}


def other_language(language: str) -> str:
    """The language the switcher of a page in ``language`` leads to."""
    return "en" if language == "fr" else "fr"


def switcher_url(pagename: str, language: str) -> str:
    """Relative URL of the same page in the other language.

    Both trees sit side by side (``_build/html/en``, ``_build/html/fr``) with the same page names,
    so the link climbs to the language root, steps over to the sibling tree and back down.
    """
    depth = pagename.count("/")
    return "../" * (depth + 1) + f"{other_language(language)}/{pagename}.html"


def configure_language(app: Any, config: Any) -> None:
    settings = PER_LANGUAGE.get(config.language or "en", PER_LANGUAGE["en"])
    config.html_title = settings["html_title"]
    # The theme's footer prints both ("By …", "© Copyright …"): they are prose, in the page's language.
    config.author = settings["author"]
    config.copyright = settings["copyright"]
    config.html_theme_options = {**config.html_theme_options, "search_bar_text": settings["search_bar_text"]}
    # The PDF (make pdf): the same title and authors, the file named by its language (both sit in one download folder).
    tex = pdf_name(config.language or "en").replace(".pdf", ".tex")
    # True: the book is the home page's table of contents, its chapters the pages it lists, not the home page itself
    config.latex_documents = [("index", tex, settings["html_title"], settings["author"], "manual", True)]


def pdf_name(language: str) -> str:
    """The PDF of the course in ``language``, as ``make pdf`` names it, beside the site's pages (``labkit-fr.pdf``)."""
    return f"labkit-{language}.pdf"


def add_switcher(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    language = app.config.language or "en"
    other = other_language(language)
    context["labkit_switch_url"] = switcher_url(pagename, language)
    context["labkit_switch_lang"] = other
    context["labkit_switch_name"] = LANGUAGES[other]


VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>\s*')


def one_head(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """One viewport tag a page: Sphinx's layout writes it, docutils adds it to the meta tags, pydata-sphinx-theme
    once more (removed in docs/_templates/layout.html). A page without a document of its own (the general index,
    the module index) gets its title as the print-only heading that sphinx-book-theme writes, empty otherwise: the
    titles Sphinx's own templates give them."""
    from sphinx.locale import _

    context["metatags"] = VIEWPORT.sub("", context.get("metatags", ""))
    if not context.get("pagetitle"):
        index = _("Index") if pagename == "genindex" else context.get("indextitle")
        context["pagetitle"] = context.get("title") or index or ""


#: An entry's link, its title (no ``</a>`` inside: the match stays in one link), then its expander.
EXPANDER = re.compile(r'(<a class="(?:current )?reference internal" href="[^"]*">((?:(?!</a>).)*)</a>'
                      r'<details(?: open="open")?>)<summary>', re.S)


def name_expanders(toctree: str, label: str) -> str:
    """The sidebar's expanders named after their entry: pydata-sphinx-theme writes each as a ``<summary>`` holding a
    chevron only, which a screen reader announces as nothing (axe-core's ``summary-name``). ``label`` has one
    ``%s``, the entry's title (translated in the template, docs/_templates/sbt-sidebar-nav.html).

    >>> name_expanders('<a class="reference internal" href="g.html">Galerie</a><details><summary><i></i></summary>',
    ...                'Sous-pages de « %s »')
    '<a class="reference internal" href="g.html">Galerie</a><details><summary aria-label="Sous-pages de « Galerie »"><i></i></summary>'

    A leaf entry before it on the same line is not taken for its title:

    >>> two = name_expanders('<a class="reference internal" href="a.html">A</a></li><li><a class="reference internal" '
    ...                      'href="b.html">B</a><details><summary>', 'Under %s')
    >>> two.endswith('<summary aria-label="Under B">')
    True

    The current page's entry too (a ``current`` class, its expander open):

    >>> name_expanders('<a class="current reference internal" href="#">API</a><details open="open"><summary>', 'Under %s')
    '<a class="current reference internal" href="#">API</a><details open="open"><summary aria-label="Under API">'
    """
    def named(match: re.Match) -> str:
        title = html.unescape(re.sub(r"<[^>]+>", "", match[2]))
        return f'{match[1]}<summary aria-label="{html.escape(label % title)}">'

    return EXPANDER.sub(named, str(toctree))


SCROLLING_OUTPUT = '<div class="output_subarea output_html rendered_html output_result">'


def scrolling_outputs_focusable(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """A gallery's HTML output (a pandas table) scrolls in its own box on a narrow screen (docs/_static/labkit.css): a
    keyboard reaches it to scroll it (axe-core's scrollable-region-focusable)."""
    if SCROLLING_OUTPUT in context.get("body", ""):
        context["body"] = context["body"].replace(SCROLLING_OUTPUT, SCROLLING_OUTPUT[:-1] + ' tabindex="0">')


#: A figure of the gallery (not a thumbnail), with the link before it if it has one.
FIGURE_IMG = re.compile(r'(<a\b[^>]*>\s*)?'
                        r'(<img\b[^>]*?\bsrc="((?:[^"]*/)?_images/sphx_glr_[\w.-]+?(?<!_thumb)\.png)"[^>]*>)')
ENLARGE = {"en": "Open the figure at full size", "fr": "Ouvrir la figure en grand"}


def figures_enlarge(body: str, language: str) -> str:
    """Every figure of ``body`` not already in a link, in a link to its own picture: tapped or clicked, it opens alone
    at full size (its picture has twice the pixels the page shows).

    >>> figures_enlarge('<p><img alt="loss" src="_images/sphx_glr_plot_a_001.png" /></p>', "en")
    '<p><a class="labkit-enlarge" href="_images/sphx_glr_plot_a_001.png" title="Open the figure at full size"><img alt="loss" src="_images/sphx_glr_plot_a_001.png" /></a></p>'

    A thumbnail, or a figure already in a link (Sphinx links a figure given a width to its picture), stays as it is:

    >>> page = '<a href="x.html"><img src="../_images/sphx_glr_plot_a_thumb.png"></a><a href="_images/sphx_glr_b_001.png"><img src="_images/sphx_glr_b_001.png">'
    >>> figures_enlarge(page, "fr") == page
    True
    """
    def enlarged(match: re.Match) -> str:
        if match[1]:
            return match[0]
        title = ENLARGE.get(language, ENLARGE["en"])
        return f'<a class="labkit-enlarge" href="{match[3]}" title="{title}">{match[2]}</a>'

    return FIGURE_IMG.sub(enlarged, body)


def enlargeable_figures(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if "body" in context:
        context["body"] = figures_enlarge(context["body"], app.config.language or "en")


BIBLIOGRAPHY_ENTRY = 'role="doc-biblioentry"'


def bibliography_entries_listed(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """The bibliography's entries as items of its list: docutils writes the list ``role="list"`` and each entry
    ``role="doc-biblioentry"``, a role DPUB-ARIA 1.1 deprecated, that a list may not hold (axe-core's critical
    aria-required-children on the references page)."""
    if BIBLIOGRAPHY_ENTRY in context.get("body", ""):
        context["body"] = context["body"].replace(BIBLIOGRAPHY_ENTRY, 'role="listitem"')


def offer_name_expanders(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    context["labkit_name_expanders"] = name_expanders


def notebooks_outside_the_site(app: Any) -> None:
    """myst-nb writes the executed notebooks next to the output folder: for ``_build/html/en``, in
    ``_build/html/jupyter_execute``, a folder of the published site that no page links. One level up, one per
    edition (``_build/jupyter_execute-html``, ``-teacher``): out of the site."""
    config = getattr(app.env, "mystnb_config", None)
    if config is not None and app.builder.format == "html":  # the catalogs' builder (_build/gettext) is no site
        site = Path(app.outdir).parent
        app.env.mystnb_config = config.copy(output_folder=str(site.parent / f"jupyter_execute-{site.name}"))
    elif config is not None and app.builder.format == "latex":
        # The PDF (_build/latex/<lang>) shares its edition's environment, so its glued values are that site's.
        edition = "teacher" if app.config.labkit_solutions == "show" else "html"
        folder = Path(app.outdir).parents[1] / f"jupyter_execute-{edition}"  # _build/latex/<lang>: _build/...
        app.env.mystnb_config = config.copy(output_folder=str(folder))


# -- Gallery thumbnails ---------------------------------------------------------------------------
# sphinx-gallery writes each thumbnail's title and tooltip as raw HTML, which gettext never sees.
# They are the example's title and first paragraph, whose translations the catalogs already hold:
# put those in place before Sphinx parses the page.

def _plain(rst: str) -> str:
    """The text of a paragraph as sphinx-gallery puts it in a tooltip (inline markup removed)."""
    text = re.sub(r":[a-z:]+:`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", rst)
    return " ".join(text.replace("``", "").replace("`", "").replace("*", "").split())


def load_po(po: Path, language: str) -> dict[str, str]:
    """The translated messages of one catalog, keyed by their English text (fuzzy ones left out)."""
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale=language) if m.id and m.string and not m.fuzzy}


def load_catalog(locale_dir: Path, language: str) -> dict[str, str]:
    """Every translated message of ``language``, keyed by its English text."""
    table: dict[str, str] = {}
    for po in sorted((locale_dir / language / "LC_MESSAGES").rglob("*.po")):
        for english, translation in load_po(po, language).items():
            table[english] = translation
            table.setdefault(_plain(english), _plain(translation))
    return table


def translate_thumbnails(source: str, table: dict[str, str]) -> str:
    def title(m: re.Match) -> str:
        text = html.unescape(m.group(2))
        return m.group(1) + html.escape(table.get(text, text), quote=False) + m.group(3)

    def tooltip(m: re.Match) -> str:
        text = html.unescape(m.group(1))
        return 'tooltip="' + html.escape(table.get(text, text)) + '"'

    source = re.sub(r'(<div class="sphx-glr-thumbnail-title">)(.*?)(</div>)', title, source)
    return re.sub(r'tooltip="(.*?)"', tooltip, source)


def _catalog(app: Any) -> dict[str, str]:
    if not hasattr(app, "_labkit_catalog"):
        root = Path(app.confdir)
        app._labkit_catalog = load_catalog(root / "locales", app.config.language)
    return app._labkit_catalog


def on_source_read(app: Any, docname: str, source: list[str]) -> None:
    if (app.config.language or "en") != "en" and "sphx-glr-thumb" in source[0]:
        source[0] = translate_thumbnails(source[0], _catalog(app))


def on_include_read(app: Any, path: Any, docname: str, content: list[str]) -> None:
    on_source_read(app, docname, content)


# -- Gallery examples -----------------------------------------------------------------------------

def _peak_rss_mib() -> float:
    """The peak resident memory of this process since the last reset (Linux ``VmHWM``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _gallery_copy(gallery_conf: dict, fname: str) -> Path | None:
    """The copy sphinx-gallery makes of an example in its gallery folder; what the build keeps about the
    example (peak memory, messages) sits beside it."""
    src = Path(gallery_conf["src_dir"])
    for examples, gallery in zip(gallery_conf["examples_dirs"], gallery_conf["gallery_dirs"]):
        matches = sorted((src / examples).rglob(Path(fname).name))
        if len(matches) == 1:
            return src / gallery / matches[0].relative_to(src / examples)
    return None


def reset_state(gallery_conf: dict, fname: str, when: str) -> None:
    """Reseed and reset before each gallery example (examples share one interpreter), and record the
    example's peak memory after it for the build report, and its messages for the French site."""
    import json

    import matplotlib
    import numpy as np
    import output_i18n
    import torch

    clear_refs = Path("/proc/self/clear_refs")
    if when == "after":
        copy = _gallery_copy(gallery_conf, fname) if fname else None
        output_i18n.finish_example(gallery_conf, copy)
        if copy is not None and clear_refs.exists():
            copy.with_name(f"{copy.stem}.memory.json").write_text(json.dumps({"peak_rss_mib": round(_peak_rss_mib(), 1)}))
        return
    output_i18n.start_example()
    seed = int(os.environ["LABKIT_GALLERY_SEED"])  # build.env, applied by conf.py
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # The course targets a 2-core laptop (build.env); an example that changed torch's threads gets them back.
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    matplotlib.rcdefaults()
    matplotlib.use("Agg")
    if clear_refs.exists():  # Linux: "5" resets the peak resident set, so each example gets its own
        try:
            clear_refs.write_text("5")
        except OSError:
            pass


def setup(app: Any) -> dict:
    app.connect("config-inited", configure_language)
    app.connect("html-page-context", add_switcher)
    app.connect("html-page-context", offer_name_expanders)
    app.connect("html-page-context", scrolling_outputs_focusable)
    app.connect("html-page-context", enlargeable_figures)
    app.connect("html-page-context", bibliography_entries_listed)
    app.connect("html-page-context", one_head, priority=900)  # after the themes have filled the context
    app.connect("builder-inited", notebooks_outside_the_site, priority=900)  # after myst-nb's own
    app.add_js_file("labkit-lang-switch.js", loading_method="defer")
    app.add_js_file("labkit-print.js", loading_method="defer")
    app.connect("source-read", on_source_read)
    app.connect("include-read", on_include_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
