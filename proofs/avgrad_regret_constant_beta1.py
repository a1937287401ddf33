r"""Theorem (AVGrad regret with a constant :math:`\beta_1`).

Setting: online convex optimisation over a convex :math:`F` with :math:`|x_i - x^*_i| \le
D_\infty` on :math:`F` and :math:`|g_{t,i}| \le G_\infty`; AVGrad with :math:`\alpha_t =
\alpha/\sqrt t`, constant :math:`\beta_1 \in [0, 1)`, :math:`m_t = \beta_1 m_{t-1} +
(1-\beta_1) g_t`, :math:`m_0 = 0`, :math:`v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2`,
:math:`Sv_t = \sum_{s \le t} v_s`, weights :math:`w_t = \sqrt{\hat v_t}` with
:math:`\sqrt{\hat v_{t,i}}/\alpha_t = \sqrt{Sv_{t,i}}/\alpha`, and
:math:`x_{t+1} = \Pi_{F, w_t}(x_t - \alpha_t m_t / w_t)`. Claim:

.. math::
    \sum_{t=1}^T f_t(x_t) - f_t(x^*) \le
    \frac{D_\infty^2}{2\alpha}\sum_i \sqrt{Sv_{T,i}}
    + \frac{\alpha(1+\beta_1)}{2(1-\beta_1)}\sum_{t,i}\frac{m_{t,i}^2}{\sqrt{Sv_{t,i}}}
    + \frac{\beta_1 D_\infty}{1-\beta_1}\sum_i |m_{T,i}|
    \le \frac{d D_\infty^2 G_\infty\sqrt T}{2\alpha}
    + \frac{\alpha(1+\beta_1) d G_\infty \sqrt T}{(1-\beta_1)\sqrt{1-\beta_2}}
    + \frac{\beta_1 d D_\infty G_\infty}{1-\beta_1}.

Proof: write :math:`g_t = (m_t - \beta_1 m_{t-1})/(1-\beta_1)` and sum by parts
(:math:`m_0 = 0`); bound :math:`\langle m_t, x_t - x^*\rangle` by the projection inequality
and telescope with :math:`Sv` non-decreasing; bound the boundary term by
:math:`D_\infty\sum_i|m_{T,i}|`, and :math:`-\langle m_t, x_{t+1} - x_t\rangle` by Young plus
the non-expansiveness of the weighted projection (:math:`x_t \in F`). Worst case:
:mod:`proofs.lemma_constant_momentum` (:math:`\sum m^2/\sqrt{Sv} \le \sum g^2/\sqrt{Sv}`),
:mod:`proofs.lemma_constant_accumulator_lower`, :mod:`proofs.lemma_sqrt_sum`,
:mod:`proofs.lemma_avgrad_accumulator`. Upper bound; the step with
:math:`\sum_t m_t^2/\sqrt{Sv_t} \le \sum_t g_t^2/\sqrt{Sv_t}` is tight for :math:`\beta_1 = 0`.
Hypotheses marked "(EMA)" are consequences of the recursions by induction, which the
framework does not express; they are stated with the argument.
"""

import sympy as sp

from analysis import statements
from analysis.symbols import D_inf, G_inf, Sv, T, alpha, beta1, beta2, d, g, i, m, t, v

from . import lemma_avgrad_accumulator as acc
from . import lemma_constant_accumulator_lower as low
from . import lemma_constant_momentum as mom_lemma
from . import lemma_sqrt_sum as sqs
from ._algorithm import ema_bound, momentum_bound
from ._constant_setting import BETA1_LT1, G_POS, M0, MOM, POS, SV_POS, at
from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import (
    given,
    peel_first,
    peel_last,
    scale,
    shift,
    sqrt_monotone,
    substitute,
    telescope,
    termwise,
    young,
)
from ._rules_constant import abs_product, empty_sum, exchange, inv_sqrt_monotone, square_nonneg

x = sp.Function("x", real=True)  # iterate x_{t,i}
xs = sp.Function("xs", real=True)  # comparator x*_i
ell = sp.Function("ell", real=True)  # ell(t) = f_t(x_t) - f_t(x*)
s = sp.Symbol("s", positive=True, integer=True)

dl = x(t, i) - xs(i)  # delta_{t,i}
dn = x(t + 1, i) - xs(i)  # delta_{t+1,i}
step_ = x(t + 1, i) - x(t, i)
r = sp.sqrt(Sv(t, i))
Gs = sp.Sum(g(s, i) ** 2, (s, 1, t))


def si(e):
    return sp.Sum(e, (i, 1, d))


def sti(e, lo=1, hi=T):
    return sp.Sum(si(e), (t, lo, hi))


