"""Convolutions (F.conv1d/2d/3d, F.conv_transpose1d/2d/3d, torch.convolution) and F.unfold / F.fold.

Every convolution is one ``lax.conv_general_dilated`` call in NC... layout with the bias added in the
same kernel. A transposed convolution is the input-dilated convolution with the flipped kernel (the
gradient of the forward convolution), so it is one call too. Precision is XLA's default: full float32 on
CPU, TF32 on recent GPUs, as torch's cuDNN convolutions (torch.backends.cudnn.allow_tf32 is True).
"""
from __future__ import annotations

import collections.abc
import itertools
from typing import Any

import jax.numpy as jnp
from jax import lax

from ... import _dtype
from ...ops._registry import _type_name, function, op
from ...tensor import Tensor
from ._linear import _c10


# ------------------------------------------------------------------ argument helpers (torch.nn.modules.utils)
def _ntuple(n: int, name: str = "parse"):
    def parse(x: Any) -> tuple:
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return tuple(itertools.repeat(x, n))
    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t: Any, n: int) -> tuple:
    """(a, b) -> (b, b, a, a) for n=2: F.pad's last-dim-first order from per-dim padding."""
    return tuple(x for x in reversed(t) for _ in range(n))


def _ints(v: Any) -> list:
    """A static int argument as a list (ints, sequences of ints, 1-d tensors)."""
    if isinstance(v, Tensor):
        v = v.tolist()
    if isinstance(v, collections.abc.Iterable) and not isinstance(v, str):
        return [int(x) for x in v]
    return [int(v)]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) or (isinstance(v, Tensor) and v.dim() == 0)


def _expand_conv_arg(v: Any, n: int, name: str) -> list:
    vals = _ints(v)
    if len(vals) == 1:
        vals = vals * n
    if len(vals) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match the "
                           f"convolution dimensions, but got {name}={vals}")
    return vals


# ------------------------------------------------------------------ the kernel
_SPECS = {1: ("NCH", "OIH", "NCH"), 2: ("NCHW", "OIHW", "NCHW"), 3: ("NCDHW", "OIDHW", "NCDHW")}


@op("_conv_nd(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] dilation, "
    "bool transposed, int[] output_padding, int groups) -> Tensor", function=False, method=False, out=False,
    saves="others", node_name="ConvolutionBackward0")
