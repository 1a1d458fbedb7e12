"""Tests of labkit.hardware: FLOP counts against PyTorch's own FLOP counter and hand counts, the roofline
formula and the measured ceilings, the offload model, the sweep, and bad input. The typed results, their
JSON files and the page's two paths (no GPU run recorded, a recorded run) are tested in
tests/test_hardware_results.py; the timer itself in tests/test_timing.py."""

from __future__ import annotations

import copy
import dataclasses
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch.utils.flop_counter import FlopCounterMode

from labkit import hardware
from labkit.hardware import (
    SHARED_MEMORY_PER_SM, dequantize, quantize_int8, tiled_matmul,
    LAUNCH_LATENCY_S, SPEC_CPU, SPEC_GPU, SPECIFICATIONS, Result, Run, Workload, available_devices, crossover,
    curve, environment, gpu_roofline, load_results, main, measure, measured_peaks, offload_time, plan, provenance,
    recorded_gpu_run, ridge_point, roofline_bound, run_sweep, save_results, spec_roofline, synchronizer,
    thread_scaling,
)
from labkit.timing import Timing
from contracts import contract_tests, relation_tests
from hardware_rows import result, run_of

SETTINGS = settings(deadline=None, derandomize=True, max_examples=15)


def torch_flops(fn) -> int:
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


# -- FLOP and byte counts ------------------------------------------------------------------------------
def test_hand_counted_cases():
    assert (Workload.matmul(2).flops, Workload.matmul(2).bytes) == (16, 48)  # 4 dot products of length 2
    assert (Workload.elementwise(10, "float64").flops, Workload.elementwise(10, "float64").bytes) == (10, 240)
    conv = Workload.conv2d(1, 1, 3, kernel=3)  # 9 outputs, 9 multiply-adds each; 9 + 9 + 9 floats moved
    assert (conv.flops, conv.bytes) == (162, 108)
    mlp = Workload.mlp_step(2, sizes=[3, 4, 5])  # S = 12 + 20 = 32; input gradient of layer 2 only: 20
    assert mlp.flops == 2 * 2 * 32 * 2 + 2 * 2 * 20
    assert mlp.bytes == 4 * (2 * 3 + 2 * 2 * 9 + 6 * (32 + 9))
    assert (Workload.copy(100).flops, Workload.copy(100).bytes, Workload.copy(100, pinned=True).kind) == (0, 100, "pinned_copy")
    assert Workload.matmul(6, "bfloat16").intensity == pytest.approx(2 * 6**3 / (3 * 36 * 2))


@SETTINGS
@given(n=st.integers(1, 48), dtype=st.sampled_from(["float32", "float64"]))
def test_matmul_and_elementwise_flops_match_torch_flop_counter(n, dtype):
    assert torch_flops(Workload.matmul(n, dtype).runner("cpu")) == Workload.matmul(n, dtype).flops
    assert Workload.elementwise(n, dtype).runner("cpu")().shape == (n,)


@SETTINGS
@given(batch=st.integers(1, 3), channels=st.integers(1, 4), height=st.integers(1, 6), kernel=st.sampled_from([1, 3, 5]))
def test_conv2d_flops_match_torch_flop_counter(batch, channels, height, kernel):
    assume(kernel <= height)  # a kernel larger than the image is refused
    w = Workload.conv2d(batch, channels, height, kernel)
    out = w.runner("cpu")()
    assert tuple(out.shape) == (batch, channels, height, height)  # same padding
    assert torch_flops(w.runner("cpu")) == w.flops


@SETTINGS
@given(batch=st.integers(1, 9), sizes=st.lists(st.integers(1, 9), min_size=2, max_size=4))
def test_mlp_step_flops_match_torch_flop_counter(batch, sizes):
    w = Workload.mlp_step(batch, sizes=sizes)
    assert torch_flops(w.runner("cpu")) == w.flops  # forward, backward and no input gradient for the data


def test_mlp_step_trains():
    step = Workload.mlp_step(64, sizes=[8, 16, 3]).runner("cpu")
    losses = [float(step()) for _ in range(30)]
    assert losses[-1] < losses[0]


