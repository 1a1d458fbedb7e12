"""Tests of labkit.hardware: FLOP counts against PyTorch's own FLOP counter and hand counts, the roofline
formula, a harness that must synchronise a fake asynchronous device, the JSON round trip and schema, the
page's two paths (no GPU run recorded, a recorded run), and bad input."""

from __future__ import annotations

import copy
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch.utils.flop_counter import FlopCounterMode

from labkit import hardware
from labkit.hardware import (
    LAUNCH_LATENCY_S, SPEC_CPU, SPEC_GPU, SPECIFICATIONS, Workload, available_devices, crossover, curve,
    environment, gpu_roofline, load_results, main, measure, measured_peaks, offload_time, plan, provenance, recorded_gpu_run, ridge_point, roofline_bound, run_sweep, save_results,
    spec_roofline, synchronizer, thread_scaling, time_call, validate,
)
from labkit.hardware.harness import Timing
from contracts import contract_tests, relation_tests

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
    rows = [dict(device="cpu", kind="matmul", dtype="float32", flops=100, bytes=10, median_s=1.0),
            dict(device="cpu", kind="matmul", dtype="float32", flops=100, bytes=10, median_s=0.5),
            dict(device="cpu", kind="matmul", dtype="float64", flops=100, bytes=10, median_s=2.0),
            dict(device="cpu", kind="elementwise", dtype="float32", flops=1, bytes=12, median_s=0.1),
            dict(device="cpu", kind="matmul", dtype="float32", flops=100, bytes=10, median_s=0.01, thread_scaling=True)]
    peaks = measured_peaks({"results": rows}, "cpu")
    assert peaks["peak_flops"] == 200.0 and peaks["peak_dtype"] == "float32"
    assert peaks["peak_flops_by_dtype"] == {"float32": 200.0, "float64": 50.0}
    assert peaks["bandwidth"] == pytest.approx(120.0)
    conv = dict(device="cpu", kind="conv2d", dtype="float32", flops=1000, bytes=10, median_s=1.0)
    assert measured_peaks({"results": rows + [conv]}, "cpu")["peak_flops"] == 1000.0
    on_gpu = [{**r, "device": "cuda"} for r in rows + [conv]]  # cuDNN may use TF32: not a float32 peak
    assert measured_peaks({"results": on_gpu}, "cuda")["peak_flops"] == 200.0


def test_bandwidth_ceiling_is_the_largest_addition_not_a_cached_one():
    big = dict(device="cpu", kind="elementwise", dtype="float32", flops=10**6, bytes=12 * 10**6, median_s=1e-3)
    small = dict(big, flops=10**3, bytes=12 * 10**3, median_s=1e-7)  # 120 GB/s: served from a cache
    product = dict(big, kind="matmul", flops=2 * 10**6, bytes=12 * 10**4)  # the FLOP/s ceiling, needed too
    assert measured_peaks({"results": [small, big, product]}, "cpu")["bandwidth"] == pytest.approx(12e9)


def test_specifications_are_labelled_with_their_source():
    for spec in SPECIFICATIONS.values():
        assert spec["source"] and spec["bandwidth"] > 0
    assert spec_roofline(SPEC_CPU, "float32")[0] == pytest.approx(7.168e12)
    assert spec_roofline(SPEC_CPU, "bfloat16 amx")[0] == pytest.approx(114.688e12)  # 56 x 1,024 x 2.0 GHz
    assert SPECIFICATIONS[SPEC_GPU]["host_link"] == 64e9  # PCIe Gen5 x16, one direction


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


# -- the harness synchronises ----------------------------------------------------------------------------
class FakeAsyncDevice:
    """Work returns at once and runs later, like a CUDA kernel; time passes only when someone waits."""

    def __init__(self, seconds_per_call: float) -> None:
        self.now, self.queued, self.seconds = 0.0, 0.0, seconds_per_call

    def launch(self) -> None:
        self.queued += self.seconds

    def synchronize(self) -> None:
        self.now, self.queued = self.now + self.queued, 0.0

    def clock(self) -> float:
        return self.now


@SETTINGS
@given(seconds=st.floats(1e-6, 1.0), repeats=st.integers(1, 9), warmup=st.integers(0, 3))
def test_harness_waits_for_the_device_before_reading_the_clock(seconds, repeats, warmup):
    dev = FakeAsyncDevice(seconds)
    t = time_call(dev.launch, sync=dev.synchronize, clock=dev.clock, repeats=repeats, warmup=warmup, min_time=1e-3)
    assert t.median_s == pytest.approx(seconds) and t.spread == pytest.approx(0.0, abs=1e-9)
    assert t.number * seconds >= 1e-3 or t.number == 1  # short work is repeated within one sample
    assert t.repeats == repeats and t.min_s <= t.median_s <= t.max_s