def _conv_nd(x, w, b, stride, padding, dilation, transposed, output_padding, groups):
    """``padding`` holds (low, high) per spatial dim; an unbatched input has one dim fewer than weight."""
    n = w.ndim - 2
    unbatched = x.ndim == n + 1
    if unbatched:
        x = x[None]
    pads = list(zip(padding[::2], padding[1::2]))
    if transposed:
        # the adjoint of the forward convolution: input dilated by the stride, kernel flipped, its
        # (Cin, Cout/g) axes read as (I, O)
        k = w.shape[2:]
        spec = _SPECS[n]
        if groups == 1:
            spec = (spec[0], "IO" + spec[1][2:], spec[2])
        else:  # (Cin, Cout/g, k...) -> (Cout, Cin/g, k...) for a grouped convolution
            cin, cout_g = w.shape[0], w.shape[1]
            w = w.reshape((groups, cin // groups, cout_g) + k).swapaxes(1, 2)
            w = w.reshape((groups * cout_g, cin // groups) + k)
        w = jnp.flip(w, axis=tuple(range(2, 2 + n)))
        pads = [(d * (kk - 1) - lo, d * (kk - 1) - hi + op_)
                for (lo, hi), d, kk, op_ in zip(pads, dilation, k, output_padding)]
        y = lax.conv_general_dilated(x, w, (1,) * n, pads, lhs_dilation=stride, rhs_dilation=dilation,
                                     dimension_numbers=spec, feature_group_count=groups)
    else:
        y = lax.conv_general_dilated(x, w, stride, pads, rhs_dilation=dilation, dimension_numbers=_SPECS[n],
                                     feature_group_count=groups)
    if b is not None:
        y = y + b.reshape((-1,) + (1,) * n).astype(y.dtype)
    return y[0] if unbatched else y


# ------------------------------------------------------------------ checks (torch's check_shape_forward)
def _check_dtypes(input: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    if input.dtype != weight.dtype:
        if input.dtype.name == "float32":
            raise RuntimeError(f"Input type (torch.{_type_name(input.dtype)}Tensor) and weight type "
                               f"(torch.{_type_name(weight.dtype)}Tensor) should be the same or input should be a "
                               "MKLDNN tensor and weight is a dense tensor")
        raise RuntimeError(f"expected scalar type {_type_name(input.dtype)} but found {_type_name(weight.dtype)}")
    if bias is not None and bias.dtype != input.dtype:
        raise RuntimeError(f"Input type ({_c10(input.dtype)}) and bias type ({_c10(bias.dtype)}) should be the same")
    if input.dtype.name == "bool":
        raise NotImplementedError("\"slow_conv2d_cpu\" not implemented for 'Bool'")


def _check_shapes(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups) -> None:
    xs, ws = list(input.shape), list(weight.shape)
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if len(ws) != len(xs):
        raise RuntimeError(f"Expected {len(ws)}-dimensional input for {len(ws)}-dimensional weight {ws}, but got "
                           f"{len(xs)}-dimensional input of size {xs} instead")
    if ws[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {ws} instead")
    if ws[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{ws}] instead")
    bs = None if bias is None else list(bias.shape)
    if not transposed:
        if xs[1] != ws[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {ws}, expected input{xs} to have "
                               f"{ws[1] * groups} channels, but got {xs[1]} channels instead")
        if bs is not None and bs != [ws[0]]:
            raise RuntimeError(f"Given weight of size {ws}, expected bias to be 1-dimensional with {ws[0]} elements, "
                               f"but got bias of size {bs} instead")
        padded = [s + padding[2 * i] + padding[2 * i + 1] for i, s in enumerate(xs[2:])]
        kernel = [d * (k - 1) + 1 for d, k in zip(dilation, ws[2:])]
        if any(p < k for p, k in zip(padded, kernel)):
            raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
                               f"Kernel size: ({' x '.join(map(str, kernel))}). Kernel size can't be greater than "
                               "actual input size")
        return
    if xs[1] != ws[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {ws}, expected input{xs} to have {ws[0]} channels, "
                           f"but got {xs[1]} channels instead")
    if bs is not None and bs != [ws[1] * groups]:
        raise RuntimeError(f"Given transposed=1, weight of size {ws}, expected bias to be 1-dimensional with "
                           f"{ws[1] * groups} elements, but got bias of size {bs} instead")
    if any(o >= s and o >= d for o, s, d in zip(output_padding, stride, dilation)):
        n = len(stride)
        names = ["depth", "height", "width"][-n:] if n > 1 else ["height", "width"]
        pad1 = [0] * (len(names) - n)  # torch runs 1-d convolutions as 2-d ones
        parts = [f"output_padding_{m}: {v}" for m, v in zip(names, pad1 + list(output_padding))]
        parts += [f"stride_{m}: {v}" for m, v in zip(names, [1] * len(pad1) + list(stride))]
        parts += [f"dilation_{m}: {v}" for m, v in zip(names, [1] * len(pad1) + list(dilation))]
        raise RuntimeError("output padding must be smaller than either stride or dilation, but got " + " ".join(parts))
    out = [(s - 1) * st - padding[2 * i] - padding[2 * i + 1] + d * (k - 1) + o + 1
           for i, (s, st, d, k, o) in enumerate(zip(xs[2:], stride, dilation, ws[2:], output_padding))]
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, xs[2:]))}). Calculated output size "
                           f"per channel: ({' x '.join(map(str, out))}). Output size is too small")


def _convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any, dilation: Any,
                 transposed: bool, output_padding: Any, groups: int, n: int, name: str | None) -> Tensor:
    """Validate like torch and run the kernel. ``n`` spatial dims; ``name`` is the torch function for the
    batched/unbatched message (None: torch.convolution, which requires a batch dim)."""
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        bad = "input" if not isinstance(input, Tensor) else "weight"
        raise TypeError(f"{name or 'convolution'}(): argument '{bad}' (position {1 if bad == 'input' else 2}) must "
                        f"be Tensor, not {type(input if bad == 'input' else weight).__name__}")
    if isinstance(groups, bool) or not isinstance(groups, int):
        raise TypeError(f"{name or 'convolution'}(): argument 'groups' must be int, not {type(groups).__name__}")
    if name is not None and input.dim() not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {name}, but got input of "
                           f"size: {list(input.shape)}")
    _check_dtypes(input, weight, bias)
    if name is not None:  # conv{n}d: an int means n values (checked against the weight's dims below)
        stride, dilation, output_padding = (_ints(v) * n if _is_int(v) else v
                                            for v in (stride, dilation, output_padding))
        padding = padding if isinstance(padding, str) or not _is_int(padding) else _ints(padding) * n
    k = weight.dim() - 2
    stride = _expand_conv_arg(stride, k, "stride")
    dilation = _expand_conv_arg(dilation, k, "dilation")
    output_padding = _expand_conv_arg(output_padding, k, "output_padding")
    if isinstance(padding, str):
        if transposed:
            raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
        if padding == "valid":
            pads = [0] * (2 * k)
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = []
            for d, kk in zip(dilation, weight.shape[2:]):
                total = d * (kk - 1)
                pads += [total // 2, total - total // 2]
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = [p for p in _expand_conv_arg(padding, k, "padding") for _ in (0, 1)]
    unbatched = name is not None and input.dim() == n + 1
    x_shape_check = input.unsqueeze(0) if unbatched else input
    _check_shapes(x_shape_check, weight, bias, stride, pads, dilation, transposed, output_padding, groups)
    return _conv_nd(input, weight, bias, stride, pads, dilation, transposed, output_padding, groups)


def _make_conv(n: int):
    name = f"conv{n}d"

    def conv(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
             dilation: Any = 1, groups: int = 1) -> Tensor:
        return _convolution(input, weight, bias, stride, padding, dilation, False, 0, groups, n, name)

    conv.__name__ = conv.__qualname__ = name
    conv.__module__ = __name__
    return function(conv)


def _make_conv_transpose(n: int):
    name = f"conv_transpose{n}d"

    def conv_transpose(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                       padding: Any = 0, output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Tensor:
        return _convolution(input, weight, bias, stride, padding, dilation, True, output_padding, groups, n, name)

    conv_transpose.__name__ = conv_transpose.__qualname__ = name
    conv_transpose.__module__ = __name__
    return function(conv_transpose)


conv1d, conv2d, conv3d = (_make_conv(n) for n in (1, 2, 3))
conv_transpose1d, conv_transpose2d, conv_transpose3d = (_make_conv_transpose(n) for n in (1, 2, 3))


@function
def convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any, dilation: Any,
                transposed: bool, output_padding: Any, groups: int) -> Tensor:
    return _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups,
                        weight.dim() - 2, None)


