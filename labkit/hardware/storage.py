"""Runs on disk: one JSON file per run, and the GPU runs committed to :data:`RECORDS`.

``python -m labkit.hardware --output results.json`` writes one (see :mod:`~labkit.hardware.cli`). The
file records, next to every timing, the FLOPs and bytes of the workload, once per file where and when
it was measured (device names, driver, CUDA, PyTorch and NumPy versions, date, host CPU), and, for its
readers, each device's measured ceilings. A GPU run committed to ``labkit/hardware/records/`` is what
the course site shows beside the CPU measured at build time.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .._checks import Instance, Optional, Rule, Said, Variant, _const, _needs, _shown
from .._contract import contract
from .results import Run, _run_from
from .roofline import _peaks

#: Where committed runs live: read by the course page and the gallery at build time.
RECORDS = Path(__file__).resolve().parent / "records"
#: A folder that does not exist, for the variants the generated tests try.
_NO_FOLDER = Path(tempfile.gettempdir()) / "labkit-no-such-folder"
_RUN = Instance(Run, what="a labkit.hardware.Run")


class _Path(Rule):
    """A path, as a non-empty str or a pathlib.Path; ``to`` says what it must name.

    ``"read"``: any path (reading reports a missing file itself); ``"write"``: a file to write, in a
    folder that exists, not a directory; ``"directory"``: an existing directory.
    """

    def __init__(self, to: str = "read") -> None:
        self.to = to
        self.expected = {"read": "a non-empty str or a pathlib.Path",
                         "write": "the path of a file to write, in an existing folder",
                         "directory": "the path of an existing directory"}[to]

    def check(self, name: str, value: Any) -> Path:
        if not isinstance(value, (str, Path)):
            raise self.fail(name, value, TypeError)
        if not str(value):
            raise self.fail(name, value)
        path = Path(value)
        if self.to == "write" and path.is_dir():
            raise self.fail(name, Said(f"{str(path)!r}, a directory"))
        if self.to == "write" and not path.parent.is_dir():
            raise self.fail(name, Said(f"{str(path)!r}, whose folder does not exist"))
        if self.to == "directory" and not path.is_dir():
            raise self.fail(name, Said(f"{str(path)!r}, {'a file' if path.exists() else 'which does not exist'}"))
        return path

    def bad(self) -> list[Variant]:
        out: list[Variant] = [("int", _const(3), TypeError), ("None", _const(None), TypeError),
                              ("empty", _const(""), ValueError)]
        if self.to == "write":
            out += [("folder missing", _const(_NO_FOLDER / "run.json"), ValueError),
                    ("a directory", _const(Path(tempfile.gettempdir())), ValueError)]
        if self.to == "directory":
            out += [("missing", _const(_NO_FOLDER), ValueError), ("a file", _const(Path(__file__)), ValueError)]
        return out

    def unusual(self) -> list[Variant]:
        return [("str", _needs(str), None), ("Path", _needs(Path), None)]


@contract(run=_RUN, path=_Path("write"))
def save_results(run: Run, path: str | Path) -> Path:
    """Write a run to ``path`` as JSON and return the path; its folder must exist.

    Beside the run (:meth:`Run.as_dict`), the file gives each device's measured ceilings, None where
    the run's workloads measure none, for whoever reads the file without labkit.
    """
    ceilings = {d: _peaks(run.results, d) for d in run.environment["devices"]}
    data = {**run.as_dict(), "peaks": ceilings}
    path.write_text(json.dumps(data, indent=1, sort_keys=True, default=_plain) + "\n", encoding="utf-8")
    return path


def _plain(value: object) -> object:
    # json knows Python's numbers only: a numpy scalar becomes the Python number it holds.
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"run must hold JSON values only, got {_shown(value)}")


@contract(path=_Path())
def load_results(path: str | Path) -> Run:
    """Read a run written by :func:`save_results`, checking its schema and every field.

    >>> import tempfile, os
    >>> from labkit.hardware import run_sweep
    >>> run = run_sweep(["cpu"], "tiny", repeats=1)
    >>> path = save_results(run, os.path.join(tempfile.mkdtemp(), "cpu.json"))
    >>> load_results(path) == run
    True
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"path {str(path)!r} is not a readable JSON file: {err}") from None
    return _run_from(f"the run in path {str(path)!r}", data)


@contract(directory=Optional(_Path("directory")))
def recorded_gpu_run(directory: str | Path | None = None) -> Run | None:
    """The latest run in ``directory`` that measured a GPU, or None if none did.

    ``directory`` must exist; by default the committed runs of :data:`RECORDS`.

    >>> run = recorded_gpu_run()
    >>> run is None or "cuda" in run.environment["devices"]
    True
    """
    runs = [load_results(p) for p in sorted((RECORDS if directory is None else directory).glob("*.json"))]
    runs = [r for r in runs if "cuda" in r.environment["devices"]]
    return max(runs, key=lambda r: r.environment["date"], default=None)
