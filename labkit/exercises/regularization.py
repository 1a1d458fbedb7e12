"""Regularisation's coding exercises: inverted dropout, the proximal (ISTA) step of L1, an SGD step with L2.

The references are code the student did not write: labkit's dropout (tested equal to ``torch.nn.Dropout``
for the same mask), labkit's proximal step (tested against scikit-learn's ``Lasso``) and PyTorch's own
``torch.optim.SGD`` with ``weight_decay``. The mistakes are the ones students make, among them the
belief that L1 and L2 "do the same thing": the L1 step gives exact zeros, the L2 step only shrinks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..i18n import _
from ..regularization import dropout, proximal_l1_step
from ._core import Exercise, Mistake, register


# -- inverted dropout ----------------------------------------------------------------------------------

def _dropout_by_labkit(x: np.ndarray, p: float, mask: np.ndarray) -> np.ndarray:
    return dropout(torch.from_numpy(x), p, mask=torch.from_numpy(mask)).numpy()


def _dropout_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # p = 0.2 first: there 1 / p, 1 / (1 - p) and 1 - p all differ, and the mask (seeded) does not keep
    # exactly 1 - p of the entries; p = 0.5 (where 1 / p = 1 / (1 - p)) and p = 0 (nothing dropped) last.
    cases = []
    for shape, p in (((6, 5), 0.2), ((3, 4, 2), 0.7), ((10,), 0.5), ((4, 3), 0.0)):
        cases.append(dict(x=rng.normal(size=shape), p=p, mask=rng.random(shape) >= p))
    return cases


register(Exercise(
    id="regularization.dropout_forward",
    title=_("Inverted dropout, with a given mask"),
    task=_("""Inverted dropout, in training: each entry of the activations x is dropped (set to 0) with
probability p, and the entries kept are divided by 1 - p, so that every entry keeps its expected
value and the layer needs no change at test time. Here the draw is given: mask is a boolean array of
the shape of x, True where the entry is kept. For x of any shape and 0 <= p < 1, return the output of
the layer, an array of the shape of x, with numpy only."""),
    signature="dropout_forward(x, p, mask)",
    returns=("out",),
    reference=_dropout_by_labkit,
    cases=_dropout_cases,
    against="labkit.regularization.dropout",
    mistakes=(
        Mistake(_("The kept entries are not divided by 1 - p: the expected output is then (1 - p) x, not x, "
                  "and the network would see larger activations at test time than in training. Return "
                  "x * mask / (1 - p)."),
                lambda x, p, mask: x * mask),
        Mistake(_("The kept entries are divided by p, the probability of dropping an entry; they must be divided "
                  "by 1 - p, the probability of keeping it, to make up for the entries dropped."),
                lambda x, p, mask: x * mask / p),
        Mistake(_("The mask is inverted: mask is True for the entries kept, so those keep their value (divided "
                  "by 1 - p) and the others become 0."),
                lambda x, p, mask: x * ~mask / (1 - p)),
        Mistake(_("The kept entries are multiplied by 1 - p instead of divided by it: the expected output is then "
                  "(1 - p)² x. The original dropout multiplies by 1 - p at test time, after a training without "
                  "rescaling; inverted dropout divides by 1 - p in training, so that testing needs no change."),
                lambda x, p, mask: x * mask * (1 - p)),
        Mistake(_("The kept entries are divided by the share of entries this mask keeps, not by 1 - p: the scale "
                  "must not depend on the draw. Dividing by the fixed 1 - p makes the output equal to x on "
                  "average over the masks."),
                lambda x, p, mask: x * mask / mask.mean()),
    ),
))


# -- the proximal step of L1 (ISTA) ----------------------------------------------------------------------

def _proximal_by_labkit(w: np.ndarray, grad: np.ndarray, lr: float, lam: float) -> np.ndarray:
    return proximal_l1_step(torch.from_numpy(w), torch.from_numpy(grad), lr, lam).numpy()


def _soft(v: np.ndarray, t: float) -> np.ndarray:
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)


def _proximal_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # Gradient steps as large as the weights, so that some weights change sign on the step, some land
    # within the threshold of 0, and some stay far from it. The third case has weights already at 0 with
    # no gradient (they must stay at 0) and an entry exactly on the threshold; the last one lam = 0.
    w3 = np.array([0.0, 0.0, 1.0, -2.0, 0.25, 0.5])
    g3 = np.array([0.0, 0.0, 2.0, -1.0, 0.0, 4.0])
    return [
        dict(w=rng.normal(size=10), grad=3 * rng.normal(size=10), lr=0.2, lam=1.5),
        dict(w=rng.normal(size=(5, 3)), grad=rng.normal(size=(5, 3)), lr=0.5, lam=0.8),
        dict(w=w3, grad=g3, lr=0.25, lam=1.0),
        dict(w=rng.normal(size=(2, 4)), grad=rng.normal(size=(2, 4)), lr=0.1, lam=0.0),
    ]


register(Exercise(
    id="regularization.proximal_l1_step",
    title=_("One proximal gradient step for the L1 penalty"),
    task=_("""One step of proximal gradient descent (ISTA) on L(w) + lam * sum(|w|): a gradient step on the
