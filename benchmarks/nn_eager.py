"""Eager forward+backward time of three nn workloads: jtorch vs real torch, same weights, same run.

    python benchmarks/nn_eager.py [--calls N]

Workloads: a LeNet-5-sized CNN (batch 64, 1x28x28), a 2-layer LSTM (hidden 128, seq 32, batch 32)
and a Transformer encoder layer (d_model 256, 4 heads, seq 64, batch 16). Each call is
``loss = model(x).square().mean(); loss.backward()`` with the gradients dropped afterwards.
Printed: milliseconds per call and the ratio jtorch / torch (< 1 means jtorch is faster).
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import numpy as np  # noqa: E402

import jtorch  # noqa: E402
from _timing import per_call_us, table  # noqa: E402

try:
    import torch
except ImportError:  # the comparison column is left empty without torch
    torch = None


def lenet(m):
    nn = m.nn

    class LeNet5(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            F = m.nn.functional
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = m.flatten(x, 1)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    return LeNet5(), (64, 1, 28, 28)


def lstm(m):
    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = m.nn.LSTM(64, 128, num_layers=2, batch_first=True)

        def forward(self, x):
            return self.rnn(x)[0]

    return Net(), (32, 32, 64)


def encoder(m):
    return m.nn.TransformerEncoderLayer(256, 4, dim_feedforward=1024, dropout=0.0, batch_first=True), (16, 64, 256)


WORKLOADS = [("LeNet-5 b64", lenet), ("LSTM 2x128 s32 b32", lstm), ("TransformerEncoderLayer d256 s64 b16", encoder)]


def step_fn(m, model, x):
    params = list(model.parameters())

    def step():
        loss = model(x).square().mean()
        loss.backward()
        for p in params:
            p.grad = None
        return loss

    return step


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=20)
    args = ap.parse_args()
    rows = []
    for name, build in WORKLOADS:
        jtorch.manual_seed(0)
        jmodel, shape = build(jtorch)
        x = np.random.default_rng(0).standard_normal(shape, dtype=np.float32)
        jx = jtorch.tensor(x)
        jstep = step_fn(jtorch, jmodel, jx)
        j_us = per_call_us(lambda: jstep().item(), calls=args.calls, repeats=5)
        t_us = None
        if torch is not None:
            torch.manual_seed(0)
            tmodel, _ = build(torch)
            tmodel.load_state_dict({k: torch.tensor(v.numpy()) for k, v in jmodel.state_dict().items()})
            tstep = step_fn(torch, tmodel, torch.tensor(x))
            t_us = per_call_us(lambda: tstep().item(), calls=args.calls, repeats=5)
            assert abs(jstep().item() - tstep().item()) <= 1e-3 * max(1.0, abs(tstep().item())), name
        rows.append((name, f"{j_us / 1e3:.2f}", "-" if t_us is None else f"{t_us / 1e3:.2f}",
                     "-" if t_us is None else f"{j_us / t_us:.2f}x"))
    print(table(rows, ("workload (eager fwd+bwd)", "jtorch ms", "torch ms", "jtorch/torch")))


if __name__ == "__main__":
    main()
