"""The op registry: one decorated definition per op.

    @op("add(Tensor input, Tensor|Scalar other, *, Scalar alpha=1) -> Tensor", promote=DEFAULT)
    def add(x, y, *, alpha):
        return x + y * alpha

From that entry come ``jtorch.add``, ``Tensor.add``, ``Tensor.add_``, ``out=``, type promotion,
autograd recording (through :mod:`jtorch._kernel`) and a jit cache keyed on the static arguments.

Parameter types (a subset of PyTorch's native_functions.yaml):
  Tensor, Tensor?        a tensor operand (dynamic)
  Tensor|Scalar          a tensor operand that may also be a Python number (a "wrapped number")
  Tensor[]               a list of tensors (dynamic)
  Scalar, Scalar?        a number passed to the kernel as a dynamic 0-d array (alpha, min, value...)
  Generator?             a random generator: the kernel receives a fresh key
  int, int?, int[], int[]?, int...   static ints (``int...`` takes varargs or one sequence)
  float, float?, bool, str, str?, ScalarType?, Device?, Layout?, MemoryFormat?, Any   static
Static arguments are part of the kernel cache key; dynamic ones are jit arguments, so a changing
``alpha`` or ``lr`` never recompiles.

``pre(*args)`` runs on every call and may rewrite the arguments (shape inference, dim wrapping);
``check(*args)`` validates what the cache key determines (dtypes, static args, which arguments are
None or Python numbers), so it runs only when a new kernel is resolved.
"""
from __future__ import annotations

import builtins
import collections
import keyword
import operator
import re
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._dtype import dtype as _DType
from .._kernel import Kernel, run, scalar_array
from ..autograd.grad_mode import STATE
from ..tensor import Tensor
from ._fastpath import fast_path

# ------------------------------------------------------------------ promotion kinds (torch._prims_common)
DEFAULT = "default"                    # result = promoted dtype
INT_TO_FLOAT = "int_to_float"          # integers and bool compute in the default float dtype
ALWAYS_BOOL = "always_bool"            # operands promote to a common dtype, the result is bool
COMPLEX_TO_FLOAT = "complex_to_float"  # like DEFAULT; complex results become real (abs, angle)
BOOL_TO_LONG = "bool_to_long"          # like DEFAULT, but bool becomes int64 (sum, cumsum)
KEEP = "keep"                          # every operand is cast to the first operand's dtype

FUNCTIONS: dict[str, Callable] = {}    # the torch namespace
OPS: dict[str, "Op"] = {}              # every registered op by name
_EXPORTS: dict[str, list] = collections.defaultdict(list)  # module -> public names defined there

_REQUIRED = object()

# ------------------------------------------------------------------ scalars as cached device arrays
_NUMBER_TYPES = (builtins.int, builtins.float, builtins.bool, builtins.complex, np.number, np.bool_)


def is_number(x: Any) -> bool:
    return isinstance(x, _NUMBER_TYPES)


# ------------------------------------------------------------------ signatures
class Param:
    __slots__ = ("name", "type", "default", "kwonly", "kind", "optional", "promotes", "nullable")

    def __init__(self, name: str, type_: str, default: Any, kwonly: bool):
        self.name, self.type, self.default, self.kwonly = name, type_, default, kwonly
        self.optional = type_.endswith("?")
        base = type_.rstrip("?")
        self.kind = {"Tensor": "T", "Tensor|Scalar": "TS", "Tensor[]": "TL", "Scalar": "S",
                     "Generator": "G"}.get(base, "static")
        self.promotes = False


_PARAM_RE = re.compile(r"^\s*(?P<type>[\w\[\]\|?.]+)\s+(?P<name>\w+)\s*(?:=\s*(?P<default>.+?))?\s*$")


