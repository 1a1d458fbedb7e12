"""Reference solution of autodiff.jvp_by_hand (hidden on the course site)."""

import numpy as np


def jvp_by_hand(x, v):
    # Each intermediate travels with its tangent, as the dual number value + tangent * eps.
    sq, dsq = x * x, v * x + x * v          # product rule; x appears twice, hence twice x * v
    s, ds = sq.sum(), dsq.sum()             # the tangent of a sum is the sum of the tangents
    t, dt = np.sin(x), np.cos(x) * v        # chain rule: local derivative times the input's tangent
    u, du = t.sum(), dt.sum()
    return s * u, ds * u + s * du           # product rule once more
