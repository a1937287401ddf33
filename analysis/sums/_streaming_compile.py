"""The compiler of :class:`analysis.sums.StreamingForm`: a Sum form becomes closures over a
step's context, memoised per node, and the accumulators that the sums over t need.

Arithmetic works on floats or tensors alike; a Python number is never turned into a tensor
here: it would land on the CPU while the forms' tensors live on the monitor's device.
"""

from __future__ import annotations

import math

import sympy as sp
import torch
from sympy.core.function import AppliedUndef

from ._language import FUNCTIONS, PER_COORDINATE, fraction, function_name, log1p_argument

#: Symbols read at evaluation time (they change along a run), never inside a sum over t.
DYNAMIC = ("T", "D_inf", "G_inf", "beta1", "lam")


def _is(e, name):
    return e.is_Symbol and e.name == name


class Compiler:
    """Compiles forms for ``d`` coordinates; collects the run data they read (``needs``),
    the dynamic symbols (``dynamic``) and the accumulators (``accs``: (summand, per
    coordinate))."""

    def __init__(self, d):
        self.d = d
        self.needs: set[str] = set()
        self.dynamic: set[str] = set()
        self.accs: list = []
        self.uses_index = False
        self._nodes: dict = {}

    def compile(self, e, inner, bound_i):
        """(fn(ctx) -> float or tensor, has free i); ``inner``: inside a sum over t."""
        key = (e, inner, bound_i)
        if key not in self._nodes:
            fn, has_i = self._build(e, inner, bound_i)
            if not (e.is_Number or e.is_Symbol):
                fn = _memo(key, fn)
            self._nodes[key] = (fn, has_i)
        return self._nodes[key]

    def _build(self, e, inner, bound_i):
        if e.is_Number or e.is_NumberSymbol:
            value = float(e)
            return (lambda ctx: value), False
        if e.is_Symbol:
            return self._symbol(e, inner, bound_i)
        if isinstance(e, sp.Sum):
            return self._sum_over(e.function, tuple(e.limits), inner, bound_i)
        if isinstance(e, AppliedUndef):
            return self._lookup(e, inner, bound_i)
        x = log1p_argument(e)
        if x is not None:
            (rest, has_i) = self.compile(x, inner, bound_i)
            return (lambda ctx: _apply(torch.log1p, math.log1p, rest(ctx))), has_i
        if e.is_Mul:
            return self._mul(e, inner, bound_i)
        parts = [self.compile(a, inner, bound_i) for a in e.args]
        has_i = any(h for _, h in parts)
        fns = [f for f, _ in parts]
        if e.is_Add:
            return (lambda ctx: sum(f(ctx) for f in fns)), has_i
        if e.is_Pow:
            base, ex = fns
            return (lambda ctx: _pow(base(ctx), ex(ctx))), has_i
        name = function_name(e)
        if name is not None and FUNCTIONS[name][2] is not None:
            _, pfn, tname = FUNCTIONS[name]
            tfn, (arg,) = getattr(torch, tname), fns
            return (lambda ctx: _apply(tfn, pfn, arg(ctx))), has_i
        raise NotImplementedError(f"cannot stream {e.func.__name__}")

    def _symbol(self, e, inner, bound_i):
        if _is(e, "t"):
            if not inner:
                raise ValueError("t is free outside a sum over t")
            return (lambda ctx: ctx.step), False
        if _is(e, "i"):
            if not bound_i:
                raise ValueError("i is free outside a sum over i")
            self.uses_index = True
            return (lambda ctx: ctx.index), True
        if e.name in DYNAMIC:
            if inner:
                raise NotImplementedError(f"{e.name} inside a sum over t cannot be streamed")
            self.dynamic.add(e.name)
            name = e.name
            return (lambda ctx: ctx.dyn[name]), False
        raise ValueError(f"free symbol {e} left in the form: give its value in constants")

    def _sum_over(self, summand, limits, inner, bound_i):
        """Sum of ``summand`` over ``limits`` (innermost first; sympy flattens nested Sums)."""
        (var, lo, hi), rest = limits[-1], limits[:-1]

        def body(inner_, bound_):
            if not rest:
                return self.compile(summand, inner_, bound_)
            key = ("sum", summand, rest, inner_, bound_)
            if key not in self._nodes:
                fn, has_i = self._sum_over(summand, rest, inner_, bound_)
                self._nodes[key] = (_memo(key, fn), has_i)
            return self._nodes[key]

        if _is(var, "i") and lo == 1 and hi == self.d:
            fn, has_i = body(inner, True)
            if has_i:
                return (lambda ctx: fn(ctx).sum()), False
            d = float(self.d)
            return (lambda ctx: d * fn(ctx)), False
        if _is(var, "t") and lo == 1 and _is(hi, "T"):
            if inner:
                raise NotImplementedError("a sum over t inside a sum over t cannot be streamed")
            fn, has_i = body(True, bound_i)
            k = len(self.accs)
            self.accs.append((fn, has_i))
            return (lambda ctx: ctx.acc[k]), has_i
        raise NotImplementedError(f"cannot stream the sum limits {(var, lo, hi)}: only "
                                  f"(i, 1, d) and (t, 1, T)")  # fmt: skip

    def _lookup(self, e, inner, bound_i):
        name = e.func.__name__
        when = "t" if inner else "T"
        if name == "beta1t" and len(e.args) == 1 and _is(e.args[0], when):
            self.needs.add(name)
            return (lambda ctx: ctx.data["beta1t"]), False
        if (name in PER_COORDINATE and bound_i and len(e.args) == 2 and _is(e.args[0], when)
                and _is(e.args[1], "i")):  # fmt: skip
            self.needs.add(name)
            return (lambda ctx: ctx.data[name]), True
        raise NotImplementedError(f"cannot stream {e}: run data is read at ({when}, i) "
                                  f"{'inside' if inner else 'outside'} a sum over t")  # fmt: skip

    def _mul(self, e, inner, bound_i):
        """A product, reading 0/0 as 0 (:func:`._language.fraction`)."""
        num_factors, den_factors = fraction(e)
        parts = [self.compile(f, inner, bound_i) for f in num_factors]
        dparts = [self.compile(sp.Pow(b, x), inner, bound_i) for b, x in den_factors]
        has_i = any(h for _, h in parts + dparts)
        num, den = [f for f, _ in parts], [f for f, _ in dparts]

        def fn(ctx):
            n = _prod(num, ctx)
            if not den:
                return n
            dv = _prod(den, ctx)
            if not torch.is_tensor(dv):
                return n / dv if dv != 0 else _div_zero(n)
            q = n / dv
            if not torch.is_tensor(n):  # no tensor made from n: it would be on the CPU
                return torch.where(dv == 0, torch.zeros_like(q), q) if n == 0 else q
            return torch.where((dv == 0) & (n == 0), torch.zeros_like(q), q)

        return fn, has_i


def _memo(key, fn):
    def cached(ctx):
        c = ctx.cache
        if key not in c:
            c[key] = fn(ctx)
        return c[key]

    return cached


def _prod(fns, ctx):
    out = 1.0
    for f in fns:
        out = out * f(ctx)
    return out


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
