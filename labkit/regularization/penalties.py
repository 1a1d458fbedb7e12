"""L1 and L2 penalties, their gradients, and why only L1 gives exact zeros.

The L2 penalty ``lam / 2 * sum(w**2)`` pulls each weight towards 0 with a force ``lam * w``
proportional to the weight: the pull fades as the weight shrinks, so no weight reaches 0. The L1
penalty ``lam * sum(|w|)`` pulls with a constant force ``lam * sign(w)``: it keeps pushing a small
weight, and its proximal step, soft-thresholding, sets it to exactly 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import torch

from .._checks import check_int, check_matrix, check_nonnegative, check_positive

__all__ = [
    "penalized_parameters", "l1_penalty", "l2_penalty", "l1_gradient", "l2_gradient", "soft_threshold",
    "proximal_l1_step", "subgradient_l1_step", "lasso_path", "ridge_path",
]

_NORMS = (torch.nn.modules.batchnorm._NormBase, torch.nn.LayerNorm, torch.nn.GroupNorm)


def as_tensor(name: str, x: object) -> torch.Tensor:
    """A tensor stays as it is; an array or a number becomes a float64 tensor."""
    if isinstance(x, torch.Tensor):
        if not x.is_floating_point():
            raise TypeError(f"{name} must be a floating-point tensor, got dtype {x.dtype}")
        return x
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):
        arr = np.asarray(None)
    if arr.dtype.kind not in "iuf":  # None would become nan, "1" a string: both are mistakes
        raise TypeError(f"{name} must be a tensor or an array of numbers, got {type(x).__name__}")
    return torch.as_tensor(arr.astype(np.float64))


def penalized_parameters(model: torch.nn.Module, exclude: Sequence[str] = ()) -> list[tuple[str, torch.nn.Parameter]]:
    """The ``(name, parameter)`` pairs of ``model`` that a weight penalty should act on.

    Biases and the scales and shifts of normalisation layers are left out: they do not set how
    sharply the network can bend its function, and shrinking them only adds bias. The names in
    ``exclude`` (as in ``model.named_parameters()``) are left out too.

    Parameters
    ----------
    model : torch.nn.Module
        The network.
    exclude : sequence of str
        More parameter names to leave out; each must exist in ``model``.

    Examples
    --------
    >>> net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.Linear(3, 2))
    >>> [name for name, _ in penalized_parameters(net)]
    ['0.weight', '2.weight']
    >>> [name for name, _ in penalized_parameters(net, exclude=["2.weight"])]
    ['0.weight']
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if isinstance(exclude, str) or not isinstance(exclude, Sequence) or not all(isinstance(n, str) for n in exclude):
        raise TypeError(f"exclude must be a sequence of parameter names, got {exclude!r}")
    names = dict(model.named_parameters())
    unknown = sorted(set(exclude) - set(names))
    if unknown:
        raise ValueError(f"exclude names parameters that the model does not have: {unknown}; it has {sorted(names)}")
    skipped = {f"{m}.{p}".lstrip(".") for m, mod in model.named_modules() if isinstance(mod, _NORMS)
               for p, _ in mod.named_parameters(recurse=False)}
    return [(n, p) for n, p in names.items()
            if n not in skipped and n not in exclude and not n.endswith("bias")]


def _weights(params: object) -> list[torch.Tensor]:
    if isinstance(params, torch.nn.Module):
        return [p for _, p in penalized_parameters(params)]
    if isinstance(params, torch.Tensor):
        return [params]
    if isinstance(params, Iterable) and not isinstance(params, (str, bytes)):
        params = list(params)
        if params and all(isinstance(p, torch.Tensor) for p in params):
            return params
    raise TypeError(f"params must be a torch.nn.Module, a tensor or a list of tensors, got {params!r:.60}")


def l1_penalty(params: Any, lam: float) -> torch.Tensor:
    """``lam * sum(|w|)`` over the weights; differentiable, to add to the loss.

    ``params`` is a model (its :func:`penalized_parameters`), a tensor or a list of tensors.

    >>> l1_penalty(torch.tensor([3.0, -4.0]), lam=0.5)
    tensor(3.5000)
    """
    lam = check_nonnegative("lam", lam)
    return lam * sum(w.abs().sum() for w in _weights(params))


def l2_penalty(params: Any, lam: float) -> torch.Tensor:
    """``lam / 2 * sum(w**2)`` over the weights; its gradient is ``lam * w``.

    The factor 1/2 makes ``lam`` the weight-decay coefficient: one gradient step on this penalty
    multiplies every weight by ``1 - lr * lam``.

    >>> l2_penalty(torch.tensor([3.0, -4.0]), lam=0.5)
    tensor(6.2500)
    """
    lam = check_nonnegative("lam", lam)
    return lam / 2 * sum((w**2).sum() for w in _weights(params))


def l1_gradient(w: Any, lam: float) -> torch.Tensor:
    """Gradient of the L1 penalty: ``lam * sign(w)``, a pull of constant size ``lam``, 0 at 0.

    >>> l1_gradient(torch.tensor([3.0, -0.001, 0.0]), lam=0.5)
    tensor([ 0.5000, -0.5000,  0.0000])
    """
    lam = check_nonnegative("lam", lam)
    return lam * torch.sign(as_tensor("w", w))


def l2_gradient(w: Any, lam: float) -> torch.Tensor:
    """Gradient of the L2 penalty: ``lam * w``, a pull proportional to the weight.

    >>> l2_gradient(torch.tensor([3.0, -0.001, 0.0]), lam=0.5)
    tensor([ 1.5000e+00, -5.0000e-04,  0.0000e+00])
    """
    lam = check_nonnegative("lam", lam)
    return lam * as_tensor("w", w)


