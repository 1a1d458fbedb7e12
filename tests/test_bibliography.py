"""One bibliography for the whole course: every page cites its sources where it makes a claim."""

from __future__ import annotations

import re

import pytest
from sitetools import ROOT, parse, site_dir

DOCS = ROOT / "docs"
BIB = DOCS / "references.bib"
NOT_COURSE = {"index.md", "howto.md", "references.md", "glossary.md"}  # navigation, not claims
COURSE_PAGES = sorted(p.name for p in DOCS.glob("*.md") if p.name not in NOT_COURSE)


def bib_keys() -> list[str]:
    return re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), flags=re.M)


def cited(text: str) -> set[str]:
    keys = re.findall(r"\{(?:foot)?cite(?::\w+)?\}`([^`]+)`", text)
    return {k.strip() for group in keys for k in group.split(",")}


def test_bibliography_keys_are_unique():
    assert len(bib_keys()) == len(set(bib_keys())) > 0


@pytest.mark.parametrize("page", COURSE_PAGES)
def test_course_page_cites_its_sources_and_lists_them_at_its_end(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    assert cited(text), f"{page} cites nothing: use {{footcite:p}}`key` where the claim is made"
    assert cited(text) <= set(bib_keys()), f"{page} cites keys missing from references.bib"
    references = text.split("\n## References\n", 1)
    assert len(references) == 2, f"{page} must end with a References section"
    assert references[1].strip() == "```{footbibliography}\n```", \
        f"{page}: the References section is generated from references.bib, not written by hand"


def test_every_reference_is_cited_somewhere():
    text = "".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    assert set(bib_keys()) <= cited(text), "references.bib holds works no page cites"


@pytest.mark.site
@pytest.mark.parametrize("language", ["en", "fr"])
def test_references_page_lists_every_work(language):
    page = parse(site_dir(language) / "references.html")
    assert len(page.classes.get("citation", [])) == len(bib_keys())
