r"""Lemma (Défossez et al. 2022's Lemma A.2 for MADA's interpolated accumulator, in
expectation; the hypothesis ``MOM`` of
:mod:`proofs.adam_avgrad_interpolation_nonconvex_momentum`).

Setting: step :math:`t \ge 1`; :math:`G_s = \nabla F(x_{s-1})` (coordinates
:math:`G_{s,i}`); :math:`m, v` the heavy-ball and Adam recurrences (:math:`m_0 = 0`);
:math:`w_t \ge \rho v_t`; :math:`u_t = m_t/\sqrt{\epsilon + w_t}`; the deterministic step
:math:`\alpha_t = \alpha(1-\beta_1)\sqrt{B_t}`, :math:`B_t \ge 1`; :math:`|g| \le R -
\sqrt\epsilon`. For each lag :math:`h \ge 0` and coordinate :math:`i`, MADA's
:math:`w_{t,i} = Q_{t,h,i} + P_{t,h,i}`: :math:`P` is the part the gradients
:math:`g_{t-h..t}` write (weights in :math:`[0, 1]`), :math:`Q \ge 0` the rest (known at step
:math:`t-h-1`), :math:`S_{t,h,i} = \mathbb E_{t-h-1}P_{t,h,i} \le (h+1)R^2`, the proxy
:math:`b^2 = \epsilon + Q + S` with :math:`Q + S \le (R-\sqrt\epsilon)^2B_t`. Claim:

.. math::
    \frac{\alpha(1-\beta_1)}{2R}\sum_{j=1}^t\beta_1^{t-j}\mathbb E\|G_j\|^2 \le
    \alpha_t\mathbb E[G_t^\top u_t] + \frac{L^2\sqrt{1-\beta_1}}{4R}\alpha_t^3\,\mathbb E P_3(t)
    + \frac{3R}{\rho\sqrt{1-\beta_1}}\alpha_t\,\mathbb E P_2(t).

Proof (lag :math:`h = t - j`): :math:`G_t^\top u_t = \sum_h\beta_1^h\sum_i G_{t,i}g_{t-h,i}/
a_{t,i}` (:mod:`proofs.lemma_momentum_gu`). Per lag, :mod:`proofs.lemma_momentum_proxy_mix`
in :math:`\mathbb E_{t-h-1}` (``E`` with the moments :math:`\mathbb E g_{t-h} = G_{t-h}`,
:math:`\mathbb E P = S`) and :math:`\alpha_t/b \ge \alpha(1-\beta_1)/R`
(:mod:`proofs.lemma_adam_mix_proxy`) give :math:`\frac{\alpha(1-\beta_1)}{2R}\mathbb
E\|G_{t-h}\|^2 \le \alpha_t\mathbb E[\sum_i G_{t-h,i}g_{t-h,i}/a] + 2R\sqrt{h+1}\alpha_t
\mathbb E\sum_i g_{t-h,i}^2/a^2`. For :math:`h = k \ge 1`, Young with weight
:math:`\lambda_k = \sqrt{1-\beta_1}/(2R\sqrt k)` trades :math:`G_{t-k}` for :math:`G_t` at the
cost :math:`\frac{\lambda_k}2\|G_t - G_{t-k}\|^2 + \frac1{2\lambda_k}\sum_i g^2/a^2`, and
``LIPU`` (:mod:`proofs.lemma_momentum_lipu`) bounds :math:`\|G_t - G_{t-k}\|^2`. Each
:math:`g_{t-h,i}^2/a_{t,i}^2 \le
\beta_2^{-h}g_{t-h,i}^2/(\epsilon + \rho v_{t-h,i})` (:mod:`proofs.lemma_momentum_lag_decay`),
:math:`2 + 1 \le 3/\sqrt{1-\beta_1}`, :math:`\sqrt k \le \sqrt{k+1}`, and the definitions of
:math:`P_2, P_3` (lag reversed) finish.

``LIPU`` is :mod:`proofs.lemma_momentum_lipu` at :math:`p = t - k` (:math:`1 \le k \le
t - 1`, so no iterate before :math:`x_0` is named), from ``SMOOTH`` (:math:`\|G_{p+k} -
G_p\|^2 \le L^2\|x_{p+k-1} - x_{p-1}\|^2` for :math:`p, k \ge 1`: the definition of
:math:`L`-smooth gradients at two iterates, the one modelling hypothesis, as ``DESCENT`` is
:math:`L`-smoothness at the step), the update ``X_UPD`` (:math:`x_r = x_{r-1} - \alpha_r
u_r`, :math:`u_r = m_r/\sqrt{\epsilon + w_r}`), ``UN_DEF`` and the definitions ``AL_ALL``,
``BT_ALL`` of :math:`\alpha_y^2 = \alpha^2(1-\beta_1)^2B_y`, :math:`B_y = \sum_{j<y}
\beta_2^j` at every :math:`y \ge 1` (so :math:`\alpha_{t-l} \le \alpha_t`,
:mod:`proofs.lemma_momentum_al_mono`; ``AL_DEF`` and ``BT1`` are their cases at :math:`t`).
The rest are definitions and bounds of the algorithm's own quantities.
"""

