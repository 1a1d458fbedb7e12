"""Multi-task and multi-modal coding exercises: uncertainty weighting of task losses, and CLIP's contrastive loss.

The uncertainty-weighted loss is checked against labkit's :class:`~labkit.multi.UncertaintyWeighting`
differentiated by PyTorch's autograd; CLIP's loss against ``torch.nn.functional.cross_entropy`` on
the similarity matrix of ``torch.nn.functional.normalize``-d embeddings. Neither reference repeats the
formula a student writes; the mistakes are the ones students make.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..i18n import _
from ..multi import UncertaintyWeighting
from ._core import Exercise, Mistake, register


# -- multi-task: uncertainty weighting (Kendall, Gal and Cipolla, 2018) -----------------------------------

def _uncertainty_by_autograd(losses: np.ndarray, log_vars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The loss of labkit's UncertaintyWeighting, in float64, and its gradient in log_vars by torch.autograd."""
    weighting = UncertaintyWeighting(len(losses)).double()
    with torch.no_grad():
        weighting.log_vars.copy_(torch.from_numpy(log_vars))
    total = weighting(torch.from_numpy(losses))
    total.backward()
    return total.detach().numpy(), weighting.log_vars.grad.numpy()


def _uncertainty_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # Positive losses of different sizes and log-variances of both signs; then one task; then log_vars = 0,
    # where exp(s) and exp(-s) agree and only the gradient tells them apart.
    return [dict(losses=rng.uniform(0.2, 3.0, size=4), log_vars=rng.normal(size=4)),
            dict(losses=rng.uniform(0.2, 3.0, size=7), log_vars=rng.normal(size=7)),
            dict(losses=rng.uniform(0.2, 3.0, size=1), log_vars=rng.normal(size=1)),
            dict(losses=rng.uniform(0.2, 3.0, size=3), log_vars=np.zeros(3))]


register(Exercise(
    id="multi.uncertainty_weighted_loss",
    title=_("Task weights learned from each task's noise"),
    task=_("""Kendall, Gal and Cipolla weight the losses L_t of T tasks with one learned log-variance s_t per
task: the total loss is

    L = sum_t ( 0.5 * exp(-s_t) * L_t + 0.5 * s_t ).

Given losses (the L_t) and log_vars (the s_t), two arrays of shape (T,), return the tuple
(loss, grad) with numpy only: loss, the total loss (a float), and grad, of shape (T,), its
gradient dL/ds_t with respect to each log-variance (derive it by hand)."""),
    signature="uncertainty_weighted_loss(losses, log_vars)",
    returns=("loss", "grad"),
    reference=_uncertainty_by_autograd,
    cases=_uncertainty_cases,
    mistakes=(
        Mistake(_("The regulariser 0.5 * s_t is missing: without it, the loss falls as every s_t grows, and "
                  "training would send every weight exp(-s_t) to 0. The loss is "
                  "sum(0.5 * exp(-s) * L + 0.5 * s), and its gradient 0.5 * (1 - exp(-s) * L)."),
                lambda losses, log_vars: (np.sum(0.5 * np.exp(-log_vars) * losses),
                                          -0.5 * np.exp(-log_vars) * losses)),
        Mistake(_("exp(s_t) has the wrong sign: s_t is a log-variance, and a task's weight is its precision "
                  "1 / sigma_t^2 = exp(-s_t), so that a noisy task counts less. The loss is "
                  "sum(0.5 * exp(-s) * L + 0.5 * s)."),
                lambda losses, log_vars: (np.sum(0.5 * np.exp(log_vars) * losses + 0.5 * log_vars),
                                          0.5 * np.exp(log_vars) * losses + 0.5)),
        Mistake(_("The loss is right but the gradient has the wrong sign on its first term: the derivative "
                  "of exp(-s) is -exp(-s), so dL/ds = 0.5 * (1 - exp(-s) * L), which vanishes at exp(s) = L."),
                lambda losses, log_vars: (np.sum(0.5 * np.exp(-log_vars) * losses + 0.5 * log_vars),
                                          0.5 * np.exp(-log_vars) * losses + 0.5)),
        Mistake(_("The factors 0.5 are missing: sum(exp(-s) * L + s) is a common variant, with the same "
                  "minimum, but twice the loss asked here, sum(0.5 * exp(-s) * L + 0.5 * s), and twice "
                  "its gradient."),
                lambda losses, log_vars: (np.sum(np.exp(-log_vars) * losses + log_vars),
                                          1.0 - np.exp(-log_vars) * losses)),
    ),
    against="labkit.multi.UncertaintyWeighting + torch.autograd",
))


# -- multi-modal: CLIP's symmetric contrastive loss --------------------------------------------------------

