"""Train a LeNet-style CNN on scikit-learn's 8x8 digits, written exactly as a PyTorch script.

The first epochs run eagerly (one cached XLA call per op); the rest run the same training step
compiled by ``torch.compile`` into one XLA program. Prints the test accuracy and the compiled-vs-eager
speed-up, and writes the loss curve to ``examples/out/digits_loss.png``.

    python examples/train_digits.py [--epochs 30] [--eager-epochs 3]
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tqdm import tqdm

import jtorch as torch
import jtorch.nn as nn
import jtorch.nn.functional as F


class LeNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 2 * 2, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.dropout = nn.Dropout(0.2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)   # 16 x 4 x 4
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)   # 32 x 2 x 2
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def load(batch_size: int, seed: int):
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]  # N x 1 x 8 x 8
    y = digits.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)
    mean, std = x_tr.mean(), x_tr.std()
    x_tr, x_te = (x_tr - mean) / std, (x_te - mean) / std
    n = len(x_tr) // batch_size * batch_size  # whole batches: one compiled program
    return torch.tensor(x_tr[:n]), torch.tensor(y_tr[:n]), torch.tensor(x_te), torch.tensor(y_te)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--eager-epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "out"))
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    x_train, y_train, x_test, y_test = load(args.batch_size, args.seed)
    model = LeNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    criterion = nn.CrossEntropyLoss()

    def train_step(x, y):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    compiled_step = torch.compile(train_step)
    n_batches = len(x_train) // args.batch_size
    losses, timings = [], {"eager": [], "compiled": []}
    for epoch in range(args.epochs):
        mode = "eager" if epoch < args.eager_epochs else "compiled"
        step = train_step if mode == "eager" else compiled_step
        model.train()
        perm = torch.randperm(len(x_train))
        bar = tqdm(range(n_batches), desc=f"epoch {epoch + 1:2d}/{args.epochs} ({mode})", leave=False)
        for i in bar:
            idx = perm[i * args.batch_size:(i + 1) * args.batch_size]
            t0 = time.perf_counter()
            loss = step(x_train[idx], y_train[idx])
            value = loss.item()  # waits for the step to finish
            if i > 0 or mode == "eager":  # the first compiled call of an epoch may include compilation
                timings[mode].append(time.perf_counter() - t0)
            losses.append(value)
            bar.set_postfix(loss=f"{value:.3f}")
        scheduler.step()

    model.eval()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    eager_ms = 1e3 * float(np.median(timings["eager"])) if timings["eager"] else float("nan")
    compiled_ms = 1e3 * float(np.median(timings["compiled"][1:])) if len(timings["compiled"]) > 1 else float("nan")
    print(f"test accuracy: {accuracy * 100:.2f}%  ({len(y_test)} held-out digits)")
    print(f"step time: eager {eager_ms:.2f} ms, compiled {compiled_ms:.2f} ms "
          f"-> compiled is {eager_ms / compiled_ms:.1f}x faster ({compiled_step.compilations} compilations)")

    os.makedirs(args.out, exist_ok=True)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(losses, lw=0.8, label="training loss")
    ax.axvline(args.eager_epochs * n_batches, color="gray", ls="--", lw=0.8, label="eager -> compiled")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy")
    ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "digits_loss.png")
    fig.savefig(path, dpi=120)
    print(f"loss curve: {path}")


if __name__ == "__main__":
    main()
