"""Vision: F.interpolate (and the deprecated upsample aliases), F.grid_sample, F.affine_grid,
F.pixel_shuffle / pixel_unshuffle and F.channel_shuffle.

Resampling is separable: for each spatial dim the source taps and weights of torch's CPU kernels are
computed once per shape (numpy, in torch's opmath precision), and the kernel gathers the taps and
sums them with the weights. grid_sample gathers its taps per output point from the flattened planes.
"""
from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ...ops._registry import _type_name, function, op
from ...tensor import Tensor
from ._pooling import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d

_HIGHEST = jax.lax.Precision.HIGHEST
_A = -0.75  # torch's bicubic convolution constant


# ------------------------------------------------------------------ interpolation tables (torch's UpSample.h)
def _opmath(dtype) -> Any:
    return np.float64 if dtype == jnp.float64 else np.float32


def _scale(size: int, out: int, align_corners: bool, scale: float | None, t: Any) -> Any:
    """area_pixel_compute_scale."""
    if align_corners:
        return t(size - 1) / t(out - 1) if out > 1 else t(0)
    return t(1.0 / scale) if scale is not None and scale > 0 else t(size) / t(out)


def _nearest_taps(size: int, out: int, scale: float | None, exact: bool) -> np.ndarray:
    i = np.arange(out)
    if not exact and out == size:
        return i
    if not exact and out == 2 * size:
        return i >> 1
    s = np.float32(1.0 / scale) if scale is not None and scale > 0 else np.float32(size) / np.float32(out)
    src = (i.astype(np.float64) + 0.5) * np.float64(s) if exact else i.astype(np.float32) * s
    return np.minimum(np.floor(src.astype(np.float32)).astype(np.int64), size - 1)


def _guard(real: np.ndarray, size: int, t: Any) -> tuple:
    """guard_index_and_lambda: the lower tap (clamped to the last element) and the clamped fraction."""
    idx = np.minimum(np.floor(real).astype(np.int64), size - 1)
    lam = np.minimum(np.maximum(real - idx.astype(t), t(0)), t(1))
    return idx, lam


def _linear_taps(size: int, out: int, align_corners: bool, scale: float | None, t: Any) -> tuple:
    s = _scale(size, out, align_corners, scale, t)
    i = np.arange(out).astype(t)
    real = s * i if align_corners else np.maximum(s * (i + t(0.5)) - t(0.5), t(0))
    i0, lam = _guard(real.astype(t), size, t)
    i1 = i0 + (i0 < size - 1)
    return [i0, i1], [(t(1) - lam).astype(t), lam.astype(t)]


def _cubic_coeffs(x: Any) -> list:
    def c1(v):
        return ((_A + 2) * v - (_A + 3)) * v * v + 1

    def c2(v):
        return ((_A * v - 5 * _A) * v + 8 * _A) * v - 4 * _A
    return [c2(x + 1), c1(x), c1(1 - x), c2(2 - x)]


def _cubic_taps(size: int, out: int, align_corners: bool, scale: float | None, t: Any) -> tuple:
    s = _scale(size, out, align_corners, scale, t)
    i = np.arange(out).astype(t)
    real = (s * i if align_corners else s * (i + t(0.5)) - t(0.5)).astype(t)
    i0, lam = _guard(real, size, t)
    taps = [np.clip(i0 - 1 + j, 0, size - 1) for j in range(4)]
    return taps, [w.astype(t) for w in _cubic_coeffs(lam.astype(t))]


def _resample_dim(x, ax: int, taps: list, weights: list | None):
    """Along axis ``ax``: sum_j weights[j] * x[taps[j]], with one gather for all taps."""
    size = x.shape[ax]
    if weights is None and len(taps[0]) % size == 0:  # nearest by an integer factor: a broadcast, no gather
        r = len(taps[0]) // size
        if np.array_equal(taps[0], np.repeat(np.arange(size), r)):
            y = jnp.broadcast_to(jnp.expand_dims(x, ax + 1), x.shape[:ax + 1] + (r,) + x.shape[ax + 1:])
            return y.reshape(x.shape[:ax] + (size * r,) + x.shape[ax + 1:])
    idx = np.stack(taps)  # (T, out)
    g = jnp.take(x, idx.reshape(-1), axis=ax).reshape(x.shape[:ax] + idx.shape + x.shape[ax + 1:])
    if weights is None:
        return g.reshape(x.shape[:ax] + idx.shape[1:] + x.shape[ax + 1:])
    w = jnp.asarray(np.stack(weights), x.dtype).reshape(idx.shape + (1,) * (x.ndim - ax - 1))
    return (g * w).sum(axis=ax)


