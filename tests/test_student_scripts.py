"""Every script the site offers for download runs as a student runs it: ``python plot_x.py`` in an empty folder.

``make test-latest`` runs this module with the newest releases (``.venv-latest``: torch 2.13, numpy 2, no DGL),
labkit installed there from its wheel, so that a script finds nothing of the checkout: only what ``pip install``
gave it. Each English download runs in English, each French one in French (``LABKIT_LANG``, as the how-to says),
and a French run prints no English. The runs go two at a time (the
machine's two cores), but for the examples that time code, which run alone: their tests are marked ``timed``, and
``make test`` runs them in a step of their own, with nothing else on the cores. The time of each run goes to
``_build/logs/student-scripts.json``.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import reproduce
from sitetools import HTML, ROOT, parse, resolve, site_dir

pytestmark = [pytest.mark.site, pytest.mark.student]

EXAMPLES = sorted(p.relative_to(ROOT / "examples").with_suffix("").as_posix()
                  for p in (ROOT / "examples").glob("*/plot_*.py"))
#: Processes run at once: a script spends much of its time importing, on one core; the machine has two.
PARALLEL_RUNS = 2


def timing(example: str):
    """``example`` as a test's parameter, marked ``timed`` if it times code and checks what it measured."""
    return pytest.param(example, marks=pytest.mark.timed) if reproduce.measures_time(example) else example


def download(example: str, language: str) -> Path:
    """The ``.py`` that the example's page links, in that language's site."""
    page = site_dir(language) / "auto_examples" / f"{example}.html"
    (script,) = {resolve(page, url)[0] for url in parse(page).links if "_downloads" in url and url.endswith(".py")}
    return script


def student_env(language: str) -> dict[str, str]:
    # Nothing that points at the checkout: the script sees the installed labkit or nothing.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    return {**env, "LABKIT_LANG": language}


#: What a job may raise and still be reported by its own test: an error, or ``pytest.fail`` (``site_dir``'s).
FAILURES = (Exception, pytest.fail.Exception)


def run_all(jobs: dict, parallel: int = PARALLEL_RUNS) -> dict:
    """``{key: job()}`` for every job, ``parallel`` at a time; a job that raises one of ``FAILURES`` gives its
    exception, which ``outcome`` raises again in that job's own test."""
    def guarded(job):
        try:
            return job()
        except FAILURES as error:
            return error

    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        futures = {key: pool.submit(guarded, job) for key, job in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def outcome(results: dict, key):
    found = results[key]
    if isinstance(found, FAILURES):
        raise found
    return found


def test_every_example_is_offered():
    assert len(EXAMPLES) >= 20
    assert {download(e, "en").name for e in EXAMPLES} == {Path(e).name + ".py" for e in EXAMPLES}


def test_labkit_comes_from_the_environment_not_the_checkout(tmp_path):
    found = subprocess.run([sys.executable, "-c", "import labkit; print(labkit.__file__)"], cwd=tmp_path,
                           env=student_env("en"), capture_output=True, text=True, check=True).stdout.strip()
    if Path(sys.prefix).name == ".venv-latest":  # make's second environment installs a wheel
        assert not Path(found).is_relative_to(ROOT / "labkit"), found


def test_runs_are_parallel_and_each_reports_its_own_outcome():
    """Two jobs that each wait for the other finish only if they run at once; a failing job is its own."""
    import threading

    barrier = threading.Barrier(2, timeout=10)

    def meet():
        return barrier.wait()

    def fail():
        raise ValueError("job 3 failed")

    def no_site():
        pytest.fail("No site yet")

    results = run_all({1: meet, 2: meet, 3: fail, 4: no_site})
    assert sorted(results[k] for k in (1, 2)) == [0, 1]
    with pytest.raises(ValueError, match="job 3 failed"):
        outcome(results, 3)
    with pytest.raises(pytest.fail.Exception, match="No site yet"):
        outcome(results, 4)


def _run_script(example: str, language: str, folder: Path) -> tuple[subprocess.CompletedProcess, float]:
    """The download, copied into an empty folder and run there with ``python``: its outcome and its time."""
    folder.mkdir(parents=True)
    script = folder / download(example, language).name
    script.write_bytes(download(example, language).read_bytes())
    start = time.perf_counter()
    result = subprocess.run([sys.executable, script.name], cwd=folder, env=student_env(language),
                            capture_output=True, text=True, timeout=300)
    return result, round(time.perf_counter() - start, 1)


@pytest.fixture(scope="module")
def script_runs(request, tmp_path_factory) -> dict:
    """Every download of both languages whose test this session runs (``-m timed`` or ``-m "not timed"``: some
    of them), run once for the module, ``PARALLEL_RUNS`` at a time."""
    root = tmp_path_factory.mktemp("scripts")
    wanted = {(item.callspec.params["example"], item.callspec.params["language"]) for item in request.session.items
              if getattr(item, "originalname", "") == test_downloaded_script_runs_from_an_empty_folder.__name__}
    jobs = {key: functools.partial(_run_script, *key, root / key[1] / key[0]) for key in sorted(wanted)}
    # An example that times code checks what it measured: it runs alone, with no other script on the cores.
    alone = {key for key in jobs if reproduce.measures_time(key[0])}
    results = run_all({key: job for key, job in jobs.items() if key not in alone})
    results.update(run_all({key: jobs[key] for key in alone}, parallel=1))
    record_times({f"{language}/{example}": None if isinstance(found, FAILURES) else found[1]
                  for (example, language), found in results.items()})
    return results


def record_times(times: dict[str, float | None]) -> None:
    """The runs' times (``None``: the run failed) into ``student-scripts.json``, beside those of the same
    environment's other runs (make test runs the timed examples in a step of their own)."""
    path = HTML.parent / "logs" / "student-scripts.json"
    report = {"python": sys.version.split()[0], "prefix": Path(sys.prefix).name, "parallel": PARALLEL_RUNS,
              "seconds": {}}
    if path.is_file():
        before = json.loads(path.read_text(encoding="utf-8"))
        if {k: before.get(k) for k in ("python", "prefix")} == {k: report[k] for k in ("python", "prefix")}:
            known = {f"{language}/{example}" for example in EXAMPLES for language in ("en", "fr")}
            report["seconds"] = {k: v for k, v in before.get("seconds", {}).items() if k in known}
    report["seconds"].update(times)
    report["seconds"] = {k: v for k, v in report["seconds"].items() if v is not None}
    if report["seconds"]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=1, sort_keys=True), encoding="utf-8")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("example", [timing(example) for example in EXAMPLES])
