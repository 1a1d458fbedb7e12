"""Reference solution of hardware.roofline_time (hidden on the course site)."""

import numpy as np


def roofline_time(flops, nbytes, peak_flops, bandwidth):
    compute = flops / peak_flops        # the time of the arithmetic alone, at the peak
    memory = nbytes / bandwidth         # the time of the memory traffic alone, at full bandwidth
    seconds = np.maximum(compute, memory)  # they overlap: the slower one sets the time
    memory_bound = memory > compute     # equivalently: flops / nbytes below the ridge point peak / bandwidth
    return seconds, memory_bound
