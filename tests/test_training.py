"""Tests of labkit.training: batches depend only on the seed, the history records what happened,
early stopping stops and restores the best weights, a NumPy model and its PyTorch twin trained
through the same loop give the same loss curve, and accuracy scores a model in its own dtype."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch

from labkit import training
from labkit.backprop import MLP, sgd_step, to_torch
from labkit.data import load_digits_split
from labkit.training import History, accuracy, accuracy_of, fit, minibatches, train_step
from contracts import contract_tests, relation_tests


# -- batches ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n, batch_size", [(1, 1), (10, 3), (10, 10), (7, 100)])
def test_minibatches_partition_the_indices(n: int, batch_size: int) -> None:
    batches = list(minibatches(n, batch_size, np.random.default_rng(0)))
    assert [len(b) for b in batches[:-1]] == [batch_size] * (len(batches) - 1)
    assert 1 <= len(batches[-1]) <= batch_size
    assert sorted(np.concatenate(batches).tolist()) == list(range(n))


def test_minibatches_depend_only_on_the_generator_and_reshuffle_each_epoch() -> None:
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    first = [list(minibatches(50, 8, a)) for _ in range(2)]
    second = [list(minibatches(50, 8, b)) for _ in range(2)]
    for e1, e2 in zip(first, second):
        assert all(np.array_equal(x, y) for x, y in zip(e1, e2))
    assert not np.array_equal(np.concatenate(first[0]), np.concatenate(first[1]))


def record_batches(X, y, **kwargs) -> list[list[float]]:
    seen = []

    def step(xb, yb) -> float:
        seen.append(np.asarray(xb).tolist())
        return 0.0

    fit(step, X, y, **kwargs)
    return seen


def test_same_seed_same_batches_in_numpy_and_torch() -> None:
    X, y = np.arange(23.0), np.arange(23)
    in_numpy = record_batches(X, y, epochs=3, batch_size=4, seed=7)
    in_torch = record_batches(torch.from_numpy(X), torch.from_numpy(y), epochs=3, batch_size=4, seed=7)
    assert in_numpy == in_torch
    assert in_numpy != record_batches(X, y, epochs=3, batch_size=4, seed=8)
    assert len(in_numpy) == 3 * 6


# -- history ------------------------------------------------------------------------------------------
def test_history_records_mean_batch_loss_and_metrics() -> None:
    X, y = np.arange(10.0), np.zeros(10)
    calls = {"evaluate": 0}

    def step(xb, yb) -> float:
        return float(xb.sum())  # the mean over batches of the batch sums is 45 / number of batches

    def evaluate() -> dict[str, float]:
        calls["evaluate"] += 1
        return {"val_loss": 1.0 / calls["evaluate"], "accuracy": 0.5}

    h = fit(step, X, y, epochs=4, batch_size=5, evaluate=evaluate)
    assert isinstance(h, History) and h.epochs == 4
    assert h.train_loss == [22.5] * 4
    assert h.metrics == {"val_loss": [1.0, 0.5, 1 / 3, 0.25], "accuracy": [0.5] * 4}
    assert h.best_epoch == 3 and not h.stopped_early


def test_fit_is_deterministic() -> None:
    X_train, _, y_train, _ = load_digits_split(seed=0)

    def run(seed: int) -> list[float]:
        model = MLP([64, 16, 10], seed=0)

        def step(xb, yb) -> float:
            loss, _ = model.loss_and_gradients(xb, yb)
            sgd_step(model, lr=0.1)
            return loss

        return fit(step, X_train[:300], y_train[:300], epochs=3, batch_size=32, seed=seed).train_loss

    assert run(0) == run(0)
    assert run(0) != run(1)


# -- early stopping -----------------------------------------------------------------------------------
def scripted(val_losses: list[float]):
    """An evaluate() that returns the given validation losses, and a model whose state is its epoch."""
    state = {"epoch": -1}

    def step(xb, yb) -> float:
        return 0.0

    def evaluate() -> dict[str, float]:
        state["epoch"] += 1
        return {"val_loss": val_losses[state["epoch"]]}

    return step, evaluate, state


def test_early_stopping_stops_after_patience_epochs_without_improvement() -> None:
    step, evaluate, _ = scripted([5.0, 4.0, 3.0, 3.0, 3.5, 2.0, 1.0, 0.5])
    h = fit(step, np.zeros(4), np.zeros(4), epochs=8, batch_size=2, evaluate=evaluate, patience=2)
    # Epoch 3 ties the best (3.0): no improvement. Epoch 4 is the second epoch without one: stop.
    assert h.epochs == 5 and h.metrics["val_loss"] == [5.0, 4.0, 3.0, 3.0, 3.5]
    assert h.best_epoch == 2 and h.stopped_early


def test_early_stopping_restores_the_weights_of_the_best_epoch() -> None:
    step, evaluate, state = scripted([5.0, 2.0, 3.0, 4.0, 1.0])
    net = torch.nn.Linear(2, 1)
    with torch.no_grad():
        net.weight.zero_()

    def step_that_trains(xb, yb) -> float:
        with torch.no_grad():
            net.weight += 1.0  # state_dict() holds this very tensor: fit must copy it
        return step(xb, yb)

    h = fit(step_that_trains, np.zeros(2), np.zeros(2), epochs=5, batch_size=2, evaluate=evaluate,
            patience=2, restore_best=net)
    assert h.epochs == 4 and h.best_epoch == 1 and h.stopped_early
    assert torch.equal(net.weight, torch.full((1, 2), 2.0))  # after epoch 1: 2 steps, not the 4 of the end


def test_no_early_stop_when_the_loss_keeps_falling() -> None:
    step, evaluate, _ = scripted([3.0, 2.0, 1.0])
    h = fit(step, np.zeros(2), np.zeros(2), epochs=3, batch_size=1, evaluate=evaluate, patience=1)
    assert h.epochs == 3 and h.best_epoch == 2 and not h.stopped_early


# -- the same curve in NumPy and in PyTorch -----------------------------------------------------------
def test_numpy_mlp_and_its_torch_twin_have_the_same_loss_curve() -> None:
    X_train, X_test, y_train, y_test = load_digits_split(seed=0)
    model = MLP([64, 32, 10], "tanh", init="xavier", seed=0)
    net = to_torch(model)  # built before training: the same initial weights
    lr = 0.2

    def numpy_step(xb, yb) -> float:
        loss, _ = model.loss_and_gradients(xb, yb)
        sgd_step(model, lr)
        return loss

    opt = torch.optim.SGD(net.parameters(), lr=lr)
    torch_step = train_step(opt, lambda xb, yb: torch.nn.functional.cross_entropy(net(xb), yb))

    kwargs = dict(epochs=5, batch_size=64, seed=3)
    h_np = fit(numpy_step, X_train, y_train, **kwargs)
    h_t = fit(torch_step, torch.from_numpy(X_train), torch.from_numpy(y_train), **kwargs)
    np.testing.assert_allclose(h_np.train_loss, h_t.train_loss, rtol=0, atol=1e-10)
    assert h_np.train_loss[-1] < h_np.train_loss[0] / 2
    np.testing.assert_allclose(model.parameters()[0], net[0].weight.detach().numpy().T, atol=1e-10)


# -- output -------------------------------------------------------------------------------------------
def test_nothing_is_printed_when_stdout_is_not_a_terminal(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABKIT_PROGRESS", raising=False)
    fit(lambda xb, yb: 0.0, np.zeros(4), np.zeros(4), epochs=2, batch_size=2)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_a_progress_bar_in_a_terminal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABKIT_PROGRESS", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    fit(lambda xb, yb: 0.0, np.zeros(4), np.zeros(4), epochs=2, batch_size=2)
    out = capsys.readouterr().out
    assert "epoch" in out and "2/2" in out


def test_a_progress_bar_in_a_notebook(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A Jupyter kernel's stdout is no terminal, yet a person watches it."""
    import types

    kernel = types.SimpleNamespace(config={"IPKernelApp": {}})
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: kernel))
    monkeypatch.delenv("LABKIT_PROGRESS", raising=False)
    fit(lambda xb, yb: 0.0, np.zeros(4), np.zeros(4), epochs=3, batch_size=2)
    assert "3/3" in capsys.readouterr().out


