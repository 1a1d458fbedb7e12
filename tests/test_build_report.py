"""The build report flags every example and build over budget, with the figure that is over."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import build_report


@pytest.fixture
def build(tmp_path: Path) -> tuple[Path, Path]:
    gallery, logs = tmp_path / "auto_examples", tmp_path / "logs"
    (gallery / "01_a").mkdir(parents=True)
    logs.mkdir()
    for name, seconds, mib in [("plot_fast", 2.5, 600.0), ("plot_slow", 31.2, 700.0), ("plot_big", 1.0, 2500.0)]:
        (gallery / "01_a" / f"{name}.cost.json").write_text(json.dumps({"time": seconds, "memory": 0.0}))
        (gallery / "01_a" / f"{name}.memory.json").write_text(json.dumps({"peak_rss_mib": mib}))
    (gallery / "01_a" / "plot_old.cost.json").write_text(json.dumps({"time": 1.0, "memory": 0.0}))
    (logs / "en.time").write_text("[en] site built in 400 s\n")
    (logs / "fr.time").write_text("[fr] site built in 90 s\n")
    return gallery, logs


def line(table: str, name: str) -> str:
    (row,) = [r for r in table.splitlines() if name in r]
    return row


def test_examples_within_budget_are_ok_and_others_flagged_with_their_figure(build):
    table = build_report.report(*build)
    assert line(table, "plot_fast").endswith("| 2.5 s | 600 MiB | ok |")
    assert "OVER: time 31.2 s > 30 s" in line(table, "plot_slow")
    assert "OVER: memory 2500 MiB > 2048 MiB" in line(table, "plot_big")
    assert "not measured" in line(table, "plot_old") and line(table, "plot_old").endswith("| ok |")


def test_total_build_time_is_both_languages_against_eight_minutes(build):
    table = build_report.report(*build)
    assert "en 400 s, fr 90 s" in table
    assert "OVER: 490 s > 480 s" in line(table, "last build")
    (build[1] / "fr.time").write_text("[fr] site built in 5 s\n")
    assert line(build_report.report(*build), "last build").endswith("| ok |")


def test_total_of_examples(build):
    assert "| all examples | 35.7 s |" in build_report.report(*build)


def test_readme_section_is_replaced_between_its_markers(tmp_path, build):
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n## Build report\n<!-- build-report:start -->\nold\n<!-- build-report:end -->\n\nafter\n")
    build_report.update_readme(readme, "new table\n")
    assert readme.read_text() == ("# x\n\n## Build report\n<!-- build-report:start -->\nnew table\n"
                                  "<!-- build-report:end -->\n\nafter\n")
    unmarked = tmp_path / "unmarked.md"
    unmarked.write_text("# no markers\n")
    with pytest.raises(SystemExit, match="markers"):
        build_report.update_readme(unmarked, "t")


def test_the_newest_releases_environment_is_reported_with_its_times(build):
    gallery, logs = build
    assert "Newest releases" not in build_report.report(gallery, logs)
    (logs / "latest-env.time").write_text("[latest] environment created in 212 s\n")
    (logs / "latest-unit.time").write_text("[latest-unit] done in 55 s\n")
    (logs / "latest-scripts.time").write_text("[latest-scripts] done in 190 s\n")
    (logs / "student-scripts.json").write_text(json.dumps(
        {"python": "3.11.7", "prefix": ".venv-latest", "seconds": {"en/01_a/plot_fast": 4.0, "fr/01_a/plot_fast": 6.5}}))
    table = build_report.report(gallery, logs)
    assert "- created in 212 s" in table and "- unit tests and doctests in 55 s" in table
    assert "- the downloaded scripts and exercise files in 190 s\n" in table
    # make test: the examples that time code, alone, after the others (make test-latest runs them all at once)
    (logs / "timed-scripts.time").write_text("[timed-scripts] done in 61 s\n")
    os.utime(logs / "latest-scripts.time", (1, 1))
    os.utime(logs / "timed-scripts.time", (2, 2))
    said = "- the downloaded scripts and exercise files in 190 s, then the examples that time code, alone"
    assert f"{said} (`make test`), in 61 s" in build_report.report(gallery, logs)
    os.utime(logs / "latest-scripts.time", (3, 3))  # make test-latest, later
    assert "- the downloaded scripts and exercise files in 190 s\n" in build_report.report(gallery, logs)
    assert "2 downloaded scripts run from an empty folder with Python 3.11.7: their times add up to 10 s" in table
    assert "the slowest `fr/01_a/plot_fast` 6.5 s" in table
    (logs / "student-scripts.json").write_text(json.dumps(
        {"python": "3.11.7", "prefix": ".venv-latest", "parallel": 2, "seconds": {"en/01_a/plot_fast": 4.0}}))
    assert "1 downloaded scripts run from an empty folder with Python 3.11.7, 2 at a time: their times add up to 4 s" in (
        build_report.report(gallery, logs))
    assert "en 400 s, fr 90 s" in line(table, "last build")  # the languages' builds, not these times
