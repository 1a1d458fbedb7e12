"""One concept, one name, four places (README, "Adding a concept"): each concept of the course is
``labkit/<concept>`` (a module or a package), ``examples/NN_<concept>/``, ``docs/<concept>.md`` and
``tests/test_<concept>*.py``, under that one name: the examples and the page call ``labkit.<concept>``, the
API reference documents it, and no other module of labkit carries the concept's name (a
``labkit/multitask.py`` beside ``labkit/multi/`` would be a fifth place to look).

The concepts are read from the numbered example folders, so a concept a teacher adds is checked as soon as
its examples exist; the seven questions of the course come first, in their order.
"""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = ("multi", "graphs", "autoencoders", "regularization", "hardware", "backprop", "autodiff")


def example_folders() -> dict[str, Path]:
    """concept -> its gallery folder, for every ``examples/NN_<concept>/``, in the course's order."""
    found = {}
    for path in sorted((ROOT / "examples").iterdir()):
        match = re.fullmatch(r"\d\d_([a-z][a-z0-9_]*)", path.name)
        if path.is_dir() and match:
            found[match.group(1)] = path
    return found


CONCEPTS = list(example_folders())


def imports(concept: str) -> re.Pattern[str]:
    """A line that imports the concept's code under its name: ``from labkit.multi import ...`` and the like."""
    return re.compile(rf"^\s*(from labkit\.{concept}\b|from labkit import {concept}\b|import labkit\.{concept}\b)",
                      re.M)


def test_the_seven_questions_come_first_numbered_in_the_course_order() -> None:
    folders = example_folders()
    assert CONCEPTS[:len(COURSE)] == list(COURSE)
    assert [p.name for p in folders.values()] == [f"{i:02d}_{c}" for i, c in enumerate(folders, start=1)]


@pytest.mark.parametrize("concept", CONCEPTS)
def test_a_concept_lives_in_four_places_under_one_name(concept: str) -> None:
    code = ROOT / "labkit" / concept
    examples = example_folders()[concept]
    page = ROOT / "docs" / f"{concept}.md"
    missing = [place for place, there in (
        (f"labkit/{concept}.py or labkit/{concept}/__init__.py",
         code.with_suffix(".py").is_file() or (code / "__init__.py").is_file()),
        (f"{examples.relative_to(ROOT)}/README.rst", (examples / "README.rst").is_file()),
        (f"{examples.relative_to(ROOT)}/plot_*.py", any(examples.glob("plot_*.py"))),
        (f"docs/{concept}.md", page.is_file()),
        (f"tests/test_{concept}*.py", any((ROOT / "tests").glob(f"test_{concept}*.py"))),
    ) if not there]
    assert not missing, f"{concept} misses {missing}"


@pytest.mark.parametrize("concept", CONCEPTS)
def test_the_examples_and_the_page_call_the_concept_by_its_name(concept: str) -> None:
    others = [p.relative_to(ROOT).as_posix() for p in sorted(example_folders()[concept].glob("plot_*.py"))
              if not imports(concept).search(p.read_text(encoding="utf-8"))]
    assert not others, f"these examples do not import labkit.{concept}: {others}"
    page = (ROOT / "docs" / f"{concept}.md").read_text(encoding="utf-8")
    assert re.search(rf"\blabkit\.{concept}\b", page), f"docs/{concept}.md never calls labkit.{concept}"


@pytest.mark.parametrize("concept", CONCEPTS)
def test_the_site_lists_the_page_and_the_api_reference_documents_the_concept(concept: str) -> None:
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    toctree = re.search(r"```\{toctree\}(.*?)```", index, re.S)
    assert toctree and re.search(rf"(?m)^{concept}$", toctree.group(1)), f"docs/index.md's toctree misses {concept}"
    assert re.search(rf"(?m)^:link: {concept}$", index), f"docs/index.md has no card linking to {concept}"
    api = (ROOT / "docs" / "api.rst").read_text(encoding="utf-8")
    assert re.search(rf"(?m)^\.\. automodule:: labkit\.{concept}$", api), \
        f"docs/api.rst does not document labkit.{concept}"


def test_no_other_module_of_labkit_carries_a_concepts_name() -> None:
    modules = [m.name for m in pkgutil.iter_modules([str(ROOT / "labkit")])]
    strays = sorted(f"labkit/{name} (concept {concept})" for name in modules for concept in CONCEPTS
                    if name != concept and name.startswith(concept))
    assert not strays, f"one concept, one name: {strays}"
