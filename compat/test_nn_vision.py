"""F.interpolate (and upsample aliases), F.grid_sample, F.affine_grid, pixel/channel shuffles and their
modules against real torch: values and gradients (grid_sample: of the input and of the grid)."""
import warnings

import numpy as np
import pytest
import torch
from nn_models import rand
from test_nn_conv import check_module, compare_ok, same_error

import jtorch

RTOL, ATOL = 1e-7, 1e-9
X3, X4, X5 = (2, 3, 5), (2, 3, 5, 6), (1, 2, 3, 4, 5)


def interp(**kw):
    return lambda m, x: m.nn.functional.interpolate(x, **kw)


# (name, fn, input shape, run under jax.jit too)
INTERPOLATE = [
    ("nearest_size", interp(size=(7, 4)), X4, True),
    ("nearest_scale", interp(scale_factor=1.7), X4, False),
    ("nearest_scale_2", interp(scale_factor=2), X4, False),
    ("nearest_down", interp(scale_factor=(0.6, 0.5)), X4, False),
    ("nearest_recompute", interp(scale_factor=1.7, recompute_scale_factor=True), X4, False),
    ("nearest_1d", interp(size=8), X3, False),
    ("nearest_3d", interp(size=(2, 7, 4)), X5, False),
    ("nearest_exact", interp(size=(7, 4), mode="nearest-exact"), X4, True),
    ("nearest_exact_scale", interp(scale_factor=1.3, mode="nearest-exact"), X3, False),
    ("linear", interp(size=7, mode="linear"), X3, True),
    ("linear_align", interp(scale_factor=1.5, mode="linear", align_corners=True), X3, False),
    ("bilinear", interp(size=(7, 4), mode="bilinear"), X4, True),
    ("bilinear_align", interp(size=(9, 11), mode="bilinear", align_corners=True), X4, False),
    ("bilinear_scale", interp(scale_factor=(1.5, 0.7), mode="bilinear"), X4, False),
    ("trilinear", interp(size=(4, 7, 3), mode="trilinear"), X5, True),
    ("trilinear_align", interp(scale_factor=0.8, mode="trilinear", align_corners=True), X5, False),
    ("bicubic", interp(size=(7, 4), mode="bicubic"), X4, True),
    ("bicubic_align", interp(size=(9, 11), mode="bicubic", align_corners=True), X4, False),
    ("bicubic_scale", interp(scale_factor=2.3, mode="bicubic"), X4, False),
    ("area", interp(size=(3, 4), mode="area"), X4, True),
    ("area_scale", interp(scale_factor=0.5, mode="area"), X5, False),
    ("area_1d", interp(size=4, mode="area"), X3, False),
]


@pytest.mark.parametrize("name,fn,shape,jit", INTERPOLATE, ids=[c[0] for c in INTERPOLATE])
def test_interpolate(name, fn, shape, jit):
    compare_ok(fn, [rand(*shape)], grad=True, jit=jit, rtol=RTOL, atol=ATOL, what=name)


def test_interpolate_float32_and_uint8():
    compare_ok(interp(size=(7, 4), mode="bilinear"), [rand(*X4).astype(np.float32)], rtol=1e-5, atol=1e-6, jit=False)
    compare_ok(interp(size=(7, 4)), [(np.arange(60).reshape(1, 2, 5, 6) % 256).astype(np.uint8)], jit=False)


def test_deprecated_aliases_warn():
    x = rand(*X4)
    for name, kw in (("upsample", {"size": 7, "mode": "bilinear", "align_corners": True}),
                     ("upsample_nearest", {"scale_factor": 2}), ("upsample_bilinear", {"size": (4, 9)})):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = getattr(jtorch.nn.functional, name)(jtorch.tensor(x), **kw)
        assert any("deprecated" in str(m.message) for m in w)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = getattr(torch.nn.functional, name)(torch.tensor(x), **kw)
        np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=RTOL, atol=ATOL)


UPSAMPLE_MODULES = [
    ("upsample_nearest", lambda m: m.nn.Upsample(scale_factor=2), X4, False),
    ("upsample_bilinear", lambda m: m.nn.Upsample(size=(7, 4), mode="bilinear"), X4, True),
    ("upsample_trilinear", lambda m: m.nn.Upsample(scale_factor=(1, 2, 0.5), mode="trilinear", align_corners=True),
     X5, False),
    ("upsampling_nearest2d", lambda m: m.nn.UpsamplingNearest2d(size=(7, 4)), X4, False),
    ("upsampling_bilinear2d", lambda m: m.nn.UpsamplingBilinear2d(scale_factor=2), X4, False),
    ("pixel_shuffle", lambda m: m.nn.PixelShuffle(2), (2, 8, 3, 4), True),
    ("pixel_unshuffle", lambda m: m.nn.PixelUnshuffle(2), (3, 2, 4, 6), False),
    ("channel_shuffle", lambda m: m.nn.ChannelShuffle(3), (2, 6, 3, 4), False),
]