loss alone, v = w - lr * grad, then soft-thresholding with the threshold t = lr * lam: every entry of v
moves t closer to 0, and the entries within t of 0 become exactly 0. w and grad are arrays of the same
shape (grad is the gradient of L alone, without the penalty); lr > 0 and lam >= 0 are numbers. Return
the new weights, an array of the shape of w, with numpy only."""),
    signature="proximal_l1_step(w, grad, lr, lam)",
    returns=("w_new",),
    reference=_proximal_by_labkit,
    cases=_proximal_cases,
    against="labkit.regularization.proximal_l1_step",
    mistakes=(
        Mistake(_("This is hard thresholding: the entries within lr * lam of 0 become 0, but the others keep "
                  "their value. Soft-thresholding also moves every other entry lr * lam closer to 0: "
                  "sign(v) * max(|v| - lr * lam, 0)."),
                lambda w, grad, lr, lam: np.where(np.abs(w - lr * grad) > lr * lam, w - lr * grad, 0.0)),
        Mistake(_("Every entry moves lr * lam towards 0, but the small ones go past 0 and change sign: an entry "
                  "within lr * lam of 0 must stop at exactly 0. Take max(|v| - lr * lam, 0) before putting "
                  "the sign back."),
                lambda w, grad, lr, lam: (w - lr * grad) - lr * lam * np.sign(w - lr * grad)),
        Mistake(_("This is a subgradient step on the loss plus the penalty, w - lr * (grad + lam * sign(w)): "
                  "what autograd does with the L1 penalty in the loss. A small weight jumps over 0 instead of "
                  "stopping on it. Take the gradient step on the loss alone, then soft-threshold."),
                lambda w, grad, lr, lam: w - lr * (grad + lam * np.sign(w))),
        Mistake(_("The threshold is lam: the step size scales the penalty's step as it scales the gradient's, "
                  "so the threshold is lr * lam."),
                lambda w, grad, lr, lam: _soft(w - lr * grad, lam)),
        Mistake(_("The soft-thresholding comes before the gradient step: the weights it sets to 0 are moved off "
                  "0 again by the gradient. Threshold v = w - lr * grad, the result of the gradient step."),
                lambda w, grad, lr, lam: _soft(w, lr * lam) - lr * grad),
    ),
))


# -- one SGD step with an L2 penalty on the weights (weight decay) ----------------------------------------

def _sgd_by_torch(W: np.ndarray, b: np.ndarray, dW: np.ndarray, db: np.ndarray, lr: float,
                  lam: float) -> tuple[np.ndarray, np.ndarray]:
    """One step of torch.optim.SGD, with weight_decay = lam on W and none on b."""
    w_t, b_t = torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)
    w_t.grad, b_t.grad = torch.tensor(dW), torch.tensor(db)
    torch.optim.SGD([dict(params=[w_t], weight_decay=lam), dict(params=[b_t], weight_decay=0.0)], lr=lr).step()
    return w_t.detach().numpy(), b_t.detach().numpy()


def _sgd_cases(rng: np.random.Generator) -> list[dict[str, Any]]:
    # A large lam * lr in the first case, so that each mistake on the decay is far from the right step;
    # lam = 0 last, a plain SGD step.
    return [dict(W=rng.normal(size=(d, k)), b=rng.normal(size=k), dW=rng.normal(size=(d, k)), db=rng.normal(size=k),
                 lr=lr, lam=lam)
            for d, k, lr, lam in ((4, 3, 0.1, 2.0), (6, 2, 0.05, 0.5), (3, 5, 0.2, 0.0))]


register(Exercise(
    id="regularization.l2_sgd_step",
    title=_("One SGD step with an L2 penalty on the weights"),
    task=_("""A linear layer has weights W of shape (d, k) and a bias b of shape (k,). Its training loss is
L(W, b) + lam / 2 * sum(W**2): the L2 penalty acts on the weights only, not on the bias. Given the
gradients of L alone, dW = dL/dW and db = dL/db, the learning rate lr > 0 and lam >= 0, return the
weights and the bias after one step of plain gradient descent on the penalised loss, as a tuple
(W_new, b_new), with numpy only."""),
    signature="l2_sgd_step(W, b, dW, db, lr, lam)",
    returns=("W_new", "b_new"),
    reference=_sgd_by_torch,
    cases=_sgd_cases,
    against="torch.optim.SGD(weight_decay=lam)",
    mistakes=(
        Mistake(_("The bias is decayed too: the penalty is on the weights only, so b_new = b - lr * db. A bias "
                  "does not make the function more complex, and shrinking it only adds bias."),
                lambda W, b, dW, db, lr, lam: (W - lr * (dW + lam * W), b - lr * (db + lam * b))),
        Mistake(_("The penalty's gradient is 2 * lam * W: the penalty is lam / 2 * sum(W**2), whose gradient is "
                  "lam * W (the 1/2 is there to cancel the 2)."),
                lambda W, b, dW, db, lr, lam: (W - lr * (dW + 2 * lam * W), b - lr * db)),
        Mistake(_("The decay is not multiplied by the learning rate: the whole gradient, dW + lam * W, is "
                  "multiplied by lr, so W_new = (1 - lr * lam) * W - lr * dW."),
                lambda W, b, dW, db, lr, lam: (W - lr * dW - lam * W, b - lr * db)),
        Mistake(_("The penalty's gradient has the wrong sign: the step adds lr * lam * W, which makes the weights "
                  "grow. Descending the penalty pulls each weight towards 0: W_new = W - lr * (dW + lam * W)."),
                lambda W, b, dW, db, lr, lam: (W - lr * (dW - lam * W), b - lr * db)),
        Mistake(_("This is an L1 step, lam * sign(W), not an L2 one: the gradient of lam / 2 * sum(W**2) is "
                  "lam * W, a pull proportional to each weight, not a pull of the same size for all."),
                lambda W, b, dW, db, lr, lam: (W - lr * (dW + lam * np.sign(W)), b - lr * db)),
    ),
))

__all__: list[str] = []