def fi(e):
    """k -> sum_i e(k)."""
    return lambda k: si(e(k))


CONVEX = le(ell(t), si(g(t, i) * dl), "f_t convex: f_t(x_t) - f_t(x*) <= <g_t, x_t - x*>")
PROJ = le(
    si(r * dn**2),
    si(r * (x(t, i) - alpha * m(t, i) / r - xs(i)) ** 2),
    "x_{t+1} = Pi_{F, w_t}(x_t - alpha_t m_t / w_t), x* in F: the weighted projection is "
    "non-expansive toward x* (norm weights w_t/alpha_t = sqrt(Sv_t)/alpha, rescaled by "
    "alpha; alpha_t m_t/w_t = alpha m_t/sqrt(Sv_t))",
)
NONEXP = le(
    si(r * step_**2),
    alpha**2 * si(m(t, i) ** 2 / r),
    "x_t in F, so ||x_{t+1} - x_t||_{w_t} = ||Pi(y) - Pi(x_t)||_{w_t} <= "
    "||alpha_t m_t / w_t||_{w_t} (rescaled as in the projection inequality)",
)
BOX = le(sp.Abs(dl), D_inf, "|x_{t,i} - x*_i| <= D_inf on F")
BOX_SQ = le(dl**2, D_inf**2, "(x_{t,i} - x*_i)^2 <= D_inf^2 on F")
G_SQ = le(g(t, i) ** 2, G_inf**2, "|g_{t,i}| <= G_inf")
SV_UPD = eq(Sv(t, i), Sv(t - 1, i) + v(t, i), "Sv_t = Sv_{t-1} + v_t (t >= 1)")
SV0 = eq(Sv(0, i), 0, "Sv_0 = 0")
V_UPD = eq(
    v(t, i),
    beta2 * v(t - 1, i) + (1 - beta2) * g(t, i) ** 2,
    "v_t = beta2 v_{t-1} + (1 - beta2) g_t^2, v_0 = 0 (so v >= 0)",
)
V0 = eq(v(0, i), 0, "v_0 = 0")
HYPOTHESES = (
    CONVEX,
    MOM,
    M0,
    BETA1_LT1,
    POS,
    PROJ,
    NONEXP,
    BOX,
    BOX_SQ,
    G_SQ,
    SV_UPD,
    SV0,
    V_UPD,
    V0,
    SV_POS,
    G_POS,
)
#: v_t <= G_inf^2 and m_T^2 <= G_inf^2, proved by induction (lemma_ema_bound,
#: lemma_momentum_bound); |m_T| <= G_inf follows as the square root is increasing
V_UP = ema_bound(
    lambda a: v(a, i), lambda a: g(a, i) ** 2, G_inf**2, s, start=V0, rec=V_UPD, y_le=G_SQ
)
M_BOUND = given(
    sqrt_monotone(m(T, i) ** 2, G_inf**2),
    momentum_bound(lambda a: m(a, i), lambda a: g(a, i), G_inf**2, T, start=M0, rec=MOM, g_le=G_SQ),
)

c = beta1 / (1 - beta1)


def _theorem():
    from analysis.theorems import THEOREMS

    return THEOREMS["avgrad_regret_constant_beta1"]


S = sti(m(t, i) ** 2 / r)
A = sti(m(t, i) * dl)

