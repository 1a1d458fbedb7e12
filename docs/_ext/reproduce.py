"""Build the gallery twice from the same sources and compare the example outputs.

Usage: ``python docs/_ext/reproduce.py [--fastest N | --pattern REGEX]`` from the repository root.

Each build runs in its own copy of the sources, with its own caches, in a fresh interpreter; only the
chosen examples execute (the N fastest of the last ``make site``, by default 3). Their outputs must be
the same: the generated page of each example, which holds its printed output, identical as text, and
every figure identical pixel for pixel (tolerance 0). Exit status 0 if so; the differences otherwise.
Examples that time code print and draw the machine's clock, so ``--fastest`` leaves them out.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import build_env
import build_report
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "docs" / "auto_examples"
# What a build reads beside labkit, which both builds import from the environment (installed from this checkout).
COPIED = ["build.env", "offline.env", "conf.py", "docs", "examples", "locales"]
GENERATED = shutil.ignore_patterns("auto_examples", "generated", "__pycache__", ".ipynb_checkpoints")
EXAMPLES = ROOT / "examples"
# labkit's timers and the clocks under them: an example that calls one prints or draws measured times,
# which differ from run to run by nature, not through a lack of seeding.
TIMERS = re.compile(r"\b(?:time_call|run_sweep|benchmark_gcn_layer|training_step_times|median_time|perf_counter|"
                    r"time\.time)\b")


def measures_time(example: str) -> bool:
    """Whether the example ``06_x/plot_y`` times code (its outputs then depend on the clock)."""
    return bool(TIMERS.search((EXAMPLES / f"{example}.py").read_text(encoding="utf-8")))


def fastest(n: int) -> list[str]:
    """The ``n`` examples that took least time in the last build, as paths like ``06_x/plot_y``, among
    those that do not time code."""
    timed = build_report.examples(GALLERY)
    if not timed:
        raise SystemExit("No timings yet: run 'make site' first, or name the examples with --pattern.")
    names = [e.name.removesuffix(".py") for e in sorted(timed, key=lambda e: e.seconds)]
    return [name for name in names if not measures_time(name)][:n]


def build(workdir: Path, pattern: str) -> subprocess.Popen:
    """Start one build of the English site in a copy of the sources under ``workdir``."""
    for name in COPIED:
        source = ROOT / name
        (shutil.copytree(source, workdir / name, ignore=GENERATED) if source.is_dir()
         else shutil.copy2(source, workdir / name))
    # Offline and with the course's environment, as make builds the site.
    env = build_env.apply({**os.environ, "LABKIT_GALLERY_PATTERN": pattern}, build_env.BUILD, build_env.OFFLINE)
    # sphinx-gallery writes the outputs compared here before Sphinx reads a page: the dummy builder and one page
    # to read (the home page) keep the ~230 others from being read for nothing (35 s -> 7 s).
    command = [sys.executable, "-m", "sphinx", "-b", "dummy", "-q", "-c", str(workdir), "-d", str(workdir / "doctrees"),
               "-D", "nb_execution_mode=off", "-D", "include_patterns=index.md", str(workdir / "docs"),
               str(workdir / "html")]
    log = (workdir / "build.log").open("w")
    return subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)


def outputs(workdir: Path, example: str) -> tuple[str, dict[str, np.ndarray]]:
    """The generated page of an example and its figures, decoded to pixels."""
    import matplotlib.image

    gallery = workdir / "docs" / "auto_examples"
    page = (gallery / f"{example}.rst").read_text(encoding="utf-8")
    stem = Path(example).name
    images = sorted((gallery / Path(example).parent / "images").glob(f"sphx_glr_{stem}_*.png"))
    images += sorted((gallery / Path(example).parent / "images" / "thumb").glob(f"sphx_glr_{stem}_thumb.png"))
    return page, {p.name: matplotlib.image.imread(p) for p in images}


def compare(examples: list[str], workdir: Path | None = None, against: Path | None = None) -> list[str]:
    """Build the examples twice, or once against a built tree, and return the differences between the two
    builds' outputs (empty: reproducible).

    ``against``: a tree already built (the checkout after ``make site``) stands for the first build, and only
    one more is made: ``make test`` builds nothing twice.
    """
    pattern = "/(" + "|".join(re.escape(Path(e).name) for e in examples) + r")\.py$"
    with tempfile.TemporaryDirectory(prefix="labkit-reproduce-", dir=workdir) as tmp:
        runs = [Path(tmp) / "first", Path(tmp) / "second"]
        compared = runs if against is None else [against, runs[1]]
        built = runs if against is None else runs[1:]
        builds = []
        for run in built:
            run.mkdir()
            builds.append(build(run, pattern))
        for run, process in zip(built, builds):  # both at once: the machine has two cores
            if process.wait() != 0:
                raise SystemExit(f"build in {run} failed:\n" + (run / "build.log").read_text()[-3000:])
        return differences(compared, examples)


def differences(runs: list[Path], examples: list[str]) -> list[str]:
    """What differs between the outputs of the same examples in two build trees."""
    found = []
    for example in examples:
        (page1, images1), (page2, images2) = (outputs(run, example) for run in runs)
        if not images1:
            found.append(f"{example}: no figure was produced")
        if page1 != page2:
            found.append(f"{example}: the printed output differs")
        if images1.keys() != images2.keys():
            found.append(f"{example}: different figures {sorted(images1)} vs {sorted(images2)}")
        for name in sorted(images1.keys() & images2.keys()):
            a, b = images1[name], images2[name]
            if a.shape != b.shape or not np.array_equal(a, b):
                diff = "shape" if a.shape != b.shape else f"max pixel difference {np.abs(a - b).max():.3g}"
                found.append(f"{example}: {name} differs ({diff})")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--fastest", type=int, default=3, help="build the N fastest examples (default 3)")
    group.add_argument("--pattern", help="regular expression on the example paths, e.g. '06_backprop/'")
    args = parser.parse_args()
    every = sorted(p.relative_to(ROOT / "examples").with_suffix("").as_posix()
                   for p in (ROOT / "examples").glob("*/plot_*.py"))
    examples = [e for e in every if re.search(args.pattern, e)] if args.pattern else fastest(args.fastest)
    print("Building twice:", ", ".join(examples))
    found = compare(examples)
    print("\n".join(found) if found else "Reproducible: same printed output and pixel-identical figures in both builds.")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
