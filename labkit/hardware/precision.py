"""Low precision for inference: weights stored as int8 with one scale per row, and read back."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import Array
from .._contract import contract

__all__ = ["quantize_int8", "dequantize"]


@contract(weights=Array(ndim=2, min_rows=1))
def quantize_int8(weights: Any) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 quantisation with one scale per row (per output channel): ``w ~ q * scale``.

    Each row's scale maps its largest magnitude to 127, so every weight is within half a step
    (``scale / 2``) of its dequantised value. One scale for the whole matrix would let one large row set
    the step of every row, and the rows of small weights would be rounded to a few levels, or to zero.
    A row of zeros gets the scale 1. Returns ``q`` (int8, the shape of ``weights``) and ``scale``
    (float32, one per row): a quarter of the float32 bytes, plus one scale per row.

    >>> q, scale = quantize_int8(np.array([[0.25, -1.0], [0.005, 0.02]]))
    >>> q.tolist(), [round(float(s), 6) for s in scale]
    ([[32, -127], [32, 127]], [0.007874, 0.000157])
    """
    largest = np.abs(weights).max(axis=1)
    scale = np.where(largest > 0, largest / 127, 1.0).astype(np.float32)
    q = np.clip(np.rint(weights / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


@contract(q=Array("int", ndim=2, min_rows=1, min=-128, max=127), scale=Array(ndim=1, min_rows=1, min=0))
def dequantize(q: Any, scale: Any) -> np.ndarray:
    """The float32 weights that ``q`` and its per-row ``scale`` stand for: ``q * scale[:, None]``.

    ``q`` holds int8 values (from -128 to 127), one row per scale; ``scale`` holds numbers >= 0.

    >>> [round(float(w), 3) for w in dequantize(np.array([[32, -127]], dtype=np.int8), np.array([1 / 127]))[0]]
    [0.252, -1.0]
    """
    if scale.shape != (q.shape[0],):
        raise ValueError(f"scale must have shape ({q.shape[0]},), one scale per row of q, got {scale.shape}")
    return (q.astype(np.float32) * scale.astype(np.float32)[:, None]).astype(np.float32)
