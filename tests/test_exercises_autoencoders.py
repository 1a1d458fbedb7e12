"""The autoencoders page's coding exercises: references that agree with labkit, wrong answers named."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from labkit.autoencoders import kl_divergence
from labkit.exercises import check, solution_path
from labkit.exercises._core import REGISTRY


def _cases(exercise_id: str) -> list[dict]:
    return list(REGISTRY[exercise_id].cases(np.random.default_rng(0)))


def test_the_kl_reference_is_labkits_kl_divergence():
    # torch.distributions on one side, labkit's closed form (used to train the page's VAE) on the other.
    exercise = REGISTRY["autoencoders.gaussian_kl"]
    for case in _cases(exercise.id):
        expected = kl_divergence(torch.tensor(case["mu"]), torch.tensor(case["log_var"])).numpy()
        np.testing.assert_allclose(exercise.reference(**case), expected, rtol=1e-12)
        assert (exercise.reference(**case) > 0).all()


def test_the_draw_reference_has_the_moments_of_the_code():
    # The quantile reference draws from N(mu, exp(log_var)): over many eps, its mean and variance are those.
    exercise = REGISTRY["autoencoders.reparameterize"]
    mu, log_var = np.array([[1.0, -2.0]]), np.array([[0.5, -1.0]])
    eps = np.random.default_rng(1).standard_normal((200_000, 2))
    z = exercise.reference(mu=np.repeat(mu, len(eps), 0), log_var=np.repeat(log_var, len(eps), 0), eps=eps)
    np.testing.assert_allclose(z.mean(0), mu[0], atol=0.01)
    np.testing.assert_allclose(z.var(0), np.exp(log_var[0]), rtol=0.02)


@pytest.mark.parametrize("exercise_id", ["autoencoders.gaussian_kl", "autoencoders.reparameterize"])
def test_the_cases_keep_log_var_away_from_zero(exercise_id):
    # At log_var = 0, exp(log_var), exp(log_var / 2) and exp(2 log_var) are all 1: the mistakes would pass there.
    for case in _cases(exercise_id):
        assert np.abs(case["log_var"]).min() >= 0.1


def test_a_wrong_kl_not_in_the_list_disagrees_and_names_its_output():
    report = check("autoencoders.gaussian_kl",
                   lambda mu, log_var: 0.5 * (np.exp(log_var) + mu - 1 - log_var).sum(axis=1), language="en")
    assert not report.passed
    assert "kl: " in report.lines[0] and "disagree with torch.distributions.kl_divergence" in report.lines[0]


def test_a_draw_of_the_wrong_shape_is_named():
    report = check("autoencoders.reparameterize", lambda mu, log_var, eps: (mu + np.exp(log_var / 2) * eps).T,
                   language="en")
    assert not report.passed
    assert report.lines[0].startswith("z has shape (3, 5) on case 1")


def test_a_mistake_is_named_in_french():
    report = check("autoencoders.reparameterize", lambda mu, log_var, eps: mu + eps, language="fr")
    assert not report.passed
    assert "eps est ajouté sans être multiplié" in str(report)


@pytest.mark.parametrize("exercise_id", ["autoencoders.gaussian_kl", "autoencoders.reparameterize"])
def test_the_solutions_pass_in_french(exercise_id):
    report = check(exercise_id, solution_path(exercise_id), language="fr")
    assert report.passed, str(report)
