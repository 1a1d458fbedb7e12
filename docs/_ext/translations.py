"""Translations that Sphinx would drop without a word.

Sphinx's ``Locale`` transform re-parses each translated message with the page's parser and keeps the
English source whenever the result is not a paragraph: a French heading ``1. Multitâche`` parses as an
enumerated list, so the English heading stays, silently.  Display math is worse: Sphinx wraps the
translated TeX in reStructuredText's ``::`` literal-block syntax, which MyST does not know, and the formula
becomes the two characters ``::``.  This extension

* translates display math itself, before ``Locale``, so its ``\\text{…}`` can be French;
* warns (so ``-W`` fails the build) about every other message whose translation ``Locale`` left out,
  with the reason and the fix.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.transforms.i18n import Locale, parse_noqa
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import LITERAL_TYPE_NODES, extract_messages

logger = logging.getLogger(__name__)


def page_catalog(transform: SphinxTransform) -> dict[str, str]:
    """Every message of the current page's catalog (empty in the source language), as ``Locale`` merges it."""
    if (transform.config.language or "en") == "en":
        return {}
    domain = docname_to_domain(transform.env.current_document.docname, transform.config.gettext_compact)
    dirs = [transform.env.srcdir / directory for directory in transform.config.locale_dirs]
    catalog, found = init_locale(dirs, transform.config.language, domain)
    if not found:
        return {}
    chain = []
    while catalog is not None:
        chain.append(getattr(catalog, "_catalog", None) or {})
        catalog = catalog._fallback
    merged: dict[str, str] = {}
    for table in reversed(chain):
        merged |= {k: v for k, v in table.items() if isinstance(k, str)}
    return merged


class TranslateMath(SphinxTransform):
    """Put the translated TeX of each display formula in place, before ``Locale`` turns it into ``::``."""

    default_priority = Locale.default_priority - 1

    def apply(self, **kwargs: Any) -> None:
        catalog = page_catalog(self)
        for node in self.document.findall(nodes.math_block):
            msgstr = catalog.get(node.rawsource or node.astext(), "")
            if msgstr.strip() and msgstr != node.rawsource:
                # Locale finds no message for the French TeX afterwards, so it leaves the node alone.
                node.clear()
                node += nodes.Text(msgstr)
                node.rawsource = msgstr


def translation_dropped(node: nodes.Element, msg: str, msgstr: str) -> bool:
    """Whether ``Locale`` kept the English of ``node`` although the catalog translates ``msg``."""
    if not msgstr.strip() or msgstr == msg:
        return False
    if isinstance(node, nodes.image):
        return node.get("alt") == msg
    if isinstance(node, (addnodes.translatable, nodes.meta, *LITERAL_TYPE_NODES)):
        return False  # translated in place by Locale, or code (math is handled by TranslateMath)
    if any(isinstance(n, nodes.paragraph) for n in node.findall(include_self=False)):
        # A wrapper (autodoc's paragraph around a list of returns): its own paragraphs are translated one by one.
        return False
    return not node.get("translated", False)


class WarnDroppedTranslations(SphinxTransform):
    """Warn about each message whose translation the ``Locale`` transform left out."""

    default_priority = Locale.default_priority + 1

    def apply(self, **kwargs: Any) -> None:
        catalog = page_catalog(self)
        if not catalog:
            return
        for node, msg in extract_messages(self.document):
            msgstr = catalog.get(msg, "")
            if not isinstance(node, LITERAL_TYPE_NODES):
                msgstr, _ = parse_noqa(msgstr)
            if translation_dropped(node, msg, msgstr):
                logger.warning(
                    "translation not shown, the English stays: %r -> %r does not parse as one paragraph "
                    "(a translation that starts with '1. ', '- ', '# ' or '> ' must escape it: '1\\. ')",
                    msg, msgstr, location=node, type="i18n", subtype="dropped",
                )


def setup(app: Any) -> dict:
    app.add_transform(TranslateMath)
    app.add_transform(WarnDroppedTranslations)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
