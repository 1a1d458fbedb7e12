"""The pages' side of the exercises (docs/_ext/labkit_exercises.py), on a tiny Sphinx project built here:
solutions hidden for students and shown in the teacher's edition, the file to complete written in the
page's language where its link points, reference solutions only in the teacher's edition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitetools import ROOT

from labkit.exercises import skeleton, solution_path

PAGE = """# Page

## Exercises

### 1. By hand

Compute it.

:::{solution}
The answer, reasoned.
:::

### 2. In code

:::{exercise-download} backprop.linear_backward
:::
"""


def build(tmp_path: Path, language: str = "en", solutions: str = "hide", page: str = PAGE,
          clean: bool = True) -> tuple[Path, str]:
    """Build ``page``; the HTML, or with ``clean=False`` the warnings (a clean build has none)."""
    import io

    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'docs' / '_ext')!r})\n"
        "extensions = ['myst_parser', 'sphinx_design', 'labkit_exercises']\n"
        "myst_enable_extensions = ['colon_fence']\n", encoding="utf-8")
    (src / "index.md").write_text(page, encoding="utf-8")
    out = tmp_path / f"html-{language}-{solutions}"
    with docutils_namespace():  # each build registers its directives afresh
        app = Sphinx(str(src), str(src), str(out), str(tmp_path / f"doctrees-{language}-{solutions}"), "html",
                     confoverrides={"language": language, "labkit_solutions": solutions}, status=None,
                     warning=(warnings := io.StringIO()))
        app.build()
    if not clean:
        return out, warnings.getvalue()
    assert warnings.getvalue() == "", warnings.getvalue()
    return out, (out / "index.html").read_text(encoding="utf-8")


def test_students_get_a_closed_solution_and_the_file_to_complete_in_their_language(tmp_path: Path) -> None:
    for language, word in (("en", "Download"), ("fr", "Téléchargez")):
        out, html = build(tmp_path, language)
        details = re.search(r"<details[^>]*labkit-solution[^>]*>", html)
        assert details and " open" not in details.group(0), "the solution must start closed"
        assert word in html and 'href="_exercises/backprop/linear_backward.py" download' in html
        written = (out / "_exercises" / "backprop" / "linear_backward.py").read_text(encoding="utf-8")
        assert written == skeleton("backprop.linear_backward", language=language)
        assert "python -m labkit.exercises check backprop.linear_backward linear_backward.py" in html
        assert "Reference solution" not in html and "Solution de référence" not in html
        assert "delta.sum(axis=0)" not in html, "the students' site must not contain the reference solution"


def test_the_teachers_edition_opens_the_solutions_and_shows_the_reference_ones(tmp_path: Path) -> None:
    _out, html = build(tmp_path, "fr", "show")
    assert re.search(r"<details[^>]*labkit-solution[^>]*open", html)
    assert "Solution de référence (édition enseignant)" in html
    first_line = solution_path("backprop.linear_backward").read_text(encoding="utf-8").splitlines()[0]
    assert first_line.replace('"', "&quot;") in html or first_line in html


def test_an_unknown_exercise_or_edition_is_a_build_error_naming_it(tmp_path: Path) -> None:
    from sphinx.errors import ConfigError, ExtensionError

    _out, warnings = build(tmp_path, page="# Page\n\n:::{exercise-download} backprop.nothing\n:::\n", clean=False)
    assert "ERROR: exercise-download: no exercise 'backprop.nothing'" in warnings
    with pytest.raises((ValueError, ConfigError, ExtensionError), match="labkit_solutions must be 'hide' or 'show'"):
        build(tmp_path, solutions="maybe")


# -- The built site ----------------------------------------------------------------------------------------

CONCEPTS = ("multi", "graphs", "autoencoders", "regularization", "hardware", "backprop", "autodiff")


@pytest.mark.site
@pytest.mark.parametrize("language", ("en", "fr"))
def test_each_page_with_exercises_offers_five_with_two_checked_coding_ones_in_its_language(language: str) -> None:
    """A page's "Exercises" section has at least five exercises, at least two of them coding exercises whose file
    to complete is on the site in the page's language; no reference solution is on the students' site."""
    from labkit.exercises import names
    from labkit.exercises._core import REGISTRY
    from sitetools import site_dir

    site = site_dir(language)
    with_exercises = []
    for concept in CONCEPTS:
        html = (site / f"{concept}.html").read_text(encoding="utf-8")
        # Section ids stay the English ones in both languages.
        section = re.search(r'<section id="exercises">(.*?)<section id="references">', html, re.S)
        if concept == "backprop":
            assert section, f"{language}/{concept}.html has no Exercises section"
        if not section:
            continue
        with_exercises.append(concept)
        body = section.group(1)
        assert len(re.findall(r"<h3", body)) >= 5, f"{language}/{concept}.html: fewer than five exercises"
        links = re.findall(r'href="(_exercises/[^"]+\.py)" download', body)
        assert len(links) >= 2, f"{language}/{concept}.html: fewer than two coding exercises"
        for exercise_id in names(concept):
            assert f"check {exercise_id} " in body, f"{exercise_id} is not on {language}/{concept}.html"
            written = (site / "_exercises" / concept / f"{REGISTRY[exercise_id].function}.py").read_text("utf-8")
            assert written == skeleton(exercise_id, language=language)
        assert "labkit-reference-solution" not in html, f"a reference solution is on {language}/{concept}.html"
    assert "backprop" in with_exercises
