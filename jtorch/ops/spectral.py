"""Spectral ops: the torch.fft family, fftfreq/fftshift, the window functions, stft and istft.

Real (and integer/bool) inputs compute in the default float dtype and give complex results of the
matching precision, as torch does; half precision is rejected like torch's CPU backend.
"""
from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from ..tensor import Tensor, _concrete, _wrap_dim
from ._registry import exported, function, op

_NORMS = (None, "backward", "forward", "ortho")
_SWAP = {None: "forward", "backward": "forward", "forward": "backward", "ortho": "ortho"}


def _t_name(d: _dtype.dtype) -> str:
    from ._registry import _type_name
    return _type_name(d)


def _check_input(fn: str, x: Any, real_only: bool) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"fft_{fn}(): argument 'input' must be Tensor, not {type(x).__name__}")
    if x.dtype in (_dtype.float16, _dtype.bfloat16, _dtype.complex32):
        raise RuntimeError(f"Unsupported dtype {_t_name(x.dtype)}")
    if real_only and x.dtype.is_complex:
        raise RuntimeError(f"{fn} expects a real input tensor, but got {_t_name(x.dtype)}")


def _check_norm(norm: str | None) -> None:
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _n_points(n: int) -> None:
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _inexact(x, complex_: bool = False):
    """Integers and bool compute in the default float dtype (complex when asked)."""
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        x = x.astype(_dtype.get_default_dtype().np)
    if complex_ and not jnp.iscomplexobj(x):
        x = x.astype(jnp.complex128 if x.dtype == jnp.float64 else jnp.complex64)
    return x


# ------------------------------------------------------------------ argument handling
def _pre_1d(fn: str, kind: str):
    """kind: "c2c", "r2c" (rfft/ihfft), "c2r" (irfft/hfft)."""
    def pre(input, n=None, dim=-1, norm=None):
        _check_input(fn, input, kind == "r2c")
        if input.dim() == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = _wrap_dim(dim, input.dim())
        size = input.shape[d]
        _n_points(n if n is not None else (2 * (size - 1) if kind == "c2r" else size))
        _check_norm(norm)
        return input, n, d, norm
    return pre


def _pre_nd(fn: str, kind: str, default_dims: tuple | None):
    def pre(input, s=None, dim=default_dims, norm=None):
        _check_input(fn, input, kind == "r2c")
        nd = input.dim()
        if s is not None and dim is not None and len(s) != len(dim):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if dim is None:
            if s is not None and len(s) > nd:
                raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {nd} dimensions.")
            dims = tuple(range(nd - (len(s) if s is not None else nd), nd))
        else:
            dims = tuple(_wrap_dim(d, nd) for d in ((dim,) if isinstance(dim, builtins.int) else dim))
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if kind in ("r2c", "c2r") and not dims:
            raise RuntimeError(f"{fn} must transform at least one axis")
        sizes = []
        for i, d in enumerate(dims):
            n = -1 if s is None else s[i]
            if n == -1:
                n = input.shape[d]
                if kind == "c2r" and i == len(dims) - 1:
                    n = 2 * (n - 1)
            _n_points(n)
            sizes.append(n)
        _check_norm(norm)
        return input, tuple(sizes), dims, norm
    return pre


# ------------------------------------------------------------------ the transforms
def _c2c(x, s, axes, norm, inverse: bool):
    x = _inexact(x, complex_=True)
    f = jnp.fft.ifftn if inverse else jnp.fft.fftn
    return f(x, s=s, axes=axes, norm=norm or "backward")


def _r2c(x, s, axes, norm, conj: bool = False):
    y = jnp.fft.rfftn(_inexact(x), s=s, axes=axes, norm=norm or "backward")
    return jnp.conj(y) if conj else y


def _c2r(x, s, axes, norm, conj: bool = False):
    x = _inexact(x, complex_=True)
    return jnp.fft.irfftn(jnp.conj(x) if conj else x, s=s, axes=axes, norm=norm or "backward")


def _one(n):
    return None if n is None else (n,)


@op("fft_fft(Tensor input, int? n=None, int dim=-1, str? norm=None) -> Tensor", function=False, method=False,
    pre=_pre_1d("fft", "c2c"), saves="none")
def fft_fft(x, n, dim, norm):
    return _c2c(x, _one(n), (dim,), norm, False)