@pytest.mark.parametrize("watched", ["terminal", "notebook"])
def test_the_site_build_shows_no_bar(watched: str, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """build.env sets LABKIT_PROGRESS=0: myst-nb's kernels and sphinx-gallery print no bar into the pages."""
    import build_env

    assert build_env.read()["LABKIT_PROGRESS"] == "0"
    monkeypatch.setenv("LABKIT_PROGRESS", "0")
    if watched == "terminal":
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    else:
        import types

        kernel = types.SimpleNamespace(config={"IPKernelApp": {}})
        monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: kernel))
    fit(lambda xb, yb: 0.0, np.zeros(4), np.zeros(4), epochs=2, batch_size=2)
    assert capsys.readouterr().out == ""


# -- bad input ------------------------------------------------------------------------------------------
def ok_step(xb, yb) -> float:
    return 0.0


def ok_loss(xb, yb) -> torch.Tensor:
    return ((NET(xb) - yb) ** 2).mean()


X4, Y4 = np.zeros(4), np.zeros(4)
FIT = dict(epochs=1, batch_size=2)
NET = torch.nn.Linear(2, 3)
VALID_CALLS = {
    "History": lambda: (History, dict(train_loss=[0.5], metrics={"acc": [1.0]}, best_epoch=0, stopped_early=False)),
    "minibatches": lambda: (minibatches, dict(n=5, batch_size=2, rng=np.random.default_rng(0))),
    "fit": lambda: (fit, dict(step=ok_step, X=np.ones((4, 2)), y=np.ones(4), epochs=1, batch_size=2, seed=1,
                              evaluate=lambda: {"val_loss": 0.5}, patience=1, restore_best=torch.nn.Linear(2, 1))),
    "train_step": lambda: (train_step, dict(optimizer=torch.optim.SGD(NET.parameters(), lr=0.1), loss_fn=ok_loss)),
    "accuracy": lambda: (accuracy, dict(model=NET, X=np.ones((4, 2)), y=np.array([0, 1, 2, 0]))),
    "accuracy_of": lambda: (accuracy_of, dict(scores=np.eye(3), y=np.array([0, 1, 1]))),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(training, VALID_CALLS)

# Relations between arguments and what a callable returns stay checked inline.
BAD_INPUTS = [
    ("fit", fit, dict(step=ok_step, X=X4, y=np.zeros(3), **FIT), ValueError, "y"),
    ("fit", fit, dict(step=ok_step, X=X4, y=Y4, patience=2, **FIT), ValueError, "patience"),
    ("fit", fit, dict(step=ok_step, X=X4, y=Y4, evaluate=lambda: {"acc": 1.0}, patience=1, **FIT),
     ValueError, "evaluate"),
    ("fit", fit, dict(step=ok_step, X=X4, y=Y4, evaluate=lambda: 0.5, **FIT), TypeError, "evaluate"),
    ("fit", fit, dict(step=ok_step, X=X4, y=Y4, restore_best=NET, **FIT), ValueError, "restore_best"),
    ("fit", fit, dict(step=lambda xb, yb: "low", X=X4, y=Y4, **FIT), TypeError, "step"),
    ("fit", fit, dict(step=lambda xb, yb: float("nan"), X=X4, y=Y4, **FIT), ValueError, "step"),
    # Round 2 of the probe (issue 15): each row below failed before its fix (fit(epochs=10**30) hung).
    ("fit", fit, dict(step=ok_step, X=X4, y=Y4, epochs=10**6 + 1, batch_size=2), ValueError, "epochs"),
    ("fit", fit, dict(step=ok_step, X=X4, y=Y4, epochs=1, batch_size=2**28 + 1), ValueError, "batch_size"),
    ("fit", fit, dict(step=lambda xb: 0.0, X=X4, y=Y4, **FIT), TypeError, "step"),
    ("fit", fit, dict(step=ok_step, X=X4, y=Y4, evaluate=lambda scores: {}, **FIT), TypeError, "evaluate"),
    ("minibatches", lambda: minibatches(10**30, 2, np.random.default_rng(0)), ValueError, "n"),
    ("History", lambda: History(train_loss=[0.5, float("nan")]), ValueError, "train_loss"),
    ("train_step", lambda: train_step(torch.optim.SGD(NET.parameters(), lr=0.1), lambda xb, yb: 0.5)(X4, Y4),
     TypeError, "loss_fn"),
    ("accuracy", accuracy, dict(model=NET, X=np.ones((4, 3)), y=Y4.astype(int)), ValueError, "X"),
    ("accuracy", accuracy, dict(model=NET, X=np.ones((4, 2)), y=np.array([0, 1, 2])), ValueError, "y"),
    ("accuracy", accuracy, dict(model=NET, X=np.ones((4, 2)), y=np.array([0, 1, 2, 3])), ValueError, "y"),
    ("accuracy", accuracy, dict(model=NET, X=np.full((4, 2), 1e300), y=Y4.astype(int)), ValueError, "X"),
    ("accuracy_of", accuracy_of, dict(scores=np.eye(3), y=np.array([0, 1, 3])), ValueError, "y"),
    ("accuracy_of", accuracy_of, dict(scores=np.eye(3), y=np.array([0, 1])), ValueError, "y"),
    ("accuracy_of", accuracy_of, dict(scores=np.array([0.0, 1.0]), y=np.array([0, 1])), TypeError, "scores"),
    ("accuracy_of", accuracy_of, dict(scores=np.zeros((2, 2, 2)), y=np.array([0, 1])), ValueError, "scores"),
]


def test_history_stores_any_sequence_of_losses_as_a_list() -> None:
    # History(train_loss=(1.0, 0.5)) was refused (round 2 of the probe): a tuple is a sequence of losses.
    history = History(train_loss=(1.0, np.float32(0.5)))
    assert history.train_loss == [1.0, 0.5] and isinstance(history.train_loss, list)
    history.train_loss.append(0.25)  # fit appends to it
    assert history.epochs == 3


test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)


