"""Acceptance probe of labkit's argument contracts (issue 15): calls beyond the generated tests.

The generated contract tests (``tests/contracts.py``) break one declared argument at a time with the
variants its rule knows (wrong type, NaN, inf, below the minimum, one more dimension...). This probe
tries what they do not: relations between arguments (rows of ``X`` against ``y``, node ids against
``num_nodes``, labels against ``n_classes``), complex numbers, 0-d arrays, ragged lists, object
arrays, dicts and sets, huge finite values, huge ints, bool arrays, transposed arrays, tensors where
arrays are expected and back, float16/float64 tensors, empty graphs, single rows, records with
missing keys, unknown devices, missing paths, unknown languages; and valid but unusual inputs that
must work (numpy scalars, tuples, int32 ids, float32 data, a single sample, zero noise...).

Each probe is a record (module, label, zero-argument call, expectation) and is classified:

- expected error: ``clear`` (TypeError/ValueError whose message names one of the accepted argument
  names), ``obscure`` (another exception type, or a message naming none of them), ``garbage``
  (returned normally: silently accepted), ``hang`` (over the per-call timeout);
- expected success: ``ok``, ``rejected`` (raised), ``hang``; a probe marked ``finite`` also counts as
  ``garbage`` when it returns NaN or inf (a result computed from an overflow), a probe made with
  ``ieee`` when it returns NaN (inf is the IEEE answer when the true result overflows float64);
- a command line (``cli``) refuses a bad option the way argparse does: ``SystemExit`` with status 2
  and a message on stderr naming the option counts as ``clear``.

    python tools/probe_contracts.py              # run every probe, print the table and the findings
    python tools/probe_contracts.py --list       # list the probes without running them
    python tools/probe_contracts.py --json out.json --module graphs

Exit status 1 if any probe is obscure, garbage, hang or rejected.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import math
import os
import re
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

MODULES = ["autodiff", "autoencoders", "backprop", "data", "exercises", "graphs", "hardware", "i18n", "multi", "networks",
           "plotting", "regularization", "seeding", "timing", "training"]
ERROR_OUTCOMES = ["clear", "obscure", "garbage", "hang"]
OK_OUTCOMES = ["ok", "rejected"]
BAD_OUTCOMES = {"obscure", "garbage", "hang", "rejected"}
TIMEOUT_S = 10


@dataclass
class Probe:
    """One call: ``expect`` is "error" (a TypeError/ValueError naming one of ``names``) or "ok"."""

    module: str
    label: str
    call: Callable[[], Any]
    expect: str
    names: tuple[str, ...] = ()
    finite: bool = False  # "ok" probes: the result must hold no NaN or inf
    no_nan: bool = False  # "ok" probes made with ieee(): the result may overflow to inf, never be NaN
    cli: bool = False  # "error" probes of a command line: argparse's exit 2 naming the option is clear
    outcome: str = ""
    detail: str = ""
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        return {"module": self.module, "label": self.label, "expect": self.expect, "names": list(self.names),
                "outcome": self.outcome, "detail": self.detail, "seconds": round(self.seconds, 3)}


class Probes:
    """Collects the probes of one module: ``err(label, call, *names)`` and ``ok(label, call)``."""

    def __init__(self, module: str) -> None:
        self.module, self.items = module, []

    def err(self, label: str, call: Callable[[], Any], *names: str) -> None:
        assert names, label
        self.items.append(Probe(self.module, label, call, "error", names))

    def ok(self, label: str, call: Callable[[], Any], finite: bool = False) -> None:
        self.items.append(Probe(self.module, label, call, "ok", finite=finite))

    def ieee(self, label: str, call: Callable[[], Any]) -> None:
        """A finite input whose true result overflows float64: inf is the right answer, NaN is not."""
        self.items.append(Probe(self.module, label, call, "ok", no_nan=True))

    def cli(self, label: str, call: Callable[[], Any], *names: str) -> None:
        """A bad option of a command line: argparse exits with status 2, naming the option on stderr."""
        self.items.append(Probe(self.module, label, call, "error", names, cli=True))


# -- helpers the probes share ---------------------------------------------------------------------------
def gen(values: Any) -> Iterator[Any]:
    """A generator over ``values`` (where a list is expected)."""
    return (v for v in values)


def ragged() -> list[list[float]]:
    return [[1.0, 2.0], [3.0]]


def objects(shape: tuple[int, ...]) -> np.ndarray:
    """An object array of the given shape holding Python floats (numbers, but dtype=object)."""
    out = np.empty(shape, dtype=object)
    out.flat[:] = [float(i) for i in range(out.size)]
    return out


def transposed(rows: int, cols: int, seed: int = 0) -> np.ndarray:
    """A non-contiguous (rows, cols) float array: the transpose of a (cols, rows) one."""
    return np.random.default_rng(seed).random((cols, rows)).T


def rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random(shape)


def grad_tensor(*shape: int) -> torch.Tensor:
    """A float32 tensor that requires grad (where numpy is expected)."""
    return torch.rand(*shape, generator=torch.Generator().manual_seed(0)).requires_grad_(True)


def with_env(name: str, value: str | None, fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` run with the environment variable ``name`` set to ``value`` (unset if None), then restored."""
    def call() -> Any:
        old = os.environ.get(name)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
        try:
            return fn()
        finally:
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old
    return call


def exhausted(n: int) -> Iterator[int]:
    """A generator already read to its end (an empty iterable that looks full)."""
    g = (i for i in range(n))
    list(g)
    return g


# -- autodiff ------------------------------------------------------------------------------------------
def autodiff_probes() -> list[Probe]:
    from labkit import autodiff as ad
    from labkit.autodiff import Dual, Tensor, Value

    p = Probes("autodiff")
    P2 = lambda: [Tensor(np.ones((3, 2))), Tensor(np.zeros(2))]  # noqa: E731
    p.err("Dual: complex value", lambda: Dual(1 + 2j), "value")
    p.err("Dual: ragged nested list value", lambda: Dual(ragged()), "value")
    p.err("Dual: object array value", lambda: Dual(objects((3,))), "value")
    p.err("Dual: dict value", lambda: Dual({"a": 1.0}), "value")
    p.err("Dual: set tangent", lambda: Dual(1.0, {1.0}), "tangent")
    p.err("Dual: tangent (2,) for value (3,)", lambda: Dual(np.ones(3), np.ones(2)), "tangent")
    p.err("Dual: tangent a torch tensor with grad of wrong shape", lambda: Dual(np.ones(2), grad_tensor(3)), "tangent")
    p.ok("Dual: 0-d array value", lambda: Dual(np.array(2.0)).sin())
    p.ok("Dual: numpy float32 value", lambda: Dual(np.float32(0.5), np.float32(1.0)).exp())
    p.ok("Dual: int array value", lambda: Dual(np.arange(3)).tanh())
    p.ok("Dual: -0.0 value log gives -inf (engines follow IEEE)", lambda: Dual(-0.0).relu())
    p.err("jvp: x (3,) with v (2,)", lambda: ad.jvp(lambda d: d.sum(), np.ones(3), np.ones(2)), "v", "x")
    p.err("jvp: complex x", lambda: ad.jvp(lambda d: d, np.array([1j]), np.ones(1)), "x")
    p.err("jvp: f returns a string", lambda: ad.jvp(lambda d: "abc", np.ones(2), np.ones(2)), "f")
    p.ok("jvp: tuple x and tuple v", lambda: ad.jvp(lambda d: (d * d).sum(), (1.0, 2.0), (1.0, 0.0)))
    p.ok("jvp: numpy int64 x", lambda: ad.jvp(lambda d: d * d, np.int64(3), 1.0))
    p.err("Value: complex data", lambda: Value(1 + 1j), "data")
    p.err("Value: 0-d array holding a string", lambda: Value(np.array("1.0")), "data")
    p.err("Value: huge int 10**400 (float overflow)", lambda: Value(10**400), "data")
    p.ok("Value: numpy float32 data", lambda: Value(np.float32(0.5)).tanh())
    p.ok("Value: 0-d float array data", lambda: Value(np.array(0.5)).exp())
    p.ok("Value: numpy int64 data", lambda: Value(np.int64(3)) * 2)
    p.err("Value.backward: accumulate numpy array", lambda: (Value(1.0) * 2).backward(np.array([True, False])),
          "accumulate")
    p.err("graph_of: a Tensor, not a Value", lambda: ad.graph_of(Tensor(np.ones(2))), "output")
    p.err("Tensor: complex data", lambda: Tensor(np.ones(2) * 1j), "data")
    p.err("Tensor: ragged nested list", lambda: Tensor(ragged()), "data")
    p.err("Tensor: object array", lambda: Tensor(objects((2, 2))), "data")
    p.err("Tensor: set data", lambda: Tensor({1.0, 2.0}), "data")
    p.ok("Tensor: torch tensor with requires_grad", lambda: Tensor(grad_tensor(2, 2)).sum())
    p.ok("Tensor: bool array data", lambda: Tensor(np.array([True, False])).sum())
    p.ok("Tensor: transposed array", lambda: Tensor(transposed(3, 2)).tanh().sum())
    p.err("Tensor.sum: axis 5 of a 2-D tensor", lambda: Tensor(np.ones((2, 3))).sum(axis=5), "axis")
    p.err("Tensor.sum: axis a float", lambda: Tensor(np.ones((2, 3))).sum(axis=1.0), "axis")
    p.err("Tensor.mean: axis a string", lambda: Tensor(np.ones((2, 3))).mean(axis="0"), "axis")
    p.ok("Tensor.mean: axis numpy int64", lambda: Tensor(np.ones((2, 3))).mean(axis=np.int64(1)))
    p.ok("Tensor.sum: negative axis -1", lambda: Tensor(np.ones((2, 3))).sum(axis=-1))
    p.err("Tensor.reshape: 6 numbers into (4, 2)", lambda: Tensor(np.ones((2, 3))).reshape(4, 2), "shape")
    p.err("Tensor.reshape: a float size", lambda: Tensor(np.ones((2, 3))).reshape(3.0, 2), "shape")
    p.ok("Tensor.reshape: numpy int sizes", lambda: Tensor(np.ones((2, 3))).reshape(np.int64(3), np.int32(2)))
    p.err("Tensor.backward: seed of shape (2,) for a (2, 3) tensor",
          lambda: (Tensor(np.ones((2, 3))) * 2).backward(np.ones(2)), "seed")
    p.err("Tensor.backward: complex seed", lambda: (Tensor(np.ones(2)) * 2).backward(np.ones(2) * 1j), "seed")
    p.err("softmax_cross_entropy: 3 rows of logits, 2 labels",
          lambda: ad.softmax_cross_entropy(Tensor(np.zeros((3, 4))), np.array([0, 1])), "y", "logits")
    p.err("softmax_cross_entropy: label 4 >= 4 classes",
          lambda: ad.softmax_cross_entropy(Tensor(np.zeros((2, 4))), np.array([0, 4])), "y")
    p.err("softmax_cross_entropy: bool labels",
          lambda: ad.softmax_cross_entropy(Tensor(np.zeros((2, 4))), np.array([True, False])), "y")
    p.ok("softmax_cross_entropy: int32 labels as a tuple",
         lambda: ad.softmax_cross_entropy(Tensor(np.zeros((2, 4))), (np.int32(0), np.int32(3))))
    p.ok("softmax_cross_entropy: one row, one class",
         lambda: ad.softmax_cross_entropy(Tensor(np.zeros((1, 1))), np.array([0])))
    p.err("grad: f returns a float, not a Tensor", lambda: ad.grad(lambda x: 1.0)(np.ones(2)), "f")
    p.err("grad: complex argument", lambda: ad.grad(lambda x: x.sum())(np.ones(2) * 1j), "x", "args", "f")
    p.err("vjp: v (2, 1) for f(x) of shape (2,)", lambda: ad.vjp(lambda x: x * 2.0, np.ones(2), np.ones((2, 1))), "v")
    p.err("mlp_logits: X with 2 features for W of 3 rows", lambda: ad.mlp_logits(P2(), np.ones((4, 2))), "X", "params")
    p.err("mlp_logits: odd number of params", lambda: ad.mlp_logits(P2() + [Tensor(np.ones((2, 2)))], np.ones((4, 3))),
          "params")
    p.err("mlp_logits: bias of the wrong size", lambda: ad.mlp_logits([Tensor(np.ones((3, 2))), Tensor(np.zeros(5))],
                                                                      np.ones((4, 3))), "params")
    p.ok("mlp_logits: params as a generator", lambda: ad.mlp_logits(gen(P2()), np.ones((4, 3))))
    p.ok("mlp_logits: float32 single row X", lambda: ad.mlp_logits(P2(), np.ones((1, 3), dtype=np.float32)))
    p.err("mlp_loss: 4 rows of X, 3 labels", lambda: ad.mlp_loss(P2(), np.ones((4, 3)), np.array([0, 1, 1])), "y", "X")
    p.err("mlp_loss: label 2 >= 2 outputs", lambda: ad.mlp_loss(P2(), np.ones((2, 3)), np.array([0, 2])), "y")
    p.err("jacobian: mode None", lambda: ad.jacobian(lambda x: x, np.ones(2), mode=None), "mode")
    p.err("jacobian: f returns a 2-D array", lambda: ad.jacobian(lambda x: x.reshape(1, 2) if hasattr(x, "reshape")
                                                                 else x, np.ones(2)), "f")
    p.ok("jacobian: tuple x, forward mode", lambda: ad.jacobian(lambda x: x * 2.0, (1.0, 2.0), "forward"))
    p.ok("jacobian: float32 x", lambda: ad.jacobian(lambda x: x * x, np.ones(2, dtype=np.float32)))
    p.err("expression_swell: huge int depth 10**30", lambda: ad.expression_swell(10**30), "depth")
    p.ok("expression_swell: numpy int depth", lambda: ad.expression_swell(np.int64(3)))
    p.err("median_time: repeats 10**30", lambda: ad.median_time(lambda: None, repeats=10**30), "repeats")
    p.err("median_time: fn needs an argument", lambda: ad.median_time(lambda x: x, repeats=1), "fn")
    p.err("training_step_times: hidden 10**30", lambda: ad.training_step_times(4, hidden=10**30, repeats=1), "hidden")
    p.err("training_step_times: threads 10**6", lambda: ad.training_step_times(4, hidden=4, repeats=1, threads=10**6),
          "threads")
    p.ok("training_step_times: numpy ints", lambda: ad.training_step_times(np.int64(2), hidden=np.int32(4), repeats=1))
    return p.items


