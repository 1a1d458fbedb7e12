"""Every script the site offers for download runs as a student runs it: ``python plot_x.py`` in an empty folder.

``make test-latest`` runs this module with the newest releases (``.venv-latest``: torch 2.13, numpy 2, no DGL),
labkit installed there from its wheel, so that a script finds nothing of the checkout: only what ``pip install``
gave it. Each English download runs in English, each French one in French (``LABKIT_LANG``, as the how-to says),
and a French run prints no English. The time of each run goes to ``_build/logs/student-scripts.json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitetools import HTML, ROOT, parse, resolve, site_dir

pytestmark = [pytest.mark.site, pytest.mark.student]

EXAMPLES = sorted(p.relative_to(ROOT / "examples").with_suffix("").as_posix()
                  for p in (ROOT / "examples").glob("*/plot_*.py"))
TIMES: dict[str, float] = {}


def download(example: str, language: str) -> Path:
    """The ``.py`` that the example's page links, in that language's site."""
    page = site_dir(language) / "auto_examples" / f"{example}.html"
    (script,) = {resolve(page, url)[0] for url in parse(page).links if "_downloads" in url and url.endswith(".py")}
    return script


def student_env(language: str) -> dict[str, str]:
    # Nothing that points at the checkout: the script sees the installed labkit or nothing.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    return {**env, "LABKIT_LANG": language}


def test_every_example_is_offered():
    assert len(EXAMPLES) >= 20
    assert {download(e, "en").name for e in EXAMPLES} == {Path(e).name + ".py" for e in EXAMPLES}


def test_labkit_comes_from_the_environment_not_the_checkout(tmp_path):
    found = subprocess.run([sys.executable, "-c", "import labkit; print(labkit.__file__)"], cwd=tmp_path,
                           env=student_env("en"), capture_output=True, text=True, check=True).stdout.strip()
    if Path(sys.prefix).name == ".venv-latest":  # make's second environment installs a wheel
        assert not Path(found).is_relative_to(ROOT / "labkit"), found


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("example", EXAMPLES)
def test_downloaded_script_runs_from_an_empty_folder(example, language, tmp_path):
    from test_output_language import english_pieces

    script = tmp_path / download(example, language).name
    script.write_bytes(download(example, language).read_bytes())
    start = time.perf_counter()
    result = subprocess.run([sys.executable, script.name], cwd=tmp_path, env=student_env(language),
                            capture_output=True, text=True, timeout=300)
    TIMES[f"{language}/{example}"] = round(time.perf_counter() - start, 1)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    if language == "fr":
        left = english_pieces().findall(result.stdout)
        assert not left, f"English in the French run's output: {left[:5]}"


def teardown_module():
    if TIMES:
        report = {"python": sys.version.split()[0], "prefix": Path(sys.prefix).name, "seconds": TIMES}
        logs = HTML.parent / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        (logs / "student-scripts.json").write_text(json.dumps(report, indent=1), encoding="utf-8")


def _exercise_files() -> list[tuple[str, str]]:
    from labkit.exercises import names

    return [(exercise_id, language) for exercise_id in names() for language in ("en", "fr")]


@pytest.mark.parametrize(("exercise_id", "language"), _exercise_files())
def test_a_downloaded_exercise_is_checked_as_a_student_checks_it(exercise_id, language, tmp_path):
    """The file to complete, downloaded from the page in its language, is sent back as not written yet by the
    installed checker (in that language); the same file completed with the reference solution passes."""
    from labkit.exercises import solution_path

    reference = solution_path(exercise_id)  # solutions/<concept>/<function>.py: the page and the file's name
    name = reference.name
    page = site_dir(language) / f"{reference.parent.name}.html"
    (offered,) = {resolve(page, url)[0] for url in parse(page).links if url.endswith(f"/{name}")}
    mine = tmp_path / name
    mine.write_bytes(offered.read_bytes())

    def check() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "labkit.exercises", "check", exercise_id, name], cwd=tmp_path,
                              env=student_env(language), capture_output=True, text=True, timeout=120)

    untouched = check()
    assert untouched.returncode == 1, untouched.stdout + untouched.stderr
    assert ("not written yet" if language == "en" else "pas encore écrite") in untouched.stdout
    mine.write_text(solution_path(exercise_id).read_text(encoding="utf-8"), encoding="utf-8")
    solved = check()
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert solved.stdout.startswith("Passed" if language == "en" else "Réussi"), solved.stdout