import sympy as sp

from analysis.symbols import L, R, alpha, beta1, beta2, d, eps, g, i, m, rho, t, v

from . import lemma_adam_mix_proxy as proxy
from . import lemma_momentum_gu as gul
from . import lemma_momentum_lag_decay as lag
from . import lemma_momentum_lipu as lipu
from . import lemma_momentum_proxy_mix as core
from . import lemma_momentum_triple_sum as trip
from . import lemma_momentum_unroll as unroll
from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import apply, given, peel_first, scale, sqrt_monotone, substitute, termwise, young
from ._rules_expectation import E, expectation
from ._rules_momentum import expect_sum, reflect
from ._rules_regret import rename
from ._rules_sum import sum_nonneg

w, Gf, gu, j, s = lag.w, gul.Gf, gul.gu, unroll.j, unroll.s
k, l = trip.k, trip.l  # noqa: E741 (Défossez et al.'s names)
h = sp.Symbol("h", nonnegative=True, integer=True)  # the lag t - j, 0 <= h <= t - 1
Gs = sp.Function("Gs", nonnegative=True)  # ||G_s||^2
un = sp.Function("un", nonnegative=True)  # ||u_s||^2
P2 = sp.Function("P2", nonnegative=True)  # sum_j q^(t-j) sqrt(t-j+1) ||U_j||^2
P3 = sp.Function("P3", nonnegative=True)  # sum_k beta1^k sqrt(k) sum_{l<=k} ||u_{t-l}||^2
EU = sp.Function("EU", nonnegative=True)  # E||U_s||^2
Eu = sp.Function("Eu", nonnegative=True)  # E||u_s||^2
Qp = sp.Function("Qp", nonnegative=True)  # w_t's part written before step t - h
Pp = sp.Function("Pp", nonnegative=True)  # w_t's part written by g_{t-h..t}
Sp = sp.Function("Sp", positive=True)  # E_{t-h-1} Pp
bp = sp.Function("bp", positive=True)  # the proxy sqrt(eps + Qp + Sp)
al = sp.Function("al", positive=True)  # alpha_t (deterministic)
Bt = sp.Function("Bt", positive=True)  # B_t = (1 - beta2^t)/(1 - beta2) (deterministic)
e1 = sp.Symbol("e1", positive=True)  # 1 - beta1
r1 = sp.Symbol("r1", positive=True)  # 1/sqrt(1 - beta1)
DATA = (g, m, v, w, Gf, gu, un, Gs, P2, P3, EU, Eu, E, Qp, Pp, Sp, bp)

# fmt: off
_U = g(s, i) ** 2 / (eps + rho * v(s, i))
C3 = L**2 * sp.sqrt(e1) / (4 * R)
C2 = 3 * R / (rho * sp.sqrt(e1))
GS_DEF = eq(Gs(s), sp.Sum(Gf(s, i) ** 2, (i, 1, d)), "||G_s||^2 = sum_i G_{s,i}^2")
W_SPLIT = eq(Qp(t, h, i) + Pp(t, h, i), w(t, i),
             "w_t = Q + P: P = sum_{s=t-h}^t c_{t,s} g_s^2 (0 <= c <= 1; the whole w_t if "
             "h >= t), Q >= 0 the rest, known at step t - h - 1 (rho_t deterministic)")
