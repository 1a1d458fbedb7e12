"""The workloads of the benchmark, each with its exact count of FLOPs and of bytes moved.

A FLOP is one floating-point addition or multiplication, so a multiply-add counts 2. The bytes are the
*compulsory* traffic to memory: each input read once, each output written once. Their ratio, the
arithmetic intensity in FLOP/byte, decides whether a workload is limited by the arithmetic units or by
memory bandwidth (see :mod:`labkit.hardware.roofline`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .._checks import Bool, Choice, Instance, Int, Seed, Size, Sizes, check_elements
from .._contract import contract
from .harness import _Device, check_dtype

#: Bytes per element of each floating-point type.
ITEMSIZE = {"float64": 8, "float32": 4, "bfloat16": 2, "float16": 2}

#: The MLP trained by :meth:`Workload.mlp_step` unless told otherwise: 256 inputs, two hidden layers.
MLP_SIZES = (256, 512, 512, 10)

_KINDS = ("matmul", "elementwise", "conv2d", "mlp_step", "mlp_step_with_copy", "copy", "pinned_copy")
_DTYPE = Choice(*ITEMSIZE)


@contract(kind=Choice(*_KINDS), size=Size(), dtype=Choice(*ITEMSIZE, "uint8"), flops=Int(0), bytes=Int(1),
          shape=Instance(dict, what="a dict"))
@dataclass(frozen=True)
class Workload:
    """One piece of work: its kind, size, dtype, and its FLOP and byte counts.

    Build one with a class method (:meth:`matmul`, :meth:`elementwise`, :meth:`conv2d`,
    :meth:`mlp_step`, :meth:`copy`); :meth:`runner` turns it into a function that does the work once
    on a device. Every workload moves at least one byte (its intensity divides by them); a copy does
    no FLOP. Sizes whose arrays would hold more than ``2**28`` numbers are refused before anything
    is allocated.

    Examples
    --------
    >>> w = Workload.matmul(1024)
    >>> w.flops, w.bytes, round(w.intensity, 1)
    (2147483648, 12582912, 170.7)
    >>> Workload.elementwise(1000).intensity  # 1 FLOP per 12 bytes: memory-bound everywhere
    0.08333333333333333
    """

    kind: str
    size: int
    dtype: str
    flops: int
    bytes: int
    shape: dict[str, Any] = field(default_factory=dict)

    @property
    def intensity(self) -> float:
        """Arithmetic intensity, in FLOPs per byte moved (0 for a copy)."""
        return self.flops / self.bytes

    @contract()
    def as_dict(self) -> dict[str, Any]:
        """The fields and the intensity as a dict, ready for JSON."""
        return {**asdict(self), "intensity": self.intensity}

    @classmethod
    @contract(n=Size(), dtype=_DTYPE)
    def matmul(cls, n: int, dtype: str = "float32") -> Workload:
        """``C = A @ B`` for ``n x n`` matrices: ``n**2`` dot products of length ``n``, ``2 n**3`` FLOPs.

        Reads ``A`` and ``B`` and writes ``C``: ``3 n**2`` elements. The intensity grows like ``n / 6``
        in float32: large products are compute-bound.
        """
        check_elements("n", n * n, f"{n} x {n} matrices")
        return cls("matmul", n, dtype, 2 * n**3, 3 * n**2 * ITEMSIZE[dtype], {"n": n})

    @classmethod
    @contract(n=Size(), dtype=_DTYPE)
    def elementwise(cls, n: int, dtype: str = "float32") -> Workload:
        """``z = x + y`` on ``n`` elements: ``n`` FLOPs for ``3 n`` elements moved, whatever ``n``."""
        check_elements("n", n, f"vectors of {n} elements")
        return cls("elementwise", n, dtype, n, 3 * n * ITEMSIZE[dtype], {"n": n})

    @classmethod
    @contract(batch=Size(), channels=Size(), height=Size(), kernel=Size(), dtype=_DTYPE)
    def conv2d(cls, batch: int, channels: int, height: int, kernel: int = 3, dtype: str = "float32") -> Workload:
        """A ``kernel x kernel`` convolution, ``channels`` in and out, ``height x height`` images, same padding.

        Each of the ``batch * channels * height**2`` outputs is a dot product of length
        ``channels * kernel**2``: ``2 * batch * channels**2 * height**2 * kernel**2`` FLOPs. Moved: the
        input, the output and the weights. ``kernel`` is odd (same padding keeps the image size) and at
        most ``height``: a larger kernel would mostly multiply the padding's zeros.
        """
        b, c, h, k, s = batch, channels, height, kernel, ITEMSIZE[dtype]
        if k % 2 == 0:
            raise ValueError(f"kernel must be an odd int (same padding keeps the image size), got {k}")
        if k > h:
            raise ValueError(f"kernel must be at most height={h} (a kernel larger than the image), got {k}")
        check_elements("batch", b * c * h * h, f"a batch of {b} images of {c} x {h} x {h}")
        check_elements("channels", c * c * k * k, f"{c} x {c} x {k} x {k} weights")
        return cls("conv2d", b, dtype, 2 * b * c * c * h * h * k * k, (2 * b * c * h * h + c * c * k * k) * s,
                   {"batch": b, "channels": c, "height": h, "kernel": k})

    @classmethod
    @contract(batch=Size(), sizes=Sizes(2), dtype=_DTYPE, with_copy=Bool())
    def mlp_step(cls, batch: int, sizes: Sequence[int] = MLP_SIZES, dtype: str = "float32",
                 with_copy: bool = False) -> Workload:
        """One SGD step of a ReLU MLP on a batch: forward, backward, update.

        FLOPs of the matrix products, for layers ``d_0 -> d_1 -> ... -> d_L`` and ``S = sum d_{l-1} d_l``:
        ``2 B S`` forward, ``2 B S`` for the weight gradients and ``2 B (S - d_0 d_1)`` for the
        gradients of the layer inputs (none for the data). Bias, ReLU, loss and update are
        ``O(B d + P)`` and left out. Bytes: the batch, every activation written then read back, and the
        ``P`` parameters read twice, their gradients written, the update reading both and writing one:
        ``B d_0 + 2 B (d_1 + ... + d_L) + 6 P`` elements. With ``with_copy``, each step first copies
        the batch from host memory to the device, as a training loop without prefetching does.
        """
        b, d, s = batch, list(sizes), ITEMSIZE[dtype]  # the default is a tuple: JSON gives back a list
        check_elements("batch", b * max(d), f"activations of {b} x {max(d)}")
        products = sum(i * o for i, o in zip(d[:-1], d[1:]))
        params = products + sum(d[1:])
        flops = 2 * b * products + 2 * b * products + 2 * b * (products - d[0] * d[1])
        moved = b * d[0] + 2 * b * sum(d[1:]) + 6 * params
        return cls("mlp_step_with_copy" if with_copy else "mlp_step", b, dtype, flops, moved * s,
                   {"batch": b, "sizes": d, "parameters": params})

    @classmethod
    @contract(n_bytes=Size(), pinned=Bool())
    def copy(cls, n_bytes: int, pinned: bool = False) -> Workload:
        """Copy ``n_bytes`` from host memory to the GPU, over PCIe or NVLink-C2C: 0 FLOPs.

        ``pinned`` (page-locked) host memory lets the GPU read it directly; ordinary (pageable)
        memory goes through a staging buffer first.
        """
        check_elements("n_bytes", n_bytes, f"a buffer of {n_bytes} bytes")
        return cls("pinned_copy" if pinned else "copy", n_bytes, "uint8", 0, n_bytes, {"n_bytes": n_bytes})

    @contract(device=_Device(), seed=Seed())
    def runner(self, device: str, seed: int = 0) -> Callable[[], object]:
        """A function that does this work once on ``device``, on seeded random data made in advance.

        >>> fn = Workload.matmul(8).runner("cpu")
        >>> tuple(fn().shape)
        (8, 8)
        """
        import torch

        from ..seeding import generator

        _check_fits(self)
        gen = generator(seed)
        if self.kind in ("copy", "pinned_copy"):
            if device == "cpu":
                raise ValueError("device must be 'cuda' for a host-to-device copy: on 'cpu' nothing moves")
            host = torch.empty(self.size, dtype=torch.uint8, pin_memory=self.kind == "pinned_copy")
            return lambda: host.to(device, non_blocking=False)
        dt = check_dtype(self.dtype, device)

        def rand(*shape: int) -> Any:  # drawn in float32 on the host: the same data on every device
            return torch.randn(*shape, generator=gen).to(device=device, dtype=dt)

        if self.kind == "matmul":
            a, b = rand(self.size, self.size), rand(self.size, self.size)
            return lambda: torch.matmul(a, b)
        if self.kind == "elementwise":
            x, y, z = rand(self.size), rand(self.size), rand(self.size)
            return lambda: torch.add(x, y, out=z)
        if self.kind == "conv2d":
            c, h, k = self.shape["channels"], self.shape["height"], self.shape["kernel"]
            x, w = rand(self.size, c, h, h), rand(c, c, k, k)
            return lambda: torch.nn.functional.conv2d(x, w, padding=k // 2)
        return _mlp_runner(self, device, dt, gen)


def _mlp_runner(w: Workload, device: str, dt: Any, gen: Any) -> Callable[[], object]:
    import torch

    from ..networks import mlp

    d = w.shape["sizes"]
    net = mlp(d, seed=int(torch.randint(0, 2**31, (1,), generator=gen))).to(device=device, dtype=dt)
    opt = torch.optim.SGD(net.parameters(), lr=1e-3)
    X_host, y_host = torch.randn(w.size, d[0], generator=gen).to(dt), torch.randint(0, d[-1], (w.size,), generator=gen)
    X, y = X_host.to(device), y_host.to(device)

    def step() -> object:
        xb, yb = (X_host.to(device), y_host.to(device)) if w.kind == "mlp_step_with_copy" else (X, y)
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(net(xb), yb)
        loss.backward()
        opt.step()
        return loss.detach()  # the value, not the graph: float(step()) warns on a tensor that requires grad

    return step


def _largest_array(w: Workload) -> int:
    """The numbers in the largest array ``w``'s runner allocates; ValueError if its shape lacks a key."""
    needs = {"conv2d": ("channels", "height", "kernel"), "mlp_step": ("sizes",), "mlp_step_with_copy": ("sizes",)}
    missing = [k for k in needs.get(w.kind, ()) if k not in w.shape]
    if missing:
        raise ValueError(f"shape must give {list(needs[w.kind])} for a {w.kind} workload, got keys {sorted(w.shape)}")
    if w.kind == "matmul":
        return w.size * w.size
    if w.kind == "conv2d":
        c, h, k = (int(w.shape[key]) for key in ("channels", "height", "kernel"))
        return max(w.size * c * h * h, c * c * k * k)
    if w.kind in ("mlp_step", "mlp_step_with_copy"):
        sizes = Sizes(2).check("shape['sizes']", w.shape["sizes"])
        return max(w.size * max(sizes), max(a * b for a, b in zip(sizes, sizes[1:])))
    return w.size  # elementwise, copy


def _check_fits(w: Workload, name: str = "size") -> None:
    """Refuse, before anything is allocated, a workload whose arrays exceed :data:`MAX_ELEMENTS`."""
    check_elements(name, _largest_array(w), f"a {w.kind} workload of size {w.size}")

