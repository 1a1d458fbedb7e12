"""The front door: an unsupported Python gets one clear sentence, not a pip traceback; build.env reaches every
recipe; make clean cleans."""

import os
import re
import shutil
import subprocess
import sys

import build_env
from sitetools import ROOT

FAKE = """#!/bin/sh
# A stand-in for a Python 3.13 interpreter: the real one, reporting version 3.13.
exec {python} -c "import sys, collections; sys.version_info = collections.namedtuple('V', 'major minor micro')(3, 13, 0); exec(sys.argv[1])" "$2"
"""


def test_unsupported_python_gets_one_clear_sentence(tmp_path):
    copy_front_door(tmp_path)
    for name in ("requirements.lock", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    fake = tmp_path / "python3.13"
    fake.write_text(FAKE.format(python=sys.executable))
    fake.chmod(0o755)
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", ".venv/.installed", f"PYTHON={fake}"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert result.returncode != 0
    first = result.stdout.strip().splitlines()[0]
    assert first.startswith("The site is built with DGL 2.1.0, which needs Python 3.10, 3.11 or 3.12") and "3.13" in first
    assert "labkit itself runs on your Python" in first  # a student is not turned away: only the site build is
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / ".venv").exists()


def copy_front_door(tmp_path):
    """The Makefile and the files it reads, in a scratch folder where its recipes can do no harm."""
    for name in ("Makefile", "build.env", "offline.env"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_make_exports_build_env_to_every_recipe(tmp_path):
    """build.env is the one source: every KEY=VALUE of it reaches what make runs, whatever the shell had."""
    settings = build_env.read()
    env = {k: v for k, v in os.environ.items() if k not in settings and not k.startswith("MAKE")}
    result = subprocess.run(["make", "--no-print-directory", "-s", "--eval", "env: ; @env", "env"],
                            cwd=copy_front_door(tmp_path), env=env, capture_output=True, text=True, check=True)
    exported = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert {key: exported.get(key) for key in settings} == settings
    assert "http_proxy" not in exported  # offline.env is for the site build only: the install needs the network


def test_clean_removes_every_compiled_catalog(tmp_path):
    """Sphinx writes a .mo beside each .po, in subfolders too: make clean removes them all, and only them."""
    root = copy_front_door(tmp_path)
    messages = root / "locales" / "fr" / "LC_MESSAGES"
    compiled = [messages / "index.mo", messages / "generated" / "labkit.i18n.mo",
                messages / "auto_examples" / "06_backprop" / "plot_gradient_check.mo"]
    for mo in compiled:
        mo.parent.mkdir(parents=True, exist_ok=True)
        mo.write_bytes(b"")
        mo.with_suffix(".po").write_text("")
    (root / "_build" / "html").mkdir(parents=True)
    subprocess.run(["make", "--no-print-directory", "-s", "clean"], cwd=root, check=True, capture_output=True)
    assert not [mo for mo in compiled if mo.exists()]
    assert all(mo.with_suffix(".po").exists() for mo in compiled)
    assert not (root / "_build").exists()


def fake_environments(root):
    """.venv and .venv-latest, installed, whose python only says how it was called."""
    for name in ("requirements.lock", "requirements-latest.txt", "pyproject.toml", "README.md"):
        (root / name).write_text("")
    for venv in (".venv", ".venv-latest"):
        (root / venv / "bin").mkdir(parents=True)
        python = root / venv / "bin" / "python"
        python.write_text(f'#!/bin/sh\necho "{venv} $*"\n')
        python.chmod(0o755)
        (root / venv / ".installed").write_text("")
    axe = root / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"  # installed after the environment
    axe.parent.mkdir(parents=True)
    axe.write_text("")
    return root


def test_make_test_checks_both_environments(tmp_path):
    """make test runs the unit tests of both environments side by side, builds the site, tests it beside the
    downloaded scripts, then what times code, alone; the newest releases get labkit from its wheel and treat
    labkit's DeprecationWarnings as errors."""
    root = fake_environments(copy_front_door(tmp_path))
    said = subprocess.run(["make", "--no-print-directory", "-s", "test", "MAKE=echo make"], cwd=root,
                          capture_output=True, text=True, check=True).stdout.splitlines()
    assert said[:5] == ["make --no-print-directory .venv-latest/.labkit",
                        "make --no-print-directory -j2 -k --output-sync=target unit latest-unit",
                        "make --no-print-directory site",
                        "make --no-print-directory -j2 -k --output-sync=target browser-tests site-checks "
                        "latest-scripts SCRIPTS=student and not timed",
                        "make --no-print-directory -k timed-site timed-scripts"]
    assert said[-1].startswith("[test] done in ")
    # Side by side, OpenMP's waiting threads sleep: spinning, they would take the other step's core.
    planned = subprocess.run(["make", "--no-print-directory", "-n", "test"], cwd=root, capture_output=True, text=True,
                             check=True).stdout
    steps = [" ".join(part.replace("\\\n", " ").split()) for part in planned.split(";")
             if "make --no-print-directory" in part]
    assert [s.startswith("OMP_WAIT_POLICY=PASSIVE make") for s in steps] == [False, True, False, True, False], steps
    # The three parts of the site's tests are the whole of them, and the timed ones run in both environments.
    (root / "_build" / "html" / "fr").mkdir(parents=True)
    (root / ".venv-latest" / ".labkit").write_text("")
    said = subprocess.run(["make", "--no-print-directory", "-s", "browser-tests", "site-checks", "timed-site",
                           "timed-scripts", "latest-scripts", "SCRIPTS=student and not timed"], cwd=root,
                          capture_output=True, text=True, check=True).stdout.splitlines()
    assert said == [".venv -m pytest -m site and browser and not student and not timed tests",
                    ".venv -m pytest -m site and not student and not browser and not timed tests",
                    ".venv -m pytest -m site and timed and not student tests",
                    ".venv-latest -m pytest -m student and timed tests",
                    ".venv-latest -m pytest -m student and not timed tests"]
    (root / ".venv-latest" / ".labkit").unlink()
    shutil.rmtree(root / "_build" / "html")
    said = subprocess.run(["make", "--no-print-directory", "-s", "unit", "site-tests"], cwd=root,
                          capture_output=True, text=True, check=True).stdout.splitlines()
    assert said == [".venv -m pytest -m not site tests labkit docs", ".venv -m pytest -m site and not student tests"]
    # The browser test's axe-core: from the npm registry, a pinned release, into the environment.
    (root / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js").unlink()
    planned = subprocess.run(["make", "--no-print-directory", "-n", "browser-tests"], cwd=root, capture_output=True,
                             text=True, check=True).stdout
    assert "npm install --prefix .venv/axe" in planned and re.search(r"axe-core@\d+\.\d+\.\d+\b", planned), planned
    assert re.fullmatch(r"\[unit\] done in \d+ s, processor time \(user, system\) \d+m[\d.]+s \d+m[\d.]+s\n",
                        (root / "_build" / "logs" / "unit.time").read_text())
    (root / "_build" / "html" / "fr").mkdir(parents=True)
    (root / "labkit.egg-info").mkdir()  # what building the wheel in the checkout leaves
    said = subprocess.run(["make", "--no-print-directory", "-s", "test-latest"], cwd=root, capture_output=True,
                          text=True, check=True).stdout.splitlines()
    assert said[0].startswith(".venv-latest -m pip install") and said[0].endswith("--force-reinstall .")
    assert not (root / "labkit.egg-info").exists()
    assert said[1:] == [".venv-latest -m pytest -m not site -o filterwarnings=error::DeprecationWarning:labkit "
                        "tests labkit docs", ".venv-latest -m pytest -m student tests"]
    # labkit's wheel is installed once, again only when labkit changes
    said = subprocess.run(["make", "--no-print-directory", "-s", "latest-scripts"], cwd=root, capture_output=True,
                          text=True, check=True).stdout.splitlines()
    assert said == [".venv-latest -m pytest -m student tests"]


def test_a_failing_step_fails_make_test_but_the_others_still_run(tmp_path):
    root = fake_environments(copy_front_door(tmp_path))
    failing = root / ".venv" / "bin" / "python"
    failing.write_text('#!/bin/sh\necho ".venv $*"\nexit 1\n')
    result = subprocess.run(["make", "--no-print-directory", "-s", "-k", "unit", "latest-unit"], cwd=root,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert ".venv-latest -m pytest -m not site" in result.stdout  # the other environment was still tested
    assert (root / "_build" / "logs" / "unit.time").is_file()
    # the timed checks of the newest releases run after those of the site's environment failed
    (root / "_build" / "html" / "fr").mkdir(parents=True)
    (root / ".venv-latest" / ".labkit").write_text("")
    result = subprocess.run(["make", "--no-print-directory", "-s", "-k", "timed-site", "timed-scripts"], cwd=root,
                            capture_output=True, text=True)
    assert result.returncode != 0 and ".venv-latest -m pytest -m student and timed tests" in result.stdout


def test_latest_tests_need_the_built_site(tmp_path):
    root = copy_front_door(tmp_path)
    (root / "requirements-latest.txt").write_text("")
    (root / ".venv-latest").mkdir()
    (root / ".venv-latest" / ".installed").write_text("")
    result = subprocess.run(["make", "--no-print-directory", "test-latest"], cwd=root, capture_output=True, text=True)
    assert result.returncode != 0 and "No site yet: run 'make site' first" in result.stdout


def test_pdf_without_texlive_gets_one_clear_sentence(tmp_path):
    """Without XeLaTeX, make pdf says which Debian packages build the PDFs (the list .ci/run installs), in one line."""
    root = copy_front_door(tmp_path)
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("sh", "bash", "make", "env", "sed", "grep", "date", "mkdir"):
        if shutil.which(tool):
            (bare / tool).symlink_to(shutil.which(tool))
    pages_built = ["-o", "html-en", "-o", "html-fr", "-o", ".venv/.installed"]
    result = subprocess.run(["make", "--no-print-directory", "-s", *pages_built, "pdf-en"], cwd=root,
                            capture_output=True, text=True, env={"PATH": str(bare)})
    assert result.returncode != 0
    said = result.stdout.strip().splitlines()
    assert len(said) == 1 and said[0].startswith("The PDF is built by XeLaTeX: apt-get install texlive-xetex"), said
    assert "latexmk" in said[0] and "(.ci/run does it)" in said[0]
    # .ci/run and the publishing workflow install that very list
    assert "$(make -s print-texlive)" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "$(make -s print-texlive)" in (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    listed = subprocess.run(["make", "-s", "print-texlive"], cwd=root, capture_output=True, text=True, check=True)
    assert listed.stdout.split() == said[0].split("apt-get install ")[1].split(" (")[0].split()
