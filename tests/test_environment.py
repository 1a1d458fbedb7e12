"""Both environments of ``make test`` work. The site's (``.venv``, requirements.lock): a broken pin (torch, DGL and
its companions) fails here. The newest releases' (``.venv-latest``, requirements-latest.txt): numpy 2, no DGL.
labkit is installed in each (with its catalogs), and build.env is what Sphinx and pytest run with."""

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

from labkit.graphs import has_dgl
from labkit.i18n import catalog

ROOT = Path(__file__).resolve().parents[1]


def pinned_versions(name: str = "requirements.lock") -> dict[str, str]:
    """Name -> version of every package a requirements file pins for this interpreter."""
    from packaging.markers import Marker

    text = (ROOT / name).read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)(?:\s*;\s*([^\\\n]+))?", text, re.M)
    return {
        name.lower().replace("_", "-"): version
        for name, version, marker in pins
        if not marker.strip() or Marker(marker.strip()).evaluate()
    }


# The environments the Makefile creates, each from its file. Run elsewhere (a student's own venv), the tests that
# compare installed versions with a file have nothing to compare with.
ENVIRONMENTS = {".venv": "requirements.lock", ".venv-latest": "requirements-latest.txt"}
HERE = Path(sys.prefix).name
needs_make_env = pytest.mark.skipif(HERE not in ENVIRONMENTS, reason=f"not one of make's environments: {sys.prefix}")


@pytest.mark.parametrize(
    "name, version",
    [("torch", "2.2.1"), ("dgl", "2.1.0"), ("torchdata", "0.7.1"), ("torch-geometric", "2.6.1")],
)
def test_lock_pins_the_verified_set(name, version):
    assert pinned_versions()[name] == version


def test_lock_keeps_numpy_and_setuptools_below_dgl_breaking_versions():
    locked = pinned_versions()
    assert int(locked["numpy"].split(".")[0]) < 2
    assert int(locked["setuptools"].split(".")[0]) < 70
    # setuptools < 70 builds labkit's editable wheel with wheel's own bdist_wheel, which wheel 0.46 dropped.
    assert tuple(int(n) for n in locked["wheel"].split(".")[:2]) < (0, 46)


def test_latest_is_numpy_2_and_current_torch_without_dgl():
    latest = pinned_versions("requirements-latest.txt")
    assert int(latest["numpy"].split(".")[0]) >= 2
    assert tuple(int(n) for n in latest["torch"].split(".")[:2]) >= (2, 13)
    assert latest["torch-geometric"].startswith("2.8.")
    assert "tqdm" in latest and not {"dgl", "torchdata"} & latest.keys()


def test_both_files_satisfy_labkits_own_requirements():
    """Each environment is one that pip could have chosen for labkit: its pins meet every range of pyproject.toml
    (with the dgl extra for the lock), and DGL's companions are pinned only in that extra."""
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "requires-python" not in project or "<" not in project["requires-python"]
    base = [Requirement(r) for r in project["dependencies"]]
    extra = [Requirement(r) for r in project["optional-dependencies"]["dgl"]]
    assert not {"dgl", "torchdata", "setuptools"} & {r.name for r in base}
    assert {"dgl", "torch", "numpy", "torchdata", "setuptools"} <= {r.name for r in extra}
    for name, wanted in (("requirements.lock", base + extra), ("requirements-latest.txt", base)):
        pins = pinned_versions(name)
        for req in wanted:
            key = req.name.lower().replace("_", "-")
            assert key in pins, f"{name} does not pin {req.name}"
            assert req.specifier.contains(pins[key], prereleases=True), f"{name}: {key}=={pins[key]} not {req}"


def test_lock_is_what_make_lock_writes():
    """The command recorded in the lock file is the Makefile's (pyproject's extras included)."""
    recorded = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()[1].lstrip("# ").split()
    dry_run = subprocess.run(["make", "-n", "--no-print-directory", "lock"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    assert [word for word in dry_run.split() if word != "\\"] == recorded


@needs_make_env
def test_installed_versions_match_their_file():
    from importlib.metadata import version

    pinned = pinned_versions(ENVIRONMENTS[HERE])
    names = ["torch", "torch-geometric", "numpy", "setuptools", "sphinx", "myst-nb", "tqdm", "scipy", "matplotlib"]
    for name in names + (["dgl", "torchdata"] if HERE == ".venv" else []):
        installed = version(name).split("+")[0]
        assert installed == pinned[name], f"{name}: installed {installed}, {ENVIRONMENTS[HERE]} pins {pinned[name]}"


@needs_make_env
def test_dgl_only_in_the_sites_environment():
    assert has_dgl() == (HERE == ".venv")


@pytest.mark.skipif(not has_dgl(), reason="DGL is not installed (the labkit[dgl] extra)")
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


@needs_make_env
def test_labkit_is_installed_from_this_checkout(tmp_path):
    """pip installed labkit: it imports from any folder, with no path setting. The site's environment has it
    editable (the checkout's labkit/ runs); the newest releases' a wheel built from the checkout, as a student."""
    from importlib.metadata import distribution

    origin = json.loads(distribution("labkit").read_text("direct_url.json"))
    editable = HERE == ".venv"
    assert origin["dir_info"].get("editable", False) == editable
    assert Path(origin["url"].removeprefix("file://")) == ROOT
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    imported = subprocess.run([sys.executable, "-c", "import labkit; print(labkit.__file__)"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, check=True).stdout.strip()
    assert (Path(imported) == ROOT / "labkit" / "__init__.py") == editable


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


def test_pip_installs_labkit_from_the_repositorys_address(tmp_path):
    """The how-to's `pip install "labkit @ git+REPO"`: pip clones the repository's committed HEAD and builds
    labkit from it (here from this clone's address, in the plain `git+URL` form that the locked pip 23 parses
    for a file:// address; no dependency is installed, labkit alone)."""
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "install", "--no-deps", "--no-build-isolation", "--no-index", "--target", tmp_path / "site",
                    f"git+file://{ROOT}"], check=True, capture_output=True, cwd=tmp_path)
    installed = tmp_path / "site" / "labkit"
    assert {p.name for p in (ROOT / "labkit" / "locales" / "fr").glob("*.po")} == {
        p.name for p in (installed / "locales" / "fr").glob("*.po")}
    records = ROOT / "labkit" / "hardware" / "records"
    assert {p.name for p in records.glob("*.json")} | {"README.md"} == {
        p.name for p in (installed / "hardware" / "records").iterdir()}


def test_the_how_to_states_the_requirements_of_pyproject():
    """The how-to's one sentence of requirements says what pyproject.toml asks, no more, no less."""
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lower = {Requirement(r).name: str(Requirement(r).specifier) for r in project["dependencies"]}
    howto = " ".join((ROOT / "docs" / "howto.md").read_text(encoding="utf-8").split())
    assert project["requires-python"] == ">=3.10" and "Python 3.10 or newer" in howto
    assert lower["torch"] == ">=2.2" and "PyTorch 2.2 or newer" in howto
    assert lower["numpy"] == ">=1.26" and "NumPy 1.26 or 2" in howto
    extra = {Requirement(r).name: str(Requirement(r).specifier) for r in project["optional-dependencies"]["dgl"]}
    assert extra["torch"] == "==2.2.1" and "Python 3.10 to 3.12 and PyTorch 2.2.1" in howto