def _split_top(s: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return out


def parse_signature(sig: str) -> tuple[str, list[Param], str]:
    m = re.match(r"^\s*(\w+)\((.*?)\)\s*(?:->\s*(.+))?$", sig, re.S)  # lazy: returns may be "(...)"
    if not m:
        raise ValueError(f"bad op signature: {sig}")
    name, body, ret = m.group(1), m.group(2), (m.group(3) or "Tensor").strip()
    params, kwonly = [], False
    for part in _split_top(body):
        part = part.strip()
        if part == "*":
            kwonly = True
            continue
        pm = _PARAM_RE.match(part)
        if not pm:
            raise ValueError(f"bad parameter {part!r} in {sig}")
        default = _REQUIRED
        if pm.group("default") is not None:
            default = eval(pm.group("default"), {"inf": float("inf")})  # literals only
        params.append(Param(pm.group("name"), pm.group("type"), default, kwonly))
    return name, params, ret


def _return_names(ret: str) -> tuple | None:
    m = re.match(r"^\((.*)\)$", ret.strip())
    if not m:
        return None
    names = [p.strip().split()[-1] for p in m.group(1).split(",")]
    return tuple(names)


# ------------------------------------------------------------------ static argument normalisers
def _index(op: "Op", p: Param, a: Any) -> int:
    try:
        return operator.index(a)
    except TypeError:
        raise TypeError(f"{op.name}(): argument '{p.name}' must be int, not {type(a).__name__}") from None


def _int_list(op: "Op", p: Param, a: Any) -> tuple:
    if isinstance(a, (builtins.list, builtins.tuple)):
        return builtins.tuple(_index(op, p, x) for x in a)
    if isinstance(a, Tensor) and a.dim() == 1:
        return builtins.tuple(builtins.int(x) for x in a.tolist())
    return (_index(op, p, a),)


def _as_dtype(op: "Op", p: Param, a: Any) -> _DType:
    if isinstance(a, _DType):
        return a
    py = {builtins.float: _dtype.float64, builtins.int: _dtype.int64, builtins.bool: _dtype.bool,
          builtins.complex: _dtype.complex128}
    if a in py:
        return py[a]
    try:
        return _dtype.from_np(a)
    except TypeError:
        raise TypeError(f"{op.name}(): argument '{p.name}' must be torch.dtype, not {type(a).__name__}") from None


def _normalise_static(op: "Op", p: Param, a: Any) -> Any:
    if a is None:
        if p.optional or p.default is None:
            return None
        raise TypeError(f"{op.name}(): argument '{p.name}' must be {p.type}, not NoneType")
    t = p.type.rstrip("?")
    if t == "int":
        return _index(op, p, a)
    if t in ("int[]", "int..."):
        return _int_list(op, p, a)
    if t == "float":
        if isinstance(a, Tensor):
            a = a.item()
        if not isinstance(a, (builtins.int, builtins.float, np.number)):
            raise TypeError(f"{op.name}(): argument '{p.name}' must be float, not {type(a).__name__}")
        return builtins.float(a)
    if t == "bool":
        if not isinstance(a, (builtins.bool, np.bool_)):
            raise TypeError(f"{op.name}(): argument '{p.name}' must be bool, not {type(a).__name__}")
        return builtins.bool(a)
    if t == "str":
        if not isinstance(a, builtins.str):
            raise TypeError(f"{op.name}(): argument '{p.name}' must be str, not {type(a).__name__}")
        return a
    if t == "ScalarType":
        return _as_dtype(op, p, a)
    if t == "Device":
        from .._device import as_device
        return as_device(a)
    if t == "Layout":
        from .creation import strided
        if a is not strided:
            raise NotImplementedError(f"{op.name}(): layout={a} is not supported; jtorch tensors are strided")
        return a
    if t == "MemoryFormat":
        return a  # layout of memory is XLA's concern; every format is accepted and has the same values
    if isinstance(a, builtins.list):
        return builtins.tuple(a)
    return a


# ------------------------------------------------------------------ the op
class Op:
    def __init__(self, sig: str, body: Callable, *, promote: str | None, promote_args: tuple | None,
                 differentiable: bool, saves: str, method: bool, function: bool, inplace: bool, out: bool,
                 view: Any, flat_alias: bool, node_name: str | None, dunders: tuple, name: str | None,
                 out_dtype: Callable | None, pre: Callable | None, check: Callable | None,
                 exact_out: bool = False):
        self.sig = sig
        self.exact_out = exact_out
        self.name, self.params, ret = parse_signature(sig)
        self.public_name = name or self.name
        self.returns = _return_names(ret)
        self.multi = ret.strip().startswith("(") or ret.strip() == "Tensor[]"
        self.body = body
        self.promote = promote
        self.differentiable = differentiable
        self.saves = saves
        self.view = view
        self.flat_alias = flat_alias
        self.detaches = False
        self.identity = False  # the result is the input's array itself (detach): no kernel call, no copy
        self.node_name = node_name
        self.out_dtype = out_dtype
        self.pre = pre
        self.check = check
        self._cache: dict = {}
        self._kernels: dict = {}  # built kernels by (layout, computation dtype, result dtype, default float)
        tensor_params = [p for p in self.params if p.kind in ("T", "TS", "TL")]
        for p in tensor_params:
            p.promotes = promote is not None and (promote_args is None or p.name in promote_args)
        codes = {"T": 0, "TS": 1, "S": 2, "TL": 3, "G": 4, "static": 5}
        self._codes = tuple(codes[p.kind] for p in self.params)
        self._promotes = tuple(p.promotes for p in self.params)
        for p in self.params:
            p.nullable = p.optional or p.default is None
        self.first_tensor = next((i for i, p in enumerate(self.params) if p.kind in ("T", "TS", "TL")), None)
        self.body_kwonly = {p.name for p in self.params if p.kwonly}
        self.fn = self._generate(method=False)
        self.method = self._generate(method=True) if method else None
        self.inplace = self._generate(method=True, inplace=True) if inplace else None
        self.has_out = out
        self.function = function
        self.dunders = dunders
        if self.returns:
            self.tuple_type = _return_type(self.public_name, self.returns)

    # ---- code generation: a real Python signature, so binding and TypeErrors are Python's own
    def _generate(self, method: bool, inplace: bool = False) -> Callable:
        lines, call_args, defaults = [], [], {}
        star_done = False
        for i, p in enumerate(self.params):
            pname = "self" if (method and i == 0) else p.name
            if keyword.iskeyword(pname):
                pname += "_"
            if p.type == "int...":
                lines.append(f"*{pname}")
                call_args.append(f"_varargs({pname})")
                star_done = True
                continue
            if p.kwonly and not star_done:
                lines.append("*")
                star_done = True
            if p.default is _REQUIRED:
                lines.append(pname)
            else:
                defaults[f"_d{i}"] = p.default
                lines.append(f"{pname}=_d{i}")
            call_args.append(pname)
        if not inplace:
            if not star_done:
                lines.append("*")
            lines.append("out=None")
        fname = self.public_name + ("_" if inplace else "")
        args_tuple = f"({', '.join(call_args)}{',' if call_args else ''})"
        fast, fast_ns = ("", {}) if inplace else fast_path(self, call_args, defaults, args_tuple)
        src = (f"def {fname}({', '.join(lines)}):\n{fast}"
               f"    return _call({args_tuple}, {'None' if inplace else 'out'}, {'self' if inplace else 'None'})\n")
        ns: dict = {"_call": self._call, "_varargs": _varargs, **defaults, **fast_ns}
        exec(compile(src, f"<jtorch op {self.name}>", "exec"), ns)
        f = ns[fname]
        f.__qualname__ = ("Tensor." if method else "") + fname
        f.__module__ = "jtorch"
        f.__doc__ = f"{self.sig}\n\nSee torch.{self.public_name}." + (self.body.__doc__ or "")
        f._op = self  # type: ignore[attr-defined]
        return f

    # ---- the call
    def _call(self, args: tuple, out: Any, inplace: Tensor | None) -> Any:
        if self.pre is not None:
            args = self.pre(*args)
        return self._dispatch(args, out, inplace)

    def replay(self, t: Tensor, *rest: Any) -> Any:
        """Apply this op again to a new first argument (views re-read their base this way)."""
        return self._dispatch((t,) + rest, None, None)

    def _prepare(self, args: tuple, inplace: Tensor | None) -> tuple:
        """The kernel for these arguments, and its dynamic inputs (Tensors and values)."""
        tensors: list = []
        vals: list = []
        layout: list = []
        promo: list = []  # dtypes of promoting operands (0-dim ones tagged), Python types of scalars
        raw: list = []    # dtypes of the other tensors (check= sees every new dtype combination)
        for code, promotes, p, a in zip(self._codes, self._promotes, self.params, args):
            if code <= 1:  # Tensor / Tensor|Scalar
                if isinstance(a, Tensor):
                    v = a._v if a._base is None else a._value
                    tensors.append(a)
                    vals.append(v)
                    layout.append(1)
                    if promotes:
                        promo.append(v.dtype if v.ndim else ("0", v.dtype))
                    else:
                        raw.append(v.dtype)
                elif a is None and p.nullable:
                    layout.append(0)
                elif code == 1 and isinstance(a, _NUMBER_TYPES):
                    tensors.append(None)
                    vals.append(scalar_array(a))
                    layout.append(2)
                    if promotes:
                        promo.append(a.__class__)
                else:
                    raise TypeError(f"{self.public_name}(): argument '{p.name}' must be Tensor, not "
                                    f"{type(a).__name__}")
            elif code == 5:
                layout.append(("S", _normalise_static(self, p, a)))
            elif code == 2:  # Scalar: static when it is the default (no extra jit argument), else dynamic
                if a is None and p.nullable:
                    layout.append(0)
                elif a.__class__ is p.default.__class__ and a == p.default:
                    layout.append(("S", a))
                elif isinstance(a, Tensor):
                    tensors.append(a)
                    vals.append(a._value)
                    layout.append(3)
                elif isinstance(a, _NUMBER_TYPES):
                    tensors.append(None)
                    vals.append(scalar_array(a))
                    layout.append((3, a.__class__))
                else:
                    raise TypeError(f"{self.public_name}(): argument '{p.name}' must be Number, not "
                                    f"{type(a).__name__}")
            elif code == 3:  # Tensor[]
                if isinstance(a, Tensor) or not isinstance(a, (builtins.list, builtins.tuple)):
                    raise TypeError(f"{self.public_name}(): argument '{p.name}' (position 1) must be tuple of "
                                    f"Tensors, not {type(a).__name__}")
                for x in a:
                    if not isinstance(x, Tensor):
                        raise TypeError(f"{self.public_name}(): argument '{p.name}' must be tuple of Tensors, "
                                        f"but found element of type {type(x).__name__}")
                    v = x._value
                    tensors.append(x)
                    vals.append(v)
                    if promotes:
                        promo.append(v.dtype if v.ndim else ("0", v.dtype))
                    else:
                        raw.append(v.dtype)
                layout.append(("L", builtins.len(a)))
            else:  # Generator
                from .._random import draw_key
                tensors.append(None)
                vals.append(draw_key(a))
                layout.append(4)

        key = (builtins.tuple(layout), builtins.tuple(promo), None if inplace is None else inplace._v.dtype,
               _dtype._default_float, builtins.tuple(raw))
        kernel = self._cache.get(key)
        if kernel is None:
            kernel = self._cache[key] = self._resolve(key, args, inplace)
        return kernel, tensors, vals, layout

    def _dispatch(self, args: tuple, out: Any, inplace: Tensor | None) -> Any:
        kernel, tensors, vals, layout = self._prepare(args, inplace)
        if inplace is not None:
            inplace._check_inplace()
        if out is not None and STATE.grad:
            for t in tensors:
                if t is not None and t.requires_grad:
                    raise RuntimeError(f"{self.public_name}(): functions with out=... arguments don't support "
                                       "automatic differentiation, but one of the arguments requires grad.")
        if self.identity:
            result = Tensor._make(vals[0])
        else:
            result = run(kernel, tensors, vals, self.differentiable)
        if self.view is not None:
            from .views import mark_view
            mark_view(self, result, args, layout)
        if inplace is not None:
            if builtins.tuple(result.shape) != builtins.tuple(inplace.shape):
                raise RuntimeError(f"output with shape {list(inplace.shape)} doesn't match the broadcast shape "
                                   f"{list(result.shape)}")
            return inplace._commit(result)
        if out is not None:
            return _write_out(self, out, result)
        if self.returns and isinstance(result, builtins.tuple):
            return self.tuple_type(*result)
        return result

    def _resolve(self, key: tuple, args: tuple, inplace: Tensor | None) -> Kernel:
        """First call with this layout and these dtypes: check, promote, and build the kernel."""
        if self.check is not None:
            self.check(*args)
        layout, promo = key[0], key[1]
        cdt = rdt = None
        if self.promote is not None:
            dims, zeros, scalars = [], [], []
            fd = _dtype._BY_NP
            for e in promo:
                if isinstance(e, builtins.tuple):
                    zeros.append(fd[e[1]])
                elif isinstance(e, builtins.type):
                    scalars.append(e(1) if e is not builtins.bool and not issubclass(e, np.bool_) else True)
                else:
                    dims.append(fd[e])
            cdt, rdt = self._promote(dims, zeros, scalars, args)
        cast_to = rdt.np if rdt is not None and not self.multi else None
        if inplace is not None:
            cast_to = self._check_cast(inplace, rdt)
        # x.add_(y) and x + y share one compiled kernel when the result dtypes agree
        bkey = (layout, cdt, cast_to, key[3])
        kernel = self._kernels.get(bkey)
        if kernel is None:
            kernel = self._kernels[bkey] = self._build_kernel((layout, cdt, cast_to))
        return kernel

    def _promote(self, dims: list, zeros: list, scalars: list, args: tuple):
        rdt = _dtype.result_type_of(dims, zeros, scalars)
        kind = self.promote(*args) if callable(self.promote) else self.promote
        if kind == DEFAULT:
            return rdt, rdt
        if kind == INT_TO_FLOAT:
            if not (rdt.is_floating_point or rdt.is_complex):
                rdt = _dtype.get_default_dtype()
            return rdt, rdt
        if kind == ALWAYS_BOOL:
            return rdt, _dtype.bool
        if kind == COMPLEX_TO_FLOAT:
            return rdt, rdt.to_real()
        if kind == BOOL_TO_LONG:
            rdt = _dtype.int64 if rdt is _dtype.bool else rdt
            return rdt, rdt
        if kind == KEEP:
            first = (dims + zeros)[0] if (dims or zeros) else rdt
            return first, first
        raise ValueError(kind)

    def _check_cast(self, target: Tensor, rdt) -> Any:
        tdt = target.dtype
        if rdt is not None and not _dtype.can_cast(rdt, tdt):
            raise RuntimeError(f"result type {_type_name(rdt)} can't be cast to the desired output type "
                               f"{_type_name(tdt)}")
        return tdt.np

    def _build_kernel(self, key: tuple) -> Kernel:
        layout, cdt, cast_to = key
        params, body, kwonly = self.params, self.body, self.body_kwonly
        cnp = cdt.np if cdt is not None else None

        def fn(*vals):
            it = iter(vals)
            pos, kw = [], {}
            for p, entry in zip(params, layout):
                if entry == 1:
                    v = next(it)
                    if cnp is not None and p.promotes and v.dtype != cnp:
                        v = v.astype(cnp)
                elif entry == 2:
                    v = next(it)
                    if cnp is not None and p.promotes:
                        v = v.astype(cnp)
                elif entry == 3 or entry == 4 or (entry.__class__ is builtins.tuple and entry[0] == 3):
                    v = next(it)
                elif entry == 0:
                    v = None
                elif entry[0] == "L":
                    v = [next(it) for _ in range(entry[1])]
                    if cnp is not None and p.promotes:
                        v = [x.astype(cnp) if x.dtype != cnp else x for x in v]
                else:
                    v = entry[1]
                if p.name in kwonly:
                    kw[p.name] = v
                else:
                    pos.append(v)
            result = body(*pos, **kw)
            if cast_to is not None and not isinstance(result, builtins.tuple) and result.dtype != cast_to:
                result = result.astype(cast_to)
            return result

        saves = self.saves if self.differentiable else "none"
        return Kernel(self.name, fn, saves=saves, node_name=self.node_name, listed=_listed(layout))


def _listed(layout: tuple) -> tuple:
    """Per kernel argument: 1 a tensor operand, 2 a Python number operand (torch lists both in
    grad_fn.next_functions), 0 a Scalar option or a random key (see Kernel.listed)."""
    out: list = []
    for entry in layout:
        if entry == 1 or entry == 2:
            out.append(entry)
        elif entry == 3 or entry == 4 or (entry.__class__ is builtins.tuple and entry[0] == 3):
            out.append(0)
        elif entry.__class__ is builtins.tuple and entry[0] == "L":
            out.extend([1] * entry[1])
    return builtins.tuple(out)


def _type_name(d: _DType) -> str:
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
            "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
            "complex64": "ComplexFloat", "complex128": "ComplexDouble"}.get(d.name, d.name)


