"""Tests of labkit.hardware: FLOP counts against PyTorch's own FLOP counter and hand counts, the roofline
formula, a harness that must synchronise a fake asynchronous device, the JSON round trip and schema, the
page's two paths (no GPU run recorded, a recorded run), and bad input."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.flop_counter import FlopCounterMode

from labkit import hardware
from labkit.hardware import (
    LAUNCH_LATENCY_S, SPEC_CPU, SPEC_GPU, SPECIFICATIONS, Workload, available_devices, crossover, curve,
    environment, gpu_roofline, load_results, main, measure, measured_peaks, offload_time, plan, provenance, recorded_gpu_run, ridge_point, roofline_bound, run_sweep, save_results,
    spec_roofline, synchronizer, thread_scaling, time_call, validate,
)
from labkit.hardware.harness import Timing
from badinput import bad_input_tests

SETTINGS = settings(deadline=None, derandomize=True, max_examples=15)


def torch_flops(fn) -> int:
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


# -- FLOP and byte counts ------------------------------------------------------------------------------
def test_hand_counted_cases():
    assert (Workload.matmul(2).flops, Workload.matmul(2).bytes) == (16, 48)  # 4 dot products of length 2
    assert (Workload.elementwise(10, "float64").flops, Workload.elementwise(10, "float64").bytes) == (10, 240)
    conv = Workload.conv2d(1, 1, 2, kernel=3)  # 4 outputs, 9 multiply-adds each; 4 + 4 + 9 floats moved
    assert (conv.flops, conv.bytes) == (72, 68)
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
    assert measured_peaks({"results": [small, big]}, "cpu")["bandwidth"] == pytest.approx(12e9)


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
    path = save_results(cpu_run, tmp_path / "sub" / "run.json")
    assert load_results(path) == cpu_run
    assert json.loads(path.read_text())["schema"] == "labkit.hardware/1"
    for breaking in (lambda r: r.update(schema="other/2"), lambda r: r["environment"].pop("date"),
                     lambda r: r["results"][0].pop("median_s"), lambda r: r["results"][0].update(device="tpu"),
                     lambda r: r["results"][0].update(flops="many")):
        broken = copy.deepcopy(cpu_run)
        breaking(broken)
        with pytest.raises(ValueError):
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


# -- bad input --------------------------------------------------------------------------------------------
UNAVAILABLE = "cuda" if "cuda" not in available_devices() else "mps"

BAD_INPUTS = [
    ("time_call", time_call, dict(fn=3), TypeError, "fn"),
    ("time_call", time_call, dict(fn=print, repeats=0), ValueError, "repeats"),
    ("time_call", time_call, dict(fn=print, warmup=-1), ValueError, "warmup"),
    ("time_call", time_call, dict(fn=print, min_time=0.0), ValueError, "min_time"),
    ("time_call", time_call, dict(fn=print, sync=None), TypeError, "sync"),
    ("Timing", lambda **kw: Timing(**kw).spread, dict(median_s=1.0), TypeError, "q1_s"),
    ("synchronizer", synchronizer, dict(device="tpu"), ValueError, "device"),
    ("synchronizer", synchronizer, dict(device=UNAVAILABLE), ValueError, "device"),
    ("available_devices", lambda **kw: available_devices(**kw), dict(device="cpu"), TypeError, "device"),
    ("environment", environment, dict(devices=["gpu"]), ValueError, "device"),
    ("Workload", Workload.matmul, dict(n=0), ValueError, "n"),
    ("Workload", Workload.matmul, dict(n=4, dtype="int8"), ValueError, "dtype"),
    ("Workload", Workload.elementwise, dict(n=-3), ValueError, "n"),
    ("Workload", Workload.conv2d, dict(batch=1, channels=0, height=4), ValueError, "channels"),
    ("Workload", Workload.conv2d, dict(batch=1, channels=2, height=4, kernel=2), ValueError, "kernel"),
    ("Workload", Workload.mlp_step, dict(batch=0), ValueError, "batch"),
    ("Workload", Workload.mlp_step, dict(batch=4, sizes=[8]), ValueError, "sizes"),
    ("Workload", Workload.mlp_step, dict(batch=4, with_copy="yes"), TypeError, "with_copy"),
    ("Workload", Workload.copy, dict(n_bytes=0), ValueError, "n_bytes"),
    ("Workload", Workload.copy, dict(n_bytes=8, pinned=1), TypeError, "pinned"),
    ("Workload", lambda **kw: Workload.matmul(4, "float64").runner(**kw), dict(device="tpu"), ValueError, "device"),
    ("Workload", lambda **kw: Workload.matmul(4, "float16").runner(**kw), dict(device="cpu"), ValueError, "dtype"),
    ("Workload", lambda **kw: Workload.copy(8).runner(**kw), dict(device="cpu"), ValueError, "device"),
    ("roofline_bound", roofline_bound, dict(intensity=[-1.0], peak_flops=1.0, bandwidth=1.0), ValueError, "intensity"),
    ("roofline_bound", roofline_bound, dict(intensity=[1.0], peak_flops=0, bandwidth=1.0), ValueError, "peak_flops"),
    ("roofline_bound", roofline_bound, dict(intensity="abc", peak_flops=1, bandwidth=1.0), TypeError, "intensity"),
    ("ridge_point", ridge_point, dict(peak_flops=1.0, bandwidth=-2.0), ValueError, "bandwidth"),
    ("measured_peaks", measured_peaks, dict(run=[], device="cpu"), TypeError, "run"),
    ("measured_peaks", measured_peaks, dict(run={"results": []}, device="cpu"), ValueError, "device"),
    ("spec_roofline", spec_roofline, dict(name="RTX 9090", dtype="float32"), ValueError, "name"),
    ("spec_roofline", spec_roofline, dict(name="Intel Xeon Platinum 8480+", dtype="float16 tensor"), ValueError, "dtype"),
    ("offload_time", offload_time, dict(workload="matmul", peak_flops=1.0, bandwidth=1.0), TypeError, "workload"),
    ("offload_time", offload_time, dict(workload=Workload.matmul(2), peak_flops=0.0, bandwidth=1.0), ValueError, "peak_flops"),
    ("offload_time", offload_time, dict(workload=Workload.matmul(2), peak_flops=1.0, bandwidth=1.0, launch_s=-1.0), ValueError, "launch_s"),
    ("offload_time", offload_time, dict(workload=Workload.matmul(2), peak_flops=1.0, bandwidth=1.0, link_bandwidth=0.0), ValueError, "link_bandwidth"),
    ("crossover", crossover, dict(sizes=[2, 1], candidate_s=[1.0, 1.0], reference_s=[2.0, 2.0]), ValueError, "sizes"),
    ("crossover", crossover, dict(sizes=[1, 2], candidate_s=[1.0], reference_s=[2.0, 2.0]), ValueError, "candidate_s"),
    ("crossover", crossover, dict(sizes="ab", candidate_s=[1.0], reference_s=[2.0]), TypeError, "sizes"),
    ("plan", plan, dict(device="cpu", profile="huge"), ValueError, "profile"),
    ("plan", plan, dict(device=UNAVAILABLE), ValueError, "device"),
    ("measure", measure, dict(workload="matmul", device="cpu"), TypeError, "workload"),
    ("measure", measure, dict(workload=Workload.matmul(2), device="cpu", threads=0), ValueError, "threads"),
    ("measure", measure, dict(workload=Workload.matmul(2), device="cpu", repeats=0), ValueError, "repeats"),
    ("thread_scaling", thread_scaling, dict(workloads=[Workload.matmul(2)], repeats=0), ValueError, "repeats"),
    ("thread_scaling", thread_scaling, dict(workloads=Workload.matmul(2)), TypeError, "workloads"),
    ("run_sweep", run_sweep, dict(devices=[]), ValueError, "devices"),
    ("run_sweep", run_sweep, dict(devices=["tpu"]), ValueError, "device"),
    ("run_sweep", run_sweep, dict(devices=["cpu"], repeats=0), ValueError, "repeats"),
    ("run_sweep", run_sweep, dict(devices=["cpu"], workloads=["matmul"]), TypeError, "workloads"),
    ("run_sweep", run_sweep, dict(devices=["cpu"], threads=0), ValueError, "threads"),
    ("save_results", save_results, dict(run={"schema": "x"}, path="x.json"), ValueError, "run"),
    ("load_results", load_results, dict(path=3), TypeError, "path"),
    ("load_results", load_results, dict(path="no/such/file.json"), ValueError, "path"),
    ("validate", validate, dict(run=[1, 2]), ValueError, "run"),
    ("recorded_gpu_run", recorded_gpu_run, dict(directory=3), TypeError, "directory"),
    ("curve", curve, dict(run=None, device="cpu", kind="matmul"), TypeError, "run"),
    ("gpu_roofline", gpu_roofline, dict(dtype="float64"), ValueError, "dtype"),
    ("provenance", provenance, dict(run={}, device="cpu"), ValueError, "run"),
    ("main", main, dict(argv=["--output", "x.json", "--devices", "tpu"]), ValueError, "device"),
]


(test_bad_input_is_rejected_with_a_message_naming_the_argument,
 test_bad_input_table_covers_every_public_callable) = bad_input_tests(BAD_INPUTS, hardware)
