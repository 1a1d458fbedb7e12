"""The acceptance probe of issue 15 (``tools/probe_contracts.py``) lists at least 300 probes that
cover every public labkit module. Only the listing is tested: the probe's findings are the work of the
module owners, and running it takes minutes."""

from __future__ import annotations

import pathlib
import pkgutil
import subprocess
import sys
from collections import Counter

import labkit

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODULES = {m.name for m in pkgutil.iter_modules(labkit.__path__) if not m.name.startswith("_")}


def test_the_probe_lists_at_least_300_probes_over_every_public_module() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "probe_contracts.py"), "--list"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=True).stdout
    rows = [line.split("\t") for line in out.splitlines() if line.count("\t") == 2]
    assert len(rows) >= 300
    per_module = Counter(module for module, _, _ in rows)
    assert set(per_module) == MODULES
    assert all(expect.split(" ")[0] in {"error", "ok"} for _, expect, _ in rows)
    assert sum(expect == "ok" for _, expect, _ in rows) >= 50  # valid but unusual inputs are probed too
