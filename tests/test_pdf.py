"""The course as a PDF, one per language (``make pdf``, part of ``make site``): it opens, holds every chapter of the
site with the solutions and the bibliography, and the French one is French, down to its figures."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from sitetools import HTML, LANGUAGES, ROOT, site_dir, soup

pytestmark = pytest.mark.site

LATEX = ROOT / "_build" / "latex"
#: Words that only prose of one language is made of, counted in the other's PDF as well.
FUNCTION_WORDS = {"en": {"the", "and", "is", "of", "to", "with", "that", "this", "are", "for"},
                  "fr": {"le", "la", "les", "des", "est", "une", "et", "du", "dans", "que"}}
#: What LaTeX itself writes in each language (polyglossia's names), in the table of contents and the chapters.
BOOK_WORDS = {"en": ["Contents", "Chapter"], "fr": ["Table des matières", "Chapitre"]}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: apt-get install poppler-utils (the Makefile's TEXLIVE list, .ci/run does it)")
    return found


def pdf(language: str) -> Path:
    path = site_dir(language) / f"labkit-{language}.pdf"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make site` (or `make pdf`)")
    return path


@cache
def info(language: str) -> dict[str, str]:
    out = subprocess.run([_tool("pdfinfo"), pdf(language)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


@cache
def text(language: str) -> str:
    """The PDF's text in the order it was written (a formula's exponents stay in their line), its ligatures undone
    and its lines joined (a title may wrap)."""
    out = subprocess.run([_tool("pdftotext"), "-raw", "-enc", "UTF-8", pdf(language), "-"], capture_output=True,
                         text=True, check=True).stdout
    return " ".join(unicodedata.normalize("NFKC", out).split())


def chapters(language: str) -> list[str]:
    """The site's chapters: the entries of its table of contents, as the home page's sidebar lists them."""
    page = soup((site_dir(language) / "index.html").read_text(encoding="utf-8"))
    entries = page.select("nav.bd-docs-nav ul.bd-sidenav:not(.bd-sidenav__home-link):not(.labkit-pdf) > li.toctree-l1 > a")
    return [" ".join(a.get_text().split()) for a in entries]


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_opens_with_its_languages_title(language):
    meta = info(language)
    assert int(meta["Pages"]) >= 100, meta
    title = soup((site_dir(language) / "index.html").read_text(encoding="utf-8")).select_one("title").get_text()
    assert meta["Title"].strip() in title, (meta["Title"], title)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_holds_every_chapter(language):
    titles = chapters(language)
    assert len(titles) >= 10, titles
    body = text(language)
    missing = [t for t in titles if unicodedata.normalize("NFKC", t) not in body]
    assert not missing, f"chapters of the site missing from labkit-{language}.pdf: {missing}"
    assert all(word.lower() in body.lower() for word in BOOK_WORDS[language]), BOOK_WORDS[language]


def letters(text: str) -> str:
    """Only the letters and digits of ``text``: what survives LaTeX's hyphenation, ligatures and quotes."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text)).lower()


def solution_starts(language: str) -> list[str]:
    """The start of each solution of the site's pages: its first run of words between two formulas or pieces of code
    (which LaTeX writes otherwise), of 20 letters or more."""
    starts = []
    for page in ("multi", "graphs", "autoencoders", "regularization", "hardware", "backprop", "autodiff"):
        html = soup((site_dir(language) / f"{page}.html").read_text(encoding="utf-8"))
        for solution in html.select("details.labkit-solution .sd-summary-content"):
            for hidden in solution.select(".math, code, pre, .pre"):
                hidden.decompose()
            runs = [letters(run) for run in solution.strings if len(letters(run)) >= 20]
            if runs:
                starts.append(runs[0][:30])
    return starts


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_holds_the_solutions_and_the_bibliography(language):
    """Every solution is printed, whole (the site folds them), and the bibliography chapter lists the works cited."""
    solutions = sum(len(re.findall(r"^[:`]{3,}\{solution\}", p.read_text(encoding="utf-8"), re.M))
                    for p in (ROOT / "docs").glob("*.md"))
    starts = solution_starts(language)
    assert solutions >= 20 and len(starts) >= solutions - 5, (solutions, len(starts))
    printed = letters(text(language))
    missing = [start for start in starts if start not in printed]
    assert not missing, f"solutions missing from labkit-{language}.pdf: {missing}"
    for work in ("Semi-supervised classification with graph convolutional networks", "Auto-encoding variational Bayes"):
        assert letters(work) in printed


def test_the_french_pdf_is_french():
    """In the French PDF, French function words outnumber English ones (the code, the same in both, is English), as
    English ones do in the English PDF."""
    counts = {}
    for language in LANGUAGES:
        words = re.findall(r"[^\W\d_]+", text(language).lower())
        counts[language] = {lang: sum(w in vocabulary for w in words) for lang, vocabulary in FUNCTION_WORDS.items()}
    assert counts["fr"]["fr"] > 3 * counts["fr"]["en"], counts
    assert counts["en"]["en"] > 3 * counts["en"]["fr"], counts


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_figures_are_in_its_language(language):
    """Each gallery figure of the PDF is the one drawn in the PDF's language (the French ones in images/fr/)."""
    folder = LATEX / language
    tex = folder / f"labkit-{language}.tex"
    if not tex.is_file():
        pytest.fail(f"{tex} is missing: run `make pdf`")
    drawn = {}
    for image in (ROOT / "docs" / "auto_examples").rglob("sphx_glr_*.png"):
        is_french = image.parent.name == "fr"
        if is_french == (language == "fr") and "thumb" not in image.parts:
            drawn[image.name] = image
    # the pictures the book includes (LaTeX reads them from its folder, where Sphinx copied them)
    names = sorted(set(re.findall(r"\{\{?(sphx_glr_[\w.-]+?)\}?\.png\}", tex.read_text(encoding="utf-8"))))
    assert len(names) >= 40, names
    wrong = [n for n in names if (folder / f"{n}.png").read_bytes() != drawn[f"{n}.png"].read_bytes()]
    assert not wrong, wrong


def test_the_site_links_each_pdf():
    for language in LANGUAGES:
        page = soup((site_dir(language) / "index.html").read_text(encoding="utf-8"))
        assert page.select_one(f'ul.labkit-pdf a[href="labkit-{language}.pdf"]'), language
    assert (HTML / "en" / "labkit-en.pdf").read_bytes()[:5] == b"%PDF-"
