"""Tests of labkit.multitask: sharing helps related tasks with scarce data, uncertainty weighting
learns larger weights for less noisy tasks, and bad input is rejected with a clear message."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from labkit import multitask
from labkit.data import make_multitask_data
from labkit.multitask import MultiTaskNet, UncertaintyWeighting, mean_test_r2, r2_per_task, train_multitask
from badinput import bad_input_tests
from torchthreads import one_torch_thread  # noqa: F401  (autouse: tiny networks, one thread)


def test_shared_trunk_receives_every_task_gradient_and_separate_trunks_do_not() -> None:
    x = torch.randn(8, 5)
    for shared in (True, False):
        net = MultiTaskNet(5, 3, hidden=4, shared=shared)
        net(x)[:, 2].sum().backward()  # the loss of task 2 only
        touched = [t[0].weight.grad is not None and bool(t[0].weight.grad.abs().sum() > 0) for t in net.trunks]
        assert touched == ([True] if shared else [False, False, True])


def test_separate_model_equals_independent_single_task_models() -> None:
    X, Y = make_multitask_data(64, 2, seed=1)
    both = MultiTaskNet(20, 2, hidden=4, shared=False, seed=3)
    train_multitask(both, X, Y, epochs=5, batch_size=16)
    # Task 0 alone, from the same initial weights and batches: Adam's update per parameter only
    # depends on that parameter's own gradient, so the result is the same.
    alone = MultiTaskNet(20, 2, hidden=4, shared=False, seed=3)
    train_multitask(alone, X, Y, task_weights=[1.0, 0.0], epochs=5, batch_size=16)
    torch.testing.assert_close(both.trunks[0][0].weight, alone.trunks[0][0].weight)


@settings(deadline=None, derandomize=True, max_examples=4)
@given(st.lists(st.floats(0.2, 1.5), min_size=2, max_size=3, unique=True))
def test_uncertainty_weighting_learns_larger_weights_for_less_noisy_tasks(noise: list[float]) -> None:
    X, Y = make_multitask_data(400, len(noise), noise=noise, seed=0)
    net = MultiTaskNet(20, len(noise), hidden=8)
    _, weights = train_multitask(net, X, Y, weighting="uncertainty", epochs=40, batch_size=50, lr=0.03)
    assert np.array_equal(np.argsort(weights), np.argsort(noise)[::-1])
    # At the optimum, exp(s_t) equals the task's mean squared error: the weight is its inverse.
    with torch.no_grad():
        mse = ((net(torch.tensor(X).float()) - torch.tensor(Y).float()) ** 2).mean(0).numpy()
    np.testing.assert_allclose(weights, 1 / mse, rtol=0.35)


def test_uncertainty_loss_closed_form() -> None:
    weighting = UncertaintyWeighting(2)
    with torch.no_grad():
        weighting.log_vars[:] = torch.tensor([0.0, np.log(4.0)])
    losses = torch.tensor([2.0, 8.0])
    assert weighting(losses).item() == pytest.approx(0.5 * 2 + 0.5 * 8 / 4 + 0.5 * np.log(4.0))
    np.testing.assert_allclose(weighting.weights, [1.0, 0.25], rtol=1e-6)


def test_sharing_helps_related_tasks_and_hurts_unrelated_ones_with_scarce_data() -> None:
    gains = {}
    for related in (True, False):
        X, Y = make_multitask_data(1200, 4, related=related, noise=0.3, seed=0)
        scores = {}
        for shared in (True, False):
            net = MultiTaskNet(20, 4, hidden=2, shared=shared)
            train_multitask(net, X[:50], Y[:50], epochs=300, batch_size=50, lr=0.03)
            scores[shared] = r2_per_task(net, X[200:], Y[200:]).mean()
        gains[related] = scores[True] - scores[False]
    assert gains[True] > 0.1 and gains[False] < -0.1


def test_mean_test_r2_is_the_mean_r2_of_the_model_it_trains() -> None:
    X, Y = make_multitask_data(120, 3, seed=2)
    for shared, hidden in ((True, 2), (False, 3)):
        net = MultiTaskNet(20, 3, hidden=hidden, shared=shared, seed=1)
        train_multitask(net, X[:80], Y[:80], epochs=20, batch_size=80, lr=0.03)
        expected = r2_per_task(net, X[80:], Y[80:]).mean()
        got = mean_test_r2(X[:80], Y[:80], X[80:], Y[80:], shared=shared, hidden=hidden, epochs=20, seed=1)
        assert got == pytest.approx(expected, abs=1e-6)


def test_r2_is_one_for_a_perfect_model() -> None:
    net = MultiTaskNet(3, 2, hidden=2)
    X = np.random.default_rng(0).normal(size=(10, 3))
    with torch.no_grad():
        Y = net(torch.tensor(X).float()).double().numpy()
    np.testing.assert_allclose(r2_per_task(net, X, Y), 1.0, atol=1e-5)


def test_fixed_weights_are_returned() -> None:
    X, Y = make_multitask_data(20, 2)
    _, w = train_multitask(MultiTaskNet(20, 2), X, Y, task_weights=[2.0, 0.5], epochs=1)
    assert w.tolist() == [2.0, 0.5]


X2, Y2 = make_multitask_data(10, 2)
NET = MultiTaskNet(20, 2)
BAD_INPUTS = [
    ("MultiTaskNet", MultiTaskNet, dict(n_inputs=0, n_tasks=2), ValueError, "n_inputs"),
    ("MultiTaskNet", MultiTaskNet, dict(n_inputs=3, n_tasks=1.5), TypeError, "n_tasks"),
    ("MultiTaskNet", MultiTaskNet, dict(n_inputs=3, n_tasks=2, hidden=0), ValueError, "hidden"),
    ("MultiTaskNet", MultiTaskNet, dict(n_inputs=3, n_tasks=2, shared="yes"), TypeError, "shared"),
    ("MultiTaskNet", MultiTaskNet, dict(n_inputs=3, n_tasks=2, seed=-1), ValueError, "seed"),
    ("UncertaintyWeighting", UncertaintyWeighting, dict(n_tasks=0), ValueError, "n_tasks"),
    ("UncertaintyWeighting", lambda **kw: UncertaintyWeighting(2)(**kw), dict(losses=torch.ones(3)), ValueError, "losses"),
    ("train_multitask", train_multitask, dict(model="net", X=X2, Y=Y2), TypeError, "model"),
    ("train_multitask", train_multitask, dict(model=NET, X=X2[:, :5], Y=Y2), ValueError, "X"),
    ("train_multitask", train_multitask, dict(model=NET, X=X2, Y=Y2[:5]), ValueError, "Y"),
    ("train_multitask", train_multitask, dict(model=NET, X=X2, Y=Y2[:, :1]), ValueError, "Y"),
    ("train_multitask", train_multitask, dict(model=NET, X=X2, Y=Y2, weighting="gradnorm"), ValueError, "weighting"),
    ("train_multitask", train_multitask, dict(model=NET, X=X2, Y=Y2, task_weights=[1.0]), ValueError, "task_weights"),
    ("train_multitask", train_multitask,
     dict(model=NET, X=X2, Y=Y2, weighting="uncertainty", task_weights=[1.0, 1.0]), ValueError, "task_weights"),
    ("train_multitask", train_multitask, dict(model=NET, X=X2, Y=Y2, lr=0.0), ValueError, "lr"),
    ("train_multitask", train_multitask, dict(model=NET, X=X2, Y=Y2, epochs=0), ValueError, "epochs"),
    ("r2_per_task", r2_per_task, dict(model=NET, X=X2, Y=Y2[:3]), ValueError, "Y"),
    ("r2_per_task", r2_per_task, dict(model=None, X=X2, Y=Y2), TypeError, "model"),
    ("mean_test_r2", mean_test_r2, dict(X=X2, Y=Y2[:5], X_test=X2, Y_test=Y2), ValueError, "Y"),
    ("mean_test_r2", mean_test_r2, dict(X=X2, Y=Y2, X_test=X2[:, :5], Y_test=Y2), ValueError, "X"),
    ("mean_test_r2", mean_test_r2, dict(X=X2, Y=Y2, X_test=X2, Y_test=Y2, hidden=0), ValueError, "hidden"),
    ("mean_test_r2", mean_test_r2, dict(X=X2, Y=Y2, X_test=X2, Y_test=Y2, shared=1), TypeError, "shared"),
]


(test_bad_input_is_rejected_with_a_message_naming_the_argument,
 test_bad_input_table_covers_every_public_callable) = bad_input_tests(BAD_INPUTS, multitask)
