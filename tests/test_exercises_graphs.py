"""The graphs page's coding exercises: PyG's references agree with labkit's own graph code, the reference
solutions pass, each classic mistake is named (and first differs from the right answer on a case where it
differs from every other mistake too), and answers outside the list get the message that fits them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from labkit.exercises import check, names, solution_path
from labkit.exercises._core import REGISTRY, _same, now
from labkit.graphs import Graph, gcn_norm, propagate

pytest.importorskip("torch_geometric")
GRAPHS = names("graphs")


def test_the_page_has_two_exercises():
    assert GRAPHS == ["graphs.gcn_normalize", "graphs.mean_aggregate"]


@pytest.mark.parametrize("exercise_id", GRAPHS)
def test_the_reference_solution_passes(exercise_id):
    report = check(exercise_id, solution_path(exercise_id), language="en")
    assert report.passed, str(report)


def test_pyg_references_agree_with_labkit():
    # Two independent computations of the same numbers: PyG (the checker's reference) and labkit.graphs.
    rng = np.random.default_rng(0)
    for case in REGISTRY["graphs.gcn_normalize"].cases(rng):
        A = case["A"]
        ei = torch.tensor(np.argwhere(A).T, dtype=torch.long).reshape(2, -1)
        dense = gcn_norm(Graph(ei, len(A)), torch.float64).adjacency().numpy()
        np.testing.assert_allclose(REGISTRY["graphs.gcn_normalize"].reference(A), dense, rtol=1e-12)
    for case in REGISTRY["graphs.mean_aggregate"].cases(rng):
        ei, X = case["edge_index"], case["X"]
        ours = propagate(Graph(ei, len(X)), torch.tensor(X), "mean").numpy()
        np.testing.assert_allclose(REGISTRY["graphs.mean_aggregate"].reference(ei, X), ours, rtol=1e-12)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # the NaN mistake, on purpose
@pytest.mark.parametrize("exercise_id", GRAPHS)
def test_each_mistake_is_named_where_it_first_differs(exercise_id):
    exercise = REGISTRY[exercise_id]
    cases = exercise.cases(np.random.default_rng(0))
    for mistake in exercise.mistakes:
        report = check(exercise_id, mistake.wrong, language="en")
        assert not report.passed
        assert now(mistake.says) in str(report), (mistake.says, str(report))
        first = next(c for c in cases if not _same([_quiet(mistake.wrong, c)], [exercise.reference(**c)],
                                                     exercise.rtol, exercise.atol))
        others = [m for m in exercise.mistakes if m is not mistake]
        assert not any(_same([_quiet(mistake.wrong, first)], [_quiet(m.wrong, first)], exercise.rtol,
                             exercise.atol, equal_nan=True) for m in others), mistake.says


def _quiet(function, case):
    with np.errstate(all="ignore"):
        return function(**case)


def test_a_mistake_is_named_in_french():
    report = check("graphs.mean_aggregate", lambda edge_index, X: REGISTRY["graphs.mean_aggregate"].mistakes[0]
                   .wrong(edge_index, X), language="fr")
    assert "Ceci est la somme des messages, pas leur moyenne" in str(report), str(report)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_other_wrong_answers_get_the_fitting_message():
    # No self-loops at all and no normalisation: values that disagree with PyG, the output named.
    report = check("graphs.gcn_normalize", lambda A: A + np.eye(len(A)), language="en")
    assert "A_norm:" in str(report) and "disagree with PyG (gcn_norm)" in str(report), str(report)
    # A max instead of a mean: the output named too.
    def max_aggregate(edge_index, X):
        H = np.zeros_like(X)
        for v in range(len(X)):
            got = X[edge_index[0][edge_index[1] == v]]
            H[v] = got.max(axis=0) if len(got) else 0
        return H
    report = check("graphs.mean_aggregate", max_aggregate, language="en")
    assert "H:" in str(report) and "case 1" in str(report), str(report)
    # The features returned unchanged: same shape, so the checker must compare values.
    report = check("graphs.mean_aggregate", lambda edge_index, X: X, language="en")
    assert not report.passed and "H:" in str(report), str(report)
    # Changing A in place (A += I) is caught, even when the result is right.
    def in_place(A):
        A += np.eye(len(A))
        d = A.sum(axis=1) ** -0.5
        return d[:, None] * A * d[None, :]
    report = check("graphs.gcn_normalize", in_place, language="en")
    assert "changed its argument A in place" in str(report), str(report)
    # Repeated edges counted once (the edges made a set): right on case 1, which has none; case 2 has one.
    def deduplicated(edge_index, X):
        return REGISTRY["graphs.mean_aggregate"].reference(np.unique(edge_index, axis=1), X)
    report = check("graphs.mean_aggregate", deduplicated, language="en")
    assert "On case 2" in str(report) and "H:" in str(report), str(report)


@pytest.mark.parametrize("exercise_id", GRAPHS)
def test_the_skeleton_is_not_written_yet(exercise_id, tmp_path):
    from labkit.exercises import skeleton

    path = tmp_path / "answer.py"
    path.write_text(skeleton(exercise_id, language="en"), encoding="utf-8")
    assert "is not written yet" in str(check(exercise_id, path, language="en"))
