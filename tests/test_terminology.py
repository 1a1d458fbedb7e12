"""One word per idea: the glossary is the reference for the French name of every term.

Each English term of ``docs/glossary.md`` gives its French name ("French: *…*"), and the French glossary
(``glossary.po``) shows that name. The French pages must use it: a reader who meets « abandon de
modalité » in the glossary and « dropout de modalité » on a page cannot know they are the same idea.
This reads the sources and the catalogs, not the built site, so it runs with the fast tests.

Checked here:
(a) the glossary has every pair the course decided on, and its catalog shows the same French names;
(b) no French message uses a variant the glossary rules out (``FORBIDDEN``);
(c) where an English message uses one of a few unambiguous terms (``REQUIRED``), its French uses the
    glossary's name for it, in any inflection (plural, elision, capital).
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from sitetools import CATALOGS, ROOT, read_catalog

GLOSSARY = ROOT / "docs" / "glossary.md"

# The pairs decided for the whole course (issue 13, §3): English term -> its one French name.
DECIDED = {
    "modality dropout": "abandon de modalité",
    "roofline model": "modèle roofline",
    "regulariser": "régulariseur",
    "ridge point": "point d'équilibre",
    "peak": "crête",
    "framework": "bibliothèque",
    "lockstep": "en synchronisation stricte",
    "threads in flight": "threads actifs",
    "device": "accélérateur",
    "multi-view learning": "apprentissage multivue",
    "multi-task learning": "apprentissage multitâche",
    "multi-modal learning": "apprentissage multimodal",
}

# Glossary term -> French variants that no French message may use (regexes, case-insensitive), and why.
FORBIDDEN = {
    "modality dropout": [r"dropout de modalités?"],  # a calque: the glossary says « abandon de modalité »
    "roofline model": [r"modèles? du toit"],  # « toit » alone (the flat roof of the plot) stays
    "regulariser": [r"régularisations"],  # the plural names methods, which are « régulariseurs »
    "ridge point": [r"points? de crête"],  # was used for both the ridge point and the peak
    "framework": [r"frameworks?"],  # French says « bibliothèque »
    "lockstep": [r"lockstep"],  # untranslated
    "threads in flight": [r"en vol\b"],  # a calque of "in flight"
    "device": [r"périphériques?"],  # a peripheral, not the accelerator that runs the tensors
    "multi-view learning": [r"multi-vues?"],  # one word in French: « multivue »
    "multi-task learning": [r"multi-tâches?"],  # « multitâche »
    "multi-modal learning": [r"multi-moda(?:l|le|les|ux)\b"],  # « multimodal »
    # Guards: variants common in French writing on machine learning, absent from the course today.
    "backpropagation": [r"rétro-propagation"],
    "autoencoder": [r"autoencodeurs?"],
    "overfitting": [r"sur-apprentissage", r"surajustement"],
    "early stopping": [r"arrêts? anticipés?"],
    "forward mode": [r"modes? avant\b"],
    "reverse mode": [r"modes? arrière"],
    "chain rule": [r"règle de (?:la )?chaîne"],
}

# English terms (multi-word or unambiguous) whose French name must appear wherever they appear. The
# French name is the glossary's, except where a shorter core is what a sentence can always carry
# ("multi-task, multi-modal and multi-view learning" names three kinds of learning with one noun).
# Left out: terms that English coordinates and French cannot ("forward and reverse mode" is « modes
# direct et inverse », "numerical, symbolic and automatic differentiation" shares its noun).
REQUIRED = {
    "modality dropout": None,
    "roofline model": None,
    "ridge point": None,
    "lockstep": None,
    "threads in flight": None,
    "early stopping": None,
    "weight decay": None,
    "vanishing gradient": None,
    "label smoothing": None,
    "data augmentation": None,
    "message passing": None,
    "arithmetic intensity": None,
    "memory bandwidth": None,
    "chain rule": None,
    "canonical correlation analysis": None,
    "hard parameter sharing": None,
    "multi-view": "multivue",
    "multi-task": "multitâche",
    "multi-modal": "multimodal",
}

# Catalogs that are not course prose: the theme's interface strings.
NOT_PROSE = {"sphinx.po"}


def quoted_questions() -> set[str]:
    """The lab's questions, which the French answer key quotes as the lab sets them, in its words."""
    text = (ROOT / "docs" / "answers.md").read_text(encoding="utf-8")
    return {" ".join(line[2:] for line in quote.splitlines()) for quote in re.findall(r"(?m)^(?:> .*\n?)+", text)}

# Markup whose words are not French prose: code, roles, link targets, math.
MARKUP = [
    re.compile(r":[\w:-]+:`[^`]*`"),
    re.compile(r"\{[\w:-]+\}`[^`]*`"),
    re.compile(r"``[^`]*``|`[^`]*`"),
    re.compile(r"\]\([^)]*\)"),
    re.compile(r"\$[^$]*\$"),
    re.compile(r"https?://\S+"),
]
# In the glossary, the English name of each entry and the aliases it mentions are not the course's words.
ALIASES = re.compile(r"Anglais\s?: \*[^*]+\*|aussi appelée? \*[^*]+\*")

SPACE = r"[\s\u00a0\u202f-]+"


def text_of(message: str) -> str:
    for pattern in MARKUP:
        message = pattern.sub(" ", message)
    return message


def english_pattern(term: str) -> re.Pattern:
    """``term`` in an English sentence: any case, plural, hyphen or space between words."""
    words = [re.escape(w) for w in re.split(r"[\s-]+", term)]
    return re.compile(r"(?<![\w-])" + SPACE.join(words) + r"(?:s|es)?(?![\w-])", re.I)