B_DEF = eq(eps + Qp(t, h, i) + Sp(t, h, i), bp(t, h, i) ** 2,
           "the proxy b^2 = eps + Q + S, S = E_{t-h-1} P")
S_LE = le(Sp(t, h, i), (h + 1) * R**2, "S <= (h + 1) R^2 (at most h + 1 terms c E g^2 <= R^2)")
X_LE = le(Qp(t, h, i) + Sp(t, h, i), (R - sp.sqrt(eps)) ** 2 * Bt(t),
          "Q + S <= (R - sqrt(eps))^2 B_t (w_t's weights form v's convex combination, "
          "v_s <= (R - sqrt(eps))^2 B_s <= (R - sqrt(eps))^2 B_t)")
BT1 = le(1, Bt(t), "B_t = 1 + beta2 + ... + beta2^(t-1) >= 1")
AL_DEF = eq(al(t) ** 2, alpha**2 * e1**2 * Bt(t), "alpha_t^2 = alpha^2 (1 - beta1)^2 B_t")
R_GE = le(sp.sqrt(eps), R, "sqrt(eps) <= R (|g| <= R - sqrt(eps))")
# LIPU's ingredients (lemma_momentum_lipu, at p = t - k): L-smoothness at two iterates, the
# update with u_r = m_r/sqrt(eps + w_r), ||u_s||^2 and the definitions of alpha_y and B_y
SMOOTH, AL_ALL, BT_ALL = lipu.SMOOTH, lipu.AL_ALL, lipu.BT_ALL
_u = lambda y, c: m(y, c) / sp.sqrt(eps + w(y, c))  # noqa: E731 (u_{y,c})
X_UPD = eq(lipu.x(lipu.r, i), lipu.x(lipu.r - 1, i) - al(lipu.r) * _u(lipu.r, i),
           "x_r = x_{r-1} - alpha_r u_r, u_r = m_r/sqrt(eps + w_r) (every r >= 1)")
UN_DEF = eq(un(s), sp.Sum(_u(s, i) ** 2, (i, 1, d)), "||u_s||^2 = sum_i m_{s,i}^2/(eps + w_{s,i})")
E1_DEF = eq(e1, 1 - beta1, "e1 := 1 - beta1 (a name; beta1 < 1)")
z = sp.Symbol("z", integer=True)  # any step (u_z = 0 for z <= 0)
R1_DEF = eq(r1 * sp.sqrt(e1), 1, "r1 := 1/sqrt(1 - beta1) (a name)")
EUN_DEF = eq(Eu(z), E(un(z)), "Eu_z := E||u_z||^2 (a name for the expectation)")
EU_DEF = eq(EU(s), rho * E(sp.Sum(_U, (i, 1, d))), "EU_s := E||U_s||^2 (a name)")
P2_DEF = eq(E(P2(t)),
            sp.Sum((beta1 / beta2) ** (t - j) * sp.sqrt(t - j + 1) * EU(j), (j, 1, t)),
            "P2_t = sum_{j<=t} q^(t-j) sqrt(t-j+1) ||U_j||^2, in expectation (linearity)")
P3_DEF = eq(E(P3(t)), sp.Sum(beta1**k * sp.sqrt(k) * sp.Sum(Eu(t - l), (l, 1, k)), (k, 1, t - 1)),
            "P3_t = sum_{k<t} beta1^k sqrt(k) sum_{l<=k} ||u_{t-l}||^2, in expectation "
            "(linearity)")
HYPOTHESES = (gul.GU_DEF, unroll.M_UPD, unroll.M0, lag.V_UPD, lag.W_LO, lag.C_DEF, GS_DEF,
              W_SPLIT, B_DEF, S_LE, X_LE, BT1, AL_DEF, R_GE, SMOOTH, X_UPD, UN_DEF, AL_ALL,
              BT_ALL,
              E1_DEF, R1_DEF, EUN_DEF, EU_DEF,
              P2_DEF, P3_DEF)

