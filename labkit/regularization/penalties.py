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

from .._checks import NEEDS_VALUE, Array, Count, Each, Instance, Real, Rule, Text, TorchTensor, Variant, _const, _needs
from .._contract import contract

__all__ = [
    "penalized_parameters", "l1_penalty", "l2_penalty", "l1_gradient", "l2_gradient", "soft_threshold",
    "proximal_l1_step", "subgradient_l1_step", "lasso_path", "ridge_path",
]

_NORMS = (torch.nn.modules.batchnorm._NormBase, torch.nn.LayerNorm, torch.nn.GroupNorm)


#: A floating tensor, kept as it is (autograd included), or an array-like of numbers, made float64: a
#: NumPy user compares with float64 results (autograd, closed forms).
_TENSOR = TorchTensor(array_dtype=torch.float64)


class _ArrayOrTensor(TorchTensor):
    """A NumPy array-like (returned as a float64 array) or a tensor (kept): the result has the caller's type."""

    def __init__(self) -> None:
        super().__init__()
        self.expected = "an array or a tensor of finite numbers"

    def check(self, name: str, value: Any) -> Any:
        if isinstance(value, torch.Tensor):
            return super().check(name, value)
        return Array().check(name, value)

    def unusual(self) -> list[Variant]:
        return super().unusual() + [("tensor", _needs(lambda v: torch.as_tensor(np.asarray(v))), None)]


class _Params(Rule):
    """What a penalty acts on: a model (its :func:`penalized_parameters`), a tensor, or tensors.

    Returned as a list of the very tensors given (their autograd graph kept), each floating and finite.
    """

    expected = "a torch.nn.Module, a floating tensor or a sequence of floating tensors"

    def check(self, name: str, value: Any) -> list[torch.Tensor]:
        if isinstance(value, torch.nn.Module):
            pairs = _penalized(value, [])
            names, tensors = [n for n, _ in pairs], [p for _, p in pairs]
            if not tensors:
                raise self.fail(name, f"a {type(value).__name__} without weights to penalise")
        elif isinstance(value, torch.Tensor):
            tensors, names = [value], [name]
        elif isinstance(value, Iterable) and not isinstance(value, (str, bytes, dict, np.ndarray)):
            tensors = list(value)  # may be empty: a penalty over no weights is 0
            names = [f"{name}[{i}]" for i in range(len(tensors))]
        else:
            raise self.fail(name, value, TypeError)
        for label, t in zip(names, tensors):
            if not isinstance(t, torch.Tensor) or not t.is_floating_point():
                raise self.fail(name, f"{label} = {type(t).__name__} {getattr(t, 'dtype', '')}".strip(), TypeError)
            if not bool(torch.isfinite(t).all()):
                raise self.fail(name, f"{label} holding {int((~torch.isfinite(t)).sum())} NaN or inf")
        return tensors

    def bad(self) -> list[Variant]:
        def nan_first(valid: Any) -> Any:
            if not isinstance(valid, torch.Tensor):
                return NEEDS_VALUE
            bad = valid.detach().clone()
            bad.view(-1)[0] = float("nan")
            return bad

        return [("string", _const("w"), TypeError), ("None", _const(None), TypeError),
                ("floats", _const([1.0, 2.0]), TypeError), ("int tensor", _const(torch.ones(2, dtype=torch.int64)), TypeError),
                ("nan", _needs(nan_first), ValueError)]

    def unusual(self) -> list[Variant]:
        return [("generator", _needs(lambda v: (t for t in ([v] if isinstance(v, torch.Tensor) else v))), None),
                ("a model", _const(torch.nn.Linear(2, 2)), None), ("empty", _const([]), None)]