def test_without_synchronising_the_fake_device_looks_infinitely_fast():
    # The same fake device, timed without waiting for it: the pitfall the harness avoids.
    dev = FakeAsyncDevice(0.5)
    assert time_call(dev.launch, clock=dev.clock, min_time=1e-3, repeats=3).median_s < 1e-3


def test_timing_median_and_quartiles():
    ticks = iter(np.cumsum([0, 1, 0, 3, 0, 2, 0, 5, 0, 4]).tolist())  # samples of 1, 3, 2, 5, 4 s
    t = time_call(lambda: None, clock=lambda: next(ticks), warmup=0, repeats=5, min_time=1e-3)
    assert (t.median_s, t.q1_s, t.q3_s, t.min_s, t.max_s) == (3.0, 2.0, 4.0, 1.0, 5.0)
    assert Timing(**t.as_dict()) == t


def test_cpu_synchronizer_and_devices():
    assert available_devices()[0] == "cpu" and synchronizer("cpu")() is None
    assert environment(["cpu"])["devices"]["cpu"]["threads"] == torch.get_num_threads()


# -- sweep, JSON and records -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cpu_run() -> dict:
    return run_sweep(["cpu"], "tiny", repeats=1)


def test_sweep_records_counts_timings_and_provenance(cpu_run):
    env = cpu_run["environment"]
    assert {"date", "host_cpu", "torch", "numpy", "python", "devices"} <= set(env)
    assert env["torch"] == torch.__version__ and env["numpy"] == np.__version__
    planned = {(w.kind, w.size) for w in plan("cpu", "tiny")}
    assert planned <= {(r["kind"], r["size"]) for r in cpu_run["results"]}
    for r in cpu_run["results"]:
        assert r["median_s"] > 0 and r["flops"] == Workload(**{k: r[k] for k in ("kind", "size", "dtype", "flops", "bytes", "shape")}).flops
    c = curve(cpu_run, "cpu", "matmul")
    assert c["size"].tolist() == [32] and c["flops"][0] == 2 * 32**3 and c["q1_s"][0] <= c["median_s"][0] <= c["q3_s"][0]
    assert cpu_run["peaks"]["cpu"]["peak_flops"] > 0 and cpu_run["peaks"]["cpu"]["bandwidth"] > 0


def test_json_round_trip_and_schema(cpu_run, tmp_path):
    path = save_results(cpu_run, tmp_path / "run.json")
    assert load_results(path) == cpu_run
    assert json.loads(path.read_text())["schema"] == "labkit.hardware/1"
    for breaking, exc in ((lambda r: r.update(schema="other/2"), ValueError),
                          (lambda r: r["environment"].pop("date"), ValueError),
                          (lambda r: r["results"][0].pop("median_s"), ValueError),
                          (lambda r: r["results"][0].update(device="tpu"), ValueError),
                          (lambda r: r["results"][0].update(flops="many"), TypeError)):
        broken = copy.deepcopy(cpu_run)
        breaking(broken)
        with pytest.raises(exc, match=r"\brun\b"):
            validate(broken)


def as_gpu_record(run: dict) -> dict:
    """A CPU run relabelled as a GPU's, to drive the page's 'recorded GPU run' path without a GPU."""
    run = copy.deepcopy(run)
    run["environment"]["devices"] = {"cuda": {"name": "Test GPU", "driver": "999.1", "cuda": "13.0",
                                              "capability": "9.0", "multiprocessors": 1, "memory_gb": 1.0}}
    for r in run["results"]:
        r["device"] = "cuda"
    run["peaks"] = {"cuda": measured_peaks(run, "cuda")}
    return run


def test_without_a_record_the_gpu_roofline_is_the_labelled_datasheet(tmp_path):
    assert recorded_gpu_run(tmp_path) is None
    save_results(run_sweep(["cpu"], "tiny", repeats=1), tmp_path / "cpu-only.json")  # a CPU-only run is not a GPU run
    roof = gpu_roofline("bfloat16", directory=tmp_path)
    assert not roof["measured"] and roof["source"].startswith("specification, not a measurement")
    assert (roof["peak_flops"], roof["bandwidth"]) == spec_roofline("NVIDIA H100 SXM5 80GB", "bfloat16 tensor")


def test_with_a_record_the_gpu_numbers_come_with_their_provenance(cpu_run, tmp_path):
    old, new = as_gpu_record(cpu_run), as_gpu_record(cpu_run)
    old["environment"]["date"] = "2020-01-01T00:00:00+00:00"
    save_results(old, tmp_path / "a-old.json")
    save_results(new, tmp_path / "b-new.json")
    assert recorded_gpu_run(tmp_path) == new  # the latest run
    roof = gpu_roofline("float32", directory=tmp_path)
    assert roof["measured"] and roof["name"] == "Test GPU"
    assert roof["peak_flops"] == new["peaks"]["cuda"]["peak_flops_by_dtype"]["float32"]
    for fact in ("Test GPU", "driver 999.1", "CUDA 13.0", f"torch {torch.__version__}", f"numpy {np.__version__}",
                 new["environment"]["date"][:10]):
        assert fact in roof["source"]


