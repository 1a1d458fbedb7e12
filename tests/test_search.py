"""Search ignores accents and case in both languages (docs/_ext/labkit_search.py).

The browser side (queries, ranking, snippets, the switcher keeping the query and the section) is in
tests/test_browser.py.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from sitetools import HTML, LANGUAGES, pages, site_dir

from labkit_search import FoldingEnglish, FoldingFrench, fold


def test_fold_drops_accents_and_case():
    assert fold("Rétropropagation") == "retropropagation"
    assert fold("Différentiation multitâche, GPU") == "differentiation multitache, gpu"


@pytest.mark.parametrize("language, accented, plain", [
    (FoldingFrench, "rétropropagation", "retropropagation"), (FoldingFrench, "Régularisation", "regularisation"),
    (FoldingFrench, "dérivées", "derivees"), (FoldingEnglish, "régularisation", "regularisation")])
def test_stems_do_not_depend_on_accents(language, accented, plain):
    stemmer = language({})
    assert stemmer.stem(accented) == stemmer.stem(plain) == stemmer.stem(plain.upper())


def test_folded_stop_words_are_stop_words():
    assert not FoldingFrench({}).word_filter("ete")  # "été"


def _index(language: str) -> dict:
    text = (site_dir(language).parent / language / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[len("Search.setIndex("):-1])


@pytest.mark.site
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_index_holds_folded_words(language):
    index = _index(language)
    # An incremental build leaves the keys of pruned words behind, with no document: skip those.
    words = [w for table in ("terms", "titleterms") for w, docs in index[table].items() if docs != []]
    # Sphinx keeps a word as written when its stem is a stop word ("Été" -> "ete"): no query finds it.
    search = {"en": FoldingEnglish, "fr": FoldingFrench}[language]({})
    accented = [w for w in words if unicodedata.normalize("NFD", w) != w and search.word_filter(search.stem(w))]
    assert not accented, accented[:20]
    assert "retropropag" in index["terms"]


@pytest.mark.site
def test_both_languages_share_section_ids():
    """The switcher keeps the #anchor as it is: it must name the same section in the other language."""
    differ = []
    for name in pages("en"):
        ids = [re.findall(r'<section id="([^"]*)"', (HTML / lang / name).read_text(encoding="utf-8"))
               for lang in LANGUAGES]
        if ids[0] != ids[1]:
            differ.append(name)
    assert not differ, differ
