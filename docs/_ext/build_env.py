"""The course's environment, read from its one source: ``build.env`` (and ``offline.env``) at the root.

The Makefile includes those files and exports them (``make test OMP_NUM_THREADS=1`` changes one for a
run); the Python entry points that may run without make (conf.py, conftest.py, reproduce.py) apply them
here, filling in only what the environment does not set: under make, that is make's values, and
``OMP_NUM_THREADS=1 pytest`` runs with one thread.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build.env"  # threads, seeds, backends: every build, test and tool run
OFFLINE = ROOT / "offline.env"  # the closed proxy: the site builds only


def read(path: Path = BUILD) -> dict[str, str]:
    """The ``KEY=VALUE`` lines of an environment file, in order; comments and blank lines skipped.

    >>> read()["DGLBACKEND"]
    'pytorch'
    """
    settings = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        # What make would read differently: spaces around "=", quotes, "#" (a comment) or "$" (a variable).
        if not sep or not key.isidentifier() or any(c in value for c in " \t\"'#$"):
            raise ValueError(f"{path.name}:{number}: expected KEY=VALUE without spaces, quotes, # or $, got {line!r}")
        settings[key] = value
    return settings


def apply(environ: MutableMapping[str, str] = os.environ, *paths: Path) -> MutableMapping[str, str]:
    """Set in ``environ`` each variable of ``paths`` (default: ``build.env``) that it does not set yet.

    >>> env = apply({"OMP_NUM_THREADS": "1"})
    >>> env["OMP_NUM_THREADS"], env["MPLBACKEND"]
    ('1', 'Agg')
    """
    for path in paths or (BUILD,):
        for key, value in read(path).items():
            environ.setdefault(key, value)
    return environ
