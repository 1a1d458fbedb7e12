"""Automatic differentiation, built from scratch: forward mode, and reverse mode on scalars and arrays.

- :class:`Dual` and :func:`jvp` (``forward``): forward mode, a tangent carried alongside each value.
- :class:`Value` and :func:`graph_of` (``scalar``): reverse mode on scalars, the micrograd engine.
- :class:`Tensor`, :func:`softmax_cross_entropy`, :func:`grad`, :func:`vjp`, :func:`mlp_logits`,
  :func:`mlp_loss` (``tensor``): reverse mode on numpy arrays, enough to train an MLP.
- :func:`jacobian`, :func:`expression_swell`, :func:`median_time`, :func:`training_step_times`
  (``measure``): forward against reverse, automatic against symbolic, labkit against PyTorch.

Every public name is importable from ``labkit.autodiff``.
"""

from .forward import Dual, jvp
from .measure import expression_swell, jacobian, median_time, training_step_times
from .scalar import Value, graph_of
from .tensor import Tensor, grad, mlp_logits, mlp_loss, softmax_cross_entropy, vjp

__all__ = [
    "Dual", "jvp", "Value", "graph_of", "Tensor", "softmax_cross_entropy", "grad", "vjp", "mlp_logits",
    "mlp_loss", "jacobian", "expression_swell", "median_time", "training_step_times",
]