def french_pattern(term: str) -> re.Pattern:
    """``term`` in a French sentence: any case, plural or feminine, elided (« l'abandon »), ' or ’."""
    words = []
    for word in term.split():
        word = re.escape(word).replace("'", "['’]")
        if word.endswith("al"):  # multimodal, multimodaux, multimodale(s)
            word += r"(?:e|es|s)?|" + word[:-2] + "aux"
            words.append(f"(?:{word})")
        else:
            words.append(word + r"(?:e?s|x|e)?")
    return re.compile(r"(?<!\w)" + SPACE.join(words) + r"(?!\w)", re.I)


@cache
def glossary_source() -> dict[str, str]:
    """English term -> French name, as ``docs/glossary.md`` gives them."""
    body = GLOSSARY.read_text(encoding="utf-8").split("```{glossary}", 1)[1].split("```", 1)[0]
    pairs = {}
    for term, definition in re.findall(r"(?m)^(\S[^\n]*)\n((?:  [^\n]*\n)+)", body):
        french = re.match(r"\s*French: \*([^*]+)\*", definition)
        assert french, f"glossary entry {term!r} gives no French name"
        pairs[term] = french.group(1)
    return pairs


@cache
def catalogs() -> dict[str, list[tuple[str, str]]]:
    """Catalog name -> its translated (msgid, msgstr) pairs, every French catalog but ``NOT_PROSE``."""
    out = {}
    for po in sorted(CATALOGS.rglob("*.po")):
        name = po.relative_to(CATALOGS).as_posix()
        skip = quoted_questions() if name == "answers.po" else set()
        if name not in NOT_PROSE:
            out[name] = [(m.id, m.string) for m in read_catalog(po) if m.id and m.string and m.id not in skip]
    return out


def test_the_glossary_holds_every_decided_pair():
    pairs = glossary_source()
    missing = {en: fr for en, fr in DECIDED.items() if pairs.get(en) != fr}
    assert not missing, f"docs/glossary.md lacks or changes these pairs: {missing}"


def test_the_french_glossary_shows_the_same_names_as_the_english_one():
    translated = dict(catalogs()["glossary.po"])
    for term, french in glossary_source().items():
        assert translated.get(term) == french, f"glossary.po names {term!r} {translated.get(term)!r}, not {french!r}"


def test_the_tables_of_this_test_name_glossary_terms():
    terms = glossary_source()
    assert set(FORBIDDEN) <= set(terms)
    assert {t for t, core in REQUIRED.items() if core is None} <= set(terms)


def forbidden_uses() -> list[str]:
    found = []
    for name, messages in catalogs().items():
        for _, french in messages:
            text = text_of(ALIASES.sub(" ", french) if name == "glossary.po" else french)
            for term, variants in FORBIDDEN.items():
                for variant in variants:
                    for m in re.finditer(variant, text, re.I):
                        found.append(f"{name}: « {m.group(0)} » for {term!r} (glossary: « {glossary_source()[term]} »)")
    return found


def missing_terms() -> list[str]:
    found = []
    for name, messages in catalogs().items():
        if name == "glossary.po":
            continue  # its entries name each term in both languages; checked above
        for english, french in messages:
            english, french = text_of(english), text_of(french)
            for term, core in REQUIRED.items():
                wanted = core or glossary_source()[term]
                if english_pattern(term).search(english) and not french_pattern(wanted).search(french):
                    found.append(f"{name}: {term!r} without « {wanted} » in: {french[:100]}")
    return found


def test_no_french_page_uses_a_variant_the_glossary_rules_out():
    found = forbidden_uses()
    assert not found, f"{len(found)} variants to replace by the glossary's term:\n  " + "\n  ".join(found)


def test_the_french_pages_use_the_glossary_term_where_the_english_does():
    found = missing_terms()
    assert not found, f"{len(found)} messages without the glossary's term:\n  " + "\n  ".join(found)


@pytest.mark.parametrize(
    "term,sentence",
    [
        ("abandon de modalité", "L'abandon de modalité rend le modèle robuste."),
        ("abandon de modalité", "Deux abandons de modalités, avec l’abandon de modalité."),
        ("modèle roofline", "Les modèles roofline des deux processeurs."),
        ("point d'équilibre", "Au-delà du point d’équilibre, le calcul limite."),
        ("multimodal", "Apprentissage multitâche, multimodal et multivue"),
        ("multimodal", "des données multimodales"),
        ("multimodal", "des modèles multimodaux"),
        ("arrêt précoce", "ARRÊT PRÉCOCE"),
    ],
)
def test_french_terms_are_found_in_any_inflection(term, sentence):
    assert french_pattern(term).search(sentence)


@pytest.mark.parametrize(
    "term,sentence",
    [
        ("abandon de modalité", "le dropout de modalité"),
        ("crête", "la crêterie"),
        ("modèle roofline", "le modèle du toit"),
    ],
)
def test_other_words_are_not_taken_for_the_term(term, sentence):
    assert not french_pattern(term).search(sentence)


@pytest.mark.parametrize(
    "term,sentence",
    [
        ("ridge point", "Below the ridge points, memory limits."),
        ("multi-view", "Multi-view learning"),
        ("early stopping", "early-stopping"),
        ("lockstep", "run in lockstep"),
    ],
)
def test_english_terms_are_found(term, sentence):
    assert english_pattern(term).search(sentence)
