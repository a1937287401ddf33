r"""Builder shared by the three decaying-momentum regret theorems (generic in :math:`W = t\hat v`).

:func:`regret_proof` assembles, for one choice of :math:`W_{t,i}` (``W_avgrad``, ``W_max_avg``,
``W_adam_avg`` of :mod:`analysis.statements`):

1. the data-dependent form ``data_form(W)`` from :mod:`proofs.lemma_regret_chain`
   (instantiated at :math:`W`; its monotonicity hypothesis from the theorem's own fact);
2. the worst case: :math:`\sqrt{W_{t,i}} \le \sqrt t\,G_\infty` (the theorem's upper fact) in the
   first two terms, :math:`\beta_{1t} = \beta_1\lambda^{t-1}` and
   :mod:`proofs.lemma_geometric_sqrt`; the third term coordinatewise by
   :mod:`proofs.lemma_momentum_adagrad` with :math:`c^2\sum_{s \le t} g_{s,i}^2 \le W_{t,i}`
   (the theorem's lower fact) and :math:`\sum_{s \le T} g_{s,i}^2 \le T G_\infty^2`.

The algorithm facts common to the three (convexity, projection, momentum, box, gradient
bound, the EMA and its running sum) are :data:`COMMON`; each theorem adds its own.
"""

from __future__ import annotations

import sympy as sp

from analysis.symbols import D_inf, G_inf, Sv, T, alpha, beta1, beta1t, beta2, d, g, i, lam, m, t, v

from . import lemma_avgrad_accumulator as acc
from . import lemma_constant_accumulator_lower as low
from . import lemma_geometric_sqrt as geo
from . import lemma_momentum_adagrad as ada
from . import lemma_regret_chain as ch
from ._algorithm import ema_bound
from ._core import LE, Domain, Proof, Step, eq, le
from ._rules import given, peel_last, scale, substitute, termwise
from ._rules_regret import scale_given, split_sum, sqrt_le, swap_rect, trans
from ._rules_sum import sum_nonneg

s = acc.s  # the dummy step index of the accumulator lemmas
j = ada.j


def at_w(fact, W):
    """A chain hypothesis with the abstract W replaced by the theorem's W."""

    def sub(e):
        return e.replace(ch.Wc, lambda a_, b_: W(a_, b_))

    return le(sub(fact.lhs), sub(fact.rhs), fact.why)


VREC = eq(v(t, i), beta2 * v(t - 1, i) + (1 - beta2) * g(t, i) ** 2,
          "v_t = beta2 v_{t-1} + (1 - beta2) g_t^2, v >= 0")  # fmt: skip
SV_REC = eq(Sv(t, i), Sv(t - 1, i) + v(t, i), "Sv_t = Sv_{t-1} + v_t (t >= 1)")
SV0 = eq(Sv(0, i), 0, "Sv_0 = 0")
G_BOUND = le(g(t, i) ** 2, G_inf**2, "||g_t||_inf <= G_inf")
V0 = eq(v(0, i), 0, "v_0 = 0")
SCHED = eq(beta1t(t), beta1 * lam ** (t - 1), "beta_1t = beta1 lam^(t-1)")
BETA1_LE1 = le(beta1, 1, "beta1 < 1")
POS1SQ = le(0, 1 / (1 - beta1) ** 2, "beta1 < 1, so 1/(1 - beta1)^2 > 0")
RANGE_J = ada.RANGE
COMMON = (ch.POS1, ch.POSB, ch.CONV, ch.MOM, ch.M0, ch.BLE, ch.BOX, VREC, SV_REC, SV0, G_BOUND,
          V0, SCHED, BETA1_LE1, POS1SQ, geo.POSL, geo.LAM1, RANGE_J)  # fmt: skip


def v_bound(k):
    """v_{k,i} <= G_inf^2, proved by induction (lemma_ema_bound)."""
    return ema_bound(
        lambda a: v(a, i), lambda a: g(a, i) ** 2, G_inf**2, k, start=V0, rec=VREC, y_le=G_BOUND
    )


