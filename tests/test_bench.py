"""``make bench`` (tools/bench.py): one table of ratios, each the median of interleaved rounds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench", ROOT / "tools" / "bench.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench"] = bench  # dataclasses look their module up there
_spec.loader.exec_module(bench)


def test_the_table_keeps_each_rounds_ratio_and_says_whether_the_goal_is_met():
    fast = bench.Case("fast", "ref", lambda: (1.0, 2.0))
    times = iter([(3.0, 1.0), (1.0, 1.0), (2.0, 1.0)])
    slow = bench.Case("slow", "ref", lambda: next(times))
    rows = bench.run([fast, slow], rounds=3, log=lambda _m: None)
    assert rows[0].ratios == (0.5, 0.5, 0.5) and rows[1].ratios == (3.0, 1.0, 2.0)
    assert rows[1].median == 2.0 and rows[1].spread == (1.5, 2.5)
    lines = bench.table(rows).splitlines()
    assert lines[2].endswith("| 0.50 | 0.50-0.50 | <= 1.0 | yes |")
    assert lines[3].endswith("| 2.00 | 1.50-2.50 | <= 1.0 | no |")


def test_make_bench_quick_prints_one_row_per_case(capsys):
    assert bench.main(["--quick", "--rounds", "1"]) == 0
    out, roofline = capsys.readouterr().out.split("Roofline of one core: ")
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line][1:]
    names = [r.split(" | ")[0][2:] for r in rows]
    assert names[:2] == ["Tensor engine, MLP step, batch 32", "Tensor engine, MLP step, batch 256"]
    assert all(n == "GCN layer, 1e4 edges" for n in names[2:]) and len(names) >= 4
    assert all(float(r.split(" | ")[4]) > 0 for r in rows)
    placed = [line for line in roofline.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [r.split(" | ")[0][2:] for r in placed] == ["Tensor engine, MLP step, batch 32 (float64)",
                                                       "GCN layer, 1e4 edges (float32)"]
    assert all(0 < float(r.split(" | ")[-1].rstrip(" |%")) for r in placed)


def test_bench_refuses_zero_rounds(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--rounds", "0"])
    assert "--rounds must be at least 1, got 0" in capsys.readouterr().err


def test_the_work_counts_match_the_formulas():
    flops, nbytes = bench.mlp_step_work(10)
    assert flops == 2 * 10 * (64 * 128 + 128 * 10) * 2 + 2 * 10 * 128 * 10
    assert nbytes == 8 * (10 * 64 + 3 * (64 * 128 + 128 + 128 * 10 + 10) + 4 * 10 * (128 + 10))
    assert bench.gcn_layer_work(100, 1000, features=8) == (3 * 2 * 100 * 64 + 4 * 1000 * 8, 32 * 100 * 8 + 24000)
