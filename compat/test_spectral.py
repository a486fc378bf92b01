"""torch.fft, the window functions, stft and istft against real torch."""
import warnings

import numpy as np
import pytest
import torch
from harness import compare

import jtorch

RNG = np.random.default_rng(0)


def rand(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def cplx(*shape, dtype=np.complex128):
    return (rand(*shape) + 1j * rand(*shape)).astype(dtype)


F32 = np.float32
X8, X26, X234 = rand(8), rand(2, 6), rand(2, 3, 4)
C8, C25, C234 = cplx(8), cplx(2, 5), cplx(2, 3, 4)
SIG = rand(2, 32)

# Every case compares eager values, dtypes and errors; these also run under jax.jit and compare gradients.
FULL = {
    "fft_real", "fft_complex_n_pad", "ifft_ortho", "rfft_forward", "irfft_n", "irfft_odd_n", "hfft", "ihfft_ortho",
    "fft2", "ifft2_s", "rfft2", "irfft2", "hfft2", "ihfft2", "fftn_s_dim", "ifftn", "rfftn_forward", "irfftn_s",
    "hfftn", "ihfftn", "fftshift", "ifftshift_dim", "stft", "stft_complex_input", "stft_window_pad",
    "stft_return_real", "stft_constant_pad", "istft", "istft_twosided_complex", "istft_length_longer",
    "stft_align_to_window",
}

FFT = [
    ("fft_real", lambda m, x: m.fft.fft(x), [X8], {}),
    ("fft_f32", lambda m, x: m.fft.fft(x), [X8.astype(F32)], {"rtol": 1e-5, "atol": 1e-5}),
    ("fft_int", lambda m, x: m.fft.fft(x), [np.arange(6)], {"rtol": 1e-5, "atol": 1e-5}),
    ("fft_bool", lambda m, x: m.fft.fft(x), [X8 > 0], {"rtol": 1e-5, "atol": 1e-5}),
    ("fft_complex_n_pad", lambda m, x: m.fft.fft(x, n=10), [C8], {}),
    ("fft_n_crop_dim0", lambda m, x: m.fft.fft(x, n=1, dim=0), [X26], {}),
    ("fft_norm_forward", lambda m, x: m.fft.fft(x, norm="forward"), [C8], {}),
    ("ifft_ortho", lambda m, x: m.fft.ifft(x, norm="ortho"), [C25], {}),
    ("ifft_real", lambda m, x: m.fft.ifft(x), [X26], {}),
    ("rfft", lambda m, x: m.fft.rfft(x), [X26], {}),
    ("rfft_forward", lambda m, x: m.fft.rfft(x, n=7, norm="forward"), [X26], {}),
    ("rfft_dim0", lambda m, x: m.fft.rfft(x, dim=0), [X234], {}),
    ("irfft", lambda m, x: m.fft.irfft(x), [C25], {}),
    ("irfft_n", lambda m, x: m.fft.irfft(x, n=8, norm="ortho"), [C25], {}),
    ("irfft_odd_n", lambda m, x: m.fft.irfft(x, n=9), [C25], {}),
    ("irfft_real_input", lambda m, x: m.fft.irfft(x), [X26], {}),
    ("hfft", lambda m, x: m.fft.hfft(x), [C25], {}),
    ("hfft_n_forward", lambda m, x: m.fft.hfft(x, n=7, norm="forward"), [C25], {}),
    ("ihfft", lambda m, x: m.fft.ihfft(x), [X26], {}),
    ("ihfft_ortho", lambda m, x: m.fft.ihfft(x, norm="ortho"), [X26], {}),
    ("fft2", lambda m, x: m.fft.fft2(x), [X234], {}),
    ("ifft2_s", lambda m, x: m.fft.ifft2(x, s=(2, 6)), [C234], {}),
    ("rfft2", lambda m, x: m.fft.rfft2(x), [X234], {}),
    ("irfft2", lambda m, x: m.fft.irfft2(x), [C234], {}),
    ("hfft2", lambda m, x: m.fft.hfft2(x, norm="ortho"), [C234], {}),
    ("ihfft2", lambda m, x: m.fft.ihfft2(x), [X234], {}),
    ("fftn", lambda m, x: m.fft.fftn(x), [X234], {}),
    ("fftn_s_dim", lambda m, x: m.fft.fftn(x, s=(3, 5), dim=(0, 2)), [C234], {}),
    ("fftn_s_minus1", lambda m, x: m.fft.fftn(x, s=(-1, 6)), [X234], {}),
    ("ifftn", lambda m, x: m.fft.ifftn(x, dim=(1, -1), norm="forward"), [C234], {}),
    ("rfftn", lambda m, x: m.fft.rfftn(x), [X234], {}),
    ("rfftn_forward", lambda m, x: m.fft.rfftn(x, dim=(0, 1), norm="forward"), [X234], {}),
    ("irfftn", lambda m, x: m.fft.irfftn(x), [C234], {}),
    ("irfftn_s", lambda m, x: m.fft.irfftn(x, s=(3, 5)), [C234], {}),
    ("hfftn", lambda m, x: m.fft.hfftn(x), [C234], {}),
    ("ihfftn", lambda m, x: m.fft.ihfftn(x, s=(2, 3, 5)), [X234], {}),
    ("fft_complex64", lambda m, x: m.fft.fftn(x), [C234.astype(np.complex64)], {"rtol": 1e-5, "atol": 1e-5}),
    ("fft_err_half", lambda m, x: m.fft.fft(x), [X8.astype(np.float16)], {}),
    ("fft_err_n0", lambda m, x: m.fft.fft(x, n=0), [X8], {}),
    ("fft_err_empty", lambda m, x: m.fft.fft(x), [rand(0)], {}),
    ("fft_err_0d", lambda m, x: m.fft.fft(x), [np.array(1.0)], {}),
    ("fft_err_dim", lambda m, x: m.fft.fft(x, dim=2), [X26], {}),
    ("fft_err_norm", lambda m, x: m.fft.fft(x, norm="x"), [X8], {}),
    ("rfft_err_complex", lambda m, x: m.fft.rfft(x), [C8], {}),
    ("ihfft_err_complex", lambda m, x: m.fft.ihfft(x), [C8], {}),
    ("irfft_err_one_point", lambda m, x: m.fft.irfft(x), [cplx(1)], {}),
    ("fftn_err_lengths", lambda m, x: m.fft.fftn(x, s=(5, 6), dim=(0,)), [X234], {}),
    ("fftn_err_unique", lambda m, x: m.fft.fftn(x, dim=(0, 0)), [X234], {}),
    ("fftn_err_s_too_long", lambda m, x: m.fft.fftn(x, s=(1, 2, 3)), [X26], {}),
    ("fft2_err_1d", lambda m, x: m.fft.fft2(x), [X8], {}),
    ("fftshift", lambda m, x: m.fft.fftshift(x), [X234], {}),
    ("fftshift_int", lambda m, x: m.fft.fftshift(x), [np.arange(5)], {}),
    ("ifftshift_dim", lambda m, x: m.fft.ifftshift(x, dim=(0, -1)), [X234], {}),
    ("ifftshift_int_dim", lambda m, x: m.fft.ifftshift(x, dim=1), [rand(3, 5)], {}),
]

FREQS = [
    ("fftfreq", lambda m: m.fft.fftfreq(5)),
    ("fftfreq_even_d", lambda m: m.fft.fftfreq(6, d=0.5)),
    ("fftfreq_f64", lambda m: m.fft.fftfreq(5, dtype=m.float64)),
    ("rfftfreq", lambda m: m.fft.rfftfreq(5, 0.1)),
    ("rfftfreq_even", lambda m: m.fft.rfftfreq(6)),
    ("fftfreq_err_int", lambda m: m.fft.fftfreq(5, dtype=m.int64)),
    ("fftfreq_requires_grad", lambda m: m.fft.fftfreq(4, requires_grad=True).requires_grad),
]

WINDOWS = [(name, n, periodic) for name in ("hann_window", "hamming_window", "bartlett_window", "blackman_window",
                                            "kaiser_window") for n, periodic in ((0, True), (1, False), (7, True),
                                                                                 (6, False))]

WINDOW_EXTRAS = [
    ("hamming_alpha_beta", lambda m: m.hamming_window(5, True, 0.5, 0.4)),
    ("kaiser_beta", lambda m: m.kaiser_window(6, False, 5.0)),
    ("hann_f64", lambda m: m.hann_window(5, dtype=m.float64)),
    ("blackman_f16", lambda m: m.blackman_window(5, dtype=m.float16)),
    ("hann_err_int", lambda m: m.hann_window(5, dtype=m.int64)),
    ("kaiser_err_negative", lambda m: m.kaiser_window(-1)),
    ("hann_requires_grad", lambda m: m.hann_window(4, requires_grad=True).requires_grad),
]


def hann(m, n, dtype=None):
    return m.hann_window(n, dtype=dtype or m.float64)


STFT = [
    ("stft", lambda m, x: m.stft(x, 8, window=hann(m, 8), return_complex=True), [SIG], {}),
    ("stft_1d_defaults", lambda m, x: m.stft(x, 8, return_complex=True), [SIG[0]], {}),
    ("stft_f32", lambda m, x: m.stft(x, 8, return_complex=True), [SIG.astype(F32)], {"rtol": 1e-5, "atol": 1e-5}),
    ("stft_window_promotes", lambda m, x: m.stft(x, 8, window=hann(m, 8), return_complex=True), [SIG.astype(F32)],
     {"rtol": 1e-5, "atol": 1e-5}),
    ("stft_window_pad", lambda m, x: m.stft(x, 8, hop_length=3, win_length=6, window=hann(m, 6),
                                            return_complex=True), [SIG], {}),
    ("stft_no_center_twosided", lambda m, x: m.stft(x, 8, hop_length=4, center=False, onesided=False,
                                                    return_complex=True), [SIG], {}),
    ("stft_normalized", lambda m, x: m.stft(x, 8, normalized=True, return_complex=True), [SIG], {}),
    ("stft_constant_pad", lambda m, x: m.stft(x, 8, pad_mode="constant", return_complex=True), [SIG], {}),
    ("stft_replicate_pad", lambda m, x: m.stft(x, 8, pad_mode="replicate", return_complex=True), [SIG], {}),
    ("stft_circular_pad", lambda m, x: m.stft(x, 8, pad_mode="circular", return_complex=True), [SIG[0]], {}),
    ("stft_complex_input", lambda m, x: m.stft(x, 8, window=hann(m, 8)), [cplx(32)], {}),
    ("stft_return_real", lambda m, x: m.stft(x, 8, return_complex=False), [SIG], {}),
    ("stft_align_to_window", lambda m, x: m.stft(x, 8, hop_length=4, win_length=4, window=hann(m, 4), center=False,
                                                 align_to_window=True, return_complex=True), [SIG], {}),
    ("stft_method", lambda m, x: x.stft(8, return_complex=True), [SIG[0]], {}),
    ("stft_err_return_complex", lambda m, x: m.stft(x, 8), [SIG], {}),
    ("stft_err_window_size", lambda m, x: m.stft(x, 8, window=hann(m, 6), return_complex=True), [SIG], {}),
    ("stft_err_3d", lambda m, x: m.stft(x, 8, return_complex=True), [rand(2, 2, 32)], {}),
    ("stft_err_pad_mode", lambda m, x: m.stft(x, 8, pad_mode="foo", return_complex=True), [SIG], {}),
    ("stft_err_onesided_complex", lambda m, x: m.stft(x, 8, onesided=True, return_complex=True), [cplx(32)], {}),
    ("stft_err_n_fft", lambda m, x: m.stft(x, 64, center=False, return_complex=True), [SIG], {}),
    ("stft_err_hop", lambda m, x: m.stft(x, 8, hop_length=0, return_complex=True), [SIG], {}),
    ("stft_err_win_length", lambda m, x: m.stft(x, 8, win_length=9, return_complex=True), [SIG], {}),
    ("stft_err_int", lambda m, x: m.stft(x, 8, return_complex=True), [np.arange(32)], {}),
    ("stft_err_reflect_short", lambda m, x: m.stft(x, 8, return_complex=True), [rand(3)], {}),
    ("stft_err_align_center", lambda m, x: m.stft(x, 8, align_to_window=True, return_complex=True), [SIG], {}),
    ("istft", lambda m, s: m.istft(s, 8, window=hann(m, 8)), [np.asarray(torch.stft(
        torch.from_numpy(SIG), 8, window=torch.hann_window(8, dtype=torch.float64), return_complex=True))], {}),
    ("istft_length_shorter", lambda m, s: m.istft(s, 8, window=hann(m, 8), length=30), [cplx(5, 17)], {}),
    ("istft_length_longer", lambda m, s: m.istft(s, 8, window=hann(m, 8), length=40), [cplx(2, 5, 17)], {}),
    ("istft_rect_no_center", lambda m, s: m.istft(s, 8, center=False), [cplx(5, 13)], {}),
    ("istft_normalized", lambda m, s: m.istft(s, 8, normalized=True), [cplx(5, 17)], {}),
    ("istft_twosided_complex", lambda m, s: m.istft(s, 8, window=hann(m, 8), onesided=False, return_complex=True),
     [cplx(8, 17)], {}),
    ("istft_method", lambda m, s: s.istft(8, hop_length=4, win_length=6, window=hann(m, 6)), [cplx(5, 9)], {}),
    ("istft_err_real", lambda m, s: m.istft(s, 8), [rand(5, 17)], {}),
    ("istft_err_onesided_complex", lambda m, s: m.istft(s, 8, return_complex=True), [cplx(5, 17)], {}),
    ("istft_err_nola", lambda m, s: m.istft(s, 8, window=hann(m, 8), center=False), [cplx(5, 13)], {}),
    ("istft_err_freq", lambda m, s: m.istft(s, 8), [cplx(6, 17)], {}),
]


def _run(name, fn, arrays, opts):
    full = name in FULL
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(fn, arrays, what=name, **{"grad": full, "jit": full, "rtol": 1e-6, "atol": 1e-8, **opts})


@pytest.mark.parametrize("name,fn,arrays,opts", FFT + STFT, ids=[c[0] for c in FFT + STFT])
def test_spectral(name, fn, arrays, opts):
    _run(name, fn, arrays, opts)


@pytest.mark.parametrize("name,fn", FREQS + WINDOW_EXTRAS, ids=[c[0] for c in FREQS + WINDOW_EXTRAS])
def test_factories(name, fn):
    tol = 2e-3 if name.endswith("f16") else 1e-6  # torch computes half windows in half precision; jtorch rounds once
    compare(fn, [], what=name, jit=False, rtol=tol, atol=tol)


@pytest.mark.parametrize("name,n,periodic", WINDOWS, ids=[f"{w[0]}_{w[1]}_{w[2]}" for w in WINDOWS])
def test_windows(name, n, periodic):
    compare(lambda m: getattr(m, name)(n, periodic=periodic), [], what=name, jit=False, rtol=1e-6, atol=1e-6)


def test_istft_inverts_stft():
    x = jtorch.tensor(SIG)
    w = jtorch.hann_window(8, dtype=jtorch.float64)
    y = jtorch.istft(jtorch.stft(x, 8, window=w, return_complex=True), 8, window=w, length=32)
    np.testing.assert_allclose(y.numpy(), SIG, atol=1e-12)


def test_tables_are_consistent():
    names = [c[0] for c in FFT + STFT]
    assert len(names) == len(set(names))
    assert not (FULL - set(names)), FULL - set(names)