@pytest.mark.parametrize("name,build,shape,jit", UPSAMPLE_MODULES, ids=[c[0] for c in UPSAMPLE_MODULES])
def test_modules(name, build, shape, jit):
    check_module(build, [shape], jit=jit, what=name)


@pytest.mark.parametrize("build", [
    lambda m: m.nn.Upsample(scale_factor=2), lambda m: m.nn.Upsample(size=(3, 4), mode="bicubic"),
    lambda m: m.nn.Upsample(scale_factor=(2, 3), mode="bilinear", align_corners=True),
    lambda m: m.nn.UpsamplingNearest2d(size=5), lambda m: m.nn.UpsamplingBilinear2d(scale_factor=1.5),
    lambda m: m.nn.PixelShuffle(3), lambda m: m.nn.PixelUnshuffle(2), lambda m: m.nn.ChannelShuffle(4),
])
def test_repr_and_attributes(build):
    t, j = build(torch), build(jtorch)
    assert repr(j) == repr(t) and vars(j).keys() >= {k for k in vars(t) if not k.startswith("_")}
    assert {k: v for k, v in vars(j).items() if not k.startswith("_")} == \
        {k: v for k, v in vars(t).items() if not k.startswith("_")}


# ------------------------------------------------------------------ shuffles
SHUFFLES = [
    ("pixel_shuffle_batch_dims", lambda m, x: m.nn.functional.pixel_shuffle(x, 3), (2, 2, 9, 2, 3), False),
    ("pixel_unshuffle_unbatched", lambda m, x: m.nn.functional.pixel_unshuffle(x, 3), (2, 6, 3), False),
    ("torch_pixel_shuffle", lambda m, x: m.pixel_shuffle(x, 2), (2, 8, 3, 4), False),
    ("channel_shuffle_1d", lambda m, x: m.nn.functional.channel_shuffle(x, 2), (2, 4, 5), False),
    ("native_channel_shuffle", lambda m, x: m.native_channel_shuffle(x, 3), (2, 6, 3, 4), False),
]


@pytest.mark.parametrize("name,fn,shape,jit", SHUFFLES, ids=[c[0] for c in SHUFFLES])
def test_shuffles(name, fn, shape, jit):
    # torch has no derivative for native_channel_shuffle (jtorch's has one)
    compare_ok(fn, [rand(*shape)], grad=name != "native_channel_shuffle", jit=jit, what=name)


# ------------------------------------------------------------------ grid_sample and affine_grid
def _grid(*shape, seed=1):
    return np.random.default_rng(seed).uniform(-1.3, 1.3, shape)  # some points outside [-1, 1]


GRID_2D = [(mode, pad, ac) for mode in ("bilinear", "nearest", "bicubic") for pad in ("zeros", "border", "reflection")
           for ac in (False, True)]
GRID_JIT = {("bilinear", "zeros", False), ("nearest", "border", True), ("bicubic", "reflection", False)}


@pytest.mark.parametrize("mode,padding_mode,align_corners", GRID_2D)
def test_grid_sample_2d(mode, padding_mode, align_corners):
    compare_ok(lambda m, x, g: m.nn.functional.grid_sample(x, g, mode, padding_mode, align_corners),
               [rand(*X4), _grid(2, 4, 3, 2)], grad=True, jit=(mode, padding_mode, align_corners) in GRID_JIT,
               rtol=RTOL, atol=ATOL, what=f"grid_sample {mode} {padding_mode} {align_corners}")


@pytest.mark.parametrize("mode,padding_mode,align_corners", [
    ("bilinear", "zeros", False), ("bilinear", "border", True), ("bilinear", "reflection", False),
    ("bilinear", "reflection", True), ("nearest", "zeros", True), ("nearest", "reflection", False)])
def test_grid_sample_3d(mode, padding_mode, align_corners):
    compare_ok(lambda m, x, g: m.nn.functional.grid_sample(x, g, mode, padding_mode, align_corners),
               [rand(*X5), _grid(1, 2, 3, 2, 3)], grad=True, jit=(mode, padding_mode) == ("bilinear", "zeros"),
               rtol=RTOL, atol=ATOL, what=f"grid_sample 3d {mode} {padding_mode} {align_corners}")


def test_grid_sample_exact_pixel_centres():
    """Points on pixel centres and borders (ties of floor/round, clipped coordinates)."""
    h, w = X4[2:]
    ys, xs = np.meshgrid(np.linspace(-1, 1, 2 * h - 1), np.linspace(-1, 1, 2 * w - 1), indexing="ij")
    g = np.stack([xs, ys], -1)[None].repeat(2, 0)
    for mode in ("bilinear", "nearest", "bicubic"):
        compare_ok(lambda m, x, g, mode=mode: m.nn.functional.grid_sample(x, g, mode, "border", True), [rand(*X4), g],
                   grad=True, jit=False, rtol=RTOL, atol=ATOL, what=f"grid_sample on centres {mode}")