def _upsample(x, output_size, scales, mode, align_corners):
    n = len(output_size)
    t = _opmath(x.dtype)
    for i, (o, sc) in enumerate(zip(output_size, scales or (None,) * n)):
        ax = x.ndim - n + i
        size = x.shape[ax]
        if mode in ("nearest", "nearest-exact"):
            x = _resample_dim(x, ax, [_nearest_taps(size, o, sc, mode == "nearest-exact")], None)
        elif mode == "linear":
            x = _resample_dim(x, ax, *_linear_taps(size, o, align_corners, sc, t))
        else:
            x = _resample_dim(x, ax, *_cubic_taps(size, o, align_corners, sc, t))
    return x


def _make_upsample(name: str, node: str, mode: str, with_align: bool):
    align = "bool align_corners, " if with_align else ""
    return op(f"{name}(Tensor input, int[] output_size, {align}Any scales=None) -> Tensor", function=False,
              method=False, out=False, saves="none", node_name=node)(
        (lambda x, out, align_corners, scales=None: _upsample(x, out, scales, mode, align_corners)) if with_align
        else (lambda x, out, scales=None: _upsample(x, out, scales, mode, False)))


_UPSAMPLE = {}
for _n, _D in ((1, "1D"), (2, "2D"), (3, "3D")):
    _UPSAMPLE[("nearest", _n)] = _make_upsample(f"upsample_nearest{_n}d", f"UpsampleNearest{_D}Backward0",
                                                "nearest", False)
    _UPSAMPLE[("nearest-exact", _n)] = _make_upsample(f"_upsample_nearest_exact{_n}d",
                                                      f"UpsampleNearestExact{_D}Backward0", "nearest-exact", False)
_UPSAMPLE[("linear", 1)] = _make_upsample("upsample_linear1d", "UpsampleLinear1DBackward0", "linear", True)
_UPSAMPLE[("bilinear", 2)] = _make_upsample("upsample_bilinear2d", "UpsampleBilinear2DBackward0", "linear", True)
_UPSAMPLE[("trilinear", 3)] = _make_upsample("upsample_trilinear3d", "UpsampleTrilinear3DBackward0", "linear", True)
_UPSAMPLE[("bicubic", 2)] = _make_upsample("upsample_bicubic2d", "UpsampleBicubic2DBackward0", "cubic", True)
_AREA = {1: adaptive_avg_pool1d, 2: adaptive_avg_pool2d, 3: adaptive_avg_pool3d}
_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"


