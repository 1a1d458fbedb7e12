"""What the three multi modules check alike: the float32 data of their networks and its columns."""

from __future__ import annotations

import numpy as np

from .._checks import Array

#: Data for a float32 torch network: a value beyond float32's range is refused naming the caller's argument.
DATA32 = Array("float32", ndim=2, min_rows=1)


def check_columns(name: str, x: np.ndarray, size: str, n: int) -> None:
    """Refuse ``x`` unless it has ``n`` columns, saying where ``n`` comes from (``size``)."""
    if x.shape[1] != n:
        raise ValueError(f"{name} must have {n} columns ({size}), got {x.shape[1]}")
