"""Forward + backward time of convolution, pooling and resampling layers at CNN sizes: the jtorch layer
under jax.jit (parameters passed in as arrays), the same layer hand-written in JAX under jax.jit, and real
torch eager.

    python benchmarks/conv_pool_layers.py            # small sizes, CPU
    python benchmarks/conv_pool_layers.py --gpu      # ResNet-like sizes, on the accelerator (torch on CUDA)

Prints milliseconds per call and the ratios jtorch / JAX and jtorch / torch.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import jtorch  # noqa: E402
from _timing import table  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

lax = jax.lax
DN = ("NCHW", "OIHW", "NCHW")


def _jax_conv(x, w, b, stride, pad):
    return lax.conv_general_dilated(x, w, (stride,) * 2, [(pad, pad)] * 2, dimension_numbers=DN) + b[None, :, None,
                                                                                                      None]


def _jax_convT(x, w, b):  # ConvTranspose2d(k=4, stride=2, padding=1)
    return lax.conv_transpose(x, w, (2, 2), [(2, 2), (2, 2)], dimension_numbers=DN,
                              transpose_kernel=True) + b[None, :, None, None]


def _jax_maxpool(x):
    return lax.reduce_window(x, -jnp.inf, lax.max, (1, 1, 3, 3), (1, 1, 2, 2), [(0, 0), (0, 0), (1, 1), (1, 1)])


def _jax_bilinear(x):
    n, c, h, w = x.shape
    return jax.image.resize(x, (n, c, 2 * h, 2 * w), "linear")


# (name, torch/jtorch layer builder, input shape on GPU, input shape on CPU, JAX function of (x, *params))
CASES = [
    ("conv 3x3 64->64", lambda m: m.nn.Conv2d(64, 64, 3, padding=1), (64, 64, 56, 56), (2, 64, 16, 16),
     lambda x, w, b: _jax_conv(x, w, b, 1, 1)),
    ("conv 7x7/2 3->64", lambda m: m.nn.Conv2d(3, 64, 7, stride=2, padding=3), (64, 3, 224, 224), (2, 3, 32, 32),
     lambda x, w, b: _jax_conv(x, w, b, 2, 3)),
    ("convT 4x4/2 64->32", lambda m: m.nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), (64, 64, 28, 28),
     (2, 64, 8, 8), _jax_convT),
    ("maxpool 3x3/2", lambda m: m.nn.MaxPool2d(3, 2, 1), (64, 64, 112, 112), (2, 64, 16, 16), _jax_maxpool),
    ("avgpool 2x2", lambda m: m.nn.AvgPool2d(2), (64, 64, 112, 112), (2, 64, 16, 16),
     lambda x: lax.reduce_window(x, 0.0, lax.add, (1, 1, 2, 2), (1, 1, 2, 2), "VALID") / 4),
    ("adaptive avgpool 1", lambda m: m.nn.AdaptiveAvgPool2d(1), (64, 512, 7, 7), (2, 512, 7, 7),
     lambda x: x.mean((2, 3), keepdims=True)),
    ("upsample bilinear x2", lambda m: m.nn.Upsample(scale_factor=2, mode="bilinear"), (64, 64, 56, 56),
     (2, 64, 16, 16), _jax_bilinear),
]


def _median_ms(fn, sync, calls: int, repeats: int = 5) -> float:
    for _ in range(3):
        fn()
    sync()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            out = fn()
        sync(out)
        samples.append((time.perf_counter() - t0) / calls * 1e3)
    return statistics.median(samples)


def run(name, build, shape, jax_fn, gpu: bool, calls: int) -> tuple:
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    jm = build(jtorch)
    names = [n for n, _ in jm.named_parameters()]
    pvals = [jnp.asarray(p.detach()._value) for p in jm.parameters()]

    def jtorch_grads(xv, *pv):  # the layer run by jtorch on Tensors wrapping tracers
        xt = jtorch.Tensor._make(xv).requires_grad_(True)
        ps = [jtorch.Tensor._make(v).requires_grad_(True) for v in pv]
        for n, p in zip(names, ps):
            jm._parameters[n] = p
        out = jm(xt)
        return [g._value for g in jtorch.autograd.grad(out.sum(), [xt] + ps)]

    xa = jnp.asarray(x)
    jstep = jax.jit(jtorch_grads)
    t0 = time.perf_counter()
    jax.block_until_ready(jstep(xa, *pvals))
    first = time.perf_counter() - t0
    t_j = _median_ms(lambda: jstep(xa, *pvals), lambda out=None: jax.block_until_ready(out), calls)

    grad = jax.jit(jax.grad(lambda x, *ps: jax_fn(x, *ps).sum(), argnums=tuple(range(1 + len(pvals)))))
    t_x = _median_ms(lambda: grad(xa, *pvals), lambda out=None: jax.block_until_ready(out), calls)

    t_t = float("nan")
    if torch is not None and (not gpu or torch.cuda.is_available()):
        dev = "cuda" if gpu else "cpu"
        tm = build(torch).to(dev)
        tx = torch.tensor(x, device=dev, requires_grad=True)
        tps = list(tm.parameters())

        def tstep():
            return torch.autograd.grad(tm(tx).sum(), [tx] + tps)

        def tsync(out=None):
            if gpu:
                torch.cuda.synchronize()

        t_t = _median_ms(tstep, tsync, calls)
    return name, f"{t_j:.3f}", f"{t_x:.3f}", f"{t_t:.3f}", f"{t_j / t_x:.2f}", f"{t_j / t_t:.2f}", f"{first:.1f}s"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gpu", action="store_true")
    ap.add_argument("--calls", type=int, default=20)
    args = ap.parse_args()
    if args.gpu and torch is not None and torch.cuda.is_available():
        torch.backends.cudnn.benchmark = True
    rows = [run(name, build, gpu_shape if args.gpu else cpu_shape, fn, args.gpu, args.calls)
            for name, build, gpu_shape, cpu_shape, fn in CASES]
    print(f"device: {jax.devices()[0]}; forward + backward, ms per call (median)")
    print(table(rows, ("layer", "jtorch", "JAX", "torch", "jtorch/JAX", "jtorch/torch", "first call")))


if __name__ == "__main__":
    main()
