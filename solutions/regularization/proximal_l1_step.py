"""Reference solution of regularization.proximal_l1_step (hidden on the course site)."""

import numpy as np


def proximal_l1_step(w, grad, lr, lam):
    v = w - lr * grad                                   # a gradient step on the loss alone
    t = lr * lam                                        # the step scales the penalty too
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)  # shrink by t; within t of 0: exactly 0