# fmt: on
_A = sp.sqrt(eps + w(t, i))  # a_{t,i}
_a2 = eps + w(t, i)


def _D(x):
    return eps + rho * v(x, i)


def _Ei(x):
    return E(sp.Sum(x, (i, 1, d)))


def EG(x):
    return _Ei(Gf(x, i) ** 2)


def EGb(x):
    return _Ei(Gf(t - x, i) ** 2 / bp(t, x, i))


def EY(x):
    return _Ei(Gf(t - x, i) * g(t - x, i) / _A)


def EX(x):
    return _Ei(Gf(t, i) * g(t - x, i) / _A)


def EW(x):
    return _Ei(g(t - x, i) ** 2 / _a2)


def EV(x):
    return _Ei(g(t - x, i) ** 2 / _D(t - x))


def _sh(f):
    return sp.Sum(f(h), (h, 0, t - 1))


def _sk(f):
    return sp.Sum(f(k), (k, 1, t - 1))


def _E(fact, x=None):
    """In expectation; at lag x, with E_{t-x-1} g_{t-x} = G_{t-x} and E_{t-x-1} P = S."""
    if x is None:
        return expectation(fact, DATA)
    now = (g(t - x, i), v(t - x, i), Pp(t, x, i), w(t, i))  # revealed after step t - x - 1
    return expectation(fact, DATA, current=now,
                       moments={g(t - x, i): Gf(t - x, i), Pp(t, x, i): Sp(t, x, i)})  # fmt: skip


def _each(fact, c, x, lo, hi, lagged=False):
    """``fact`` (pointwise, at lag x and coordinate i) summed over i, in expectation, times
    c, summed over x = lo..hi."""
    return termwise(scale(_E(termwise(fact, i, 1, d), x if lagged else None), c), x, lo, hi)


def _at(fact, x):
    return substitute(fact, {h: x})


# fmt: off
# alpha (1 - beta1) b <= R alpha_t (lemma_adam_mix_proxy with alpha -> alpha (1 - beta1))
_PROXY = proxy.PROOF.instance(
    {proxy.X: Qp(t, h, i) + Sp(t, h, i), proxy.b: bp(t, h, i), proxy.al: al(t),
     proxy.B: Bt(t), alpha: alpha * e1}, given=[B_DEF, X_LE, BT1, AL_DEF, R_GE])
_AT = scale(given(sqrt_monotone(alpha**2 * e1**2 * bp(t, h, i) ** 2, R**2 * al(t) ** 2),
                  _PROXY), Gf(t - h, i) ** 2 / (R * bp(t, h, i)))
_CORE = core.PROOF.instance(
    {core.G: Gf(t - h, i), core.g: g(t - h, i), core.a: _A, core.b: bp(t, h, i),
     core.P: Pp(t, h, i), core.S: Sp(t, h, i), core.Q: eps + Qp(t, h, i), core.K: h + 1},
    given=[W_SPLIT, B_DEF, S_LE])
# Young's weight lambda_k = sqrt(1 - beta1)/(2R sqrt(k)) = 1/(2R r1 sqrt(k)); r1 names
# 1/sqrt(1 - beta1) so that no scalar divides a random term (the rule expectation's normal form
# would merge such a divisor into the term, where linearity cannot reach it).
_lam = 1 / (2 * R * r1 * sp.sqrt(k))
_YOUNG = young(Gf(t - k, i) - Gf(t, i), g(t - k, i) / _A, _lam)
_ED = EG(t) - 2 * _Ei(Gf(t, i) * Gf(t - k, i)) + EG(t - k)  # E||G_t - G_{t-k}||^2
_C3r = L**2 / (4 * R * r1)  # C3 with r1 for 1/sqrt(e1)
# LIPU at lag k (1 <= k <= t - 1, so p = t - k >= 1): lemma_momentum_lipu
_LIPU = lipu.PROOF.instance(
    {lipu.p: t - k, lipu.u: _u},
    given=[substitute(SMOOTH, {lipu.p: t - k}), X_UPD, substitute(UN_DEF, {s: lipu.r}), AL_ALL,
           BT_ALL])