def test_runners_are_seeded():
    a, b, c = (Workload.matmul(5, "float64").runner("cpu", seed=s)() for s in (0, 0, 1))
    assert torch.equal(a, b) and not torch.equal(a, c)


# -- roofline -------------------------------------------------------------------------------------------
@SETTINGS
@given(i=st.floats(0, 1e4), peak=st.floats(1e6, 1e15), bw=st.floats(1e6, 1e13))
def test_roofline_is_min_of_peak_and_intensity_times_bandwidth(i, peak, bw):
    assert roofline_bound([i], peak, bw)[0] == min(peak, i * bw)
    assert roofline_bound([ridge_point(peak, bw)], peak, bw)[0] == pytest.approx(peak)


def test_measured_peaks_take_the_best_rows_and_skip_thread_scaling_rows():
    rows = [result("matmul", median_s=1.0), result("matmul", median_s=0.5),
            result("matmul", dtype="float64", median_s=2.0),
            result("elementwise", flops=1, bytes=12, median_s=0.1),
            result("matmul", median_s=0.01, thread_scaling=True)]
    peaks = measured_peaks(run_of(*rows), "cpu")
    assert peaks["peak_flops"] == 200.0 and peaks["peak_dtype"] == "float32"
    assert peaks["peak_flops_by_dtype"] == {"float32": 200.0, "float64": 50.0}
    assert peaks["bandwidth"] == pytest.approx(120.0)
    conv = result("conv2d", flops=1000, median_s=1.0)
    assert measured_peaks(run_of(*rows, conv), "cpu")["peak_flops"] == 1000.0
    on_gpu = [dataclasses.replace(r, device="cuda") for r in rows + [conv]]  # cuDNN may use TF32: not a float32 peak
    assert measured_peaks(run_of(*on_gpu), "cuda")["peak_flops"] == 200.0


def test_bandwidth_ceiling_is_the_largest_addition_not_a_cached_one():
    big = result("elementwise", flops=10**6, bytes=12 * 10**6, median_s=1e-3)
    small = result("elementwise", flops=10**3, bytes=12 * 10**3, median_s=1e-7)  # 120 GB/s: served from a cache
    product = result("matmul", flops=2 * 10**6, bytes=12 * 10**4, median_s=1e-3)  # the FLOP/s ceiling, needed too
    assert measured_peaks(run_of(small, big, product), "cpu")["bandwidth"] == pytest.approx(12e9)


def test_a_sweep_without_ceilings_keeps_its_results_but_measured_peaks_refuses_it():
    # A sweep of MLP steps only measures no ceiling: it is still a run ...
    run = run_sweep(["cpu"], repeats=1, workloads=[Workload.mlp_step(2, sizes=[3, 2])])
    assert [r.workload.kind for r in run.results] == ["mlp_step"]
    # ... but asked for the ceilings, measured_peaks says which rows are missing.
    with pytest.raises(ValueError, match=r"\brun\b.*matmul or conv2d.*elementwise"):
        measured_peaks(run, "cpu")


def test_specifications_are_labeled_with_their_source():
    for spec in SPECIFICATIONS.values():
        assert spec["source"] and spec["bandwidth"] > 0
    assert spec_roofline(SPEC_CPU, "float32")[0] == pytest.approx(7.168e12)
    assert spec_roofline(SPEC_CPU, "bfloat16 amx")[0] == pytest.approx(114.688e12)  # 56 x 1,024 x 2.0 GHz
    assert SPECIFICATIONS[SPEC_GPU]["host_link"] == 64e9  # PCIe Gen5 x16, one direction


def test_huge_results_are_the_ieee_answer():
    assert ridge_point(1e308, 1e-308) == float("inf")  # overflows float64: inf, never NaN
    assert roofline_bound([1e308], 1e308, 1e308)[0] == 1e308


