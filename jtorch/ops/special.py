"""torch.special functions that have no torch.* counterpart (the shared ones live in pointwise_math.py).

Registered as ``special_<name>`` (torch's native names), outside the torch namespace; jtorch/special.py
re-exports them under their public names.
"""
from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np

from ._registry import INT_TO_FLOAT, exported, op
from .pointwise import all_of, needs_tensor, supports


def _special_unary(name: str, f: Callable, *, differentiable: bool = True, kernel: str | None = None) -> Callable:
    def body(x):
        return f(x)
    body.__name__ = "special_" + name
    body.__module__ = __name__
    return op(f"special_{name}(Tensor input) -> Tensor", promote=INT_TO_FLOAT, function=False, method=False,
              differentiable=differentiable, check=supports("bif", kernel or f"{name}_cpu"))(body)


# ------------------------------------------------------------------ Bessel J0 / J1 (Cephes, as torch uses)
# NOTE: torch evaluates Cephes' monic denominators (p1evl) without their leading 1, which moves its values
# by up to ~3e-7 near x = 5; torch is the specification here, so the coefficients below follow it.
_J0_PP = [7.96936729297347051624e-4, 8.28352392107440799803e-2, 1.23953371646414299388e0, 5.44725003058768775090e0,
          8.74716500199817011941e0, 5.30324038235394892183e0, 9.99999999999999997821e-1]
_J0_PQ = [9.24408810558863637013e-4, 8.56288474354474431428e-2, 1.25352743901058953537e0, 5.47097740330417105182e0,
          8.76190883237069594232e0, 5.30605288235394617618e0, 1.00000000000000000218e0]
_J0_QP = [-1.13663838898469149931e-2, -1.28252718670509318512e0, -1.95539544257735972385e1,
          -9.32060152123768231369e1, -1.77681167980488050595e2, -1.47077505154951170175e2,
          -5.14105326766599330220e1, -6.05014350600728481186e0]
_J0_QQ = [6.43178256118178023184e1, 8.56430025976980587198e2, 3.88240183605401609683e3,
          7.24046774195652478189e3, 5.93072701187316984827e3, 2.06209331660327847417e3, 2.42005740240291393179e2]
_J0_RP = [-4.79443220978201773821e9, 1.95617491946556577543e12, -2.49248344360967716204e14,
          9.70862251047306323952e15]
_J0_RQ = [4.99563147152651017219e2, 1.73785401676374683123e5, 4.84409658339962045305e7,
          1.11855537045356834862e10, 2.11277520115489217587e12, 3.10518229857422583814e14,
          3.18121955943204943306e16, 1.71086294081043136091e18]
_J1_RP = [-8.99971225705559398224e8, 4.52228297998194034323e11, -7.27494245221818276015e13,
          3.68295732863852883286e15]
_J1_RQ = [6.20836478118054335476e2, 2.56987256757748830383e5, 8.35146791431949253037e7,
          2.21511595479792499675e10, 4.74914122079991414898e12, 7.84369607876235854894e14,
          8.95222336184627338078e16, 5.32278620332680085395e18]
_J1_PP = [7.62125616208173112003e-4, 7.31397056940917570436e-2, 1.12719608129684925192e0, 5.11207951146807644818e0,
          8.42404590141772420927e0, 5.21451598682361504063e0, 1.00000000000000000254e0]
_J1_PQ = [5.71323128072548699714e-4, 6.88455908754495404082e-2, 1.10514232634061696926e0, 5.07386386128601488557e0,
          8.39985554327604159757e0, 5.20982848682361821619e0, 9.99999999999999997461e-1]
_J1_QP = [5.10862594750176621635e-2, 4.98213872951233449420e0, 7.58238284132545283818e1, 3.66779609360150777800e2,
          7.10856304998926107277e2, 5.97489612400613639965e2, 2.11688757100572135698e2, 2.52070205858023719784e1]
_J1_QQ = [7.42373277035675149943e1, 1.05644886038262816351e3, 4.98641058337653607651e3,
          9.56231892404756170795e3, 7.99704160447350683650e3, 2.82619278517639096600e3, 3.36093607810698293419e2]
_DR1, _DR2 = 5.78318596294678452118e0, 3.04712623436620863991e1
_Z1, _Z2 = 1.46819706421238932572e1, 4.92184563216946036703e1
_SQ2OPI = 0.79788456080286535588


