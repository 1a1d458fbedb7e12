"""Shared readers of the built site, for the site, translation and browser tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
LANGUAGES = ("en", "fr")
CATALOGS = ROOT / "locales" / "fr" / "LC_MESSAGES"


def read_catalog(path: Path):
    """The messages of one French ``.po`` file (babel's ``Catalog``)."""
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        return read_po(f, locale="fr")


def site_dir(language: str) -> Path:
    """The built tree of one language; fails with the command to run when it is missing."""
    path = HTML / language
    if not (path / "index.html").is_file():
        pytest.fail(f"{path} is not built: run `make site` first")
    return path


def pages(language: str) -> list[str]:
    """Every HTML page of one language, as paths relative to its tree (static assets excluded)."""
    root = site_dir(language)
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if not p.relative_to(root).parts[0].startswith("_")
    )


class PageParser(HTMLParser):
    """Collects ids, links, resources and visible text of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []  # href of <a> and <link>
        self.resources: list[str] = []  # src of <img>, <script>, <iframe>, <source>
        self.classes: dict[str, list[dict[str, str]]] = {}
        self.html_lang = ""
        self.text: list[str] = []
        self._skip = 0  # inside <script>, <style>, <pre>

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = a.get("lang", "")
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        if tag in ("a", "link") and a.get("href"):
            self.links.append(a["href"])
        if tag in ("img", "script", "iframe", "source") and a.get("src"):
            self.resources.append(a["src"])
        for cls in a.get("class", "").split():
            self.classes.setdefault(cls, []).append(a)
        if tag in ("script", "style", "pre"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "pre") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(data.strip())


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def is_external(url: str) -> bool:
    scheme = urlsplit(url).scheme
    return bool(scheme) or url.startswith("//")


def resolve(page: Path, url: str) -> tuple[Path, str]:
    """The file a relative URL of ``page`` points to, and its fragment."""
    parts = urlsplit(url)
    target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


# -- Prose blocks, for comparing a page with its translation ------------------------------------
# A "block" is a piece of prose a reader sees as one unit: its own text, without the text of the
# blocks nested in it (a list item's nested list is blocks of its own).

#: What counts as a block: prose containers of the content and of the theme (footer, sidebar, buttons).
BLOCKS = (
    "p, li, h1, h2, h3, h4, h5, h6, th, td, caption, figcaption, dt, dd, .admonition-title, "
    ".sd-card-title, .sd-card-footer, button, label, legend, .caption-text"
)
#: Never prose: code, formulas, API signatures, bibliography entries (author, title and journal stay in
#: the language they were published in), headerlinks, the style sheets pandas writes into its tables.
NOT_PROSE = (
    "script, style, pre, .highlight, .cell_input, .math, dt.sig, .sig, "
    "div.citation, aside.footnote[id^='footcite-'], a.headerlink"
)
#: What a program printed (gallery outputs, notebook cell outputs): compared apart, since the text is the
#: program's, translated where the program is.
OUTPUTS = ".sphx-glr-script-out, .output_subarea, .cell_output"
#: Inline parts whose words are not prose (inline code, inline formulas): a block with nothing else is
#: allowed to stay the same.
NOT_WORDS = "code, .math, .sig"
WORD = re.compile(r"[^\W\d_]{2,}")


_SIMPLE = re.compile(r"([a-z][a-z0-9]*)?((?:\.[\w-]+)*)(?:\[([\w-]+)\^='([^']*)'\])?")


def _selectors(group: str) -> list[tuple[str | None, frozenset[str], tuple[str, str] | None]]:
    """A list of simple CSS selectors (``name.class[attr^='start']``, no combinator), for ``_matches``: a
    walk that tests each tag against them is many times faster than soupsieve's ``select``."""
    found = []
    for selector in (part.strip() for part in group.split(",")):
        m = _SIMPLE.fullmatch(selector)
        if not m or not selector:
            raise ValueError(f"selector: expected name.class[attr^='start'], got {selector!r}")
        name, classes, attr, start = m.groups()
        found.append((name, frozenset(c for c in classes.split(".") if c), (attr, start) if attr else None))
    return found


def _matches(tag, selectors) -> bool:
    classes = tag.get("class") or ()
    for name, wanted, prefix in selectors:
        if ((name is None or tag.name == name) and wanted.issubset(classes)
                and (prefix is None or str(tag.get(prefix[0], "")).startswith(prefix[1]))):
            return True
    return False