def test_downloaded_script_runs_from_an_empty_folder(script_runs, example, language):
    result, _seconds = outcome(script_runs, (example, language))
    check_run(result, language)


def check_run(result: subprocess.CompletedProcess, language: str) -> None:
    """A script's run went through, with no traceback, and a French run printed no English."""
    from test_output_language import english_pieces

    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    if language == "fr":
        left = english_pieces().findall(result.stdout)
        assert not left, f"English in the French run's output: {left[:5]}"


def _exercise_files() -> list[tuple[str, str]]:
    from labkit.exercises import names

    return [(exercise_id, language) for exercise_id in names() for language in ("en", "fr")]


def _check_exercise(exercise_id: str, language: str, folder: Path) -> tuple[subprocess.CompletedProcess, ...]:
    """The file to complete, downloaded from the page in its language, checked as it is, then completed with the
    reference solution and checked again, by the installed checker: both outcomes."""
    from labkit.exercises import solution_path

    folder.mkdir(parents=True)
    reference = solution_path(exercise_id)  # solutions/<concept>/<function>.py: the page and the file's name
    name = reference.name
    page = site_dir(language) / f"{reference.parent.name}.html"
    (offered,) = {resolve(page, url)[0] for url in parse(page).links if url.endswith(f"/{name}")}
    mine = folder / name
    mine.write_bytes(offered.read_bytes())

    def check() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "labkit.exercises", "check", exercise_id, name], cwd=folder,
                              env=student_env(language), capture_output=True, text=True, timeout=120)

    untouched = check()
    mine.write_text(reference.read_text(encoding="utf-8"), encoding="utf-8")
    return untouched, check()


@pytest.fixture(scope="module")
def exercise_checks(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("exercises")
    return run_all({key: functools.partial(_check_exercise, *key, root / key[1] / key[0])
                    for key in _exercise_files()})


@pytest.mark.parametrize(("exercise_id", "language"), _exercise_files())
def test_a_downloaded_exercise_is_checked_as_a_student_checks_it(exercise_checks, exercise_id, language):
    """The file to complete, downloaded from the page in its language, is sent back as not written yet by the
    installed checker (in that language); the same file completed with the reference solution passes."""
    untouched, solved = outcome(exercise_checks, (exercise_id, language))
    assert untouched.returncode == 1, untouched.stdout + untouched.stderr
    assert ("not written yet" if language == "en" else "pas encore écrite") in untouched.stdout
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert solved.stdout.startswith("Passed" if language == "en" else "Réussi"), solved.stdout
