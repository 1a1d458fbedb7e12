"""Sphinx configuration of the labkit course site (``sphinx-build -c . docs <out>``).

English is the source language; the French site is the same build with ``-D language=fr``
and the catalogs of ``locales/fr``.  Both builds share the executed gallery
(``docs/auto_examples``) and myst-nb's cache, so the French build executes nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))  # the site's own Sphinx extensions (labkit is installed)
import build_env  # noqa: E402

# Quiet, reproducible builds, with or without make: threads, seeds and backends from build.env.
build_env.apply()

project = "labkit"
author = "the labkit authors"  # per language: see docs/_ext/labkit_site.py
copyright = "2026, the labkit authors"  # noqa: A001  (per language too)
release = version = "0.1"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx_gallery.gen_gallery",
    "sphinx_design",
    "sphinx_copybutton",
    "shared_mathjax",  # docs/_ext: MathJax 3 served by the site (no CDN), one copy for both languages
    "sphinxcontrib.bibtex",
    "labkit_site",
    "labkit_search",
    "gallery_i18n",
    "output_i18n",
    "page_downloads",
    "labkit_exercises",  # docs/_ext: {solution} hidden or shown, {exercise-download} in the reader's language
    "labkit_quiz",  # docs/_ext: self-check quizzes, translated through the page's own catalog
    "translations",  # docs/_ext: display math translated, no translation dropped silently
]

# Absolute: the HTML builder reads templates_path from this file's folder, autosummary from docs/.
templates_path = [str(ROOT / "docs" / "_templates")]
html_static_path = [str(ROOT / "docs" / "_static")]
# The tab's icon (without one, every browser asks the server for /favicon.ico and gets a 404).
html_favicon = str(ROOT / "docs" / "_static" / "favicon.svg")
exclude_patterns = [
    "_build",
    "_ext",
    "_templates",
    "_root",
    # sphinx-gallery writes a notebook beside each generated .rst; myst-nb would claim it too.
    "auto_examples/**/*.ipynb",
    "auto_examples/**/*.py",
    "auto_examples/**/*.codeobj.json",
    "auto_examples/**/*.md5",
    "auto_examples/**/*.zip",
    "generated/backreferences/*",
]
# sphinx-design 0.8 deprecates the "+++" card footer, but 0.6 (the last for Python 3.10) lacks its
# replacement: keep the syntax both understand.
suppress_warnings = ["design.card_legacy"]

# -- Languages ----------------------------------------------------------------------------------
language = "en"
locale_dirs = ["../locales/"]  # relative to docs/
gettext_compact = False  # one catalog per page: small, reviewable diffs
gettext_uuid = False
gettext_location = False  # line numbers in catalogs would churn on every edit
gettext_last_translator = "labkit authors"
gettext_language_team = "labkit"

# -- MyST and myst-nb -----------------------------------------------------------------------------
# One bibliography for the whole course (docs/references.bib), cited where each claim is made.
bibtex_bibfiles = ["docs/references.bib"]  # relative to conf.py
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"
bibtex_footbibliography_header = ""

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "attrs_inline"]
myst_heading_anchors = 3
nb_execution_mode = "cache"
nb_execution_cache_path = str(ROOT / "_build" / ".jupyter_cache")  # shared by both languages
nb_execution_timeout = 120
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

# -- API reference --------------------------------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_typehints = "description"
autodoc_member_order = "bysource"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False

# -- Gallery --------------------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],  # lists: the extensions in docs/_ext read them as lists
    "gallery_dirs": ["auto_examples"],
    # Which examples execute: all of them, unless docs/_ext/reproduce.py picks a few to build twice.
    "filename_pattern": os.environ.get("LABKIT_GALLERY_PATTERN", r"/plot_"),
    "doc_module": ("labkit",),
    "backreferences_dir": "generated/backreferences",
    "reset_modules": ("labkit_site.reset_state",),
    "reset_modules_order": "both",  # before: reseed; after: record the example's peak memory
    # Run times change on every run: keep them out of the pages so they stay out of the catalogs.
    "min_reported_time": 10**9,
    "write_computation_times": False,
    "show_memory": False,
    "remove_config_comments": True,
    "download_all_examples": True,
    "matplotlib_animations": False,
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "capture_repr": ("_repr_html_", "__repr__"),
    # Each figure saved in English and in French from the same executed objects (docs/_ext/output_i18n.py).
    "image_scrapers": ("output_i18n.bilingual_scraper",),
}

# -- HTML -----------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "labkit — Deep Learning Lab 1"  # per language: see docs/_ext/labkit_site.py
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "article_header_end": ["lang-switch.html", "article-header-buttons.html"],
    "use_download_button": True,
    "use_fullscreen_button": False,
    "navbar_persistent": [],  # the theme's header search field (shown on the search page): one search box
}
# One search box a page: sphinx-book-theme shows its sidebar field on a wide screen and the header's button on a
# narrow one; the search page has its own form, so both leave it (docs/_templates/search-button*.html).
html_show_sourcelink = False
html_last_updated_fmt = None
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
# pydata-sphinx-theme logs a console error when no colour mode is set: follow the reader's preference.
html_context = {"default_mode": "auto"}
html_css_files = ["labkit.css"]
# Accent- and case-insensitive search, clean snippets, pages titled by the query first: Sphinx pastes
# this file into the search page's language_data.js (see docs/_ext/labkit_search.py).
html_search_scorer = str(ROOT / "docs" / "_ext" / "labkit_search.js")

# -- PDF (make pdf) -------------------------------------------------------------------------------
# One book per language, from the students' site's environment (the same executed pages and figures). XeLaTeX
# reads the pages' Unicode (λ, ≤, « ») as text, with Debian's texlive and its FreeFont (the .ci/run packages).
latex_engine = "xelatex"
# Per language (the title, the authors, labkit-<lang>.tex): docs/_ext/labkit_site.py sets it once the language is known.
latex_documents = [("index", "labkit-en.tex", html_title, author, "manual", True)]
latex_show_urls = "footnote"
latex_use_xindy = False  # makeindex, from texlive-binaries (xindy is one more Debian package)
latex_elements = {
    "papersize": "a4paper",
    "pointsize": "10pt",
    "figure_align": "H",  # a figure stays beside the text that reads it
    # Sphinx's FreeFont, but DejaVu's monospace: the code's Unicode (ᵀ, ᵐ) is in it, not in FreeMono.
    "fontpkg": r"""
\setmainfont{FreeSerif}[Extension=.otf, UprightFont=*, ItalicFont=*Italic, BoldFont=*Bold, BoldItalicFont=*BoldItalic]
\setsansfont{FreeSans}[Extension=.otf, UprightFont=*, ItalicFont=*Oblique, BoldFont=*Bold, BoldItalicFont=*BoldOblique]
\setmonofont{DejaVu Sans Mono}[Scale=MatchLowercase]
""",
}
