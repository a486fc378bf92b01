"""Recurrent kernels: the RNN / LSTM / GRU stacks and cells (torch._VF.lstm, torch.lstm_cell ...).

A whole stack (every layer and direction, padded or packed input) is ONE registry op: the input
projections of all time steps are one matmul per layer and direction, the recurrence is a
``jax.lax.scan``, and backward is the op's VJP. Eagerly that is one compiled call per forward.

Packed input (``batch_sizes`` given) is scattered into a padded (T, B, H) block inside the kernel and
the scan is masked: a step ``t >= length[b]`` does not update sequence b's state, so every sequence is
processed to its own length, forward and reverse, exactly as torch's packed kernels.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from ..._random import as_key
from ...ops._registry import _type_name, op
from ._linear import _HIGHEST

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _mm(x, w):
    return jnp.matmul(x, w.T, precision=_HIGHEST)


def _step(mode, gi, h, c, w_hh, b_hh, w_hr):
    """One time step of a cell given its input projection ``gi`` (x W_ih^T + b_ih): (h', c')."""
    gh = _mm(h, w_hh)
    if b_hh is not None:
        gh = gh + b_hh
    if mode == "LSTM":  # torch's gate order: input, forget, cell, output
        i, f, g, o = jnp.split(gi + gh, 4, axis=-1)
        c2 = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h2 = jax.nn.sigmoid(o) * jnp.tanh(c2)
        return (h2 if w_hr is None else _mm(h2, w_hr)), c2
    if mode == "GRU":  # reset, update, new; torch applies r after W_hn h + b_hn
        ir, iz, in_ = jnp.split(gi, 3, axis=-1)
        hr, hz, hn = jnp.split(gh, 3, axis=-1)
        r = jax.nn.sigmoid(ir + hr)
        z = jax.nn.sigmoid(iz + hz)
        n = jnp.tanh(in_ + r * hn)
        return (1 - z) * n + z * h, None
    pre = gi + gh
    return (jnp.tanh(pre) if mode == "RNN_TANH" else jax.nn.relu(pre)), None  # jax's relu: gradient 0 at 0, as torch


def _direction(mode, x, h0, c0, w, lengths, reverse):
    """One layer, one direction over the whole sequence x (T, B, H_in): (outputs (T, B, H_out), h_n, c_n)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = w
    gi = _mm(x, w_ih)
    if b_ih is not None:
        gi = gi + b_ih
    steps = jnp.arange(x.shape[0])

    def body(carry, inp):
        h, c = carry
        g, t = inp
        h2, c2 = _step(mode, g, h, c, w_hh, b_hh, w_hr)
        if lengths is not None:  # packed: steps past a sequence's end leave its state alone
            live = (t < lengths)[:, None]
            h2 = jnp.where(live, h2, h)
            c2 = None if c is None else jnp.where(live, c2, c)
        return (h2, c2), h2

    (h_n, c_n), out = jax.lax.scan(body, (h0, c0), (gi, steps), reverse=reverse)
    return out, h_n, c_n


def _packed_positions(batch_sizes, n):
    """For each of the n rows of packed data: its time step and its batch position."""
    ends = jnp.cumsum(batch_sizes)
    t = jnp.searchsorted(ends, jnp.arange(n), side="right")
    return t, jnp.arange(n) - (ends - batch_sizes)[t]


def _unpack(data, batch_sizes, batch, total):
    """Packed rows (N, *) into a zero-padded (total, batch, *) block and the lengths (batch,)."""
    t, b = _packed_positions(batch_sizes, data.shape[0])
    padded = jnp.zeros((total, batch) + data.shape[1:], data.dtype).at[t, b].set(data)
    lengths = jnp.sum(batch_sizes[:, None] > jnp.arange(batch), axis=0)
    return padded, lengths


