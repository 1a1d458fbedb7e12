"""Tests of the multi page's coding exercises: the reference solutions pass, each classic mistake is named
by its own message (in English and in French), and a wrong answer outside the list is told which output
disagrees with the reference."""

from __future__ import annotations

import numpy as np
import pytest

from labkit.exercises import check, names, skeleton, solution_path
from labkit.exercises._core import REGISTRY, now

IDS = names("multi")


def test_the_page_has_its_two_exercises() -> None:
    assert IDS == ["multi.clip_loss", "multi.uncertainty_weighted_loss"]


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_reference_solution_passes(exercise_id: str) -> None:
    report = check(exercise_id, solution_path(exercise_id), language="en")
    assert report.passed, str(report)
    assert str(report).startswith("Passed:")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("exercise_id", IDS)
def test_each_mistake_gets_its_own_message(exercise_id: str, language: str, monkeypatch) -> None:
    exercise = REGISTRY[exercise_id]
    assert len(exercise.mistakes) >= 2
    for mistake in exercise.mistakes:
        report = check(exercise_id, mistake.wrong, language=language)
        assert not report.passed
        monkeypatch.setenv("LABKIT_LANG", language)
        own = now(mistake.says)
        others = [now(m.says) for m in exercise.mistakes if m is not mistake]
        if language == "fr":
            assert own != getattr(mistake.says, "msgid", mistake.says), "untranslated"
        text = str(report)
        assert own in text, text
        assert not any(other in text for other in others), text


@pytest.mark.parametrize("exercise_id", IDS)
def test_the_skeleton_is_not_written_yet(exercise_id: str, tmp_path) -> None:
    path = tmp_path / f"{REGISTRY[exercise_id].function}.py"
    path.write_text(skeleton(exercise_id, language="fr"), encoding="utf-8")
    report = check(exercise_id, path, language="fr")
    assert not report.passed and "NotImplementedError" in str(report), str(report)
    report = check(exercise_id, path, language="en")
    assert "is not written yet" in str(report)


def test_a_gradient_forgetting_the_half_is_told_which_output_disagrees() -> None:
    def half_forgotten(losses, log_vars):  # the loss right, its gradient twice too large: not a listed mistake
        return np.sum(0.5 * np.exp(-log_vars) * losses + 0.5 * log_vars), 1.0 - np.exp(-log_vars) * losses

    text = str(check("multi.uncertainty_weighted_loss", half_forgotten, language="en"))
    assert "grad: 4 of 4 values disagree" in text and "classic mistake" not in text, text


def test_a_loss_with_the_wrong_diagonal_is_told_it_disagrees_with_torch() -> None:
    def wrong_pairs(image_emb, text_emb, temperature):  # image k matched with text k + 1: not a listed mistake
        from labkit.exercises.multi import _wrong_clip
        return _wrong_clip(image_emb, np.roll(text_emb, 1, axis=0), temperature)

    text = str(check("multi.clip_loss", wrong_pairs, language="en"))
    assert "loss: 1 of 1 values disagree with torch.nn.functional.cross_entropy" in text, text


def test_a_loss_returned_as_one_value_per_pair_has_the_wrong_shape() -> None:
    def per_pair(image_emb, text_emb, temperature):
        return np.zeros(len(image_emb))

    text = str(check("multi.clip_loss", per_pair, language="en"))
    assert "loss has shape (4,)" in text and "expected ()" in text, text