# -- accuracy -------------------------------------------------------------------------------------------
def test_a_float64_network_is_scored_in_float64() -> None:
    # labkit.regularization.accuracy fed every model float32: a float64 network raised a dtype error.
    net = torch.nn.Linear(2, 2).double()
    with torch.no_grad():
        net.weight.copy_(torch.eye(2))
        net.bias.zero_()
    X = np.array([[1.0, 1.0 + 1e-12], [1.0 + 1e-12, 1.0]])  # the classes differ below float32's resolution
    assert accuracy(net, X, np.array([1, 0])) == 1.0
    assert accuracy(net.float(), X, np.array([1, 0])) == 0.5  # in float32 both rows tie: class 0


def test_accuracy_runs_the_model_in_eval_mode_without_gradients_and_gives_its_mode_back() -> None:
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Dropout(0.9))
    X, y = np.random.default_rng(0).normal(size=(50, 4)), np.zeros(50, dtype=int)
    with torch.no_grad():
        expected = accuracy_of(net.eval()(torch.as_tensor(X, dtype=torch.float32)), y)
    net.train()
    assert accuracy(net, X, y) == expected == accuracy(net, X, y)  # dropout off: the same every time
    assert net.training


def test_accuracy_of_scores_and_of_predicted_classes_agree_in_numpy_and_torch() -> None:
    scores = np.random.default_rng(1).normal(size=(40, 5))
    y = np.random.default_rng(2).integers(0, 5, size=40)
    expected = float(np.mean(scores.argmax(axis=1) == y))
    assert accuracy_of(scores, y) == accuracy_of(torch.from_numpy(scores), torch.from_numpy(y)) == expected
    assert accuracy_of(scores.argmax(axis=1), y) == accuracy_of(torch.tensor(scores).float().requires_grad_(), y)
