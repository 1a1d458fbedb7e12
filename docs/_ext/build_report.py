"""The build report: each gallery example's time and peak memory, and the build's total time, against
the course's budget (30 s and 2 GiB per example, 8 minutes for both languages on 2 cores).

``make site`` runs it after the French build and writes ``_build/logs/build-report.md``;
``make report`` copies that table into the README's "Build report" section. Times come from
sphinx-gallery's ``*.cost.json`` (the last execution of each example), peak memory from the
``*.memory.json`` that ``labkit_site.reset_state`` writes, the build times from ``_build/logs/*.time``.
A report, not a test: the figures depend on the machine.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path

EXAMPLE_SECONDS = 30.0
EXAMPLE_MIB = 2048.0
BUILD_SECONDS = 8 * 60.0


@dataclass
class Example:
    name: str
    seconds: float
    peak_mib: float | None  # None: measured by an older build, before memory was recorded

    def over_budget(self) -> list[str]:
        over = []
        if self.seconds > EXAMPLE_SECONDS:
            over.append(f"time {self.seconds:.1f} s > {EXAMPLE_SECONDS:.0f} s")
        if self.peak_mib is not None and self.peak_mib > EXAMPLE_MIB:
            over.append(f"memory {self.peak_mib:.0f} MiB > {EXAMPLE_MIB:.0f} MiB")
        return over


def examples(gallery: Path) -> list[Example]:
    """Every executed example of the gallery, with its last measured time and peak memory."""
    found = []
    for cost in sorted(gallery.rglob("*.cost.json")):
        stem = cost.name.removesuffix(".cost.json")
        memory = cost.with_name(f"{stem}.memory.json")
        peak = json.loads(memory.read_text())["peak_rss_mib"] if memory.is_file() else None
        name = cost.relative_to(gallery).as_posix().removesuffix(".cost.json") + ".py"
        found.append(Example(name, float(json.loads(cost.read_text())["time"]), peak))
    return found


def build_seconds(logs: Path) -> dict[str, float]:
    """Seconds of each language's last build, from the ``<language>.time`` lines ``make`` writes."""
    times = {}
    for path in sorted(logs.glob("*.time")):
        match = re.search(r"built in (\d+) s", path.read_text())
        if match:
            times[path.stem] = float(match.group(1))
    return times


def latest_environment(logs: Path) -> list[str]:
    """Lines on ``make test-latest``'s environment (newest releases, no DGL): the time to create it, to run its unit
    tests and its downloaded scripts, and those scripts one by one, from ``latest-*.time`` and
    ``student-scripts.json``."""
    said = {}
    for name in ("latest-env", "latest-unit", "latest-scripts", "timed-scripts"):
        path = logs / f"{name}.time"
        match = re.search(r"in (\d+) s", path.read_text()) if path.is_file() else None
        if match:
            said[name] = int(match.group(1))
    # make test runs the examples that time code apart, after the other scripts; make test-latest runs all at once.
    scripts_time, timed_time = logs / "latest-scripts.time", logs / "timed-scripts.time"
    if "timed-scripts" in said and (not scripts_time.is_file()
                                   or timed_time.stat().st_mtime < scripts_time.stat().st_mtime):
        del said["timed-scripts"]
    scripts = logs / "student-scripts.json"
    if not said and not scripts.is_file():
        return []
    lines = ["", "Newest releases (`.venv-latest`, requirements-latest.txt, no DGL):"]
    if "latest-env" in said:
        lines.append(f"- created in {said['latest-env']} s (`make .venv-latest/.installed`, "
                     "from pip's cache or the network)")
    if "latest-unit" in said:
        lines.append(f"- unit tests and doctests in {said['latest-unit']} s")
    if "latest-scripts" in said:
        lines.append(f"- the downloaded scripts and exercise files in {said['latest-scripts']} s"
                     + (f", then the examples that time code, alone (`make test`), in {said['timed-scripts']} s"
                        if "timed-scripts" in said else ""))
    if scripts.is_file():
        runs = json.loads(scripts.read_text(encoding="utf-8"))
        seconds = runs["seconds"]
        slowest = max(seconds, key=seconds.get)
        at_once = runs.get("parallel", 1)
        lines.append(f"- {len(seconds)} downloaded scripts run from an empty folder with Python {runs['python']}"
                     + (f", {at_once} at a time" if at_once > 1 else "") + ": "
                     f"their times add up to {sum(seconds.values()):.0f} s, the slowest `{slowest}` "
                     f"{seconds[slowest]:.1f} s")
    return lines


def report(gallery: Path, logs: Path) -> str:
    """The report as a Markdown table, every figure over budget flagged."""
    rows = examples(gallery)
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; peak memory is the build "
        "process's resident set while the example ran (Sphinx and the libraries included).",
        "",
        "| example | time | peak memory | budget |",
        "|---|---:|---:|---|",
    ]
    for row in rows:
        peak = f"{row.peak_mib:.0f} MiB" if row.peak_mib is not None else "not measured"
        flag = "**OVER: " + "; ".join(row.over_budget()) + "**" if row.over_budget() else "ok"
        lines.append(f"| `{row.name}` | {row.seconds:.1f} s | {peak} | {flag} |")
    total = sum(row.seconds for row in rows)
    lines.append(f"| all examples | {total:.1f} s | | |")
    builds = build_seconds(logs)
    if builds:
        whole = sum(builds.values())
        each = ", ".join(f"{lang} {s:.0f} s" for lang, s in builds.items())
        flag = f"**OVER: {whole:.0f} s > {BUILD_SECONDS:.0f} s**" if whole > BUILD_SECONDS else "ok"
        lines.append(f"| last build, both languages ({each}) | {whole:.0f} s | | {flag} |")
    lines += latest_environment(logs)
    return "\n".join(lines) + "\n"


def update_readme(readme: Path, table: str) -> None:
    """Replace the text between the build-report markers of the README by ``table``."""
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- build-report:start -->\n", "<!-- build-report:end -->"
    if start not in text or end not in text:
        raise SystemExit(f"{readme} has no build-report markers")
    head, rest = text.split(start, 1)
    readme.write_text(head + start + table + end + rest.split(end, 1)[1], encoding="utf-8")


if __name__ == "__main__":
    gallery, logs = Path(sys.argv[1]), Path(sys.argv[2])
    table = report(gallery, logs)
    (logs / "build-report.md").write_text(table, encoding="utf-8")
    if len(sys.argv) > 3:
        update_readme(Path(sys.argv[3]), table)
    print("Build report (budget: 30 s and 2 GiB per example, 8 min for both languages):")
    print(table)
