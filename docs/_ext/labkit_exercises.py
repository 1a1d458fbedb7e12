"""The pages' exercises: hidden solutions, and coding exercises downloadable in the reader's language.

``{solution}`` holds the solution of a pen-and-paper exercise: a closed sphinx-design dropdown on the
students' site, an open one in the teacher's edition (``make site SOLUTIONS=show``, which sets
``labkit_solutions = "show"``).

``{exercise-download} <id>`` presents a coding exercise of :mod:`labkit.exercises`: a link to the file to
complete, written at build time in the page's language (``_exercises/<concept>/<function>.py``), and
the commands that write and check it. The teacher's edition adds the reference solution from the
repository's ``solutions/`` folder, which the students' site never contains.

The few words these directives add are the extension's own, per language (:data:`WORDS`); the
exercises' own text comes from labkit's catalogs, as the checker's messages do.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx_design.dropdown import DropdownDirective

logger = logging.getLogger(__name__)

WORDS = {
    "en": {"solution": "Solution", "reference": "Reference solution (teacher's edition)",
           "download": "Download {file}, the function to complete (or write it with the first command), then check "
                       "your answer with the second:"},
    "fr": {"solution": "Solution", "reference": "Solution de référence (édition enseignant)",
           "download": "Téléchargez {file}, la fonction à compléter (ou écrivez-la avec la première commande), puis "
                       "vérifiez votre réponse avec la seconde :"},
}
FOLDER = "_exercises"


def words(env: Any) -> dict[str, str]:
    return WORDS.get(env.config.language or "en", WORDS["en"])


def shown(env: Any) -> bool:
    return env.config.labkit_solutions == "show"


class SolutionDirective(DropdownDirective):
    """A pen-and-paper exercise's solution: hidden (closed) for students, open in the teacher's edition."""

    optional_arguments = 0

    def run(self) -> list[nodes.Node]:
        self.arguments = [words(self.env)["solution"]]
        self.options = dict(self.options)
        if shown(self.env):
            self.options["open"] = None
        self.options["class-container"] = [*self.options.get("class-container", []), "labkit-solution"]
        return super().run()


class download_link(nodes.Inline, nodes.TextElement):
    """A link to a written file, relative to the page that shows it (``download`` attribute in HTML)."""


def visit_download_link_html(self: Any, node: download_link) -> None:
    here = posixpath.dirname(self.builder.get_target_uri(self.builder.current_docname))
    href = posixpath.relpath(node["target"], here or ".")
    self.body.append(f'<a class="reference download labkit-exercise-file" href="{href}" download>'
                     f'<code class="docutils literal notranslate"><span class="pre">')


def depart_download_link_html(self: Any, node: download_link) -> None:
    self.body.append("</span></code></a>")


def visit_download_link_other(self: Any, node: download_link) -> None:
    pass


def depart_download_link_other(self: Any, node: download_link) -> None:
    pass


class ExerciseDownloadDirective(SphinxDirective):
    """``{exercise-download} backprop.linear_backward``: the skeleton's link and the commands to check it."""

    required_arguments = 1
    has_content = False
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        from labkit.exercises import names, solution_path
        from labkit.exercises._core import REGISTRY

        exercise_id = self.arguments[0]
        if exercise_id not in REGISTRY:
            raise self.error(f"exercise-download: no exercise {exercise_id!r} in labkit.exercises; the exercises "
                             f"are {', '.join(names())}")
        exercise = REGISTRY[exercise_id]
        file = f"{exercise.function}.py"
        target = f"{FOLDER}/{exercise.concept}/{file}"
        if not hasattr(self.env, "labkit_exercises"):
            self.env.labkit_exercises = {}
        self.env.labkit_exercises.setdefault(self.env.docname, set()).add(exercise_id)

        before, after = words(self.env)["download"].split("{file}")
        link = download_link("", file, target=target)
        intro = nodes.paragraph("", "", nodes.Text(before), link, nodes.Text(after))
        commands = (f"python -m labkit.exercises skeleton {exercise_id} -o {file}\n"
                    f"python -m labkit.exercises check {exercise_id} {file}")
        block = nodes.literal_block(commands, commands, language="console")
        out = nodes.container("", intro, block, classes=["labkit-exercise", *self.options.get("class", [])])
        if shown(self.env):
            path = solution_path(exercise_id)
            if not path.is_file():
                raise self.error(f"exercise-download: the reference solution {path} is missing")
            self.env.note_dependency(str(path))
            code = path.read_text(encoding="utf-8")
            reference = nodes.admonition("", nodes.title("", words(self.env)["reference"]),
                                         nodes.literal_block(code, code, language="python"),
                                         classes=["labkit-reference-solution"])
            out += reference
        return [out]


def purge_exercises(app: Any, env: Any, docname: str) -> None:
    getattr(env, "labkit_exercises", {}).pop(docname, None)


def merge_exercises(app: Any, env: Any, docnames: Any, other: Any) -> None:
    if not hasattr(env, "labkit_exercises"):
        env.labkit_exercises = {}
    env.labkit_exercises.update(getattr(other, "labkit_exercises", {}))


def check_config(app: Any, config: Any) -> None:
    if config.labkit_solutions not in ("hide", "show"):
        raise ValueError(f"labkit_solutions must be 'hide' or 'show' (make site SOLUTIONS=show), got "
                         f"{config.labkit_solutions!r}")


def write_skeletons(app: Any, exception: Exception | None) -> None:
    """Each coding exercise's file to complete, in the site's language, where the links point."""
    if exception is not None or app.builder.format != "html":
        return
    from labkit.exercises import skeleton
    from labkit.exercises._core import REGISTRY

    language = app.config.language or "en"
    for exercise_id in sorted(set().union(*getattr(app.env, "labkit_exercises", {}).values())):
        exercise = REGISTRY[exercise_id]
        path = Path(app.outdir) / FOLDER / exercise.concept / f"{exercise.function}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(skeleton(exercise_id, language=language), encoding="utf-8")


def setup(app: Any) -> dict:
    app.add_config_value("labkit_solutions", "hide", "env", types=[str])
    app.add_directive("solution", SolutionDirective)
    app.add_directive("exercise-download", ExerciseDownloadDirective)
    app.add_node(download_link, html=(visit_download_link_html, depart_download_link_html),
                 latex=(visit_download_link_other, depart_download_link_other),
                 text=(visit_download_link_other, depart_download_link_other))
    app.connect("config-inited", check_config)
    app.connect("env-purge-doc", purge_exercises)
    app.connect("env-merge-info", merge_exercises)
    app.connect("build-finished", write_skeletons)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
