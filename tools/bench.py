"""``make bench``: labkit against its references, side by side in one run, as one table of ratios.

Each row times labkit's code and a reference on the same work with the functions the pages use
(:func:`labkit.autodiff.measure.training_step_times`, :func:`labkit.graphs.benchmark_gcn_layer`), in
``rounds`` interleaved rounds: a burst of load on a shared machine slows both sides of a round alike,
so the ratio of each round is kept, and the table gives their median and their spread (first to third
quartile). A ratio below 1 means labkit is the faster; the goal column is issue 19's target.

    python tools/bench.py [--rounds N] [--quick]

``--quick`` runs small sizes only (seconds, for the test of this script); the table's format is the same.

A second table places the batch-1,797 step and the 10^6-edge layer on this core's measured roofline
(:func:`labkit.hardware.measured_peaks`: the best matrix product and a large addition, one thread): their
FLOPs and compulsory bytes, the time the roofline allows, and the fraction of it that the code reaches.
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
    rows += [gcn_case(e, r, repeats) for e in edges for r in references]
    if not quick:  # 10^7 edges: about 1 GB per method and a second a call; PyG's edge_index form takes minutes
        rows += [gcn_case(10**7, r, 1) for r in references if r != "pyg"]
    return rows


# -- How close to this core's limit -------------------------------------------------------------------

MLP_SIZES = (64, 128, 10)  # training_step_times' network


def mlp_step_work(batch: int) -> tuple[float, float]:
    """FLOPs of the matrix products of one SGD step of the 64-128-10 MLP, and its compulsory bytes (float64).

    Forward ``2 B (64 x 128 + 128 x 10)``; backward, the weight gradients of both layers and the input
    gradient of the second (the first layer's input needs none). Bytes: the batch read once, the weights
    read and written, the activations written and read back once.
    """
    (a, b, c), item = MLP_SIZES, 8
    flops = 2 * batch * (a * b + b * c) + 2 * batch * (a * b + b * c) + 2 * batch * b * c
    weights = a * b + b + b * c + c
    activations = batch * (b + c)
    return float(flops), float(item * (batch * a + 3 * weights + 2 * 2 * activations))


def gcn_layer_work(num_nodes: int, nnz: int, features: int = 64) -> tuple[float, float]:
    """FLOPs and compulsory bytes (float32) of one GCN layer's forward and backward pass.

    Three dense products of ``(N, F) x (F, F)`` (``x W``, and the two gradients) and two sparse products
    with ``nnz`` entries (``A h`` and ``A^T g``). Bytes: four ``(N, F)`` matrices read and four written,
    and the two CSR matrices read (an int64 index and a float32 value per entry).
    """
    flops = 3 * 2 * num_nodes * features**2 + 2 * 2 * nnz * features
    return float(flops), float(4 * 8 * num_nodes * features + 2 * nnz * 12)


def roofline_rows(quick: bool) -> str:
    """The second table: each workload's roofline time on this core, and the fraction the code reaches."""
    from labkit.autodiff.measure import training_step_times
    from labkit.graphs import benchmark_gcn_layer, benchmark_graph, gcn_norm
    from labkit.hardware import Workload, measured_peaks, run_sweep

    dtypes = {"float64": 8, "float32": 4}
    run = run_sweep("cpu", repeats=3 if quick else 7, threads=1, log=lambda _m: None,
                    workloads=[Workload.matmul(128 if quick else 512, d) for d in dtypes]
                    + [Workload.elementwise(2**16 if quick else 2**24)])
    peaks = measured_peaks(run, "cpu")
    batch, edges = (32, 10**4) if quick else (1797, 10**6)
    graph = gcn_norm(benchmark_graph(edges))  # the self-loops are entries of the sparse products too
    work = {f"Tensor engine, MLP step, batch {batch} (float64)": (*mlp_step_work(batch), "float64",
                                                                    training_step_times(batch, repeats=21)[0]),
            f"GCN layer, {edges:.0e} edges (float32)".replace("e+0", "e"): (
                *gcn_layer_work(graph.num_nodes, graph.num_edges), "float32",
                benchmark_gcn_layer(edges, ["labkit"], repeats=3 if quick else 7)["labkit"])}
    lines = [f"Roofline of one core: {peaks['peak_flops_by_dtype']['float64'] / 1e9:.1f} GFLOP/s in float64, "
             f"{peaks['peak_flops_by_dtype']['float32'] / 1e9:.1f} in float32, {peaks['bandwidth'] / 1e9:.1f} GB/s",
             "| workload | GFLOP | MB | bound by | roofline ms | measured ms | fraction of the roofline |",
             "|---|---:|---:|---|---:|---:|---:|"]
    for name, (flops, nbytes, dtype, seconds) in work.items():
        compute, memory = flops / peaks["peak_flops_by_dtype"][dtype], nbytes / peaks["bandwidth"]
        bound = max(compute, memory)
        lines.append(f"| {name} | {flops / 1e9:.3f} | {nbytes / 1e6:.1f} | "
                     f"{'compute' if compute >= memory else 'memory'} | {1e3 * bound:.2f} | {1e3 * seconds:.2f} | "
                     f"{bound / seconds:.0%} |")
    return "\n".join(lines)


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
    print()
    print(roofline_rows(args.quick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