# sum by parts: sum_t <m_{t-1}, delta_t> = sum_{t<T} <m_t, delta_t> + sum_{t<T} <m_t, x_{t+1}-x_t>
_SHIFT = shift(fi(lambda k: m(k - 1, i) * (x(k, i) - xs(i))), t, 1, T, 1)
_FIRST = peel_first(fi(lambda k: m(k, i) * (x(k + 1, i) - xs(i))), t, 0, T - 1)
_M0 = termwise(scale(M0, x(1, i) - xs(i)), i, 1, d)
_LASTA = peel_last(fi(lambda k: m(k, i) * (x(k, i) - xs(i))), t, 1, T)
# per-step bounds
_PROJ = termwise(scale(PROJ, 1 / (2 * alpha)), t, 1, T)
_ABS = termwise(abs_product(m(T, i), x(T, i) - xs(i)), i, 1, d)
_BOXT = termwise(scale(at(BOX, T), sp.Abs(m(T, i))), i, 1, d)
_YOUNG = termwise(
    termwise(
        young(
            m(t, i) / Sv(t, i) ** sp.Rational(1, 4), -step_ * Sv(t, i) ** sp.Rational(1, 4), alpha
        ),
        i,
        1,
        d,
    ),
    t,
    1,
    T - 1,
)
_NONEXP = termwise(NONEXP, t, 1, T - 1)
# telescoping of the projection terms
_SHIFT2 = shift(fi(lambda k: sp.sqrt(Sv(k, i)) * (x(k + 1, i) - xs(i)) ** 2), t, 1, T, -1)
_LAST2 = peel_last(fi(lambda k: sp.sqrt(Sv(k - 1, i)) * (x(k, i) - xs(i)) ** 2), t, 2, T + 1)
_FIRST2 = peel_first(fi(lambda k: sp.sqrt(Sv(k, i)) * (x(k, i) - xs(i)) ** 2), t, 1, T)
_DROP = termwise(scale(square_nonneg(x(T + 1, i) - xs(i)), sp.sqrt(Sv(T, i))), i, 1, d)
_GROW = termwise(
    termwise(
        given(
            scale(BOX_SQ, r - sp.sqrt(Sv(t - 1, i))),
            given(sqrt_monotone(Sv(t - 1, i), Sv(t, i)), scale(SV_UPD, -1)),
        ),
        i,
        1,
        d,
    ),
    t,
    2,
    T,
)
_ONE = termwise(scale(at(BOX_SQ, 1), sp.sqrt(Sv(1, i))), i, 1, d)
_TELE = telescope(fi(lambda k: sp.sqrt(Sv(k, i))), t, 2, T)
_LASTS = peel_last(fi(lambda k: m(k, i) ** 2 / sp.sqrt(Sv(k, i))), t, 1, T)
_POST = termwise(scale(at(POS, T), m(T, i) ** 2), i, 1, d)
# worst case
_ACC = acc.PROOF.instance({acc.R: G_inf, acc.n: T}, given=[substitute(SV_UPD, {t: s}), SV0, V_UP])
_SVT = termwise(given(sqrt_monotone(Sv(T, i), T * G_inf**2), _ACC), i, 1, d)
_MT = termwise(M_BOUND, i, 1, d)
_MOM = mom_lemma.PROOF.instance({}, given=[MOM, M0, BETA1_LT1, POS, scale(SV_UPD, -1), SV_POS])
_LOW = low.PROOF.instance(
    {low.n: t}, given=[substitute(SV_UPD, {t: s}), SV0, substitute(V_UPD, {t: s})]
)
_ADA = termwise(
    termwise(
        scale(inv_sqrt_monotone(Gs, Sv(t, i), 1 - beta2, given=[_LOW, G_POS]), g(t, i) ** 2),
        i,
        1,
        d,
    ),
    t,
    1,
    T,
)
_SWAP = exchange(
    lambda k, j: g(k, j) ** 2 / sp.sqrt(sp.Sum(g(s, j) ** 2, (s, 1, k))), t, 1, T, i, 1, d
)
_peel = peel_last(lambda k: g(k, i) ** 2, s, 1, t)
_SQS = termwise(
    sqs.PROOF.instance(
        {sqs.a: lambda k: g(k, i) ** 2, sqs.A: lambda k: sp.Sum(g(s, i) ** 2, (s, 1, k))},
        given=[scale(_peel, -1), empty_sum(lambda k: g(k, i) ** 2, s, 1)],
    ),
    i,
    1,
    d,
)
_GT = termwise(
    given(
        sqrt_monotone(Gs.xreplace({t: T}), T * G_inf**2),
        termwise(substitute(G_SQ, {t: s}), s, 1, T),
    ),
    i,
    1,
    d,
)

K3 = alpha * (1 + beta1) / (2 * (1 - beta1))
E4 = A + c * si(m(T, i) * x(T, i) - m(T, i) * xs(i)) - c * sti(m(t, i) * step_, 1, T - 1)
E5 = (
    sti(r * (dl**2 - dn**2)) / (2 * alpha)
    + alpha * S / 2
    + c * D_inf * si(sp.Abs(m(T, i)))
    + c * alpha * sti(m(t, i) ** 2 / r, 1, T - 1)
)
TAIL = alpha * S / 2 + c * D_inf * si(sp.Abs(m(T, i))) + c * alpha * sti(m(t, i) ** 2 / r, 1, T - 1)
E6 = (
    si(sp.sqrt(Sv(1, i)) * (x(1, i) - xs(i)) ** 2)
    + sti((r - sp.sqrt(Sv(t - 1, i))) * dl**2, 2, T)
    - si(sp.sqrt(Sv(T, i)) * (x(T + 1, i) - xs(i)) ** 2)
) / (2 * alpha) + TAIL
E7 = D_inf**2 / (2 * alpha) * si(sp.sqrt(Sv(T, i))) + TAIL
REST = statements.FIRST_WORST + c * D_inf * d * G_inf
ADA = sti(g(t, i) ** 2 / (sp.sqrt(1 - beta2) * sp.sqrt(Gs)))