@op("fft_ifft(Tensor input, int? n=None, int dim=-1, str? norm=None) -> Tensor", function=False, method=False,
    pre=_pre_1d("ifft", "c2c"), saves="none")
def fft_ifft(x, n, dim, norm):
    return _c2c(x, _one(n), (dim,), norm, True)


@op("fft_rfft(Tensor input, int? n=None, int dim=-1, str? norm=None) -> Tensor", function=False, method=False,
    pre=_pre_1d("rfft", "r2c"), saves="none")
def fft_rfft(x, n, dim, norm):
    return _r2c(x, _one(n), (dim,), norm)


@op("fft_irfft(Tensor input, int? n=None, int dim=-1, str? norm=None) -> Tensor", function=False, method=False,
    pre=_pre_1d("irfft", "c2r"), saves="none")
def fft_irfft(x, n, dim, norm):
    return _c2r(x, (2 * (x.shape[dim] - 1) if n is None else n,), (dim,), norm)


# hfft is irfft of the conjugate with the normalization swapped (and ihfft the conjugate of rfft)
@op("fft_hfft(Tensor input, int? n=None, int dim=-1, str? norm=None) -> Tensor", function=False, method=False,
    pre=_pre_1d("hfft", "c2r"), saves="none")
def fft_hfft(x, n, dim, norm):
    return _c2r(x, (2 * (x.shape[dim] - 1) if n is None else n,), (dim,), _SWAP[norm], conj=True)


@op("fft_ihfft(Tensor input, int? n=None, int dim=-1, str? norm=None) -> Tensor", function=False, method=False,
    pre=_pre_1d("ihfft", "r2c"), saves="none")
def fft_ihfft(x, n, dim, norm):
    return _r2c(x, _one(n), (dim,), _SWAP[norm], conj=True)


def _nd_ops(suffix: str, default_dims: tuple | None) -> dict:
    """The fftn/fft2 families: one registry entry per public function."""
    dims = "int[]? dim=None" if default_dims is None else "int[]? dim=(-2, -1)"
    sig = f"(Tensor input, int[]? s=None, {dims}, str? norm=None) -> Tensor"
    bodies = {
        "fft": ("c2c", lambda x, s, d, norm: _c2c(x, s, d, norm, False)),
        "ifft": ("c2c", lambda x, s, d, norm: _c2c(x, s, d, norm, True)),
        "rfft": ("r2c", lambda x, s, d, norm: _r2c(x, s, d, norm)),
        "irfft": ("c2r", lambda x, s, d, norm: _c2r(x, s, d, norm)),
        "hfft": ("c2r", lambda x, s, d, norm: _c2r(x, s, d, _SWAP[norm], conj=True)),
        "ihfft": ("r2c", lambda x, s, d, norm: _r2c(x, s, d, _SWAP[norm], conj=True)),
    }
    out = {}
    for base, (kind, body) in bodies.items():
        name = f"fft_{base}{suffix}"
        body.__name__ = name
        body.__module__ = __name__
        out[name] = op(name + sig, function=False, method=False, saves="none",
                       pre=_pre_nd(base + suffix, kind, default_dims))(body)
    return out