# -- autoencoders ---------------------------------------------------------------------------------------
def autoencoders_probes() -> list[Probe]:
    from labkit import autoencoders as ae

    p = Probes("autoencoders")
    X = lambda n=3: rand(n, 64)  # noqa: E731
    dense = lambda: ae.DenseAutoencoder(64, 4, (8,))  # noqa: E731
    vae = lambda: ae.VariationalAutoencoder(64, 2, (8,))  # noqa: E731
    p.err("DenseAutoencoder: hidden_sizes a set", lambda: ae.DenseAutoencoder(hidden_sizes={8}), "hidden_sizes")
    p.err("DenseAutoencoder: hidden_sizes a dict", lambda: ae.DenseAutoencoder(hidden_sizes={8: 1}), "hidden_sizes")
    p.err("DenseAutoencoder: code_size 10**30", lambda: ae.DenseAutoencoder(code_size=10**30), "code_size")
    # Decided: a hidden layer narrower than the code is what the user asked for, and it builds and trains.
    p.ok("DenseAutoencoder: hidden_sizes smaller than code_size", lambda: ae.DenseAutoencoder(64, 16, (8,)))
    p.ok("DenseAutoencoder: hidden_sizes a generator", lambda: ae.DenseAutoencoder(64, 4, gen([8])))
    p.ok("DenseAutoencoder: numpy int sizes", lambda: ae.DenseAutoencoder(np.int64(64), np.int32(4), (np.int64(8),)))
    p.ok("DenseAutoencoder: no hidden layer", lambda: ae.DenseAutoencoder(64, 4, ()))
    p.err("DenseAutoencoder.forward: 63 features for 64 inputs", lambda: dense()(torch.ones(2, 63)), "x")
    p.err("DenseAutoencoder.encode: numpy array, 63 features", lambda: dense().encode(np.ones((2, 63))), "x")
    p.err("DenseAutoencoder.encode: complex tensor", lambda: dense().encode(torch.ones(2, 64, dtype=torch.complex64)),
          "x")
    p.err("DenseAutoencoder.decode: z with 5 features for code 4", lambda: dense().decode(torch.ones(2, 5)), "z")
    p.err("DenseAutoencoder.loss: 1-D x", lambda: dense().loss(torch.ones(64)), "x")
    p.ok("DenseAutoencoder.forward: float64 tensor", lambda: dense()(torch.ones(2, 64, dtype=torch.float64)))
    p.ok("DenseAutoencoder.forward: float16 tensor", lambda: dense()(torch.ones(2, 64, dtype=torch.float16)))
    p.err("DenseAutoencoder.forward: float64 x beyond float32's range",
          lambda: dense()(torch.full((2, 64), 1e300, dtype=torch.float64)), "x")
    p.ok("DenseAutoencoder.encode: a single sample (1, 64)", lambda: dense().encode(torch.ones(1, 64)))
    p.ok("DenseAutoencoder.loss: numpy float32", lambda: dense().loss(np.ones((2, 64), dtype=np.float32)))
    p.err("DenoisingAutoencoder: noise_std 1e308", lambda: ae.DenoisingAutoencoder(noise_std=1e308), "noise_std")
    p.ok("DenoisingAutoencoder: zero noise", lambda: ae.DenoisingAutoencoder(64, 4, (8,), noise_std=0.0).loss(torch.ones(2, 64)))
    p.ok("DenoisingAutoencoder: numpy float32 noise", lambda: ae.DenoisingAutoencoder(64, 4, (8,), noise_std=np.float32(0.2)))
    p.err("DenoisingAutoencoder.forward: 3-D x", lambda: ae.DenoisingAutoencoder(64, 4, (8,))(torch.ones(2, 2, 64)), "x")
    p.err("ConvAutoencoder: code_size 0", lambda: ae.ConvAutoencoder(0), "code_size")
    p.err("ConvAutoencoder.forward: images of 7x7 (49 features)", lambda: ae.ConvAutoencoder(4)(torch.ones(2, 49)), "x")
    p.err("ConvAutoencoder.decode: z with 3 features for code 4", lambda: ae.ConvAutoencoder(4).decode(torch.ones(2, 3)),
          "z")
    p.ok("ConvAutoencoder.forward: a single image (1, 1, 8, 8)?", lambda: ae.ConvAutoencoder(4)(torch.ones(1, 64)))
    # Decided: building the model is fine; training it stops with fit's ValueError when the loss overflows.
    p.ok("VariationalAutoencoder: beta 1e308 (loss overflows)", lambda: ae.VariationalAutoencoder(beta=1e308))
    p.err("VariationalAutoencoder.encode_distribution: 10 features",
          lambda: vae().encode_distribution(torch.ones(2, 10)), "x")
    p.err("VariationalAutoencoder.decode: z of 3 for code 2", lambda: vae().decode(torch.ones(2, 3)), "z")
    p.ok("VariationalAutoencoder.loss: float64", lambda: vae().loss(torch.ones(2, 64, dtype=torch.float64)), finite=True)
    p.err("kl_divergence: mu (2, 2) and logvar (2,)", lambda: ae.kl_divergence(torch.zeros(2, 2), torch.zeros(2)),
          "logvar", "mu")
    # exp(1e4) overflows float64 too: inf is the IEEE answer (no term can make it NaN: exp(v) - v - 1 >= 0).
    p.ieee("kl_divergence: logvar 1e4 overflows exp", lambda: ae.kl_divergence(torch.zeros(1, 2),
                                                                               torch.full((1, 2), 1e4)))
    p.ok("kl_divergence: float64 and float32 mixed", lambda: ae.kl_divergence(torch.zeros(1, 2, dtype=torch.float64),
                                                                              torch.zeros(1, 2)))
    p.err("train_autoencoder: X_val with 63 features", lambda: ae.train_autoencoder(dense(), X(), epochs=1,
                                                                                   X_val=rand(2, 63)), "X_val")
    p.err("train_autoencoder: X 1e308 (loss overflows)", lambda: ae.train_autoencoder(dense(), np.full((3, 64), 1e308),
                                                                                     epochs=1), "X")
    p.err("train_autoencoder: X a ragged list", lambda: ae.train_autoencoder(dense(), [[0.0] * 64, [0.0]], epochs=1), "X")
    p.err("train_autoencoder: batch_size 10**30", lambda: ae.train_autoencoder(dense(), X(), epochs=1,
                                                                              batch_size=10**30), "batch_size")
    p.err("train_autoencoder: model a torch Linear", lambda: ae.train_autoencoder(torch.nn.Linear(64, 64), X(), epochs=1),
          "model")
    p.ok("train_autoencoder: a single row, float32", lambda: ae.train_autoencoder(dense(), rand(1, 64).astype(np.float32),
                                                                                 epochs=1))
    p.ok("train_autoencoder: a torch tensor X with grad", lambda: ae.train_autoencoder(dense(), grad_tensor(3, 64),
                                                                                       epochs=1))
    p.err("encode: complex X", lambda: ae.encode(dense(), X() * 1j), "X")
    p.err("encode: X of 0 rows", lambda: ae.encode(dense(), np.zeros((0, 64))), "X")
    p.ok("encode: transposed X", lambda: ae.encode(dense(), transposed(3, 64)))
    p.ok("encode: int X", lambda: ae.encode(dense(), np.ones((2, 64), dtype=int)))
    p.err("decode: Z of 0-d", lambda: ae.decode(dense(), np.array(1.0)), "Z")
    p.ok("decode: Z from a VAE, 1 row", lambda: ae.decode(vae(), np.zeros((1, 2))))
    p.err("reconstruct: bool array X of 63", lambda: ae.reconstruct(dense(), np.ones((2, 63), dtype=bool)), "X")
    p.err("sample: n 10**30", lambda: ae.sample(vae(), 10**30), "n")
    p.ok("sample: numpy int n", lambda: ae.sample(vae(), np.int64(2)))
    p.err("interpolate: x_start (2, 64), not one sample", lambda: ae.interpolate(dense(), rand(2, 64), rand(64)),
          "x_start")
    p.err("interpolate: steps 10**30", lambda: ae.interpolate(dense(), rand(64), rand(64), steps=10**30), "steps")
    p.ok("interpolate: x as lists", lambda: ae.interpolate(dense(), [0.0] * 64, [1.0] * 64, steps=2))
    p.err("decoder_bytes: bytes_per_weight 2.0", lambda: ae.decoder_bytes(dense(), 2.0), "bytes_per_weight")
    p.err("reconstruction_error: X (3, 64) vs X_hat (64, 3) transposed", lambda: ae.reconstruction_error(X(), X().T),
          "X", "X_hat")
    # (2e308)**2 overflows float64: inf is the IEEE answer for finite inputs (decided in round 2).
    p.ieee("reconstruction_error: X 1e308 overflows", lambda: ae.reconstruction_error(np.full((1, 2), 1e308),
                                                                                      np.full((1, 2), -1e308)))
    p.ok("reconstruction_error: one row, float32", lambda: ae.reconstruction_error(np.ones((1, 4), np.float32),
                                                                                    np.zeros((1, 4))))
    p.ok("psnr: identical images (infinite psnr?)", lambda: ae.psnr(X(), X()))
    # The true PSNR with peak 1e308 is a finite 6180 dB (computed in logarithms): only peak**2 overflowed.
    p.ok("psnr: peak 1e308 overflows", lambda: ae.psnr(X(), X() + 0.1, peak=1e308), finite=True)
    p.err("psnr: X and X_hat differ in rows", lambda: ae.psnr(X(3), X(2)), "X", "X_hat")
    p.err("add_noise: complex X", lambda: ae.add_noise(X() * 1j, 0.1), "X")
    p.ok("add_noise: noise_std 0", lambda: ae.add_noise(X(), 0.0))
    p.ok("add_noise: numpy float noise_std", lambda: ae.add_noise(X(), np.float32(0.1)))
    p.err("pca_reconstruct: code_size 10**30", lambda: ae.pca_reconstruct(X(), X(), 10**30), "code_size")
    p.err("pca_reconstruct: X_fit with 1 row", lambda: ae.pca_reconstruct(X(1), X(), 1), "X_fit", "code_size")
    p.err("quantize: low > high elementwise", lambda: ae.quantize(np.zeros((2, 2)), 4, np.ones(2), np.zeros(2)),
          "high", "low")
    p.err("quantize: bits 10**30", lambda: ae.quantize(np.zeros((2, 2)), 10**30, 0.0, 1.0), "bits")
    p.err("quantize: low of 3 for Z of 2 columns", lambda: ae.quantize(np.zeros((2, 2)), 4, np.zeros(3), np.ones(3)),
          "low", "Z")
    p.err("jpeg_roundtrip: quality 50.0", lambda: ae.jpeg_roundtrip(X(), 50.0), "quality")
    p.err("jpeg_roundtrip: side 10**30", lambda: ae.jpeg_roundtrip(X(), 50, side=10**30), "side", "X")
    p.ok("jpeg_roundtrip: numpy quality, one image", lambda: ae.jpeg_roundtrip(X(1), np.int64(50)))
    p.err("rate_at_error: rates not increasing", lambda: ae.rate_at_error([2, 1], [0.1, 0.01], 0.05), "rates")
    p.err("rate_at_error: a dict", lambda: ae.rate_at_error({1: 0.1}, [0.1], 0.05), "rates")
    p.err("rate_at_error: target never reached", lambda: ae.rate_at_error([1, 2], [0.5, 0.4], 0.05), "target")
    p.ok("rate_at_error: tuples and numpy target", lambda: ae.rate_at_error((1, 2), (0.1, 0.01), np.float64(0.05)))
    p.ok("rate_at_error: generators", lambda: ae.rate_at_error(gen([1, 2]), gen([0.1, 0.01]), 0.05))
    p.err("gaussian_blur: sigma 1e308", lambda: ae.gaussian_blur(X(), 1e308), "sigma")
    p.err("gaussian_blur: 3-D X", lambda: ae.gaussian_blur(rand(2, 8, 8), 1.0), "X")
    return p.items


# -- backprop ------------------------------------------------------------------------------------------
def backprop_probes() -> list[Probe]:
    from labkit import backprop as bp

    p = Probes("backprop")
    X3, Y3 = rand(4, 3), np.array([0, 1, 1, 0])
    mlp = lambda: bp.MLP([3, 4, 2])  # noqa: E731

    def relu_backward(grad_out: Any) -> Any:
        r = bp.ReLU()
        r.forward(np.ones((2, 3)))
        return r.backward(grad_out)

    def linear_backward(grad_out: Any) -> Any:
        lin = bp.Linear(3, 2)
        lin.forward(np.ones((4, 3)))
        return lin.backward(grad_out)

    def mlp_backward(dlogits: Any) -> Any:
        m = mlp()
        m.forward(X3)
        return m.backward(dlogits)

    p.err("Linear: in_features 10**30", lambda: bp.Linear(10**30, 2), "in_features")
    p.err("Linear: in_features x out_features too large", lambda: bp.Linear(10**5, 10**5), "in_features", "out_features")
    # Decided (issue 15, round 2): scale=1e308 is what the user asked for; weights may overflow to inf, not NaN.
    p.ieee("Linear: scale 1e308 (weights overflow)", lambda: bp.Linear(2, 2, scale=1e308).W)
    p.err("Linear: rng a RandomState", lambda: bp.Linear(2, 2, rng=np.random.RandomState(0)), "rng")
    p.ok("Linear: numpy int sizes", lambda: bp.Linear(np.int64(3), np.int32(2)))
    p.err("Linear.forward: torch tensor with grad, 2 features for 3", lambda: bp.Linear(3, 2).forward(grad_tensor(4, 2)),
          "x")
    p.err("Linear.forward: complex x", lambda: bp.Linear(3, 2).forward(np.ones((4, 3)) * 1j), "x")
    p.err("Linear.forward: 0-d x", lambda: bp.Linear(3, 2).forward(np.array(1.0)), "x")
    p.ok("Linear.forward: torch tensor with requires_grad", lambda: bp.Linear(3, 2).forward(grad_tensor(4, 3)))
    p.ok("Linear.forward: transposed x", lambda: bp.Linear(3, 2).forward(transposed(4, 3)))
    p.ok("Linear.forward: single row float32", lambda: bp.Linear(3, 2).forward(np.ones((1, 3), np.float32)))
    p.err("Linear.backward: before forward", lambda: bp.Linear(3, 2).backward(np.ones((4, 2))), "grad_out")
    p.err("Linear.backward: 4 rows of grad for 4 inputs but 3 columns", lambda: linear_backward(np.ones((4, 3))),
          "grad_out")
    p.err("ReLU.backward: before forward", lambda: bp.ReLU().backward(np.ones((2, 3))), "grad_out")
    p.err("ReLU.backward: transposed grad (3, 2)", lambda: relu_backward(np.ones((3, 2))), "grad_out")
    p.ok("ReLU.forward: -0.0 and int array", lambda: bp.ReLU().forward(np.array([[-0.0, 1, 2]])))
    p.err("Tanh.forward: complex z", lambda: bp.Tanh().forward(np.ones((1, 2)) * 1j), "z")
    p.err("Tanh.backward: before forward", lambda: bp.Tanh().backward(np.ones((2, 2))), "grad_out")
    p.err("Sigmoid.forward: object array", lambda: bp.Sigmoid().forward(objects((2, 2))), "z")
    p.ok("Sigmoid.forward: huge z 1e308 (saturates)", lambda: bp.Sigmoid().forward(np.array([[1e308, -1e308]])),
         finite=True)
    p.ok("softmax: huge logits 1e308 (shift-invariant)", lambda: bp.softmax(np.array([[1e308, 0.0]])), finite=True)
    p.ok("softmax: one class", lambda: bp.softmax(np.zeros((2, 1))))
    p.err("softmax: ragged list", lambda: bp.softmax(ragged()), "logits")
    p.err("softmax_cross_entropy_and_grad: labels 2-D", lambda: bp.softmax_cross_entropy_and_grad(X3, Y3[:, None]), "y")
    p.err("softmax_cross_entropy_and_grad: bool labels", lambda: bp.softmax_cross_entropy_and_grad(X3, Y3.astype(bool)), "y")
    p.err("softmax_cross_entropy_and_grad: torch labels float",
          lambda: bp.softmax_cross_entropy_and_grad(X3, torch.tensor([0.0, 1, 1, 0])), "y")
    p.ok("softmax_cross_entropy_and_grad: int32 torch labels",
         lambda: bp.softmax_cross_entropy_and_grad(X3, torch.tensor(Y3, dtype=torch.int32)))
    p.ok("softmax_cross_entropy_and_grad: labels as a tuple",
         lambda: bp.softmax_cross_entropy_and_grad(X3, tuple(Y3.tolist())))
    p.ok("softmax_cross_entropy_and_grad: 1e308 logits finite loss",
         lambda: bp.softmax_cross_entropy_and_grad(np.array([[1e308, 0.0]]), np.array([0])), finite=True)
    p.err("MLP: sizes a set", lambda: bp.MLP({3, 2}), "sizes")
    p.err("MLP: sizes with 10**30", lambda: bp.MLP([3, 10**30]), "sizes")
    p.err("MLP: sizes a 2-D array", lambda: bp.MLP(np.array([[3, 2]])), "sizes")
    p.ok("MLP: sizes a tuple of numpy ints", lambda: bp.MLP((np.int64(3), np.int32(2))))
    p.ok("MLP: sizes a numpy array", lambda: bp.MLP(np.array([3, 2])))
    p.err("MLP.forward: 2 features for 3 inputs, transposed", lambda: mlp().forward(X3.T), "X")
    p.err("MLP.forward: complex X", lambda: mlp().forward(X3 * 1j), "X")
    p.ok("MLP.forward: a single row", lambda: mlp().forward(np.ones((1, 3))))
    p.ok("MLP.forward: a list of lists of ints", lambda: mlp().forward([[1, 2, 3]]))
    p.err("MLP.backward: before forward", lambda: mlp().backward(np.ones((4, 2))), "dlogits")
    p.err("MLP.backward: dlogits of 3 rows after 4", lambda: mlp_backward(np.ones((3, 2))), "dlogits")
    p.err("MLP.loss_and_gradients: 4 rows of X, 3 labels", lambda: mlp().loss_and_gradients(X3, Y3[:3]), "y", "X")
    p.err("MLP.loss_and_gradients: label 2 >= 2 outputs", lambda: mlp().loss_and_gradients(X3, np.array([0, 1, 2, 0])),
          "y")
    # This network's logits of X = 1e308 stay finite (about 4e307): the loss and gradients are the true ones, no
    # overflow happens (ieee: no NaN). Logits that do overflow (weights x 100 below) are refused naming X.
    p.ieee("MLP.loss_and_gradients: X 1e308 overflows", lambda: mlp().loss_and_gradients(np.full((4, 3), 1e308), Y3))
    p.err("MLP.loss_and_gradients: X 1e308, logits overflow",
          lambda: bp.MLP([3, 4, 2], scale=100.0).loss_and_gradients(np.full((4, 3), 1e308), Y3), "X")
    p.err("MLP.predict: 4 features", lambda: mlp().predict(np.ones((2, 4))), "X")
    p.ok("MLP.predict: torch tensor with grad", lambda: mlp().predict(grad_tensor(2, 3)))
    # Decided (issue 15, round 2): lr=1e308 is what the user asked for; the step may overflow to inf, not NaN.
    p.ieee("sgd_step: lr 1e308 (weights overflow)", lambda: _sgd_after_backward(bp, mlp(), X3, Y3, 1e308))
    p.ok("sgd_step: numpy float32 lr", lambda: _sgd_after_backward(bp, mlp(), X3, Y3, np.float32(0.1)))
    p.err("numerical_gradient: f returns a vector", lambda: bp.numerical_gradient(lambda x: x, np.ones(2)), "f")
    p.err("numerical_gradient: f returns NaN", lambda: bp.numerical_gradient(lambda x: float("nan"), np.ones(2)), "f")
    # Central differences of a linear function are exact for any step, and 1 ± 1e308 is finite: the answer
    # is [1, 1] (it was NaN: (up - down) / (2 eps) overflowed); an eps that makes x ± eps inf is refused.
    p.ok("numerical_gradient: eps 1e308", lambda: bp.numerical_gradient(np.sum, np.ones(2), eps=1e308), finite=True)
    p.err("numerical_gradient: eps 1e308 at x 1e308 (x + eps overflows)",
          lambda: bp.numerical_gradient(np.sum, np.full(2, 1e308), eps=1e308), "eps")
    p.err("relative_error: complex a", lambda: bp.relative_error(np.ones(2) * 1j, np.ones(2)), "a")
    # Decided (issue 15, round 2): relative_error of 1e308 must not be NaN; opposite arrays give exactly 1.
    p.ok("relative_error: 1e308 overflows", lambda: bp.relative_error(np.array([1e308]), np.array([-1e308])),
         finite=True)
    p.ok("relative_error: two zeros", lambda: bp.relative_error(np.zeros(2), np.zeros(2)), finite=True)
    p.ok("relative_error: -0.0 and 0.0", lambda: bp.relative_error(np.array([-0.0]), np.array([0.0])), finite=True)
    p.err("gradient_check: 4 rows X, 3 labels", lambda: bp.gradient_check(bp.MLP([3, 2]), X3, Y3[:3]), "y", "X")
    p.err("gradient_check: eps 10.0**300", lambda: bp.gradient_check(bp.MLP([3, 2]), X3, Y3, eps=1e300), "eps")
    p.err("gradient_errors: 4 rows X, 3 labels", lambda: bp.gradient_errors(bp.MLP([3, 2]), X3, Y3[:3]), "y", "X")
    p.err("to_torch: a Linear layer", lambda: bp.to_torch(bp.Linear(2, 2)), "model")
    p.err("torch_gradients: label 5 >= 2 outputs", lambda: bp.torch_gradients(mlp(), X3, np.array([0, 1, 5, 0])), "y")
    p.err("torch_gradients: X (4, 2) for 3 inputs", lambda: bp.torch_gradients(mlp(), X3[:, :2], Y3), "X")
    p.ok("torch_gradients: float32 X, int32 y", lambda: bp.torch_gradients(mlp(), X3.astype(np.float32),
                                                                           Y3.astype(np.int32)))
    p.err("gradient_norms_by_depth: n_classes 1 with labels 0/1",
          lambda: bp.gradient_norms_by_depth(3, 4, "relu", X3, Y3, n_classes=1), "n_classes", "y")
    p.err("gradient_norms_by_depth: X 3 rows, y 4", lambda: bp.gradient_norms_by_depth(3, 4, "relu", X3[:3], Y3), "y", "X")
    p.err("gradient_norms_by_depth: depth 10**30", lambda: bp.gradient_norms_by_depth(10**30, 4, "relu", X3, Y3), "depth")
    p.err("gradient_norms_by_depth: width 10**6 (too large)", lambda: bp.gradient_norms_by_depth(3, 10**6, "relu", X3, Y3),
          "width")
    p.ok("gradient_norms_by_depth: numpy ints, one row", lambda: bp.gradient_norms_by_depth(np.int64(2), np.int32(3),
                                                                                            "tanh", X3[:1], Y3[:1]))
    return p.items