def _clip_by_torch(image_emb: np.ndarray, text_emb: np.ndarray, temperature: float) -> np.ndarray:
    """The mean of the two cross-entropies of the cosine-similarity matrix over the temperature, by torch."""
    i = torch.nn.functional.normalize(torch.from_numpy(image_emb), dim=1)
    t = torch.nn.functional.normalize(torch.from_numpy(text_emb), dim=1)
    logits = i @ t.T / temperature
    pairs = torch.arange(len(logits))  # image k goes with text k
    cross = torch.nn.functional.cross_entropy
    return ((cross(logits, pairs) + cross(logits.T, pairs)) / 2).numpy()


def _clip_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # Rows of different lengths, so that forgetting to normalise changes the answer; the temperature 1,
    # where multiplying and dividing by it agree, comes last.
    cases = []
    for n, d, temperature in ((4, 3, 0.5), (6, 8, 0.07), (3, 5, 0.2), (5, 2, 1.0)):
        scale = rng.uniform(0.5, 3.0, size=(n, 1))
        cases.append(dict(image_emb=scale * rng.normal(size=(n, d)), text_emb=rng.normal(size=(n, d)),
                          temperature=temperature))
    return cases


def _wrong_clip(image_emb: np.ndarray, text_emb: np.ndarray, temperature: float, *, normalise: bool = True,
                divide: bool = True, directions: str = "both") -> float:
    """CLIP's loss with one of the classic mistakes (the right one with the defaults)."""
    if normalise:
        image_emb = image_emb / np.linalg.norm(image_emb, axis=1, keepdims=True)
        text_emb = text_emb / np.linalg.norm(text_emb, axis=1, keepdims=True)
    logits = image_emb @ text_emb.T
    logits = logits / temperature if divide else logits * temperature

    def cross_entropy(z: np.ndarray) -> float:  # rows are the scores, the diagonal the right answers
        z = z - z.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(z).sum(axis=1)) - np.diag(z)))

    image_to_text, text_to_image = cross_entropy(logits), cross_entropy(logits.T)
    return {"both": (image_to_text + text_to_image) / 2, "image": image_to_text, "text": text_to_image,
            "sum": image_to_text + text_to_image}[directions]


register(Exercise(
    id="multi.clip_loss",
    title=_("CLIP's contrastive loss"),
    task=_("""CLIP aligns an image encoder and a text encoder. For a batch of n pairs, image_emb and text_emb,
both of shape (n, d), hold the embeddings of the images and of their captions: row k of each
is a matching pair. Return the loss (a float), with numpy only:

1. scale each row of both to unit length (L2 norm 1);
2. form the n x n matrix of logits S[i, j] = (image i . text j) / temperature;
3. take the mean cross-entropy of each row of S, where the right class of row k is column k
   (each image must pick its caption among the n texts), and the same for each column
   (each text must pick its image);
4. return the average of the two."""),
    signature="clip_loss(image_emb, text_emb, temperature)",
    returns=("loss",),
    reference=_clip_by_torch,
    cases=_clip_cases,
    mistakes=(
        Mistake(_("The embeddings are not scaled to unit length: then image i . text j grows with the length "
                  "of the vectors, not only with their angle, and the encoder could lower the loss by making "
                  "its vectors longer. Divide each row by its L2 norm first: the logits are cosine "
                  "similarities over the temperature."),
                lambda image_emb, text_emb, temperature: _wrong_clip(image_emb, text_emb, temperature,
                                                                     normalise=False)),
        Mistake(_("Only the images pick their captions (the cross-entropy of the rows): the loss is symmetric, "
                  "the average of the rows' cross-entropy and of the columns' (each text picks its image)."),
                lambda image_emb, text_emb, temperature: _wrong_clip(image_emb, text_emb, temperature,
                                                                     directions="image")),
        Mistake(_("Only the texts pick their images (the cross-entropy of the columns): the loss is symmetric, "
                  "the average of the columns' cross-entropy and of the rows' (each image picks its caption)."),
                lambda image_emb, text_emb, temperature: _wrong_clip(image_emb, text_emb, temperature,
                                                                     directions="text")),
        Mistake(_("The similarities are multiplied by the temperature instead of divided: a small temperature "
                  "must sharpen the softmax (logits up to 1 / temperature), not flatten it."),
                lambda image_emb, text_emb, temperature: _wrong_clip(image_emb, text_emb, temperature,
                                                                     divide=False)),
        Mistake(_("The two cross-entropies are added, not averaged: the loss is their mean, half their sum."),
                lambda image_emb, text_emb, temperature: _wrong_clip(image_emb, text_emb, temperature,
                                                                     directions="sum")),
    ),
    against="torch.nn.functional.cross_entropy",
))

__all__: list[str] = []
