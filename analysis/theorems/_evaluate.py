r"""Evaluate a data-dependent bound of :mod:`._own` on a run: its sums become NumPy sums.

A printed form of this package's own theorems is a sympy expression with ``Sum`` over the step
index ``t`` (rows, axis 0) and the coordinate ``i`` (columns, axis 1) of undefined functions of
the run (``g``, ``m``, ``v``, ``Sv``, ``vmax`` of shape ``(T, d)``, ``beta1t`` of shape
``(T,)``). :func:`evaluate` walks the expression bottom-up: an index bound by a ``Sum`` is an
``arange`` along its axis, a run function applied at ``(t, i)``, ``(T, i)`` or ``(t,)`` is the
matching slice of its array, and a ``Sum`` sums its summand along its axis. No Python loop
runs over ``t``. Products read ``0/0`` as 0 (a step with :math:`W_{t,i} = 0` has
:math:`g_{s,i} = 0` for all :math:`s \le t`, so :math:`m_{t,i} = 0`: the term is absent).

:func:`run_data` recomputes those arrays from the gradients, with the recurrences run by
:func:`linear_scan` (a log-depth scan, also free of a Python loop over ``t``).

Batches: :func:`evaluate_batch` takes run data with a leading batch axis (``(B, T, d)``,
``(B, T)``; shared arrays may keep their unbatched shape) and per-instance values of the
symbols left in the expression, and returns the B values at once; :func:`data_bounds` is
``Theorem.data_bound`` on a list of traces with it (one sympy substitution, not B).

Rounding: the run data and every sum are computed in :data:`WIDE`, the platform's long double
when it has the x87 extended format (64-bit significand, exponents to about
:math:`10^{\pm 4931}`: :math:`g^2` neither underflows nor overflows for any float64
:math:`g`), and the result is rounded once to float64. A number in the expression is
evaluated by sympy (:class:`~._asymptotics.log1p` for :math:`\ln(1 + x)`) before it is
rounded. So a value is within :data:`ROUNDING_RTOL` of the exact one, up to float64's range:
above it the value is ``inf``, below its smallest normal number (2.2e-308) it may be rounded
to a subnormal or 0. Where long double is plain float64 (e.g. on Apple silicon), :data:`WIDE`
is float64 and :math:`|g| \lesssim 10^{-162}` underflows again.

Example:
    >>> import sympy as sp
    >>> from ._own import Sv, g, i, t
    >>> data = run_data(np.array([[1.0, 2.0], [3.0, 0.0]]), beta2=0.5, beta1t=np.zeros(2))
    >>> data["v"].astype(float).tolist(), data["Sv"].astype(float).tolist()
    ([[0.5, 2.0], [4.75, 1.0]], [[0.5, 2.0], [5.25, 3.0]])
    >>> e = sp.Sum(sp.Sum(g(t, i) ** 2 / sp.sqrt(Sv(t, i)), (i, 1, 2)), (t, 1, 2))
    >>> round(evaluate(e, data), 6) == round(1 / 0.5**0.5 + 4 / 2**0.5 + 9 / 5.25**0.5, 6)
    True
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from ._asymptotics import log1p, sqrt_sum, sqrt_sum_numpy

#: The float type of the run data and of every sum: long double when it is the x87 extended
#: format (a 15-bit exponent), else float64.
WIDE = np.longdouble if np.finfo(np.longdouble).maxexp >= 16384 else np.float64
#: The relative error :func:`evaluate` and ``Theorem.numeric`` promise (tested on magnitudes
#: 1e-300 to 1e300 in ``tests/analysis/test_rounding.py``).
ROUNDING_RTOL = 1e-12

AXES = {"t": -2, "i": -1}  # summation index name -> array axis (a batch axis may lead)
_BATCH = object()  # the key in _eval's env that allows run data with a leading batch axis
_FUNCS = {sp.Abs: np.abs, sp.log: np.log, sp.exp: np.exp, sqrt_sum: sqrt_sum_numpy,
          log1p: np.log1p}


def linear_scan(a, b):
    r""":math:`x_t = a_t x_{t-1} + b_t` along axis 0 with :math:`x_0 = 0`, for all t at once.

    Hillis-Steele doubling: :math:`\lceil \log_2 T \rceil` vectorised passes, only products
    and sums of the inputs (stable for coefficients in [0, 1], no division).

    >>> linear_scan(np.full(4, 0.5), np.array([1.0, 0.0, 2.0, 0.0])).astype(float).tolist()
    [1.0, 0.5, 2.25, 1.125]
    """
    x = np.array(b, dtype=WIDE)
    coef = np.array(np.broadcast_to(a, x.shape), dtype=WIDE)
    k = 1
    while k < x.shape[0]:
        x[k:] = coef[k:] * x[:-k] + x[k:]
        coef[k:] = coef[k:] * coef[:-k]
        k *= 2
    return x


def run_data(grads, beta2, beta1t):
    r"""The run data of :mod:`._own` from the gradients ``(T, d)``, :math:`\beta_2` and the
    momentum coefficients ``beta1t`` ``(T,)``: :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2)
    g_t^2`, :math:`Sv_t = \sum_{s \le t} v_s`, :math:`vmax_t = \max_{s \le t} v_s`,
    :math:`m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t`, all from 0; every array in
    :data:`WIDE`."""
    g = np.asarray(grads, dtype=WIDE)
    b1 = np.asarray(beta1t, dtype=WIDE)
    if g.ndim not in (2, 3) or b1.shape != g.shape[-2:-1]:
        raise ValueError(f"grads must be (T, d) or (B, T, d) and beta1t (T,), got {g.shape}, "
                         f"{b1.shape}")  # fmt: skip
    gt = np.moveaxis(g, -2, 0)  # the scans run along axis 0
    col = b1.reshape((-1,) + (1,) * (gt.ndim - 1))
    b2 = WIDE(float(beta2))
    v = np.moveaxis(linear_scan(b2, (1 - b2) * gt * gt), 0, -2)
    m = np.moveaxis(linear_scan(col, (1.0 - col) * gt), 0, -2)
    return {"g": g, "m": m, "v": v, "Sv": np.cumsum(v, axis=-2),
            "vmax": np.maximum.accumulate(v, axis=-2), "beta1t": b1}  # fmt: skip


def evaluate(expr, data: Mapping[str, np.ndarray]) -> float:
    """The value of ``expr`` (no free symbols left) with run functions read from ``data``,
    rounded once to float64 (see the module's rounding contract)."""
    out = np.asarray(_eval(sp.sympify(expr), data, {}))
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

    >>> from ._own import Sv, i, t
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
    out = to_float64(_eval(sp.sympify(expr), data, env))
    return np.broadcast_to(out, (B, 1, 1) if out.ndim <= 3 else out.shape).reshape(B).copy()


def data_bounds(theorem, traces, **constants) -> np.ndarray:
    """``[theorem.data_bound(tr, **constants) for tr in traces]`` at once, as a (B,) array.

    ``run_values`` runs per trace (cheap NumPy); the constants that differ between traces
    (observed D_inf, G_inf, aggregates, t0, ...) stay symbols, the printed form is
    substituted once with the shared ones, and :func:`evaluate_batch` evaluates it on all
    traces (``run_data`` batched when it is :mod:`._own_online`'s). The assumptions are
    checked for every trace, as ``data_bound`` does; both round as the module says (the
    published forms: ``data_bound`` with 30 digits, here in :data:`WIDE`).
    """
    from ._own_online import own_run_data

    traces = list(traces)
    names = {s.name for s in theorem.printed_form.free_symbols} | theorem.assumptions.names
    rows = [{k: v for k, v in theorem.run_values(tr, dict(constants)).items() if k in names}
            for tr in traces]  # fmt: skip
    keys = set(rows[0])
    if any(set(r) != keys for r in rows):
        raise ValueError("run_values gave different constants for different traces")
    cols = {k: np.array([float(r[k]) for r in rows]) for k in keys}
    shared = {k: rows[0][k] for k, c in cols.items() if np.all(c == c[0])}
    per = {k: c for k, c in cols.items() if k not in shared}
    for b in range(len(rows)) if per else ():
        theorem.assumptions.check(**shared, **{k: c[b] for k, c in per.items()})
    expr = theorem.exact(**shared)
    left = {s.name for s in expr.free_symbols} - set(per)
    if left:
        raise ValueError(f"{theorem.id}.data_bounds: give {sorted(left)}")
    data = {}
    same_beta1 = all(np.array_equal(tr.beta1, traces[0].beta1) for tr in traces)
    if theorem.run_data is own_run_data and "beta2" in shared and same_beta1:
        data = run_data(np.stack([tr.grads for tr in traces]), float(shared["beta2"]),
                        traces[0].beta1)  # fmt: skip
    elif theorem.run_data is not None:
        dicts = [theorem.run_data(tr, row) for tr, row in zip(traces, rows, strict=True)]
        data = {k: np.stack([dd[k] for dd in dicts]) for k in dicts[0]}
    if not data:
        data = {"_batch": np.zeros((len(traces), 1, 1))}
    return evaluate_batch(expr, data, per)


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
    if e.func in _FUNCS:
        return _FUNCS[e.func](_eval(e.args[0], data, env))
    raise NotImplementedError(f"cannot evaluate {e.func.__name__} on run data")


def _sum(e, data, env):
    val = e.function
    inner = dict(env)
    for var, lo, hi in e.limits:  # innermost first
        if var.name not in AXES:
            raise NotImplementedError(f"no axis for the summation index {var}")
        lo_v, hi_v = (_integer(_eval(x, data, inner), var) for x in (lo, hi))
        axis = AXES[var.name]
        shape = [1, 1]
        shape[axis] = max(hi_v - lo_v + 1, 0)
        inner[var] = np.arange(lo_v, hi_v + 1, dtype=np.float64).reshape(shape)
    summand = np.asarray(_eval(val, data, inner))
    for var, _, _ in e.limits:
        axis = AXES[var.name]
        full = np.broadcast_shapes(np.shape(summand), inner[var].shape)
        summand = np.broadcast_to(summand, full).sum(axis=axis, keepdims=True)
    return summand


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
    """A product; its factors with negative exponents form the denominator, and 0/0 := 0."""
    num, den = 1.0, 1.0
    for f in e.args:
        if f.is_Pow and f.exp.is_number and f.exp.is_negative:
            den = den * np.power(_eval(f.base, data, env), -float(f.exp))
        else:
            num = num * _eval(f, data, env)
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
