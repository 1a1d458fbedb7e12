"""Reference solution of backprop.linear_backward (hidden on the course site)."""

import numpy as np


def linear_backward(X, W, delta):
    dW = X.T @ delta          # (d, n) @ (n, k): each example's contribution, summed over the batch
    db = delta.sum(axis=0)    # b is added to every row of Z: its gradient sums the rows of delta
    dX = delta @ W.T          # (n, k) @ (k, d): what the layer below receives
    return dW, db, dX