def test_torch_grid_sampler():
    compare_ok(lambda m, x, g: m.grid_sampler(x, g, 0, 2, False), [rand(*X4), _grid(2, 4, 3, 2)], grad=True,
               jit=False)


@pytest.mark.parametrize("size,align_corners,jit", [((2, 3, 4, 5), False, True), ((2, 3, 4, 1), True, False),
                                                     ((2, 3, 4, 5, 3), False, False), ((2, 3, 1, 4, 5), True, False)])
def test_affine_grid(size, align_corners, jit):
    theta = rand(2, len(size) - 2, len(size) - 1)
    compare_ok(lambda m, t: m.nn.functional.affine_grid(t, size, align_corners), [theta], grad=True, jit=jit,
               what=f"affine_grid {size} {align_corners}")


def test_spatial_transformer():
    """affine_grid + grid_sample, the usual spatial-transformer block, with gradients w.r.t. theta."""
    compare_ok(lambda m, x, t: m.nn.functional.grid_sample(
        x, m.nn.functional.affine_grid(t, x.shape, align_corners=False), align_corners=False),
        [rand(*X4), rand(2, 2, 3) * 0.5], grad=True, jit=True, rtol=RTOL, atol=ATOL)


# ------------------------------------------------------------------ errors
def _x(m, *shape, dtype=None):
    return m.ones(*shape, dtype=dtype)


ERRORS = [
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5), size=0),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5), size=(3, 3, 3)),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5), size=(3.5, 3)),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5), size=3, scale_factor=2),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5)),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5), size=3, recompute_scale_factor=True),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5), size=3, align_corners=True),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5), size=3, antialias=True),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5), size=3, mode="foo"),
    lambda m: m.nn.functional.interpolate(_x(m, 5, 5), size=3),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5), size=3, mode="bilinear"),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5), size=3, mode="trilinear"),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5, 5), size=3, mode="bicubic"),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5, dtype=m.int64), size=3),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, dtype=m.bool), size=3),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5, dtype=m.int64), size=3, mode="bicubic"),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5, 5, dtype=m.uint8), size=3, mode="trilinear"),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 3, 5, 5), scale_factor=(2,)),
    lambda m: m.nn.functional.interpolate(_x(m, 2, 0, 5, 5), size=3, mode="bilinear"),
    lambda m: m.nn.functional.grid_sample(_x(m, 2, 3, 5, 5), _x(m, 2, 4, 4, 2, dtype=m.float64), align_corners=False),
    lambda m: m.nn.functional.grid_sample(_x(m, 2, 3, 5, 5), _x(m, 1, 4, 4, 2), align_corners=False),
    lambda m: m.nn.functional.grid_sample(_x(m, 2, 3, 5, 5), _x(m, 2, 4, 4, 3), align_corners=False),
    lambda m: m.nn.functional.grid_sample(_x(m, 2, 3, 5, 5), _x(m, 2, 4, 4, 2), mode="foo"),
    lambda m: m.nn.functional.grid_sample(_x(m, 2, 3, 5, 5), _x(m, 2, 4, 4, 2), padding_mode="foo"),
    lambda m: m.nn.functional.grid_sample(_x(m, 2, 3, 4, 5, 5), _x(m, 2, 2, 2, 2, 3), mode="bicubic"),
    lambda m: m.nn.functional.grid_sample(_x(m, 2, 3, 0, 5), _x(m, 2, 4, 4, 2), align_corners=False),
    lambda m: m.nn.functional.affine_grid(_x(m, 2, 2, 3, dtype=m.int64), (2, 3, 4, 5), align_corners=False),
    lambda m: m.nn.functional.affine_grid(_x(m, 2, 3, 3), (2, 3, 4, 5), align_corners=False),
    lambda m: m.nn.functional.affine_grid(_x(m, 2, 3, 4), (2, 3, 4), align_corners=False),
    lambda m: m.nn.functional.affine_grid(_x(m, 2, 2, 3), (2, 3, 0, 5), align_corners=False),
    lambda m: m.nn.functional.affine_grid(_x(m, 2, 2, 3), (3, 3, 4, 5), align_corners=False),
    lambda m: m.nn.functional.pixel_shuffle(_x(m, 3, 5), 2),
    lambda m: m.nn.functional.pixel_shuffle(_x(m, 3, 5, 5), 2),
    lambda m: m.nn.functional.pixel_shuffle(_x(m, 4, 5, 5), 0),
    lambda m: m.nn.functional.pixel_unshuffle(_x(m, 4, 5, 6), 2),
    lambda m: m.nn.functional.pixel_unshuffle(_x(m, 4, 6, 5), 2),
    lambda m: m.nn.functional.pixel_unshuffle(_x(m, 4, 6, 6), -1),
    lambda m: m.nn.functional.channel_shuffle(_x(m, 4, 6), 2),
    lambda m: m.nn.functional.channel_shuffle(_x(m, 2, 4, 6), 3),
    lambda m: m.nn.functional.channel_shuffle(_x(m, 2, 4, 6), 0),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors_match_torch(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(fn)
