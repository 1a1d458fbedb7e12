"""``make bench``: labkit against its references, side by side in one run, as one table of ratios.

Each row times labkit's code and a reference on the same work with the functions the pages use
(:func:`labkit.autodiff.measure.training_step_times`, :func:`labkit.graphs.benchmark_gcn_layer`), in
``rounds`` interleaved rounds: a burst of load on a shared machine slows both sides of a round alike,
so the ratio of each round is kept, and the table gives their median and their spread (first to third
quartile). A ratio below 1 means labkit is the faster; the goal column is issue 19's target.

    python tools/bench.py [--rounds N] [--quick]

``--quick`` runs small sizes only (seconds, for the test of this script); the table's format is the same.
"""

from __future__ import annotations

import argparse
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Case:
    """One row: what is compared, and a function timing ``(labkit_seconds, reference_seconds)`` once."""

    name: str
    reference: str
    measure: Callable[[], tuple[float, float]]
    goal: float = 1.0


def engine_case(batch: int, repeats: int) -> Case:
    from labkit.autodiff.measure import training_step_times

    return Case(f"Tensor engine, MLP step, batch {batch}", "torch.autograd",
                lambda: training_step_times(batch, repeats=repeats))


def gcn_case(num_edges: int, reference: str, repeats: int) -> Case:
    from labkit.graphs import benchmark_gcn_layer

    def measure() -> tuple[float, float]:
        t = benchmark_gcn_layer(num_edges, ["labkit", reference], repeats=repeats)
        return t["labkit"], t[reference]

    name = {"dgl": "DGL GraphConv", "pyg": "PyG GCNConv", "pyg_sparse": "PyG GCNConv (CSR adj_t)"}[reference]
    return Case(f"GCN layer, {num_edges:.0e} edges".replace("e+0", "e"), name, measure)


def cases(quick: bool) -> list[Case]:
    from labkit.graphs import has_dgl

    batches, edges, repeats = ([32, 256], [10**4], 3) if quick else ([32, 256, 1797], [10**5, 10**6], 7)
    rows = [engine_case(b, 21 if not quick else repeats) for b in batches]
    references = (["dgl"] if has_dgl() else []) + ["pyg", "pyg_sparse"]
    return rows + [gcn_case(e, r, repeats) for e in edges for r in references]


@dataclass(frozen=True)
class Row:
    case: Case
    labkit_s: float
    reference_s: float
    ratios: tuple[float, ...]

    @property
    def median(self) -> float:
        return float(np.median(self.ratios))

    @property
    def spread(self) -> tuple[float, float]:
        q1, q3 = np.percentile(self.ratios, [25, 75])
        return float(q1), float(q3)


def run(rows: Sequence[Case], rounds: int, log: Callable[[str], None] = print) -> list[Row]:
    """Time every case ``rounds`` times, the cases interleaved within each round."""
    samples: dict[str, list[tuple[float, float]]] = {c.name + c.reference: [] for c in rows}
    for r in range(rounds):
        for c in rows:
            samples[c.name + c.reference].append(c.measure())
        log(f"round {r + 1}/{rounds} done")
    out = []
    for c in rows:
        s = np.array(samples[c.name + c.reference])
        out.append(Row(c, float(np.median(s[:, 0])), float(np.median(s[:, 1])), tuple(s[:, 0] / s[:, 1])))
    return out


def table(rows: Sequence[Row]) -> str:
    """The Markdown table that ``make bench`` prints."""
    lines = ["| labkit | reference | labkit ms | reference ms | ratio (median) | spread (q1-q3) | goal | met |",
             "|---|---|---:|---:|---:|---|---:|---|"]
    for r in rows:
        q1, q3 = r.spread
        lines.append(f"| {r.case.name} | {r.case.reference} | {1e3 * r.labkit_s:.3f} | {1e3 * r.reference_s:.3f} "
                     f"| {r.median:.2f} | {q1:.2f}-{q3:.2f} | <= {r.case.goal:.1f} | "
                     f"{'yes' if r.median <= r.case.goal else 'no'} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="small sizes only, for a smoke test")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {args.rounds}")
    import torch

    print(f"{platform.machine()}, {torch.get_num_threads()} torch threads available (each case runs on one), "
          f"torch {torch.__version__}, numpy {np.__version__}")
    print(table(run(cases(args.quick), args.rounds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