def _sgd_after_backward(bp: Any, model: Any, X: np.ndarray, y: np.ndarray, lr: Any) -> Any:
    model.loss_and_gradients(X, y)
    bp.sgd_step(model, lr)
    return model.parameters()


# -- data ----------------------------------------------------------------------------------------------
def data_probes() -> list[Probe]:
    from labkit import data as d

    p = Probes("data")
    p.err("load_digits_split: test_size 1e-9 leaves no test row", lambda: d.load_digits_split(test_size=1e-9),
          "test_size")
    p.err("load_digits_split: test_size 0.9999999 leaves no train row", lambda: d.load_digits_split(test_size=0.9999999),
          "test_size")
    p.err("load_digits_split: seed 10**30", lambda: d.load_digits_split(seed=10**30), "seed")
    p.ok("load_digits_split: numpy float32 test_size, numpy int seed",
         lambda: d.load_digits_split(test_size=np.float32(0.5), seed=np.int64(1)))
    p.ok("load_digits_split: numpy bool unit_interval", lambda: d.load_digits_split(unit_interval=np.bool_(False)))
    p.err("one_hot: n_classes 10**30", lambda: d.one_hot([0, 1], 10**30), "n_classes")
    p.err("one_hot: bool labels", lambda: d.one_hot(np.array([True, False]), 2), "y")
    p.err("one_hot: complex labels", lambda: d.one_hot(np.array([1j]), 2), "y")
    p.err("one_hot: labels a set", lambda: d.one_hot({0, 1}, 2), "y")
    p.err("one_hot: labels a string", lambda: d.one_hot("01", 2), "y")
    p.err("one_hot: labels float tensor", lambda: d.one_hot(torch.tensor([0.0, 1.0]), 2), "y")
    p.ok("one_hot: n_classes 1", lambda: d.one_hot([0, 0], 1))
    p.ok("one_hot: empty labels", lambda: d.one_hot(np.array([], dtype=int), 3))
    p.ok("one_hot: int32 labels, numpy n_classes", lambda: d.one_hot(np.array([0, 2], np.int32), np.int64(3)))
    p.ok("one_hot: a long torch tensor", lambda: d.one_hot(torch.tensor([0, 1]), 2))
    p.ok("one_hot: labels a tuple", lambda: d.one_hot((0, 1), 2))
    p.ok("one_hot: labels a generator", lambda: d.one_hot(gen([0, 1]), 2))
    return p.items


# -- graphs --------------------------------------------------------------------------------------------
def graphs_probes() -> list[Probe]:
    import networkx as nx

    from labkit import graphs as g

    p = Probes("graphs")
    G = lambda: g.Graph([[0, 1, 1, 2], [1, 0, 2, 1]], 3)  # noqa: E731
    X = lambda n=3, f=4: torch.rand(n, f, generator=torch.Generator().manual_seed(0))  # noqa: E731
    p.err("Graph: edge_index (E, 2) instead of (2, E)", lambda: g.Graph([[0, 1], [1, 2], [2, 0]], 3), "edge_index")
    p.err("Graph: node id == num_nodes (int32 tensor)", lambda: g.Graph(torch.tensor([[0], [3]], dtype=torch.int32), 3),
          "edge_index", "num_nodes")
    p.err("Graph: float tensor edge_index", lambda: g.Graph(torch.tensor([[0.0], [1.0]]), 2), "edge_index")
    p.err("Graph: bool edge_index", lambda: g.Graph(np.array([[True], [False]]), 2), "edge_index")
    p.err("Graph: ragged edge_index", lambda: g.Graph([[0, 1], [1]], 2), "edge_index")
    p.err("Graph: edge_weight of NaN", lambda: g.Graph([[0], [1]], 2, edge_weight=[float("nan")]), "edge_weight")
    p.err("Graph: edge_weight 2-D", lambda: g.Graph([[0], [1]], 2, edge_weight=[[1.0]]), "edge_weight")
    p.err("Graph: x with inf", lambda: g.Graph([[0], [1]], 2, x=torch.tensor([[1.0], [float("inf")]])), "x")
    p.err("Graph: num_nodes 10**30", lambda: g.Graph([[0], [1]], 10**30), "num_nodes")
    p.err("Graph: num_nodes a float", lambda: g.Graph([[0], [1]], 2.0), "num_nodes")
    p.ok("Graph: empty edge list (2, 0)", lambda: g.Graph(np.zeros((2, 0), dtype=int), 3).adjacency())
    p.ok("Graph: empty python lists [[], []]", lambda: g.Graph([[], []], 2).in_degrees())
    p.ok("Graph: int32 numpy ids, numpy int num_nodes", lambda: g.Graph(np.array([[0], [1]], np.int32), np.int64(2)))
    p.ok("Graph: edge_index a tuple of tuples", lambda: g.Graph(((0, 1), (1, 0)), 2))
    p.ok("Graph: numpy x float64", lambda: g.Graph([[0], [1]], 2, x=np.ones((2, 3))))
    p.ok("Graph: self loop", lambda: g.Graph([[0], [0]], 1).adjacency())
    p.err("Graph.permute: perm of wrong length", lambda: G().permute([0, 1]), "perm")
    p.err("Graph.permute: perm with id 3 for 3 nodes", lambda: G().permute([0, 1, 3]), "perm")
    p.err("Graph.permute: float perm", lambda: G().permute([0.0, 1.0, 2.0]), "perm")
    p.ok("Graph.permute: numpy int32 perm", lambda: G().permute(np.array([2, 0, 1], np.int32)))
    p.err("Graph.with_features: 2 rows for 3 nodes", lambda: G().with_features(X(2)), "x")
    p.err("Graph.with_features: complex x", lambda: G().with_features(torch.ones(3, 2, dtype=torch.complex64)), "x")
    p.ok("Graph.with_features: a single feature column, float64", lambda: G().with_features(torch.ones(3, 1,
                                                                                                dtype=torch.float64)))
    p.err("batch_graphs: a generator of non-graphs", lambda: g.batch_graphs(gen([1, 2])), "graphs")
    p.err("batch_graphs: features of different widths", lambda: g.batch_graphs([G().with_features(X(3, 2)),
                                                                               G().with_features(X(3, 4))]), "graphs")
    p.ok("batch_graphs: a tuple of one graph", lambda: g.batch_graphs((G(),)))
    p.ok("batch_graphs: a generator of graphs", lambda: g.batch_graphs(gen([G(), G()])))
    p.err("from_networkx: weight attribute missing", lambda: g.from_networkx(nx.path_graph(3), weight="w"), "weight")
    p.err("from_networkx: a weight that is not a number", lambda: g.from_networkx(nx.Graph([(0, 1, {"w": "2"})]),
                                                                                  weight="w"), "weight")
    p.err("from_networkx: x of 2 rows for 3 nodes", lambda: g.from_networkx(nx.path_graph(3), x=X(2)), "x")
    p.ok("from_networkx: string node names", lambda: g.from_networkx(nx.relabel_nodes(nx.path_graph(3),
                                                                                      {0: "a", 1: "b", 2: "c"})))
    p.ok("from_networkx: a directed graph", lambda: g.from_networkx(nx.DiGraph([(0, 1)])))
    p.ok("to_networkx: a graph with no edges", lambda: g.to_networkx(g.Graph([[], []], 2)))
    p.ok("to_pyg: a graph with no edges", lambda: g.to_pyg(g.Graph([[], []], 2)))
    p.err("from_pyg: a dict", lambda: g.from_pyg({"edge_index": torch.tensor([[0], [1]]), "num_nodes": 2}), "data")
    p.err("from_dgl: a networkx graph", lambda: g.from_dgl(nx.path_graph(2)), "dgl_graph")
    if g.has_dgl():  # DGL is the optional extra labkit[dgl]; tests/test_graphs.py checks its error where missing
        p.ok("to_dgl then from_dgl: a graph with no edges", lambda: g.from_dgl(g.to_dgl(g.Graph([[], []], 2))))
    p.err("to_dgl: a networkx graph", lambda: g.to_dgl(nx.path_graph(2)), "graph")
    p.ok("has_dgl: True or False, never an error", g.has_dgl)
    p.err("scatter: index node id == num_nodes", lambda: g.scatter(X(2, 3), torch.tensor([0, 2]), 2), "index")
    p.err("scatter: negative index", lambda: g.scatter(X(2, 3), torch.tensor([0, -1]), 2), "index")
    p.err("scatter: float index", lambda: g.scatter(X(2, 3), torch.tensor([0.0, 1.0]), 2), "index")
    p.err("scatter: src with NaN", lambda: g.scatter(torch.tensor([[float("nan")]]), torch.tensor([0]), 1), "src")
    p.err("scatter: index 2-D", lambda: g.scatter(X(2, 3), torch.tensor([[0, 1]]), 2), "index")
    p.ok("scatter: int32 index, float64 src", lambda: g.scatter(X(2, 3).double(), torch.tensor([0, 1], dtype=torch.int32), 2))
    p.ok("scatter: empty src and index", lambda: g.scatter(torch.zeros(0, 3), torch.zeros(0, dtype=torch.long), 2, "mean"))
    p.ok("scatter: numpy int num_nodes, max reduce", lambda: g.scatter(X(2, 3), torch.tensor([0, 0]), np.int64(3), "max"))
    p.err("propagate: x of 4 rows for 3 nodes", lambda: g.propagate(G(), X(4)), "x")
    p.err("propagate: x with inf", lambda: g.propagate(G(), torch.full((3, 2), float("inf"))), "x")
    p.ok("propagate: float16 x", lambda: g.propagate(G(), X().half()))
    p.ok("propagate: numpy x", lambda: g.propagate(G(), np.ones((3, 2))))
    p.ok("propagate: graph with no edges, mean", lambda: g.propagate(g.Graph([[], []], 3), X(), "mean"))
    p.ok("gcn_norm: a graph with no edges", lambda: g.gcn_norm(g.Graph([[], []], 3)), finite=False)
    p.ok("gcn_norm: a graph with an isolated node", lambda: g.gcn_norm(g.Graph([[0], [1]], 3)).weights(), finite=True)
    p.err("GCNLayer: in_features 10**30", lambda: g.GCNLayer(10**30, 2), "in_features")
    p.err("GCNLayer.forward: x with 5 features for 4", lambda: g.GCNLayer(4, 2)(G(), X(3, 5)), "x")
    p.err("GCNLayer.forward: graph a networkx graph", lambda: g.GCNLayer(4, 2)(nx.path_graph(3), X()), "graph")
    p.ok("GCNLayer.forward: float64 x to a float32 layer", lambda: g.GCNLayer(4, 2)(G(), X().double()))
    p.ok("GCNLayer.forward: a graph with no edges", lambda: g.GCNLayer(4, 2)(g.Graph([[], []], 3), X()), finite=True)
    p.ok("GCNLayer.forward: numpy x", lambda: g.GCNLayer(4, 2)(G(), np.ones((3, 4))))
    p.ok("GCNLayer.forward: float16 x to a float32 layer", lambda: g.GCNLayer(4, 2)(G(), X().half()), finite=True)
    p.ok("GCN.forward: float32 x to a float64 model", lambda: g.GCN([4, 2]).double()(G(), X()), finite=True)
    p.err("GCNLayer.forward: float64 x beyond float32's range", lambda: g.GCNLayer(4, 2)(
        G(), torch.full((3, 4), 1e300, dtype=torch.float64)), "x")
    p.err("GCNLayer: a 2**15 x 2**15 weight matrix", lambda: g.GCNLayer(2**15, 2**15), "in_features", "out_features")
    p.err("SAGELayer.forward: x of 2 rows for 3 nodes", lambda: g.SAGELayer(4, 2)(G(), X(2)), "x")
    p.ok("SAGELayer.forward: no edges, mean aggregator", lambda: g.SAGELayer(4, 2)(g.Graph([[], []], 3), X()), finite=True)
    p.ok("SAGELayer.forward: x with requires_grad", lambda: g.SAGELayer(4, 2)(G(), X().requires_grad_(True)))
    p.err("readout: batch with graph id >= num_graphs", lambda: g.readout(X(3), torch.tensor([0, 1, 2]), num_graphs=2),
          "batch", "num_graphs")
    p.err("readout: negative batch id", lambda: g.readout(X(3), torch.tensor([0, -1, 0])), "batch")
    p.err("readout: float batch", lambda: g.readout(X(3), torch.tensor([0.0, 0.0, 1.0])), "batch")
    p.ok("readout: an empty graph in the batch (num_graphs 3, ids 0 and 2)",
         lambda: g.readout(X(3), torch.tensor([0, 0, 2]), num_graphs=3), finite=True)
    p.ok("readout: int32 batch", lambda: g.readout(X(3), torch.tensor([0, 0, 1], dtype=torch.int32)))
    p.err("GCN: sizes a set", lambda: g.GCN({4, 2}), "sizes")
    p.err("GCN.forward: x with 3 features for sizes[0] 4", lambda: g.GCN([4, 2])(G(), X(3, 3)), "x")
    p.err("GCN.layer_outputs: x rows != nodes", lambda: g.GCN([4, 2]).layer_outputs(G(), X(5)), "x")
    p.ok("GCN: sizes a tuple of numpy ints", lambda: g.GCN((np.int64(4), np.int32(2)))(G(), X()))
    p.err("GraphClassifier: n_classes 1", lambda: g.GraphClassifier(4, 8, 1), "n_classes")
    p.err("GraphClassifier: hidden 10**30", lambda: g.GraphClassifier(4, 10**30, 2), "hidden")
    p.err("GraphClassifier.forward: batch of 2 ids for 3 nodes", lambda: g.GraphClassifier(4, 8, 2)(G(), X(),
                                                                                                   torch.tensor([0, 0])),
          "batch")
    p.err("GraphClassifier.forward: x features 5 for in_features 4",
          lambda: g.GraphClassifier(4, 8, 2)(G(), X(3, 5), torch.tensor([0, 0, 0])), "x")
    p.ok("GraphClassifier.forward: n_layers 0?", lambda: g.GraphClassifier(4, 8, 2, n_layers=1)(
        G(), X(), torch.tensor([0, 0, 0])))

    def train(y: Any, nodes: Any, **kw: Any) -> Any:
        w = torch.zeros(4, 2, requires_grad=True)
        xs = X()
        return g.train_node_classifier(lambda: xs @ w, [w], y, nodes, epochs=kw.pop("epochs", 2), **kw)

    p.err("train_node_classifier: label 2 >= 2 logits", lambda: train(torch.tensor([0, 1, 2]), torch.tensor([0, 2])), "y")
    p.err("train_node_classifier: train node id 3 of 3", lambda: train(torch.tensor([0, 1, 1]), torch.tensor([0, 3])),
          "train_nodes")
    p.err("train_node_classifier: y of 2 rows for 3 logits", lambda: train(torch.tensor([0, 1]), torch.tensor([0])), "y")
    p.err("train_node_classifier: empty train_nodes", lambda: train(torch.tensor([0, 1, 1]),
                                                                    torch.zeros(0, dtype=torch.long)), "train_nodes")
    p.err("train_node_classifier: forward returns 1-D", lambda: g.train_node_classifier(
        lambda: torch.zeros(3, requires_grad=True), [torch.zeros(1, requires_grad=True)], torch.tensor([0, 1, 1]),
        torch.tensor([0]), epochs=1), "forward")
    p.err("train_node_classifier: parameters a generator of non-tensors", lambda: g.train_node_classifier(
        lambda: X(3, 2), gen([1.0]), torch.tensor([0, 1, 1]), torch.tensor([0]), epochs=1), "parameters")
    p.ok("train_node_classifier: parameters a generator (model.parameters())", lambda: _node_classifier_with_module(g, X))
    p.ok("train_node_classifier: numpy int64 y and train_nodes", lambda: train(np.array([0, 1, 1]), np.array([0, 1])))
    p.err("train_node_classifier: epochs 10**30", lambda: train(torch.tensor([0, 1, 1]), torch.tensor([0]),
                                                                epochs=10**30), "epochs")
    p.err("split_edges: test_fraction hides every edge", lambda: g.split_edges(G(), 0.99), "test_fraction")
    p.err("split_edges: seed 2**32", lambda: g.split_edges(G(), 0.5, seed=2**32), "seed")
    p.err("split_edges: test_fraction leaves no test edge", lambda: g.split_edges(G(), 1e-9), "test_fraction", "graph")
    p.err("split_edges: a graph with no edges", lambda: g.split_edges(g.Graph([[], []], 3)), "graph")
    p.ok("split_edges: numpy float32 fraction", lambda: g.split_edges(g.Graph([[0, 1, 2, 3], [1, 2, 3, 0]], 4),
                                                                      np.float32(0.5)))
    p.err("negative_edges: as many samples as free ordered pairs", lambda: g.negative_edges(g.Graph([[0], [1]], 3), 4),
          "n_samples")
    p.err("negative_edges: n_samples 10**30", lambda: g.negative_edges(G(), 10**30), "n_samples")
    p.err("negative_edges: a graph with one node", lambda: g.negative_edges(g.Graph([[], []], 1), 1), "n_samples",
          "graph")
    p.ok("negative_edges: a graph with no edges, numpy int", lambda: g.negative_edges(g.Graph([[], []], 3), np.int64(2)))
    p.err("edge_scores: pair node id >= rows of h", lambda: g.edge_scores(X(3), torch.tensor([[0], [3]])), "pairs")
    p.err("edge_scores: negative pair id", lambda: g.edge_scores(X(3), torch.tensor([[0], [-1]])), "pairs")
    p.err("edge_scores: h with NaN", lambda: g.edge_scores(torch.full((2, 2), float("nan")), torch.tensor([[0], [1]])),
          "h")
    p.ok("edge_scores: int32 pairs", lambda: g.edge_scores(X(3), torch.tensor([[0], [1]], dtype=torch.int32)))
    p.ok("edge_scores: numpy pairs", lambda: g.edge_scores(X(3), np.array([[0], [1]])))
    p.ok("edge_scores: no pairs (2, 0)", lambda: g.edge_scores(X(3), torch.zeros(2, 0, dtype=torch.long)))
    p.err("roc_auc: NaN score", lambda: g.roc_auc([float("nan")], [0.5]), "positive")
    p.err("roc_auc: a dict", lambda: g.roc_auc({"a": 1.0}, [0.5]), "positive")
    p.err("roc_auc: 2-D scores", lambda: g.roc_auc([[0.5, 0.2]], [0.1]), "positive")
    p.ok("roc_auc: tensors with grad", lambda: g.roc_auc(grad_tensor(3), grad_tensor(2)))
    p.ok("roc_auc: generators", lambda: g.roc_auc(gen([0.9, 0.8]), gen([0.1])))
    p.err("mean_cosine_similarity: h with inf", lambda: g.mean_cosine_similarity(torch.full((2, 2), float("inf"))), "h")
    p.ok("mean_cosine_similarity: zero rows (norm 0)", lambda: g.mean_cosine_similarity(torch.zeros(3, 2)), finite=True)
    p.ok("mean_cosine_similarity: numpy h", lambda: g.mean_cosine_similarity(np.ones((3, 2))))
    p.err("benchmark_gcn_layer: num_edges 10**30", lambda: g.benchmark_gcn_layer(10**30, "labkit"), "num_edges")
    p.err("benchmark_gcn_layer: methods a set", lambda: g.benchmark_gcn_layer(10, {"labkit"}), "methods")
    p.err("benchmark_gcn_layer: n_features 10**30", lambda: g.benchmark_gcn_layer(10, "labkit", n_features=10**30),
          "n_features")
    p.err("benchmark_gcn_layer: more threads than CPUs", lambda: g.benchmark_gcn_layer(
        10, "labkit", threads=(os.cpu_count() or 1) + 1), "threads")
    p.err("benchmark_gcn_layer: repeats 10**30", lambda: g.benchmark_gcn_layer(10, "labkit", repeats=10**30), "repeats")
    p.ok("benchmark_gcn_layer: methods a tuple, numpy ints", lambda: g.benchmark_gcn_layer(
        np.int64(10), ("labkit",), n_features=np.int32(2), repeats=1))
    p.err("load_karate_club: labeled_per_class 10**30", lambda: g.load_karate_club(10**30), "labeled_per_class")
    p.ok("load_karate_club: numpy ints", lambda: g.load_karate_club(np.int64(2), seed=np.int32(3)))
    p.err("make_graph_classification: n_types 0", lambda: g.make_graph_classification(2, n_types=0), "n_types")
    p.err("make_graph_classification: n_per_class 10**30", lambda: g.make_graph_classification(10**30), "n_per_class")
    p.ok("make_graph_classification: one graph per class, numpy ints",
         lambda: g.make_graph_classification(np.int64(1), seed=np.int32(0)))
    return p.items


