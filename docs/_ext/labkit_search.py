"""Search that ignores accents and case, in both languages.

Readers type "retropropagation" on a phone as often as "rétropropagation"; an English reader may
type "régularisation".  The index (``searchindex.js``) therefore holds the stems of accent-folded,
lower-cased words, and the search page folds the query the same way before stemming it
(``labkit_search.js``, which conf.py hands to Sphinx as ``html_search_scorer``: Sphinx pastes it into
``language_data.js``, loaded between ``searchtools.js`` and the index).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sphinx.search import SearchLanguage
from sphinx.search.en import SearchEnglish
from sphinx.search.fr import SearchFrench


def fold(word: str) -> str:
    """Lower-case ``word`` and drop its accents, as ``fold`` in ``labkit_search.js`` does.

    Parameters
    ----------
    word : str
        Any text.

    Returns
    -------
    str
        The text decomposed (NFD), without its non-spacing marks, lower-cased:
        ``"Rétropropagation"`` gives ``"retropropagation"``.
    """
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def _with_folded(stopwords: frozenset[str] | set[str]) -> frozenset[str]:
    """The stop words, and their folded forms ("été" and "ete"): both reach the index and the page."""
    return frozenset(stopwords) | {fold(w) for w in stopwords}


class FoldingEnglish(SearchEnglish):
    """Sphinx's English search, stemming accent-folded words."""

    stopwords = _with_folded(SearchEnglish.stopwords)

    def stem(self, word: str) -> str:
        return super().stem(fold(word))


class FoldingFrench(SearchFrench):
    """Sphinx's French search, stemming accent-folded words."""

    stopwords = _with_folded(SearchFrench.stopwords)

    def stem(self, word: str) -> str:
        return super().stem(fold(word))


SEARCH_LANGUAGES: tuple[type[SearchLanguage], ...] = (FoldingEnglish, FoldingFrench)


def setup(app: Any) -> dict:
    for language in SEARCH_LANGUAGES:
        app.add_search_language(language)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
