"""The examples in the docstrings of the site's Sphinx extensions run (conftest.py does not collect docs/_ext, whose
modules are Sphinx glue: their doctests ran nowhere)."""

from __future__ import annotations

import doctest
import importlib

import pytest
from sitetools import ROOT

EXTENSIONS = sorted(path.stem for path in (ROOT / "docs" / "_ext").glob("*.py"))


@pytest.mark.parametrize("name", EXTENSIONS)
def test_extension_doctests_pass(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} doctest examples failed"


def test_the_extensions_hold_examples():
    attempted = sum(doctest.testmod(importlib.import_module(name)).attempted for name in EXTENSIONS)
    assert attempted >= 15, attempted
