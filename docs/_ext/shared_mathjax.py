"""MathJax 3 served by the site itself (no CDN), once for both languages.

sphinx-mathjax-offline copies its 24 MB of MathJax into each language's ``_static``; this extension takes the same
files, copies them once beside the languages (``_build/html/_mathjax``, the French build writing the same files
again) and points every page of both there.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from sphinx.util.fileutil import copy_asset

#: The folder beside ``en/`` and ``fr/``.
FOLDER = "_mathjax"


def source() -> Path:
    """MathJax's files, as the sphinx-mathjax-offline package ships them."""
    package = importlib.import_module("sphinx-mathjax-offline")
    return Path(package.__file__).parent / "static" / "mathjax"


def point_pages_there(app: Any, config: Any) -> None:
    # Relative to a language's _static: _static/../../_mathjax is the folder beside the languages, from any page.
    config.mathjax_path = f"../../{FOLDER}/tex-chtml.js"


def copy_once(app: Any, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        # force: a copy left by another version of the package is replaced (not kept with a warning)
        copy_asset(str(source()), str(Path(app.outdir).parent / FOLDER), force=True)


def setup(app: Any) -> dict:
    app.connect("config-inited", point_pages_there)
    app.connect("build-finished", copy_once)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
