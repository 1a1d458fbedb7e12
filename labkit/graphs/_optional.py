"""DGL, an optional dependency: imported only by what needs it, with one clear error where it is missing."""

from __future__ import annotations

from types import ModuleType

from .._contract import contract

__all__ = ["has_dgl"]

#: How to get DGL; DGL 2.1.0, its last release on PyPI, has wheels for these platforms only.
INSTALL = "pip install 'labkit[dgl]' (Linux, Python 3.10-3.12, torch 2.2.1)"


def import_dgl(needed_by: str) -> ModuleType:
    """The ``dgl`` module, or an ImportError that names ``needed_by`` and the extra that installs DGL.

    DGL may be absent (ModuleNotFoundError) or installed but unable to load its C++ libraries, which are
    built for torch 2.0-2.2.1 only (OSError with a newer torch; ImportError when numpy or torchdata is too
    new): either way the student needs the same advice, and the original error stays attached as the cause.
    """
    try:
        import dgl
    except (ImportError, OSError) as error:
        raise ImportError(f"{needed_by} needs DGL, an optional dependency: {INSTALL}; importing dgl failed "
                          f"with {type(error).__name__}: {error}", name="dgl") from error
    return dgl


@contract()
def has_dgl() -> bool:
    """Whether DGL can be imported here: the optional extra ``labkit[dgl]`` (Linux, Python 3.10-3.12).

    :func:`to_dgl`, :func:`from_dgl` and ``benchmark_gcn_layer(..., "dgl")`` need it; the examples and
    pages that compare labkit with DGL ask this first, and leave DGL out where it is missing.

    >>> from labkit.graphs import benchmark_gcn_layer
    >>> methods = ["labkit", "dgl"] if has_dgl() else ["labkit"]
    >>> list(benchmark_gcn_layer(1000, methods, repeats=1)) == methods
    True
    """
    try:
        import_dgl("has_dgl")
    except ImportError:
        return False
    return True
