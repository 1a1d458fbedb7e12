"""Regularisation: L1 and L2 penalties, and the mechanisms specific to neural networks.

Everything is importable from ``labkit.regularization``:

- :mod:`~labkit.regularization.penalties`: the L1 and L2 penalties and their gradients,
  soft-thresholding and the proximal step that gives exact zeros, the lasso and ridge paths;
- :mod:`~labkit.regularization.weight_decay`: an L2 penalty and decoupled weight decay agree with
  SGD and differ with Adam (hence AdamW);
- :mod:`~labkit.regularization.mechanisms`: dropout, Gaussian noise, max-norm, label smoothing and
  augmentation of the digits, written from scratch;
- :mod:`~labkit.regularization.network`: one small network and one training function with each
  regulariser as an option (early stopping comes from :func:`labkit.training.fit`).
"""

from .mechanisms import (
    Dropout, GaussianNoise, augment_digits, dropout, gaussian_noise, label_smoothing_loss, max_norm_, smooth_labels,
)
from .network import Optimization, Regularizers, make_mlp, penalized_weights, train_classifier
from .penalties import (
    l1_gradient, l1_penalty, l2_gradient, l2_penalty, lasso_path, penalized_parameters, proximal_l1_step,
    ridge_path, soft_threshold, subgradient_l1_step,
)
from .weight_decay import decoupled_weight_decay_, l2_vs_weight_decay

__all__ = [
    "penalized_parameters", "l1_penalty", "l2_penalty", "l1_gradient", "l2_gradient", "soft_threshold",
    "proximal_l1_step", "subgradient_l1_step", "lasso_path", "ridge_path",
    "decoupled_weight_decay_", "l2_vs_weight_decay",
    "dropout", "Dropout", "gaussian_noise", "GaussianNoise", "max_norm_", "smooth_labels", "label_smoothing_loss",
    "augment_digits",
    "make_mlp", "Optimization", "Regularizers", "train_classifier", "penalized_weights",
]
