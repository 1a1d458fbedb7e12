"""The French catalogs: complete, not fuzzy, in step with the English sources, markup intact."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sitetools import CATALOGS, ROOT
from sitetools import read_catalog as read


def catalog_files() -> list[Path]:
    return sorted(CATALOGS.rglob("*.po"))


def entries():
    for path in catalog_files():
        for message in read(path):
            if message.id:
                yield path.relative_to(CATALOGS).as_posix(), message


def test_there_are_french_catalogs():
    assert len(catalog_files()) >= 5


def test_every_message_is_translated_and_none_is_fuzzy():
    missing = [f"{p}: {m.id!r}" for p, m in entries() if not m.string]
    fuzzy = [f"{p}: {m.id!r}" for p, m in entries() if m.fuzzy]
    assert not missing, f"{len(missing)} untranslated:\n" + "\n".join(missing[:20])
    assert not fuzzy, f"{len(fuzzy)} fuzzy:\n" + "\n".join(fuzzy[:20])


# Pieces of markup that a translation must carry over unchanged: role and link targets, inline code, math.
# Role and link *labels* are prose and get translated; what they point to must not change.
ROLE = re.compile(r":[a-z:]+:`([^`]*)`")
RST_LINK = re.compile(r"`[^`<]*<([^>]+)>`_{1,2}")


def markup(text: str) -> list[str]:
    found: list[str] = []

    def role(m: re.Match) -> str:
        target = re.search(r"<([^>]+)>\s*$", m.group(1))
        found.append("role " + (target.group(1) if target else m.group(1)))
        return " "

    def link(m: re.Match) -> str:
        found.append("link " + m.group(1))
        return " "

    text = RST_LINK.sub(link, ROLE.sub(role, text))
    found += ["link " + url for url in re.findall(r"\]\(([^)]+)\)", text)]  # MyST links
    found += ["code " + c for c in re.findall(r"``[^`]+``|(?<!`)`[^`]+`(?!`)", text)]
    found += ["math " + m for m in re.findall(r"\$[^$]+\$", text)]
    return sorted(found)


def test_translations_keep_links_code_and_math():
    changed = [f"{p}: {m.id!r}" for p, m in entries() if m.string and markup(m.id) != markup(m.string)]
    assert not changed, "translation altered markup:\n" + "\n".join(changed[:20])


@pytest.mark.site
def test_catalogs_hold_exactly_the_messages_of_the_sources(tmp_path):
    """A new or changed English sentence without its French fails here (fix: make po, then translate)."""
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "gettext", "-q", "-c", ".", "-d", str(tmp_path / "doctrees"),
         "docs", str(tmp_path / "pot")],
        cwd=ROOT, check=True,
    )
    with_sources = {}
    for pot in (tmp_path / "pot").rglob("*.pot"):
        with pot.open("rb") as f:
            with_sources[pot.relative_to(tmp_path / "pot").with_suffix(".po").as_posix()] = {
                m.id for m in read_po(f) if m.id
            }
    in_catalogs = {}
    for po in catalog_files():
        in_catalogs[po.relative_to(CATALOGS).as_posix()] = {m.id for m in read(po) if m.id}
    assert sorted(in_catalogs) == sorted(with_sources), "catalog files differ from the pages: run `make po`"
    for name, ids in with_sources.items():
        new, gone = ids - in_catalogs[name], in_catalogs[name] - ids
        assert not new and not gone, f"{name}: {len(new)} new and {len(gone)} obsolete messages: run `make po`"
