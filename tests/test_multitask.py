"""Tests of labkit.multi.multitask: sharing helps related tasks with scarce data, uncertainty weighting
learns larger weights for less noisy tasks, and bad input is rejected with a clear message."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from labkit.multi import (
    MultiTaskNet, UncertaintyWeighting, make_multitask_data, mean_test_r2, multitask, r2_per_task, train_multitask,
)
from contracts import contract_tests, relation_tests
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
    X, Y = make_multitask_data(400, len(noise), noise_std=noise, seed=0)
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
        X, Y = make_multitask_data(1200, 4, related=related, noise_std=0.3, seed=0)
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


def test_forward_checks_the_feature_count_naming_the_argument_and_both_sizes() -> None:
    # On the old code: torch's "mat1 and mat2 shapes cannot be multiplied (3x4 and 5x16)".
    with pytest.raises(ValueError, match=r"^x must have 5 columns \(n_inputs\), got 4$"):
        MultiTaskNet(5, 2)(torch.zeros(3, 4))


def test_forward_takes_float64_tensors_and_arrays() -> None:
    net = MultiTaskNet(3, 2, hidden=4)
    x = np.random.default_rng(0).normal(size=(5, 3))
    expected = net(torch.tensor(x, dtype=torch.float32))
    torch.testing.assert_close(net(torch.from_numpy(x)), expected)  # float64, as torch.from_numpy gives
    torch.testing.assert_close(net(x), expected)


def test_a_float64_input_beyond_the_model_dtype_is_refused_not_made_inf() -> None:
    huge = torch.full((5, 3), 1e300, dtype=torch.float64)  # finite in float64, inf in float32
    with pytest.raises(ValueError, match=r"^x must fit in the model's dtype torch.float32, got values up to 1e\+300"):
        MultiTaskNet(3, 2, hidden=4)(huge)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_a_non_finite_input_is_refused_naming_it_before_any_training(value: float) -> None:
    net = MultiTaskNet(20, 2, hidden=4)
    before = [p.detach().clone() for p in net.parameters()]
    X, Y = make_multitask_data(10, 2)
    for kwargs, arg in ((dict(X=np.where(np.eye(10, 20) > 0, value, X), Y=Y), "X"),
                        (dict(X=X, Y=np.where(np.eye(10, 2) > 0, value, Y)), "Y"),
                        (dict(X=X, Y=Y, task_weights=[1.0, value]), "task_weights")):
        with pytest.raises(ValueError, match=rf"^{arg} must be .*NaN or inf"):
            train_multitask(net, **kwargs, epochs=1)
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters()))  # not one step was taken
    # The forward passes, called on each batch, refuse them too (on the old code: NaN predictions, NaN loss).
    with pytest.raises(ValueError, match=r"^x must be .*NaN or inf"):
        net(torch.full((2, 20), value))
    with pytest.raises(ValueError, match=r"^losses must be .*NaN or inf"):
        UncertaintyWeighting(2)(torch.tensor([1.0, value]))


def test_numpy_scalars_are_accepted_wherever_python_numbers_are() -> None:
    X, Y = make_multitask_data(20, 2)
    net = MultiTaskNet(np.int64(20), np.int64(2), hidden=np.int64(4), shared=np.bool_(False), seed=np.int64(1))
    assert (net.n_inputs, net.n_tasks, type(net.n_inputs)) == (20, 2, int)
    _, w = train_multitask(net, X, Y, task_weights=[np.float32(2.0), np.float32(0.5)], epochs=np.int64(1),
                           batch_size=np.int64(10), lr=np.float32(0.01), seed=np.int64(0))
    assert w.tolist() == [2.0, 0.5] and w.dtype == np.float64
    r2 = mean_test_r2(X, Y, X, Y, hidden=np.int64(2), epochs=np.int64(1), lr=np.float32(0.03), seed=np.int64(0))
    assert np.isfinite(r2)
    assert UncertaintyWeighting(np.int64(3)).weights.shape == (3,)


def test_a_network_too_large_for_a_laptop_is_refused_before_the_allocator() -> None:
    # On the old code: torch's "DefaultCPUAllocator: can't allocate memory: you tried to allocate 4000000000000 bytes".
    with pytest.raises(ValueError, match=r"MultiTaskNet\(n_inputs=1000000, n_tasks=2, hidden=1000000, .*limit"):
        MultiTaskNet(10**6, 2, hidden=10**6)
    with pytest.raises(ValueError, match=r"n_inputs=1000, n_tasks=1000, hidden=1000, shared=False"):
        MultiTaskNet(1000, 1000, hidden=1000, shared=False)  # each trunk fits, the thousand do not
    with pytest.raises(ValueError, match=r"^n_tasks must be an int >= 1 and <= 268435456, got 10000000000000"):
        UncertaintyWeighting(10**13)


X2, Y2 = make_multitask_data(10, 2)


def small_net() -> MultiTaskNet:
    return MultiTaskNet(20, 2, hidden=2)


VALID_CALLS = {
    "MultiTaskNet": lambda: (MultiTaskNet, dict(n_inputs=3, n_tasks=2, hidden=4, shared=False, seed=1)),
    "MultiTaskNet.forward": lambda: (MultiTaskNet(3, 2, hidden=4).forward, dict(x=torch.zeros(4, 3))),
    "UncertaintyWeighting": lambda: (UncertaintyWeighting, dict(n_tasks=2)),
    "UncertaintyWeighting.forward": lambda: (UncertaintyWeighting(2).forward, dict(losses=torch.tensor([1.0, 2.0]))),
    "train_multitask": lambda: (train_multitask, dict(model=small_net(), X=X2, Y=Y2, weighting="fixed",
                                                      task_weights=[1.0, 0.5], epochs=1, batch_size=5, lr=0.01,
                                                      seed=1)),
    "r2_per_task": lambda: (r2_per_task, dict(model=small_net(), X=X2, Y=Y2)),
    "mean_test_r2": lambda: (mean_test_r2, dict(X=X2, Y=Y2, X_test=X2[:4], Y_test=Y2[:4], shared=False, hidden=2,
                                                epochs=1, lr=0.03, seed=1)),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(multitask, VALID_CALLS)

# Relations between arguments (a model's sizes, rows against rows) stay checked inline.
NET = small_net()
BAD_INPUTS = [
    ("MultiTaskNet.forward", MultiTaskNet(20, 2).forward, dict(x=torch.zeros(3, 5)), ValueError, "x"),
    ("UncertaintyWeighting.forward", UncertaintyWeighting(2).forward, dict(losses=torch.ones(3)), ValueError,
     "losses"),
    ("train_multitask", train_multitask, dict(model=NET, X=X2[:, :5], Y=Y2), ValueError, "X"),
    ("train_multitask", train_multitask, dict(model=NET, X=X2, Y=Y2[:5]), ValueError, "Y"),
    ("train_multitask", train_multitask, dict(model=NET, X=X2, Y=Y2[:, :1]), ValueError, "Y"),
    ("train_multitask", train_multitask, dict(model=NET, X=X2, Y=Y2, task_weights=[1.0]), ValueError, "task_weights"),
    ("train_multitask", train_multitask,
     dict(model=NET, X=X2, Y=Y2, weighting="uncertainty", task_weights=[1.0, 1.0]), ValueError, "task_weights"),
    ("r2_per_task", r2_per_task, dict(model=NET, X=X2, Y=Y2[:3]), ValueError, "Y"),
    ("mean_test_r2", mean_test_r2, dict(X=X2, Y=Y2[:5], X_test=X2, Y_test=Y2), ValueError, "Y"),
    ("mean_test_r2", mean_test_r2, dict(X=X2, Y=Y2, X_test=X2[:, :5], Y_test=Y2), ValueError, "X_test"),
    ("mean_test_r2", mean_test_r2, dict(X=X2, Y=Y2, X_test=X2, Y_test=Y2[:, :1]), ValueError, "Y_test"),
    ("mean_test_r2", mean_test_r2, dict(X=X2, Y=Y2, X_test=X2, Y_test=Y2[:3]), ValueError, "Y_test"),
    # Round 2 of the probe: refused at the entry, naming this function's argument (R² needs a variance).
    ("train_multitask", train_multitask, dict(model=NET, X=X2, Y=np.full((10, 2), 1e300)), ValueError, "Y"),
    ("train_multitask", train_multitask, dict(model=NET, X=X2, Y=Y2, batch_size=10**30), ValueError, "batch_size"),
    ("r2_per_task", r2_per_task, dict(model=NET, X=X2[:1], Y=Y2[:1]), ValueError, "Y"),
    ("r2_per_task", r2_per_task, dict(model=NET, X=X2, Y=np.ones((10, 2))), ValueError, "Y"),
    ("mean_test_r2", mean_test_r2, dict(X=X2, Y=Y2, X_test=X2, Y_test=np.c_[Y2[:, 0], np.zeros(10)]), ValueError,
     "Y_test"),
    ("mean_test_r2", mean_test_r2, dict(X=X2, Y=Y2, X_test=X2[:1], Y_test=Y2[:1]), ValueError, "Y_test"),
    ("mean_test_r2", mean_test_r2, dict(X=X2, Y=Y2, X_test=X2, Y_test=Y2, seed=2**32), ValueError, "seed"),
]


test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)


def test_r2_of_targets_with_a_tiny_variance_matches_scikit_learn() -> None:
    # On the old code the variance was clamped to 1e-12: targets of scale 1e-8 got a wrong R².
    from sklearn.metrics import r2_score

    net, Y = small_net(), Y2 * 1e-8
    with torch.no_grad():
        predicted = net(torch.from_numpy(X2).float()).double().numpy()
    expected = r2_score(Y.astype(np.float32), predicted, multioutput="raw_values")
    np.testing.assert_allclose(r2_per_task(net, X2, Y), expected, rtol=1e-5)