def _classified(scope) -> list[tuple[object, bool, bool, bool, bool]]:
    """Every tag under ``scope`` in document order, as ``(tag, block, not prose, output, not words)``: whether it
    is a block, is or is inside what is no prose, is or is inside a program's output, is inline code or math."""
    from bs4 import Tag

    blocks, not_prose, outputs, not_words = (_selectors(s) for s in (BLOCKS, NOT_PROSE, OUTPUTS, NOT_WORDS))
    found = []
    pending = [(child, False, False) for child in reversed(scope.contents)]
    while pending:  # depth first, in the page's order
        tag, under_not_prose, under_outputs = pending.pop()
        if not isinstance(tag, Tag):
            continue
        is_not_prose = under_not_prose or _matches(tag, not_prose)
        is_output = under_outputs or _matches(tag, outputs)
        found.append((tag, _matches(tag, blocks), is_not_prose, is_output, _matches(tag, not_words)))
        pending.extend((child, is_not_prose, is_output) for child in reversed(tag.contents))
    return found


def _own_text(tag, stop: set[int]) -> str:
    """The text of ``tag`` without the subtrees of the tags in ``stop`` (nested blocks, code, formulas)."""
    from bs4 import NavigableString

    def texts(node):  # depth first, so the text keeps the page's order
        for child in node.children:
            if type(child) is NavigableString:
                yield str(child)
            elif getattr(child, "name", None) and id(child) not in stop:
                yield from texts(child)

    return " ".join("".join(texts(tag)).split())


def soup(html: str):
    """A page parsed once, for the functions below that accept a page's HTML or its parse."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def _scope(html, root: str):
    return (soup(html) if isinstance(html, str) else html).select_one(root)


def prose_blocks(html, root: str = "body", outputs: bool = False) -> list[tuple[object, str, str]]:
    """Every prose block under ``root`` in document order, as ``(tag, text, words)``.

    ``text`` is the block's visible text, ``words`` the same text without inline code and formulas
    (empty when the block has no word of prose).  Blocks of program outputs are left out, or, with
    ``outputs``, are the only ones kept.
    """
    scope = _scope(html, root)
    if scope is None:
        return []
    tags = _classified(scope)
    blocks = [tag for tag, block, not_prose, output, _ in tags if block and not not_prose and output == outputs]
    # A nested block's text is its own, not its parent's: the walk stops at blocks and at what is no prose.
    stop = {id(tag) for tag, block, not_prose, _, _ in tags if block or not_prose}
    not_words = stop | {id(tag) for tag, _, _, _, inline in tags if inline}
    out = []
    for block in blocks:
        text, words = _own_text(block, stop), _own_text(block, not_words)
        if text:
            out.append((block, text, words if WORD.search(words) else ""))
    return out


def describe(tag) -> str:
    """A block's tag and classes, to say where it is."""
    return tag.name + "".join(f".{c}" for c in tag.get("class", []))


def image_alts(html, root: str = "body") -> list[tuple[str, str, str]]:
    """The alt text of every image under ``root`` in document order, as ``(src, alt, classes)``."""
    scope = _scope(html, root)
    images = scope.select("img[alt]") if scope else []
    return [(img.get("src", ""), img.get("alt", ""), " ".join(img.get("class", []))) for img in images]


def untranslated_blocks(english, french, allowed, root: str = "body", outputs: bool = False) -> list[str]:
    """The prose blocks of a French page that read exactly as their English twins.

    The blocks of both pages are paired in document order (both builds have the same structure); a
    different number of blocks is reported as such.  ``allowed(tag, text)`` says which identical blocks
    may stay (names and the like); blocks without a word of prose always may.  ``outputs``: compare the
    blocks of program outputs instead of the prose.
    """
    en, fr = prose_blocks(english, root, outputs), prose_blocks(french, root, outputs)
    if len(en) != len(fr):
        return [f"{len(en)} blocks in English, {len(fr)} in French: the pages differ in structure"]
    return [
        f"{describe(tag)}: {text!r}"
        for (tag, text, words), (_, text_fr, _) in zip(en, fr)
        if words and text == text_fr and not allowed(tag, text)
    ]
