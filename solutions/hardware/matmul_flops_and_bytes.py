"""Reference solution of hardware.matmul_flops_and_bytes (hidden on the course site)."""

import numpy as np


def matmul_flops_and_bytes(n, k, m, itemsize):
    flops = 2 * n * k * m                        # n * m dot products of length k: a multiply and an add per step
    nbytes = (n * k + k * m + n * m) * itemsize  # read A and B once, write C once: the least traffic
    intensity = flops / nbytes                   # FLOPs per byte: about n / 6 for square float32 products
    return flops, nbytes, intensity