def test_thread_scaling_and_measure_restore_the_thread_count():
    before = torch.get_num_threads()
    if before < 2:
        pytest.skip("needs 2 CPU threads")
    rows = thread_scaling([Workload.elementwise(4096)], repeats=1)
    assert [r["threads"] for r in rows] == [1, before] and torch.get_num_threads() == before
    with pytest.raises(TypeError):
        measure(Workload.matmul(4), "cpu", threads=1.5)
    assert torch.get_num_threads() == before
    one = run_sweep(["cpu"], repeats=1, workloads=[Workload.matmul(8), Workload.elementwise(64)], threads=1)
    assert [(r["kind"], r["threads"], r["thread_scaling"]) for r in one["results"]] == [
        ("matmul", 1, False), ("elementwise", 1, False)]
    assert torch.get_num_threads() == before
    every = run_sweep(["cpu"], repeats=1, workloads=[Workload.matmul(8), Workload.matmul(16)])
    assert [(r["size"], r["threads"], r["thread_scaling"]) for r in every["results"]] == [
        (8, before, False), (16, before, False), (16, 1, True)]  # the largest product, on one thread


def test_command_line_writes_a_valid_file(tmp_path, capsys):
    assert main(["--devices", "cpu", "--profile", "tiny", "--repeats", "1", "--output", str(tmp_path / "r.json")]) == 0
    run = load_results(tmp_path / "r.json")
    assert "measured on" in capsys.readouterr().out and provenance(run, "cpu").startswith("measured on")


# -- argument contracts -------------------------------------------------------------------------------------
TMP = Path(tempfile.mkdtemp(prefix="labkit-hardware-"))
SMALL_RUN = run_sweep(["cpu"], repeats=1, workloads=[Workload.matmul(4), Workload.elementwise(64)], threads=1)
SAVED = save_results(SMALL_RUN, TMP / "run.json")
TIMING = dict(median_s=2.0, q1_s=1.0, q3_s=3.0, min_s=0.5, max_s=4.0, repeats=5, number=2)


def small_run() -> dict:
    return copy.deepcopy(SMALL_RUN)


def without_cpu_threads(run: dict) -> dict:
    """``run`` whose environment no longer says how many CPU threads there were."""
    del run["environment"]["devices"]["cpu"]["threads"]
    return run


VALID_CALLS = {
    "time_call": lambda: (time_call, dict(fn=lambda: None, sync=lambda: None, repeats=2, warmup=1, min_time=1e-4,
                                          clock=time.perf_counter)),
    "Timing": lambda: (Timing, dict(TIMING)),
    "Timing.as_dict": lambda: (Timing(**TIMING).as_dict, {}),
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
    "save_results": lambda: (save_results, dict(run=small_run(), path=TMP / "saved.json")),
    "load_results": lambda: (load_results, dict(path=SAVED)),
    "validate": lambda: (validate, dict(run=small_run())),
    "curve": lambda: (curve, dict(run=small_run(), device="cpu", kind="elementwise", dtype="float32")),
    "recorded_gpu_run": lambda: (recorded_gpu_run, dict(directory=TMP)),
    "gpu_roofline": lambda: (gpu_roofline, dict(dtype="bfloat16", directory=TMP)),
    "provenance": lambda: (provenance, dict(run=small_run(), device="cpu")),
    "main": lambda: (main, dict(argv=["--devices", "cpu", "--profile", "tiny", "--repeats", "1", "--threads", "1",
                                      "--output", str(TMP / "main.json")])),
}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(hardware, VALID_CALLS)

# Relations between arguments, and what a record or a clock holds, stay checked inline.
BAD_INPUTS = [
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
    ("time_call", time_call, dict(fn=print, clock=iter([0.0, -1.0]).__next__, warmup=0, repeats=1), ValueError, "clock"),
    ("time_call", time_call, dict(fn=print, clock=lambda: "now", warmup=0, repeats=1), TypeError, "clock"),
    ("main", main, dict(argv=["--output", str(TMP / "x.json"), "--devices", "tpu"]), ValueError, "devices"),
    # Round 2 of the audit (the acceptance probe): each row was accepted, or refused obscurely, before.
    ("time_call", time_call, dict(fn=lambda x: x, repeats=1, warmup=0), TypeError, "fn"),
    ("Timing", Timing, dict(TIMING, q1_s=3.5), ValueError, "q1_s"),  # q1 > q3
    ("Timing", Timing, dict(TIMING, max_s=2.5), ValueError, "max_s"),  # max < q3
    ("Workload.conv2d", Workload.conv2d, dict(batch=1, channels=2, height=3, kernel=5), ValueError, "kernel"),
    ("measured_peaks", lambda: measured_peaks({"results": [ROW]}, "cpu"), ValueError, "run"),  # no elementwise row
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
    ("provenance", lambda: provenance(without_cpu_threads(small_run()), "cpu"), ValueError, "run"),
    ("main", main, dict(argv=["--output", str(TMP / "no" / "such" / "m.json"), "--devices", "cpu", "--profile", "tiny",
                              "--repeats", "1"]), ValueError, "--output"),
]


