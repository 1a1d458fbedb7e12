"""Tests of labkit.exercises: every checker passes its reference solution, names each classic mistake it
lists with its own explanation, sends the untouched skeleton back, and speaks the reader's language.

A checker that accepts a wrong solution is a defect: each exercise's mistakes are fed to it as
solutions, and a made-up wrong answer (the right one, slightly off) must be refused too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from contracts import contract_tests
from labkit import exercises
from labkit.exercises import check, names, skeleton, solution_path
from labkit.exercises._core import REGISTRY, now
from labkit.i18n import catalog

IDS = names()


def _load(path: Path, name: str):
    namespace: dict = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return namespace[name]


def test_each_concept_page_has_coding_exercises_with_a_reference_solution_each() -> None:
    assert {"backprop"} <= {REGISTRY[i].concept for i in IDS}
    for exercise_id in IDS:
        assert solution_path(exercise_id).is_file(), f"{exercise_id} has no reference solution"
        assert REGISTRY[exercise_id].mistakes, f"{exercise_id} lists no classic mistake to recognise"


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_reference_solution_passes_its_checker(exercise_id: str) -> None:
    report = check(exercise_id, solution_path(exercise_id), language="en")
    assert report.passed, str(report)
    assert str(report).startswith("Passed:")


@pytest.mark.parametrize("exercise_id", IDS)
def test_each_classic_mistake_is_refused_with_its_own_explanation(exercise_id: str) -> None:
    exercise = REGISTRY[exercise_id]
    for mistake in exercise.mistakes:
        report = check(exercise_id, mistake.wrong, language="en")
        assert not report.passed, f"{exercise_id} accepts the mistake: {mistake.says}"
        assert "classic mistake" in str(report) and mistake.says.msgid in str(report), str(report)


@pytest.mark.parametrize("exercise_id", IDS)
def test_an_answer_slightly_off_is_refused_naming_the_output_and_an_entry(exercise_id: str) -> None:
    exercise = REGISTRY[exercise_id]
    right = _load(solution_path(exercise_id), exercise.function)

    def off_by_a_little(*args, **kwargs):
        values = right(*args, **kwargs)
        values = list(values) if len(exercise.returns) > 1 else [values]
        values[-1] = np.asarray(values[-1], dtype=float) * 1.01 + 0.01
        return tuple(values) if len(exercise.returns) > 1 else values[0]

    report = str(check(exercise_id, off_by_a_little, language="en"))
    assert f"{exercise.returns[-1]}:" in report and "disagree with" in report and "expected" in report, report


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_untouched_skeleton_is_sent_back_as_not_written_yet(exercise_id: str, tmp_path: Path) -> None:
    path = tmp_path / "mine.py"
    path.write_text(skeleton(exercise_id, language="en"), encoding="utf-8")
    report = check(exercise_id, path, language="en")
    assert not report.passed and "not written yet" in str(report)


def test_the_checker_names_a_wrong_shape_an_error_with_its_line_and_an_argument_changed_in_place(
        tmp_path: Path) -> None:
    def wrong_db_shape(X, W, delta):
        return X.T @ delta, delta.sum(axis=0, keepdims=True), delta @ W.T

    assert "db has shape (1, 4)" in str(check("backprop.linear_backward", wrong_db_shape, language="en"))

    path = tmp_path / "broken.py"
    path.write_text("def linear_backward(X, W, delta):\n    return X @ delta\n", encoding="utf-8")
    report = str(check("backprop.linear_backward", path, language="en"))
    assert "raised ValueError" in report and "line 2: return X @ delta" in report, report

    def in_place(X, W, delta):
        delta *= 1.0
        X[0, 0] = 0.0
        return X.T @ delta, delta.sum(axis=0), delta @ W.T

    assert "changed its argument X in place" in str(check("backprop.linear_backward", in_place, language="en"))

    def too_few(X, W, delta):
        return X.T @ delta, delta.sum(axis=0)

    assert "must return 3 values (dW, db, dX)" in str(check("backprop.linear_backward", too_few, language="en"))

    def nan_everywhere(logits, y):
        return np.full(logits.shape, np.nan)

    assert "NaN" in str(check("backprop.softmax_cross_entropy_grad", nan_everywhere, language="en"))


def test_a_file_that_cannot_be_read_is_named_with_the_reason(tmp_path: Path) -> None:
    assert "There is no file" in str(check("backprop.linear_backward", tmp_path / "none.py", language="en"))
    bad = tmp_path / "bad.py"
    bad.write_text("def linear_backward(X, W, delta)\n    pass\n", encoding="utf-8")
    assert "line 1: Python cannot read it" in str(check("backprop.linear_backward", bad, language="en"))
    other = tmp_path / "other.py"
    other.write_text("def something_else():\n    pass\n", encoding="utf-8")
    assert "defines no function linear_backward" in str(check("backprop.linear_backward", other, language="en"))


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_checker_and_the_skeleton_speak_french(exercise_id: str, tmp_path: Path) -> None:
    exercise = REGISTRY[exercise_id]
    french = catalog("fr")
    for message in (exercise.title, exercise.task, *(m.says for m in exercise.mistakes)):
        assert french.get(message.msgid), f"no French for {message.msgid[:60]!r}"
    text = skeleton(exercise_id, language="fr")
    assert "Votre code ici" in text and french[exercise.task.msgid].strip() in text
    report = str(check(exercise_id, exercise.mistakes[0].wrong, language="fr"))
    assert "erreur classique" in report and french[exercise.mistakes[0].says.msgid] in report, report
    assert str(check(exercise_id, solution_path(exercise_id), language="fr")).startswith("Réussi")


def test_the_command_line_lists_writes_and_checks_with_the_exit_status_saying_whether_it_passed(
        tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "labkit.exercises", *args], capture_output=True, text=True,
                              cwd=tmp_path, env={**__import__("os").environ, "LABKIT_LANG": "en"})

    listed = run("list", "backprop")
    assert listed.returncode == 0 and "backprop.linear_backward" in listed.stdout
    written = run("skeleton", "backprop.linear_backward", "-o", "mine.py")
    assert written.returncode == 0 and (tmp_path / "mine.py").is_file()
    assert run("check", "backprop.linear_backward", "mine.py").returncode == 1
    passed = run("check", "backprop.linear_backward", str(solution_path("backprop.linear_backward")))
    assert passed.returncode == 0 and passed.stdout.startswith("Passed:")
    unknown = run("check", "backprop.no_such", "mine.py")
    assert unknown.returncode == 2 and "There is no exercise backprop.no_such" in unknown.stderr


def test_now_reads_a_message_again_in_the_current_language(monkeypatch: pytest.MonkeyPatch) -> None:
    title = REGISTRY["backprop.linear_backward"].title
    monkeypatch.setenv("LABKIT_LANG", "fr")
    assert now(title) == catalog("fr")[title.msgid]
    monkeypatch.setenv("LABKIT_LANG", "en")
    assert now(title) == title.msgid


VALID_CALLS = {
    "names": lambda: (names, dict(concept="backprop")),
    "skeleton": lambda: (skeleton, dict(exercise_id="backprop.linear_backward", language="en")),
    "check": lambda: (check, dict(exercise_id="backprop.linear_backward",
                                  solution=solution_path("backprop.linear_backward"), language="en")),
    "solution_path": lambda: (solution_path, dict(exercise_id="backprop.linear_backward")),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(exercises, VALID_CALLS)