def _stack(x, hx, cx, params, batch_sizes, sorted_idx, unsorted_idx, mode, has_biases, has_proj, num_layers,
           bidirectional, batch_first, batch, dropout=0.0, *, generator=None):
    dirs = 2 if bidirectional else 1
    per = 2 + 2 * has_biases + has_proj  # weights per layer and direction, in torch's _flat_weights order
    packed = batch_sizes is not None
    unbatched = not packed and x.ndim == 2
    if packed:
        n = x.shape[0]
        x, lengths = _unpack(x, batch_sizes, batch, batch_sizes.shape[0])
    else:
        lengths = None
        if unbatched:
            x = x[:, None]
        elif batch_first:
            x = jnp.swapaxes(x, 0, 1)
    B = x.shape[1]
    h_size = params[1].shape[1]           # w_hh: (gates * hidden, hidden or proj)
    c_size = params[1].shape[0] // _GATES[mode]
    if hx is None:
        hx = jnp.zeros((num_layers * dirs, B, h_size), x.dtype)
    elif unbatched:
        hx = hx[:, None]
    if mode == "LSTM":
        if cx is None:
            cx = jnp.zeros((num_layers * dirs, B, c_size), x.dtype)
        elif unbatched:
            cx = cx[:, None]
    if sorted_idx is not None:  # the caller's batch order -> the packed (sorted) order
        hx = hx[:, sorted_idx]
        cx = None if cx is None else cx[:, sorted_idx]
    key = None if generator is None else as_key(generator)
    hs, cs = [], []
    for layer in range(num_layers):
        if layer > 0 and key is not None and dropout > 0:
            keep = jax.random.bernoulli(jax.random.fold_in(key, layer), 1.0 - dropout, x.shape)
            x = jnp.where(keep, x / (1.0 - dropout), 0) if dropout < 1 else jnp.zeros_like(x)
        outs = []
        for d in range(dirs):
            k = (layer * dirs + d) * per
            w = params[k:k + per]
            b_ih, b_hh = (w[2], w[3]) if has_biases else (None, None)
            w_hr = w[-1] if has_proj else None
            c0 = None if cx is None else cx[layer * dirs + d]
            out, h_n, c_n = _direction(mode, x, hx[layer * dirs + d], c0, (w[0], w[1], b_ih, b_hh, w_hr),
                                       lengths, reverse=d == 1)
            outs.append(out)
            hs.append(h_n)
            cs.append(c_n)
        x = outs[0] if dirs == 1 else jnp.concatenate(outs, axis=-1)
    h_n = jnp.stack(hs)
    c_n = jnp.stack(cs) if mode == "LSTM" else None
    if packed:
        t, b = _packed_positions(batch_sizes, n)
        out = x[t, b]
        if unsorted_idx is not None:
            h_n = h_n[:, unsorted_idx]
            c_n = None if c_n is None else c_n[:, unsorted_idx]
    elif unbatched:
        out, h_n, c_n = x[:, 0], h_n[:, 0], None if c_n is None else c_n[:, 0]
    else:
        out = jnp.swapaxes(x, 0, 1) if batch_first else x
    return (out, h_n) if c_n is None else (out, h_n, c_n)


_STACK_ARGS = ("Tensor input, Tensor? hx, Tensor? cx, Tensor[] params, Tensor? batch_sizes, Tensor? sorted_indices, "
               "Tensor? unsorted_indices, str mode, bool has_biases, bool has_proj, int num_layers, bool bidirectional, "
               "bool batch_first, int batch")

# the same stack with and without dropout between layers: only the first draws from the generator
rnn_stack = op(f"_rnn_stack({_STACK_ARGS}) -> Tensor[]", function=False, method=False, out=False)(_stack)
rnn_stack_dropout = op(f"_rnn_stack_dropout({_STACK_ARGS}, float dropout, *, Generator? generator=None) -> Tensor[]",
                       function=False, method=False, out=False)(_stack)


# ------------------------------------------------------------------ cells (torch.lstm_cell ...)
def _cell_pre(name):
    def pre(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
        hs = list(hx) if isinstance(hx, (list, tuple)) else [hx]
        for t in [input, w_ih, w_hh] + hs + [b for b in (b_ih, b_hh) if b is not None]:
            if t.dtype != input.dtype:
                raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_type_name(input.dtype)} and "
                                   f"{_type_name(t.dtype)}")
        if input.dim() < 1 or input.size(-1) != w_ih.size(1):
            got = input.size(-1) if input.dim() else 0
            raise RuntimeError(f"input has inconsistent input_size: got {got} expected {w_ih.size(1)}")
        for i, h in enumerate(hs):
            if input.size(0) != h.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{i} batch size {h.size(0)}")
            expected = w_hh.size(1) if i == 0 else w_hh.size(0) // 4
            if h.size(-1) != expected:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {h.size(-1)}, expected {expected}")
        return input, hx, w_ih, w_hh, b_ih, b_hh
    return pre


def _cell(mode):
    def body(x, hx, w_ih, w_hh, b_ih=None, b_hh=None):
        h, c = (hx[0], hx[1]) if mode == "LSTM" else (hx, None)
        gi = _mm(x, w_ih) if b_ih is None else _mm(x, w_ih) + b_ih
        h2, c2 = _step(mode, gi, h, c, w_hh, b_hh, None)
        return (h2, c2) if mode == "LSTM" else h2
    return body


_CELL_ARGS = "Tensor input, {hx}, Tensor w_ih, Tensor w_hh, Tensor? b_ih=None, Tensor? b_hh=None"
rnn_tanh_cell = op(f"rnn_tanh_cell({_CELL_ARGS.format(hx='Tensor hx')}) -> Tensor", method=False, out=False,
                   pre=_cell_pre("rnn_tanh_cell"))(_cell("RNN_TANH"))
rnn_relu_cell = op(f"rnn_relu_cell({_CELL_ARGS.format(hx='Tensor hx')}) -> Tensor", method=False, out=False,
                   pre=_cell_pre("rnn_relu_cell"))(_cell("RNN_RELU"))
gru_cell = op(f"gru_cell({_CELL_ARGS.format(hx='Tensor hx')}) -> Tensor", method=False, out=False,
              pre=_cell_pre("gru_cell"))(_cell("GRU"))
lstm_cell = op(f"lstm_cell({_CELL_ARGS.format(hx='Tensor[] hx')}) -> Tensor[]", method=False, out=False,
               pre=_cell_pre("lstm_cell"))(_cell("LSTM"))

__all__ = ["rnn_stack", "rnn_stack_dropout", "rnn_tanh_cell", "rnn_relu_cell", "gru_cell", "lstm_cell"]