# -- the offload model ------------------------------------------------------------------------------------
def test_offload_time_adds_launch_and_copies_to_the_roofline_time():
    w = Workload.matmul(1000)  # 2e9 FLOPs, 12e6 bytes
    assert offload_time(w, 1e12, 1e12, launch_s=0.0) == pytest.approx(2e-3)  # compute-bound
    assert offload_time(w, 1e15, 1e9, launch_s=0.0) == pytest.approx(12e-3)  # memory-bound
    assert offload_time(w, 1e12, 1e12) == pytest.approx(2e-3 + LAUNCH_LATENCY_S)
    assert offload_time(w, 1e12, 1e12, launch_s=0.0, link_bandwidth=1e9) == pytest.approx(2e-3 + 12e-3)
    tiny = Workload.matmul(2)
    assert offload_time(tiny, 1e15, 1e12) >= LAUNCH_LATENCY_S  # never below the launch latency


@SETTINGS
@given(times=st.lists(st.tuples(st.floats(0.1, 10), st.floats(0.1, 10)), min_size=1, max_size=8))
def test_crossover_is_the_start_of_the_last_run_of_wins(times):
    a, b = np.array(times).T
    sizes = list(range(1, len(times) + 1))
    n = crossover(sizes, a, b)
    if n is None:
        assert a[-1] >= b[-1]
    else:
        assert np.all(a[n - 1:] < b[n - 1:]) and (n == 1 or a[n - 2] >= b[n - 2])


def test_cpu_synchronizer_and_devices():
    assert available_devices()[0] == "cpu" and synchronizer("cpu")() is None
    assert environment(["cpu"])["devices"]["cpu"]["threads"] == torch.get_num_threads()


# -- the sweep ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cpu_run() -> Run:
    return run_sweep(["cpu"], "tiny", repeats=1)


def test_sweep_records_counts_timings_and_provenance(cpu_run):
    env = cpu_run.environment
    assert {"date", "host_cpu", "torch", "numpy", "python", "devices"} <= set(env)
    assert env["torch"] == torch.__version__ and env["numpy"] == np.__version__
    planned = plan("cpu", "tiny")
    assert planned == [r.workload for r in cpu_run.results if not r.thread_scaling]  # the counts are the plan's
    assert all(r.timing.median_s > 0 and r.device == "cpu" for r in cpu_run.results)
    c = curve(cpu_run, "cpu", "matmul")
    assert c["size"].tolist() == [32] and c["flops"][0] == 2 * 32**3 and c["q1_s"][0] <= c["median_s"][0] <= c["q3_s"][0]
    peaks = measured_peaks(cpu_run, "cpu")
    assert peaks["peak_flops"] > 0 and peaks["bandwidth"] > 0


def test_thread_scaling_and_measure_restore_the_thread_count():
    before = torch.get_num_threads()
    if before < 2:
        pytest.skip("needs 2 CPU threads")
    rows = thread_scaling([Workload.elementwise(4096)], repeats=1)
    assert [r.threads for r in rows] == [1, before] and torch.get_num_threads() == before
    assert all(r.thread_scaling for r in rows)
    with pytest.raises(TypeError):
        measure(Workload.matmul(4), "cpu", threads=1.5)
    assert torch.get_num_threads() == before
    one = run_sweep(["cpu"], repeats=1, workloads=[Workload.matmul(8), Workload.elementwise(64)], threads=1)
    assert [(r.workload.kind, r.threads, r.thread_scaling) for r in one.results] == [
        ("matmul", 1, False), ("elementwise", 1, False)]
    assert torch.get_num_threads() == before
    every = run_sweep(["cpu"], repeats=1, workloads=[Workload.matmul(8), Workload.matmul(16)])
    assert [(r.workload.size, r.threads, r.thread_scaling) for r in every.results] == [
        (8, before, False), (16, before, False), (16, 1, True)]  # the largest product, on one thread


def test_measure_gives_a_result_of_the_workload_on_the_device():
    w = Workload.elementwise(256)
    r = measure(w, "cpu", repeats=2, threads=1)
    assert (r.device, r.workload, r.threads, r.thread_scaling, r.timing.repeats) == ("cpu", w, 1, False, 2)
    assert r.flops_per_s == w.flops / r.timing.median_s