def _conv_tbc_pre(input, weight, bias, pad=0):
    _check_dtypes(input, weight, bias)
    if input.dim() != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.dim() != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.")
    if bias.dim() != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if weight.shape[2] != bias.shape[0]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    return input, weight, bias, pad


@op("conv_tbc(Tensor input, Tensor weight, Tensor bias, int pad=0) -> Tensor", method=False, out=False,
    saves="others", pre=_conv_tbc_pre)
def conv_tbc(x, w, b, pad=0):
    """1-d convolution in (time, batch, channel) layout; weight is (kernel_width, in, out)."""
    return lax.conv_general_dilated(x, w, (1,), [(pad, pad)], dimension_numbers=("WNC", "WIO", "WNC")) + b


# ------------------------------------------------------------------ im2col / col2im
def _fold_args(kernel_size, dilation, padding, stride) -> tuple:
    out = []
    for what, v, positive in (("kernel size", kernel_size, True), ("dilation", dilation, True),
                              ("padding", padding, False), ("stride", stride, True)):
        vals = _ints(v)
        if len(vals) == 1:
            vals = vals * 2
        if len(vals) != 2:
            raise RuntimeError(f"It is expected {what.replace(' ', '_')} equals to 2, but got size {len(vals)}")
        if positive and any(x <= 0 for x in vals):
            raise RuntimeError(f"{what} should be greater than zero, but got "
                               + " ".join(f"{a}: {b}" for a, b in zip(_FOLD_NAMES[what], vals)))
        if not positive and any(x < 0 for x in vals):
            raise RuntimeError(f"{what} should be non-negative, but got "
                               + " ".join(f"{a}: {b}" for a, b in zip(_FOLD_NAMES[what], vals)))
        out.append(tuple(vals))
    return tuple(out)


_FOLD_NAMES = {"kernel size": ("kernel_height", "kernel_width"), "dilation": ("dilation_height", "dilation_width"),
               "padding": ("pad_height", "pad_width"), "stride": ("stride_height", "stride_width")}


def _cdiv(a: int, b: int) -> int:
    """C++ integer division (truncates toward zero), as torch's shape checks compute it."""
    return -(-a // b) if a < 0 else a // b


def _nblocks(size, k, d, p, s) -> tuple:
    return tuple(_cdiv(n + 2 * pp - (dd * (kk - 1) + 1), ss) + 1 for n, kk, dd, pp, ss in zip(size, k, d, p, s))


def _patches(x, k: tuple, d: tuple, s: tuple, out: tuple, axis: int):
    """Strided slices of ``x`` (already padded) for every kernel offset, stacked on ``axis``:
    (..., H, W) -> (..., K, oh, ow) for axis=-3 (offsets in row-major order, as torch scans windows)."""
    n = len(k)
    lead = x.ndim - n
    slices = []
    for offs in itertools.product(*(range(kk) for kk in k)):
        start = [0] * lead + [o * dd for o, dd in zip(offs, d)]
        limit = list(x.shape[:lead]) + [st + (oo - 1) * ss + 1 for st, oo, ss in zip(start[lead:], out, s)]
        slices.append(lax.slice(x, start, limit, (1,) * lead + tuple(s)))
    return jnp.stack(slices, axis=axis)


@op("im2col(Tensor input, int[] kernel_size, int[] dilation, int[] padding, int[] stride) -> Tensor",
    function=False, method=False, out=False, saves="none", node_name="Im2ColBackward0")
def _im2col(x, kernel_size, dilation, padding, stride):
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    out = _nblocks(x.shape[2:], kernel_size, dilation, padding, stride)
    x = jnp.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding])
    cols = _patches(x, kernel_size, dilation, stride, out, axis=2)  # (N, C, K, oh, ow)
    cols = cols.reshape(cols.shape[0], cols.shape[1] * cols.shape[2], out[0] * out[1])  # N may be 0
    return cols[0] if unbatched else cols