@contract(model=Instance(torch.nn.Module), exclude=Each(Text(), min_len=0))
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
        More parameter names to leave out (any iterable of strings); each must exist in ``model``.

    Examples
    --------
    >>> net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.Linear(3, 2))
    >>> [name for name, _ in penalized_parameters(net)]
    ['0.weight', '2.weight']
    >>> [name for name, _ in penalized_parameters(net, exclude=["2.weight"])]
    ['0.weight']
    """
    names = dict(model.named_parameters())
    unknown = sorted(set(exclude) - set(names))
    if unknown:
        raise ValueError(f"exclude must name parameters of the model ({sorted(names)}), got {unknown}")
    return _penalized(model, exclude)


def _penalized(model: torch.nn.Module, exclude: Sequence[str]) -> list[tuple[str, torch.nn.Parameter]]:
    names = dict(model.named_parameters())
    skipped = {f"{m}.{p}".lstrip(".") for m, mod in model.named_modules() if isinstance(mod, _NORMS)
               for p, _ in mod.named_parameters(recurse=False)}
    return [(n, p) for n, p in names.items()
            if n not in skipped and n not in exclude and not n.endswith("bias")]


@contract(params=_Params(), lam=Real(0))
def l1_penalty(params: Any, lam: float) -> torch.Tensor:
    """``lam * sum(|w|)`` over the weights; differentiable, to add to the loss.

    ``params`` is a model (its :func:`penalized_parameters`, at least one), a floating tensor or a
    sequence (or an iterable, such as ``model.parameters()``) of floating tensors, all finite; an
    empty sequence gives 0. ``lam >= 0``. A finite result too large for the tensors' dtype is inf.

    >>> l1_penalty(torch.tensor([3.0, -4.0]), lam=0.5)
    tensor(3.5000)
    """
    return _l1(params, lam)


def _l1(weights: list[torch.Tensor], lam: float) -> torch.Tensor:
    # Unchecked: train_classifier calls it every batch on the weights it already holds.
    return lam * sum((w.abs().sum() for w in weights), torch.zeros(()))


@contract(params=_Params(), lam=Real(0))
def l2_penalty(params: Any, lam: float) -> torch.Tensor:
    """``lam / 2 * sum(w**2)`` over the weights; its gradient is ``lam * w``.

    The factor 1/2 makes ``lam`` the weight-decay coefficient: one gradient step on this penalty
    multiplies every weight by ``1 - lr * lam``. ``params`` as in :func:`l1_penalty`.

    >>> l2_penalty(torch.tensor([3.0, -4.0]), lam=0.5)
    tensor(6.2500)
    """
    return _l2(params, lam)


def _l2(weights: list[torch.Tensor], lam: float) -> torch.Tensor:
    return lam / 2 * sum(((w**2).sum() for w in weights), torch.zeros(()))


@contract(w=_TENSOR, lam=Real(0))
def l1_gradient(w: Any, lam: float) -> torch.Tensor:
    """Gradient of the L1 penalty: ``lam * sign(w)``, a pull of constant size ``lam``, 0 at 0.

    ``w`` is a floating tensor, or an array-like (made a float64 tensor); finite.

    >>> l1_gradient(torch.tensor([3.0, -0.001, 0.0]), lam=0.5)
    tensor([ 0.5000, -0.5000,  0.0000])
    """
    return lam * torch.sign(w)


@contract(w=_TENSOR, lam=Real(0))
def l2_gradient(w: Any, lam: float) -> torch.Tensor:
    """Gradient of the L2 penalty: ``lam * w``, a pull proportional to the weight (``w`` as in :func:`l1_gradient`).

    >>> l2_gradient(torch.tensor([3.0, -0.001, 0.0]), lam=0.5)
    tensor([ 1.5000e+00, -5.0000e-04,  0.0000e+00])
    """
    return lam * w


@contract(w=_ArrayOrTensor(), threshold=Real(0))
def soft_threshold(w: Any, threshold: float) -> Any:
    """``sign(w) * max(|w| - threshold, 0)``: the proximal operator of ``threshold * |w|``.

    Every entry moves ``threshold`` closer to 0, and those within ``threshold`` of 0 become exactly
    0. An array-like gives a float64 NumPy array, a tensor a tensor; ``w`` must be finite.

    >>> soft_threshold(np.array([3.0, -0.2, 0.5, -2.0]), 0.5)
    array([ 2.5, -0. ,  0. , -1.5])
    """
    return _soft_threshold_tensor(w, threshold) if isinstance(w, torch.Tensor) else _soft_threshold(w, threshold)


def _soft_threshold(w: np.ndarray, threshold: float) -> np.ndarray:
    # The NumPy form, without the checks: lasso_path calls it thousands of times on its own arrays.
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0)


def _soft_threshold_tensor(w: torch.Tensor, threshold: float) -> torch.Tensor:
    # Unchecked too: the proximal steps and train_classifier call it on tensors they hold.
    return torch.sign(w) * (w.abs() - threshold).clamp(min=0)


def _check_same_shape(w: torch.Tensor, grad: torch.Tensor) -> None:
    if w.shape != grad.shape:
        raise ValueError(f"grad must have the shape of w, {tuple(w.shape)}, got {tuple(grad.shape)}")


_STEP = dict(w=_TENSOR, grad=_TENSOR, lr=Real(0, low_open=True), lam=Real(0))


@contract(**_STEP)
def proximal_l1_step(w: Any, grad: Any, lr: float, lam: float) -> torch.Tensor:
    """One proximal gradient (ISTA) step: a gradient step on the loss, then soft-thresholding.

    ``grad`` is the gradient of the loss without the penalty. Weights whose step lands within
    ``lr * lam`` of 0 become exactly 0 and stay there while the loss does not push them out.
    ``w`` and ``grad``: finite tensors (or array-likes, made float64) of the same shape; ``lr > 0``, ``lam >= 0``.

    >>> proximal_l1_step(torch.tensor([1.0, 0.05]), torch.tensor([0.0, 0.0]), lr=0.1, lam=1.0)
    tensor([0.9000, 0.0000])
    """
    _check_same_shape(w, grad)
    return _soft_threshold_tensor(w - lr * grad, lr * lam)


@contract(**_STEP)
def subgradient_l1_step(w: Any, grad: Any, lr: float, lam: float) -> torch.Tensor:
    """One (sub)gradient step on loss + L1: ``w - lr * (grad + lam * sign(w))``.

    This is what autograd does with ``l1_penalty`` in the loss. A small weight jumps over 0 and back:
    it oscillates within ``lr * lam`` of 0 and is almost never exactly 0. Arguments as in
    :func:`proximal_l1_step`.

    >>> subgradient_l1_step(torch.tensor([1.0, 0.05]), torch.tensor([0.0, 0.0]), lr=0.1, lam=1.0)
    tensor([ 0.9000, -0.0500])
    """
    _check_same_shape(w, grad)
    return w - lr * (grad + lam * torch.sign(w))


def _one_target_per_row(X: np.ndarray, y: np.ndarray) -> None:
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), one target per row of X, got {y.shape}")


def _power_of_two_scale(X: np.ndarray) -> float:
    """A power of two near ``max|X|`` (1 for an all-zero ``X``).

    Dividing by it is exact in floating point, so the paths of ordinary data are unchanged to the
    last bit, while ``X.T @ X`` of data near 1e154 (or 1e-200) neither overflows nor underflows.
    """
    largest = float(np.abs(X).max(initial=0.0))
    return float(2.0 ** np.frexp(largest)[1]) if largest > 0 else 1.0


def _moments(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``X.T X / n`` and ``X.T y / n``, refusing a ``y`` so large that they overflow."""
    n = X.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        gram, Xty = X.T @ X / n, X.T @ y / n
    if not np.isfinite(Xty).all():
        raise ValueError(f"y must be small enough that X.T @ y / n is finite, got max |y| = {np.abs(y).max():.3g}")
    return gram, Xty