def _dtype_word(d: _DType) -> str:
    """A dtype as ATen's messages spell it: float, double, long ..."""
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
            "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
            "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
            "complex128": "c10::complex<double>"}.get(d.name, d.name)


def _write_out(op: Op, out: Any, result: Any) -> Any:
    outs = out if isinstance(out, (builtins.tuple, builtins.list)) else (out,)
    results = result if isinstance(result, builtins.tuple) else (result,)
    if builtins.len(outs) != builtins.len(results):
        raise TypeError(f"{op.public_name}(): argument 'out' must be a tuple of {builtins.len(results)} Tensors")
    for o, r in zip(outs, results):
        if not isinstance(o, Tensor):
            raise TypeError(f"{op.public_name}(): argument 'out' must be Tensor, not {type(o).__name__}")
        if op.exact_out and r.dtype is not o.dtype:  # ops whose out= must have the result's dtype exactly
            raise RuntimeError(f"Expected out tensor to have dtype {_dtype_word(r.dtype)}, but got "
                               f"{_dtype_word(o.dtype)} instead")
        if not _dtype.can_cast(r.dtype, o.dtype):
            raise RuntimeError(f"result type {_type_name(r.dtype)} can't be cast to the desired output type "
                               f"{_type_name(o.dtype)}")
        v = r._value
        if v.dtype != o._value.dtype:
            v = v.astype(o._value.dtype)
        if o._base is not None and builtins.tuple(o.shape) != builtins.tuple(v.shape):
            raise RuntimeError(f"{op.public_name}(): out= view has shape {list(o.shape)} but the result has "
                               f"shape {list(v.shape)}")
        o._commit(Tensor._make(v))
    if isinstance(out, (builtins.tuple, builtins.list)):
        return op.tuple_type(*outs) if op.returns else builtins.tuple(outs)
    return out


