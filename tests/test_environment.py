"""The pinned environment works: a broken pin (torch, DGL and its four companions) fails here."""

import re
from pathlib import Path

import numpy as np
import pytest
import torch

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