_LIP = [
    (al(t) / (4 * R * r1), termwise(scale(_E(_LIPU), beta1**k / sp.sqrt(k)), k, 1, t - 1)),
    (al(t) ** 3 * _C3r, termwise(scale(expect_sum(lambda x: 1, lambda x: un(t - x), l, 1, k,
                                                  DATA), beta1**k * sp.sqrt(k)), k, 1, t - 1)),
    (-al(t) ** 3 * _C3r, termwise(scale(termwise(substitute(EUN_DEF, {z: t - l}), l, 1, k),
                                        beta1**k * sp.sqrt(k)), k, 1, t - 1)),
    (-al(t) ** 3 * _C3r, P3_DEF),
    (-al(t) ** 3 * _C3r * E(P3(t)), R1_DEF),
]
_SQ = given(sqrt_monotone(e1, 1), E1_DEF)  # sqrt(1 - beta1) <= 1
_SQK = sqrt_monotone(k, k + 1)


def _decay(x):
    """beta2^x g_{t-x}^2/(eps + w_t) <= g_{t-x}^2/(eps + rho v_{t-x}) (lag_decay, j = t - x)."""
    ld = lag.PROOF.instance({lag.j: t - x}, given=[lag.V_UPD, lag.W_LO, lag.C_DEF])
    return scale(ld, g(t - x, i) ** 2 / (_D(t - x) * _a2))


def _V(x):
    return g(t - x, i) ** 2 / _D(t - x)


_cP = al(t) * beta1**h * 2 * R * sp.sqrt(h + 1) / beta2**h
_cY = al(t) * beta1**k * R * r1 / beta2**k
_q = lambda x: (beta1 / beta2) ** x * sp.sqrt(x + 1) * EV(x)  # noqa: E731
_REM = [
    (1, _each(_decay(h), _cP, h, 0, t - 1)),
    (1, _each(scale(_SQ, r1 * _V(h)), _cP, h, 0, t - 1)),
    (-1, _each(scale(R1_DEF, _V(h)), _cP, h, 0, t - 1)),
    (1, _each(_decay(k), _cY * sp.sqrt(k), k, 1, t - 1)),
    (1, _each(scale(_SQK, _V(k)), _cY, k, 1, t - 1)),
    (-R * r1 * al(t), peel_first(_q, h, 0, t - 1)),
    (-R * r1 * al(t), rename(_q, h, k, 1, t - 1)),
    (R * r1 * al(t), _E(sum_nonneg(lambda x: g(t, x) ** 2 / (eps + rho * v(t, x)), i, 1, d))),
]
_GU = gul.PROOF.instance({}, given=[gul.GU_DEF, unroll.M_UPD, unroll.M0])
_X = sp.Sum(Gf(t, i) * g(j, i) / _A, (i, 1, d))
_FIN = [
    (-al(t), apply(_GU, E)),
    (-al(t), expect_sum(lambda x: beta1 ** (t - x), lambda x: _X.xreplace({j: x}), j, 1, t,
                       DATA)),
    (-al(t), reflect(lambda x: beta1 ** (t - x) * E(_X.xreplace({j: x})), j, 1, t, t, h)),
    (-C2 * al(t), P2_DEF),
    (-C2 * al(t), reflect(lambda x: (beta1 / beta2) ** (t - x) * sp.sqrt(t - x + 1) * EU(x),
                         j, 1, t, t, h)),
    (-C2 * al(t), termwise(scale(substitute(EU_DEF, {s: t - h}),
                                (beta1 / beta2) ** h * sp.sqrt(h + 1)), h, 0, t - 1)),
    (3 * R * al(t) / sp.sqrt(e1) * _sh(_q), R1_DEF),
]

