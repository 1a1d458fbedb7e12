"""Shared readers of the built site, for the site, translation and browser tests."""

from __future__ import annotations

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
