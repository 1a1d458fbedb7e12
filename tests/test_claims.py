"""Every measured number in the prose comes from the run: none is typed by hand.

A number that a computation produced (a time, a ratio, an accuracy, an error…) drifts from the output
printed beside it as soon as the code, the data or the machine changes.  The pages insert such numbers
with myst-nb's ``glue`` (``{glue:text}`page.md::name:.2f```) and the gallery scripts print them; the prose of
both (English sources and French catalogs) may only carry the true constants of ``ALLOWED`` below.

This reads the sources, not the built site, so it runs with the fast tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitetools import CATALOGS, ROOT, read_catalog, site_dir

DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"

# A decimal number in either language ("1,797", "0.96", "0,96", "100 000"), not "1e-16" nor "64-128".
NUMBER = r"(?<![\w.,/-])\d+(?:[.,]\d+|[ \u202f\u00a0]\d{3}(?!\d))*(?![\d.,]?\d|[ \u202f\u00a0]\d{3})(?![eE][-+]?\d)"
COUNTED = (r"(?!\s?(?:-|‑)?(?:fold|layers?|couches?|epochs?|époques?|seeds?|graines?|edges?|arêtes?|nodes?|nœuds?|"
           r"digits?|chiffres?|images?|examples?|exemples?|bytes?|octets?|pixels?|dimensions?|runs?|exécutions?)\b)")
# What makes a number a measurement: a unit of time, a speed-up, a percentage, a decibel, or a word
# that introduces a measured quantity (in either language) a few words before it.
MEASURED = [
    re.compile(rf"{NUMBER}(?:\s|\u202f|\u00a0)?(?:ms|µs|us|ns|seconds?|secondes?|minutes?|min|hours?|heures?|dB)\b"),
    re.compile(rf"{NUMBER}(?:\s|\u202f|\u00a0)s\b"),  # "2.6 s", not "the 9s"
    re.compile(rf"{NUMBER}\s?[×x](?!\s?\d)(?![\w-])"),  # "1.8×", "10 x faster"; not "8 × 8" nor "x1"
    re.compile(rf"(?<!\d\s)(?<!\d)×\s?{NUMBER}"),  # "×1.9"
    re.compile(rf"{NUMBER}\s?%"),
    re.compile(
        r"\b(?:accuracy|accuracies|AUC|ratios?|errors?|exactitude|précision|erreurs?|rapports?)\b"
        rf"[^.;:!?\n]{{0,40}}?{NUMBER}{COUNTED}",
        re.IGNORECASE,
    ),
]

# True constants that look like measurements.  Each entry: a regex matched against the sentence around
# the hit, and why the number there is not measured.  Keep it short: a new entry needs a reason.
ALLOWED = [
    (r"1[,\u202f\u00a0]?797", "the size of scikit-learn's digits data set"),
    (r"\b100\s?%", "a definition (all of something), not a measurement"),
    (r"\b50\s?%|\b0[.,]5\b", "a probability chosen by the code (dropout, coin flip), a setting"),
    (r"(?:hide|hidden|cach\w+|mask\w*|masqu\w+|label\w*|étiquet\w+)\s\d+\s?%|\d+\s?%\s(?:of|des|du|de)\s(?:the\s)?"
     r"(?:friendships|amitiés|nodes|nœuds|edges|arêtes|labels|étiquettes)", "a share of the data the code holds out, a setting"),
    (r"(?:random|hasard|un|a)\s9\b", "the digit 9, a class of the data"),
    (r"datasheet|fiche technique|spécifications|specifications", "a datasheet figure, cited with its source"),
    (r"\b1e-?\d+\b|10\^\{?-?\d+", "a tolerance the tests assert, a setting"),
]

STRIP = [
    re.compile(r"^---\n.*?\n---\n", re.S),  # front matter
    re.compile(r"^(`{3,}|~{3,}).*?^\1\s*$", re.S | re.M),  # code cells, code blocks, doctests
    re.compile(r"\$\$.*?\$\$", re.S),  # display math
    re.compile(r"(?<!\\)\$[^$\n]+\$"),  # inline math
    re.compile(r"\{[\w:-]+\}`[^`]*`"),  # roles: {glue:text}, {footcite:p}, {math}…
    re.compile(r":[\w:-]+:`[^`]*`"),  # reST roles in gallery text and catalogs
    re.compile(r"`[^`]*`"),  # inline code
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"^:(?:alt|width|class|name|label|figclass|align|scale|height):.*$", re.M),  # options
]


def prose(text: str) -> str:
    """Text a reader reads as sentences: code, math, roles and link targets removed."""
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    return text


def gallery_text(path: Path) -> str:
    """The text blocks of a sphinx-gallery script: its docstring and the comments of ``# %%`` cells."""
    source = path.read_text(encoding="utf-8")
    docstring = re.match(r'\s*(?:r?"""|r?\'\'\')(.*?)(?:"""|\'\'\')', source, re.S)
    blocks = [docstring.group(1)] if docstring else []
    for cell in re.split(r"^# %%.*$", source, flags=re.M)[1:]:
        lines = []
        for line in cell.strip("\n").splitlines():
            if not line.startswith("#"):
                break
            lines.append(line[1:].removeprefix(" "))
        blocks.append("\n".join(lines))
    # reST literal blocks (a paragraph ending in "::" and its indented body) are code.
    text = "\n\n".join(blocks)
    return re.sub(r"::\n\n(?:(?: {2,}.*)?\n)+", "::\n\n", text)


