"""Reference solution of regularization.l2_sgd_step (hidden on the course site)."""

import numpy as np


def l2_sgd_step(W, b, dW, db, lr, lam):
    # The gradient of lam / 2 * sum(W**2) is lam * W: the step multiplies W by 1 - lr * lam (weight decay).
    W_new = W - lr * (dW + lam * W)
    b_new = b - lr * db                                 # no penalty on the bias
    return W_new, b_new