PROOF = Proof(
    id="avgrad_regret_constant_beta1",
    title="AVGrad regret with a constant beta1",
    statement=le(sp.Sum(ell(t), (t, 1, T)), statements.CONSTANT_BOUND, "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(LE, sti(g(t, i) * dl), "convexity of each f_t", by=[termwise(CONVEX, t, 1, T)]),
        Step(
            EQ,
            sti((m(t, i) - beta1 * m(t - 1, i)) * dl) / (1 - beta1),
            "g_t = (m_t - beta1 m_{t-1}) / (1 - beta1)",
            by=[(-1, termwise(termwise(scale(MOM, dl / (1 - beta1)), i, 1, d), t, 1, T))],
        ),
        Step(
            EQ,
            E4,
            "summation by parts: shift the m_{t-1} sum, m_0 = 0, split off t = T",
            by=[(c, _LASTA), (-c, _SHIFT), (-c, _FIRST), (-c, _M0)],
        ),
        Step(
            LE,
            E5,
            "projection inequality (each t); <m_T, delta_T> <= D sum_i |m_T,i|; Young "
            "with weight alpha plus non-expansiveness for -<m_t, x_{t+1} - x_t>",
            by=[_PROJ, (c, _ABS), (c, _BOXT), (c, _YOUNG), (c / (2 * alpha), _NONEXP)],
        ),
        Step(
            EQ,
            E6,
            "rearrange: shift the delta_{t+1} sum, split off t = 1 and t = T + 1",
            by=[
                (-1 / (2 * alpha), _SHIFT2),
                (-1 / (2 * alpha), _LAST2),
                (1 / (2 * alpha), _FIRST2),
            ],
        ),
        Step(
            LE,
            E7,
            "drop -sqrt(Sv_T) delta_{T+1}^2 <= 0; delta^2 <= D^2 with sqrt(Sv_t) - "
            "sqrt(Sv_{t-1}) >= 0; telescope",
            by=[
                (1 / (2 * alpha), _DROP),
                (1 / (2 * alpha), _GROW),
                (1 / (2 * alpha), _ONE),
                (D_inf**2 / (2 * alpha), _TELE),
            ],
        ),
        Step(
            LE,
            statements.CONSTANT_FORM,
            "add the t = T term m_T^2/sqrt(Sv_T) >= 0",
            by=[(-c * alpha, _LASTS), (c * alpha, _POST)],
        ),
        Step(
            LE,
            REST + K3 * S,
            "Sv_T <= T G^2 (lemma_avgrad_accumulator); |m_T,i| <= G",
            by=[(D_inf**2 / (2 * alpha), _SVT), (c * D_inf, _MT)],
        ),
        Step(LE, REST + K3 * sti(g(t, i) ** 2 / r), "lemma_constant_momentum", by=[(K3, _MOM)]),
        Step(
            LE,
            REST + K3 * ADA,
            "Sv_t >= (1 - beta2) sum_{s<=t} g_s^2 (lemma_constant_accumulator_lower)",
            by=[(K3, _ADA)],
        ),
        Step(
            EQ,
            REST + K3 / sp.sqrt(1 - beta2) * _SWAP.rhs,
            "exchange the sums over t and i",
            by=[(K3 / sp.sqrt(1 - beta2), _SWAP)],
        ),
        Step(
            LE,
            REST + K3 / sp.sqrt(1 - beta2) * 2 * si(sp.sqrt(Gs.xreplace({t: T}))),
            "lemma_sqrt_sum for each coordinate",
            by=[(K3 / sp.sqrt(1 - beta2), _SQS)],
        ),
        Step(
            LE,
            statements.CONSTANT_BOUND,
            "sum_{s<=T} g_s^2 <= T G^2",
            by=[(2 * K3 / sp.sqrt(1 - beta2), _GT)],
        ),
    ),
    data=(ell, g, m, v, Sv, x, xs),
    domain=Domain(
        {beta1: (0, 1), beta2: (0, 1), alpha: (0, None), D_inf: (0, None), G_inf: (0, None)}
    ),
    target=lambda: _theorem().bound(),
    target_name="THEOREMS['avgrad_regret_constant_beta1'].bound()",
    milestones=((7, lambda: _theorem().printed_form, "the data-dependent form (printed_form)"),),
    lemmas=(
        "lemma_avgrad_accumulator",
        "lemma_constant_accumulator_lower",
        "lemma_constant_momentum",
        "lemma_sqrt_sum",
        "lemma_ema_bound",
        "lemma_momentum_bound",
    ),
)