def test_command_line_writes_a_valid_file(tmp_path, capsys):
    assert main(["--devices", "cpu", "--profile", "tiny", "--repeats", "1", "--output", str(tmp_path / "r.json")]) == 0
    run = load_results(tmp_path / "r.json")
    out = capsys.readouterr().out
    assert "measured on" in out and provenance(run, "cpu").startswith("measured on")
    assert f"wrote {len(run.results)} results to" in out


def test_the_module_runs_the_command_line():
    import labkit.hardware.__main__ as entry

    assert entry.main is main


# -- argument contracts -------------------------------------------------------------------------------------
TMP = Path(tempfile.mkdtemp(prefix="labkit-hardware-"))
SMALL_RUN = run_sweep(["cpu"], repeats=1, workloads=[Workload.matmul(4), Workload.elementwise(64)], threads=1)
SAVED = save_results(SMALL_RUN, TMP / "run.json")


def small_run() -> Run:
    return copy.deepcopy(SMALL_RUN)


def without_cpu_threads(environment: dict) -> dict:
    """``environment`` (copied) no longer saying how many CPU threads there were."""
    environment = copy.deepcopy(environment)
    del environment["devices"]["cpu"]["threads"]
    return environment


VALID_CALLS = {
    "synchronizer": lambda: (synchronizer, dict(device="cpu")),
    "available_devices": lambda: (available_devices, {}),
    "environment": lambda: (environment, dict(devices=["cpu"])),
    "Workload": lambda: (Workload, dict(kind="matmul", size=2, dtype="float32", flops=16, bytes=48, shape={"n": 2})),
    "Workload.as_dict": lambda: (Workload.matmul(2).as_dict, {}),
    "Workload.matmul": lambda: (Workload.matmul, dict(n=4, dtype="float64")),
    "Workload.elementwise": lambda: (Workload.elementwise, dict(n=16, dtype="bfloat16")),
    "Workload.conv2d": lambda: (Workload.conv2d, dict(batch=1, channels=2, height=4, kernel=3, dtype="float32")),
    "Workload.mlp_step": lambda: (Workload.mlp_step, dict(batch=2, sizes=[3, 4, 2], dtype="float32", with_copy=True)),
    "Workload.copy": lambda: (Workload.copy, dict(n_bytes=8, pinned=True)),
    "Workload.runner": lambda: (Workload.matmul(4, "float64").runner, dict(device="cpu", seed=1)),
    "roofline_bound": lambda: (roofline_bound, dict(intensity=[0.5, 2.0], peak_flops=1e9, bandwidth=1e8)),
    "ridge_point": lambda: (ridge_point, dict(peak_flops=1e9, bandwidth=1e8)),
    "measured_peaks": lambda: (measured_peaks, dict(run=small_run(), device="cpu")),
    "spec_roofline": lambda: (spec_roofline, dict(name=SPEC_GPU, dtype="float32")),
    "offload_time": lambda: (offload_time, dict(workload=Workload.matmul(8), peak_flops=1e12, bandwidth=1e11,
                                                launch_s=1e-6, link_bandwidth=1e10)),
    "crossover": lambda: (crossover, dict(sizes=[1, 2, 4], candidate_s=[3.0, 1.0, 1.0], reference_s=[2.0, 2.0, 2.0])),
    "plan": lambda: (plan, dict(device="cpu", profile="tiny")),
    "measure": lambda: (measure, dict(workload=Workload.elementwise(64), device="cpu", repeats=1, threads=1)),
    "thread_scaling": lambda: (thread_scaling, dict(workloads=[Workload.elementwise(64)], repeats=1)),
    "run_sweep": lambda: (run_sweep, dict(devices=["cpu"], profile="tiny", repeats=1, log=lambda m: None,
                                          workloads=[Workload.elementwise(64)], threads=1)),
    "Result": lambda: (Result, dict(device="cpu", workload=Workload.matmul(2), timing=Timing(1.0, 1.0, 1.0, 1.0, 1.0, 1, 1),
                                    threads=1, thread_scaling=True)),
    "Result.as_dict": lambda: (SMALL_RUN.results[0].as_dict, {}),
    "Run": lambda: (Run, dict(profile="quick", environment=small_run().environment, results=small_run().results)),
    "Run.as_dict": lambda: (SMALL_RUN.as_dict, {}),
    "Run.from_dict": lambda: (Run.from_dict, dict(data=SMALL_RUN.as_dict())),
    "save_results": lambda: (save_results, dict(run=small_run(), path=TMP / "saved.json")),
    "load_results": lambda: (load_results, dict(path=SAVED)),
    "curve": lambda: (curve, dict(run=small_run(), device="cpu", kind="elementwise", dtype="float32")),
    "recorded_gpu_run": lambda: (recorded_gpu_run, dict(directory=TMP)),
    "gpu_roofline": lambda: (gpu_roofline, dict(dtype="bfloat16", directory=TMP)),
    "provenance": lambda: (provenance, dict(run=small_run(), device="cpu")),
    "tiled_matmul": lambda: (tiled_matmul, dict(a=np.ones((3, 2)), b=np.ones((2, 4)), tile=2)),
    "quantize_int8": lambda: (quantize_int8, dict(weights=np.array([[0.5, -1.0], [0.0, 0.0]]))),
    "dequantize": lambda: (dequantize, dict(q=np.array([[1, -127]]), scale=np.array([0.5]))),
    "main": lambda: (main, dict(argv=["--devices", "cpu", "--profile", "tiny", "--repeats", "1", "--threads", "1",
                                      "--output", str(TMP / "main.json")])),
}