@op("col2im(Tensor input, int[] output_size, int[] kernel_size, int[] dilation, int[] padding, int[] stride) "
    "-> Tensor", function=False, method=False, out=False, saves="none", node_name="Col2ImBackward0")
def _col2im(x, output_size, kernel_size, dilation, padding, stride):
    unbatched = x.ndim == 2
    if unbatched:
        x = x[None]
    out = _nblocks(output_size, kernel_size, dilation, padding, stride)
    nb, kk = x.shape[0], kernel_size[0] * kernel_size[1]
    blocks = x.reshape((nb, -1, kk) + out)
    full = [o + 2 * p for o, p in zip(output_size, padding)]
    y = jnp.zeros((nb, blocks.shape[1], *full), x.dtype)
    # the adjoint of im2col: each kernel offset's block is spread back (interior padding = stride - 1)
    for i, offs in enumerate(itertools.product(*(range(k) for k in kernel_size))):
        cfg = [(0, 0, 0), (0, 0, 0)]
        for o, dd, ss, n, f in zip(offs, dilation, stride, out, full):
            lo = o * dd
            cfg.append((lo, f - lo - (n - 1) * ss - 1, ss - 1))
        y = y + lax.pad(blocks[:, :, i], jnp.zeros((), x.dtype), cfg)
    y = y[:, :, padding[0]:padding[0] + output_size[0], padding[1]:padding[1] + output_size[1]]
    return y[0] if unbatched else y


def _check_fold_dtype(input: Tensor, name: str) -> None:
    if not (input.dtype.is_floating_point or input.dtype.is_complex or input.dtype is _dtype.bool):
        raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for '{_type_name(input.dtype)}'")


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    k, d, p, s = _fold_args(kernel_size, dilation, padding, stride)
    shape = list(input.shape)
    if len(shape) < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-len(shape)}, {len(shape) - 1}], but "
                         "got 2)")
    if len(shape) > 4 or any(v == 0 for v in shape[-3:]):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {shape}")
    out = _nblocks(shape[-2:], k, d, p, s)
    if any(o < 1 for o in out):
        raise RuntimeError(f"Given input with spatial size ({shape[-2]}, {shape[-1]}), kernel_size=({k[0]}, {k[1]}), "
                           f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), calculated shape of the array of "
                           f"sliding blocks as ({out[0]}, {out[1]}), but its components must be at least one.")
    _check_fold_dtype(input, "im2col")
    return _im2col(input, k, d, p, s)


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:
    osz = _ints(output_size)
    if len(osz) == 1:
        osz = osz * 2
    if len(osz) != 2:
        raise RuntimeError(f"It is expected output_size equals to 2, but got size {len(osz)}")
    k, d, p, s = _fold_args(kernel_size, dilation, padding, stride)
    shape = list(input.shape)
    if len(shape) not in (2, 3) or any(v == 0 for v in shape[-2:]):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {shape}")
    if shape[-2] % (k[0] * k[1]):
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={shape[-2]} and kernel_size=({k[0]}, {k[1]}).")
    out = _nblocks(osz, k, d, p, s)
    what = (f"Given output_size=({osz[0]}, {osz[1]}), kernel_size=({k[0]}, {k[1]}), dilation=({d[0]}, {d[1]}), "
            f"padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]}), ")
    if shape[-1] != out[0] * out[1]:
        raise RuntimeError(what + f"expected size of input's dimension 2 to match the calculated number of sliding "
                           f"blocks {out[0]} * {out[1]} = {out[0] * out[1]}, but got input.size(2)={shape[-1]}.")
    if any(o < 1 for o in out):
        raise RuntimeError(what + f"calculated shape of the array of sliding blocks as ({out[0]}, {out[1]}), which "
                           "is too small (non-positive).")
    _check_fold_dtype(input, "col2im")
    return _col2im(input, tuple(osz), k, d, p, s)


__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "conv_tbc",
           "unfold", "fold"]
