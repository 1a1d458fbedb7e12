"""The front door: an unsupported Python gets one clear sentence, not a pip traceback."""

import shutil
import subprocess
import sys

from sitetools import ROOT

FAKE = """#!/bin/sh
# A stand-in for a Python 3.13 interpreter: the real one, reporting version 3.13.
exec {python} -c "import sys, collections; sys.version_info = collections.namedtuple('V', 'major minor micro')(3, 13, 0); exec(sys.argv[1])" "$2"
"""


def test_unsupported_python_gets_one_clear_sentence(tmp_path):
    for name in ("Makefile", "requirements.lock", "pyproject.toml"):
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
    assert first.startswith("labkit needs Python 3.10, 3.11 or 3.12") and "3.13" in first
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / ".venv").exists()
