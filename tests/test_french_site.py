"""The French site is French: every prose block, alt text and formula of each French page, against its
English twin (the two builds have the same structure, so blocks pair up in document order)."""

from __future__ import annotations

import re

import pytest
from sitetools import WORD, image_alts, pages, site_dir, soup, untranslated_blocks

pytestmark = pytest.mark.site

# -- What may read the same in both languages ------------------------------------------------------
# Code, formulas, API signatures and bibliography entries are never compared (sitetools.NOT_PROSE), nor
# are blocks without a word of prose (numbers, symbols, inline code or formulas alone).

#: Rules, as (CSS selector the block must match, pattern its whole text must match, reason).
ALLOWED_RULES = (
    ("*", r"\w+(\.\w+)+", "qualified Python names: API objects in the navigation and autosummary tables"),
    # numpydoc parameter and return-type lines: "name (type)" or a type, the description being elsewhere.
    ("dl.field-list dd p, dl.field-list dd li", r"\*?\*?\w+ \(.*\)|[\w.]+(\[.*\])?( \| [\w.]+(\[.*\])?)*",
     "API signatures: parameter names and Python types"),
    ("dl.field-list dd p", r"[\w.]+( (of|or|to) [\w.]+)+",
     "numpydoc type phrases ('list of float', 'int or None'), kept in Python's words as in every French docstring"),
    (".dropdown-download-buttons *", r"\.\w{2,5}", "file suffixes of the download menu"),
    ("button", r"Search Ctrl\+K|Ctrl\+K", "keyboard shortcut (the search label itself is checked elsewhere)"),
    ("*", r"[\d.,\u202f\u00a0 ]+[TGMk]?(FLOP|B|Hz|W)(/s)?", "quantities with SI units"),
)

#: Proper names: a block made only of these (comma-separated) stays the same in French.
PROPER_NAMES = {
    "labkit", "Python", "Julia", "JAX", "DGL", "Jraph", "Spektral", "Graph Nets", "PyTorch", "PyTorch Geometric",
    "TensorFlow", "Keras", "Sonnet", "Flux", "Lux", "Intel Xeon Platinum 8480+ (CPU)", "ReLU", "tanh", "PyG",
    "PyTorch Geometric (PyG)",
}

#: Exact strings, each with the reason it is the same in French.
ALLOWED_STRINGS = {
    "Note": "the admonition title is the same word in French",
    "Notes": "numpydoc section, the same word in French",
    "Index": "the general index's title, the same word in French",
    "Compression": "the same word in French",
    "Applications": "the same word in French",
    "caches": "the same word in French (processor caches)",
    "Type:": "Sphinx's field label for an attribute's type, the same word in French",
    "x (torch.Tensor) – Activations.": "'Activations' is the same word in French",
    "English": "the switcher names the other language in that language",
}


def allowed(tag, text: str) -> bool:
    """Whether a block may read the same in French (a name, a signature, not prose)."""
    if text in ALLOWED_STRINGS or all(part in PROPER_NAMES for part in re.split(r", | / ", text)):
        return True
    return any(tag.css.match(css) and re.fullmatch(pattern, text) for css, pattern, _ in ALLOWED_RULES)


def both(name: str) -> tuple[str, str]:
    """The HTML of one page in English and in French."""
    return tuple((site_dir(lang) / name).read_text(encoding="utf-8") for lang in ("en", "fr"))


#: Python literals and code a program prints beside its prose.
OUTPUT_CODE = r"True|False|None|.*\w\(.*\).*"


def output_allowed(tag, text: str) -> bool:
    return allowed(tag, text) or bool(re.fullmatch(OUTPUT_CODE, text))


def is_gallery_figure(classes: str) -> bool:
    """Images of the gallery's ``image-sg`` figures (alt text = figure title, owned by the gallery)."""
    return bool({"sphx-glr-single-img", "sphx-glr-multi-img"} & set(classes.split()))


def english_alts(name: str, en, fr, gallery: bool) -> list[str]:
    """The alt texts of one French page left in English: of the gallery's figures, or of every other image."""
    en, fr = image_alts(en), image_alts(fr)
    if len(en) != len(fr):
        return [f"{name}: {len(en)} images in English, {len(fr)} in French"]
    return [
        f"{name}: {src} {alt!r}"
        for (src, alt, classes), (_, alt_fr, _) in zip(en, fr)
        if WORD.search(alt) and alt == alt_fr and is_gallery_figure(classes) == gallery
    ]


@pytest.fixture(scope="module")
def leftovers() -> dict[str, list[str]]:
    """Every French page against its English twin, the two parsed once for the four tests below."""
    found: dict[str, list[str]] = {"prose": [], "outputs": [], "alts": [], "gallery alts": []}
    for name in pages("fr"):
        en, fr = (soup(html) for html in both(name))
        found["prose"] += [f"{name}: {block}" for block in untranslated_blocks(en, fr, allowed)]
        found["outputs"] += [f"{name}: {block}"
                             for block in untranslated_blocks(en, fr, output_allowed, outputs=True)]
        found["alts"] += english_alts(name, en, fr, gallery=False)
        found["gallery alts"] += english_alts(name, en, fr, gallery=True)
    return found


def test_french_prose_differs_from_english(leftovers):
    """No prose block of the French site (content, footer, navigation, buttons) is left in English."""
    found = leftovers["prose"]
    assert not found, f"{len(found)} English blocks on the French site:\n" + "\n".join(found)


def test_french_program_outputs_differ_from_english(leftovers):
    """Tables and text the examples print: translated where the program is (``_()`` in examples, labkit)."""
    found = leftovers["outputs"]
    assert not found, f"{len(found)} English blocks in program outputs on the French site:\n" + "\n".join(found)


def test_french_page_images_have_french_alt_text(leftovers):
    assert not leftovers["alts"], "English alt text on the French site:\n" + "\n".join(leftovers["alts"])


def test_french_gallery_figures_have_french_alt_text(leftovers):
    """Kept apart: the gallery renders its figures (and their titles) per language elsewhere."""
    found = leftovers["gallery alts"]
    assert not found, "English alt text of gallery figures (image-sg) on the French site:\n" + "\n".join(found)


# -- Formulas -------------------------------------------------------------------------------------

MATH = re.compile(r'<(?:span|div) class="math[^"]*">(.*?)</(?:span|div)>', re.S)


def without_text(tex: str) -> str:
    r"""TeX with the contents of every ``\text{…}`` emptied (the only words a formula translates)."""
    out, i = [], 0
    while (j := tex.find(r"\text{", i)) >= 0:
        out.append(tex[i : j + 6])
        depth, k = 1, j + 6
        while k < len(tex) and depth:
            depth += {"{": 1, "}": -1}.get(tex[k], 0)
            k += 1
        out.append("}")
        i = k
    return "".join(out) + tex[i:]


def formulas(html: str) -> list[str]:
    """The TeX of every formula of a page, in order, ``\\text{}`` emptied and spacing normalised."""
    return [" ".join(without_text(m).split()) for m in MATH.findall(html)]


def test_french_formulas_are_the_english_ones():
    """Page by page and in order, every formula has the same TeX in both languages, ``\\text{}`` aside."""
    different = []
    for name in pages("fr"):
        en, fr = (formulas(html) for html in both(name))
        if len(en) != len(fr):
            different.append(f"{name}: {len(en)} formulas in English, {len(fr)} in French")
            continue
        different += [f"{name}: {a!r} became {b!r}" for a, b in zip(en, fr) if a != b]
    assert not different, "\n".join(different)
