"""The answer key answers the seven questions, names each common mistake and links the evidence;
the glossary gives every term in both languages with a link to where it is explained."""

from __future__ import annotations

import re
import unicodedata

import pytest
from sitetools import ROOT, parse, site_dir

DOCS = ROOT / "docs"
CONCEPT_PAGES = ["multi.md", "graphs.md", "autoencoders.md", "regularization.md", "hardware.md", "backprop.md",
                 "autodiff.md"]  # questions 1 to 7, in order


def answers() -> list[str]:
    text = (DOCS / "answers.md").read_text(encoding="utf-8")
    return re.split(r"(?m)^## (?=\d\. )", text)[1:]


def test_seven_questions_in_order():
    assert [int(section.split(".", 1)[0]) for section in answers()] == list(range(1, 8))


@pytest.mark.parametrize("number", range(1, 8))
def test_each_answer_quotes_its_question_names_the_mistake_and_links_the_evidence(number):
    section = answers()[number - 1]
    assert section.count("\n\n> ") == 1, "the question, quoted once"
    assert re.search(r"\*\*Common mistake\.\*\* \S", section)
    links = re.findall(r"\]\(([^)#]+)", section)
    assert CONCEPT_PAGES[number - 1] in links
    assert any(link.startswith("auto_examples/") for link in links)
    for link in links:
        assert (DOCS / link).with_suffix(".py" if link.startswith("auto_examples/") else ".md").exists() or \
            (ROOT / "examples" / link.removeprefix("auto_examples/")).with_suffix(".py").exists(), link


def glossary() -> list[tuple[str, str]]:
    text = (DOCS / "glossary.md").read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    return re.findall(r"(?m)^(\S[^\n]*)\n((?:  [^\n]*\n)+)", body)


def test_every_glossary_term_has_its_french_name_and_a_link_to_a_course_page():
    entries = glossary()
    assert len(entries) >= 30
    for term, definition in entries:
        assert re.match(r"  French: \*[^*]+\*", definition), term
        (target,) = re.findall(r"\]\(([^)#]+)", definition)
        assert target in CONCEPT_PAGES, (term, target)


@pytest.mark.site
def test_french_glossary_lists_french_terms_with_their_english_names():
    english = [t for t, _ in glossary()]
    page = site_dir("fr") / "glossary.html"
    html = page.read_text(encoding="utf-8")
    dts = re.findall(r"<dt[^>]*>(.*?)</dt>", html, flags=re.S)
    terms = [re.sub(r"<[^>]+>", "", re.sub(r'<a class="headerlink".*?</a>', "", t)).strip() for t in dts]
    assert len(terms) == len(english)
    assert not set(terms) & {"backpropagation", "autoencoder", "multi-task learning"}
    assert "rétropropagation" in terms and "auto-encodeur" in terms
    accents_ignored = lambda t: unicodedata.normalize("NFD", t.casefold())  # noqa: E731 (é sorts with e)
    assert terms == sorted(terms, key=accents_ignored), "sorted by their French names"
    assert html.count("Anglais") == len(english)
    assert len(parse(page).links) > len(english)


@pytest.mark.site
@pytest.mark.parametrize("page", ["answers.html", "index.html"])
def test_french_headings_and_cards_are_french(page):
    """A French title starting with "1. " is re-parsed as a list and Sphinx keeps the English one."""
    def titles(language):
        html = (site_dir(language) / page).read_text(encoding="utf-8")
        found = re.findall(r"<h2>([1-7]\. [^<]+)|card-title[^>]*>\s*(?:<[^>]+>)*\s*([1-7]\. [^<]+)", html)
        return [" ".join("".join(t).split()) for t in found]

    english, french = titles("en"), titles("fr")
    assert len(english) == len(french) == 7
    assert not set(english) & set(french), set(english) & set(french)


@pytest.mark.site
def test_french_answer_key_shows_the_glued_values():
    html = (site_dir("fr") / "answers.html").read_text(encoding="utf-8")
    assert html.count('class="pasted-text"') == 5
    assert "::]" not in html and "attainable" not in html
