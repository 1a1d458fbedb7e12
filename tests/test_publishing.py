"""The publishing workflow builds the site from the lock file, offline, and publishes _build/html."""

from __future__ import annotations

import subprocess

import build_env
import yaml
from sitetools import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def steps() -> list[dict]:
    return yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["steps"]


def test_workflow_installs_from_the_lock_file_then_builds_with_make_site():
    runs = [s.get("run", "") for s in steps()]
    assert runs.index("make .venv/.installed") < runs.index("make site")


def test_site_build_cannot_reach_the_network():
    """make site runs Sphinx with offline.env's closed proxy, in the workflow as on every machine."""
    offline = build_env.read(build_env.OFFLINE)
    for variable in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        assert offline[variable] == "http://127.0.0.1:9"  # port 9 (discard) is closed: a fetch fails at once
    dry_run = subprocess.run(["make", "-n", "--no-print-directory", "-o", ".venv/.installed", "html-en", "html-fr"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    sphinx = [line for line in dry_run.splitlines() if " -m sphinx " in line]
    assert len(sphinx) == 2
    for line in sphinx:
        prefix = line.split(" -m sphinx ")[0]
        assert all(f"{key}={value}" in prefix.split() for key, value in offline.items()), line


def test_workflow_publishes_the_built_html():
    (upload,) = [s for s in steps() if "upload-pages-artifact" in s.get("uses", "")]
    assert upload["with"]["path"] == "_build/html"
    document = yaml.safe_load(WORKFLOW.read_text())
    assert "deploy-pages" in document["jobs"]["deploy"]["steps"][0]["uses"]


def test_makefile_has_the_stamp_target_the_workflow_calls():
    assert "$(STAMP): requirements.lock" in (ROOT / "Makefile").read_text()
    assert "STAMP := $(VENV)/.installed" in (ROOT / "Makefile").read_text()
