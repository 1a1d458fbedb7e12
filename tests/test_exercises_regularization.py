"""Regularisation's coding exercises: their references agree with code the student did not write, and the
checkers refuse the wrong answers the generic tests do not list (an L2 step for an L1 one, a mask
changed in place), naming the output.
"""

from __future__ import annotations

import numpy as np
import torch

from labkit.exercises import check
from labkit.exercises._core import REGISTRY


def test_the_proximal_reference_is_the_lasso_of_scikit_learn_on_an_identity_design() -> None:
    from sklearn.linear_model import Lasso

    exercise = REGISTRY["regularization.proximal_l1_step"]
    for case in exercise.cases(np.random.default_rng(0)):
        v = (case["w"] - case["lr"] * case["grad"]).ravel()
        t = case["lr"] * case["lam"]
        if t == 0:
            continue  # Lasso with alpha = 0 is plain least squares, which scikit-learn warns against
        # With X = sqrt(n) I and y = sqrt(n) v, Lasso minimises 1/2 |v - x|^2 + t |x|_1: the prox of t|.|.
        n = v.size
        lasso = Lasso(alpha=t, fit_intercept=False, tol=1e-14, max_iter=10_000)
        expected = lasso.fit(np.sqrt(n) * np.eye(n), np.sqrt(n) * v).coef_.reshape(case["w"].shape)
        np.testing.assert_allclose(exercise.reference(**case), expected, atol=1e-10)


def test_the_sgd_reference_decays_the_weights_by_one_minus_lr_lam_and_leaves_the_bias() -> None:
    exercise = REGISTRY["regularization.l2_sgd_step"]
    for case in exercise.cases(np.random.default_rng(0)):
        W_new, b_new = exercise.reference(**case)
        lr, lam = case["lr"], case["lam"]
        np.testing.assert_allclose(W_new, (1 - lr * lam) * case["W"] - lr * case["dW"], rtol=1e-12)
        np.testing.assert_allclose(b_new, case["b"] - lr * case["db"], rtol=1e-12)


def test_the_dropout_reference_is_torch_dropout_for_the_mask_torch_drew() -> None:
    torch.manual_seed(3)
    x = torch.randn(7, 5, dtype=torch.float64)
    torch.manual_seed(4)
    expected = torch.nn.functional.dropout(x, 0.3)
    mask = expected != 0  # x has no zero entry: the zeros are the dropped ones
    got = REGISTRY["regularization.dropout_forward"].reference(x=x.numpy(), p=0.3, mask=mask.numpy())
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-12)


def test_an_l2_shrinkage_is_refused_by_the_l1_checker_which_names_the_output() -> None:
    # The student's belief that L1 and L2 "do the same thing": the L2 proximal step, v / (1 + lr * lam).
    report = check("regularization.proximal_l1_step",
                   lambda w, grad, lr, lam: (w - lr * grad) / (1 + lr * lam), language="en")
    assert not report.passed
    assert "w_new:" in str(report) and "disagree with labkit.regularization.proximal_l1_step" in str(report)


def test_the_first_l1_case_has_weights_that_cross_zero_land_near_it_and_stay_far_from_it() -> None:
    # What lets the checker tell the mistakes apart on the first case (see the generic tests).
    case = REGISTRY["regularization.proximal_l1_step"].cases(np.random.default_rng(0))[0]
    v, t = case["w"] - case["lr"] * case["grad"], case["lr"] * case["lam"]
    assert np.any(np.sign(v) != np.sign(case["w"])) and np.any(np.abs(v) < t) and np.any(np.abs(v) > t)


def test_a_dropout_that_zeroes_x_in_place_is_refused() -> None:
    def in_place(x, p, mask):
        x[~mask] = 0.0
        x /= 1 - p
        return x

    report = check("regularization.dropout_forward", in_place, language="en")
    assert not report.passed and "changed its argument x in place" in str(report)


def test_the_checker_speaks_french() -> None:
    report = check("regularization.l2_sgd_step", lambda W, b, dW, db, lr, lam: (W - lr * (dW + 2 * lam * W),
                                                                                 b - lr * db), language="fr")
    assert "Le gradient de la pénalité est pris égal à 2 * lam * W" in str(report)
