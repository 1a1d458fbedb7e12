"""Reference solution of autodiff.mul_backward (hidden on the course site)."""

import numpy as np


def mul_backward(a, b, grad_out):
    grad_a = grad_out * b                   # dz/da = b, times the gradient from above (chain rule)
    grad_b = grad_out * a                   # dz/db = a: each operand gets the other one
    # b was broadcast to the shape of a: sum the copies' contributions back to the shape of b.
    while grad_b.ndim > b.ndim:             # axes that broadcasting added in front
        grad_b = grad_b.sum(axis=0)
    for axis, size in enumerate(b.shape):   # axes of length 1 that broadcasting stretched
        if size == 1:
            grad_b = grad_b.sum(axis=axis, keepdims=True)
    return grad_a, grad_b