def _checked_path(path: np.ndarray, name: str) -> np.ndarray:
    # The true weights may overflow (inf, the IEEE answer); NaN would be a wrong answer.
    if np.isnan(path).any():
        raise ValueError(f"{name} gives weights that overflow float64 on the way (NaN): X and y are too badly scaled")
    return path


_PATH = dict(X=Array(ndim=2, min_rows=1), y=Array(ndim=1), lams=Array(ndim=1, min_rows=1, min=0))


@contract(**_PATH, n_steps=Count())
def lasso_path(X: Any, y: Any, lams: Any, n_steps: int = 2000) -> np.ndarray:
    """Weights minimising ``mean((X w - y)**2) / 2 + lam * sum(|w|)`` for each ``lam``, by ISTA.

    Proximal gradient descent with the step ``1 / L`` (``L`` the largest eigenvalue of
    ``X.T X / n``), started from the solution of the previous ``lam`` (pass ``lams`` in decreasing
    order for the fastest convergence). The objective is scikit-learn's ``Lasso(alpha=lam)``.
    ``X`` (n, d), ``y`` (n,) and ``lams`` (at least one, each >= 0; any iterable) must be finite;
    ``n_steps`` from 1 to 10**6. An all-zero ``X`` gives zeros: the loss does not depend on ``w``,
    and 0 minimises the penalty (for ``lam = 0``, it is the smallest of the minimisers).

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
    _one_target_per_row(X, y)
    # With X = s X', the weights are w = v / s, where v solves the problem for X' and lam / s.
    scale = _power_of_two_scale(X)
    gram, Xty = _moments(X / scale, y)
    step = 1.0 / max(np.linalg.eigvalsh(gram)[-1], 1e-12)
    v, path = np.zeros(X.shape[1]), []
    for lam in lams / scale:
        for _ in range(n_steps):
            v = _soft_threshold(v - step * (gram @ v - Xty), step * lam)
        path.append(v.copy())
    with np.errstate(over="ignore"):
        return _checked_path(np.array(path) / scale, "lasso_path")


@contract(**_PATH)
def ridge_path(X: Any, y: Any, lams: Any) -> np.ndarray:
    """Weights minimising ``mean((X w - y)**2) / 2 + lam / 2 * sum(w**2)``: ``(X.T X / n + lam I)^-1 X.T y / n``.

    Each weight shrinks smoothly as ``lam`` grows and reaches 0 only in the limit. The objective is
    scikit-learn's ``Ridge(alpha=n * lam, fit_intercept=False)``. Arguments as in :func:`lasso_path`;
    ``lam = 0`` needs ``X.T X`` invertible (columns of ``X`` linearly independent, so at least as
    many rows as columns): otherwise the minimiser is not unique, and ``lam = 0`` is refused.

    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> ridge_path(X, np.array([2.0, 0.1, 2.1]), lams=[10.0, 0.0]).round(3)
    array([[0.126, 0.065],
           [2.   , 0.1  ]])
    """
    _one_target_per_row(X, y)
    d = X.shape[1]
    # With X = s X', the weights are w = v / s, where v solves the problem for X' and lam / s**2.
    scale = _power_of_two_scale(X)
    gram, Xty = _moments(X / scale, y)
    path = []
    for lam in lams:
        system = gram + lam / scale / scale * np.eye(d)  # not scale**2: it may overflow
        if np.linalg.cond(system) > 1 / np.finfo(float).eps:  # singular, or too close for solve to mean anything
            raise ValueError(f"lams must be large enough that X.T @ X / n + lam I is invertible: X has "
                             f"{np.linalg.matrix_rank(X / scale)} independent columns out of {d}, got lam {lam:g}")
        path.append(np.linalg.solve(system, Xty))
    with np.errstate(over="ignore"):
        return _checked_path(np.array(path) / scale, "ridge_path")
