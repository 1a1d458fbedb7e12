"""What figures draw and examples and pages print is in the page's language.

The strings each gallery figure draws are read from the matplotlib objects while the gallery executes
(``docs/_ext/output_i18n.py`` writes them, per figure and per language, in ``<example>.i18n.json``), not
from pixels. Printed outputs are read from the built pages of both sites.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sitetools import ROOT

GALLERY = ROOT / "docs" / "auto_examples"
SITE = ROOT / "_build" / "html"

# Words that are the same in both languages: names of tools, formats, units, symbols and code names the
# course keeps as they are. Anything else with letters that is the same in both builds is English left over.
SAME_IN_BOTH = {
    "labkit", "PyTorch", "torch", "autograd", "DGL", "PyG", "NumPy", "numpy", "JPEG", "PCA", "MLP", "GCN",
    "ReLU", "SGD", "Adam", "AdamW", "CPU", "GPU", "CUDA", "VAE", "AUC", "ROC", "MSE", "FLOP", "FLOPs", "GFLOP",
    "TFLOP", "GB", "dB", "ms", "tanh", "sigmoid", "softmax", "float16", "float32", "float64", "sigma", "lambda",
    "H100", "exp", "log", "max", "min", "sum", "mean", "dropout", "Dropout", "ridge", "lasso", "Ridge",
    "Lasso", "Zachary", "karate", "Okabe", "Ito", "PSNR", "SSIM", "ELBO", "KL", "BCE", "RMSE", "Jacobian",
    "jacobian", "jvp", "vjp", "grad", "MNIST", "BatchNorm", "Linear", "Sequential", "in_features",
    "out_features", "bias", "True", "False", "None", "tensor", "Data", "edge_index", "num_nodes",
    "CSR", "GraphConv", "GCNConv",  # library class names and a storage format
    "Intel", "Xeon", "Platinum", "NVIDIA", "SXM", "AMX", "float", "bfloat",  # the datasheets' chips, number formats
    # French words spelt as in English, checked against the French text of the examples:
    "code", "augmentation", "coefficient",
}
WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")


def has_words(text: str) -> bool:
    """Whether ``text`` holds a word a translator should have translated (math and names removed)."""
    text = re.sub(r"\$[^$]*\$", " ", text)  # mathtext
    text = re.sub(r"\b\w+_\w+\b|\b\w+\.\w+\b|\b\w+\(", " ", text)  # identifiers, attributes, calls
    text = re.sub(r"\b\w+=|'[^']*'|^\s*\(\w+\):", " ", text)  # a repr's keywords, strings, module names
    return any(word not in SAME_IN_BOTH for word in WORD.findall(text))


def english_pieces() -> re.Pattern:
    """The English of every translated code message, in pieces of two words or more between its fields:
    one of them in a French string is English left inside a French line."""
    import string as _string

    from labkit.i18n import catalog

    pieces = set()
    for msgid, msgstr in catalog("fr").items():
        for literal, *_rest in _string.Formatter().parse(msgid):
            piece = literal.strip(" :,;()=")
            if " " in piece and len(piece) >= 8 and piece not in msgstr and has_words(piece):
                pieces.add(piece)
    return re.compile("|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p in sorted(pieces, key=len, reverse=True)))


def records() -> list[tuple[str, dict]]:
    found = sorted(GALLERY.rglob("*.i18n.json"))
    if not found:
        pytest.skip("no executed gallery: run make site first")
    return [(p.relative_to(GALLERY).as_posix(), json.loads(p.read_text(encoding="utf-8"))) for p in found]


def untranslated(figure: dict, english: re.Pattern | None = None) -> list[str]:
    """The strings of a figure drawn the same, with words, in both languages, or French strings that
    still hold a piece of an English message."""
    return [en for en, fr in zip(figure["en"], figure["fr"])
            if en == fr and has_words(en) or english is not None and english.search(fr)]


def test_has_words_sees_english_and_lets_names_and_numbers_through():
    assert has_words("training rows") and has_words("loss of the 4 tasks")
    assert not has_words("0.25") and not has_words("PyTorch") and not has_words(r"$\lambda$ = 0.1")
    assert not has_words("MLP(in_features=64)") and not has_words("MLP([64, 10], activation='relu')")
    assert not has_words("  (encoder): Sequential(")


def test_a_figure_with_one_message_left_untranslated_is_caught():
    figure = {"en": ["training rows", "0.5", "PyTorch"], "fr": ["lignes d'entraînement", "0,5", "PyTorch"]}
    assert untranslated(figure) == []
    figure["fr"][0] = "training rows"  # its translation removed from the catalog
    assert untranslated(figure) == ["training rows"]
    figure["fr"][0] = "lignes d'entraînement, related tasks"  # an English message left inside French
    assert untranslated(figure, re.compile("related tasks")) == ["training rows"]


@pytest.mark.site
def test_every_message_shown_has_its_french():
    missing = {name: r["missing"] for name, r in records() if r["missing"]}
    assert not missing, f"messages without a French translation (labkit/locales/fr): {missing}"


@pytest.mark.site
def test_french_figures_draw_no_english():
    english = english_pieces()
    left = {f"{name}: {fig['image']}": untranslated(fig, english) for name, r in records() for fig in r["figures"]}
    left = {k: v for k, v in left.items() if v}
    assert not left, "English drawn in French figures (wrap it in _() and translate it):\n" + "\n".join(
        f"{k}: {v}" for k, v in left.items())


@pytest.mark.site
def test_english_figures_draw_no_french():
    from labkit.i18n import catalog

    french = {fr for en, fr in catalog("fr").items() if fr != en and len(fr) >= 6 and has_words(fr)}
    found = [f"{name}: {s!r}" for name, r in records() for fig in r["figures"] for s in fig["en"] if s in french]
    assert not found, "French drawn in English figures:\n" + "\n".join(found)


@pytest.mark.site
def test_figures_exist_in_both_languages():
    for name, r in records():
        images = GALLERY / Path(name).parent / "images"
        for fig in r["figures"]:
            assert (images / fig["image"]).exists() and (images / "fr" / fig["image"]).exists(), fig["image"]
        if r["figures"]:
            stem = Path(name).name.removesuffix(".i18n.json")
            assert (images / "thumb" / "fr" / f"sphx_glr_{stem}_thumb.png").exists(), name


def outputs(page: Path) -> list[str]:
    """The text of every printed output of a built page: gallery outputs and page cells' outputs."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    blocks = soup.select("div.sphx-glr-script-out pre, div.cell_output pre, div.output pre")
    return [b.get_text() for b in dict.fromkeys(blocks)]