def _node_classifier_with_module(g: Any, X: Callable[..., torch.Tensor]) -> Any:
    lin = torch.nn.Linear(4, 2)
    xs = X()
    return g.train_node_classifier(lambda: lin(xs), lin.parameters(), torch.tensor([0, 1, 1]), torch.tensor([0, 1]),
                                   epochs=2)


# -- hardware ------------------------------------------------------------------------------------------
def _run_record() -> dict[str, Any]:
    """A small valid sweep record in its JSON layout (built by hand: a real sweep takes seconds)."""
    from labkit.hardware import SCHEMA, environment

    rows = [dict(device="cpu", kind=kind, size=n, dtype="float32", flops=flops * n, bytes=bts * n, median_s=1e-3 * n,
                 q1_s=1e-3 * n, q3_s=1e-3 * n, min_s=1e-3 * n, max_s=1e-3 * n, repeats=1, number=1, threads=1,
                 thread_scaling=False, shape={"n": n}, intensity=flops / bts)
            for kind, flops, bts in (("matmul", 2000, 12), ("elementwise", 1, 12)) for n in (4, 8)]
    return {"schema": SCHEMA, "profile": "tiny", "environment": environment(["cpu"]), "results": rows}


def _without(record: dict[str, Any], *path: Any) -> dict[str, Any]:
    """``record`` (deep-copied) with the key at ``path`` removed."""
    out = json.loads(json.dumps(record))
    node = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


def _with(record: dict[str, Any], value: Any, *path: Any) -> dict[str, Any]:
    """``record`` (deep-copied) with the value at ``path`` replaced."""
    out = json.loads(json.dumps(record))
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def hardware_probes() -> list[Probe]:
    from labkit import hardware as hw
    from labkit import timing as tm
    from labkit.hardware import Workload

    p = Probes("hardware")
    tmp = Path(tempfile.mkdtemp(prefix="labkit-probe-"))
    R = _run_record

    def run() -> Any:
        return hw.Run.from_dict(R())

    p.err("synchronizer: 'cuda:7'", lambda: hw.synchronizer("cuda:7"), "device")
    p.err("synchronizer: empty string", lambda: hw.synchronizer(""), "device")
    p.err("synchronizer: None", lambda: hw.synchronizer(None), "device")
    # Decided: one device name alone is a list of one device, not the letters c, p, u.
    p.ok("environment: devices a string 'cpu'", lambda: hw.environment("cpu"))
    p.err("environment: 'tpu' in devices", lambda: hw.environment(["cpu", "tpu"]), "devices", "device")
    p.err("environment: empty devices", lambda: hw.environment([]), "devices")
    p.ok("environment: a tuple of devices", lambda: hw.environment(("cpu",)))
    p.err("Workload: kind unknown", lambda: Workload("fft", 4, "float32", 1, 1), "kind")
    p.err("Workload: negative flops", lambda: Workload("matmul", 4, "float32", -1, 1), "flops")
    p.err("Workload: size a string", lambda: Workload("matmul", "4", "float32", 1, 1), "size")
    p.err("Workload.matmul: n 10**30", lambda: Workload.matmul(10**30), "n")
    p.err("Workload.matmul: n 10**5 (a 40 GB matrix)", lambda: Workload.matmul(10**5).runner("cpu"), "n")
    p.err("Workload.elementwise: dtype 'float'", lambda: Workload.elementwise(8, "float"), "dtype")
    p.err("Workload.conv2d: kernel larger than height", lambda: Workload.conv2d(1, 2, 3, kernel=5), "kernel", "height")
    p.err("Workload.mlp_step: sizes a set", lambda: Workload.mlp_step(2, {4, 2}), "sizes")
    p.ok("Workload.mlp_step: sizes a tuple of numpy ints", lambda: Workload.mlp_step(np.int64(2), (np.int32(4),
                                                                                                  np.int64(2))))
    p.err("Workload.copy: n_bytes 10**30", lambda: Workload.copy(10**30), "n_bytes")
    p.err("Workload.runner: device 'cuda:7'", lambda: Workload.matmul(4).runner("cuda:7"), "device")
    p.err("Workload.runner: seed -1", lambda: Workload.matmul(4).runner("cpu", seed=-1), "seed")
    p.ok("Workload.runner: numpy int seed", lambda: Workload.matmul(4).runner("cpu", seed=np.int64(1))())
    p.ok("Workload.as_dict: a plain workload", lambda: Workload.conv2d(1, 2, 4).as_dict())
    p.err("roofline_bound: intensity with NaN", lambda: hw.roofline_bound([float("nan")], 1.0, 1.0), "intensity")
    # Finite inputs whose product overflows: inf is the IEEE answer, and min(peak, inf) is the peak.
    p.ieee("roofline_bound: peak_flops 1e308 * intensity 1e308 overflow?", lambda: hw.roofline_bound([1e308], 1e308,
                                                                                                      1e308))
    p.err("roofline_bound: complex intensity", lambda: hw.roofline_bound([1j], 1.0, 1.0), "intensity")
    p.ok("roofline_bound: 0-d intensity, numpy scalars", lambda: hw.roofline_bound(np.array(2.0), np.float32(1.0),
                                                                                   np.int64(2)))
    p.ok("roofline_bound: intensity 0", lambda: hw.roofline_bound([0.0], 1.0, 1.0))
    p.err("ridge_point: bandwidth 0", lambda: hw.ridge_point(1.0, 0.0), "bandwidth")
    # Finite inputs whose quotient overflows float64: inf is the IEEE answer (every intensity memory-bound).
    p.ieee("ridge_point: 1e308 / 1e-308 overflows", lambda: hw.ridge_point(1e308, 1e-308))
    p.err("Run.from_dict: rows missing 'median_s'", lambda: hw.Run.from_dict(_without(R(), "results", 0, "median_s")),
          "data")
    p.err("Run.from_dict: a row without 'device'", lambda: hw.Run.from_dict(_without(R(), "results", 0, "device")),
          "data")
    p.err("Run.from_dict: median_s a string", lambda: hw.Run.from_dict(_with(R(), "fast", "results", 0, "median_s")),
          "data", "median_s")
    p.err("Run.from_dict: median_s 0 (infinite FLOP/s)", lambda: hw.Run.from_dict(_with(
        _with(_with(R(), 0.0, "results", 0, "median_s"), 0.0, "results", 0, "q1_s"), 0.0, "results", 0, "min_s")),
          "data", "median_s")
    p.err("measured_peaks: no elementwise row", lambda: hw.measured_peaks(hw.Run.from_dict(
        {**R(), "results": [r for r in R()["results"] if r["kind"] == "matmul"]}), "cpu"), "run")
    p.err("measured_peaks: a dict, not a Run", lambda: hw.measured_peaks(R(), "cpu"), "run")
    p.err("measured_peaks: device None", lambda: hw.measured_peaks(run(), None), "device")
    p.ok("measured_peaks: a valid record", lambda: hw.measured_peaks(run(), "cpu"))
    p.err("spec_roofline: name ''", lambda: hw.spec_roofline("", "float32"), "name")
    p.err("spec_roofline: name None", lambda: hw.spec_roofline(None, "float32"), "name")
    p.err("spec_roofline: dtype 3", lambda: hw.spec_roofline("NVIDIA H100 SXM5 80GB", 3), "dtype")
    p.err("offload_time: link_bandwidth NaN", lambda: hw.offload_time(Workload.matmul(2), 1.0, 1.0,
                                                                      link_bandwidth=float("nan")), "link_bandwidth")
    p.err("offload_time: workload a dict", lambda: hw.offload_time(Workload.matmul(2).as_dict(), 1.0, 1.0), "workload")
    p.ok("offload_time: zero launch cost, numpy floats", lambda: hw.offload_time(Workload.matmul(2), np.float32(1e9),
                                                                                 np.float64(1e9), launch_s=0.0))
    p.err("crossover: sizes and times of different lengths", lambda: hw.crossover([1, 2, 3], [1.0, 0.5], [2.0, 2.0]),
          "sizes", "candidate_s", "reference_s")
    p.err("crossover: NaN in reference_s", lambda: hw.crossover([1, 2], [1.0, 1.0], [2.0, float("nan")]), "reference_s")
    p.err("crossover: negative times", lambda: hw.crossover([1, 2], [-1.0, 1.0], [2.0, 2.0]), "candidate_s")
    p.err("crossover: float sizes", lambda: hw.crossover([1.5, 2.5], [1.0, 1.0], [2.0, 2.0]), "sizes")
    p.ok("crossover: numpy arrays and int32 sizes", lambda: hw.crossover(np.array([1, 2], np.int32), np.array([3.0, 1.0]),
                                                                         np.array([2.0, 2.0])))
    p.ok("crossover: generators", lambda: hw.crossover(gen([1, 2]), gen([3.0, 1.0]), gen([2.0, 2.0])))
    p.err("plan: device 'cuda:7'", lambda: hw.plan("cuda:7", "tiny"), "device")
    p.err("plan: device 'tpu'", lambda: hw.plan("tpu", "tiny"), "device")
    p.err("plan: profile None", lambda: hw.plan("cpu", None), "profile")
    p.err("measure: device 'cuda:7'", lambda: hw.measure(Workload.matmul(2), "cuda:7", repeats=1), "device")
    p.err("measure: threads 10**6", lambda: hw.measure(Workload.matmul(2), "cpu", repeats=1, threads=10**6), "threads")
    p.err("measure: a copy workload on cpu", lambda: hw.measure(Workload.copy(8), "cpu", repeats=1), "workload", "device")
    p.ok("measure: numpy int repeats and threads", lambda: hw.measure(Workload.matmul(2), "cpu", repeats=np.int64(1),
                                                                      threads=np.int32(1)))
    p.err("thread_scaling: empty workloads", lambda: hw.thread_scaling([], repeats=1), "workloads")
    p.err("thread_scaling: a generator of strings", lambda: hw.thread_scaling(gen(["matmul"]), repeats=1), "workloads")
    # Decided: one device name alone is a list of one device, as in environment.
    p.ok("run_sweep: devices a string 'cpu'", lambda: hw.run_sweep("cpu", "tiny", repeats=1,
                                                                   workloads=[Workload.matmul(2)]))
    p.err("run_sweep: device 'cuda:7'", lambda: hw.run_sweep(["cuda:7"], "tiny", repeats=1), "devices", "device")
    p.err("run_sweep: log not callable", lambda: hw.run_sweep(["cpu"], "tiny", repeats=1, log="stderr",
                                                              workloads=[Workload.matmul(2)]), "log")
    p.err("run_sweep: profile 'Tiny'", lambda: hw.run_sweep(["cpu"], "Tiny", repeats=1), "profile")
    p.ok("run_sweep: workloads a tuple of one matmul", lambda: hw.run_sweep(("cpu",), "tiny", repeats=1,
                                                                            workloads=(Workload.matmul(2),)))
    p.err("save_results: path in a missing directory", lambda: hw.save_results(run(), tmp / "no" / "such" / "r.json"),
          "path")
    p.err("save_results: path a directory", lambda: hw.save_results(run(), tmp), "path")
    p.err("save_results: a dict, not a Run", lambda: hw.save_results(R(), tmp / "dict.json"), "run")
    p.err("save_results: environment holding a set", lambda: hw.save_results(
        hw.Run("tiny", {**R()["environment"], "extra": {1, 2}}, []), tmp / "set.json"), "run")
    p.err("Run.from_dict: record missing 'environment'", lambda: hw.Run.from_dict(_without(R(), "environment")),
          "data", "environment")
    p.ok("save_results: a pathlib path", lambda: hw.save_results(run(), tmp / "ok.json"))
    p.err("load_results: a directory", lambda: hw.load_results(tmp), "path")
    p.err("load_results: a file that is not JSON", lambda: hw.load_results(_write(tmp / "bad.json", "{not json")),
          "path")
    p.err("load_results: JSON of a list", lambda: hw.load_results(_write(tmp / "list.json", "[1, 2]")), "path", "run")
    p.err("load_results: JSON missing 'results'", lambda: hw.load_results(_write(
        tmp / "nores.json", json.dumps(_without(R(), "results")))), "path", "run")
    p.err("Run.from_dict: results rows a dict", lambda: hw.Run.from_dict(_with(R(), {"0": {}}, "results")), "data")
    p.err("Run.from_dict: a row that is a list", lambda: hw.Run.from_dict(_with(R(), [[1, 2]], "results")), "data")
    p.err("Run.from_dict: size a bool", lambda: hw.Run.from_dict(_with(R(), True, "results", 0, "size")), "data",
          "size")
    p.err("Run.from_dict: median_s NaN", lambda: hw.Run.from_dict(_with(R(), float("nan"), "results", 0, "median_s")),
          "data", "median_s")
    p.err("Run.from_dict: median_s negative", lambda: hw.Run.from_dict(_with(R(), -1.0, "results", 0, "median_s")),
          "data", "median_s")
    p.err("Run.from_dict: environment devices a list", lambda: hw.Run.from_dict(_with(R(), ["cpu"], "environment",
                                                                                      "devices")), "data", "environment")
    p.ok("Run.from_dict: a valid record", lambda: hw.Run.from_dict(R()))
    p.err("Result: median_s 0 (infinite FLOP/s)", lambda: hw.Result("cpu", Workload.matmul(2), tm.Timing(
        0.0, 0.0, 0.0, 0.0, 0.0, 1, 1), threads=1), "timing", "median_s")
    p.err("Result: threads a float", lambda: hw.Result("cpu", Workload.matmul(2), tm.Timing(
        1.0, 1.0, 1.0, 1.0, 1.0, 1, 1), threads=1.5), "threads")
    p.err("Run: a result on a device the environment lacks", lambda: hw.Run("tiny", R()["environment"], [
        hw.Result("cuda", Workload.matmul(2), tm.Timing(1.0, 1.0, 1.0, 1.0, 1.0, 1, 1), threads=1)]), "results")
    p.err("curve: a dict, not a Run", lambda: hw.curve(R(), "cpu", "matmul"), "run")
    p.err("curve: kind 'fft'", lambda: hw.curve(run(), "cpu", "fft"), "kind")
    p.err("curve: device 'cuda:7'", lambda: hw.curve(run(), "cuda:7", "matmul"), "device")
    p.ok("curve: a kind with no row gives empty arrays", lambda: hw.curve(run(), "cpu", "conv2d"))
    p.err("recorded_gpu_run: a directory that does not exist", lambda: hw.recorded_gpu_run(tmp / "missing"),
          "directory")
    p.err("recorded_gpu_run: a directory with a broken record", lambda: hw.recorded_gpu_run(_broken_dir(tmp)),
          "directory", "path", "run")
    p.ok("recorded_gpu_run: an empty directory", lambda: hw.recorded_gpu_run(_empty_dir(tmp)))
    p.err("gpu_roofline: a directory that does not exist", lambda: hw.gpu_roofline("float32", tmp / "missing"),
          "directory")
    p.err("gpu_roofline: dtype None", lambda: hw.gpu_roofline(None), "dtype")
    p.err("Run.from_dict: environment missing 'torch'", lambda: hw.Run.from_dict(_without(R(), "environment", "torch")),
          "data", "environment")
    p.err("Run.from_dict: device info missing 'threads'",
          lambda: hw.Run.from_dict(_without(R(), "environment", "devices", "cpu", "threads")), "data", "environment")
    p.err("provenance: a dict, not a Run", lambda: hw.provenance(R(), "cpu"), "run")
    p.err("provenance: device 'cuda:7'", lambda: hw.provenance(run(), "cuda:7"), "device")
    p.ok("provenance: a valid record", lambda: hw.provenance(run(), "cpu"))
    p.err("main: argv a string", lambda: hw.main("--output x.json"), "argv")
    # A command line refuses a bad option through argparse: exit status 2, the option named on stderr.
    p.cli("main: --profile huge", lambda: hw.main(["--output", str(tmp / "m.json"), "--profile", "huge"]), "--profile")
    p.err("main: --repeats 0", lambda: hw.main(["--output", str(tmp / "m.json"), "--repeats", "0", "--profile",
                                                "tiny"]), "repeats", "--repeats")
    return p.items


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _broken_dir(tmp: Path) -> Path:
    d = tmp / "broken"
    d.mkdir(exist_ok=True)
    _write(d / "run.json", "{not json")
    return d


