"""myst-nb's glue in translated pages: the French text reads the numbers the English page glued.

Sphinx translates a page by parsing each translated message into a fresh document, after the page's
own parse has finished; myst-nb only gives its glue roles the page's notebook data *during* that
parse (``document["nb_renderer"]``), so every ``{glue:text}`` of a French message fails with "No key
found in glue data". The page's own parse resolves the same keys first (the French message carries
the English roles unchanged), so each successful lookup keeps the page's renderer, and a lookup from
a translated message of the same page falls back to it.
"""

from __future__ import annotations

from typing import Any

from myst_nb.ext.glue import directives, roles, utils

_original = utils.retrieve_glue_data
_renderers: dict[str, Any] = {}  # docname -> the nb_renderer of its last parse


def _docname(document: Any) -> str | None:
    env = getattr(document.settings, "env", None)
    return getattr(env, "docname", None)


def retrieve_glue_data(document: Any, key: str) -> Any:
    if "nb_renderer" in document:
        _renderers[_docname(document)] = document["nb_renderer"]
    elif _docname(document) in _renderers:  # a translated message of a page parsed just before
        document["nb_renderer"] = _renderers[_docname(document)]
        try:
            return _original(document, key)
        finally:
            del document["nb_renderer"]
    return _original(document, key)


def setup(app: Any) -> dict[str, Any]:
    for module in (utils, roles, directives):
        module.retrieve_glue_data = retrieve_glue_data
    return {"parallel_read_safe": False, "parallel_write_safe": True}
