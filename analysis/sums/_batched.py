r"""Batched NumPy evaluation of a Sum form on stored run data.

:func:`evaluate` walks the expression bottom-up: an index bound by a ``Sum`` is an ``arange``
along its axis, a run function applied at ``(t, i)``, ``(T, i)`` or ``(t,)`` is the matching
slice of its array, and a ``Sum`` sums its summand along its axis. No Python loop runs over
``t``. A range with :math:`hi < lo - 1` follows Karr's convention (:mod:`._normal`): minus the
sum over :math:`hi + 1..lo - 1`.

Rounding: the run data and every sum are computed in :data:`WIDE`, the platform's long double
when it has the x87 extended format (64-bit significand, exponents to about
:math:`10^{\pm 4931}`: :math:`g^2` neither underflows nor overflows for any float64
:math:`g`), and the result is rounded once to float64. A number in the expression is
evaluated by sympy (``log1p`` for :math:`\ln(1 + x)`) before it is rounded, and
:math:`\ln(1 + x)` of run data as ``log1p(x)``. So a value is
within :data:`ROUNDING_RTOL` of the exact one, up to float64's range: above it the value is
``inf``, below its smallest normal number (2.2e-308) it may be rounded to a subnormal or 0.
Where long double is plain float64 (e.g. on Apple silicon), :data:`WIDE` is float64 and
:math:`|g| \lesssim 10^{-162}` underflows again.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from ._language import (
    AXES,
    FUNCTIONS,
    canonical,
    fraction,
    function_name,
    limits,
    log1p_argument,
)
from ._recurrences import WIDE

#: The relative error :func:`evaluate` and ``Theorem.numeric`` promise (tested on magnitudes
#: 1e-300 to 1e300 in ``tests/analysis/test_rounding.py``).
ROUNDING_RTOL = 1e-12

_BATCH = object()  # the key in _eval's env that allows run data with a leading batch axis


def evaluate(expr, data: Mapping[str, np.ndarray]) -> float:
    """The value of ``expr`` (no free symbols left) with run functions read from ``data``,
    rounded once to float64.

    >>> from analysis.sums import run_data
    >>> from analysis.symbols import Sv, g, i, t
    >>> data = run_data(np.array([[1.0, 2.0], [3.0, 0.0]]), beta2=0.5, beta1t=np.zeros(2))
    >>> e = sp.Sum(sp.Sum(g(t, i) ** 2 / sp.sqrt(Sv(t, i)), (i, 1, 2)), (t, 1, 2))
    >>> round(evaluate(e, data), 6) == round(1 / 0.5**0.5 + 4 / 2**0.5 + 9 / 5.25**0.5, 6)
    True
    """
    out = np.asarray(_eval(canonical(sp.sympify(expr)), data, {}))
    if out.size != 1:
        raise ValueError(f"the expression does not sum to a number (shape {out.shape})")
    return float(to_float64(out.reshape(())))


def to_float64(x):
    """``x`` rounded to float64 (to nearest; inf above its range)."""
    with np.errstate(over="ignore"):  # above float64's range: inf, still an upper bound
        return np.asarray(x).astype(np.float64)


def evaluate_batch(expr, data: Mapping[str, np.ndarray], values=None) -> np.ndarray:
    """:func:`evaluate` over a batch: ``data`` arrays may have a leading batch axis,
    ``values`` maps the names of symbols left in ``expr`` to (B,) arrays. Returns (B,).

    >>> from analysis.sums import run_data
    >>> from analysis.symbols import Sv, i
    >>> G = np.array([[[1.0, 2.0], [3.0, 0.0]], [[0.0, 1.0], [1.0, 1.0]]])
    >>> data = run_data(G, beta2=0.5, beta1t=np.zeros(2))
    >>> e = sp.Symbol("D") * sp.Sum(sp.sqrt(Sv(2, i)), (i, 1, 2))
    >>> out = evaluate_batch(e, data, {"D": np.array([1.0, 2.0])})
    >>> [round(x, 12) for x in out] == [round(evaluate(e.subs("D", D), {k: a[b] for k, a in
    ...     data.items() if k != "beta1t"} | {"beta1t": data["beta1t"]}), 12)
    ...     for b, D in ((0, 1.0), (1, 2.0))]
    True
    """
    values = dict(values or {})
    env = {_BATCH: True}
    for s in sp.sympify(expr).free_symbols:
        if s.name not in values:
            raise ValueError(f"free symbol {s} left in the expression: give its value")
        env[s] = np.asarray(values[s.name], dtype=WIDE).reshape(-1, 1, 1)
    B = {np.size(v) for v in values.values()} | {np.shape(a)[0] for k, a in data.items()
                                                 if np.ndim(a) == 3}  # fmt: skip
    if len(B) != 1:
        raise ValueError(f"the batch sizes disagree: {sorted(B)}")
    (B,) = B
    out = to_float64(_eval(canonical(sp.sympify(expr)), data, env))
    return np.broadcast_to(out, (B, 1, 1) if out.ndim <= 3 else out.shape).reshape(B).copy()


def _eval(e, data, env):
    if e in env:
        return env[e]
    if e.is_number and not e.has(sp.Sum):
        return WIDE(str(e.evalf(25)))  # from its digits: a long double keeps them
    if e.is_Symbol:
        raise ValueError(f"free symbol {e} left in the expression: give its value")
    if isinstance(e, sp.Sum):
        return _sum(e, data, env)
    if isinstance(e, AppliedUndef):
        return _lookup(e, data, env)
    if e.is_Add:
        return sum(_eval(a, data, env) for a in e.args)
    if e.is_Mul:
        return _mul(e, data, env)
    if e.is_Pow:
        with np.errstate(divide="ignore"):
            return np.power(_eval(e.base, data, env), _eval(e.exp, data, env))
    x = log1p_argument(e)
    if x is not None:
        return np.log1p(_eval(x, data, env))
    name = function_name(e)
    if name is not None:
        return FUNCTIONS[name][0](_eval(e.args[0], data, env))
    raise NotImplementedError(f"cannot evaluate {e.func.__name__} on run data")


def _sum(e, data, env):
    inner, sign = dict(env), 1.0
    for var, lo, hi in limits(e):  # innermost first
        lo_v, hi_v = (_integer(_eval(x, data, inner), var) for x in (lo, hi))
        if hi_v < lo_v - 1:  # Karr: minus the sum over hi + 1 .. lo - 1
            lo_v, hi_v, sign = hi_v + 1, lo_v - 1, -sign
        shape = [1, 1]
        shape[AXES[var.name]] = max(hi_v - lo_v + 1, 0)
        inner[var] = np.arange(lo_v, hi_v + 1, dtype=np.float64).reshape(shape)
    summand = np.asarray(_eval(e.function, data, inner))
    for var, _, _ in e.limits:
        full = np.broadcast_shapes(np.shape(summand), inner[var].shape)
        summand = np.broadcast_to(summand, full).sum(axis=AXES[var.name], keepdims=True)
    return summand if sign > 0 else -summand


def _lookup(e, data, env):
    name = e.func.__name__
    if name not in data:
        raise ValueError(f"no run data for {name} (known: {sorted(data)})")
    arr = np.asarray(data[name])
    lead = arr.ndim - len(e.args)  # 1: a leading batch axis (evaluate_batch only)
    if lead not in ((0, 1) if _BATCH in env else (0,)):
        raise ValueError(f"{name} takes {arr.ndim - (_BATCH in env)} indices, got {len(e.args)}")
    idx = []
    for k, a in enumerate(e.args):
        pos = np.asarray(_eval(a, data, env))
        ints = np.rint(pos).astype(np.int64)
        n = arr.shape[lead + k]
        if np.any(ints != pos) or np.any(ints < 1) or np.any(ints > n):
            raise ValueError(f"{name}: index {a} outside 1..{n}")
        idx.append(ints - 1)
    idx = np.broadcast_arrays(*idx)
    if not lead:
        return arr[tuple(idx)]  # beta1t(t): a (T, 1) column, as t is
    shape = idx[0].shape  # () or 2-D; the result is (B, 1, 1) or (B, *shape)
    return arr[(slice(None), *idx)].reshape((arr.shape[0],) + (1,) * (2 - len(shape)) + shape)


def _mul(e, data, env):
    """A product, reading 0/0 as 0 (:func:`._language.fraction`)."""
    num_factors, den_factors = fraction(e)
    num, den = 1.0, 1.0
    for f in num_factors:
        num = num * _eval(f, data, env)
    for base, exp in den_factors:
        den = den * np.power(_eval(base, data, env), float(exp))
    if np.ndim(den) == 0 and den != 0:
        return num / den
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.divide(num, den)
    return np.where((np.asarray(den) == 0) & (np.asarray(num) == 0), 0.0, out)


def _integer(x, var):
    if np.ndim(x) != 0 and np.size(x) != 1:
        raise NotImplementedError(f"the limits of {var} must be numbers")
    value = float(np.reshape(x, ()))
    if value != round(value):
        raise ValueError(f"the limits of {var} must be whole numbers, got {value}")
    return round(value)
