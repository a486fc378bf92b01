"""optimizer.step() time on ResNet-18's parameter shapes (62 tensors, 11.7M values): jtorch vs torch.

    python benchmarks/optim_step.py [--rounds N] [--steps N]

jtorch runs one fused jitted update per group; torch runs its default CPU implementation (the
for-loop one) and its foreach implementation (torch's default on GPU). The three are timed in
alternating rounds. Printed: milliseconds per step and the ratio jtorch / torch (< 1 means jtorch is
faster). Target: <= 1.0 against both. jtorch donates the parameter and state buffers into the update
(nothing else holds them here), so XLA updates them in place as torch's in-place kernels do.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import numpy as np  # noqa: E402

import jtorch  # noqa: E402
from _timing import interleaved, table  # noqa: E402

try:
    import torch
except ImportError:  # the comparison columns are left empty without torch
    torch = None


def resnet18_shapes() -> list[tuple]:
    shapes = [(64, 3, 7, 7), (64,), (64,)]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        for block in range(2):
            first_in = cin if block == 0 else cout
            shapes += [(cout, first_in, 3, 3), (cout,), (cout,), (cout, cout, 3, 3), (cout,), (cout,)]
            if block == 0 and (stride != 1 or cin != cout):
                shapes += [(cout, cin, 1, 1), (cout,), (cout,)]
        cin = cout
    return shapes + [(1000, 512), (1000,)]


CONFIGS = [
    ("Adam", {"lr": 1e-3}),
    ("AdamW", {"lr": 1e-3, "weight_decay": 1e-2}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 5e-4}),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=5, help="steps per timing round")
    ap.add_argument("--rounds", type=int, default=15, help="alternating timing rounds")
    args = ap.parse_args()
    if torch is not None:
        torch.set_num_threads(os.cpu_count() or 1)
    shapes = resnet18_shapes()
    rng = np.random.default_rng(0)
    values = [rng.standard_normal(s, dtype=np.float32) for s in shapes]
    grads = [rng.standard_normal(s, dtype=np.float32) * 1e-2 for s in shapes]
    print(f"{len(shapes)} tensors, {sum(v.size for v in values) / 1e6:.2f}M values, float32, "
          f"jax devices: {jax.devices()}")

    rows = []
    for name, kw in CONFIGS:
        jp = [jtorch.tensor(v, requires_grad=True) for v in values]
        for p, g in zip(jp, grads):
            p.grad = jtorch.tensor(g)
        jopt = getattr(jtorch.optim, name)(jp, **kw)
        runs = {"jtorch": (jopt.step, lambda jp=jp: jax.block_until_ready(jp[-1]._value))}
        if torch is not None:
            for foreach in (False, True):
                tp = [torch.tensor(v, requires_grad=True) for v in values]
                for p, g in zip(tp, grads):
                    p.grad = torch.tensor(g)
                topt = getattr(torch.optim, name)(tp, foreach=foreach, **kw)
                runs["foreach" if foreach else "for-loop"] = (topt.step, lambda: None)
        times = {k: statistics.median(v) for k, v in interleaved(runs, args.rounds, args.steps).items()}
        label = name + "(" + ", ".join(f"{k}={v}" for k, v in kw.items()) + ")"
        if torch is None:
            rows.append((label, f"{times['jtorch']:.2f}", "", "", "", ""))
            continue
        rows.append((label, f"{times['jtorch']:.2f}", f"{times['for-loop']:.2f}", f"{times['foreach']:.2f}",
                     f"{times['jtorch'] / times['for-loop']:.2f}", f"{times['jtorch'] / times['foreach']:.2f}"))
    print(f"median ms per step over {args.rounds} alternating rounds of {args.steps} steps")
    print(table(rows, ("optimizer", "jtorch ms", "torch for-loop ms", "torch foreach ms", "ratio vs for-loop",
                       "ratio vs foreach")))


if __name__ == "__main__":
    main()
