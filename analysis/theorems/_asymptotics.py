r"""Asymptotics and the special functions the bounds need.

:class:`sqrt_sum` is :math:`\sum_{t \le n} \sqrt t` (Reddi et al.'s momentum term with a
constant :math:`\beta_1`, Tran & Phong's :math:`t_0` term), with an exact sympy form, a fast
``evalf`` and a vectorised NumPy twin. :class:`log1p` is :math:`\ln(1 + x)` evaluated without
forming :math:`1 + x`. :func:`leading_order` extracts the rate of a bound.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp


class sqrt_sum(sp.Function):
    r""":math:`\sum_{t=1}^{n} \sqrt t`, exact; expanded only for :math:`n \le 64`.

    Left unevaluated for larger or symbolic :math:`n` (``harmonic(n, -1/2)`` would expand a
    million-term sum); ``evalf`` uses :math:`\zeta(-\tfrac12) - \zeta(-\tfrac12, n + 1)`
    (its Euler-Maclaurin series for :math:`n \ge 64`).

    >>> sqrt_sum(4), round(float(sqrt_sum(10**6).evalf(20)), 3)
    (sqrt(2) + sqrt(3) + 3, 666667166.459)
    """

    @classmethod
    def eval(cls, n):
        if n.is_Integer and 0 <= n <= 64:
            return sp.Add(*[sp.sqrt(k) for k in range(1, int(n) + 1)])
        return None

    def _eval_evalf(self, prec):
        n = self.args[0].evalf(prec)
        if not n.is_number:
            return None
        with mpmath.workprec(prec + 10):
            val = _sqrt_sum_mp(mpmath.mpf(n._mpf_))._mpf_  # read out at this precision
        return sp.Float._new(val, prec)

    def _latex(self, printer):
        return rf"\sum_{{t=1}}^{{{printer._print(self.args[0])}}} \sqrt{{t}}"


class log1p(sp.Function):
    r""":math:`\ln(1 + x)`; ``evalf`` calls ``mpmath.log1p`` on :math:`x` itself (sympy's own
    ``log(1 + x)`` and ``codegen.cfunctions.log1p`` first round :math:`1 + x`, which is 1 for
    :math:`x` below the working precision). Its NumPy twin is ``numpy.log1p``.

    >>> x = sp.Rational(1, 10**300)
    >>> sp.N(sp.log(1 + x), 5), sp.N(log1p(x), 5)
    (0, 1.0000e-300)
    """

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.S.Zero
        if x.is_Rational and abs(x) >= sp.S.Half:  # 1 + x is far from 1: log is exact
            return sp.log(1 + x)
        return None

    def fdiff(self, argindex=1):
        return 1 / (1 + self.args[0])

    def _eval_rewrite_as_log(self, x, **kwargs):
        return sp.log(1 + x)

    def _eval_evalf(self, prec):
        x = self.args[0].evalf(prec)
        if not x.is_Float:  # a symbol, or oo
            return None
        with mpmath.workprec(prec + 10):
            val = mpmath.log1p(mpmath.mpf(x._mpf_))._mpf_
        return sp.Float._new(val, prec)

    def _latex(self, printer):
        return rf"\ln\left(1 + {printer._print(self.args[0])}\right)"


def _sqrt_sum_mp(n):
    """mpmath value at the working precision: the Hurwitz form below 64 (mpmath is slow for
    a large second argument), else the Euler-Maclaurin series, summed to the precision."""
    z = mpmath.zeta(-0.5)
    if n < 64:
        return z - mpmath.zeta(-0.5, n + 1)
    r = mpmath.sqrt(n)
    total = z + 2 * n * r / 3 + r / 2
    c = mpmath.mpf(1) / 2  # coefficient of the (2j-1)-th derivative of sqrt at n
    for j in range(1, 80):
        k = 2 * j - 1
        term = mpmath.bernoulli(2 * j) / mpmath.factorial(2 * j) * c * r / n**k
        total += term
        if abs(term) < mpmath.eps * abs(total):
            break
        c *= (mpmath.mpf(1) / 2 - k) * (mpmath.mpf(1) / 2 - k - 1)
    return total


_ZETA_M_HALF = float(mpmath.zeta(-0.5))
_SQRT_SUM_TABLE = np.concatenate([[0.0], np.cumsum(np.sqrt(np.arange(1.0, 65.0)))])


def sqrt_sum_numpy(n):
    r"""Vectorised :math:`\sum_{t=1}^n \sqrt t`: exact table below 64, Euler-Maclaurin above.

    The expansion :math:`\zeta(-\frac12) + \frac23 n^{3/2} + \frac12 n^{1/2} +
    \frac1{24} n^{-1/2} - \frac1{1920} n^{-5/2} + \frac1{9216} n^{-9/2}` is accurate to
    :math:`10^{-15}` relative for :math:`n \ge 64`. Below 64, ``n`` is read as an integer.
    Computed in ``n``'s floating type (float64 at least).
    """
    n = np.asarray(n)
    n = n.astype(np.result_type(n.dtype, np.float64))  # long double stays long double
    big = np.maximum(n, 64.0)
    r = np.sqrt(big)
    em = (_ZETA_M_HALF + big * r * (2.0 / 3.0) + 0.5 * r + 1.0 / (24.0 * r)
          - 1.0 / (1920.0 * r * big * big) + 1.0 / (9216.0 * r * big**4))  # fmt: skip
    small = _SQRT_SUM_TABLE[np.clip(np.floor(n), 0, 64).astype(np.int64)]
    return np.where(n < 64.0, small, em)


def leading_order(expr, var):
    r"""Leading growth :math:`\mathrm{var}^p \log(\mathrm{var})^q` of ``expr`` as var -> oo.

    Other symbols are taken positive. The expression is expanded into terms; for each term
    the var-dependent factor ``f`` gives :math:`p = \lim \log f / \log x` and
    :math:`q = \lim \log(f x^{-p}) / \log\log x` (sympy limits); the largest (p, q) wins.
    Products are distributed over sums, but denominators and function arguments are left
    alone (a full ``expand`` would merge denominators and could hide the leading term).
    :class:`sqrt_sum` is replaced by its leading term :math:`\frac23 n^{3/2}` first.

    >>> T = sp.Symbol("T", positive=True)
    >>> leading_order(sp.sqrt(T) + sp.sqrt(T) * sp.sqrt(1 + sp.log(T)), T)
    sqrt(T)*sqrt(log(T))
    """
    x = sp.Dummy("x", positive=True)
    e = sp.sympify(expr).xreplace({var: x})
    e = e.replace(lambda f: isinstance(f, sqrt_sum),
                  lambda f: sp.Rational(2, 3) * f.args[0] ** sp.Rational(3, 2))  # fmt: skip
    e = e.rewrite(sp.log)  # log1p(x) -> log(1 + x)
    e = e.xreplace({s: sp.Dummy(s.name, positive=True) for s in e.free_symbols if s != x})
    e = sp.nsimplify(e, rational=True) if e.has(sp.Float) else e
    growth = {}  # var-dependent factor -> (p, q); terms often share their factor
    for term in _terms(e):
        _, dep = term.as_independent(x, as_Add=False)
        if dep in growth:
            continue
        if not dep.has(x):
            growth[dep] = (sp.S.Zero, sp.S.Zero)
            continue
        p = sp.limit(sp.log(dep) / sp.log(x), x, sp.oo)
        q = sp.limit(sp.log(dep / x**p) / sp.log(sp.log(x)), x, sp.oo)
        if not (p.is_number and q.is_number):
            raise NotImplementedError(f"cannot find the growth of {dep}")
        growth[dep] = (p, q)
    best = max(growth.values(), default=None)
    if best is None:
        return sp.S.Zero
    return var ** best[0] * sp.log(var) ** best[1]


def _terms(e):
    """The additive terms of ``e`` with products distributed over sums (not inside powers)."""
    if e.is_Add:
        return [t for a in e.args for t in _terms(a)]
    if e.is_Mul:
        out = [sp.S.One]
        for f in e.args:
            out = [o * t for o in out for t in (_terms(f) if f.is_Add else [f])]
        return out
    return [e]
