"""Tests of labkit.plotting: a colour-blind-safe palette, an idempotent style, no import side effects."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import matplotlib as mpl
import pytest

from labkit import plotting
from labkit.plotting import PALETTE, use_style
from contracts import contract_tests

OKABE_ITO = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def default_style() -> Iterator[None]:
    mpl.rcdefaults()  # each test starts from, and leaves, matplotlib's defaults
    yield
    mpl.rcdefaults()


def test_palette_is_okabe_ito() -> None:
    assert isinstance(PALETTE, tuple) and len(PALETTE) == 8
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in PALETTE)
    assert set(PALETTE) == OKABE_ITO


def test_use_style_sets_the_palette_grid_and_dpi() -> None:
    use_style()
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"] == list(PALETTE)
    assert mpl.rcParams["axes.grid"] is True
    assert mpl.rcParams["figure.dpi"] == 100
    use_style(dpi=150)
    assert mpl.rcParams["figure.dpi"] == 150 and mpl.rcParams["savefig.dpi"] == 150


def test_use_style_is_idempotent() -> None:
    use_style()
    once = dict(mpl.rcParams)
    use_style()
    assert dict(mpl.rcParams) == once
    assert once != dict(mpl.rcParamsDefault)


def test_a_figure_uses_the_palette() -> None:
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    use_style()
    fig, ax = plt.subplots()
    lines = [ax.plot([0, 1], [0, i])[0] for i in range(3)]
    assert [line.get_color() for line in lines] == list(PALETTE[:3])
    plt.close(fig)


def test_importing_labkit_has_no_side_effects() -> None:
    # A fresh interpreter: importing the package and the style module loads neither matplotlib nor torch.
    code = ("import sys, labkit, labkit.plotting; "
            "print(labkit.__version__, 'matplotlib' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0.1.0", "False", "False"]


VALID_CALLS = {"use_style": lambda: (use_style, dict(dpi=150)),
               "widest_figure": lambda: (plotting.widest_figure, dict(smallest_pt=11.0))}

(test_every_public_callable_declares_a_contract_and_a_valid_call, test_the_valid_call_succeeds,
 test_bad_values_of_a_declared_argument_are_refused_naming_it,
 test_unusual_values_of_a_declared_argument_are_accepted) = contract_tests(plotting, VALID_CALLS)
