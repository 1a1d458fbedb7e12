"""Tests of the hardware concept's typed results: a :class:`Run` of :class:`Result` rows, its JSON file
(round trip, schema, a faulty file refused naming the fault), and the page's two paths: no GPU run
recorded (the labelled datasheet), a recorded run (its numbers with their provenance)."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
import torch

from labkit.hardware import (
    SCHEMA, Result, Run, Workload, gpu_roofline, load_results, measured_peaks, recorded_gpu_run, run_sweep,
    save_results, spec_roofline,
)
from labkit.timing import Timing
from hardware_rows import as_gpu_record, result, run_of


@pytest.fixture(scope="module")
def cpu_run() -> Run:
    return run_sweep(["cpu"], "tiny", repeats=1)


def write(path, data) -> object:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# -- the JSON layout ----------------------------------------------------------------------------------------
def test_json_round_trip_and_layout(cpu_run, tmp_path):
    path = save_results(cpu_run, tmp_path / "run.json")
    assert load_results(path) == cpu_run
    data = json.loads(path.read_text())
    assert data["schema"] == SCHEMA == "labkit.hardware/1" and Run.from_dict(data) == cpu_run
    # Each result is one flat row: the workload's fields, its intensity, the timing's, the device's threads.
    row = data["results"][0]
    assert set(row) == {"device", "kind", "size", "dtype", "flops", "bytes", "shape", "intensity", "median_s", "q1_s",
                        "q3_s", "min_s", "max_s", "repeats", "number", "threads", "thread_scaling"}
    assert row == cpu_run.results[0].as_dict()
    # The file gives the measured ceilings to its readers; labkit computes them again from the rows.
    assert data["peaks"]["cpu"] == measured_peaks(cpu_run, "cpu")


@pytest.mark.parametrize("breaking, exc, where", [
    (lambda r: r.update(schema="other/2"), ValueError, "schema"),
    (lambda r: r["environment"].pop("date"), ValueError, "environment"),
    (lambda r: r["environment"].update(devices=["cpu"]), ValueError, "environment"),
    (lambda r: r["results"][0].pop("median_s"), ValueError, r"\['results'\]\[0\].*median_s"),
    (lambda r: r["results"][0].update(device="tpu"), ValueError, r"\['results'\]\[0\].*device"),
    (lambda r: r["results"][0].update(flops="many"), TypeError, r"\['results'\]\[0\].*flops"),
    (lambda r: r["results"][0].update(size=True), TypeError, r"\['results'\]\[0\].*size"),
    (lambda r: r["results"][0].update(median_s=float("nan")), ValueError, r"\['results'\]\[0\].*median_s"),
    (lambda r: r["results"][0].update(q3_s=float("inf")), ValueError, r"\['results'\]\[0\].*q3_s"),
    (lambda r: r["results"][0].update(median_s=0.0, q1_s=0.0, min_s=0.0), ValueError, r"\['results'\]\[0\].*median_s"),
    (lambda r: r["results"][0].update(q1_s=1e9), ValueError, r"\['results'\]\[0\].*q1_s"),  # quartiles out of order
    (lambda r: r["results"][0].update(color="red"), ValueError, r"\['results'\]\[0\].*color"),
    (lambda r: r.update(results={"0": {}}), ValueError, r"\['results'\]"),
    (lambda r: r.update(results=[[1, 2]]), TypeError, r"\['results'\]\[0\]"),
])
def test_a_faulty_file_is_refused_naming_the_fault(cpu_run, tmp_path, breaking, exc, where):
    data = cpu_run.as_dict()
    breaking(data)
    with pytest.raises(exc, match=rf"^the run in path .*{where}"):
        load_results(write(tmp_path / "broken.json", data))
    with pytest.raises(exc, match=rf"^data\b.*{where}"):
        Run.from_dict(data)


def test_an_incomplete_row_is_refused_naming_the_missing_keys(cpu_run):
    data = cpu_run.as_dict()
    data["results"][1] = {k: v for k, v in data["results"][1].items() if k not in ("median_s", "flops")}
    with pytest.raises(ValueError, match=r"data\['results'\]\[1\].*missing \['flops', 'median_s'\]"):
        Run.from_dict(data)


def test_numpy_scalars_are_accepted_and_written_as_plain_numbers(tmp_path):
    w = Workload("elementwise", np.int64(64), "float32", np.int64(64), np.int64(768), {"n": 64})
    t = Timing(np.float32(0.5), 0.5, np.float64(0.5), 0.5, 0.5, np.int32(1), np.int64(1))
    run = run_of(Result("cpu", w, t, np.int32(1), np.bool_(False)))
    assert type(run.results[0].workload.size) is int and type(run.results[0].threads) is int
    assert load_results(save_results(run, tmp_path / "np.json")) == run


def test_a_sweep_without_ceilings_is_written_with_none_for_them(tmp_path):
    run = run_sweep(["cpu"], repeats=1, workloads=[Workload.mlp_step(2, sizes=[3, 2])])
    data = json.loads(save_results(run, tmp_path / "mlp.json").read_text())
    assert data["peaks"]["cpu"]["bandwidth"] is None and data["peaks"]["cpu"]["peak_flops"] is None
    assert load_results(tmp_path / "mlp.json") == run


def test_a_result_is_a_workload_timed_on_a_device():
    r = result("matmul", flops=300, bytes=10, median_s=0.5)
    assert r.flops_per_s == 600.0 and r.as_dict()["intensity"] == 30.0
    with pytest.raises(TypeError, match=r"\bworkload\b"):
        Result("cpu", r.workload.as_dict(), r.timing, 1)  # the JSON row of a workload is not a workload


# -- the page's two paths ----------------------------------------------------------------------------------
def test_without_a_record_the_gpu_roofline_is_the_labelled_datasheet(cpu_run, tmp_path):
    assert recorded_gpu_run(tmp_path) is None
    save_results(cpu_run, tmp_path / "cpu-only.json")  # a CPU-only run is not a GPU run
    assert recorded_gpu_run(tmp_path) is None
    roof = gpu_roofline("bfloat16", directory=tmp_path)
    assert not roof["measured"] and roof["source"].startswith("specification, not a measurement")
    assert (roof["peak_flops"], roof["bandwidth"]) == spec_roofline("NVIDIA H100 SXM5 80GB", "bfloat16 tensor")


def test_with_a_record_the_gpu_numbers_come_with_their_provenance(cpu_run, tmp_path):
    old, new = as_gpu_record(cpu_run, date="2020-01-01T00:00:00+00:00"), as_gpu_record(cpu_run)
    save_results(old, tmp_path / "a-old.json")
    save_results(new, tmp_path / "b-new.json")
    assert recorded_gpu_run(tmp_path) == new  # the latest run
    roof = gpu_roofline("float32", directory=tmp_path)
    assert roof["measured"] and roof["name"] == "Test GPU"
    assert roof["peak_flops"] == measured_peaks(new, "cuda")["peak_flops_by_dtype"]["float32"]
    for fact in ("Test GPU", "driver 999.1", "CUDA 13.0", f"torch {torch.__version__}", f"numpy {np.__version__}",
                 new.environment["date"][:10]):
        assert fact in roof["source"]


def test_a_broken_record_among_the_records_is_refused_naming_its_path(cpu_run, tmp_path):
    data = copy.deepcopy(as_gpu_record(cpu_run).as_dict())
    data["results"][0]["median_s"] = -1.0
    write(tmp_path / "broken.json", data)
    with pytest.raises(ValueError, match=r"path .*broken\.json.*median_s"):
        recorded_gpu_run(tmp_path)