#: Sv_t <= t G^2 (lemma_avgrad_accumulator with R = G_inf, n = t)
SV_UPPER = acc.PROOF.instance(
    {acc.R: G_inf, acc.n: t}, given=[substitute(SV_REC, {t: s}), SV0, v_bound(s)]
)
#: (1 - beta2) sum_{s<=t} g_s^2 <= Sv_t (lemma_constant_accumulator_lower with n = t)
SV_LOWER = low.PROOF.instance(
    {low.n: t}, given=[substitute(SV_REC, {t: s}), SV0, substitute(VREC, {t: s})]
)


def interpolation_upper(W, k, v_le, rho_le_1):
    """W_k <= rho k G^2 + (1 - rho) Sv_k <= k G^2 for an interpolation
    W_k = rho k v_k + (1 - rho) Sv_k: ``v_le(k)`` bounds its v_k by G^2, SV_UPPER its Sv_k,
    and the fact ``rho_le_1`` (rho <= 1, its left side the weight rho) makes the second
    weight non-negative."""
    rho = rho_le_1.lhs
    return trans(
        W(k, i),
        rho * k * G_inf**2 + (1 - rho) * Sv(k, i),
        k * G_inf**2,
        given=[
            scale(v_le(k), rho * k),
            scale_given(substitute(SV_UPPER, {t: k}), 1 - rho, given=[rho_le_1]),
        ],
    )


def _gsum(k):
    return sp.Sum(g(s, i) ** 2, (s, 1, k)).doit()


def _partial_le_full(j):
    """sum_{s<=j} g_{s,i}^2 <= sum_{s<=t} g_{s,i}^2 for j <= t: split at j, drop the rest."""
    sq = lambda k: g(k, i) ** 2  # noqa: E731
    head, tail = sp.Sum(sq(s), (s, 1, j)), sp.Sum(sq(s), (s, j + 1, t))
    return trans(
        head,
        head + tail,
        sp.Sum(sq(s), (s, 1, t)),
        given=[given(sum_nonneg(sq, s, j + 1, t), RANGE_J), scale(split_sum(sq, s, 1, j, t), -1)],
    )