def _is_integer(x: Any) -> bool:
    return (isinstance(x, (int, np.integer)) and not isinstance(x, bool)) or \
        (isinstance(x, Tensor) and not x.is_floating_point())


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """antialias=True is not supported (NotImplementedError)."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    scale_factors = None
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError("Input and output must have the same number of spatial dimensions, but got input with "
                                 f"spatial dimensions of {list(input.shape[2:])} and output size of {size}. Please "
                                 "provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, "
                                 "...,oK) format.")
            if not all(_is_integer(x) for x in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, "
                                f"int], but got size with types {[type(x) for x in size]}")
            output_size = [int(s) for s in size]
        else:
            output_size = [int(size)] * dim
    elif scale_factor is not None:
        output_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError("Input and scale_factor must have the same number of spatial dimensions, but got "
                                 f"input with spatial dimensions of {list(input.shape[2:])} and scale_factor of shape "
                                 f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 "scale_factor in (s1, s2, ...,sK) format.")
            scale_factors = [float(s) for s in scale_factor]
        else:
            scale_factors = [float(scale_factor)] * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if output_size is None:  # torch's compute_output_size: truncation of size * scale
        output_size = [int(input.size(i + 2) * scale_factors[i]) for i in range(dim)]
        if recompute_scale_factor:
            scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D "
                         "tensor as input")
    key = (mode, dim)
    known = key in _UPSAMPLE or (mode == "area" and dim in (1, 2, 3))
    if not known:
        wanted = {"linear": 3, "bilinear": 4, "trilinear": 5}.get(mode)
        if wanted is not None and input.dim() in (3, 4, 5):
            raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {wanted}D input")
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) for "
                                  f"the modes: {_MODES} (got {mode})")
    if antialias:
        raise NotImplementedError("F.interpolate(antialias=True) is not supported by jtorch")
    if mode == "area":
        return _AREA[dim](input, output_size)
    _check_upsample(input, output_size, mode)
    if mode in ("nearest", "nearest-exact"):
        return _UPSAMPLE[key](input, tuple(output_size), None if scale_factors is None else tuple(scale_factors))
    return _UPSAMPLE[key](input, tuple(output_size), bool(align_corners),
                          None if scale_factors is None else tuple(scale_factors))


def _check_upsample(input: Tensor, output_size: list, mode: str) -> None:
    shape = list(input.shape)
    sp = shape[2:]
    names = "DHW"[3 - len(sp):]
    if any(s <= 0 for s in sp) or any(o <= 0 for o in output_size):
        ins = ", ".join(f"{c}: {s}" for c, s in zip(names, sp))
        outs = ", ".join(f"{c}: {s}" for c, s in zip(names, output_size))
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input ({ins}) output ({outs})")
    if mode not in ("nearest", "nearest-exact") and shape[1] == 0:
        raise RuntimeError(f"Non-empty {len(shape)}D data tensor expected but got a tensor with sizes {shape}")
    dt = input.dtype
    if dt.is_floating_point or (dt.name == "uint8" and mode in ("nearest", "nearest-exact")):
        return
    if dt.name == "uint8" and mode in ("bilinear", "bicubic"):
        raise NotImplementedError(f"F.interpolate(mode='{mode}') of uint8 inputs is not supported by jtorch")
    kind = "nearest" if mode in ("nearest", "nearest-exact") else "cubic" if mode == "bicubic" else "linear"
    name = f"compute_indices_weights_{kind}"
    if len(sp) == 2 and kind != "cubic":
        name = f"upsample_{'nearest' if kind == 'nearest' else 'bilinear'}2d_channels_last"
    raise NotImplementedError(f"\"{name}\" not implemented for '{_type_name(dt)}'")


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ------------------------------------------------------------------ grid_sample
def _unnormalize(c, size: int, align_corners: bool):
    return (c + 1) / 2 * (size - 1) if align_corners else ((c + 1) * size - 1) / 2


def _clip(c, size: int):
    # NOTE: torch treats the borders as clipped (zero gradient there): where, not jnp.clip
    return jnp.where(c <= 0, jnp.zeros((), c.dtype), jnp.where(c >= size - 1, jnp.asarray(size - 1, c.dtype), c))


def _reflect(c, twice_low: int, twice_high: int):
    if twice_low == twice_high:
        return jnp.zeros_like(c)
    lo, span = twice_low / 2, (twice_high - twice_low) / 2
    c = jnp.where(c < lo, lo - c, c - lo)  # torch's sign convention at c == lo (gradient +1)
    extra = jnp.fmod(c, span)
    flips = jnp.floor(c / span)
    return jnp.where(jnp.fmod(flips, 2) == 0, extra + lo, span - extra + lo)


def _pad_coords(c, size: int, padding_mode: int, align_corners: bool):
    if padding_mode == 1:  # border
        return _clip(c, size)
    if padding_mode == 2:  # reflection
        c = _reflect(c, 0, 2 * (size - 1)) if align_corners else _reflect(c, -1, 2 * size - 1)
        return _clip(c, size)
    return c


def _grid_sample(x, grid, mode, padding_mode, align_corners):
    n = grid.shape[-1]
    nb, c = x.shape[:2]
    sizes = x.shape[2:]
    strides = [int(np.prod(sizes[i + 1:], dtype=np.int64)) for i in range(n)]
    src = [_unnormalize(grid[..., n - 1 - i], size, align_corners) for i, size in enumerate(sizes)]
    if mode == 2:  # bicubic: 4 taps per dim, the padding mode applies to each tap
        base = [jnp.floor(v) for v in src]
        offsets = np.arange(-1, 3)
        taps = [_pad_coords(b[..., None] + offsets.astype(b.dtype), size, padding_mode, align_corners).astype(jnp.int64)
                for b, size in zip(base, sizes)]  # truncation, like torch's static_cast
        weights = [jnp.stack(_cubic_coeffs(v - b), axis=-1) for v, b in zip(src, base)]
    else:
        src = [_pad_coords(v, size, padding_mode, align_corners) for v, size in zip(src, sizes)]
        if mode == 1:  # nearest: round half to even, like std::nearbyint
            taps = [jnp.round(v).astype(jnp.int64)[..., None] for v in src]
            weights = None
        else:
            base = [jnp.floor(v) for v in src]
            taps = [b.astype(jnp.int64)[..., None] + np.arange(2) for b in base]
            weights = [jnp.stack([b + 1 - v, v - b], axis=-1) for v, b in zip(src, base)]
    # all taps at once: (N, *out, T1, ..., Tn) positions, one gather from the flattened planes
    k = taps[0].shape[-1]
    flat, inside, w = 0, True, 1
    for i, t in enumerate(taps):
        shape = t.shape[:-1] + tuple(k if j == i else 1 for j in range(n))
        t = t.reshape(shape)
        inside = inside & (t >= 0) & (t < sizes[i])
        flat = flat + jnp.clip(t, 0, sizes[i] - 1) * strides[i]
        if weights is not None:
            w = w * weights[i].reshape(shape)
    p = flat.size // nb
    vals = jax.vmap(lambda xp, ip: xp[:, ip])(x.reshape(nb, c, -1), flat.reshape(nb, p))  # (N, C, P)
    vals = jnp.where(inside.reshape(nb, 1, p), vals, jnp.zeros((), x.dtype))
    if weights is not None:
        vals = vals * w.reshape(nb, 1, p)
    return vals.reshape((nb, c) + grid.shape[1:-1] + (-1,)).sum(-1)


_grid_sampler_2d = op("grid_sampler_2d(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, "
                      "bool align_corners) -> Tensor", method=False, out=False,
                      node_name="GridSampler2DBackward0")(_grid_sample)
_grid_sampler_3d = op("grid_sampler_3d(Tensor input, Tensor grid, int interpolation_mode, int padding_mode, "
                      "bool align_corners) -> Tensor", method=False, out=False,
                      node_name="GridSampler3DBackward0")(_grid_sample)


@function
def grid_sampler(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                 align_corners: bool) -> Tensor:
    if input.dtype != grid.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(input.dtype)} but found {_type_name(grid.dtype)}")
    xs, gs = list(input.shape), list(grid.shape)
    if not xs or not gs or xs[0] != gs[0]:
        raise RuntimeError("grid_sampler(): expected grid and input to have same batch size, but got input with sizes "
                           f"{xs} and grid with sizes {gs}")
    if gs[-1] != len(xs) - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {len(xs) - 2} in last dimension, but got grid "
                           f"with sizes {gs}")
    for i in range(2, len(xs)):
        if xs[i] <= 0:
            raise RuntimeError("grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                               f"sizes {xs} with dimension {i} being empty")
    if len(xs) not in (4, 5) or len(xs) != len(gs):
        raise RuntimeError("grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but got "
                           f"input with sizes {xs} and grid with sizes {gs}")
    if interpolation_mode == 2 and len(xs) != 4:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"grid_sampler_{len(xs) - 2}d_cpu_kernel_impl\" not implemented for "
                                  f"'{_type_name(input.dtype)}'")
    fn = _grid_sampler_2d if len(xs) == 4 else _grid_sampler_3d
    return fn(input, grid, interpolation_mode, padding_mode, align_corners)


_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                  "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                  "grid_sample for details.")


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    modes = {"bilinear": 0, "nearest": 1, "bicubic": 2}
    pads = {"zeros": 0, "border": 1, "reflection": 2}
    if mode not in modes:
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in pads:
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    return grid_sampler(input, grid, modes[mode], pads[padding_mode], bool(align_corners))


# ------------------------------------------------------------------ affine_grid
def _base_coords(steps: int, align_corners: bool, t: Any) -> np.ndarray:
    if steps <= 1:
        return np.zeros(1, t)
    r = np.linspace(-1, 1, steps, dtype=np.float64)
    return (r * (steps - 1) / steps if not align_corners else r).astype(t)


@op("affine_grid_generator(Tensor theta, int[] size, bool align_corners) -> Tensor", method=False, out=False,
    saves="none")
def affine_grid_generator(theta, size, align_corners):
    sp = size[2:]
    t = np.dtype(theta.dtype)
    axes = [_base_coords(s, align_corners, t) for s in sp]
    mesh = np.meshgrid(*axes, indexing="ij")  # D/H/W order; the grid lists x (W) first
    base = np.stack([m.reshape(-1) for m in mesh[::-1]] + [np.ones(mesh[0].size, t)], axis=-1)
    grid = jnp.einsum("pk,njk->npj", jnp.asarray(base), theta, precision=_HIGHEST)
    return grid.reshape((size[0],) + tuple(sp) + (len(sp),))


def affine_grid(theta: Tensor, size: Any, align_corners: bool | None = None) -> Tensor:
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(size)
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got "
                             f"{theta.shape}.")
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got "
                             f"{theta.shape}.")
        spatial = size[-3:]
    else:
        raise NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation of "
                      "affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{size[0]}, "
                           f"{len(spatial) + 1}] but got: [{theta.shape[0]}, {len(spatial) + 1}].")
    return affine_grid_generator(theta, size, bool(align_corners))


# ------------------------------------------------------------------ pixel and channel shuffles
def _pixel_shuffle_pre(input, upscale_factor):
    if input.dim() < 3:
        raise RuntimeError("pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    if upscale_factor <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {upscale_factor}")
    c, r2 = input.shape[-3], upscale_factor * upscale_factor
    if c % r2:
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r2}")
    return input, upscale_factor


@op("pixel_shuffle(Tensor input, int upscale_factor) -> Tensor", method=False, out=False, saves="none",
    pre=_pixel_shuffle_pre)
def pixel_shuffle(x, r):
    *lead, c, h, w = x.shape
    y = x.reshape(tuple(lead) + (c // (r * r), r, r, h, w))
    k = len(lead)
    y = y.transpose(tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2))
    return y.reshape(tuple(lead) + (c // (r * r), h * r, w * r))


def _pixel_unshuffle_pre(input, downscale_factor):
    if input.dim() < 3:
        raise RuntimeError("pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.dim()} dimension(s)")
    r = downscale_factor
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    h, w = input.shape[-2:]
    if h % r:
        raise RuntimeError("pixel_unshuffle expects height to be divisible by downscale_factor, but "
                           f"input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError("pixel_unshuffle expects width to be divisible by downscale_factor, but "
                           f"input.size(-1)={w} is not divisible by {r}")
    return input, r


@op("pixel_unshuffle(Tensor input, int downscale_factor) -> Tensor", method=False, out=False, saves="none",
    pre=_pixel_unshuffle_pre)
def pixel_unshuffle(x, r):
    *lead, c, h, w = x.shape
    y = x.reshape(tuple(lead) + (c, h // r, r, w // r, r))
    k = len(lead)
    y = y.transpose(tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3))
    return y.reshape(tuple(lead) + (c * r * r, h // r, w // r))


def _channel_shuffle_pre(input, groups):
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    return input, groups


def _shuffle_channels(x, g):
    n, c = x.shape[:2]
    return x.reshape((n, g, c // g) + x.shape[2:]).swapaxes(1, 2).reshape(x.shape)


channel_shuffle = op("channel_shuffle(Tensor input, int groups) -> Tensor", method=False, out=False, saves="none",
                     pre=_channel_shuffle_pre)(_shuffle_channels)
native_channel_shuffle = op("native_channel_shuffle(Tensor input, int groups) -> Tensor", method=False, out=False,
                            saves="none", pre=_channel_shuffle_pre, node_name="ChannelShuffleBackward0")(
    _shuffle_channels)

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "grid_sample", "affine_grid",
           "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle"]