def _empty_dir(tmp: Path) -> Path:
    d = tmp / "empty"
    d.mkdir(exist_ok=True)
    return d


# -- timing --------------------------------------------------------------------------------------------
def timing_probes() -> list[Probe]:
    from labkit import timing as tm

    p = Probes("timing")
    p.err("time_call: fn needs an argument", lambda: tm.time_call(lambda x: x, repeats=1, warmup=0), "fn")
    p.err("time_call: repeats 10**30", lambda: tm.time_call(lambda: None, repeats=10**30), "repeats")
    p.err("time_call: min_time 1e308", lambda: tm.time_call(lambda: None, repeats=1, warmup=0, min_time=1e308),
          "min_time")
    p.err("time_call: clock returns a string", lambda: tm.time_call(lambda: None, repeats=1, clock=lambda: "t"), "clock")
    p.err("time_call: clock goes backwards (negative times)",
          lambda: tm.time_call(lambda: None, repeats=1, warmup=0, clock=gen(range(0, -100, -1)).__next__), "clock")
    p.ok("time_call: numpy ints and float", lambda: tm.time_call(lambda: None, repeats=np.int64(2), warmup=np.int32(0),
                                                                 min_time=np.float32(1e-4)))
    p.err("Timing: negative median", lambda: tm.Timing(-1.0, 0.0, 0.0, 0.0, 0.0, 1, 1), "median_s")
    p.err("Timing: q1 > q3", lambda: tm.Timing(1.0, 2.0, 0.5, 0.0, 3.0, 1, 1), "q1_s", "q3_s")
    p.err("Timing: repeats a float", lambda: tm.Timing(1.0, 1.0, 1.0, 1.0, 1.0, 1.5, 1), "repeats")
    p.ok("Timing.as_dict: numpy floats", lambda: tm.Timing(np.float64(1.0), 1.0, 1.0, 1.0, 1.0, 1, 1).as_dict())
    return p.items


# -- i18n ----------------------------------------------------------------------------------------------
def i18n_probes() -> list[Probe]:
    from labkit import i18n

    p = Probes("i18n")
    p.err("Message: lang 'de'", lambda: i18n.Message("loss", "de"), "lang")
    p.err("Message: lang ''", lambda: i18n.Message("loss", ""), "lang")
    p.err("Message: lang None", lambda: i18n.Message("loss", None), "lang")
    p.err("Message: msgid bytes", lambda: i18n.Message(b"loss", "fr"), "msgid")
    p.ok("Message: empty msgid", lambda: i18n.Message("", "fr"))
    p.ok("Message: a Message as msgid", lambda: i18n.Message(i18n.Message("loss", "en"), "fr"))
    p.err("Message.format: a field the pattern names is missing", lambda: i18n.Message("{n} rows", "fr").format(),
          "n", "fields", "pattern")
    p.err("Message.format: positional field missing", lambda: i18n.Message("{0} rows", "fr").format(), "0", "fields",
          "args", "pattern")
    p.ok("Message.format: numpy float32 number", lambda: i18n.Message("{x:.2f}", "fr").format(x=np.float32(0.5)))
    p.ok("Message.format: a 0-d tensor", lambda: i18n.Message("{x:.1f}", "fr").format(x=torch.tensor(1.5)))
    p.ok("Message.format: numpy int64 with thousands", lambda: i18n.Message("{n:,}", "fr").format(n=np.int64(12345)))
    p.ok("Message.format: -0.0", lambda: i18n.Message("{x}", "fr").format(x=-0.0))
    p.err("_: message None", lambda: i18n._(None), "message")
    p.err("_: message bytes", lambda: i18n._(b"loss"), "message")
    p.ok("_: LABKIT_LANG fr", with_env("LABKIT_LANG", "fr", lambda: i18n._("loss")))
    p.err("_: LABKIT_LANG de", with_env("LABKIT_LANG", "de", lambda: i18n._("loss")), "LABKIT_LANG")
    p.err("catalog: lang 'de'", lambda: i18n.catalog("de"), "lang")
    p.err("catalog: lang ''", lambda: i18n.catalog(""), "lang")
    p.err("catalog: lang a list", lambda: i18n.catalog(["fr"]), "lang")
    p.err("catalog: lang '../fr' (a path)", lambda: i18n.catalog("../fr"), "lang")
    p.ok("catalog: English is empty", lambda: i18n.catalog("en"))
    p.err("language: LABKIT_LANG 'de'", with_env("LABKIT_LANG", "de", i18n.language), "LABKIT_LANG")
    p.ok("language: LABKIT_LANG '  fr  '", with_env("LABKIT_LANG", "  fr  ", i18n.language))
    p.ok("language: LANG 'de_DE.UTF-8' falls back to English", with_env("LABKIT_LANG", None,
                                                                       with_env("LANG", "de_DE.UTF-8", i18n.language)))
    p.err("localize_number: lang 'de'", lambda: i18n.localize_number("1.5", "de"), "lang")
    p.err("localize_number: text a float", lambda: i18n.localize_number(1.5, "fr"), "text")
    p.err("localize_number: text None", lambda: i18n.localize_number(None, "fr"), "text")
    p.ok("localize_number: empty text", lambda: i18n.localize_number("", "fr"))
    p.ok("localize_number: '-0.0'", lambda: i18n.localize_number("-0.0", "fr"))
    p.err("render: lang ''", lambda: i18n.render("x", {}, [], ""), "lang")
    p.err("render: fields a list", lambda: i18n.render("{0}", ["1"], ["0"], "fr"), "fields")
    p.err("render: field value an int", lambda: i18n.render("{0}", {"0": 12}, ["0"], "fr"), "fields")
    p.err("render: pattern None", lambda: i18n.render(None, {}, [], "fr"), "pattern")
    p.err("render: pattern with an unclosed brace", lambda: i18n.render("{0", {"0": "1"}, [], "fr"), "pattern")
    p.err("render: numbers a string", lambda: i18n.render("{0}", {"0": "1.5"}, "0", "fr"), "numbers")
    p.ok("render: numbers a tuple", lambda: i18n.render("{0}", {"0": "1.5"}, ("0",), "fr"))
    p.ok("render: no field", lambda: i18n.render("plain", {}, [], "fr"))
    return p.items


# -- multi: multi-task, multi-modal and multi-view learning, and their data --------------------------------
def multi_probes() -> list[Probe]:
    return _multi_data_probes() + _multimodal_probes() + _multitask_probes() + _multiview_probes()


def _multi_data_probes() -> list[Probe]:
    from labkit import multi as d

    p = Probes("multi")
    p.err("make_multitask_data: n_samples 10**30", lambda: d.make_multitask_data(10**30), "n_samples")
    p.err("make_multitask_data: noise_std a dict", lambda: d.make_multitask_data(5, noise_std={"a": 0.1}), "noise_std")
    p.err("make_multitask_data: noise_std list with NaN", lambda: d.make_multitask_data(5, noise_std=[0.1, float("nan")]), "noise_std")
    p.err("make_multitask_data: n_latent > n_features", lambda: d.make_multitask_data(5, n_features=2, n_latent=5),
          "n_latent", "n_features")
    p.err("make_multitask_data: noise_std 1e308", lambda: d.make_multitask_data(5, noise_std=1e308), "noise_std")
    p.ok("make_multitask_data: zero noise", lambda: d.make_multitask_data(5, noise_std=0.0))
    p.ok("make_multitask_data: noise_std a tuple of numpy floats", lambda: d.make_multitask_data(
        5, n_tasks=2, noise_std=(np.float32(0.1), np.float64(0.2))))
    p.ok("make_multitask_data: a single sample, a single task", lambda: d.make_multitask_data(1, n_tasks=1))
    p.err("make_multimodal_digits: signal_length 10**30", lambda: d.make_multimodal_digits(signal_length=10**30),
          "signal_length")
    p.err("make_multimodal_digits: image_noise_std 1e308", lambda: d.make_multimodal_digits(image_noise_std=1e308),
          "image_noise_std")
    p.ok("make_multimodal_digits: zero noise", lambda: d.make_multimodal_digits(0.0, 0.0))
    p.err("digit_views: complex X", lambda: d.digit_views(np.ones((2, 64)) * 1j), "X")
    p.err("digit_views: X 3-D (2, 8, 8)", lambda: d.digit_views(np.ones((2, 8, 8))), "X")
    p.ok("digit_views: a single row, int X", lambda: d.digit_views(np.ones((1, 64), dtype=int)))
    p.ok("digit_views: torch X", lambda: d.digit_views(torch.ones(2, 64)))
    p.err("make_planted_views: correlations negative", lambda: d.make_planted_views(10, [-0.5]), "correlations")
    p.err("make_planted_views: dims with 0", lambda: d.make_planted_views(10, [0.5], dims=(0, 5)), "dims")
    p.err("make_planted_views: correlations a set", lambda: d.make_planted_views(10, {0.5}), "correlations")
    p.err("make_planted_views: n_samples 10**30", lambda: d.make_planted_views(10**30, [0.5]), "n_samples")
    p.ok("make_planted_views: correlations a numpy array", lambda: d.make_planted_views(10, np.array([0.5, 0.2])))
    p.ok("make_planted_views: correlations a generator", lambda: d.make_planted_views(10, gen([0.5])))
    return p.items


def _multimodal_probes() -> list[Probe]:
    from labkit import multi as mm

    p = Probes("multi")
    IMG, SIG, Y = rand(6, 4), rand(6, 3, seed=1), np.array([0, 1, 0, 1, 0, 1])
    net = lambda fusion="early": mm.FusionNet(4, 3, 2, fusion=fusion, hidden=4)  # noqa: E731
    train = lambda **kw: mm.train_fusion(kw.pop("model", net()), kw.pop("image", IMG), kw.pop("signal", SIG),  # noqa
                                         kw.pop("y", Y), epochs=kw.pop("epochs", 1), batch_size=4, **kw)
    p.err("FusionNet: image_dim 10**30", lambda: mm.FusionNet(10**30, 3, 2), "image_dim")
    p.err("FusionNet: hidden 10**6 with image_dim 10**6 (too large)", lambda: mm.FusionNet(10**6, 3, 2, hidden=10**6),
          "image_dim", "hidden")
    p.err("FusionNet: fusion None", lambda: mm.FusionNet(4, 3, 2, fusion=None), "fusion")
    p.ok("FusionNet: numpy ints", lambda: mm.FusionNet(np.int64(4), np.int32(3), np.int64(2)))
    p.err("FusionNet.forward: image with 5 features for 4", lambda: net()(torch.ones(2, 5), torch.ones(2, 3)), "image")
    p.err("FusionNet.forward: 2 images, 3 signals", lambda: net()(torch.ones(2, 4), torch.ones(3, 3)), "signal", "image")
    p.err("FusionNet.forward: signal with NaN", lambda: net()(torch.ones(2, 4), torch.full((2, 3), float("nan"))),
          "signal")
    p.err("FusionNet.forward: late fusion, signal 2 features", lambda: net("late")(torch.ones(2, 4), torch.ones(2, 2)),
          "signal")
    p.ok("FusionNet.forward: float64 tensors", lambda: net()(torch.ones(2, 4, dtype=torch.float64),
                                                             torch.ones(2, 3, dtype=torch.float64)))
    p.ok("FusionNet.forward: numpy arrays", lambda: net()(np.ones((2, 4)), np.ones((2, 3))))
    p.err("FusionNet.forward: float64 signal beyond float32's range",
          lambda: net()(torch.ones(2, 4), torch.full((2, 3), 1e300, dtype=torch.float64)), "signal")
    p.ok("FusionNet.forward: a single sample, late fusion", lambda: net("late")(torch.ones(1, 4), torch.ones(1, 3)))
    p.err("train_fusion: label 2 for 2 classes", lambda: train(y=np.array([0, 1, 2, 1, 0, 1])), "y")
    p.err("train_fusion: float labels", lambda: train(y=Y.astype(float)), "y")
    p.err("train_fusion: image 1e308 (loss overflows)", lambda: train(image=np.full((6, 4), 1e308)), "image")
    p.err("train_fusion: complex signal", lambda: train(signal=SIG * 1j), "signal")
    p.err("train_fusion: batch_size 10**30", lambda: mm.train_fusion(net(), IMG, SIG, Y, epochs=1, batch_size=10**30),
          "batch_size")
    p.err("train_fusion: image transposed (4, 6)", lambda: train(image=IMG.T), "image")
    p.err("train_fusion: model a torch Sequential", lambda: train(model=torch.nn.Sequential()), "model")
    p.ok("train_fusion: a single sample", lambda: train(image=IMG[:1], signal=SIG[:1], y=Y[:1]))
    p.ok("train_fusion: float32 data, int32 labels", lambda: train(image=IMG.astype(np.float32),
                                                                   signal=SIG.astype(np.float32), y=Y.astype(np.int32)))
    p.ok("train_fusion: modality_dropout 0.0 and numpy float lr", lambda: train(modality_dropout=0.0, lr=np.float32(0.01)))
    p.ok("train_fusion: torch tensors with grad", lambda: train(image=grad_tensor(6, 4), signal=grad_tensor(6, 3)))
    p.err("fusion_accuracy: y of 5 labels for 6 rows", lambda: mm.fusion_accuracy(net(), IMG, SIG, Y[:5]), "y")
    p.err("fusion_accuracy: label -1", lambda: mm.fusion_accuracy(net(), IMG, SIG, Y - 1), "y")
    p.err("fusion_accuracy: missing ''", lambda: mm.fusion_accuracy(net(), IMG, SIG, Y, missing=""), "missing")
    p.err("fusion_accuracy: signal of 2 features", lambda: mm.fusion_accuracy(net(), IMG, SIG[:, :2], Y), "signal")
    p.ok("fusion_accuracy: missing image, labels a list", lambda: mm.fusion_accuracy(net(), IMG, SIG, Y.tolist(),
                                                                                     missing="image"))
    return p.items


