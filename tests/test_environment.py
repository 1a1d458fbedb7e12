"""The pinned environment works: a broken pin (torch, DGL and its four companions) fails here; labkit is
installed in it (with its catalogs), and build.env is what Sphinx and pytest run with."""

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import build_env
import numpy as np
import pytest
import torch

from labkit.i18n import catalog

ROOT = Path(__file__).resolve().parents[1]


def locked_versions() -> dict[str, str]:
    """Name -> version of every package the lock file selects for this interpreter."""
    from packaging.markers import Marker

    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)(?:\s*;\s*([^\\\n]+))?", text, re.M)
    return {
        name.lower().replace("_", "-"): version
        for name, version, marker in pins
        if not marker.strip() or Marker(marker.strip()).evaluate()
    }


@pytest.mark.parametrize(
    "name, version",
    [("torch", "2.2.1"), ("dgl", "2.1.0"), ("torchdata", "0.7.1"), ("torch-geometric", "2.6.1")],
)
def test_lock_pins_the_verified_set(name, version):
    assert locked_versions()[name] == version


def test_lock_keeps_numpy_and_setuptools_below_dgl_breaking_versions():
    locked = locked_versions()
    assert int(locked["numpy"].split(".")[0]) < 2
    assert int(locked["setuptools"].split(".")[0]) < 70
    # setuptools < 70 builds labkit's editable wheel with wheel's own bdist_wheel, which wheel 0.46 dropped.
    assert tuple(int(n) for n in locked["wheel"].split(".")[:2]) < (0, 46)


def test_lock_is_what_make_lock_writes():
    """The command recorded in the lock file is the Makefile's (pyproject's extras included)."""
    recorded = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()[1].lstrip("# ").split()
    dry_run = subprocess.run(["make", "-n", "--no-print-directory", "lock"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    assert [word for word in dry_run.split() if word != "\\"] == recorded


def test_installed_versions_match_the_lock():
    from importlib.metadata import version

    locked = locked_versions()
    for name in ("torch", "dgl", "torchdata", "torch-geometric", "numpy", "setuptools", "sphinx", "myst-nb"):
        installed = version(name).split("+")[0]
        assert installed == locked[name], f"{name}: installed {installed}, locked {locked[name]}"


def test_dgl_graphconv_forward_and_backward():
    import dgl
    from dgl.nn import GraphConv

    torch.manual_seed(0)
    g = dgl.add_self_loop(dgl.graph(([0, 1, 2, 3], [1, 2, 3, 0]), num_nodes=4))
    conv = GraphConv(3, 2, norm="both")
    x = torch.randn(4, 3, requires_grad=True)
    out = conv(g, x)
    out.sum().backward()
    assert out.shape == (4, 2)
    assert x.grad is not None and torch.isfinite(x.grad).all()
    assert conv.weight.grad is not None and conv.weight.grad.abs().sum() > 0
    # On this 4-cycle with self-loops every node has degree 2: GraphConv averages each node with its predecessor.
    expected = 0.5 * (x + x.roll(1, dims=0)) @ conv.weight + conv.bias
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_pyg_gcnconv_runs_on_the_same_torch():
    from torch_geometric.nn import GCNConv

    torch.manual_seed(0)
    conv = GCNConv(3, 2)
    edge_index = torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]])
    out = conv(torch.randn(4, 3), edge_index)
    out.sum().backward()
    assert out.shape == (4, 2) and conv.lin.weight.grad is not None


# -- labkit in the environment, and the environment from build.env ---------------------------------


def test_labkit_is_installed_editable_from_this_checkout(tmp_path):
    """pip installed labkit (make's install step): it imports from any folder, with no path setting."""
    from importlib.metadata import distribution

    origin = json.loads(distribution("labkit").read_text("direct_url.json"))
    assert origin["dir_info"] == {"editable": True}
    assert Path(origin["url"].removeprefix("file://")) == ROOT
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    imported = subprocess.run([sys.executable, "-c", "import labkit; print(labkit.__file__)"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, check=True).stdout.strip()
    assert Path(imported) == ROOT / "labkit" / "__init__.py"


def test_a_built_labkit_ships_its_catalogs_and_records(tmp_path):
    """A wheel of labkit (not the checkout) holds every catalog and recorded run, and speaks French."""
    source = tmp_path / "source"  # a copy: building writes build/ and *.egg-info beside the sources
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "labkit", source / "labkit", ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", tmp_path / "dist", source],
                   check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("labkit-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    records = ROOT / "labkit" / "hardware" / "records"
    data = [*(ROOT / "labkit" / "locales").glob("*/*.po"), *records.glob("*.json"), records / "README.md"]
    missing = {p.relative_to(ROOT).as_posix() for p in data} - shipped
    assert not missing, f"not in the wheel: {sorted(missing)}"
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--target", tmp_path / "site", wheel], check=True,
                   capture_output=True)
    # PYTHONPATH here only to reach the scratch install: from there, does labkit.i18n find its French?
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "LABKIT_LANG": "fr"}
    check = ("import labkit, labkit.i18n as i; print(labkit.__file__); "
             "print(len(i.catalog('fr')), i._('epoch'))")
    out = subprocess.run([sys.executable, "-c", check], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert Path(out[0]).is_relative_to(tmp_path / "site")
    count, french = out[1].split(" ", 1)
    assert int(count) == len(catalog("fr")) > 0 and french == "époque"


def test_build_env_fills_what_is_not_set_and_keeps_what_is():
    settings = build_env.read()
    assert {"OMP_NUM_THREADS", "MKL_NUM_THREADS", "PYTHONHASHSEED", "DGLBACKEND", "MPLBACKEND"} <= settings.keys()
    env = build_env.apply({"OMP_NUM_THREADS": "1", "HOME": "/home/x"})
    assert env == {**settings, "OMP_NUM_THREADS": "1", "HOME": "/home/x"}


def test_build_env_refuses_a_line_make_would_read_otherwise(tmp_path):
    bad = tmp_path / "bad.env"
    for line in ("OMP_NUM_THREADS = 2", 'MPLBACKEND="Agg"', "no_proxy=a#b", "X=$(HOME)"):
        bad.write_text(f"# fine\nDGLBACKEND=pytorch\n{line}\n")
        with pytest.raises(ValueError, match="bad.env:3: expected KEY=VALUE without spaces, quotes, # or \\$"):
            build_env.read(bad)


@pytest.mark.parametrize("entry", ["conf.py", "conftest.py"])
def test_sphinx_and_pytest_apply_build_env(entry):
    """conf.py and conftest.py, run with none of build.env's variables set, set them all from build.env."""
    settings = build_env.read()
    env = {k: v for k, v in os.environ.items() if k not in settings}
    code = (f"import json, os, runpy, sys; sys.path.insert(0, {str(ROOT / 'docs' / '_ext')!r}); "
            f"runpy.run_path({str(ROOT / entry)!r}); print(json.dumps(dict(os.environ)))")
    seen = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout
    assert {key: json.loads(seen).get(key) for key in settings} == settings
