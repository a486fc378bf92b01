"""Per-call cost of small eager ops: jtorch vs real torch vs raw jax.numpy (ratios).

    python benchmarks/eager_ops.py

Target: a jtorch op costs no more than raw jax.numpy dispatch (<= 1.0x) — each op is one cached,
already-compiled XLA call plus a little Python.
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import jtorch  # noqa: E402
from _timing import per_call_us, table  # noqa: E402

try:
    import torch
    torch.set_num_threads(1)
except ImportError:  # the comparison column is left empty without torch
    torch = None


def chain(m, a, b):
    x = a + b
    x = x * b
    x = x - a
    x = x.sin() if hasattr(x, "sin") else m.sin(x)
    x = x * 0.5
    x = x.exp() if hasattr(x, "exp") else m.exp(x)
    x = x + 1.0
    x = x.tanh() if hasattr(x, "tanh") else m.tanh(x)
    x = x * a
    return x - b


def main() -> None:
    rng = np.random.default_rng(0)
    a4, b4 = rng.standard_normal((4, 4), dtype=np.float32), rng.standard_normal((4, 4), dtype=np.float32)
    a256, b256 = (rng.standard_normal((256, 256), dtype=np.float32) for _ in range(2))

    ja, jb = jtorch.tensor(a4), jtorch.tensor(b4)
    xa, xb = jnp.asarray(a4), jnp.asarray(b4)
    jA, jB = jtorch.tensor(a256), jtorch.tensor(b256)
    xA, xB = jnp.asarray(a256), jnp.asarray(b256)
    jw = jtorch.zeros(64, 64)
    xw = jnp.zeros((64, 64))
    chain_jit = jax.jit(lambda a, b: chain(jnp, a, b))

    def jt_matmul():
        return jA.matmul(jB) if hasattr(jA, "matmul") else None

    cases = [
        ("a + b (4x4)", lambda: ja + jb, lambda: xa + xb, "a + b"),
        ("10-op chain (4x4)", lambda: chain(jtorch, ja, jb), lambda: chain(jnp, xa, xb), "chain"),
        ("matmul 256x256", jt_matmul, lambda: xA @ xB, "matmul"),
        ("x[:, 3] = 1.0 (64x64)", lambda: jw.__setitem__((slice(None), 3), 1.0),
         lambda: xw.at[:, 3].set(1.0), "setitem"),
    ]
    t_in = {}
    if torch is not None:
        t_in = {"a": torch.from_numpy(a4), "b": torch.from_numpy(b4), "A": torch.from_numpy(a256),
                "B": torch.from_numpy(b256), "w": torch.zeros(64, 64)}
    torch_fns = {
        "a + b": lambda: t_in["a"] + t_in["b"],
        "chain": lambda: chain(torch, t_in["a"], t_in["b"]),
        "matmul": lambda: t_in["A"] @ t_in["B"],
        "setitem": lambda: t_in["w"].__setitem__((slice(None), 3), 1.0),
    }
    rows = []
    sync = lambda: jax.effects_barrier()  # noqa: E731
    for name, jt_fn, jnp_fn, key in cases:
        jt = per_call_us(jt_fn, sync=sync)
        xj = per_call_us(jnp_fn, sync=sync)
        tt = per_call_us(torch_fns[key]) if torch is not None else float("nan")
        rows.append((name, f"{jt:.1f}", f"{xj:.1f}", f"{tt:.1f}", f"{jt / xj:.2f}x", f"{jt / tt:.2f}x"))
    chain_j = per_call_us(lambda: chain_jit(xa, xb), sync=sync)
    print(f"jax {jax.__version__}, device {jax.devices()[0].platform}; times in microseconds per call")
    print(table(rows, ("case", "jtorch", "jax.numpy", "torch", "jtorch/jnp", "jtorch/torch")))
    print(f"(the 10-op chain under jax.jit: {chain_j:.1f} us)")


if __name__ == "__main__":
    main()