# -- tiling and int8 weights ------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None, derandomize=True)
@given(m=st.integers(1, 9), k=st.integers(1, 9), n=st.integers(1, 9), tile=st.integers(1, 10))
def test_tiled_matmul_equals_the_product_on_any_shape(m: int, k: int, n: int, tile: int) -> None:
    rng = np.random.default_rng(m * 100 + k * 10 + n)
    a, b = rng.normal(size=(m, k)), rng.normal(size=(k, n))
    product, loaded = tiled_matmul(a, b, tile)
    np.testing.assert_allclose(product, a @ b, rtol=1e-12, atol=1e-12)
    tiles = -(-m // tile), -(-k // tile), -(-n // tile)  # ceil: edge tiles are smaller
    assert loaded == tiles[2] * m * k + tiles[0] * k * n  # each tile of a once per column of output tiles


@pytest.mark.parametrize("tile", [1, 4, 16, 64])
def test_tiled_matmul_loads_2n3_over_tile_so_the_intensity_grows_with_the_tile(tile: int) -> None:
    n = 64
    _, loaded = tiled_matmul(np.ones((n, n)), np.ones((n, n)), tile)
    assert loaded == 2 * n**3 // tile
    assert 2 * n**3 / (4 * loaded) == tile / 4  # FLOP per float32 byte loaded


def test_two_float32_tiles_of_side_128_fit_in_an_h100_sm() -> None:
    assert 2 * 128**2 * 4 <= SHARED_MEMORY_PER_SM < 2 * 256**2 * 4


def test_int8_weights_are_within_half_a_step_of_each_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rows of very different magnitudes, as in a trained layer: each row's weights stay within half of its
    # own step. With one scale for the whole matrix the small rows would be rounded far coarser: patching
    # that in must make this test fail.
    rng = np.random.default_rng(0)
    w = rng.normal(size=(8, 64)) * np.logspace(-3, 1, 8)[:, None]
    q, scale = quantize_int8(w)
    assert q.dtype == np.int8 and scale.dtype == np.float32 and scale.shape == (8,)
    error = np.abs(dequantize(q, scale) - w)
    assert (error <= scale[:, None] / 2 * (1 + 1e-5)).all()
    assert (error.max(axis=1) <= np.abs(w).max(axis=1) / 254 * (1 + 1e-5)).all()  # relative to each row

    from labkit.hardware import precision
    whole = np.abs(w).max() / 127

    def one_scale(weights):
        return np.clip(np.rint(weights / whole), -127, 127).astype(np.int8), np.full(len(weights), whole, np.float32)

    monkeypatch.setattr(precision, "quantize_int8", one_scale)
    q, scale = precision.quantize_int8(w)
    error = np.abs(dequantize(q, scale) - w)
    assert not (error.max(axis=1) <= np.abs(w).max(axis=1) / 254 * (1 + 1e-5)).all()  # the defect, caught


def test_int8_keeps_zero_rows_and_extremes_exact() -> None:
    w = np.array([[0.0, 0.0, 0.0], [-2.0, 0.0, 2.0]])
    q, scale = quantize_int8(w)
    assert q.tolist() == [[0, 0, 0], [-127, 0, 127]] and scale[0] == 1
    np.testing.assert_array_equal(dequantize(q, scale), w.astype(np.float32))


(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(hardware, VALID_CALLS)

# Relations between arguments, and what a run holds, stay checked inline.
BAD_INPUTS = [
    ("tiled_matmul", tiled_matmul, dict(a=np.ones((3, 2)), b=np.ones((3, 2)), tile=2), ValueError, "b"),
    ("dequantize", dequantize, dict(q=np.ones((2, 2), dtype=np.int8), scale=np.ones(3)), ValueError, "scale"),
    ("Workload.conv2d", Workload.conv2d, dict(batch=1, channels=2, height=4, kernel=2), ValueError, "kernel"),
    ("Workload.runner", Workload.matmul(4, "float16").runner, dict(device="cpu"), ValueError, "dtype"),
    ("Workload.runner", Workload.copy(8).runner, dict(device="cpu"), ValueError, "device"),
    ("Workload.runner", Workload("conv2d", 1, "float32", 1, 1).runner, dict(device="cpu"), ValueError, "shape"),
    ("spec_roofline", spec_roofline, dict(name=SPEC_CPU, dtype="float16 tensor"), ValueError, "dtype"),
    ("measured_peaks", measured_peaks, dict(run=SMALL_RUN, device="cuda"), ValueError, "device"),
    ("crossover", crossover, dict(sizes=[2, 1], candidate_s=[1.0, 1.0], reference_s=[2.0, 2.0]), ValueError, "sizes"),
    ("crossover", crossover, dict(sizes=[1, 2], candidate_s=[1.0], reference_s=[2.0, 2.0]), ValueError, "candidate_s"),
    ("load_results", load_results, dict(path=TMP / "no" / "such.json"), ValueError, "path"),
    ("provenance", provenance, dict(run=SMALL_RUN, device="cuda"), ValueError, "device"),
    ("main", main, dict(argv=["--output", str(TMP / "x.json"), "--devices", "tpu"]), ValueError, "devices"),
    # Round 2 of the audit (the acceptance probe): each row was accepted, or refused obscurely, before.
    ("Workload.conv2d", Workload.conv2d, dict(batch=1, channels=2, height=3, kernel=5), ValueError, "kernel"),
    ("measured_peaks", lambda: measured_peaks(run_of(result("matmul")), "cpu"), ValueError, "run"),  # no elementwise
    ("crossover", crossover, dict(sizes=[1.5, 2.5], candidate_s=[1.0, 1.0], reference_s=[2.0, 2.0]), TypeError,
     "sizes"),
    ("measure", measure, dict(workload=Workload.matmul(2), device="cpu", repeats=1, threads=(os.cpu_count() or 1) + 1),
     ValueError, "threads"),
    ("thread_scaling", thread_scaling, dict(workloads=[], repeats=1), ValueError, "workloads"),
    ("save_results", lambda: save_results(small_run(), TMP / "no" / "such" / "r.json"), ValueError, "path"),
    ("save_results", lambda: save_results(small_run(), TMP), ValueError, "path"),
    ("curve", lambda: curve(small_run(), "cpu", "fft"), ValueError, "kind"),
    ("curve", lambda: curve(small_run(), "cuda:7", "matmul"), ValueError, "device"),
    ("recorded_gpu_run", recorded_gpu_run, dict(directory=TMP / "missing"), ValueError, "directory"),
    ("gpu_roofline", gpu_roofline, dict(dtype="float32", directory=TMP / "missing"), ValueError, "directory"),
    # What the typed results check when they are built, in place of a hand-written schema.
    ("Run", lambda: Run("tiny", without_cpu_threads(SMALL_RUN.environment), []), ValueError, "environment"),
    ("Run", lambda: Run("tiny", SMALL_RUN.environment, [result(device="cuda")]), ValueError, "results"),
    ("Result", lambda: result(median_s=0.0), ValueError, "timing.median_s"),  # a speed divides by it
    ("main", main, dict(argv=["--output", str(TMP / "no" / "such" / "m.json"), "--devices", "cpu", "--profile", "tiny",
                              "--repeats", "1"]), ValueError, "--output"),
]


test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)


# -- named defects of the audit (issue 15) ------------------------------------------------------------------
def test_a_single_device_name_is_a_list_of_one_device():
    assert list(environment("cpu")["devices"]) == ["cpu"]
    run = run_sweep("cpu", repeats=1, workloads=[Workload.elementwise(64)], threads=1)
    assert list(run.environment["devices"]) == ["cpu"] and {r.device for r in run.results} == {"cpu"}


def test_a_workload_that_moves_no_bytes_is_refused_at_construction():
    with pytest.raises(ValueError, match=r"\bbytes\b"):
        Workload("matmul", 2, "float32", 16, 0)
    assert Workload("copy", 8, "uint8", 0, 8).intensity == 0.0  # no FLOP is meaningful: a copy


@pytest.fixture
def no_allocation(monkeypatch):
    """Make any tensor allocation fail the test: a size must be refused before the allocator is asked."""
    def refuse(*args, **kwargs):
        raise AssertionError("the allocator was reached")

    for name in ("randn", "empty", "zeros", "ones", "rand", "randint"):
        monkeypatch.setattr(torch, name, refuse)


@pytest.mark.parametrize("make, arg", [
    (lambda: Workload.matmul(10**6), "n"),
    (lambda: Workload.elementwise(2**40), "n"),
    (lambda: Workload.conv2d(1024, 1024, 1024), "batch"),
    (lambda: Workload.mlp_step(10**9), "batch"),
    (lambda: Workload.copy(2**40), "n_bytes"),
    (lambda: Workload("matmul", 10**6, "float32", 2 * 10**18, 12 * 10**12).runner("cpu"), "size"),
    (lambda: run_sweep(["cpu"], workloads=[Workload("matmul", 2**15, "float32", 2**46, 12 * 2**30)]), "workloads"),
])
def test_sizes_beyond_the_limit_are_refused_before_any_allocation(no_allocation, make, arg):
    with pytest.raises(ValueError, match=rf"\b{arg}\b.*(limit|<= {2**28})"):
        make()


def test_numpy_scalars_are_accepted():
    assert Workload.mlp_step(np.int64(2), with_copy=np.bool_(False)).kind == "mlp_step"
    assert Workload.copy(np.int32(8), pinned=np.bool_(True)).kind == "pinned_copy"


# -- found while splitting the sweep --------------------------------------------------------------------------
def test_a_sweep_whose_every_workload_fails_keeps_the_run_and_the_command_line_writes_it(monkeypatch, tmp_path,
                                                                                        capsys):
    # Before, run_sweep computed each device's ceilings at the end and raised there when a device had no
    # result left (every workload out of memory, say): the hour of sweep was lost, and the file never written.
    def out_of_memory(workload, device, **kwargs):
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr("labkit.hardware.sweep.measure", out_of_memory)
    messages = []
    run = run_sweep("cpu", "tiny", repeats=1, log=messages.append, threads=1)
    assert run.results == [] and messages[-1] == "cpu: 0 workloads measured"
    assert sum(m.startswith("skipped ") for m in messages) == len(plan("cpu", "tiny"))
    assert main(["--devices", "cpu", "--profile", "tiny", "--repeats", "1", "--threads", "1",
                 "--output", str(tmp_path / "none.json")]) == 0
    assert load_results(tmp_path / "none.json").results == []
    assert "wrote 0 results" in capsys.readouterr().out
