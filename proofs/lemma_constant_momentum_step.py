r"""Lemma (one contraction of the momentum sum). With constant :math:`\beta_1 \in [0,1)`,
:math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`, :math:`m_0 = 0` and :math:`Sv_{t,i} > 0`
non-decreasing in :math:`t`, let :math:`S = \sum_{t=1}^T\sum_{i=1}^d m_{t,i}^2/\sqrt{Sv_{t,i}}`
and :math:`X = \sum_{t=1}^T\sum_{i=1}^d g_{t,i}^2/\sqrt{Sv_{t,i}}`. Then

.. math:: S \le \beta_1 S + (1 - \beta_1) X.

Proof: :math:`m_t^2 \le \beta_1 m_{t-1}^2 + (1-\beta_1) g_t^2` (convexity of the square,
:mod:`proofs.lemma_constant_convex_square`); drop the :math:`t = 1` term (:math:`m_0 = 0`);
:math:`1/\sqrt{Sv_t} \le 1/\sqrt{Sv_{t-1}}`; shift the index; add the non-negative
:math:`t = T` term. Rearranged in :mod:`proofs.lemma_constant_momentum` to :math:`S \le X`.
"""

import sympy as sp

from analysis.symbols import Sv, T, beta1, d, g, i, m, t

from . import lemma_constant_convex_square as csq
from ._constant_setting import BETA1_LT1, M0, MOM, POS, SV_MONO, SV_POS, at
from ._core import LE, Domain, Proof, Step, le
from ._rules import given, peel_first, peel_last, scale, shift, termwise
from ._rules_constant import inv_sqrt_monotone


def _ti(expr, lo=1, hi=T):
    return sp.Sum(sp.Sum(expr, (i, 1, d)), (t, lo, hi))


def _i(f):
    return lambda k: sp.Sum(f(k), (i, 1, d))


w = 1 / sp.sqrt(Sv(t, i))
S = _ti(m(t, i) ** 2 * w)
X = _ti(g(t, i) ** 2 * w)
P = _ti(m(t - 1, i) ** 2 * w)
f_prev = _i(lambda k: m(k - 1, i) ** 2 / sp.sqrt(Sv(k, i)))
f_lag = _i(lambda k: m(k - 1, i) ** 2 / sp.sqrt(Sv(k - 1, i)))
f_cur = _i(lambda k: m(k, i) ** 2 / sp.sqrt(Sv(k, i)))

CSQ = csq.PROOF.instance(
    {csq.p: m(t - 1, i), csq.q: g(t, i), csq.r: m(t, i), csq.b: beta1, csq.c: 1 - beta1},
    given=[MOM],
)
_SQUARE = termwise(termwise(given(scale(CSQ, w), POS), i, 1, d), t, 1, T)
_M0 = termwise(scale(M0, m(0, i) / sp.sqrt(Sv(1, i))), i, 1, d)
_DECAY = termwise(
    termwise(
        scale(
            inv_sqrt_monotone(Sv(t - 1, i), Sv(t, i), given=[SV_MONO, at(SV_POS, t - 1)]),
            m(t - 1, i) ** 2,
        ),
        i,
        1,
        d,
    ),
    t,
    2,
    T,
)
_LAST = termwise(scale(at(POS, T), m(T, i) ** 2), i, 1, d)

PROOF = Proof(
    id="lemma_constant_momentum_step",
    title="The momentum sum contracts: S <= beta1 S + (1 - beta1) X",
    statement=le(S, beta1 * S + (1 - beta1) * X, "claim"),
    hypotheses=(MOM, M0, SV_MONO, POS, BETA1_LT1, SV_POS),
    steps=(
        Step(
            LE,
            beta1 * P + (1 - beta1) * X,
            "m_t^2 <= beta1 m_{t-1}^2 + (1 - beta1) g_t^2, times 1/sqrt(Sv_t) >= 0, summed",
            by=[_SQUARE],
        ),
        Step(
            "=",
            beta1 * _ti(m(t - 1, i) ** 2 * w, 2) + (1 - beta1) * X,
            "split off t = 1, where m_0 = 0",
            by=[(beta1, peel_first(f_prev, t, 1, T)), (beta1, _M0)],
        ),
        Step(
            LE,
            beta1 * _ti(m(t - 1, i) ** 2 / sp.sqrt(Sv(t - 1, i)), 2) + (1 - beta1) * X,
            "Sv_{t-1} <= Sv_t, so 1/sqrt(Sv_t) <= 1/sqrt(Sv_{t-1}) (t >= 2), times beta1 >= 0",
            by=[(beta1, _DECAY)],
        ),
        Step(
            "=",
            beta1 * _ti(m(t, i) ** 2 * w, 1, T - 1) + (1 - beta1) * X,
            "shift t -> t + 1",
            by=[(beta1, shift(f_lag, t, 2, T, 1))],
        ),
        Step(
            LE,
            beta1 * S + (1 - beta1) * X,
            "add the non-negative t = T term",
            by=[(-beta1, peel_last(f_cur, t, 1, T)), (beta1, _LAST)],
        ),
    ),
    data=(m, g, Sv),
    domain=Domain({beta1: (0, 1)}),
    lemmas=("lemma_constant_convex_square",),
)