def _poly(c, z):
    return jnp.polyval(jnp.asarray(c, z.dtype), z)


def _asymptotic(x, pp, pq, qp, qq, phase):
    """sqrt(2/(pi x)) (P cos(x - phase) - (5/x) Q sin(x - phase)) for x >= 5."""
    x = jnp.maximum(x, 5.0)
    w = 5.0 / x
    z = w * w
    p = _poly(pp, z) / _poly(pq, z)
    q = _poly(qp, z) / _poly(qq, z)
    xn = x - phase
    return (p * jnp.cos(xn) - w * q * jnp.sin(xn)) * _SQ2OPI / jnp.sqrt(x)


def _j0(x):
    a = jnp.abs(x)
    z = a * a
    small = jnp.where(a < 1e-5, 1 - z / 4, (z - _DR1) * (z - _DR2) * _poly(_J0_RP, z) / _poly(_J0_RQ, z))
    return jnp.where(a <= 5.0, small, _asymptotic(a, _J0_PP, _J0_PQ, _J0_QP, _J0_QQ, np.pi / 4))


def _j1(x):
    a = jnp.abs(x)
    z = a * a
    small = _poly(_J1_RP, z) / _poly(_J1_RQ, z) * a * (z - _Z1) * (z - _Z2)
    return jnp.sign(x) * jnp.where(a <= 5.0, small, _asymptotic(a, _J1_PP, _J1_PQ, _J1_QP, _J1_QQ, 3 * np.pi / 4))


# ------------------------------------------------------------------ unary functions
@jax.custom_jvp
def _entr(x):
    return jnp.where(x > 0, -x * jnp.log(jnp.where(x > 0, x, 1)), jnp.where(x == 0, 0, -jnp.inf).astype(x.dtype))


@_entr.defjvp
def _entr_jvp(primals, tangents):
    # torch: -(1 + log x) everywhere (inf at 0, NaN below)
    (x,), (t,) = primals, tangents
    return _entr(x), -(1 + jnp.log(x)) * t


def _spherical_j0(x):
    safe = jnp.where(x == 0, 1, x)
    return jnp.where(x == 0, 1, jnp.sin(safe) / safe).astype(x.dtype)


special_i0e = _special_unary("i0e", jsp.i0e)
special_i1 = _special_unary("i1", jsp.i1)
special_i1e = _special_unary("i1e", jsp.i1e)
special_ndtr = _special_unary("ndtr", jsp.ndtr)
special_ndtri = _special_unary("ndtri", jsp.ndtri)
special_log_ndtr = _special_unary("log_ndtr", jsp.log_ndtr)
special_erfcx = _special_unary("erfcx", jsp.erfcx)
special_entr = _special_unary("entr", _entr)
# torch defines no derivative for these: their results do not require grad
special_bessel_j0 = _special_unary("bessel_j0", _j0, differentiable=False)
special_bessel_j1 = _special_unary("bessel_j1", _j1, differentiable=False)
special_modified_bessel_i0 = _special_unary("modified_bessel_i0", jsp.i0, differentiable=False)
special_modified_bessel_i1 = _special_unary("modified_bessel_i1", jsp.i1, differentiable=False)
special_spherical_bessel_j0 = _special_unary("spherical_bessel_j0", _spherical_j0, differentiable=False)


# ------------------------------------------------------------------ binary functions
@op("special_xlog1py(Tensor|Scalar input, Tensor|Scalar other) -> Tensor", promote=INT_TO_FLOAT, function=False,
    method=False, check=all_of(needs_tensor("special_xlog1py"), supports("bif", "xlog1py_cpu", 2)))
def special_xlog1py(x, y):
    return jsp.xlog1py(x, y)


def _zeta_value(x, q):
    return jsp.zeta(x, q)


@jax.custom_vjp
def _zeta(x, q):
    return _zeta_value(x, q)


def _zeta_bwd(res, ct):
    raise NotImplementedError("the derivative for 'zeta' is not implemented.")


_zeta.defvjp(lambda x, q: (_zeta_value(x, q), None), _zeta_bwd)


@op("special_zeta(Tensor|Scalar input, Tensor|Scalar other) -> Tensor", promote=INT_TO_FLOAT, function=False,
    method=False, check=all_of(needs_tensor("special_zeta"), supports("bif", "zeta_cpu", 2)))
def special_zeta(x, q):
    return _zeta(x, q)


__all__ = exported(__name__)
