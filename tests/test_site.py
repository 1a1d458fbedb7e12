"""The built site: zero warnings, both languages complete, every internal link and anchor resolves."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from sitetools import HTML, LANGUAGES, ROOT, is_external, pages, parse, resolve, site_dir

pytestmark = pytest.mark.site

QUESTIONS = 7


@pytest.mark.parametrize("language", LANGUAGES)
def test_build_has_zero_warnings(language):
    log = HTML.parent / "logs" / f"{language}.log"
    assert log.is_file(), f"{log} missing: build with `make site`"
    assert log.read_text(encoding="utf-8").strip() == "", f"warnings in the {language} build:\n{log.read_text()}"


def test_both_languages_have_the_same_pages():
    assert pages("en") == pages("fr")
    assert {"index.html", "backprop.html", "howto.html", "api.html", "auto_examples/index.html"} <= set(pages("en"))


def test_the_site_holds_the_two_languages_their_mathjax_and_the_home_page_only():
    """What a reader downloads or browses at the root: no build leftovers (myst-nb's executed notebooks were there)."""
    assert sorted(p.name for p in HTML.iterdir()) == ["_mathjax", "en", "fr", "index.html"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_have_one_viewport_and_no_empty_heading(language):
    """A phone reads one viewport tag (pages had three), and no heading is empty (the index's print-only title was)."""
    wrong = {}
    for name in pages(language):
        page = (site_dir(language) / name).read_text(encoding="utf-8")
        viewports = len(re.findall(r'<meta name="viewport"', page))
        empty = re.findall(r"<(h[1-6])(?: [^>]*)?>\s*</\1>", page)
        if viewports != 1 or empty:
            wrong[name] = {"viewport tags": viewports, "empty headings": empty}
    assert not wrong, wrong


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_figure_opens_at_full_size(language):
    """Each gallery figure of a page (not a thumbnail) is a link to its own picture, twice as many pixels as shown:
    tapped on a phone, it opens alone, to be zoomed."""
    from labkit_site import FIGURE_IMG

    alone, linked = {}, set()
    for name in pages(language):
        page = site_dir(language) / name
        for link, _img, src in FIGURE_IMG.findall(page.read_text(encoding="utf-8")):
            file = src.rsplit("/", 1)[-1]
            href = re.search(r'href="([^"]*)"', link)
            if not href or resolve(page, href[1])[0] != resolve(page, src)[0]:
                alone.setdefault(name, []).append(file)
            else:
                linked.add(file)
    assert not alone, alone
    drawn = {figure["image"] for record in (ROOT / "docs" / "auto_examples").rglob("*.i18n.json")
             for figure in json.loads(record.read_text(encoding="utf-8"))["figures"]}
    assert len(drawn) > 40 and drawn <= linked, sorted(drawn - linked)


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_the_search_page_loads_the_search_index(language):
    """pydata-sphinx-theme loaded Sphinx's search scripts and index on every page, for a search-as-you-type the site
    does not use: each page fetched the whole index, and Sphinx's highlighting of searched terms never ran."""
    loading = [name for name in pages(language)
               if re.search(r'<script src="[^"]*(searchindex|searchtools)\.js', (site_dir(language) / name).read_text(
                   encoding="utf-8"))]
    assert loading == ["search.html"], loading[:5]


def test_figures_do_not_depend_on_the_build_machine():
    """No figure names the machine that built the site: its processor, or its number of threads ("All 2 threads
    against one" was a title), read from what each figure drew in each language."""
    cpuinfo = Path("/proc/cpuinfo")
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M) if cpuinfo.exists() else None
    threads = os.cpu_count()
    machine = re.compile(rf"(?<!\d){threads}\s+(threads|fils|cœurs|cores)\b|{re.escape(model[1].strip()) if model else '$^'}",
                         re.I)
    drawn = [(record.name, text) for record in (ROOT / "docs" / "auto_examples").rglob("*.i18n.json")
             for figure in json.loads(record.read_text(encoding="utf-8"))["figures"]
             for language in LANGUAGES for text in figure[language]]
    assert len(drawn) > 500
    assert not [(name, text) for name, text in drawn if machine.search(text)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_sidebar_expanders_are_named_in_the_pages_language(language):
    """A screen reader names each expander of the sidebar after its entry (they held a chevron only: axe-core's
    summary-name), in the page's language."""
    words = {"en": "Pages under “", "fr": "Sous-pages de «\u00a0"}[language]
    unnamed, named = {}, 0
    for name in pages(language):
        page = (site_dir(language) / name).read_text(encoding="utf-8")
        sidebar = re.search(r'<nav class="bd-links.*?</nav>', page, re.S)[0]
        for summary in re.findall(r"<summary[^>]*>", sidebar):
            if f'aria-label="{words}' in summary:
                named += 1
            else:
                unnamed.setdefault(name, []).append(summary)
    assert not unnamed, unnamed
    assert named >= len(pages(language)), named  # the gallery's expander at least, on every page


def test_french_build_executed_nothing():
    """The French build reuses the executed gallery and myst-nb's cache (see Makefile)."""
    out = (HTML.parent / "logs" / "fr.out").read_text(encoding="utf-8")
    assert re.search(r"executed 0 out of \d+", out), "sphinx-gallery ran examples again in the French build"
    assert "Executing notebook" not in out and "Executing: " not in out


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_declare_their_language(language):
    for name in pages(language):
        assert parse(site_dir(language) / name).html_lang == language, name


def test_french_pages_are_translated():
    """Every French page reads differently from its English twin (code blocks aside)."""
    same = [
        name
        for name in pages("en")
        if parse(site_dir("en") / name).text == parse(site_dir("fr") / name).text
    ]
    assert not same, f"French pages identical to English: {same}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_has_one_card_per_question(language):
    page = parse(site_dir(language) / "index.html")
    assert len(page.classes.get("sd-card", [])) == QUESTIONS


@pytest.mark.parametrize("language", LANGUAGES)
def test_switcher_leads_to_the_same_page_in_the_other_language(language):
    other = "fr" if language == "en" else "en"
    root = site_dir(language)
    for name in pages(language):
        switches = parse(root / name).classes.get("labkit-lang-switch", [])
        assert len(switches) == 1, f"{language}/{name}: expected one switcher, found {len(switches)}"
        target, _ = resolve(root / name, switches[0]["href"])
        assert target == (HTML / other / name).resolve(), f"{language}/{name} switches to {target}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_internal_links_and_anchors_resolve(language):
    root = site_dir(language)
    ids: dict = {}
    broken = []
    for name in pages(language):
        page = root / name
        parsed = parse(page)
        for url in parsed.links + parsed.resources:
            if is_external(url) or url.startswith(("mailto:", "data:", "javascript:")):
                continue
            target, fragment = resolve(page, url)
            if not target.exists():
                broken.append(f"{name}: {url} (no file)")
            elif fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = parse(target).ids
                if fragment not in ids[target]:
                    broken.append(f"{name}: {url} (no anchor)")
    assert not broken, "\n".join(broken)


def test_root_index_links_both_languages():
    parsed = parse(HTML / "index.html")
    assert {"en/index.html", "fr/index.html"} <= set(parsed.links)
    for url in parsed.links:
        if not url.startswith("data:"):
            assert resolve(HTML / "index.html", url)[0].exists(), url


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_load_nothing_from_outside(language):
    """MathJax, fonts and scripts are served by the site itself (the browser test checks requests too); MathJax
    once for both languages, beside them (docs/_ext/shared_mathjax.py), where each page's script tag leads."""
    root = site_dir(language)
    assert not (root / "_static" / "mathjax").exists()
    for name in pages(language):
        parsed = parse(root / name)
        for script in (u for u in parsed.resources if u.endswith("tex-chtml.js")):
            assert resolve(root / name, script)[0] == HTML / "_mathjax" / "tex-chtml.js", (name, script)
        outside = [u for u in parsed.resources if is_external(u)]
        outside += [u for u in parsed.links if is_external(u) and "stylesheet" in u]
        assert not outside, f"{language}/{name} loads {outside}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_api_entries_list_the_examples_that_use_them(language):
    page = site_dir(language) / "generated" / "labkit.backprop.MLP.html"
    links = parse(page).links
    assert any("auto_examples/06_backprop/plot_" in url for url in links), links


@pytest.mark.parametrize("language", LANGUAGES)
def test_gallery_offers_script_and_notebook_downloads(language):
    root = site_dir(language)
    page = root / "auto_examples" / "06_backprop" / "plot_digits_numpy_vs_torch.html"
    downloads = [u for u in parse(page).links if u.endswith((".py", ".ipynb"))]
    assert {u.rsplit(".", 1)[1] for u in downloads} == {"py", "ipynb"}
    for url in downloads:
        assert resolve(page, url)[0].is_file()


ENGLISH_CHROME = ("Toggle primary sidebar", "Toggle secondary sidebar", "Main navigation", "Search this course",
                  "Examples using", "Download Jupyter notebook", "Gallery generated by", "Deep Learning Lab 1",
                  "Not quite.", "Right answers:")  # the quizzes' own words (docs/_ext/labkit_quiz.py)


def test_french_pages_have_no_english_theme_or_gallery_strings():
    leftovers = []
    for name in pages("fr"):
        text = (site_dir("fr") / name).read_text(encoding="utf-8")
        leftovers += [f"{name}: {s}" for s in ENGLISH_CHROME if s in text]
    assert not leftovers, "\n".join(leftovers[:20])


def thumbnail_titles(language):
    text = (site_dir(language) / "auto_examples" / "index.html").read_text(encoding="utf-8")
    return re.findall(r'<div class="sphx-glr-thumbnail-title">(.*?)</div>', text)


def test_gallery_thumbnails_are_translated():
    english, french = thumbnail_titles("en"), thumbnail_titles("fr")
    assert len(english) == len(french) >= 3
    assert not set(english) & set(french), f"untranslated thumbnails: {set(english) & set(french)}"
