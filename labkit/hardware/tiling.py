"""How a matrix product reuses what it loads: tiles of the inputs kept in fast memory, counted."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import Array, Size
from .._contract import contract

__all__ = ["tiled_matmul", "SHARED_MEMORY_PER_SM"]

#: Shared memory of one streaming multiprocessor of an H100, in bytes: up to 228 KB, configurable
#: between shared memory and L1 cache (NVIDIA's Hopper whitepaper).
SHARED_MEMORY_PER_SM = 228 * 1024

_MATRIX = Array(ndim=2, min_rows=1)


@contract(a=_MATRIX, b=_MATRIX, tile=Size())
def tiled_matmul(a: Any, b: Any, tile: int) -> tuple[np.ndarray, int]:
    """The product ``a @ b`` computed tile by tile, and the number of input elements it loaded.

    Each block of ``tile x tile`` outputs is accumulated from a row of tiles of ``a`` and a column of
    tiles of ``b``, each loaded once into fast memory (a GPU's shared memory, a CPU's cache) and used
    ``tile`` times before the next is loaded. For square matrices of side ``n`` that ``tile`` divides,
    the loads are ``2 n**3 / tile`` elements: the arithmetic intensity, ``2 n**3`` FLOPs over the bytes
    loaded, grows with the tile, which is what lets a product reach the flat roof. Edge tiles are
    smaller when ``tile`` does not divide the sizes; ``tile=1`` is the naive product, which loads two
    numbers for every multiply-add. ``a`` is ``(m, k)``, ``b`` is ``(k, n)``.

    >>> a = np.arange(16.0).reshape(4, 4)
    >>> product, loaded = tiled_matmul(a, np.eye(4), tile=2)
    >>> bool(np.array_equal(product, a)), loaded, 2 * 4**3 // 2
    (True, 64, 64)
    """
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"b must have {a.shape[1]} rows, as many as a has columns, got {b.shape[0]}")
    m, k = a.shape
    n = b.shape[1]
    out = np.zeros((m, n), dtype=np.result_type(a, b))
    loaded = 0
    for i in range(0, m, tile):
        for j in range(0, n, tile):
            acc = np.zeros((min(tile, m - i), min(tile, n - j)), dtype=out.dtype)  # in registers
            for p in range(0, k, tile):
                a_tile, b_tile = a[i:i + tile, p:p + tile], b[p:p + tile, j:j + tile]  # loaded once
                loaded += a_tile.size + b_tile.size
                acc += a_tile @ b_tile  # each loaded number used min(tile, ...) times
            out[i:i + tile, j:j + tile] = acc
    return out, loaded
