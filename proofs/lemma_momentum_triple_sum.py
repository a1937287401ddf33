r"""Lemma (the Lipschitz part of Défossez et al.'s Lemma A.2, summed). For :math:`0 \le q
< 1`, :math:`e = 1 - q` and any :math:`X_1, \dots, X_T \ge 0`,

.. math::
    \sum_{t=1}^T\sum_{k=1}^{t-1} q^k\sqrt k\sum_{l=1}^k X_{t-l}
      \le \frac{4q}{e^{5/2}}\sum_{t=1}^T X_t .

Used by :mod:`proofs.adam_avgrad_interpolation_nonconvex_momentum` with :math:`q =
\beta_1` and :math:`X_t = \mathbb E\|u_t\|^2`: the hypothesis ``SUM3``.

Proof: shift the outer index (the term :math:`t = 1` is an empty sum) and exchange it with
:math:`k`; for each :math:`k` exchange the rectangle :math:`k \le t \le T-1`,
:math:`1 \le l \le k` and shift :math:`t`, so that each :math:`l` contributes
:math:`\sum_{s=k+1-l}^{T-l} X_s \le \sum_{s=1}^T X_s` (:math:`1 \le l \le k`: the two sums
left out, over :math:`1..k-l` and :math:`T-l+1..T`, are not reversed, hence
:math:`\ge 0` by :func:`proofs._rules_sum.sum_nonneg`, whose range condition the
summation range discharges); this leaves :math:`\sum_{k=1}^{T-1} q^k k^{3/2}\sum_s X_s`, and
:mod:`proofs.lemma_momentum_power_weights` bounds the weights.
"""

import sympy as sp

from analysis.symbols import T

from . import lemma_momentum_power_weights as PW
from ._core import EQ, LE, Domain, Proof, Step, le
from ._rules import peel_first, peel_last, scale, shift, swap, termwise
from ._rules_constant import empty_sum, exchange
from ._rules_regret import rename, split_sum
from ._rules_sum import sum_nonneg

q, e, t = PW.q, PW.e, PW.t
k = sp.Symbol("k", positive=True, integer=True)
l = sp.Symbol("l", positive=True, integer=True)  # noqa: E741 (Défossez et al.'s name)
X = sp.Function("X", nonnegative=True)

HYPOTHESES = (PW.Q1, PW.E_DEF)
_S = sp.Sum(X(t), (t, 1, T))


def _f(kk, tt):
    """q^k sqrt(k) sum_{l=1}^k X_{t-l}."""
    return q**kk * sp.sqrt(kk) * sp.Sum(X(tt - l), (l, 1, kk))


def _inner(tt):
    return sp.Sum(_f(k, tt), (k, 1, tt - 1))


_W = q**k * sp.sqrt(k)
_RECT = exchange(lambda tt, ll: X(tt + 1 - ll), t, k, T - 1, l, 1, k)
_SHIFT = shift(lambda tt: X(tt + 1 - l), t, k, T - 1, l - 1)
_CUT = [split_sum(X, t, 1, k - l, T), split_sum(X, t, k - l + 1, T - l, T)]
# the two sums left out, over 1..k-l and T-l+1..T: not reversed as 1 <= l <= k
_OUT = [sum_nonneg(X, t, 1, k - l), sum_nonneg(X, t, T - l + 1, T)]
_PW = PW.PROOF.instance({PW.M: T}, given=list(HYPOTHESES))

PROOF = Proof(
    id="lemma_momentum_triple_sum",
    title="The momentum's Lipschitz triple sum: at most 4q e^(-5/2) sum_t X_t",
    statement=le(sp.Sum(_inner(t), (t, 1, T)), 4 * q / e ** sp.Rational(5, 2) * _S, "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(EQ, sp.Sum(_inner(t + 1), (t, 1, T - 1)),
             "shifting t by one; the term t = 1 is the empty sum over k = 1..0",
             by=[shift(_inner, t, 1, T, 1), peel_first(lambda tt: _inner(tt + 1), t, 0, T - 1),
                 empty_sum(lambda kk: _f(kk, 1), k, 1)]),
        Step(EQ, sp.Sum(sp.Sum(_f(k, t + 1), (t, k, T - 1)), (k, 1, T - 1)),
             "exchanging t and k", by=[swap(lambda kk, tt: _f(kk, tt + 1), k, t, T - 1)]),
        Step(EQ, sp.Sum(_W * sp.Sum(sp.Sum(X(t + 1 - l), (t, k, T - 1)), (l, 1, k)),
                        (k, 1, T - 1)),
             "for each k, exchanging the rectangle k <= t <= T - 1, 1 <= l <= k",
             by=[termwise(scale(_RECT, _W), k, 1, T - 1)]),
        Step(EQ, sp.Sum(_W * sp.Sum(sp.Sum(X(t), (t, k - l + 1, T - l)), (l, 1, k)),
                        (k, 1, T - 1)),
             "shifting t by l - 1",
             by=[termwise(scale(termwise(_SHIFT, l, 1, k), _W), k, 1, T - 1)]),
        Step(LE, sp.Sum(_W * k, (k, 1, T - 1)) * _S,
             "sum_{s=k+1-l}^{T-l} X_s <= sum_{s=1}^T X_s for 1 <= l <= k (X >= 0)",
             by=[(c, termwise(scale(termwise(f, l, 1, k), _W), k, 1, T - 1))
                 for c, f in [*((-1, f) for f in _CUT), *((1, f) for f in _OUT)]]),
        Step(LE, sp.Sum(_W * k, (k, 1, T)) * _S, "adding the term k = T (>= 0)",
             by=[(-_S, peel_last(lambda kk: q**kk * kk ** sp.Rational(3, 2), k, 1, T))]),
        Step(LE, 4 * q / e ** sp.Rational(5, 2) * _S, "lemma_momentum_power_weights, M = T",
             by=[scale(_PW, _S),
                 (-_S, rename(lambda kk: q**kk * kk ** sp.Rational(3, 2), t, k, 1, T))]),
    ),
    data=(X,),
    domain=Domain({q: (0, 1)}),
    lemmas=("lemma_momentum_power_weights",),
)  # fmt: skip