_N = _nd_ops("n", None)
_2 = _nd_ops("2", (-2, -1))
fft_fftn, fft_ifftn, fft_rfftn, fft_irfftn, fft_hfftn, fft_ihfftn = (_N[f"fft_{b}n"] for b in
                                                                    ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft"))
fft_fft2, fft_ifft2, fft_rfft2, fft_irfft2, fft_hfft2, fft_ihfft2 = (_2[f"fft_{b}2"] for b in
                                                                    ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft"))


# ------------------------------------------------------------------ frequencies and shifts
def _factory(t: Tensor, layout: Any, device: Any, requires_grad: bool) -> Tensor:
    from .creation import _factory_post, strided
    if layout is not None and layout is not strided:
        raise NotImplementedError(f"layout={layout} is not supported; jtorch tensors are strided")
    return _factory_post(t, device, requires_grad)


def _float_dtype(fn: str, dtype: Any, message: str) -> _dtype.dtype:
    from .creation import _as_dtype_arg
    dt = _as_dtype_arg(dtype) or _dtype.get_default_dtype()
    if not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError(message)
    return dt


def fft_fftfreq(n: int, d: float = 1.0, *, out: Tensor | None = None, dtype: Any = None, layout: Any = None,
                device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    dt = _float_dtype("fftfreq", dtype, "fftfreq requires a floating point or complex dtype")
    t = Tensor._make(jnp.asarray(np.fft.fftfreq(n, d)).astype(dt.np))
    return _finish(_factory(t, layout, device, requires_grad), out)


def fft_rfftfreq(n: int, d: float = 1.0, *, out: Tensor | None = None, dtype: Any = None, layout: Any = None,
                 device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    dt = _float_dtype("rfftfreq", dtype, "rfftfreq requires a floating point or complex dtype")
    t = Tensor._make(jnp.asarray(np.fft.rfftfreq(n, d)).astype(dt.np))
    return _finish(_factory(t, layout, device, requires_grad), out)


def _finish(t: Tensor, out: Tensor | None) -> Tensor:
    if out is None:
        return t
    out._commit(Tensor._make(t._value.astype(out._value.dtype)))
    return out


def _shift_pre(input, dim=None):
    if dim is not None:
        dim = (dim,) if isinstance(dim, builtins.int) else tuple(dim)
        dim = tuple(_wrap_dim(d, input.dim()) for d in dim)
    return input, dim


@op("fft_fftshift(Tensor input, int[]? dim=None) -> Tensor", function=False, method=False, out=False,
    pre=_shift_pre, saves="none")
def fft_fftshift(x, dim):
    return jnp.fft.fftshift(x, axes=dim)


@op("fft_ifftshift(Tensor input, int[]? dim=None) -> Tensor", function=False, method=False, out=False,
    pre=_shift_pre, saves="none")
def fft_ifftshift(x, dim):
    return jnp.fft.ifftshift(x, axes=dim)


# ------------------------------------------------------------------ windows
def _window(name: str, window_length: int, periodic: bool, dtype: Any, layout: Any, device: Any,
            requires_grad: bool, values) -> Tensor:
    from .creation import _as_dtype_arg
    dt = _as_dtype_arg(dtype) or _dtype.get_default_dtype()
    if not dt.is_floating_point:
        if dt.is_complex:
            raise RuntimeError(f"\"arange_cpu\" not implemented for '{_t_name(dt)}'")
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype={dt.name})")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    if window_length <= 1:
        w = np.ones(window_length)
    else:
        n = window_length + 1 if periodic else window_length
        w = values(np.arange(n, dtype=np.float64), n)[:window_length]
    return _factory(Tensor._make(jnp.asarray(w).astype(dt.np)), layout, device, requires_grad)


def _cosine_sum(*coeffs: float):
    def values(k, n):
        return builtins.sum(((-1) ** i) * c * np.cos(2 * math.pi * i * k / (n - 1)) for i, c in enumerate(coeffs))
    return values


@function
def hann_window(window_length: int, periodic: bool = True, *, dtype: Any = None, layout: Any = None,
                device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    return _window("hann_window", window_length, periodic, dtype, layout, device, requires_grad,
                   _cosine_sum(0.5, 0.5))


@function
def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54, beta: float = 0.46, *,
                   dtype: Any = None, layout: Any = None, device: Any = None, requires_grad: bool = False,
                   pin_memory: bool = False) -> Tensor:
    return _window("hamming_window", window_length, periodic, dtype, layout, device, requires_grad,
                   _cosine_sum(alpha, beta))


@function
def blackman_window(window_length: int, periodic: bool = True, *, dtype: Any = None, layout: Any = None,
                    device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    return _window("blackman_window", window_length, periodic, dtype, layout, device, requires_grad,
                   _cosine_sum(0.42, 0.5, 0.08))


@function
def bartlett_window(window_length: int, periodic: bool = True, *, dtype: Any = None, layout: Any = None,
                    device: Any = None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    return _window("bartlett_window", window_length, periodic, dtype, layout, device, requires_grad,
                   lambda k, n: 1 - np.abs(2 * k / (n - 1) - 1))


@function
def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *, dtype: Any = None,
                  layout: Any = None, device: Any = None, requires_grad: bool = False,
                  pin_memory: bool = False) -> Tensor:
    return _window("kaiser_window", window_length, periodic, dtype, layout, device, requires_grad,
                   lambda k, n: np.i0(beta * np.sqrt(np.maximum(0, 1 - ((k - (n - 1) / 2) / ((n - 1) / 2)) ** 2)))
                   / np.i0(beta))


# ------------------------------------------------------------------ stft / istft
_PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _stft_repr(input: Tensor, n_fft, hop, win, window, rest: str) -> str:
    def name(t: Tensor) -> str:
        return {"float32": "Float", "float64": "Double"}.get(t.dtype.name, _t_name(t.dtype)) + "Tensor"
    w = "None" if window is None else f"torch.{name(window)}{{{list(window.shape)}}}"
    return (f"stft(torch.{name(input)}{list(input.shape)}, n_fft={n_fft}, hop_length={hop}, win_length={win}, "
            f"window={w}, {rest})")


def _stft_pre(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
              normalized=False, onesided=None, return_complex=None, align_to_window=None):
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    cplx = input.dtype.is_complex or (window is not None and window.dtype.is_complex)
    if return_complex is None and not cplx:
        raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will further "
                           "require that return_complex=True in a future PyTorch release.")
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if center and pad_mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {pad_mode}")
    length = input.shape[-1] + (2 * (n_fft // 2) if center and input.dim() in (1, 2) else 0)
    where = _stft_repr(input, n_fft, hop, win, window, f"normalized={builtins.int(normalized)}, onesided={onesided}, "
                       f"return_complex={builtins.int(bool(return_complex))}, align_to_window={align_to_window})")
    where = where.replace(str(list(input.shape)), str(list(input.shape[:-1]) + [length]), 1)
    if input.dim() not in (1, 2):
        raise RuntimeError(f"{where} : expected a 1D or 2D tensor")
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError(f"{where} : expected a tensor of floating point or complex values")
    if center and pad_mode == "reflect" and n_fft // 2 >= input.shape[-1]:
        raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, but "
                           f"got: padding ({n_fft // 2}, {n_fft // 2}) at dimension {input.dim()} of input "
                           f"{[1] * (3 - input.dim()) + list(input.shape)}")
    if not 0 < n_fft <= length:
        raise RuntimeError(f"{where} : expected 0 < n_fft < {length}, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(f"{where} : expected hop_length > 0, but got hop_length={hop}")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"{where} : expected 0 < win_length <= n_fft, but got win_length={win}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        raise RuntimeError(f"{where} : expected a 1D window tensor of size equal to win_length={win}, but got window "
                           f"with size {list(window.shape)}")
    if onesided and cplx:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    if return_complex is False:
        warnings.warn("stft with return_complex=False is deprecated. In a future pytorch release, stft will return "
                      "complex tensors for all inputs, and return_complex=False will raise an error.\nNote: you can "
                      "still call torch.view_as_real on the complex output to recover the old return format.",
                      UserWarning, stacklevel=3)
    return (input, n_fft, hop, win, window, center, pad_mode, normalized, onesided, return_complex,
            builtins.bool(align_to_window))


def _padded_window(window, win: int, n_fft: int, dtype):
    w = jnp.ones((win,), dtype) if window is None else window
    left = (n_fft - win) // 2
    return jnp.pad(w, (left, n_fft - win - left))


@op("stft(Tensor input, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, "
    "bool center=True, str pad_mode='reflect', bool normalized=False, bool? onesided=None, "
    "bool? return_complex=None, bool? align_to_window=None) -> Tensor", out=False, pre=_stft_pre)
def stft(x, n_fft, hop, win, window, center, pad_mode, normalized, onesided, return_complex, align):
    dt = x.dtype if window is None else jnp.result_type(x, window)
    x = x.astype(dt)
    if center:
        pad = n_fft // 2
        x = jnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(pad, pad)], mode=_PAD_MODES[pad_mode])
    w = _padded_window(window, win, n_fft, dt).astype(dt)
    if align and win < n_fft:  # frames start where the window starts
        left = (n_fft - win) // 2
        x = jnp.pad(x, [(0, 0)] * (x.ndim - 1) + [(left, n_fft - win - left)])
    n_frames = 1 + (x.shape[-1] - n_fft) // hop
    idx = np.arange(n_frames)[:, None] * hop + np.arange(n_fft)[None, :]
    frames = x[..., idx] * w
    norm = "ortho" if normalized else "backward"
    if jnp.iscomplexobj(frames) or onesided is False:
        spec = jnp.fft.fft(frames, axis=-1, norm=norm)
    else:
        spec = jnp.fft.rfft(frames, axis=-1, norm=norm)
    spec = jnp.swapaxes(spec, -1, -2)
    if return_complex is False:
        return jnp.stack([spec.real, spec.imag], -1)
    return spec


def _istft_pre(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
               onesided=None, length=None, return_complex=False):
    if not input.dtype.is_complex:
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if input.dim() not in (2, 3):
        raise RuntimeError(f"istft: expected a tensor with 2 or 3 dimensions of complex values, but got "
                           f"{input.dim()}")
    n_freq = input.shape[-2]
    onesided = (n_freq != n_fft) if onesided is None else onesided
    if onesided and return_complex:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    if onesided and n_freq != n_fft // 2 + 1:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the input tensor to match "
                           f"n_fft / 2 + 1 when onesided=True, but got {n_freq}")
    if not onesided and n_freq != n_fft:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the input tensor to match "
                           f"n_fft when onesided=False, but got {n_freq}")
    if not 0 < hop <= win:
        raise RuntimeError(f"istft: expected 0 < hop_length <= win_length, but got hop_length={hop}")
    if not 0 < win <= n_fft:
        raise RuntimeError(f"istft: expected 0 < win_length <= n_fft, but got win_length={win}")
    if window is not None and (window.dim() != 1 or window.shape[0] != win):
        raise RuntimeError(f"istft: expected a 1D window tensor of size equal to win_length={win}, but got window "
                           f"with size {list(window.shape)}")
    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied.Please provide the same window "
                      "used by stft to make the inversion lossless.To suppress this warning and use a rectangular "
                      "window, explicitly set `window=torch.ones(n_fft, device=<device>)`.", UserWarning, stacklevel=3)
    n_frames = input.shape[-1]
    expected = n_fft + hop * (n_frames - 1)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (expected - n_fft // 2 if center else expected)
    # the window's overlap-add envelope must not vanish (torch's NOLA check); needs a concrete window
    wv = np.ones(win) if window is None else _window_value(window)
    if wv is not None:
        wp = np.pad(np.abs(np.asarray(wv, np.float64)) ** 2, ((n_fft - win) // 2, n_fft - win - (n_fft - win) // 2))
        env = np.zeros(builtins.max(expected, 1))
        for t in range(n_frames):
            env[t * hop:t * hop + n_fft] += wp
        span = env[start:builtins.min(end, expected)]
        if span.size and span.min() < 1e-11:
            raise RuntimeError(f"istft(...) window overlap add min: {builtins.int(span.min() < 1e-11)}")
    return input, n_fft, hop, win, window, center, normalized, onesided, length, return_complex


def _window_value(window: Tensor) -> Any:
    try:
        return np.asarray(_concrete(window, "istft"))
    except RuntimeError:
        return None


@op("istft(Tensor input, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, "
    "bool center=True, bool normalized=False, bool? onesided=None, int? length=None, "
    "bool return_complex=False) -> Tensor", out=False, pre=_istft_pre)
def istft(spec, n_fft, hop, win, window, center, normalized, onesided, length, return_complex):
    real = spec.real.dtype
    w = _padded_window(window, win, n_fft, real)
    if window is not None and jnp.iscomplexobj(window):
        spec = spec.astype(jnp.result_type(spec, window))
    norm = "ortho" if normalized else "backward"
    frames = jnp.swapaxes(spec, -1, -2)  # (..., n_frames, n_freq)
    if return_complex:
        frames = jnp.fft.ifft(frames, n=n_fft, axis=-1, norm=norm)
    else:
        # a real result reads only the one-sided half of a two-sided spectrum (torch's irfft)
        frames = jnp.fft.irfft(frames[..., :n_fft // 2 + 1], n=n_fft, axis=-1, norm=norm)
    frames = frames * w
    n_frames = frames.shape[-2]
    expected = n_fft + hop * (n_frames - 1)
    idx = (np.arange(n_frames)[:, None] * hop + np.arange(n_fft)[None, :]).reshape(-1)
    batch = frames.shape[:-2]
    y = jnp.zeros(batch + (expected,), frames.dtype).at[..., idx].add(frames.reshape(batch + (-1,)))
    w2 = w * w  # torch's envelope squares the window itself (complex for a complex window)
    env = jnp.zeros((expected,), w2.dtype).at[idx].add(jnp.tile(w2, n_frames))
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (expected - n_fft // 2 if center else expected)
    stop = builtins.min(end, expected)
    y = y[..., start:stop] / env[start:stop]
    if end > expected:
        y = jnp.pad(y, [(0, 0)] * (y.ndim - 1) + [(0, end - expected)])
    return y


__all__ = exported(__name__)