test_a_broken_relation_is_refused_naming_the_argument = relation_tests(BAD_INPUTS)


# -- named defects of the audit (issue 15) ------------------------------------------------------------------
def test_a_single_device_name_is_a_list_of_one_device():
    assert list(environment("cpu")["devices"]) == ["cpu"]
    run = run_sweep("cpu", repeats=1, workloads=[Workload.elementwise(64)], threads=1)
    assert list(run["peaks"]) == ["cpu"] and {r["device"] for r in run["results"]} == {"cpu"}


ROW = dict(device="cpu", kind="matmul", dtype="float32", size=4, flops=128, bytes=192, median_s=1e-3, q1_s=1e-3, q3_s=1e-3)


@pytest.mark.parametrize("func", [measured_peaks, lambda run, device: curve(run, device, "matmul")])
def test_an_incomplete_record_is_refused_naming_the_missing_keys(func):
    incomplete = {k: v for k, v in ROW.items() if k not in ("median_s", "flops")}
    with pytest.raises(ValueError, match=r"run\['results'\]\[1\].*flops.*median_s"):
        func({"results": [ROW, incomplete]}, "cpu")
    with pytest.raises(ValueError, match=r"run\['results'\]\[0\]\['median_s'\]"):
        func({"results": [{**ROW, "median_s": float("nan")}]}, "cpu")
    with pytest.raises(ValueError, match=r"median_s"):  # a zero time would divide by zero
        func({"results": [{**ROW, "median_s": 0.0}]}, "cpu")


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


def test_numpy_scalars_are_accepted(tmp_path):
    assert Workload.mlp_step(np.int64(2), with_copy=np.bool_(False)).kind == "mlp_step"
    assert Workload.copy(np.int32(8), pinned=np.bool_(True)).kind == "pinned_copy"
    run = run_sweep(["cpu"], repeats=1, workloads=[Workload.elementwise(64)], threads=1)
    run["results"][0].update(size=np.int64(64), repeats=np.int32(1), median_s=np.float32(run["results"][0]["median_s"]))
    assert validate(run) is run and load_results(save_results(run, tmp_path / "np.json"))["results"][0]["size"] == 64


def test_non_finite_numbers_are_refused_naming_them():
    with pytest.raises(ValueError, match=r"\bmedian_s\b"):
        Timing(float("nan"), 1.0, 1.0, 1.0, 1.0, 1, 1)
    with pytest.raises(ValueError, match=r"\bclock\b"):
        time_call(lambda: None, clock=lambda: float("nan"), warmup=0, repeats=2)
    run = run_sweep(["cpu"], repeats=1, workloads=[Workload.elementwise(64)], threads=1)
    for key in ("median_s", "q3_s"):
        broken = copy.deepcopy(run)
        broken["results"][0][key] = float("inf")
        with pytest.raises(ValueError, match=rf"\b{key}\b"):
            validate(broken)


def test_a_sweep_without_ceilings_keeps_its_rows_but_measured_peaks_refuses_it():
    # A sweep of MLP steps only measures no ceiling: its peaks are None (it is still a valid run) ...
    run = run_sweep(["cpu"], repeats=1, workloads=[Workload.mlp_step(2, sizes=[3, 2])])
    assert run["peaks"]["cpu"]["bandwidth"] is None and validate(run) is run
    # ... but asked for the ceilings, measured_peaks says which rows are missing.
    with pytest.raises(ValueError, match=r"\brun\b.*matmul or conv2d.*elementwise"):
        measured_peaks(run, "cpu")


def test_timing_statistics_come_out_in_order_and_huge_results_are_the_ieee_answer():
    t = time_call(lambda: None, repeats=4, warmup=0, min_time=1e-4)
    assert t.min_s <= t.q1_s <= t.median_s <= t.q3_s <= t.max_s
    assert ridge_point(1e308, 1e-308) == float("inf")  # overflows float64: inf, never NaN
    assert roofline_bound([1e308], 1e308, 1e308)[0] == 1e308
