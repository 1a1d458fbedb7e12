"""Reference solution of autoencoders.reparameterize (hidden on the course site)."""

import numpy as np


def reparameterize(mu, log_var, eps):
    sigma = np.exp(0.5 * log_var)  # the standard deviation: sqrt(exp(log_var)), positive for any log_var
    return mu + sigma * eps        # a draw of N(mu, sigma^2), differentiable in mu and log_var for a fixed eps
