"""Autoencoders' coding exercises: the VAE's KL term, and the reparameterisation that draws its code.

Both references come from ``torch.distributions``, not from the formulas the student writes: the KL
divergence between two ``Normal`` distributions, and the point of ``N(mu, sigma^2)`` at the same
quantile as ``eps`` in ``N(0, 1)``. The mistakes are the ones students make with a log-variance.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch.distributions import Normal, kl_divergence

from ..i18n import _
from ._core import Exercise, Mistake, register


def _gaussian_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # Codes of 3 numbers first (where a mean over the code differs from a sum, and from the sum's double or
    # half), then a wider code with larger log-variances, then a batch of one with a code of one number,
    # where a sum and a mean over the code agree. No log_var is near 0, where exp(log_var), exp(log_var / 2)
    # and exp(2 * log_var) all equal 1 and the mistakes about them cannot be told apart.
    shapes = ((5, 3, 1.0), (4, 6, 2.0), (1, 1, 0.5))
    cases = []
    for n, k, scale in shapes:
        log_var = scale * rng.normal(size=(n, k))
        log_var[np.abs(log_var) < 0.1] = 0.5
        cases.append(dict(mu=rng.normal(size=(n, k)), log_var=log_var))
    return cases


# -- the KL term --------------------------------------------------------------------------------------------

def _kl_by_torch(mu: np.ndarray, log_var: np.ndarray) -> np.ndarray:
    """KL(N(mu, exp(log_var)) || N(0, 1)) summed over the code, by torch.distributions."""
    mu_t, log_var_t = torch.tensor(mu), torch.tensor(log_var)
    q = Normal(mu_t, torch.exp(0.5 * log_var_t))
    p = Normal(torch.zeros_like(mu_t), torch.ones_like(mu_t))
    return kl_divergence(q, p).sum(dim=1).numpy()


def _kl_terms(mu: np.ndarray, log_var: np.ndarray) -> np.ndarray:
    """The entries 1 + log_var - mu^2 - exp(log_var) whose sum, times -1/2, is the KL term."""
    return 1 + log_var - mu**2 - np.exp(log_var)


register(Exercise(
    id="autoencoders.gaussian_kl",
    title=_("The KL term of a variational autoencoder"),
    task=_("""The encoder of a VAE gives, for each of n examples, the mean mu and the log-variance
log_var = log(sigma^2) of a Gaussian over codes of k numbers: two arrays of shape (n, k). Return the KL
divergence from N(mu, diag(sigma^2)) to the prior N(0, I) of each example, an array of shape (n,),
with numpy only. Hint: per code entry, KL = (sigma^2 + mu^2 - 1 - log(sigma^2)) / 2; an example's KL
is the sum over its k entries."""),
    signature="gaussian_kl(mu, log_var)",
    returns=("kl",),
    reference=_kl_by_torch,
    cases=_gaussian_cases,
    against="torch.distributions.kl_divergence",
    mistakes=(
        Mistake(_("The sign is flipped: this is +1/2 * sum(1 + log_var - mu^2 - exp(log_var)), which is never "
                  "positive. A KL divergence is never negative: KL = -1/2 * sum(1 + log_var - mu^2 - exp(log_var))."),
                lambda mu, log_var: 0.5 * _kl_terms(mu, log_var).sum(axis=1)),
        Mistake(_("The factor 1/2 is missing: this is twice the KL divergence. "
                  "KL = -1/2 * sum(1 + log_var - mu^2 - exp(log_var))."),
                lambda mu, log_var: -_kl_terms(mu, log_var).sum(axis=1)),
        Mistake(_("log_var is read as log(sigma), the log of the standard deviation: then sigma^2 = exp(2 * log_var). "
                  "But log_var is the log of the variance: sigma^2 = exp(log_var) and log(sigma^2) = log_var."),
                lambda mu, log_var: 0.5 * (np.exp(2 * log_var) + mu**2 - 1 - 2 * log_var).sum(axis=1)),
        Mistake(_("exp(log_var / 2) is the standard deviation sigma, but the formula needs the variance: "
                  "sigma^2 = exp(log_var)."),
                lambda mu, log_var: 0.5 * (np.exp(log_var / 2) + mu**2 - 1 - log_var).sum(axis=1)),
        Mistake(_("This is one value per code entry, of shape (n, k): the KL of an example sums its k entries "
                  "(the code's entries are independent), so sum over axis 1 to get shape (n,)."),
                lambda mu, log_var: -0.5 * _kl_terms(mu, log_var)),
        Mistake(_("The entries are averaged over the code instead of summed: the KL of independent entries is "
                  "the sum of theirs, so sum over axis 1."),
                lambda mu, log_var: -0.5 * _kl_terms(mu, log_var).mean(axis=1)),
        Mistake(_("This sums over the whole batch: return one KL per example, summed over axis 1 only, "
                  "an array of shape (n,)."),
                lambda mu, log_var: -0.5 * _kl_terms(mu, log_var).sum()),
    ),
))


# -- the reparameterisation -------------------------------------------------------------------------------

def _reparameterize_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    return [dict(case, eps=rng.normal(size=case["mu"].shape)) for case in _gaussian_cases(rng)]


def _draw_by_quantile(mu: np.ndarray, log_var: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """The point of N(mu, exp(log_var)) at the quantile where eps is in N(0, 1), by torch.distributions."""
    mu_t, log_var_t, eps_t = torch.tensor(mu), torch.tensor(log_var), torch.tensor(eps)
    quantile = Normal(torch.zeros_like(eps_t), torch.ones_like(eps_t)).cdf(eps_t)
    return Normal(mu_t, torch.exp(0.5 * log_var_t)).icdf(quantile).numpy()


register(Exercise(
    id="autoencoders.reparameterize",
    title=_("The reparameterisation trick"),
    task=_("""A VAE draws each code z from N(mu, diag(sigma^2)), where mu and log_var = log(sigma^2) are
arrays of shape (n, k) given by the encoder. To let the gradient reach mu and log_var, the draw is
written as a function of them and of a standard Gaussian noise eps ~ N(0, I), drawn beforehand and
passed as an array of shape (n, k). Return z, of shape (n, k), with numpy only."""),
    signature="reparameterize(mu, log_var, eps)",
    returns=("z",),
    reference=_draw_by_quantile,
    cases=_reparameterize_cases,
    against="torch.distributions.Normal",
    mistakes=(
        Mistake(_("eps is scaled by exp(log_var), the variance, instead of the standard deviation "
                  "sigma = exp(log_var / 2): z = mu + exp(log_var / 2) * eps."),
                lambda mu, log_var, eps: mu + np.exp(log_var) * eps),
        Mistake(_("eps is added without being scaled: z = mu + eps has variance 1 whatever log_var, and no "
                  "gradient reaches log_var. Scale it by sigma: z = mu + exp(log_var / 2) * eps."),
                lambda mu, log_var, eps: mu + eps),
        Mistake(_("log_var is used as the standard deviation: it is the log of the variance, which can be "
                  "negative. sigma = exp(log_var / 2), so z = mu + exp(log_var / 2) * eps."),
                lambda mu, log_var, eps: mu + log_var * eps),
        Mistake(_("log_var is used as the variance: sqrt(log_var) is NaN wherever log_var is negative. log_var "
                  "is the log of the variance, so sigma = exp(log_var / 2) and z = mu + exp(log_var / 2) * eps."),
                lambda mu, log_var, eps: mu + np.sqrt(log_var) * eps),
    ),
))

__all__: list[str] = []
