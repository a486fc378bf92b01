"""Per-step time of a whole training step: jtorch compiled, jtorch eager, real torch eager (and
torch.compile when asked), and the same model hand-written in JAX + optax under one jax.jit.

    python benchmarks/train_step.py                 # the CPU workloads
    python benchmarks/train_step.py --gpu           # the larger GPU workloads, on CUDA
    python benchmarks/train_step.py --only mlp --rounds 40

The variants of a workload are timed in alternating rounds (a few steps of each in turn), so drift in
the machine's speed affects them alike. Prints, per workload, min/median/max milliseconds per step and
the ratios jtorch-compiled / JAX and jtorch-compiled / torch-eager (of the min, median and max), plus
the time of the first two compiled calls: on a fresh model the first call creates the grads and the
optimizer state (a program that runs once), the second compiles the steady-state program.
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

import jtorch  # noqa: E402
from _timing import interleaved, table  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


# ------------------------------------------------------------------ workloads, written once for torch and jtorch
def mlp(m, sizes):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [m.nn.Linear(a, b), m.nn.ReLU()]
    return m.nn.Sequential(*layers[:-1])


def lenet(m, c=1):
    return m.nn.Sequential(m.nn.Conv2d(c, 6, 5, padding=2), m.nn.ReLU(), m.nn.MaxPool2d(2),
                           m.nn.Conv2d(6, 16, 5), m.nn.ReLU(), m.nn.MaxPool2d(2), m.nn.Flatten(),
                           m.nn.Linear(16 * 5 * 5, 120), m.nn.ReLU(), m.nn.Linear(120, 84), m.nn.ReLU(),
                           m.nn.Linear(84, 10))


def convnet(m):
    return m.nn.Sequential(m.nn.Conv2d(3, 64, 3, padding=1), m.nn.ReLU(), m.nn.MaxPool2d(2),
                           m.nn.Conv2d(64, 128, 3, padding=1), m.nn.ReLU(), m.nn.MaxPool2d(2),
                           m.nn.Conv2d(128, 256, 3, padding=1), m.nn.ReLU(), m.nn.AdaptiveAvgPool2d(1),
                           m.nn.Flatten(), m.nn.Linear(256, 10))


def lstm_model(m, hidden):
    class LSTMClassifier(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = m.nn.LSTM(hidden, hidden, batch_first=True)
            self.head = m.nn.Linear(hidden, 10)

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.head(out[:, -1])
    return LSTMClassifier()


def encoder(m, d_model, nhead, layers, seq):
    class Encoder(m.nn.Module):
        def __init__(self):
            super().__init__()
            layer = m.nn.TransformerEncoderLayer(d_model, nhead, 4 * d_model, dropout=0.0, batch_first=True,
                                                 norm_first=True)
            self.body = m.nn.TransformerEncoder(layer, layers, enable_nested_tensor=False) if layers > 1 else layer
            self.head = m.nn.Linear(d_model, 10)
            self.register_buffer("mask", m.nn.Transformer.generate_square_subsequent_mask(seq))

        def forward(self, x):
            return self.head(self.body(x, src_mask=self.mask) if layers > 1 else self.body(x, src_mask=self.mask))
    return Encoder()


def _opt(m, name, params):
    if name == "sgd":
        return m.optim.SGD(params, lr=0.01, momentum=0.9)
    if name == "adam":
        return m.optim.Adam(params, lr=1e-3)
    return m.optim.AdamW(params, lr=1e-3, weight_decay=0.01)


def workloads(gpu: bool) -> list:
    if not gpu:
        return [
            ("mlp", "MLP 784-512-512-10, batch 128, SGD momentum", lambda m: mlp(m, [784, 512, 512, 10]),
             "sgd", (128, 784)),
            ("lenet", "LeNet-5, batch 64, Adam", lambda m: lenet(m), "adam", (64, 1, 28, 28)),
            ("lstm", "LSTM hidden 128, seq 32, batch 32, Adam", lambda m: lstm_model(m, 128), "adam", (32, 32, 128)),
            ("transformer", "Transformer encoder layer d256 h4 seq64 b16, AdamW",
             lambda m: encoder(m, 256, 4, 1, 64), "adamw", (16, 64, 256)),
        ]
    return [
        ("mlp", "MLP 784-4096-4096-10, batch 1024, SGD momentum", lambda m: mlp(m, [784, 4096, 4096, 10]), "sgd",
         (1024, 784)),
        ("convnet", "3-layer conv net, batch 256 (3x32x32), Adam", convnet, "adam", (256, 3, 32, 32)),
        ("transformer", "4-layer pre-norm causal Transformer d512 seq256 b32, AdamW",
         lambda m: encoder(m, 512, 8, 4, 256), "adamw", (32, 256, 512)),
    ]


# ------------------------------------------------------------------ the same models hand-written in JAX
def _init_like(jmodel) -> dict:
    return {k: jnp.asarray(v._value) for k, v in jmodel.state_dict().items()}


def _linear(p, k, x):
    return x @ p[k + ".weight"].T + p[k + ".bias"]


def _conv(p, k, x, padding):
    y = jax.lax.conv_general_dilated(x, p[k + ".weight"], (1, 1), [(padding, padding)] * 2,
                                     dimension_numbers=("NCHW", "OIHW", "NCHW"))
    return y + p[k + ".bias"][None, :, None, None]


def _maxpool(x):
    return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")


def _layer_norm(p, k, x):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / jnp.sqrt(var + 1e-5) * p[k + ".weight"] + p[k + ".bias"]


def jax_forward(name: str, nlayers: int, nhead: int):
    def mlp_f(p, x):
        n = len([k for k in p if k.endswith(".weight")])
        for i in range(n):
            x = _linear(p, str(2 * i), x)
            if i < n - 1:
                x = jax.nn.relu(x)
        return x

    def lenet_f(p, x):
        x = _maxpool(jax.nn.relu(_conv(p, "0", x, 2)))
        x = _maxpool(jax.nn.relu(_conv(p, "3", x, 0)))
        x = x.reshape(x.shape[0], -1)
        x = jax.nn.relu(_linear(p, "7", x))
        x = jax.nn.relu(_linear(p, "9", x))
        return _linear(p, "11", x)

    def conv_f(p, x):
        x = _maxpool(jax.nn.relu(_conv(p, "0", x, 1)))
        x = _maxpool(jax.nn.relu(_conv(p, "3", x, 1)))
        x = jax.nn.relu(_conv(p, "6", x, 1)).mean((2, 3))
        return _linear(p, "10", x)

    def lstm_f(p, x):
        wi, wh = p["lstm.weight_ih_l0"], p["lstm.weight_hh_l0"]
        b = p["lstm.bias_ih_l0"] + p["lstm.bias_hh_l0"]
        h0 = jnp.zeros((x.shape[0], wh.shape[1]), x.dtype)

        def cell(carry, xt):
            h, c = carry
            g = xt @ wi.T + h @ wh.T + b
            i, f, gg, o = jnp.split(g, 4, -1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(gg)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), h
        # the whole output sequence, as nn.LSTM (and flax's nn.RNN) return it; the head reads its last step
        _, out = jax.lax.scan(cell, (h0, h0), jnp.swapaxes(x, 0, 1))
        return _linear(p, "head", jnp.swapaxes(out, 0, 1)[:, -1])

    def encoder_f(p, x):
        seq = x.shape[1]
        mask = jnp.where(jnp.tril(jnp.ones((seq, seq), bool)), 0.0, -jnp.inf)
        prefixes = [f"body.layers.{i}." for i in range(nlayers)] if nlayers > 1 else ["body."]
        for pre in prefixes:
            h = _layer_norm(p, pre + "norm1", x)
            qkv = h @ p[pre + "self_attn.in_proj_weight"].T + p[pre + "self_attn.in_proj_bias"]
            q, k, v = jnp.split(qkv, 3, -1)
            b, s, d = q.shape

            def heads(t):
                return t.reshape(b, s, nhead, d // nhead).transpose(0, 2, 1, 3)
            att = jax.nn.softmax(heads(q) @ heads(k).transpose(0, 1, 3, 2) / math.sqrt(d // nhead) + mask, -1)
            o = (att @ heads(v)).transpose(0, 2, 1, 3).reshape(b, s, d)
            x = x + _linear(p, pre + "self_attn.out_proj", o)
            h = _layer_norm(p, pre + "norm2", x)
            x = x + _linear(p, pre + "linear2", jax.nn.relu(_linear(p, pre + "linear1", h)))
        return _linear(p, "head", x)

    return {"mlp": mlp_f, "lenet": lenet_f, "convnet": conv_f, "lstm": lstm_f, "transformer": encoder_f}[name]


def _optax(name):
    if name == "sgd":
        return optax.sgd(0.01, momentum=0.9)
    if name == "adam":
        return optax.adam(1e-3)
    return optax.adamw(1e-3, weight_decay=0.01)


def _targets(name, shape, rng):
    """Class labels: one per sample, or one per token for the sequence-to-sequence Transformer."""
    return rng.integers(0, 10, shape[:2] if name.startswith("transformer") else shape[:1])


# ------------------------------------------------------------------ timing
def run_workload(key, desc, build, opt_name, shape, args) -> list:
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(shape).astype(np.float32)
    y_np = _targets(key, shape, rng)
    dev = "cuda" if args.gpu else "cpu"
    runs: dict = {}

    # jtorch: compiled, and eager on a second copy of the model
    def jtorch_step(seed):
        jtorch.manual_seed(seed)
        jm = build(jtorch).to(dev)
        jopt = _opt(jtorch, opt_name, jm.parameters())
        crit = jtorch.nn.CrossEntropyLoss()
        jx, jy = jtorch.tensor(x_np, device=dev), jtorch.tensor(y_np, device=dev)

        def jstep():
            jopt.zero_grad()
            loss = crit(jm(jx).flatten(0, -2), jy.flatten())
            loss.backward()
            jopt.step()
            return loss
        return jm, jstep, (lambda: jax.block_until_ready([p._value for p in jm.parameters()]))
    jm, jstep, jsync = jtorch_step(0)
    cstep = jtorch.compile(jstep)
    first = []  # the first call (fresh grads and optimizer state: a run-once program), then the steady one
    for _ in range(2):
        t0 = time.perf_counter()
        cstep()
        jsync()
        first.append(time.perf_counter() - t0)
    runs["jtorch compiled"] = (cstep, jsync)
    if not args.skip_eager:
        _, estep, esync = jtorch_step(0)
        runs["jtorch eager"] = (estep, esync)

    # hand-written JAX + optax
    params = _init_like(jm)
    params = {k: v for k, v in params.items() if k in dict(jm.named_parameters())}
    fwd = jax_forward(key, 4 if args.gpu else 1, 8 if args.gpu else 4)
    tx = _optax(opt_name)
    opt_state = tx.init(params)

    @jax.jit
    def jax_step(params, opt_state, x, y):
        def loss_fn(p):
            return optax.softmax_cross_entropy_with_integer_labels(fwd(p, x).reshape(-1, 10), y.reshape(-1)).mean()
        loss, g = jax.value_and_grad(loss_fn)(params)
        updates, opt_state = tx.update(g, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss
    jdev = next(iter(jm.parameters()))._value.devices().pop()
    xj, yj = jax.device_put(x_np, jdev), jax.device_put(y_np, jdev)
    state = [params, opt_state]

    def hstep():
        state[0], state[1], _ = jax_step(state[0], state[1], xj, yj)
    runs["JAX+optax"] = (hstep, lambda: jax.block_until_ready(state[0]))

    # torch eager (and torch.compile)
    if torch is not None and not args.skip_torch:
        tdev = "cuda" if args.gpu and torch.cuda.is_available() else "cpu"
        if args.gpu and tdev == "cpu":
            print("  (torch has no CUDA here: torch columns are CPU)")
        torch.manual_seed(0)
        if args.gpu:
            torch.backends.cuda.matmul.allow_tf32 = True
            torch.backends.cudnn.allow_tf32 = True
        tm = build(torch).to(tdev)
        topt = _opt(torch, opt_name, tm.parameters())
        tcrit = torch.nn.CrossEntropyLoss()
        tx_, ty_ = torch.from_numpy(x_np).to(tdev), torch.from_numpy(y_np).to(tdev)

        def tstep():
            topt.zero_grad()
            loss = tcrit(tm(tx_).flatten(0, -2), ty_.flatten())
            loss.backward()
            topt.step()
        tsync = (lambda: torch.cuda.synchronize()) if tdev == "cuda" else (lambda: None)
        runs["torch eager"] = (tstep, tsync)
        if args.torch_compile:
            runs["torch.compile"] = (torch.compile(tstep), tsync)

    times = interleaved(runs, args.rounds, args.steps, single={"jtorch eager"})

    def fmt(k):
        v = times.get(k)
        return f"{min(v):.2f}/{statistics.median(v):.2f}/{max(v):.2f}" if v else "-"

    def ratio(a, b):
        if not times.get(a) or not times.get(b):
            return "-"
        return (f"{min(times[a]) / min(times[b]):.2f}/{statistics.median(times[a]) / statistics.median(times[b]):.2f}"
                f"/{max(times[a]) / max(times[b]):.2f}x")
    return [(desc, fmt("jtorch compiled"), fmt("jtorch eager"), fmt("torch eager"), fmt("torch.compile"),
             fmt("JAX+optax"), ratio("jtorch compiled", "JAX+optax"), ratio("jtorch compiled", "torch eager"),
             f"{first[0]:.1f}+{first[1]:.1f}s")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gpu", action="store_true", help="the larger GPU workloads, on CUDA")
    ap.add_argument("--steps", type=int, default=5, help="steps per timing round")
    ap.add_argument("--rounds", type=int, default=20, help="alternating timing rounds")
    ap.add_argument("--only", default=None, help="comma-separated workload keys")
    ap.add_argument("--torch-compile", action="store_true", help="also time torch.compile (slow to compile)")
    ap.add_argument("--skip-eager", action="store_true")
    ap.add_argument("--skip-torch", action="store_true")
    args = ap.parse_args()
    if torch is not None and not args.gpu:
        torch.set_num_threads(os.cpu_count() or 1)
    rows = []
    for key, desc, build, opt_name, shape in workloads(args.gpu):
        if args.only and key not in args.only.split(","):
            continue
        print(f"running {desc} ...", flush=True)
        rows += run_workload(key, desc, build, opt_name, shape, args)
    dev = jax.devices()[0]
    print(f"\njax {jax.__version__} on {dev.platform} ({getattr(dev, 'device_kind', '')}); "
          f"ms per step as min/median/max over {args.rounds} alternating rounds of {args.steps} steps; "
          "ratios of the min/median/max")
    print(table(rows, ("workload", "jtorch compiled", "jtorch eager", "torch eager", "torch.compile", "JAX+optax",
                       "compiled/JAX", "compiled/torch", "first+second step")))


if __name__ == "__main__":
    main()