def soft_threshold(w: Any, threshold: float) -> Any:
    """``sign(w) * max(|w| - threshold, 0)``: the proximal operator of ``threshold * |w|``.

    Every entry moves ``threshold`` closer to 0, and those within ``threshold`` of 0 become exactly
    0. A NumPy array gives a NumPy array, a tensor a tensor.

    >>> soft_threshold(np.array([3.0, -0.2, 0.5, -2.0]), 0.5)
    array([ 2.5, -0. ,  0. , -1.5])
    """
    threshold = check_nonnegative("threshold", threshold)
    if isinstance(w, torch.Tensor):
        return torch.sign(w) * (w.abs() - threshold).clamp(min=0)
    return _soft_threshold(as_tensor("w", w).numpy(), threshold)


def _soft_threshold(w: np.ndarray, threshold: float) -> np.ndarray:
    # The NumPy form, without the checks: lasso_path calls it thousands of times on its own arrays.
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0)


def _step_inputs(w: Any, grad: Any, lr: float, lam: float) -> tuple[torch.Tensor, torch.Tensor, float, float]:
    w, grad = as_tensor("w", w), as_tensor("grad", grad)
    if w.shape != grad.shape:
        raise ValueError(f"grad must have the shape of w, {tuple(w.shape)}, got {tuple(grad.shape)}")
    lr, lam = check_positive("lr", lr), check_nonnegative("lam", lam)
    return w, grad, lr, lam


def proximal_l1_step(w: Any, grad: Any, lr: float, lam: float) -> torch.Tensor:
    """One proximal gradient (ISTA) step: a gradient step on the loss, then soft-thresholding.

    ``grad`` is the gradient of the loss without the penalty. Weights whose step lands within
    ``lr * lam`` of 0 become exactly 0 and stay there while the loss does not push them out.

    >>> proximal_l1_step(torch.tensor([1.0, 0.05]), torch.tensor([0.0, 0.0]), lr=0.1, lam=1.0)
    tensor([0.9000, 0.0000])
    """
    w, grad, lr, lam = _step_inputs(w, grad, lr, lam)
    return soft_threshold(w - lr * grad, lr * lam)


def subgradient_l1_step(w: Any, grad: Any, lr: float, lam: float) -> torch.Tensor:
    """One (sub)gradient step on loss + L1: ``w - lr * (grad + lam * sign(w))``.

    This is what autograd does with ``l1_penalty`` in the loss. A small weight jumps over 0 and back:
    it oscillates within ``lr * lam`` of 0 and is almost never exactly 0.

    >>> subgradient_l1_step(torch.tensor([1.0, 0.05]), torch.tensor([0.0, 0.0]), lr=0.1, lam=1.0)
    tensor([ 0.9000, -0.0500])
    """
    w, grad, lr, lam = _step_inputs(w, grad, lr, lam)
    return w - lr * (grad + l1_gradient(w, lam))


def _regression(X: Any, y: Any, lams: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = check_matrix("X", X)
    y = np.asarray(y, dtype=np.float64)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), one target per row of X, got {y.shape}")
    lams = np.asarray(lams, dtype=np.float64)
    if lams.ndim != 1 or lams.size == 0 or not np.all(np.isfinite(lams)) or lams.min() < 0:
        raise ValueError(f"lams must be a 1-D array of finite floats >= 0, got {lams!r:.80}")
    return X, y, lams


def lasso_path(X: Any, y: Any, lams: Any, n_steps: int = 2000) -> np.ndarray:
    """Weights minimising ``mean((X w - y)**2) / 2 + lam * sum(|w|)`` for each ``lam``, by ISTA.

    Proximal gradient descent with the step ``1 / L`` (``L`` the largest eigenvalue of
    ``X.T X / n``), started from the solution of the previous ``lam`` (pass ``lams`` in decreasing
    order for the fastest convergence). The objective is scikit-learn's ``Lasso(alpha=lam)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(lams), X.shape[1])``: one row of weights per ``lam``; many are exactly 0.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> lasso_path(X, np.array([2.0, 0.1, 2.1]), lams=[10.0, 0.3, 0.0]).round(3)
    array([[0. , 0. ],
           [1.6, 0. ],
           [2. , 0.1]])
    """
    X, y, lams = _regression(X, y, lams)
    n_steps = check_int("n_steps", n_steps, 1)
    n = X.shape[0]
    gram, Xty = X.T @ X / n, X.T @ y / n
    step = 1.0 / max(np.linalg.eigvalsh(gram)[-1], 1e-12)
    w, path = np.zeros(X.shape[1]), []
    for lam in lams:
        for _ in range(n_steps):
            w = _soft_threshold(w - step * (gram @ w - Xty), step * lam)
        path.append(w.copy())
    return np.array(path)


def ridge_path(X: Any, y: Any, lams: Any) -> np.ndarray:
    """Weights minimising ``mean((X w - y)**2) / 2 + lam / 2 * sum(w**2)``: ``(X.T X / n + lam I)^-1 X.T y / n``.

    Each weight shrinks smoothly as ``lam`` grows and reaches 0 only in the limit. The objective is
    scikit-learn's ``Ridge(alpha=n * lam, fit_intercept=False)``.

    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> ridge_path(X, np.array([2.0, 0.1, 2.1]), lams=[10.0, 0.0]).round(3)
    array([[0.126, 0.065],
           [2.   , 0.1  ]])
    """
    X, y, lams = _regression(X, y, lams)
    n, d = X.shape
    return np.array([np.linalg.solve(X.T @ X / n + lam * np.eye(d), X.T @ y / n) for lam in lams])