def _multitask_probes() -> list[Probe]:
    from labkit import multi as mt

    p = Probes("multi")
    X, Y = rand(8, 3), rand(8, 2, seed=1)
    net = lambda shared=True: mt.MultiTaskNet(3, 2, hidden=4, shared=shared)  # noqa: E731
    train = lambda **kw: mt.train_multitask(kw.pop("model", net()), kw.pop("X", X), kw.pop("Y", Y),  # noqa: E731
                                            epochs=kw.pop("epochs", 1), batch_size=4, **kw)
    p.err("MultiTaskNet: n_tasks 10**30", lambda: mt.MultiTaskNet(3, 10**30), "n_tasks")
    p.err("MultiTaskNet: hidden 10**30", lambda: mt.MultiTaskNet(3, 2, hidden=10**30), "hidden")
    p.ok("MultiTaskNet: numpy ints and numpy bool", lambda: mt.MultiTaskNet(np.int64(3), np.int32(1),
                                                                            shared=np.bool_(False)))
    p.err("MultiTaskNet.forward: x with 4 features for 3", lambda: net()(torch.ones(2, 4)), "x")
    p.err("MultiTaskNet.forward: x 1-D", lambda: net()(torch.ones(3)), "x")
    p.err("MultiTaskNet.forward: x with inf", lambda: net()(torch.full((2, 3), float("inf"))), "x")
    p.ok("MultiTaskNet.forward: float64 x, separate nets", lambda: net(False)(torch.ones(2, 3, dtype=torch.float64)))
    p.err("MultiTaskNet.forward: float64 x beyond float32's range",
          lambda: net()(torch.full((2, 3), 1e300, dtype=torch.float64)), "x")
    p.ok("MultiTaskNet.forward: numpy x", lambda: net()(np.ones((1, 3))))
    p.err("UncertaintyWeighting: n_tasks 10**30", lambda: mt.UncertaintyWeighting(10**30), "n_tasks")
    p.err("UncertaintyWeighting.forward: losses with NaN", lambda: mt.UncertaintyWeighting(2)(torch.tensor(
        [1.0, float("nan")])), "losses")
    p.err("UncertaintyWeighting.forward: losses 2-D (1, 2)", lambda: mt.UncertaintyWeighting(2)(torch.ones(1, 2)),
          "losses")
    # Decided: a task loss may be negative (a Gaussian negative log-likelihood is), so it is weighted as given.
    p.ok("UncertaintyWeighting.forward: negative losses", lambda: mt.UncertaintyWeighting(2)(torch.tensor([-1.0, 1.0])),
         finite=True)
    p.ok("UncertaintyWeighting.forward: float64 losses", lambda: mt.UncertaintyWeighting(2)(torch.ones(2,
                                                                                                 dtype=torch.float64)))
    p.ok("UncertaintyWeighting.forward: a list of losses", lambda: mt.UncertaintyWeighting(2)([1.0, 2.0]))
    p.err("train_multitask: X of 7 rows, Y of 8", lambda: train(X=X[:7]), "Y", "X")
    p.err("train_multitask: Y 1-D for 2 tasks", lambda: train(Y=Y[:, 0]), "Y")
    p.err("train_multitask: task_weights negative", lambda: train(task_weights=[1.0, -1.0]), "task_weights")
    p.err("train_multitask: task_weights with NaN", lambda: train(task_weights=[1.0, float("nan")]), "task_weights")
    p.err("train_multitask: task_weights a dict", lambda: train(task_weights={0: 1.0, 1: 1.0}), "task_weights")
    p.err("train_multitask: Y 1e308 (loss overflows)", lambda: train(Y=np.full((8, 2), 1e308)), "Y")
    p.err("train_multitask: complex X", lambda: train(X=X * 1j), "X")
    p.err("train_multitask: batch_size 10**30", lambda: mt.train_multitask(net(), X, Y, epochs=1, batch_size=10**30),
          "batch_size")
    p.ok("train_multitask: task_weights a tuple of numpy floats", lambda: train(task_weights=(np.float32(1.0),
                                                                                            np.float64(0.5))))
    p.ok("train_multitask: task_weights a generator", lambda: train(task_weights=gen([1.0, 1.0])))
    p.ok("train_multitask: uncertainty weighting, a single row", lambda: train(X=X[:1], Y=Y[:1], weighting="uncertainty"))
    p.ok("train_multitask: float32 data, transposed X", lambda: train(X=transposed(8, 3), Y=Y.astype(np.float32)))
    p.err("r2_per_task: Y with one row (R² undefined)", lambda: mt.r2_per_task(net(), X[:1], Y[:1]), "Y")
    p.err("r2_per_task: constant Y column (R² divides by 0)", lambda: mt.r2_per_task(net(), X, np.ones((8, 2))), "Y")
    p.err("r2_per_task: X 4 features", lambda: mt.r2_per_task(net(), rand(8, 4), Y), "X")
    p.ok("r2_per_task: torch X with grad", lambda: mt.r2_per_task(net(), grad_tensor(8, 3), Y))
    p.err("mean_test_r2: Y_test 3 tasks, Y 2", lambda: mt.mean_test_r2(X, Y, X, rand(8, 3), epochs=1), "Y_test", "Y")
    p.err("mean_test_r2: X_test rows != Y_test rows", lambda: mt.mean_test_r2(X, Y, X[:5], Y, epochs=1), "Y_test",
          "X_test")
    p.err("mean_test_r2: constant Y_test", lambda: mt.mean_test_r2(X, Y, X, np.zeros((8, 2)), epochs=1), "Y_test")
    p.ok("mean_test_r2: numpy ints and floats", lambda: mt.mean_test_r2(X, Y, X, Y, hidden=np.int64(2),
                                                                        epochs=np.int32(1), lr=np.float32(0.01)))
    return p.items


def _multiview_probes() -> list[Probe]:
    from labkit import multi as mv

    p = Probes("multi")
    A, B, Y = rand(6, 3), rand(6, 2, seed=1), np.array([0, 1, 0, 1, 0, 1])
    fitted = lambda: mv.CCA(1).fit(A, B)  # noqa: E731
    M = lambda d=3: mv.softmax_regression(rand(6, d), Y, 2, epochs=1)  # noqa: E731
    p.err("CCA: n_components 10**30", lambda: mv.CCA(10**30), "n_components")
    p.err("CCA: lam 1e308", lambda: mv.CCA(1, lam=1e308).fit(A, B), "lam")
    p.ok("CCA: numpy int n_components", lambda: mv.CCA(np.int64(1)).fit(A, B))
    p.err("CCA.fit: Xa with one row", lambda: mv.CCA(1).fit(A[:1], B[:1]), "Xa", "Xb")
    p.err("CCA.fit: constant views (singular covariance, lam 0)", lambda: mv.CCA(1, lam=0.0).fit(np.ones((6, 3)),
                                                                                                 np.ones((6, 2))),
          "Xa", "Xb", "lam")
    p.err("CCA.fit: complex Xa", lambda: mv.CCA(1).fit(A * 1j, B), "Xa")
    p.err("CCA.fit: Xa 1e308", lambda: mv.CCA(1).fit(np.full((6, 3), 1e308), B), "Xa")
    p.err("CCA.fit: Xb transposed (2, 6)", lambda: mv.CCA(1).fit(A, B.T), "Xb")
    p.ok("CCA.fit: float32 views, torch Xb", lambda: mv.CCA(1).fit(A.astype(np.float32), torch.tensor(B)))
    p.err("CCA.transform: before fit", lambda: mv.CCA(1).transform(A, B), "Xa", "self", "CCA")
    p.err("CCA.transform: Xb of 3 features for 2", lambda: fitted().transform(A, rand(6, 3)), "Xb")
    p.err("CCA.transform: Xa rows != Xb rows", lambda: fitted().transform(A, B[:3]), "Xb", "Xa")
    p.ok("CCA.transform: a single row", lambda: fitted().transform(A[:1], B[:1]))
    p.err("softmax_regression: label 2 >= n_classes 2", lambda: mv.softmax_regression(A, Y + 1, 2, epochs=1), "y")
    p.err("softmax_regression: float labels", lambda: mv.softmax_regression(A, Y * 1.0, 2, epochs=1), "y")
    p.err("softmax_regression: X 1e308", lambda: mv.softmax_regression(np.full((6, 3), 1e308), Y, 2, epochs=1), "X")
    p.err("softmax_regression: n_classes 10**30", lambda: mv.softmax_regression(A, Y, 10**30, epochs=1), "n_classes")
    p.ok("softmax_regression: a single row, int32 labels", lambda: mv.softmax_regression(A[:1], Y[:1].astype(np.int32), 2,
                                                                                         epochs=1))
    p.ok("softmax_regression: labels a list, numpy ints", lambda: mv.softmax_regression(A, Y.tolist(), np.int64(2),
                                                                                        epochs=np.int32(1)))
    p.err("co_training: y of 5 labels for 6 rows", lambda: mv.co_training(A, B, Y[:5], A, B, n_classes=2, rounds=1),
          "y")
    p.err("co_training: Xb 4 rows for Xa 6", lambda: mv.co_training(A, B[:4], Y, A, B, n_classes=2, rounds=1), "Xb")
    p.err("co_training: label 3 >= n_classes 2", lambda: mv.co_training(A, B, Y * 3, A, B, n_classes=2, rounds=1), "y")
    # Decided: no unlabeled rows make co-training supervised training (documented).
    p.ok("co_training: unlabeled views of 0 rows", lambda: mv.co_training(A, B, Y, A[:0], B[:0], n_classes=2, rounds=1))
    p.err("co_training: per_class 10**30", lambda: mv.co_training(A, B, Y, A, B, n_classes=2, rounds=1,
                                                                  per_class=10**30), "per_class")
    p.ok("co_training: rounds 0", lambda: mv.co_training(A, B, Y, A, B, n_classes=2, rounds=0))
    p.ok("co_training: per_class larger than the unlabeled pool", lambda: mv.co_training(
        A, B, Y, A[:2], B[:2], n_classes=2, rounds=2, per_class=5))
    p.err("co_predict: models of different class counts", lambda: mv.co_predict(
        M(), mv.softmax_regression(B, Y, 3, epochs=1), A, B), "model_a", "model_b")
    p.err("co_predict: Xa rows != Xb rows", lambda: mv.co_predict(M(3), M(2), A, B[:3]), "Xb", "Xa")
    p.err("co_predict: Xa features for model_a", lambda: mv.co_predict(M(3), M(2), B, B), "Xa")
    p.ok("co_predict: float32, a single row", lambda: mv.co_predict(M(3), M(2), A[:1].astype(np.float32), B[:1]))
    p.err("rotated_copies: angles with NaN", lambda: mv.rotated_copies(rand(2, 64), [float("nan")]), "angles")
    p.err("rotated_copies: angles a dict", lambda: mv.rotated_copies(rand(2, 64), {0: 90.0}), "angles")
    # Decided: a rotation by 1e308 degrees is what was asked (its exact remainder modulo 360 is used).
    p.ok("rotated_copies: angle 1e308", lambda: mv.rotated_copies(rand(2, 64), [1e308]), finite=True)
    p.err("rotated_copies: X 1-D (64,)", lambda: mv.rotated_copies(rand(64), [0.0]), "X")
    p.ok("rotated_copies: angles a tuple of numpy floats", lambda: mv.rotated_copies(rand(1, 64), (np.float32(90.0),)))
    p.ok("rotated_copies: angles a numpy array, -0.0", lambda: mv.rotated_copies(rand(1, 64), np.array([-0.0, 360.0])))
    p.ok("rotated_copies: angles a generator", lambda: mv.rotated_copies(rand(1, 64), gen([0.0])))
    return p.items


# -- networks ------------------------------------------------------------------------------------------
def networks_probes() -> list[Probe]:
    from labkit import networks as nw

    p = Probes("networks")
    p.err("mlp: one size (no layer)", lambda: nw.mlp([3]), "sizes")
    p.err("mlp: sizes a string", lambda: nw.mlp("64"), "sizes")
    p.err("mlp: a 10**5 x 10**5 layer", lambda: nw.mlp([10**5, 10**5]), "sizes")
    p.err("mlp: activation 'softmax'", lambda: nw.mlp([3, 2], "softmax"), "activation")
    p.err("mlp: dtype torch.int64", lambda: nw.mlp([3, 2], dtype=torch.int64), "dtype")
    p.err("mlp: dtype a numpy dtype", lambda: nw.mlp([3, 2], dtype=np.float64), "dtype")
    p.err("mlp: seed -1", lambda: nw.mlp([3, 2], seed=-1), "seed")
    p.err("mlp: seed 2**32", lambda: nw.mlp([3, 2], seed=2**32), "seed")
    p.ok("mlp: numpy int sizes in a tuple, numpy int seed", lambda: nw.mlp((np.int64(3), np.int32(2)), seed=np.int64(1)))
    p.ok("mlp: float16 weights", lambda: nw.mlp([3, 2], dtype=torch.float16, seed=0))
    return p.items


# -- plotting ------------------------------------------------------------------------------------------
def plotting_probes() -> list[Probe]:
    from labkit import plotting as pl

    p = Probes("plotting")
    p.err("use_style: dpi 10**30", lambda: pl.use_style(dpi=10**30), "dpi")
    p.err("use_style: dpi numpy float", lambda: pl.use_style(dpi=np.float64(100.0)), "dpi")
    p.err("use_style: dpi a 0-d array", lambda: pl.use_style(dpi=np.array(100)), "dpi")
    p.err("use_style: dpi -0", lambda: pl.use_style(dpi=-0), "dpi")
    p.ok("use_style: numpy int dpi", lambda: pl.use_style(dpi=np.int64(100)))
    p.ok("use_style: numpy int32 dpi", lambda: pl.use_style(dpi=np.int32(72)))
    p.err("use_style: a positional dpi", lambda: pl.use_style(100), "dpi", "use_style", "positional")
    return p.items


