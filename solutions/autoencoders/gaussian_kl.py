"""Reference solution of autoencoders.gaussian_kl (hidden on the course site)."""

import numpy as np


def gaussian_kl(mu, log_var):
    variance = np.exp(log_var)                     # log_var = log(sigma^2): the variance is its exp
    per_entry = 0.5 * (variance + mu**2 - 1.0 - log_var)  # KL of each independent entry, never negative
    return per_entry.sum(axis=1)                   # an example's KL sums its k entries: shape (n,)