def hand_typed(text: str) -> list[str]:
    """The measured quantities typed into ``text``, each with the sentence around it."""
    found = []
    text = prose(text)
    for pattern in MEASURED:
        for m in pattern.finditer(text):
            start = max(text.rfind(". ", 0, m.start()), text.rfind("\n\n", 0, m.start()), 0)
            end = min((i for i in (text.find(". ", m.end()), text.find("\n\n", m.end())) if i >= 0),
                      default=len(text))
            sentence = " ".join(text[start:end].split())
            hit = m.group(0)
            window = text[max(m.start() - 40, 0):m.end() + 40]
            if any(re.search(allowed, sentence if allowed.startswith("datasheet") else window, re.I)
                   for allowed, _ in ALLOWED):
                continue
            found.append(f"{hit!r} in: {sentence[:160]}")
    return found


def sources() -> list[tuple[str, str]]:
    """(name, prose) of every page, gallery script and French page or gallery catalog."""
    out = [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8")) for p in sorted(DOCS.glob("*.md"))]
    out += [(p.relative_to(ROOT).as_posix(), gallery_text(p)) for p in sorted(EXAMPLES.glob("*/*.py"))]
    for po in sorted(CATALOGS.rglob("*.po")):
        name = po.relative_to(CATALOGS).as_posix()
        if name.startswith(("generated/", "api.po", "sphinx.po")):
            continue  # the API reference: docstrings, whose numbers the doctests check
        out.append((f"fr:{name}", "\n\n".join(m.string for m in read_catalog(po) if m.id and m.string)))
    return out


SOURCES = sources()  # read once: every page, script and catalog


@pytest.mark.parametrize("name,text", SOURCES, ids=[name for name, _ in SOURCES])
def test_no_measured_number_is_typed_by_hand(name, text):
    typed = hand_typed(text)
    assert not typed, (
        f"{name}: measured numbers typed by hand (glue them from a cell, print them from the example, or "
        "say it qualitatively):\n  " + "\n  ".join(typed)
    )


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_glued_values_name_their_page(page):
    """A translated paragraph is parsed apart from its notebook, so a glue role finds its value in the French
    build only through the page's name: ``{glue:text}`graphs.md::key:fmt```, the same in both languages."""
    roles = re.findall(r"\{glue:\w+\}`([^`]+)`", page.read_text(encoding="utf-8"))
    assert all(role.startswith(f"{page.name}::") for role in roles), roles


@pytest.mark.site
@pytest.mark.parametrize("page", [p for p in sorted(DOCS.glob("*.md")) if "{glue:" in p.read_text(encoding="utf-8")],
                         ids=lambda p: p.name)
def test_both_languages_show_every_glued_value(page):
    """A glue role that does not resolve in French warns (and fails the -W build) or shows nothing: the
    built French page must show as many glued values as the English one, and the same values, written
    with French numbers."""
    def values(language):
        html = (site_dir(language) / page.with_suffix(".html").name).read_text(encoding="utf-8")
        return re.findall(r'<span class="pasted-text">([^<]*)</span>', html)

    from output_i18n import localize_numbers

    english = values("en")
    assert english and values("fr") == [localize_numbers(v, "fr") for v in english]  # 9.3 is 9,3 in French


@pytest.mark.parametrize(
    "text",
    [
        "labkit took 2.6 ms against 3.9 ms for DGL.",
        "ratios of 1.8 to 2.0 on an idle machine.",
        "the same step is 1.59× slower.",
        "the matrix product runs ×1.9 faster",
        "both networks reach about 96 % accuracy.",
        "accuracy 0.964 against 0.322 for an MLP",
        "un gain de +2,5 dB",
        "l'exactitude atteint 0,97 sur le club de karaté",
        "an AUC of 0.901",
    ],
)
def test_the_detector_finds_typed_measurements(text):
    assert hand_typed(text), text


@pytest.mark.parametrize(
    "text",
    [
        "labkit took {glue:text}`graphs.md::gcn_ms:.1f` ms against {glue:text}`graphs.md::dgl_ms:.1f` ms for DGL.",
        "scikit-learn's 1,797 digits of 8 × 8 pixels, a 64-128-10 network, batch 1,797",
        "With probability 0.5 a unit is dropped; 100 % of the weights are kept at test time.",
        "Relative error $\\approx 10^{-16}$ and `accuracy(model, X) == 0.96`.",
        "Three layers of 64 units, trained for 40 epochs.",
        "The H100 datasheet gives 3.35 TB/s and 67 TFLOP/s, a ratio of 20 FLOP per byte.",
    ],
)
def test_the_detector_lets_constants_code_math_and_glue_through(text):
    assert not hand_typed(text), hand_typed(text)