# fmt: on
_LHS = alpha * e1 / (2 * R) * sp.Sum(beta1 ** (t - j) * E(Gs(j)), (j, 1, t))
_RHS = al(t) * E(gu(t)) + C3 * al(t) ** 3 * E(P3(t)) + C2 * al(t) * E(P2(t))
_R4 = (al(t) * _sh(lambda x: beta1**x * EX(x))
       + al(t) * _sh(lambda x: beta1**x * 2 * R * sp.sqrt(x + 1) * EW(x)))  # fmt: skip
_R5 = _R4 + al(t) * _sk(lambda x: beta1**x * R * r1 * sp.sqrt(x) * EW(x))

PROOF = Proof(
    id="lemma_momentum_mom",
    title="Défossez et al.'s Lemma A.2 for MADA's interpolation, in expectation",
    statement=le(_LHS, _RHS, "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(EQ, alpha * e1 / (2 * R) * _sh(lambda x: beta1**x * EG(t - x)),
             "lag h = t - j; ||G_s||^2 = sum_i G_{s,i}^2, in expectation",
             by=[(alpha * e1 / (2 * R), reflect(lambda x: beta1 ** (t - x) * E(Gs(x)), j, 1, t,
                                                t, h)),
                 (alpha * e1 / (2 * R), termwise(scale(_E(substitute(GS_DEF, {s: t - h})),
                                                       beta1**h), h, 0, t - 1))]),
        Step(LE, al(t) / 2 * _sh(lambda x: beta1**x * EGb(x)),
             "alpha (1 - beta1) b <= R alpha_t (lemma_adam_mix_proxy), pointwise",
             by=[(1, _each(_AT, beta1**h / 2, h, 0, t - 1))]),
        Step(LE, al(t) * _sh(lambda x: beta1**x * (EY(x) + 2 * R * sp.sqrt(x + 1) * EW(x))),
             "lemma_momentum_proxy_mix at each lag h, in E_{t-h-1} (E g = G, E P = S)",
             by=[(1, _each(_CORE, al(t) * beta1**h, h, 0, t - 1, lagged=True))]),
        Step(LE, _R4 + al(t) * _sk(lambda x: beta1**x * (_lam.subs(k, x) / 2 * _ED.subs(k, x)
                                                         + R * r1 * sp.sqrt(x) * EW(x))),
             "Young with weight lambda_k = sqrt(1 - beta1)/(2R sqrt(k)) at each lag k >= 1 "
             "(the lag 0 needs none)",
             by=[(1, _each(_YOUNG, al(t) * beta1**k, k, 1, t - 1)),
                 (al(t), peel_first(lambda x: beta1**x * (EY(x) - EX(x)), h, 0, t - 1)),
                 (al(t), rename(lambda x: beta1**x * (EY(x) - EX(x)), h, k, 1, t - 1))]),
        Step(LE, _R5 + C3 * al(t) ** 3 * E(P3(t)),
             "LIPU in expectation; the definitions of Eu and P3", by=_LIP),
        Step(LE, al(t) * _sh(lambda x: beta1**x * EX(x)) + C3 * al(t) ** 3 * E(P3(t))
             + 3 * R * r1 * al(t) * _sh(_q),
             "lemma_momentum_lag_decay; 2 + 1 <= 3/sqrt(1 - beta1), sqrt(k) <= sqrt(k+1)",
             by=_REM),
        Step(EQ, _RHS, "lemma_momentum_gu in expectation (linearity); the definitions of EU "
             "and P2 (lag reversed)", by=_FIN),
    ),
    data=DATA,
    domain=Domain({beta2: (0, 1), rho: (0, 1), beta1: (0, 1)}),
    parameters=(d,),  # the dimension: fixed, though the statement does not show it
    lemmas=("lemma_momentum_gu", "lemma_momentum_proxy_mix", "lemma_adam_mix_proxy",
            "lemma_momentum_lag_decay", "lemma_momentum_lipu"),
    notes="E is the (total) expectation; each lag's conditional moments enter through the "
          "rule expectation (proofs._rules_expectation) at that lag. LIPU is "
          "lemma_momentum_lipu (SMOOTH is L-smoothness at two iterates).",
)  # fmt: skip
