"""Every public module of labkit has its test modules, with a bad-input table for its public callables."""

import importlib
import pkgutil

import labkit
import pytest
from sitetools import ROOT


PUBLIC_MODULES = [m.name for m in pkgutil.iter_modules(labkit.__path__) if not m.name.startswith("_")]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_every_public_module_has_contract_tests_over_every_public_callable(name):
    """tests/test_<module>*.py give, together, a valid call of every public callable (methods and forward
    included) and turn its declared contracts into tests with tests/contracts.py (a package may split its
    tests by submodule: tests/test_multi_data.py, tests/test_multimodal.py...)."""
    from labkit._contract import public_callables

    module = importlib.import_module(f"labkit.{name}")
    assert module.__all__, f"labkit.{name} must list its public names in __all__"
    tests = [importlib.import_module(path.stem) for path in sorted((ROOT / "tests").glob(f"test_{name}*.py"))]
    with_calls = [t for t in tests if getattr(t, "VALID_CALLS", None)]
    assert with_calls, f"tests/test_{name}*.py must define VALID_CALLS"
    assert set().union(*(t.VALID_CALLS for t in with_calls)) == set(public_callables(module))
    assert all(hasattr(t, "test_bad_values_of_a_declared_argument_are_refused_naming_it") for t in with_calls)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_api_page_lists_every_public_name(name):
    """docs/api.rst documents each module's public names under its ``currentmodule``."""
    import re

    api = (ROOT / "docs" / "api.rst").read_text(encoding="utf-8")
    sections = re.split(r"(?m)^\.\. currentmodule:: ", api)[1:]
    listed = {entry for s in sections if s.split()[0] == f"labkit.{name}"
              for entry in re.findall(r"(?m)^   ([A-Za-z_]\w*)$", s)}
    module = importlib.import_module(f"labkit.{name}")
    # Every function and class; constants are documented where autodoc can reach them.
    callables = {n for n in module.__all__ if callable(getattr(module, n))}
    assert callables - listed == set(), f"docs/api.rst misses labkit.{name} names"