def output_pages() -> list[str]:
    english = SITE / "en"
    if not english.exists():
        pytest.skip("no built site: run make site first")
    pages = sorted(p.relative_to(english).as_posix() for p in english.rglob("*.html"))
    return [p for p in pages if not p.startswith(("generated/", "_"))]


@pytest.mark.site
def test_printed_outputs_are_in_the_pages_language():
    left, english = [], english_pieces()
    for page in output_pages():
        en, fr = outputs(SITE / "en" / page), outputs(SITE / "fr" / page)
        assert len(en) == len(fr), page
        for block_en, block_fr in zip(en, fr):
            for line_en, line_fr in zip(block_en.splitlines(), block_fr.splitlines()):
                if line_en == line_fr and has_words(line_en) or english.search(line_fr):
                    left.append(f"{page}: {line_en.strip()[:100]}")
    assert not left, f"{len(left)} English output lines on the French site:\n" + "\n".join(left[:40])


def gallery_images(language: str) -> list[str]:
    """The gallery figures and thumbnails a built site's pages show, as written in their HTML."""
    from bs4 import BeautifulSoup

    found = []
    for page in output_pages():
        soup = BeautifulSoup((SITE / language / page).read_text(encoding="utf-8"), "html.parser")
        found += [img["src"] for img in soup.find_all("img") if "sphx_glr_" in img.get("src", "")]
    return found


@pytest.mark.site
def test_each_site_shows_the_figures_of_its_language():
    """The French site shows figures drawn in French: for every figure that draws words, the image the
    French site serves differs from the English one (they were byte-identical before the fix)."""
    assert gallery_images("en") and gallery_images("fr")
    same = []
    for name, r in records():
        for fig in r["figures"]:
            if any(has_words(s) for s in fig["en"]):
                en, fr = (SITE / lang / "_images" / fig["image"] for lang in ("en", "fr"))
                assert en.exists() and fr.exists(), fig["image"]
                if en.read_bytes() == fr.read_bytes():
                    same.append(fig["image"])
    assert not same, f"French site shows the English figure: {same}"