def _varargs(args: tuple) -> tuple:
    if builtins.len(args) == 1 and isinstance(args[0], (builtins.tuple, builtins.list)):
        return builtins.tuple(args[0])
    if builtins.len(args) == 1 and isinstance(args[0], Tensor) and args[0].dim() == 1:
        return builtins.tuple(args[0].tolist())
    return args


_RETURN_TYPES: dict = {}


def _return_type(name: str, fields: tuple):
    """torch.return_types.<name>: a named tuple."""
    t = _RETURN_TYPES.get(name)
    if t is None:
        t = collections.namedtuple(name, fields)
        t.__module__ = "torch.return_types"
        _RETURN_TYPES[name] = t
    return t


# ------------------------------------------------------------------ the decorator
def op(sig: str, *, promote: str | None = None, promote_args: tuple | None = None, differentiable: bool = True,
       saves: str = "inputs", method: bool | None = None, function: bool = True, inplace: bool = False,
       out: bool = True, view: Any = None, flat_alias: bool = False, node_name: str | None = None,
       dunders: tuple = (), name: str | None = None, out_dtype: Callable | None = None,
       pre: Callable | None = None, check: Callable | None = None, exact_out: bool = False) -> Callable:
    """Register an op (see the module docstring). Returns the public function."""
    def deco(body: Callable) -> Callable:
        first = parse_signature(sig)[1]
        want_method = method if method is not None else bool(first) and first[0].kind in ("T", "TS") \
            and first[0].name in ("input", "self")
        o = Op(sig, body, promote=promote, promote_args=promote_args, differentiable=differentiable, saves=saves,
               method=want_method, function=function, inplace=inplace, out=out, view=view,
               flat_alias=flat_alias, node_name=node_name, dunders=dunders, name=name, out_dtype=out_dtype,
               pre=pre, check=check, exact_out=exact_out)
        _install(o, body.__module__)
        return o.fn
    return deco


def _install(o: Op, module: str) -> None:
    OPS[o.public_name] = o
    if o.function:
        FUNCTIONS[o.public_name] = o.fn
        _EXPORTS[module].append(o.public_name)
    if o.method is not None:
        setattr(Tensor, o.public_name, o.method)
    if o.inplace is not None:
        setattr(Tensor, o.public_name + "_", o.inplace)
        FUNCTIONS.setdefault(o.public_name + "_", o.inplace)
    for d in o.dunders:
        setattr(Tensor, d, o.method or o.fn)


def exported(module: str) -> list:
    """The public names a module of ops defined (for its ``__all__``)."""
    return list(_EXPORTS[module])


def tensor_method(name: str | None = None):
    """Attach a plain Python function as a Tensor method (for ops composed of registry ops)."""
    def deco(f: Callable) -> Callable:
        setattr(Tensor, name or f.__name__, f)
        return f
    return deco


def function(f: Callable) -> Callable:
    """Export a plain Python function in the torch namespace (composites and overload dispatchers)."""
    FUNCTIONS[f.__name__] = f
    _EXPORTS[f.__module__].append(f.__name__)
    return f