def regret_proof(
    id_, W, *, title, hypotheses, mono, upper, lower, c, form, bound, domain, lemmas, notes=""
):
    """The theorem ``sum_t f_t(x_t) - f_t(x*) <= bound`` via ``form`` (milestone, step 1).

    ``mono``: a fact establishing W(t-1, i) <= W(t, i); ``upper(k)``: a fact establishing
    W(k, i) <= k G_inf^2; ``lower``: a fact establishing c^2 sum_{s<=t} g_s^2 <= W(t, i).
    """
    proj = at_w(ch.PROJ, W)
    chain = ch.PROOF.instance(
        {ch.Wc: W}, given=[ch.POS1, ch.POSB, ch.CONV, proj, ch.MOM, ch.M0, ch.BLE, ch.BOX, mono]
    )
    third = _terms(W)[2]
    k1 = D_inf**2 / (2 * alpha)
    k2 = D_inf**2 / (alpha * (1 - beta1))
    k3 = alpha * (1 + beta1) / (2 * (1 - beta1))
    first_w = d * D_inf**2 * G_inf * sp.sqrt(T) / (2 * alpha)
    mom_mid = k2 * sp.Sum(beta1t(t) * d * G_inf * sp.sqrt(t), (t, 1, T))
    geo_sum = sp.Sum(lam ** (t - 1) * sp.sqrt(t), (t, 1, T))
    mom_w = k2 * beta1 * d * G_inf / (1 - lam) ** 2
    swapped = k3 * sp.Sum(sp.Sum(m(t, i) ** 2 / sp.sqrt(W(t, i)), (t, 1, T)), (i, 1, d))
    kk = 2 / ((1 - beta1) * c)
    third_mid = k3 * kk * sp.Sum(sp.sqrt(sp.Sum(g(s, i) ** 2, (s, 1, T))), (i, 1, d))
    adagrad = ada.PROOF.instance(
        {ada.g1: lambda k: g(k, i), ada.m1: lambda k: m(k, i), ada.b: beta1t,
         ada.Wl: lambda k: W(k, i), ada.G: _gsum, ada.c: c},
        given=[ch.POS1, ch.MOM, ch.BLE, trans(beta1t(t), beta1, 1, given=[ch.BLE, BETA1_LE1]),
               ch.M0, RANGE_J, lower, scale(peel_last(lambda k: g(k, i) ** 2, s, 1, t), -1),
               _partial_le_full(j)])  # fmt: skip
    gT = sqrt_le(
        sp.Sum(g(s, i) ** 2, (s, 1, T)),
        T * G_inf**2,
        given=[termwise(substitute(G_BOUND, {t: s}), s, 1, T)],
    )
    steps = (
        Step(LE, form, "lemma_regret_chain at this W (monotone by the theorem's fact)", by=[chain]),
        Step(
            LE,
            first_w + mom_mid + third,
            "W_{t,i} <= t G_inf^2, so sqrt(W_{t,i}) <= sqrt(t) G",
            by=[
                (k1, termwise(sqrt_le(W(T, i), T * G_inf**2, given=[upper(T)]), i, 1, d)),
                (
                    k2,
                    termwise(
                        scale(
                            termwise(sqrt_le(W(t, i), t * G_inf**2, given=[upper(t)]), i, 1, d),
                            beta1t(t),
                        ),
                        t,
                        1,
                        T,
                    ),
                ),
            ],
        ),
        Step(
            "=",
            first_w + k2 * beta1 * d * G_inf * geo_sum + third,
            "beta_1t = beta1 lam^(t-1)",
            by=[(k2 * d * G_inf, termwise(scale(SCHED, sp.sqrt(t)), t, 1, T))],
        ),
        Step(
            LE,
            first_w + mom_w + third,
            "lemma_geometric_sqrt",
            by=[(k2 * beta1 * d * G_inf, geo.PROOF.instance({}, given=[geo.POSL, geo.LAM1]))],
        ),
        Step(
            "=",
            first_w + mom_w + swapped,
            "exchange the sums over t and i",
            by=[
                (
                    k3,
                    swap_rect(lambda t_, i_: m(t_, i_) ** 2 / sp.sqrt(W(t_, i_)), i, 1, d, t, 1, T),
                )
            ],
        ),
        Step(
            LE,
            first_w + mom_w + third_mid,
            "lemma_momentum_adagrad for each coordinate",
            by=[(k3, termwise(adagrad, i, 1, d))],
        ),
        Step(LE, bound, "sum_{s<=T} g_{s,i}^2 <= T G_inf^2", by=[(k3 * kk, termwise(gT, i, 1, d))]),
    )
    return Proof(
        id=id_, title=title,
        statement=le(ch.PROOF.statement.lhs, bound, "claim"),
        hypotheses=(*COMMON, proj, *hypotheses),
        steps=steps,
        data=(g, m, v, Sv, beta1t, ch.x, ch.xs, ch.loss, ch.loss_star, *_extra_data()),
        domain=domain, target=lambda: _registry(id_, "bound", bound),
        target_name=f"THEOREMS[{id_!r}].bound()",
        milestones=((1, lambda: _registry(id_, "printed_form", form),
                     f"THEOREMS[{id_!r}].printed_form (the data-dependent form)"),),
        lemmas=("lemma_regret_chain", "lemma_geometric_sqrt", "lemma_momentum_adagrad",
                "lemma_avgrad_accumulator", "lemma_constant_accumulator_lower", "lemma_ema_bound",
                *lemmas),
        notes=notes,
    )  # fmt: skip


def _registry(id_, what, fallback):
    """The registry's expression for theorem ``id_``.

    ``analysis.statements``' constant if the theorem is not registered.
    """
    from analysis import THEOREMS

    th = THEOREMS.get(id_)
    if th is None:
        return fallback
    return th.bound() if what == "bound" else th.printed_form


def _terms(W):
    from analysis.statements import regret_terms

    return regret_terms(W)


def _extra_data():
    from analysis.symbols import vmax

    return (vmax,)


DOMAIN_KEYS = {beta1: (0, 1), beta2: (0, 1), lam: (0, 1)}


def domain(extra=None):
    return Domain({**DOMAIN_KEYS, **(extra or {})})
