"""Pointwise ops against real torch: tables of cases (values, dtypes, exception types; eagerly and under
jax.jit; gradients where a row says so). op_db (test_opdb.py) covers the common inputs; these tables hold
the special points: signs of division, pow's edge cases, gradients at ties, promotion, in-place and out=."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import jtorch
from harness import compare, dtype_name

F = lambda *v: np.array(v, np.float32)  # noqa: E731
D = lambda *v: np.array(v, np.float64)  # noqa: E731
I = lambda *v: np.array(v, np.int64)  # noqa: E731
B = lambda *v: np.array(v, np.bool_)  # noqa: E731
C = lambda *v: np.array(v, np.complex64)  # noqa: E731
NAN, INF = float("nan"), float("inf")


def case(name, fn, *arrays, grad=False, **kw):
    return pytest.param(fn, list(arrays), grad, dict(kw, what=name), id=name)


# ------------------------------------------------------------------ values, dtypes and errors
VALUES = [
    # division: rounding modes, signs, integer division by zero
    case("div_trunc_int", lambda m, a, b: m.div(a, b, rounding_mode="trunc"), I(-7, 7, -8, 8, -1), I(2, -2, 3, 3, 2)),
    case("div_floor_int", lambda m, a, b: m.div(a, b, rounding_mode="floor"), I(-7, 7, -8, 8, -1), I(2, -2, 3, 3, 2)),
    case("div_floor_float", lambda m, a, b: m.div(a, b, rounding_mode="floor"), F(-7, 7, 5.5, -5.5), F(2, -2, 0.1, 3)),
    case("div_trunc_scalar", lambda m, a: m.div(a, -2, rounding_mode="trunc"), I(-7, 7, 3)),
    case("div_true_int", lambda m, a, b: m.div(a, b), I(1, 2, -3), I(2, 2, 2)),
    case("div_bad_mode", lambda m, a: m.div(a, 2, rounding_mode="round"), F(1)),
    case("div_floor_by_zero_int", lambda m, a: m.div(a, 0, rounding_mode="floor"), I(-7, 7)),
    case("div_float_by_zero", lambda m, a: m.div(a, 0), F(-1, 0, 1)),
    case("floordiv_by_zero_tensor", lambda m, a, b: a // b, I(5, 6), I(1, 0)),
    case("floordiv_float_by_zero", lambda m, a: a // 0, F(5, -5, 0)),
    case("floor_divide_signs", lambda m, a, b: m.floor_divide(a, b), I(-7, 7, -8, 8), I(2, -2, 3, -3)),
    case("floor_divide_bool", lambda m, a, b: m.floor_divide(a, b), B(True), B(True)),
    case("remainder_signs_int", lambda m, a, b: m.remainder(a, b), I(-7, 7, -8, 8), I(2, -2, 3, -3)),
    case("remainder_signs_float", lambda m, a: m.remainder(a, -3), F(-7, 7, -8.5, 8.5)),
    case("remainder_scalar_input", lambda m, b: m.remainder(5, b), I(-3, 2)),
    case("remainder_numbers_only", lambda m: m.remainder(5, 3)),
    case("remainder_by_zero", lambda m, a: a % 0, I(1, 2)),
    case("fmod_signs_int", lambda m, a, b: m.fmod(a, b), I(-7, 7, -8, 8), I(2, -2, 3, -3)),
    case("fmod_signs_float", lambda m, a: m.fmod(a, -3), F(-7, 7, -8.5, 8.5)),
    case("fmod_by_zero_int", lambda m, a: m.fmod(a, 0), I(5, 6)),
    case("fmod_by_zero_float", lambda m, a: m.fmod(a, 0.0), F(5, -6)),
    case("fmod_complex", lambda m, a: m.fmod(a, 2), C(1 + 1j)),
    # pow
    case("pow_int_neg_scalar", lambda m, a: a ** -1, I(2, 3)),
    case("pow_int_neg_tensor", lambda m, a, b: m.pow(a, b), I(0, 2, 1, -1, -2, 3), I(-3, -3, -3, -3, -3, -2)),
    case("pow_zero_zero", lambda m, a: a ** 0, F(0, -0.0, 2)),
    case("pow_zero_zero_tensor", lambda m, a, b: m.pow(a, b), F(0, 0, 2), F(0, 1, 0)),
    case("pow_neg_base_float_exp", lambda m, a: a ** 0.5, F(-2, 2, -0.0)),
    case("pow_scalar_base", lambda m, a: m.pow(2, a), I(1, 2, 3, -1)),
    case("pow_float_scalar_base", lambda m, a: m.pow(2.5, a), I(1, 2, 3)),
    case("pow_scalar_base_float_exp", lambda m, a: m.pow(2, a), F(1, 2, 0.5)),
    case("pow_numbers_only", lambda m: m.pow(2, 3)),
    case("pow_bool", lambda m, a, b: m.pow(a, b), B(True, False), B(True, True)),
    case("pow_bool_int_exp", lambda m, a: m.pow(a, 2), B(True, False)),
    case("pow_complex", lambda m, a: a ** 2, C(1 + 1j, 0)),
    case("pow_complex_zero_base", lambda m, a, b: m.pow(a, b), C(0, 1j, 0), C(2, 0, 0.5 + 1j)),
    case("pow_uint8_overflow", lambda m, a: a ** 3, np.array([7, 200], np.uint8)),
    case("float_power_int", lambda m, a: m.float_power(a, 2), I(2, 3)),
    case("float_power_tensor", lambda m, a, b: m.float_power(a, b), F(2, 3), I(2)),
    case("float_power_complex", lambda m, a: m.float_power(a, 2), C(1 + 1j)),
    case("float_power_scalar_base", lambda m, a: m.float_power(2, a), F(0.5, 2)),
    case("float_power_inplace_bad", lambda m, a: a.float_power_(2), F(2, 3)),
    case("float_power_inplace", lambda m, a: a.float_power_(2), D(2, 3)),
    # reflected and unary operators
    case("rsub", lambda m, a: 2 - a, I(1, 2, 3)),
    case("rsub_float", lambda m, a: 2.5 - a, I(1, 2)),
    case("rtruediv", lambda m, a: 2 / a, I(1, 2, 4)),
    case("rpow", lambda m, a: 2 ** a, I(1, 2, 3)),
    case("rpow_float", lambda m, a: 2.0 ** a, F(1, 0.5)),
    case("rfloordiv", lambda m, a: 7 // a, I(2, -2, 3)),
    case("rmod", lambda m, a: 7 % a, I(2, -2, 3)),
    case("rmod_float", lambda m, a: 2.5 % a, F(1, -2)),
    case("rand_ror_rxor", lambda m, a: (6 & a, 6 | a, 6 ^ a), I(3, 5)),
    case("rlshift_rrshift", lambda m, a: (1 << a, 256 >> a), I(1, 3)),
    case("neg_bool", lambda m, a: -a, B(True)),
    case("pos_bool", lambda m, a: +a, B(True)),
    case("pos", lambda m, a: +a, I(1, -2)),
    case("invert_bool", lambda m, a: ~a, B(True, False)),
    case("invert_float", lambda m, a: ~a, F(1)),
    case("abs_dunder", lambda m, a: abs(a), I(-1, 2)),
    case("sub_bool", lambda m, a, b: a - b, B(True), B(False)),
    case("rsub_bool", lambda m, a: True - a, B(True)),
    case("add_alpha_float_int", lambda m, a: m.add(a, 5, alpha=2.5), I(1, 2)),
    case("add_alpha_float", lambda m, a: m.add(a, 5, alpha=2.5), F(1, 2)),
    case("sub_alpha", lambda m, a, b: m.sub(a, b, alpha=3), I(1, 2), I(4, 5)),
    case("rsub_alpha", lambda m, a: m.rsub(a, 5, alpha=2), I(1, 2)),
    case("add_bool_true", lambda m, a: a + True, B(True, False)),
    case("mul_bool", lambda m, a, b: a * b, B(True, False), B(True, True)),
    # rounding
    case("round_half_even", lambda m, a: m.round(a), F(0.5, 1.5, 2.5, -0.5, -1.5)),
    case("round_decimals", lambda m, a: m.round(a, decimals=2), F(1.2345, 2.5555, -1.005)),
    case("round_decimals_neg", lambda m, a: m.round(a, decimals=-2), F(1234, 2555, -1250)),
    case("round_int", lambda m, a: m.round(a), I(15, 25)),
    case("round_int_decimals", lambda m, a: m.round(a, decimals=-1), I(15, 25)),
    case("trunc_fix", lambda m, a: (m.trunc(a), m.fix(a), a.fix()), F(-1.5, 1.5, -0.2)),
    case("floor_int", lambda m, a: (m.floor(a), m.ceil(a)), I(-1, 2)),
    case("floor_bool", lambda m, a: m.floor(a), B(True)),
    case("ceil_complex", lambda m, a: m.ceil(a), C(1 + 1j)),
    case("frac", lambda m, a: m.frac(a), F(-1.5, 1.25, 3)),
    case("frac_int", lambda m, a: m.frac(a), I(1)),
    # clamp
    case("clamp_scalar_promotes", lambda m, a: m.clamp(a, min=1.5), I(1, 2, 3)),
    case("clamp_int_bounds", lambda m, a: m.clamp(a, 1, 2), I(0, 1, 2, 3)),
    case("clamp_float_bound_int", lambda m, a: m.clamp(a, 1, 2.5), I(0, 1, 2, 3)),
    case("clamp_tensor_bounds", lambda m, a, lo, hi: m.clamp(a, lo, hi), F(1, 2, 3), F(2, 0, 0), F(1, 1, 5)),
    case("clamp_tensor_min_only", lambda m, a, lo: m.clamp(a, min=lo), F(1, 2, 3), D(2.5)),
    case("clamp_tensor_promotes", lambda m, a, lo: m.clamp(a, lo), I(1, 2, 3), F(2.5)),
    case("clamp_nan_input", lambda m, a: m.clamp(a, 1.5, 2), F(1, 2, NAN)),
    case("clamp_nan_bound", lambda m, a: m.clamp(a, NAN, 2), F(1, 2, 3)),
    case("clamp_none", lambda m, a: m.clamp(a), F(1)),
    case("clamp_complex", lambda m, a: m.clamp(a, 0), C(1 + 1j)),
    case("clip", lambda m, a: (m.clip(a, 1.5, 2.5), a.clip(max=2)), F(1, 2, 3)),
    case("clip_", lambda m, a: a.clip_(1.5, 2.5), F(1, 2, 3)),
    case("clamp_min_max", lambda m, a, b: (m.clamp_min(a, 1.5), m.clamp_max(a, b)), F(1, 2, 3), F(2)),
    # where
    case("where_scalars", lambda m, c: m.where(c, 1, 2.5), B(True, False)),
    case("where_promotes", lambda m, c, a: m.where(c, a, 2.5), B(True, False), I(1, 2)),
    case("where_int_float", lambda m, c: m.where(c, 1.0, 2), B(True, False)),
    case("where_method", lambda m, c, a, b: a.where(c, b), B(True, False), F(1, 2), F(3, 4)),
    case("where_bad_condition", lambda m, c, a: m.where(c, a, a), F(1, 0), F(1, 2)),
    # comparisons, predicates
    case("eq_float_scalar", lambda m, a: (m.eq(a, 1.0), a == 2.5, a != 2), I(1, 2)),
    case("eq_inplace", lambda m, a, b: a.eq_(b), F(1, 2), F(1, 3)),
    case("lt_complex", lambda m, a: m.lt(a, 1), C(1 + 1j)),
    case("isclose_int_float", lambda m, a, b: m.isclose(a, b), I(1, 2), F(1, 2)),
    case("isclose_neg_rtol", lambda m, a: m.isclose(a, a, rtol=-1), F(1, 2)),
    case("isclose_tolerances", lambda m, a, b: m.isclose(a, b, rtol=0.1, atol=0.01), F(1, 100, INF, NAN),
         F(1.05, 111, INF, NAN)),
    case("isclose_equal_nan", lambda m, a: m.isclose(a, a, equal_nan=True), F(1, NAN, INF)),
    case("isclose_int", lambda m, a, b: m.isclose(a, b, rtol=0.1, atol=1), I(10, 100, -5), I(11, 111, -7)),
    case("isclose_bool", lambda m, a, b: m.isclose(a, b), B(True, False), B(True, True)),
    case("allclose", lambda m, a, b: (m.allclose(a, b), a.allclose(b, atol=1)), F(1, 2), F(1, 2.5), jit=False),
    case("equal", lambda m, a, b: (m.equal(a, b), m.equal(a, a), m.equal(a, b[:1])), I(1, 2), F(1, 2), jit=False),
    case("nan_to_num", lambda m, a: (m.nan_to_num(a), m.nan_to_num(a, 1.0, 2.0, -2.0)), F(NAN, INF, -INF, 1)),
    case("nan_to_num_f64", lambda m, a: m.nan_to_num(a), D(NAN, INF, -INF)),
    case("nan_to_num_int", lambda m, a: m.nan_to_num(a), I(1, 2)),
    case("nan_to_num_complex", lambda m, a: m.nan_to_num(a), np.array([complex(NAN, INF), 1], np.complex64)),
    case("nan_to_num_", lambda m, a: a.nan_to_num_(posinf=5.0), F(NAN, INF)),
    case("signbit", lambda m, a: m.signbit(a), F(-0.0, 0.0, -1, NAN)),
    case("signbit_int", lambda m, a: m.signbit(a), I(-1, 0, 1)),
    case("signbit_complex", lambda m, a: m.signbit(a), C(1)),
    case("isposinf_complex", lambda m, a: m.isposinf(a), C(1)),
    case("isinf_nan_finite", lambda m, a: (m.isinf(a), m.isnan(a), m.isfinite(a), m.isposinf(a), m.isneginf(a)),
         F(INF, -INF, NAN, 1)),
    case("isreal", lambda m, a: m.isreal(a), C(1, 1j, 0)),
    case("predicates_int", lambda m, a: (m.isnan(a), m.isinf(a), m.isposinf(a), m.isfinite(a)), I(1, 2)),
    # logical and bitwise
    case("logical_mixed", lambda m, a, b: (m.logical_and(a, b), m.logical_or(a, b), m.logical_xor(a, b)),
         I(1, 0, 2), F(2, 0, 0)),
    case("logical_inplace_keeps_dtype", lambda m, a, b: a.logical_and_(b), I(1, 0), F(2, 0)),
    case("logical_not_", lambda m, a: a.logical_not_(), F(1.5, 0)),
    case("bitwise_bool", lambda m, a, b: (m.bitwise_and(a, b), m.bitwise_or(a, b), m.bitwise_xor(a, b), ~a),
         B(True, False), B(True, True)),
    case("bitwise_bool_scalar", lambda m, a: (m.bitwise_xor(a, True), a & False), B(True, False)),
    case("bitwise_float", lambda m, a: m.bitwise_and(a, a), F(1)),
    case("bitwise_int_mixed", lambda m, a, b: (a & b, a | b, a ^ b), np.array([3, 5], np.uint8), I(6, 7)),
    case("shifts", lambda m, a: (a << 2, a >> 1), I(1, -8, 8)),
    case("shift_overflow_uint8", lambda m, a: a << 9, np.array([1, 2], np.uint8)),
    case("shift_by_width", lambda m, a: (a << 64, a >> 64), I(1, -2)),
    case("shift_negative", lambda m, a, b: (m.bitwise_left_shift(a, b), m.bitwise_right_shift(a, b)), I(1, -8),
         I(-1, -1)),
    case("shift_int32", lambda m, a: (a << 33, a >> 40), np.array([1, -3], np.int32)),
    case("shift_bool", lambda m, a: a << 1, B(True)),
    # new two-operand ops
    case("heaviside", lambda m, a, b: m.heaviside(a, b), F(-1, 0, 2, NAN), F(0.5)),
    case("heaviside_int", lambda m, a, b: m.heaviside(a, b), I(-1, 0, 2), I(7)),
    case("heaviside_mixed", lambda m, a, b: m.heaviside(a, b), I(1, 0), F(2)),
    case("logaddexp", lambda m, a, b: (m.logaddexp(a, b), m.logaddexp2(a, b)), F(-1, 0, 2, -INF), F(0.5, 0, 2, -INF)),
    case("logaddexp_int", lambda m, a, b: m.logaddexp(a, b), I(1, 0), I(2, 2)),
    case("logaddexp_complex", lambda m, a, b: m.logaddexp(a, b), C(1 + 1j, -8 + 3j), C(2, 1 - 4j)),
    case("logaddexp2_complex", lambda m, a, b: m.logaddexp2(a, b), C(1 + 1j), C(2)),
    case("nextafter", lambda m, a, b: m.nextafter(a, b), F(1, 0, -1), F(2, -1, -1)),
    case("nextafter_f64", lambda m, a, b: m.nextafter(a, b), D(1, 0), D(2, -1)),
    case("nextafter_int", lambda m, a, b: m.nextafter(a, b), I(1), I(2)),
    case("ldexp", lambda m, a, b: m.ldexp(a, b), F(1, 2, -3), I(2, 3, -1)),
    case("ldexp_int", lambda m, a, b: m.ldexp(a, b), I(1, 2), I(2, 3)),
    case("ldexp_f16", lambda m, a, b: m.ldexp(a, b), np.array([1.5], np.float16), I(2)),
    case("ldexp_float_exp", lambda m, a, b: m.ldexp(a, b), D(3), F(2.5)),
    case("ldexp_scalar_other", lambda m, a: m.ldexp(a, 2), F(1)),
    case("ldexp_", lambda m, a, b: a.ldexp_(b), F(1, 2), I(2, 3)),
    case("frexp", lambda m, a: m.frexp(a), F(1, 2, 10, 0, -3.5, INF, NAN, -0.0, 1e-40)),
    case("frexp_f64", lambda m, a: m.frexp(a), D(1, 2, 1e-310)),
    case("frexp_int", lambda m, a: m.frexp(a), I(1, 2)),
    case("frexp_fields", lambda m, a: (m.frexp(a).mantissa, m.frexp(a).exponent), F(6)),
    case("gcd_lcm", lambda m, a, b: (m.gcd(a, b), m.lcm(a, b)), I(12, -18, 0, 0, 7), I(8, 12, 0, 5, -3)),
    case("gcd_uint8", lambda m, a, b: m.gcd(a, b), np.array([4, 6], np.uint8), I(2, 4)),
    case("gcd_float", lambda m, a: m.gcd(a, a), F(1)),
    case("gcd_", lambda m, a, b: a.gcd_(b), I(12, 9), I(8, 6)),
    case("copysign", lambda m, a, b: m.copysign(a, b), F(1, 2, -3, 0), F(-0.0, 0, 1, -1)),
    case("copysign_int_scalar", lambda m, a: m.copysign(a, -1), I(1, -2)),
    case("copysign_scalar_input", lambda m, b: m.copysign(2, b), F(3)),
    case("atan2_scalar_other", lambda m, a: m.atan2(a, 2), F(3)),
    case("atan2_int", lambda m, a, b: m.atan2(a, b), I(1, -2), I(1, 2)),
    case("hypot_int", lambda m, a, b: m.hypot(a, b), I(3), I(4)),
    case("hypot_mixed", lambda m, a, b: m.hypot(a, b), F(3), D(4)),
    case("maximum_nan", lambda m, a, b: (m.maximum(a, b), m.minimum(a, b)), F(1, NAN, 3), F(NAN, 1, 2)),
    case("fmax_nan", lambda m, a, b: (m.fmax(a, b), m.fmin(a, b)), F(1, NAN, 3, NAN), F(NAN, 1, 2, NAN)),
    case("maximum_promotes", lambda m, a, b: m.maximum(a, b), I(1, 2), F(1.5, 1)),
    case("maximum_complex", lambda m, a: m.maximum(a, a), C(1 + 1j)),
    case("maximum_scalar", lambda m, a: m.maximum(a, 2), F(3)),
    case("xlogy", lambda m, a, b: m.xlogy(a, b), F(0, 0, 1, 2), F(0, NAN, 2, 3)),
    case("xlogy_scalar", lambda m, b: (m.xlogy(2, b), m.xlogy(b, 3)), F(1, 2)),
    case("xlogy_numbers", lambda m: m.xlogy(2, 3)),
    case("lerp_scalar", lambda m, a, b: m.lerp(a, b, 0.5), F(1, 2), F(3, 4)),
    case("lerp_tensor_weight", lambda m, a, b, w: m.lerp(a, b, w), F(1, 2), F(3, 4), F(0.25, 0.75)),
    case("lerp_weight_0dim_f64", lambda m, a, b, w: m.lerp(a, b, w), F(1, 2), F(3, 4), np.array(0.5)),
    case("lerp_dtype_mismatch", lambda m, a, b: m.lerp(a, b, 0.5), F(1, 2), D(3, 4)),
    case("lerp_int", lambda m, a, b: m.lerp(a, b, 0.5), I(1, 2), I(3, 4)),
    case("addcmul", lambda m, a, b, c: m.addcmul(a, b, c, value=2), F(1, 2), F(3, 4), F(1, 1)),
    case("addcmul_mixed", lambda m, a, b, c: m.addcmul(a, b, c), F(1, 2), I(3, 4), I(1, 1)),
    case("addcmul_int_value_float", lambda m, a, b, c: m.addcmul(a, b, c, value=2.5), I(1, 2), I(3, 4), I(1, 1)),
    case("addcdiv_int", lambda m, a, b, c: m.addcdiv(a, b, c), F(1, 2), I(3, 4), I(1, 1)),
    case("addcdiv", lambda m, a, b, c: m.addcdiv(a, b, c, value=-1), F(1, 2), F(3, 4), F(2, 8)),
    # activations in the torch namespace
    case("relu", lambda m, a: (m.relu(a), a.relu()), F(-1, 0, 2)),
    case("relu_int", lambda m, a: m.relu(a), I(-1, 2)),
    case("relu_bool", lambda m, a: m.relu(a), B(True)),
    case("relu_", lambda m, a: (m.relu_(a), a), F(-1, 2)),
    case("hardshrink", lambda m, a: (m.hardshrink(a), a.hardshrink(0.2)), F(-1, 0.2, 0.5, -0.5, 2)),
    case("hardshrink_int", lambda m, a: m.hardshrink(a), I(-1, 2)),
    case("selu_celu", lambda m, a: (m.selu(a), m.celu(a), m.celu(a, 2.0)), F(-1, 0, 2)),
    case("selu_int", lambda m, a: m.selu(a), I(-1, 2)),
    case("threshold", lambda m, a: m.threshold(a, 0.5, 9), F(-1, 0.5, 2)),
    case("threshold_int", lambda m, a: m.threshold(a, -0.5, 9), I(-1, 0, 2)),
    case("threshold_", lambda m, a: m.threshold_(a, 0.0, -1.0), F(-1, 0, 2)),
    case("prelu", lambda m, a, w: m.prelu(a, w), F(-1, 2, 3, -4).reshape(2, 2), F(0.25, 0.5)),
    case("prelu_scalar_weight", lambda m, a, w: m.prelu(a, w), F(-1, 2, -3), F(0.25)),
    case("prelu_1d", lambda m, a, w: m.prelu(a, w), F(-1, 2), F(0.25)),
    case("prelu_bad_weight", lambda m, a, w: m.prelu(a, w), F(-1, 2, 3, -4).reshape(2, 2), F(1, 2, 3)),
    case("isin", lambda m, a, b: (m.isin(a, b), m.isin(a, b, invert=True)), I(1, 2, 3), I(2, 5)),
    case("isin_promotes", lambda m, a, b: m.isin(a, b), I(1, 2, 3), F(2, 2.5)),
    case("isin_scalar", lambda m, a: (m.isin(a, 2), m.isin(2, a)), I(1, 2, 3)),
    case("isin_bool", lambda m, a: m.isin(a, a), B(True)),
    # math functions at special points
    case("digamma_zero", lambda m, a: m.digamma(a), F(0, -0.0, -1, 1, -2.5)),
    case("polygamma_negative", lambda m, a: (m.polygamma(1, a), m.polygamma(2, a), m.polygamma(3, a)),
         D(-8.4784, -0.5735, 0.3, 2.5, -2)),
    case("polygamma_negative_n", lambda m, a: m.polygamma(-1, a), F(1)),
    case("polygamma_", lambda m, a: a.polygamma_(1), F(0.5, 2)),
    case("polygamma_int_", lambda m, a: a.polygamma_(1), I(1, 2)),
    case("mvlgamma_bool", lambda m, a: m.mvlgamma(a, 1), B(True)),
    case("mvlgamma_p0", lambda m, a: m.mvlgamma(a, 0), F(2)),
    case("lgamma_poles", lambda m, a: m.lgamma(a), F(0, -1, 1, 2, -2.5)),
    case("erfinv_ends", lambda m, a: m.erfinv(a), F(0, 0.5, 1, -1, 2)),
    case("i0", lambda m, a: m.i0(a), F(0, 1.5, -3)),
    case("sinc", lambda m, a: m.sinc(a), F(0, 0.5, -1)),
    case("sqrt_negative", lambda m, a: (m.sqrt(a), m.rsqrt(a), m.log(a)), F(-1, 0, 4)),
    case("logit_eps", lambda m, a: (m.logit(a), m.logit(a, eps=0.3)), F(0, 0.25, 0.5, 1)),
    case("unary_int_to_float", lambda m, a: (m.exp(a), m.sin(a), m.sigmoid(a), m.erf(a), m.exp2(a)), I(1, 2)),
    case("unary_bool_to_float", lambda m, a: (m.exp(a), m.sqrt(a), m.reciprocal(a)), B(True, False)),
    case("unary_complex", lambda m, a: (m.exp(a), m.sigmoid(a), m.log1p(a), m.sqrt(a), m.tanh(a), m.exp2(a)),
         C(1 + 1j, -0.5j)),
    case("erf_complex", lambda m, a: m.erf(a), C(1 + 1j)),
    case("lgamma_complex", lambda m, a: m.lgamma(a), C(1 + 1j)),
    case("deg2rad_complex", lambda m, a: m.deg2rad(a), C(1 + 1j)),
    case("rad2deg_int", lambda m, a: (m.rad2deg(a), m.deg2rad(a)), I(1, 180)),
    case("sign_complex", lambda m, a: m.sign(a), C(3 + 4j)),
    case("sgn_complex", lambda m, a: m.sgn(a), C(3 + 4j, 0, -1j)),
    case("sgn_sign_bool", lambda m, a: (m.sgn(a), m.sign(a)), B(True, False)),
    case("abs", lambda m, a: m.abs(a), np.array([-1, 2, -128], np.int8)),
    case("abs_bool", lambda m, a: m.abs(a), B(True)),
    case("abs_complex", lambda m, a: m.abs(a), C(3 + 4j)),
    case("abs__complex", lambda m, a: a.abs_(), C(3 + 4j)),
    case("square", lambda m, a: (m.square(a), m.square(a.bool())), np.array([2, 3], np.int8)),
    case("neg_uint8", lambda m, a: m.neg(a), np.array([1, 2], np.uint8)),
    case("angle", lambda m, a: m.angle(a), F(-1, 0, 2, NAN)),
    case("angle_int", lambda m, a: m.angle(a), I(-1, 0, 2)),
    case("angle_complex", lambda m, a: m.angle(a), C(3 + 4j, -1)),
    case("reciprocal_int", lambda m, a: m.reciprocal(a), I(0, 2)),
    # complex parts
    case("real_imag", lambda m, a: (m.real(a), m.imag(a), a.real, a.imag), C(1 + 2j, 3 - 4j)),
    case("imag_of_real", lambda m, a: m.imag(a), F(1)),
    case("conj", lambda m, a: (m.conj(a).resolve_conj(), m.conj_physical(a), m.conj(m.real(a))), C(1 + 1j)),
    case("polar", lambda m, a, t: m.polar(a, t), F(1, 2), F(0, np.pi / 2)),
    case("polar_int", lambda m, a: m.polar(a, a), I(1)),
    case("polar_mixed", lambda m, a, t: m.polar(a, t), F(1), D(0)),
    case("view_as_real_complex", lambda m, a: m.view_as_complex(m.view_as_real(a)), C(1 + 2j, 3)),
    case("view_as_real_float", lambda m, a: m.view_as_real(a), F(1)),
    case("complex_fn", lambda m, a, b: m.complex(a, b), F(1, 2), F(3, 4)),
    case("complex_fn_int", lambda m, a: m.complex(a, a), I(1)),
    # in-place rules
    case("inplace_int_float_result", lambda m, a: a.add_(1.5), I(1, 2)),
    case("inplace_int_true_div", lambda m, a: a.div_(2), I(1, 2)),
    case("inplace_int_floor_div", lambda m, a: a.div_(2, rounding_mode="floor"), I(3, -3)),
    case("inplace_float_by_int", lambda m, a, b: a.div_(b), F(1, 2), I(2, 2)),
    case("inplace_mul_float_into_int", lambda m, a: a.mul_(2.5), I(1, 2)),
    case("inplace_pow_float_into_int", lambda m, a: a.pow_(0.5), I(1, 4)),
    case("inplace_broadcast_self", lambda m, a, b: a.add_(b), F(1, 2), F(1, 2, 3, 4).reshape(2, 2)),
    case("inplace_broadcast_other", lambda m, a, b: a.add_(b), F(1, 2, 3, 4).reshape(2, 2), F(10, 20)),
    case("inplace_bool_compare_float", lambda m, a: a.gt_(1), F(0, 2)),
    case("inplace_uint8_from_int", lambda m, a, b: a.add_(b), np.array([250], np.uint8), I(10)),
    case("iadd", lambda m, a, b: _iop(a, b, "__iadd__"), F(1, 2), F(3, 4)),
    case("ifloordiv_imod_ipow", lambda m, a: (_iop(a.clone(), 2, "__ifloordiv__"), _iop(a.clone(), 3, "__imod__"),
                                              _iop(a.clone(), 2, "__ipow__")), I(7, -7)),
    case("ishifts_ibitwise", lambda m, a: (_iop(a.clone(), 1, "__ilshift__"), _iop(a.clone(), 1, "__irshift__"),
                                           _iop(a.clone(), 6, "__iand__"), _iop(a.clone(), 6, "__ior__"),
                                           _iop(a.clone(), 6, "__ixor__")), I(3, 5)),
    case("itruediv_int", lambda m, a: _iop(a, 2, "__itruediv__"), I(1, 2)),
    case("isub_imul", lambda m, a: (_iop(a.clone(), 1, "__isub__"), _iop(a.clone(), 3, "__imul__")), F(1, 2)),
    # out=
    case("out_add", lambda m, a, b: _out(m, m.add, a, b), F(1, 2), F(3, 4)),
    case("out_cast_up", lambda m, a, b: _out(m, m.add, a, b, dtype=m.float64), I(1, 2), I(3, 4)),
    case("out_cast_down_error", lambda m, a, b: _out(m, m.add, a, b, dtype=m.int64), F(1, 2), F(3, 4)),
    case("out_comparison_float", lambda m, a, b: _out(m, m.lt, a, b, dtype=m.float32), F(1, 2), F(3, 0)),
    case("out_frexp", lambda m, a: _out_pair(m, m.frexp, a), F(1, 10)),
    case("out_isin", lambda m, a, b: _out(m, m.isin, a, b, dtype=m.bool), I(1, 2), I(2)),
]


def _iop(a, b, dunder):
    r = getattr(a, dunder)(b)
    assert r is a
    return a


def _out(m, f, *args, dtype=None):
    o = m.empty(2, dtype=dtype or m.float32)
    r = f(*args, out=o)
    assert r is o
    return o


def _out_pair(m, f, a):
    o = (m.empty(2), m.empty(2, dtype=m.int32))
    r = f(a, out=o)
    assert r[0] is o[0] and r[1] is o[1]
    return o


def _fresh(fn):
    """fn on clones of its tensor arguments: in-place rows must not change the inputs the jit run reuses."""
    return lambda m, *xs: fn(m, *[x.clone() if isinstance(x, m.Tensor) else x for x in xs])


@pytest.mark.parametrize("fn,arrays,grad,kw", VALUES)
def test_values(fn, arrays, grad, kw):
    compare(_fresh(fn), arrays, grad=grad, **kw)


# ------------------------------------------------------------------ gradients at special points (float64)
GRADS = [
    case("abs_at_zero", lambda m, a: m.abs(a), D(-1, 0, 2)),
    case("clamp_at_bounds", lambda m, a: m.clamp(a, -1, 1), D(-2, -1, 0, 1, 2)),
    case("clamp_min_only_at_bound", lambda m, a: (m.clamp(a, min=0), m.clamp_min(a, 0), m.clamp_max(a, 0)),
         D(-1, 0, 1)),
    case("clamp_tensor_bounds", lambda m, a, lo, hi: m.clamp(a, lo, hi), D(0, 1, 2, 3, 1), D(1, 1, 1, 4, 2),
         D(2, 2, 2, 2, 2)),
    case("clamp_min_above_max", lambda m, a, lo, hi: m.clamp(a, lo, hi), D(0, 5, 3), D(4, 4, 4), D(2, 2, 2)),
    case("clamp_nan", lambda m, a: m.clamp(a, 0, 1), D(NAN, 0.5)),
    case("maximum_ties", lambda m, a, b: (m.maximum(a, b), m.minimum(a, b)), D(1, 2, 3), D(1, 0, 3)),
    case("fmax_ties", lambda m, a, b: (m.fmax(a, b), m.fmin(a, b)), D(1, 2, NAN), D(1, 0, 1)),
    case("pow_exponent_zero", lambda m, a, b: m.pow(a, b), D(0, 2, 0, -1), D(0, 0, 2, 3)),
    case("pow_scalar_exponent_zero", lambda m, a: a ** 0, D(0, 2)),
    case("pow_base_zero_fractional", lambda m, a, b: m.pow(a, b), D(0, 4), D(0.5, 0.5)),
    case("pow_scalar_base", lambda m, b: m.pow(2, b), D(0, 1.5)),
    case("rpow", lambda m, b: 3 ** b, D(0, 1.5)),
    case("float_power", lambda m, a, b: m.float_power(a, b), D(0, 2), D(0, 2)),
    case("sqrt_at_zero", lambda m, a: m.sqrt(a), D(0, 4)),
    case("relu_at_zero", lambda m, a: m.relu(a), D(-1, 0, 2)),
    case("piecewise_constant", lambda m, a: (m.sign(a), m.floor(a), m.ceil(a), m.round(a), m.trunc(a),
                                             m.round(a, decimals=1), m.sgn(a)), D(-1.5, 0, 0.5, 2.5)),
    case("frac", lambda m, a: m.frac(a), D(-1.5, 0.5)),
    case("div_rounding", lambda m, a, b: (m.div(a, b, rounding_mode="floor"), m.div(a, b, rounding_mode="trunc")),
         D(-7, 7.5), D(2, -2)),
    case("remainder_fmod", lambda m, a, b: (m.remainder(a, b), m.fmod(a, b)), D(-7, 7.5), D(2, -2)),
    case("copysign_at_zero", lambda m, a, b: m.copysign(a, b), D(0, 1, -2), D(-1, -1, 1)),
    case("xlogy_at_zero", lambda m, a, b: m.xlogy(a, b), D(0, 1, 2), D(2, 3, 0.5)),
    case("hardshrink_at_lambda", lambda m, a: m.hardshrink(a, 0.5), D(-0.5, 0.5, 0.2, 2)),
    case("threshold_at_threshold", lambda m, a: m.threshold(a, 0.5, 9), D(0.5, 1, 0)),
    case("selu_celu_at_zero", lambda m, a: (m.selu(a), m.celu(a, 2.0)), D(-1, 0, 1)),
    case("logit_eps_bounds", lambda m, a: m.logit(a, eps=0.25), D(0.1, 0.25, 0.5, 0.75, 0.9)),
    case("logit", lambda m, a: m.logit(a), D(0.25, 0.5, 2)),
    case("i0_at_zero", lambda m, a: m.i0(a), D(0, 1.5, -2)),
    case("sinc_at_zero", lambda m, a: m.sinc(a), D(0, 0.5)),
    case("digamma_polygamma_negative", lambda m, a: (m.digamma(a), m.polygamma(1, a), m.lgamma(a)),
         D(-8.3157, -7.5824, -0.6047, 2.5)),
    case("mvlgamma", lambda m, a: m.mvlgamma(a, 3), D(1.5, 4)),
    case("erfinv", lambda m, a: m.erfinv(a), D(0, 0.5, -0.9)),
    case("frexp_mantissa", lambda m, a: m.frexp(a), D(1, 10, -3)),
    case("ldexp", lambda m, a, b: m.ldexp(a, b), D(1.5, -2), D(2, 0.5)),
    case("lerp", lambda m, a, b, w: m.lerp(a, b, w), D(1, 2, 3), D(3, 4, 5), D(0.25, 0.5, 0.75)),
    case("lerp_scalar_weight", lambda m, a, b: m.lerp(a, b, 0.5), D(1, 2), D(3, 4)),
    case("addcmul_addcdiv", lambda m, a, b, c: (m.addcmul(a, b, c, value=2), m.addcdiv(a, b, c, value=-1)),
         D(1, 2), D(3, 4), D(2, 8)),
    case("logaddexp_ties", lambda m, a, b: (m.logaddexp(a, b), m.logaddexp2(a, b)), D(1, 2), D(1, -3)),
    case("nextafter", lambda m, a, b: m.nextafter(a, b), D(1, 2), D(2, 0)),
    case("nan_to_num", lambda m, a: m.nan_to_num(a), D(NAN, INF, 1)),
    case("where", lambda m, c, a, b: m.where(c, a, b), B(True, False), D(1, 2), D(3, 4)),
    case("angle_real", lambda m, a: m.angle(a), D(-1, 0, 2)),
    case("atan2_hypot", lambda m, a, b: (m.atan2(a, b), m.hypot(a, b)), D(1, -2), D(3, 4)),
    case("prelu", lambda m, a, w: m.prelu(a, w), D(-1, 2, 0, -4).reshape(2, 2), D(0.25, 0.5)),
    case("reflected", lambda m, a: (2 - a, 2 / a, 2 ** a, a ** 2, -a, +a), D(1, 2.5)),
    case("unary_math", lambda m, a: (m.exp(a), m.log1p(a), m.tanh(a), m.sigmoid(a), m.erf(a), m.atan(a),
                                     m.rsqrt(a), m.expm1(a), m.asinh(a), m.exp2(a), m.log2(a)), D(0.25, 0.5)),
    case("real_view", lambda m, a: _real_view_grad(m, a), np.array([1 + 1j, 2 - 1j], np.complex128)),
]


def _real_view_grad(m, a):
    y = a * 1
    y.real.mul_(3)
    y.imag[0] = 5
    return y.abs()


@pytest.mark.parametrize("fn,arrays,grad,kw", GRADS)
def test_grads(fn, arrays, grad, kw):
    compare(_fresh(fn), arrays, grad=True, rtol=1e-7, atol=1e-9, **kw)


# ------------------------------------------------------------------ which dtypes each op accepts
# one call per op; run on bool, uint8, int64, float32 and complex64 inputs: the same result (value and
# dtype) or the same exception type as torch
UNARY = ["abs", "acos", "acosh", "angle", "asin", "asinh", "atan", "atanh", "bitwise_not", "ceil", "conj_physical",
         "cos", "cosh", "deg2rad", "digamma", "erf", "erfc", "erfinv", "exp", "exp2", "expm1", "fix", "floor", "frac",
         "frexp", "i0", "isfinite", "isinf", "isnan", "isneginf", "isposinf", "isreal", "lgamma", "log", "log10",
         "log1p", "log2", "logical_not", "logit", "nan_to_num", "neg", "positive", "rad2deg", "reciprocal", "relu",
         "round", "rsqrt", "selu", "sgn", "sigmoid", "sign", "signbit", "sin", "sinc", "sinh", "sqrt", "square",
         "tan", "tanh", "trunc", "hardshrink", "celu", "view_as_real", "negative", "absolute", "arcsin", "arccos",
         "arctan", "arcsinh", "arccosh", "arctanh"]
BINARY = ["add", "atan2", "bitwise_and", "bitwise_left_shift", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
          "copysign", "div", "eq", "float_power", "floor_divide", "fmax", "fmin", "fmod", "gcd", "ge", "gt",
          "heaviside", "hypot", "isclose", "lcm", "ldexp", "le", "logaddexp", "logaddexp2", "logical_and",
          "logical_or", "logical_xor", "lt", "maximum", "minimum", "mul", "ne", "nextafter", "pow", "remainder",
          "rsub", "sub", "true_divide", "xlogy", "isin", "complex", "polar", "prelu", "multiply", "divide",
          "subtract", "greater", "greater_equal", "less", "less_equal", "not_equal", "arctan2", "clip"]
OTHER = {
    "polygamma": lambda m, x: m.polygamma(2, x),
    "mvlgamma": lambda m, x: m.mvlgamma(x.abs() + 2 if x.dtype != m.bool else x, 2),
    "clamp": lambda m, x: m.clamp(x, x, x),
    "clamp_min": lambda m, x: m.clamp_min(x, x),
    "clamp_max": lambda m, x: m.clamp_max(x, x),
    "lerp": lambda m, x: m.lerp(x, x, 0.5),
    "lerp_tensor": lambda m, x: m.lerp(x, x, x),
    "addcmul": lambda m, x: m.addcmul(x, x, x),
    "addcdiv": lambda m, x: m.addcdiv(x, x, x),
    "where": lambda m, x: m.where(x != x, x, x) if x.dtype != m.bool else m.where(x, x, x),
    "threshold": lambda m, x: m.threshold(x, 0, 1),
    "div_floor": lambda m, x: m.div(x, x + 2, rounding_mode="floor") if x.dtype != m.bool else
    m.div(x, x, rounding_mode="floor"),
    "div_trunc": lambda m, x: m.div(x, x + 2, rounding_mode="trunc") if x.dtype != m.bool else
    m.div(x, x, rounding_mode="trunc"),
    "round_decimals": lambda m, x: m.round(x, decimals=1),
    "view_as_complex": lambda m, x: m.view_as_complex(x.reshape(1, 2)),
    "real": lambda m, x: m.real(x),
    "imag": lambda m, x: m.imag(x),
    "conj": lambda m, x: m.conj(x).resolve_conj(),
}
SUPPORT_DTYPES = {"bool": B(True, False), "uint8": np.array([1, 2], np.uint8), "int64": I(1, 2),
                  "float32": F(0.25, 0.5), "complex64": C(0.25 + 0.1j, 0.5)}


def _support_fn(name):
    if name in OTHER:
        return OTHER[name]
    if name in UNARY:
        return lambda m, x: getattr(m, name)(x)
    return lambda m, x: getattr(m, name)(x, x) if name not in ("div", "floor_divide", "remainder", "fmod") else \
        getattr(m, name)(x, x + 2 if x.dtype != m.bool else x)


@pytest.mark.parametrize("name", UNARY + BINARY + list(OTHER))
def test_dtype_support(name):
    fn = _support_fn(name)
    for dname, arr in SUPPORT_DTYPES.items():
        compare(fn, [arr], jit=dname == "float32", what=f"{name}[{dname}]")


# ------------------------------------------------------------------ every in-place variant torch has
def _inplace_names() -> list:
    from jtorch.ops import pointwise
    names = sorted(n for n in pointwise.__all__ if hasattr(torch.Tensor, n + "_"))
    return names


ARGS = {"polygamma": (1,), "mvlgamma": (1,), "clamp": (0.3,), "clip": (0.3,), "clamp_min": (0.3,),
        "clamp_max": (0.3,), "lerp": ("x", 0.5), "addcmul": ("x", "x"), "addcdiv": ("x", "x"), "threshold": (0.3, 2.0),
        "round": (), "logit": (), "nan_to_num": (), "float_power": (2,)}
BINARY_SET = set(BINARY) | {"heaviside", "nextafter", "ldexp"}


@pytest.mark.parametrize("name", _inplace_names())
def test_inplace_variant(name):
    """x.name_(...) matches torch (value, dtype, returns self), for float64 and int64 inputs."""
    def fn(m, x):
        args = ARGS.get(name, ("x",) if name in BINARY_SET else ())
        args = [x.clone().abs() + 1 if a == "x" else a for a in args]
        y = x.clone()
        r = getattr(y, name + "_")(*args)
        assert r is y
        return y
    compare(fn, [D(0.25, 0.5, 0.75)], what=name + "_ float64")
    compare(fn, [I(1, 2, 3)], jit=False, what=name + "_ int64")


def test_every_inplace_variant_exists():
    """every Tensor.X_ torch has for a pointwise op X, jtorch has too (and torch.X_ likewise)"""
    from jtorch.ops import pointwise
    missing = [n + "_" for n in pointwise.__all__ if hasattr(torch.Tensor, n + "_") and
               not hasattr(jtorch.Tensor, n + "_")]
    missing += ["torch." + n + "_" for n in pointwise.__all__ if hasattr(torch, n + "_") and
                not hasattr(jtorch, n + "_")]
    assert not missing, missing


# ------------------------------------------------------------------ real / imag share storage
def test_real_imag_are_views():
    for m in (torch, jtorch):
        z = m.tensor([1 + 2j, 3 + 4j])
        r, i = z.real, z.imag
        r.mul_(10)
        z.imag[1] = 7
        assert z.tolist() == [10 + 2j, 30 + 7j], m
        assert i.tolist() == [2.0, 7.0], m
        z.real = m.tensor([0.0, 1.0])
        assert z.tolist() == [2j, 1 + 7j], m
        x = m.tensor([1.0, 2.0])
        assert x.real is x and m.real(x) is x, m


# ------------------------------------------------------------------ type promotion against torch
ALL_DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64",
              "complex64", "complex128"]


def _promote_or_error(m, a, b):
    try:
        return dtype_name(m.promote_types(getattr(m, a), getattr(m, b)))
    except Exception as e:
        return type(e).__name__


def test_promote_types_all_pairs():
    bad = [(a, b, _promote_or_error(jtorch, a, b), _promote_or_error(torch, a, b))
           for a in ALL_DTYPES + ["uint16", "uint32", "uint64", "float8_e4m3fn", "complex32"]
           for b in ALL_DTYPES + ["uint16", "uint32", "uint64", "float8_e5m2", "complex32"]
           if _promote_or_error(jtorch, a, b) != _promote_or_error(torch, a, b)]
    assert not bad, bad


def test_can_cast_all_pairs():
    bad = [(a, b) for a in ALL_DTYPES for b in ALL_DTYPES
           if jtorch.can_cast(getattr(jtorch, a), getattr(jtorch, b)) != torch.can_cast(getattr(torch, a),
                                                                                          getattr(torch, b))]
    assert not bad, bad


# operands: (dtype name, "dim" | "zero") for tensors, or a Python number
PROMOTION_CASES = [
    (("int64", "dim"), 2.5), (("float16", "dim"), ("float64", "zero")), (("int32", "dim"), ("int64", "zero")),
    (("bool", "dim"), True), (("uint8", "dim"), ("int8", "dim")), (("uint8", "dim"), ("int8", "zero")),
    (("int8", "dim"), 1000), (("bool", "dim"), 2), (("bool", "dim"), 2.5), (("float16", "dim"), 2.5),
    (("bfloat16", "dim"), ("float16", "dim")), (("bfloat16", "dim"), ("float16", "zero")),
    (("float32", "dim"), 1j), (("float64", "dim"), 1j), (("bfloat16", "dim"), 1j),
    (("int64", "dim"), 1j), (("int64", "zero"), 2.5), (("int64", "zero"), ("float16", "zero")),
    (("int32", "zero"), ("int64", "zero")), (("bool", "zero"), ("uint8", "zero")), (("complex64", "dim"),
                                                                                   ("float64", "dim")),
    (("complex64", "dim"), ("float64", "zero")), (("float32", "dim"), ("complex128", "zero")),
    (("int64", "dim"), ("complex64", "zero")), (("uint8", "dim"), -1), (("uint8", "dim"), -300),
    (("int8", "dim"), ("uint8", "dim")),
    (("bool", "dim"), ("bool", "zero")), (("float32", "zero"), 2), (("bool", "zero"), 2.5),
]


def test_result_type_complex32():
    # float16 with a complex number makes complex32, which XLA (so a jtorch tensor) cannot hold: only the
    # dtype rule is checked
    for a, b in [(("float16", "dim"), 1j), (("float16", "dim"), ("complex64", "zero"))]:
        compare(lambda m: dtype_name(m.result_type(_operand(m, a), _operand(m, b))), [], jit=False)


def _operand(m, spec):
    if not isinstance(spec, tuple):
        return spec
    dt, kind = spec
    return m.ones((2,) if kind == "dim" else (), dtype=getattr(m, dt))


@pytest.mark.parametrize("default", ["float32", "float64"])
@pytest.mark.parametrize("a,b", PROMOTION_CASES, ids=[f"{a}-{b}" for a, b in PROMOTION_CASES])
def test_binary_result_dtypes(a, b, default):
    prev_t, prev_j = torch.get_default_dtype(), jtorch.get_default_dtype()
    torch.set_default_dtype(getattr(torch, default))
    jtorch.set_default_dtype(getattr(jtorch, default))
    try:
        for f in ("add", "mul", "sub", "div", "maximum", "eq", "where", "result_type"):
            compare(lambda m, f=f: _binary(m, f, a, b), [], jit=False, what=f"{f}({a}, {b}) default={default}")
    finally:
        torch.set_default_dtype(prev_t)
        jtorch.set_default_dtype(prev_j)


def _binary(m, f, a, b):
    x, y = _operand(m, a), _operand(m, b)
    if f == "result_type":
        return dtype_name(m.result_type(x, y))
    if f == "where":
        x = x if isinstance(x, m.Tensor) else m.tensor(x)
        return m.where(m.ones((), dtype=m.bool), x, y)
    if f == "maximum":
        y = y if isinstance(y, m.Tensor) else m.tensor(y)
    return getattr(m, f)(x, y)
