"""Scalar inequalities on a box: rigorous interval branch and bound, and seeded sampling.

:func:`interval_nonnegative` evaluates the expression in outward-rounded interval arithmetic
(:mod:`mpmath.iv`) on the closed box of its variables and bisects the widest side until every
piece has a non-negative lower end (proved) or a budget is spent (not proved);
:func:`interval_positive` the same with a positive lower end. Only variables with finite
bounds can be boxed. :func:`smoke` is no certificate: a seeded sample of points that reports
a counterexample to a step the checker rejected, so that its message says whether the
step looks false or only unproved.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

_IV = mpmath.iv
_MAX_PIECES = 4000


def _box(expr, domain):
    box = {}
    for s in sorted(expr.free_symbols, key=lambda s: s.name):
        lo, hi = domain.ranges.get(s, (None, None))
        if lo is None or hi is None:
            return None
        box[s] = (float(lo), float(hi))
    return box


def interval_nonnegative(expr, domain) -> bool:
    """True only if ``expr >= 0`` is proved on the whole closed box."""
    return _proved(expr, domain, strict=False)


def interval_positive(expr, domain) -> bool:
    """True only if ``expr > 0`` is proved on the whole closed box."""
    return _proved(expr, domain, strict=True)


def _proved(expr, domain, strict):
    box = _box(expr, domain)
    if box is None or not box:
        return False
    syms = list(box)
    fn = sp.lambdify(syms, expr, modules=[{"sqrt": _IV.sqrt, "log": _IV.log,
                                           "exp": _IV.exp}, "mpmath"])  # fmt: skip
    stack, pieces = [[box[s] for s in syms]], 0
    while stack:
        piece = stack.pop()
        pieces += 1
        if pieces > _MAX_PIECES:
            return False
        try:
            value = fn(*[_IV.mpf(list(side)) for side in piece])
            low = _IV.mpf(value).a
        except (ZeroDivisionError, ValueError, TypeError):
            low = None
        if low is not None and (low > 0 if strict else low >= 0):
            continue
        widths = [b - a for a, b in piece]
        k = int(np.argmax(widths))
        if widths[k] < 1e-9:
            return False
        a, b = piece[k]
        mid = (a + b) / 2
        stack.append([*piece[:k], (a, mid), *piece[k + 1 :]])
        stack.append([*piece[:k], (mid, b), *piece[k + 1 :]])
    return True


def _sample(lo, hi, rng, n):
    if lo is not None and hi is not None:
        return rng.uniform(float(lo), float(hi), n)
    base = 0.0 if lo is None and hi is None else float(lo if lo is not None else hi)
    mag = np.exp(rng.uniform(np.log(1e-6), np.log(1e6), n))
    if lo is None and hi is None:
        return mag * rng.choice([-1.0, 1.0], n)
    return base + mag if lo is not None else base - mag


def smoke(expr, domain, n=4000, seed=0):
    """A sampled point ``{symbol: value}`` where ``expr`` is negative (beyond rounding), or
    None when none was found (which proves nothing)."""
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    rng = np.random.default_rng(seed)
    cols = [_sample(*domain.ranges.get(s, (0 if s.is_nonnegative else None, None)), rng, n)
            for s in syms]  # fmt: skip
    terms = sp.Add.make_args(sp.expand(expr))
    with np.errstate(all="ignore"):
        parts = [np.asarray(sp.lambdify(syms, a, "numpy")(*cols), dtype=np.float64) * np.ones(n)
                 for a in terms]  # fmt: skip
    vals = np.sum(parts, axis=0)
    scale = np.sum(np.abs(parts), axis=0)  # rounding is relative to the terms, point by point
    bad = np.isfinite(vals) & np.isfinite(scale) & (vals < -1e-9 * (1.0 + scale))
    if not bad.any():
        return None
    k = int(np.argmax(bad))
    return {s: float(col[k]) for s, col in zip(syms, cols, strict=True)}