# -- regularization ------------------------------------------------------------------------------------
def regularization_probes() -> list[Probe]:
    from labkit import regularization as rg

    p = Probes("regularization")
    W = lambda: torch.tensor([1.0, -2.0, 0.5])  # noqa: E731
    XR, YR = rand(6, 3), rand(6, seed=1)
    XD, YD = rand(8, 64), np.array([0, 1, 2, 3, 0, 1, 2, 3])
    net = lambda: rg.make_mlp([64, 4, 4])  # noqa: E731

    def train(**kw: Any) -> Any:  # each option goes to the object train_classifier takes it in
        settings = {k: kw.pop(k) for k in ("lr", "optimizer", "seed") if k in kw}
        optimization = rg.Optimization(epochs=kw.pop("epochs", 1), batch_size=kw.pop("batch_size", 4), **settings)
        return rg.train_classifier(kw.pop("model", net()), kw.pop("X_train", XD), kw.pop("y_train", YD),
                                   kw.pop("X_val", XD), kw.pop("y_val", YD), optimization, rg.Regularizers(**kw))

    p.err("penalized_parameters: exclude a set of unknown names", lambda: rg.penalized_parameters(net(), {"x"}), "exclude")
    p.err("penalized_parameters: model a numpy MLP", lambda: rg.penalized_parameters(__import__(
        "labkit.backprop", fromlist=["MLP"]).MLP([2, 2])), "model")
    p.ok("penalized_parameters: exclude a generator", lambda: rg.penalized_parameters(net(), gen(["0.weight"])))
    p.ok("penalized_parameters: a model with no parameters", lambda: rg.penalized_parameters(torch.nn.ReLU()))
    p.err("l1_penalty: params with a NaN tensor", lambda: rg.l1_penalty([torch.tensor([float("nan")])], 1.0), "params")
    p.err("l1_penalty: params a dict", lambda: rg.l1_penalty({"w": W()}, 1.0), "params")
    # A finite input whose true penalty overflows float32: inf is the IEEE answer (decided), NaN would not be.
    p.ieee("l1_penalty: lam 1e308 * |w| overflows", lambda: rg.l1_penalty([torch.full((2,), 1e30)], 1e308))
    p.ok("l1_penalty: params a generator of parameters", lambda: rg.l1_penalty(net().parameters(), 0.1))
    p.ok("l1_penalty: empty params, lam 0", lambda: rg.l1_penalty([], 0.0))
    p.ok("l1_penalty: numpy float lam", lambda: rg.l1_penalty([W()], np.float32(0.5)))
    p.err("l2_penalty: params a list of numpy arrays", lambda: rg.l2_penalty([np.ones(2)], 1.0), "params")
    p.err("l2_penalty: params with an int tensor", lambda: rg.l2_penalty([torch.ones(2, dtype=torch.long)], 1.0), "params")
    p.ok("l2_penalty: float64 and float32 params mixed", lambda: rg.l2_penalty([W(), W().double()], 0.1))
    p.err("l1_gradient: w complex", lambda: rg.l1_gradient(torch.ones(2, dtype=torch.complex64), 1.0), "w")
    p.ok("l1_gradient: w with -0.0", lambda: rg.l1_gradient(torch.tensor([-0.0, 0.0]), 1.0))
    p.ok("l1_gradient: numpy w", lambda: rg.l1_gradient(np.array([1.0, -1.0]), 1.0))
    p.err("l2_gradient: w with inf", lambda: rg.l2_gradient(torch.tensor([float("inf")]), 1.0), "w")
    p.ok("l2_gradient: w requires grad", lambda: rg.l2_gradient(grad_tensor(3), 0.5))
    p.err("soft_threshold: w a dict", lambda: rg.soft_threshold({"w": 1.0}, 0.5), "w")
    p.err("soft_threshold: threshold 1e308 fine, w 1e308 too", lambda: rg.soft_threshold(np.array([np.inf]), 0.5), "w")
    p.ok("soft_threshold: a python float", lambda: rg.soft_threshold(1.5, 0.5))
    p.ok("soft_threshold: 0-d array, threshold 0", lambda: rg.soft_threshold(np.array(2.0), 0.0))
    p.err("proximal_l1_step: grad transposed shape", lambda: rg.proximal_l1_step(torch.ones(2, 3), torch.ones(3, 2),
                                                                                 0.1, 1.0), "grad")
    p.err("proximal_l1_step: grad with NaN", lambda: rg.proximal_l1_step(W(), torch.tensor([0.0, float("nan"), 0.0]),
                                                                         0.1, 1.0), "grad")
    p.ok("proximal_l1_step: numpy w and grad", lambda: rg.proximal_l1_step(np.ones(3), np.ones(3), 0.1, 1.0))
    p.err("subgradient_l1_step: grad of 2 for w of 3", lambda: rg.subgradient_l1_step(W(), torch.ones(2), 0.1, 1.0),
          "grad")
    p.ok("subgradient_l1_step: lam 0", lambda: rg.subgradient_l1_step(W(), W(), 0.1, 0.0))
    p.err("lasso_path: X 1-D", lambda: rg.lasso_path(XR[:, 0], YR, [1.0]), "X")
    p.err("lasso_path: y 2-D (6, 1)", lambda: rg.lasso_path(XR, YR[:, None], [1.0]), "y")
    p.err("lasso_path: lams with NaN", lambda: rg.lasso_path(XR, YR, [float("nan")]), "lams")
    # Honest: with X = 0 the loss does not depend on w, and w = 0 is the (smallest) minimiser of the penalty.
    p.ok("lasso_path: X all zeros (step size 1/0)", lambda: rg.lasso_path(np.zeros((6, 3)), YR, [1.0], n_steps=5),
         finite=True)
    p.err("lasso_path: n_steps 10**30", lambda: rg.lasso_path(XR, YR, [1.0], n_steps=10**30), "n_steps")
    # Answered, not refused: the paths rescale X by a power of two (exact), so 1e154 no longer overflows X.T X.
    p.ok("lasso_path: X 1e308", lambda: rg.lasso_path(np.full((6, 3), 1e154), YR, [1.0], n_steps=5), finite=True)
    p.err("lasso_path: y 1e308 (X.T y overflows)", lambda: rg.lasso_path(XR, np.full(6, 1e308), [1.0], n_steps=5), "y")
    p.ok("ridge_path: X 1e-200, lam 0 (weights near 1e200)", lambda: rg.ridge_path(XR * 1e-200, YR, [0.0]), finite=True)
    p.ok("lasso_path: lams a generator, numpy floats", lambda: rg.lasso_path(XR, YR, gen([np.float32(0.1)]), n_steps=5))
    p.ok("lasso_path: a single sample", lambda: rg.lasso_path(XR[:1], YR[:1], [0.1], n_steps=5))
    p.ok("lasso_path: lam 0", lambda: rg.lasso_path(XR, YR, [0.0], n_steps=5))
    p.err("ridge_path: lams negative", lambda: rg.ridge_path(XR, YR, [-1.0]), "lams")
    p.err("ridge_path: y of 5 for X of 6", lambda: rg.ridge_path(XR, YR[:5], [1.0]), "y", "X")
    p.err("ridge_path: complex y", lambda: rg.ridge_path(XR, YR * 1j, [1.0]), "y")
    p.err("ridge_path: lam 0 with more features than rows (singular)", lambda: rg.ridge_path(rand(2, 5), YR[:2], [0.0]),
          "lams", "X")
    p.ok("ridge_path: lams a 0-d array?", lambda: rg.ridge_path(XR, YR, np.array([1.0])))
    p.ok("ridge_path: torch X and y", lambda: rg.ridge_path(torch.tensor(XR), torch.tensor(YR), [1.0]))
    p.err("decoupled_weight_decay_: params a generator of arrays", lambda: rg.decoupled_weight_decay_(gen([np.ones(2)]),
                                                                                                     0.1, 0.1), "params")
    p.err("decoupled_weight_decay_: lr * lam > 1 (weights flip sign)", lambda: rg.decoupled_weight_decay_([W()], 10.0,
                                                                                                          10.0),
          "lr", "lam")
    p.ok("decoupled_weight_decay_: params a generator of parameters", lambda: rg.decoupled_weight_decay_(
        net().parameters(), 0.1, 0.1))
    p.err("l2_vs_weight_decay: X rows != y rows", lambda: rg.l2_vs_weight_decay("sgd", XR, YR[:5], lam=0.1, lr=0.1,
                                                                               steps=2), "y", "X")
    p.err("l2_vs_weight_decay: lr 1e308 (diverges)", lambda: rg.l2_vs_weight_decay("adam", XR, YR, lam=0.1, lr=1e308,
                                                                                  steps=2), "lr")
    p.err("l2_vs_weight_decay: lam 0, lr 1e308 (diverges)", lambda: rg.l2_vs_weight_decay("sgd", XR, YR, lam=0.0,
                                                                                          lr=1e308, steps=3), "lr")
    p.ok("l2_vs_weight_decay: lam 0, numpy floats", lambda: rg.l2_vs_weight_decay("adam", XR, YR, lam=np.float32(0.0),
                                                                                  lr=np.float64(0.1), steps=2))
    p.err("dropout: mask of another shape", lambda: rg.dropout(torch.ones(2, 3), 0.5, mask=torch.ones(3, 2)), "mask")
    p.err("dropout: mask float values 0.5", lambda: rg.dropout(torch.ones(2), 0.5, mask=torch.tensor([0.5, 1.0])), "mask")
    p.err("dropout: x with NaN", lambda: rg.dropout(torch.tensor([float("nan")]), 0.5), "x")
    p.err("dropout: generator a numpy Generator", lambda: rg.dropout(torch.ones(2), 0.5,
                                                                     generator=np.random.default_rng(0)), "generator")
    p.ok("dropout: p 0, bool mask", lambda: rg.dropout(torch.ones(2), 0.0, mask=torch.tensor([True, False])))
    p.ok("dropout: float16 x", lambda: rg.dropout(torch.ones(4, dtype=torch.float16), 0.5))
    p.ok("dropout: numpy bool training", lambda: rg.dropout(torch.ones(2), 0.5, training=np.bool_(False)))
    p.err("Dropout: p numpy nan", lambda: rg.Dropout(np.float32("nan")), "p")
    p.err("Dropout.forward: x with inf", lambda: rg.Dropout(0.5)(torch.tensor([float("inf")])), "x")
    p.ok("Dropout.forward: eval mode, numpy p", lambda: rg.Dropout(np.float64(0.3)).eval()(torch.ones(3)))
    p.ok("Dropout.extra_repr: numpy p", lambda: rg.Dropout(np.float32(0.25)).extra_repr())
    p.err("gaussian_noise: noise_std 1e308 (overflow to inf)", lambda: rg.gaussian_noise(torch.ones(3), 1e308), "noise_std")
    p.err("gaussian_noise: x complex", lambda: rg.gaussian_noise(torch.ones(2, dtype=torch.complex64), 0.1), "x")
    p.ok("gaussian_noise: noise_std 0", lambda: rg.gaussian_noise(torch.ones(3), 0.0))
    p.ok("gaussian_noise: float64 x with grad", lambda: rg.gaussian_noise(grad_tensor(3).double(), 0.1))
    p.err("GaussianNoise: noise_std 1e308", lambda: rg.GaussianNoise(1e308)(torch.ones(3)), "noise_std")
    p.err("GaussianNoise.forward: x with NaN", lambda: rg.GaussianNoise(0.1)(torch.tensor([float("nan")])), "x")
    p.ok("GaussianNoise.extra_repr: numpy noise_std", lambda: rg.GaussianNoise(np.float32(0.1)).extra_repr())
    p.err("max_norm_: weight a numpy array", lambda: rg.max_norm_(np.ones((2, 2)), 1.0), "weight")
    p.err("max_norm_: weight with NaN", lambda: rg.max_norm_(torch.full((2, 2), float("nan")), 1.0), "weight")
    p.ok("max_norm_: zero rows", lambda: rg.max_norm_(torch.zeros(2, 2), 1.0), finite=True)
    p.ok("max_norm_: a Linear's weight (leaf with grad)", lambda: rg.max_norm_(torch.nn.Linear(3, 2).weight, 0.5))
    p.err("smooth_labels: n_classes 10**30", lambda: rg.smooth_labels(torch.tensor([0, 1]), 10**30, 0.1), "n_classes")
    p.err("smooth_labels: y 2-D", lambda: rg.smooth_labels(torch.tensor([[0, 1]]), 3, 0.1), "y")
    p.err("smooth_labels: dtype torch.long", lambda: rg.smooth_labels(torch.tensor([0, 1]), 3, 0.1, dtype=torch.long),
          "dtype")
    p.err("smooth_labels: dtype a string", lambda: rg.smooth_labels(torch.tensor([0, 1]), 3, 0.1, dtype="float32"),
          "dtype")
    p.ok("smooth_labels: int32 y, numpy ints", lambda: rg.smooth_labels(torch.tensor([0, 1], dtype=torch.int32),
                                                                        np.int64(3), np.float32(0.1)))
    p.ok("smooth_labels: eps 0, float64", lambda: rg.smooth_labels(torch.tensor([0]), 2, 0.0, dtype=torch.float64))
    p.err("label_smoothing_loss: label 3 >= 3 logits", lambda: rg.label_smoothing_loss(torch.zeros(2, 3),
                                                                                       torch.tensor([0, 3]), 0.1), "y")
    p.err("label_smoothing_loss: y rows != logits rows", lambda: rg.label_smoothing_loss(torch.zeros(2, 3),
                                                                                         torch.tensor([0]), 0.1), "y")
    p.err("label_smoothing_loss: logits with inf", lambda: rg.label_smoothing_loss(torch.full((1, 3), float("inf")),
                                                                                   torch.tensor([0]), 0.1), "logits")
    p.err("label_smoothing_loss: float y", lambda: rg.label_smoothing_loss(torch.zeros(1, 3), torch.tensor([0.0]), 0.1),
          "y")
    p.ok("label_smoothing_loss: float64 logits", lambda: rg.label_smoothing_loss(
        torch.zeros(1, 3, dtype=torch.float64), torch.tensor([0]), 0.1))
    # Finite input, finite answer: each output pixel is a weighted mean (weights summing to at most 1) of input pixels.
    p.ok("augment_digits: X 1e308", lambda: rg.augment_digits(np.full((1, 64), 1e308), np.random.default_rng(0)),
         finite=True)
    p.err("augment_digits: rng a RandomState", lambda: rg.augment_digits(XD, np.random.RandomState(0)), "rng")
    p.err("augment_digits: elastic NaN", lambda: rg.augment_digits(XD, np.random.default_rng(0), elastic=float("nan")),
          "elastic")
    p.ok("augment_digits: zero shift, zero rotation, zero elastic",
         lambda: rg.augment_digits(XD, np.random.default_rng(0), max_shift=0.0, max_degrees=0.0, elastic=0.0))
    p.ok("augment_digits: a single float32 row", lambda: rg.augment_digits(XD[:1].astype(np.float32),
                                                                          np.random.default_rng(0)))
    p.err("make_mlp: sizes a set", lambda: rg.make_mlp({64, 10}), "sizes")
    p.err("make_mlp: noise_std 1e308", lambda: rg.make_mlp([4, 2], noise_std=1e308)(torch.ones(2, 4)), "noise_std")
    p.ok("make_mlp: sizes a tuple of numpy ints", lambda: rg.make_mlp((np.int64(4), np.int32(2))))
    p.ok("make_mlp: batch_norm with a single-row batch in eval", lambda: rg.make_mlp([4, 3, 2], batch_norm=True).eval()(
        torch.ones(1, 4)))
    p.err("train_classifier: y_val label 4 >= 4 outputs", lambda: train(y_val=YD + 1), "y_val")
    p.err("train_classifier: X_val 63 features", lambda: train(X_val=XD[:, :63]), "X_val")
    p.err("train_classifier: y_train of 7 for 8 rows", lambda: train(y_train=YD[:7]), "y_train")
    # Decided: l1 0 is no penalty, whichever way it would be applied; a valid (if idle) request.
    p.ok("train_classifier: l1_proximal with l1 0?", lambda: train(l1_proximal=True, l1=0.0, optimizer="adam"))
    p.err("train_classifier: X_train 1e308 (loss overflows)", lambda: train(X_train=np.full((8, 64), 1e308)), "X_train")
    p.err("train_classifier: label_smoothing 1.0", lambda: train(label_smoothing=1.0), "label_smoothing")
    # Decided: a batch larger than the data is one batch, as in PyTorch's DataLoader.
    p.ok("train_classifier: batch_size 10**6, more than the data", lambda: rg.train_classifier(
        net(), XD, YD, XD, YD, rg.Optimization(epochs=1, batch_size=10**6)))
    # A size beyond labkit's limit (2**28) is a typo, refused like every other size.
    p.err("train_classifier: batch_size 10**30", lambda: train(batch_size=10**30), "batch_size")
    p.err("train_classifier: lr * weight_decay > 1", lambda: train(lr=1.0, weight_decay=2.0), "lr", "weight_decay")
    p.err("train_classifier: model with 3 inputs for 64 features", lambda: train(model=rg.make_mlp([3, 4])),
          "model", "X_train")
    p.ok("train_classifier: a single training row", lambda: train(X_train=XD[:1], y_train=YD[:1]))
    p.ok("train_classifier: float32 X, int32 labels, numpy lr", lambda: train(X_train=XD.astype(np.float32),
                                                                              y_train=YD.astype(np.int32),
                                                                              lr=np.float32(0.01)))
    p.ok("train_classifier: sgd with l1_proximal, augment", lambda: train(optimizer="sgd", l1=0.01, l1_proximal=True,
                                                                          augment=True))
    p.err("penalized_weights: a numpy MLP", lambda: rg.penalized_weights(__import__(
        "labkit.backprop", fromlist=["MLP"]).MLP([2, 2])), "model")
    p.err("penalized_weights: a model with no weights", lambda: rg.penalized_weights(torch.nn.Sequential(
        torch.nn.ReLU())), "model")
    return p.items


