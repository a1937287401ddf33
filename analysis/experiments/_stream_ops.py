"""The arithmetic of compiled streaming forms (:mod:`._stream`): memoised nodes, products
that read 0/0 as 0 as ``evaluate`` does, powers and functions on floats or tensors. A
Python number is never turned into a tensor here: it would land on the CPU while the
forms' tensors live on the monitor's device."""

from __future__ import annotations

import math

import sympy as sp
import torch


def _memo(key, fn):
    def cached(ctx):
        c = ctx.cache
        if key not in c:
            c[key] = fn(ctx)
        return c[key]

    return cached


def _mul(e, sf, inner, bound_i):
    """A product; factors with negative exponents form the denominator, and 0/0 := 0."""
    num, den = [], []
    for f in e.args:
        if f.is_Pow and f.exp.is_number and f.exp.is_negative:
            den.append(sf._compile(sp.Pow(f.base, -f.exp), inner, bound_i)[0])
        else:
            num.append(sf._compile(f, inner, bound_i)[0])

    def prod(fns, ctx):
        out = 1.0
        for f in fns:
            out = out * f(ctx)
        return out

    def fn(ctx):
        n = prod(num, ctx)
        if not den:
            return n
        dv = prod(den, ctx)
        if not torch.is_tensor(dv):
            return n / dv if dv != 0 else _div_zero(n)
        q = n / dv
        if not torch.is_tensor(n):  # no tensor made from n: it would be on the CPU
            return torch.where(dv == 0, torch.zeros_like(q), q) if n == 0 else q
        return torch.where((dv == 0) & (n == 0), torch.zeros_like(q), q)

    return fn


def _div_zero(n):
    if torch.is_tensor(n):
        return torch.where(n == 0, torch.zeros_like(n), n / 0.0)
    return 0.0 if n == 0 else math.copysign(math.inf, n)


def _pow(a, b):
    if torch.is_tensor(a) or torch.is_tensor(b):
        return torch.pow(a, b)
    return math.inf if a == 0 and b < 0 else math.pow(a, b)


def _apply(tfn, pfn, x):
    return tfn(x) if torch.is_tensor(x) else pfn(x)
