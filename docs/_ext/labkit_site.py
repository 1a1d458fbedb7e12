"""The site's own glue: the language switcher and the state reset between gallery examples.

Kept out of ``labkit`` on purpose: this is about building the course site, not about a concept.
"""

from __future__ import annotations

import random
from typing import Any

#: The languages the site is built in, each with the name shown on the switcher (in its own language).
LANGUAGES = {"en": "English", "fr": "Français"}


def other_language(language: str) -> str:
    """The language the switcher of a page in ``language`` leads to."""
    return "en" if language == "fr" else "fr"


def switcher_url(pagename: str, language: str) -> str:
    """Relative URL of the same page in the other language.

    Both trees sit side by side (``_build/html/en``, ``_build/html/fr``) with the same page names,
    so the link climbs to the language root, steps over to the sibling tree and back down.
    """
    depth = pagename.count("/")
    return "../" * (depth + 1) + f"{other_language(language)}/{pagename}.html"


def add_switcher(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    language = app.config.language or "en"
    other = other_language(language)
    context["labkit_switch_url"] = switcher_url(pagename, language)
    context["labkit_switch_lang"] = other
    context["labkit_switch_name"] = LANGUAGES[other]


def reset_state(gallery_conf: dict, fname: str) -> None:
    """Reseed and reset before each gallery example: examples share one interpreter."""
    import matplotlib
    import numpy as np
    import torch

    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    torch.set_num_threads(2)  # the course targets a 2-core laptop; also keeps timings comparable
    matplotlib.rcdefaults()
    matplotlib.use("Agg")


def setup(app: Any) -> dict:
    app.connect("html-page-context", add_switcher)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