# -- training ------------------------------------------------------------------------------------------
def training_probes() -> list[Probe]:
    from labkit import training as tr

    p = Probes("training")
    step = lambda xb, yb: 0.0  # noqa: E731
    X, Y = np.arange(10.0), np.arange(10)
    p.err("fit: X of 10 rows, y of 9", lambda: tr.fit(step, X, Y[:9], epochs=1, batch_size=4), "y", "X")
    p.err("fit: X a ragged list", lambda: tr.fit(step, ragged(), [0, 1], epochs=1, batch_size=1), "X")
    p.err("fit: X a dict", lambda: tr.fit(step, {"a": 1.0}, [0], epochs=1, batch_size=1), "X")
    p.err("fit: X complex", lambda: tr.fit(step, X * 1j, Y, epochs=1, batch_size=4), "X")
    p.err("fit: X 0-d", lambda: tr.fit(step, np.array(1.0), np.array(1.0), epochs=1, batch_size=1), "X")
    p.err("fit: step returns a string", lambda: tr.fit(lambda xb, yb: "loss", X, Y, epochs=1, batch_size=4), "step")
    p.err("fit: step returns NaN", lambda: tr.fit(lambda xb, yb: float("nan"), X, Y, epochs=2, batch_size=4), "step")
    p.err("fit: evaluate returns a list", lambda: tr.fit(step, X, Y, epochs=1, batch_size=4, evaluate=lambda: [1.0]),
          "evaluate")
    p.err("fit: evaluate without val_loss while patience is set", lambda: tr.fit(
        step, X, Y, epochs=2, batch_size=4, evaluate=lambda: {"acc": 1.0}, patience=1), "evaluate", "patience")
    p.err("fit: patience without evaluate", lambda: tr.fit(step, X, Y, epochs=2, batch_size=4, patience=1),
          "patience", "evaluate")
    p.err("fit: restore_best without patience", lambda: tr.fit(step, X, Y, epochs=2, batch_size=4,
                                                                restore_best=torch.nn.Linear(2, 2)),
          "restore_best", "patience")
    p.err("fit: restore_best a state_dict", lambda: tr.fit(step, X, Y, epochs=2, batch_size=4, patience=1,
                                                            evaluate=lambda: {"val_loss": 1.0},
                                                            restore_best=torch.nn.Linear(2, 2).state_dict()),
          "restore_best")
    net = lambda: torch.nn.Sequential(torch.nn.Linear(64, 4), torch.nn.ReLU(), torch.nn.Linear(4, 4))  # noqa: E731
    XD, YD = rand(8, 64), np.array([0, 1, 2, 3, 0, 1, 2, 3])
    p.err("accuracy: y label 9 >= 4 outputs", lambda: tr.accuracy(net(), XD, YD * 3), "y")
    p.err("accuracy: X 1-D", lambda: tr.accuracy(net(), XD[0], YD[:1]), "X")
    p.ok("accuracy: torch X with grad, list y", lambda: tr.accuracy(net(), torch.tensor(XD, dtype=torch.float32)
                                                                    .requires_grad_(True), YD.tolist()))
    p.ok("accuracy: a float64 network, float32 X", lambda: tr.accuracy(net().double(), XD.astype(np.float32), YD))
    p.err("accuracy: X 1e300 for a float32 network", lambda: tr.accuracy(net(), np.full((8, 64), 1e300), YD), "X")
    p.err("accuracy_of: 1-D float scores", lambda: tr.accuracy_of(np.zeros(8), YD), "scores")
    p.err("accuracy_of: label 4 for 4 columns", lambda: tr.accuracy_of(np.eye(4), np.arange(1, 5)), "y")
    p.ok("accuracy_of: torch logits with grad, numpy labels", lambda: tr.accuracy_of(grad_tensor(8, 4), YD))
    p.err("train_step: loss_fn returns a float", lambda: tr.train_step(
        torch.optim.SGD(net().parameters(), lr=0.1), lambda xb, yb: 0.5)(torch.ones(2, 64), torch.zeros(2)), "loss_fn")
    p.err("train_step: optimizer a list of tensors", lambda: tr.train_step([torch.ones(2)], lambda xb, yb: 0.5),
          "optimizer")
    p.err("fit: epochs 10**30", lambda: tr.fit(step, X, Y, epochs=10**30, batch_size=4), "epochs")
    p.err("fit: batch_size 10**30", lambda: tr.fit(step, X, Y, epochs=1, batch_size=10**30), "batch_size")
    p.err("fit: X 1e308 is finite but step sees overflow", lambda: tr.fit(lambda xb, yb: float(np.sum(xb * xb)),
                                                                          np.full(4, 1e308), np.zeros(4), epochs=1,
                                                                          batch_size=2), "step", "X")
    p.ok("fit: a single row", lambda: tr.fit(step, X[:1], Y[:1], epochs=1, batch_size=4))
    p.ok("fit: torch X with grad, numpy y", lambda: tr.fit(step, grad_tensor(5, 2), np.zeros(5), epochs=1, batch_size=2))
    p.ok("fit: numpy ints for epochs, batch_size and seed", lambda: tr.fit(step, X, Y, epochs=np.int64(1),
                                                                           batch_size=np.int32(3), seed=np.int64(2)))
    p.ok("fit: lists of numbers", lambda: tr.fit(step, [1.0, 2.0, 3.0], [0, 1, 0], epochs=1, batch_size=2))
    p.ok("fit: step returning a numpy float32 and a 0-d tensor", lambda: tr.fit(
        lambda xb, yb: torch.tensor(0.5), X, Y, epochs=1, batch_size=5))
    p.ok("fit: bool y", lambda: tr.fit(step, X, Y > 4, epochs=1, batch_size=5))
    p.err("minibatches: rng an int seed", lambda: list(tr.minibatches(5, 2, 0)), "rng")
    p.err("minibatches: rng a RandomState", lambda: list(tr.minibatches(5, 2, np.random.RandomState(0))), "rng")
    p.err("minibatches: n 10**30", lambda: list(tr.minibatches(10**30, 2, np.random.default_rng(0))), "n")
    p.err("minibatches: batch_size 0", lambda: list(tr.minibatches(5, 0, np.random.default_rng(0))), "batch_size")
    p.ok("minibatches: numpy ints", lambda: list(tr.minibatches(np.int64(5), np.int32(2), np.random.default_rng(0))))
    p.err("History: train_loss a string", lambda: tr.History(train_loss="abc"), "train_loss")
    p.err("History: metrics a list", lambda: tr.History(metrics=[1.0]), "metrics")
    p.err("History: best_epoch -1", lambda: tr.History(best_epoch=-1), "best_epoch")
    p.err("History: train_loss with NaN", lambda: tr.History(train_loss=[float("nan")]), "train_loss")
    p.ok("History: numpy ints and floats", lambda: tr.History(train_loss=[np.float32(1.0)], best_epoch=np.int64(0)))
    p.ok("History: train_loss a tuple", lambda: tr.History(train_loss=(1.0, 0.5)))
    return p.items


# -- seeding -------------------------------------------------------------------------------------------
def seeding_probes() -> list[Probe]:
    from labkit import seeding as sd

    p = Probes("seeding")
    p.err("seeded: seed -1", lambda: sd.seeded(-1), "seed")
    p.err("seeded: seed 2**64", lambda: sd.seeded(2**64), "seed")
    p.err("seeded: seed 1.5", lambda: sd.seeded(1.5), "seed")
    p.err("generator: seed True", lambda: sd.generator(True), "seed")
    p.err("generator: seed '0'", lambda: sd.generator("0"), "seed")
    p.ok("seeded: numpy int seed, a block", lambda: _in_block(sd.seeded(np.int64(3))))
    p.ok("generator: numpy int32 seed", lambda: sd.generator(np.int32(3)))
    return p.items


def exercises_probes() -> list[Probe]:
    from labkit import exercises as ex

    p = Probes("exercises")
    p.err("check: unknown exercise", lambda: ex.check("backprop.nothing", lambda X, W, delta: X), "exercise_id")
    p.err("check: exercise id not a str", lambda: ex.check(3, lambda X, W, delta: X), "exercise_id")
    p.err("check: solution None", lambda: ex.check("backprop.linear_backward", None), "solution")
    p.err("check: solution an int", lambda: ex.check("backprop.linear_backward", 3), "solution")
    p.err("check: language 'de'", lambda: ex.check("backprop.linear_backward", lambda X, W, delta: X, language="de"),
          "language")
    p.err("skeleton: unknown exercise", lambda: ex.skeleton("backprop"), "exercise_id")
    p.err("names: unknown concept", lambda: ex.names("physics"), "concept")
    p.err("solution_path: empty id", lambda: ex.solution_path(""), "exercise_id")
    # A student's function that hangs on nothing, returns garbage or raises is a finding, never a crash.
    p.ok("check: a solution returning NaN", lambda: ex.check("backprop.linear_backward",
                                                             lambda X, W, delta: (X * np.nan, X, X), language="en"))
    p.ok("check: a solution returning a string", lambda: ex.check("backprop.softmax_cross_entropy_grad",
                                                                  lambda logits, y: "grad", language="en"))
    p.ok("check: a solution raising KeyError", lambda: ex.check("backprop.softmax_cross_entropy_grad",
                                                                lambda logits, y: {}["x"], language="en"))
    p.ok("check: a path that does not exist", lambda: ex.check("backprop.linear_backward", "no/such/file.py"))
    return p.items


def _in_block(context: Any) -> Any:
    with context:
        return torch.rand(1)


# -- running and classifying ---------------------------------------------------------------------------
BUILDERS: dict[str, Callable[[], list[Probe]]] = {name: globals()[f"{name}_probes"] for name in MODULES}


class Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` in labkit swallows it."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise Timeout


def names_in(names: tuple[str, ...], message: str) -> bool:
    """Whether the message names one of ``names`` as a word (``X`` in "X must be", not in "X_val")."""
    return any(re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", message) for n in names)


def finite(value: Any) -> bool:
    """Whether a result holds no NaN or inf (numbers, arrays, tensors, containers, labkit Tensors)."""
    if isinstance(value, torch.Tensor):
        return bool(torch.isfinite(value.detach().float() if value.is_floating_point() else value.detach()).all()) \
            if not value.is_complex() else bool(torch.isfinite(torch.view_as_real(value.detach())).all())
    if isinstance(value, np.ndarray):
        return not np.issubdtype(value.dtype, np.inexact) or bool(np.isfinite(value).all())
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value)
    if isinstance(value, (list, tuple)):
        return all(finite(v) for v in value)
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    data = getattr(value, "data", None)
    return finite(data) if isinstance(data, (np.ndarray, float)) else True


def has_nan(value: Any) -> bool:
    """Whether a result holds a NaN (numbers, arrays, tensors, containers)."""
    if isinstance(value, torch.Tensor):
        return value.is_floating_point() and bool(torch.isnan(value.detach()).any())
    if isinstance(value, np.ndarray):
        return np.issubdtype(value.dtype, np.inexact) and bool(np.isnan(value).any())
    if isinstance(value, (float, np.floating)):
        return math.isnan(value)
    if isinstance(value, (list, tuple)):
        return any(has_nan(v) for v in value)
    if isinstance(value, dict):
        return any(has_nan(v) for v in value.values())
    return False


def run_probe(probe: Probe, timeout: float) -> Probe:
    """Call the probe under a timeout and set its outcome and detail."""
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            warnings.simplefilter("ignore")
            result = probe.call()
        signal.setitimer(signal.ITIMER_REAL, 0)
    except Timeout:
        probe.outcome, probe.detail = "hang", f"no answer within {timeout:g} s"
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001 - SystemExit and MemoryError are findings too
        signal.setitimer(signal.ITIMER_REAL, 0)
        text = f"{type(error).__name__}: {error}".replace("\n", " ")[:300]
        if probe.expect == "ok":
            probe.outcome = "rejected"
        elif probe.cli and isinstance(error, SystemExit) and error.code == 2 and names_in(probe.names, err.getvalue()):
            probe.outcome, text = "clear", f"exit 2: {err.getvalue().strip().splitlines()[-1]}"
        elif isinstance(error, (TypeError, ValueError)) and names_in(probe.names, str(error)):
            probe.outcome = "clear"
        else:
            probe.outcome = "obscure"
        probe.detail = text
    else:
        if probe.expect == "error":
            probe.outcome, probe.detail = "garbage", f"returned {_short(result)}"
        elif probe.finite and not finite(result):
            probe.outcome, probe.detail = "garbage", f"returned a non-finite result {_short(result)}"
        elif probe.no_nan and has_nan(result):
            probe.outcome, probe.detail = "garbage", f"returned NaN {_short(result)}"
        else:
            probe.outcome = "ok"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    probe.seconds = time.perf_counter() - start
    return probe


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array {value.dtype} {value.shape}"
    if isinstance(value, torch.Tensor):
        return f"tensor {value.dtype} {tuple(value.shape)}"
    text = repr(value).replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."


def collect(modules: list[str]) -> list[Probe]:
    probes: list[Probe] = []
    for name in modules:
        probes += BUILDERS[name]()
    return probes


def table(probes: list[Probe], modules: list[str]) -> str:
    """Counts of outcomes per module and in total."""
    cols = ERROR_OUTCOMES + OK_OUTCOMES
    head = f"{'module':<15}{'probes':>7} |" + "".join(f"{c:>9}" for c in ERROR_OUTCOMES) + " |" \
        + "".join(f"{c:>9}" for c in OK_OUTCOMES)
    lines = [head, "-" * len(head)]
    rows = modules + ["TOTAL"]
    for row in rows:
        mine = [p for p in probes if row in ("TOTAL", p.module)]
        counts = Counter((p.expect, p.outcome) for p in mine)
        err = "".join(f"{counts[('error', c)]:>9}" for c in ERROR_OUTCOMES)
        ok = "".join(f"{counts[('ok', c)]:>9}" for c in OK_OUTCOMES)
        hang_ok = counts[("ok", "hang")] + counts[("ok", "garbage")]
        extra = f"   (+{hang_ok} ok-probe hang/garbage)" if hang_ok else ""
        if row == "TOTAL":
            lines.append("-" * len(head))
        lines.append(f"{row:<15}{len(mine):>7} |{err} |{ok}{extra}")
    del cols
    return "\n".join(lines)


def findings(probes: list[Probe]) -> str:
    """Every probe whose outcome is not clear/ok, with its label and what happened."""
    lines = []
    for p in probes:
        if p.outcome in ("clear", "ok"):
            continue
        want = (f"error naming {'/'.join(p.names)}" if p.expect == "error"
                else "success" + (" (finite)" * p.finite) + (" (no NaN)" * p.no_nan))
        lines.append(f"[{p.outcome:>8}] {p.module}: {p.label}  -- expected {want}\n           {p.detail}")
    return "\n".join(lines)


MARK = "@@probe "


def _limit_memory(gb: float) -> None:
    """A runaway allocation becomes a MemoryError (an obscure error), not a dead machine."""
    if gb:
        limit = int(gb * 2**30)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def worker(probes: list[Probe], start: int, timeout: float, memory_gb: float) -> int:
    """Run the probes from ``start`` on, one JSON line each on the real stdout."""
    _limit_memory(memory_gb)
    torch.set_num_threads(1)
    signal.signal(signal.SIGALRM, _on_alarm)
    for i in range(start, len(probes)):
        p = run_probe(probes[i], timeout)
        print(MARK + json.dumps({"i": i, "outcome": p.outcome, "detail": p.detail, "seconds": p.seconds}), flush=True)
    return 0


def run_all(probes: list[Probe], argv: list[str], timeout: float) -> None:
    """Run every probe in a worker process (in-process calls under ``signal`` alarms there). A call
    that blocks where the alarm cannot reach it (a deadlock in C code) is a hang too: the worker is
    killed after ``timeout + 20`` s of silence and a new one goes on from the next probe."""
    start = 0
    while start < len(probes):
        cmd = [sys.executable, str(Path(__file__).resolve()), *argv, "--worker", str(start)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, bufsize=1)
        deadline = time.monotonic() + 120 + timeout  # imports and building the probes come first
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            line = proc.stdout.readline() if ready else None
            if line is None or line == "":
                break
            if not line.startswith(MARK):
                continue
            rec = json.loads(line[len(MARK):])
            p = probes[rec["i"]]
            p.outcome, p.detail, p.seconds = rec["outcome"], rec["detail"], rec["seconds"]
            start = rec["i"] + 1
            deadline = time.monotonic() + timeout + 20
        proc.kill()
        proc.wait()
        if start < len(probes) and line is None:
            probes[start].outcome = "hang"
            probes[start].detail = f"no answer within {timeout + 20:g} s (blocked where the alarm cannot reach; killed)"
            start += 1
        elif start < len(probes):  # the worker died (a crash of the interpreter)
            probes[start].outcome = "obscure" if probes[start].expect == "error" else "rejected"
            probes[start].detail = f"the interpreter died (exit status {proc.returncode})"
            start += 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the probes without running them")
    parser.add_argument("--json", metavar="PATH", help="write every probe's record to PATH")
    parser.add_argument("--module", action="append", choices=MODULES, help="probe only this module (repeatable)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds per call (default %(default)s)")
    parser.add_argument("--memory-gb", type=float, default=8.0, help="address-space limit while probing (0: none)")
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    modules = args.module or MODULES
    probes = collect(modules)
    if args.worker is not None:
        return worker(probes, args.worker, args.timeout, args.memory_gb)
    if args.list:
        for p in probes:
            names = f" [{'/'.join(p.names)}]" if p.names else ""
            print(f"{p.module}\t{p.expect}{names}\t{p.label}")
        counts = Counter(p.module for p in probes)
        print(f"{len(probes)} probes: " + ", ".join(f"{m} {counts[m]}" for m in modules))
        return 0
    passed = [a for a in argv if not a.startswith("--json") and a != args.json]
    start = time.perf_counter()
    run_all(probes, passed, args.timeout)
    print(table(probes, modules))
    print(f"\n{len(probes)} probes in {time.perf_counter() - start:.0f} s; findings (every probe not clear/ok):\n")
    print(findings(probes))
    if args.json:
        Path(args.json).write_text(json.dumps([p.record() for p in probes], indent=1), encoding="utf-8")
    return int(any(p.outcome in BAD_OUTCOMES for p in probes))


if __name__ == "__main__":
    sys.exit(main())
