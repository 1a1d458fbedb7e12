"""Coding exercises that check themselves, in the reader's language.

Each concept page has coding exercises: a function to complete, in a file the reader downloads (or
asks for), and a checker that runs it and says what is wrong and where, or that it passes::

    python -m labkit.exercises list
    python -m labkit.exercises skeleton backprop.linear_backward -o my_solution.py
    python -m labkit.exercises check backprop.linear_backward my_solution.py

The checker tries the function on several inputs against a reference (PyTorch's autograd, finite
differences or labkit's own code) and names the first thing wrong: an error with its line, a missing
output, a wrong shape, NaN, the values that disagree with the reference, or the classic mistake the
answer reproduces (a transposed gradient, a bias gradient not summed over the batch...). Messages are
in the reader's language (``LABKIT_LANG=fr``). The reference solutions live in the repository's
``solutions/`` folder, not in the package: the site hides them, a teacher's edition shows them.

>>> from labkit.exercises import check, names
>>> "backprop.linear_backward" in names()
True
>>> import numpy as np
>>> def linear_backward(X, W, delta):
...     return X.T @ delta, delta.sum(axis=0), delta @ W.T
>>> check("backprop.linear_backward", linear_backward).passed
True
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._checks import Choice, Optional, Rule, _const
from .._contract import contract
from ..i18n import LANGUAGES
from ._core import REGISTRY, Report, run_checks, skeleton_text, stop_on_unknown

__all__ = ["check", "names", "skeleton", "solution_path"]

# Each concept module (backprop.py, autodiff.py...) registers its exercises when imported.
for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")

#: Where the reference solutions are, in a checkout of the course's repository.
SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
_ID = Choice(*REGISTRY)
_LANGUAGE = Optional(Choice(*LANGUAGES))


class _Solution(Rule):
    """A path to a Python file (str or path-like), or the function itself."""

    expected = "a path to a .py file or a function"

    def check(self, name: str, value: Any) -> Any:
        if callable(value):
            return value
        if isinstance(value, (str, os.PathLike)) and str(value):
            return Path(value)
        raise self.fail(name, value, TypeError)

    def bad(self) -> list:
        return [("int", _const(3), TypeError), ("None", _const(None), TypeError), ("empty", _const(""), TypeError)]


@contract(concept=Optional(Choice(*sorted({e.concept for e in REGISTRY.values()}))))
def names(concept: str | None = None) -> list[str]:
    """The ids of the exercises (of one concept, if given), sorted.

    >>> names("backprop")
    ['backprop.linear_backward', 'backprop.softmax_cross_entropy_grad']
    """
    return sorted(i for i, e in REGISTRY.items() if concept in (None, e.concept))


@contract(exercise_id=_ID, language=_LANGUAGE)
def skeleton(exercise_id: str, language: str | None = None) -> str:
    """The file a student completes for ``exercise_id``, in ``language`` (default: the reader's).

    >>> text = skeleton("backprop.linear_backward", language="fr")
    >>> "def linear_backward(X, W, delta):" in text, "Votre code ici" in text
    (True, True)
    """
    exercise = stop_on_unknown(exercise_id)
    command = f"python -m labkit.exercises check {exercise_id} {exercise.function}.py"
    with _speaking(language):
        return skeleton_text(exercise, command)


@contract(exercise_id=_ID, solution=_Solution(), language=_LANGUAGE)
def check(exercise_id: str, solution: str | os.PathLike | Callable[..., Any], language: str | None = None) -> Report:
    """Run the checker of ``exercise_id`` on ``solution`` (a file's path, or the function itself).

    The report's ``passed`` says whether it agrees with the reference on every case; ``str(report)`` is
    what the checker says, in ``language`` (default: the reader's).

    >>> report = check("backprop.softmax_cross_entropy_grad", lambda logits, y: logits, language="en")
    >>> report.passed, str(report).splitlines()[-1]
    (False, 'Not yet: fix this and check again.')
    """
    exercise = stop_on_unknown(exercise_id)
    with _speaking(language):
        if callable(solution):
            return run_checks(exercise, function=solution)
        return run_checks(exercise, path=Path(solution))


@contract(exercise_id=_ID)
def solution_path(exercise_id: str) -> Path:
    """Where the reference solution of ``exercise_id`` is in a checkout (``solutions/<concept>/<function>.py``).

    >>> solution_path("backprop.linear_backward").relative_to(SOLUTIONS).as_posix()
    'backprop/linear_backward.py'
    """
    exercise = stop_on_unknown(exercise_id)
    return SOLUTIONS / exercise.concept / f"{exercise.function}.py"


class _speaking:
    """Within the block, the reader's language is ``language`` (when given)."""

    def __init__(self, language: str | None) -> None:
        self.language = language

    def __enter__(self) -> None:
        self.saved = os.environ.get("LABKIT_LANG")
        if self.language is not None:
            os.environ["LABKIT_LANG"] = self.language

    def __exit__(self, *exc: object) -> None:
        if self.saved is None:
            os.environ.pop("LABKIT_LANG", None)
        else:
            os.environ["LABKIT_LANG"] = self.saved
