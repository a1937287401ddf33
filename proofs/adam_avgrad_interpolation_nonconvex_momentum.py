r"""Theorem (MADA's Adam/AVGrad interpolation with heavy-ball momentum, constant step).

Setting: as :mod:`proofs.adam_avgrad_interpolation_nonconvex`, with :math:`m_n = \beta_1
m_{n-1} + g_n`, :math:`u_n = m_n/\sqrt{\epsilon + w_n}`, :math:`x_n = x_{n-1} - \alpha_n u_n`,
:math:`\alpha_n = \alpha(1-\beta_1)\sqrt{B_n}`, :math:`0 \le \beta_1 < \beta_2 < 1`, a
deterministic :math:`\rho_n \in [\rho, 1]`. :math:`G_n = \nabla F(x_{n-1})`,
:math:`U_{n,i}^2 = \rho g_{n,i}^2/(\epsilon + \rho v_{n,i})` (Adam's :math:`U^2` at
:math:`\epsilon/\rho`, times :math:`\rho`), :math:`q = \beta_1/\beta_2`. Claim:
:math:`\mathbb E\|\nabla F(x_\tau)\|^2 = \sum_n (1-\beta_1^{N-n+1})\mathbb E\|G_n\|^2 / Z`
(:math:`Z = \sum_n (1-\beta_1^{N-n+1})`) is at most the registry's bound.

Proof on paper (Défossez et al.'s Section A with :math:`w_n` for :math:`v_n`):

1. ``MOM`` (their Lemma A.2, generalised; :mod:`proofs.lemma_momentum_mom`, certified).
   :math:`G_n^\top u_n = \sum_k\beta_1^k\sum_i G_{n,i}g_{n-k,i}/a_{n,i}`
   (:mod:`proofs.lemma_momentum_gu`, from the unrolled momentum
   :mod:`proofs.lemma_momentum_unroll`). Per lag :math:`k`, :mod:`proofs.lemma_momentum_proxy_mix`
   in :math:`\mathbb E_{n-k-1}` with :math:`w_n = Q + P`, :math:`P = \sum_{j=n-k}^n
   c_{n,j}g_j^2`, :math:`0 \le c_{n,j} = \rho_n\beta_2^{n-j} + (1-\rho_n)\frac1n\sum_{s=j}^n
   \beta_2^{s-j} \le 1` (``W_SPLIT``, ``B_DEF``, ``S_LE``), and :math:`\alpha_n/\tilde a \ge
   \alpha(1-\beta_1)/R` (:mod:`proofs.lemma_adam_mix_proxy` with ``X_LE``, ``AL_DEF``,
   ``BT1``). For :math:`k \ge 1`, Young with weight :math:`\sqrt{1-\beta_1}/(2R\sqrt k)` and
   ``LIPU``, :math:`\|G_n - G_{n-k}\|^2 \le \alpha_n^2L^2k\sum_{l=1}^k\|u_{n-l}\|^2`
   (:mod:`proofs.lemma_momentum_lipu`). Both
   remainders use :math:`g_{n-k}^2/a_n^2 \le \beta_2^{-k}U_{n-k}^2/\rho`
   (:mod:`proofs.lemma_momentum_lag_decay`: :math:`\beta_2^k(\epsilon + \rho v_{n-k}) \le
   \epsilon + w_n`), and :math:`2 + 1/\sqrt{1-\beta_1} \le 3/\sqrt{1-\beta_1}`:

   .. math::
       \alpha_n\mathbb E[G_n^\top u_n] \ge \frac{\alpha(1-\beta_1)}{2R}\sum_{j\le n}
       \beta_1^{n-j}\mathbb E\|G_j\|^2 - \frac{\alpha_n^3L^2\sqrt{1-\beta_1}}{4R}\mathbb E P_3(n)
       - \frac{3R\alpha_n}{\rho\sqrt{1-\beta_1}}\mathbb E P_2(n),

   :math:`P_3(n) = \sum_{k=1}^{n-1}\beta_1^k\sqrt k\sum_{l=1}^k\|u_{n-l}\|^2`,
   :math:`P_2(n) = \sum_{k=0}^{n-1}q^k\sqrt{k+1}\,\|U_{n-k}\|^2`.
2. ``SUM2`` (:mod:`proofs.lemma_momentum_double_sum` and
   :mod:`proofs.lemma_momentum_sqrt_weights`, from the definitions ``P2_DEF``, ``EU_DEF``):
   :math:`\sum_n P_2(n) \le \frac{2}{(1-q)^{3/2}}\sum_n\|U_n\|^2`. ``SUM3``
   (:mod:`proofs.lemma_momentum_triple_sum` and :mod:`proofs.lemma_momentum_power_weights`,
   from ``P3_DEF``, ``EUN_DEF``): exchanging the triple sum and
   :math:`\sum_k\beta_1^k k^{3/2} \le 4\beta_1(1-\beta_1)^{-5/2}` (Young between
   :math:`\sum_k\beta_1^k k` and :math:`\sum_k\beta_1^k k^2`, both telescoped) give
   :math:`\sum_n P_3(n) \le \frac{4\beta_1}{(1-\beta_1)^{5/2}}\sum_n\|u_n\|^2`. ``UN``
   (:mod:`proofs.lemma_momentum_un` per coordinate, from ``UN_DEF``, the recurrences of
   :math:`m` and :math:`v` and :math:`w_n \ge \rho v_n`):
   :math:`\sum_n\|u_n\|^2 \le \sum_n\|U_n\|^2/(\rho(1-\beta_1)(1-q))`, by the one-step
   recursion :math:`m_n^2/D_n \le \beta_1 m_{n-1}^2/D_{n-1} + g_n^2/((1-q)D_n)`,
   :math:`D_n = \epsilon + \rho v_n` (no unrolling of :math:`m_n`, no lag induction).
3. Below (certified): the descent lemma summed and telescoped, ``MOM`` summed, the
   triangular sum :math:`\sum_n\sum_{j\le n}\beta_1^{n-j}X_j = \sum_j X_j(1-\beta_1^{N-j+1})
   /(1-\beta_1)` (exchange and telescoping), :math:`\alpha_n \le \alpha(1-\beta_1)/
   \sqrt{1-\beta_2}`, ``SUM2``/``SUM3``/``UN``, :math:`Z \ge \tilde N`, and
   :mod:`proofs.lemma_log_sum_adam_mix` per coordinate with :math:`w = \rho v`.

No step rests on an uncertified hypothesis. The modelling hypotheses are ``DESCENT``
(the descent lemma of the :math:`L`-smooth :math:`F` at :math:`x_n - x_{n-1} =
-\alpha_n u_n`) and ``SMOOTH`` (the smoothness inequality at pairs of iterates,
:math:`\|G_{p+k} - G_p\|^2 \le L^2\|x_{p+k-1} - x_{p-1}\|^2` for :math:`p, k \ge 1`);
``LIPU`` is certified from ``SMOOTH``, the update ``X_UPD`` and the definitions
``AL_ALL``, ``BT_ALL`` of :math:`\alpha_y` and :math:`B_y = \sum_{j<y}\beta_2^j` (so
:math:`\alpha_{n-l} \le \alpha_n`) by :mod:`proofs.lemma_momentum_lipu`; the others are
definitions (``GU_DEF``, ``GS_DEF``, ``W_SPLIT``,
``B_DEF``, ``AL_DEF``, ``P2_DEF``, ``P3_DEF``, ...) and bounds of the algorithm's own
quantities (``S_LE``, ``X_LE``, ``BT1``, ``AL_HI``, ``R_GE``, ``VT``, ``Z_LO``). Trusted, as in
every stochastic proof here: the rule ``expectation`` is told, per lag :math:`k`, which
atoms step :math:`n-k` reveals and the conditional moments :math:`\mathbb E_{n-k-1}g_{n-k}
= G_{n-k}`, :math:`\mathbb E_{n-k-1}P = S` (:mod:`proofs._rules_expectation`); this needs
:math:`\rho_n` deterministic.
"""

import sympy as sp

from analysis.symbols import Delta, L, R, T, alpha, beta1, beta2, d, eps, g, i, rho, t, v

from . import lemma_log_sum_adam_mix as logsum
from . import lemma_momentum_double_sum as dsum
from . import lemma_momentum_mom as mom
from . import lemma_momentum_triple_sum as trip
from . import lemma_momentum_un as unl
from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import apply, scale, substitute, swap, telescope, termwise
from ._rules_expectation import E, expectation, swap_expect
from ._rules_regret import pow_peel, rename, scale_given

j = mom.j
Fx = sp.Function("Fx", real=True)  # F(x_n)
# shared with lemma_momentum_mom (the same sympy objects): G_n^T u_n, ||u_n||^2, ||G_n||^2,
# P2, P3, E||U_n||^2, E||u_n||^2, alpha_n, and the per-lag split of w_n into Qp + Pp
gu, un, Gs, P2, P3, EU, Eu, al = mom.gu, mom.un, mom.Gs, mom.P2, mom.P3, mom.EU, mom.Eu, mom.al
Fstar = sp.Symbol("F_star", real=True)
c = sp.Symbol("c", positive=True)  # 1 - beta2
Z = sp.Symbol("Z", positive=True)  # sum_n (1 - beta1^(N-n+1))
e1 = sp.Symbol("e1", positive=True)  # 1 - beta1
e2 = sp.Symbol("e2", positive=True)  # 1 - beta1/beta2
Nt = sp.Symbol("Nt", positive=True)  # N~ = N - beta1/(1 - beta1) (> 0 by assumption)
DATA = (g, v, Fx, gu, un, Gs, P2, P3, EU, Eu, E, unl.m, unl.w, mom.Gf, mom.Qp, mom.Pp,
        mom.Sp, mom.bp)  # fmt: skip

_Nt = T - beta1 / (1 - beta1)
_ab = alpha * e1 / sp.sqrt(c)  # the largest alpha_n
_U = g(t, i) ** 2 / (eps + rho * v(t, i))
_SU_t = rho * E(sp.Sum(_U, (i, 1, d)))  # E||U_n||^2
_SU = sp.Sum(_SU_t, (t, 1, T))  # sum_n E||U_n||^2
_Sun = sp.Sum(E(un(t)), (t, 1, T))
_K2 = 2 / e2 ** sp.Rational(3, 2)
_K3 = 4 * beta1 / e1 ** sp.Rational(5, 2)
_C3 = L**2 * sp.sqrt(e1) / (4 * R)
_C2 = 3 * R / (rho * sp.sqrt(e1))

DESCENT = le(Fx(t), Fx(t - 1) - al(t) * gu(t) + al(t) ** 2 * L / 2 * un(t),
             "descent lemma of the L-smooth F at x_n - x_{n-1} = -alpha_n u_n")  # fmt: skip
EU_DEF = eq(EU(t), _SU_t, "EU_n := E||U_n||^2 (a name for the expectation)")
P2_DEF = mom.P2_DEF
EUN_DEF = mom.EUN_DEF  # Eu_z := E||u_z||^2 at every index z (a name)
P3_DEF = mom.P3_DEF
_A = unl.m(t, i) ** 2 / (eps + unl.w(t, i))  # u_{n,i}^2
UN_DEF = eq(un(t), sp.Sum(_A, (i, 1, d)), "||u_n||^2 = sum_i m_{n,i}^2/(eps + w_{n,i})")
AL_HI = le(sp.sqrt(c) * al(t), alpha * e1,
           "alpha_n <= alpha (1 - beta1)/sqrt(1 - beta2) (B_n <= 1/(1 - beta2))")  # fmt: skip
LOWER = le(Fstar, Fx(T), "F >= F_*")
DELTA = eq(Delta, Fx(0) - Fstar, "Delta = F(x_0) - F_*")
C_DEF = eq(c, 1 - beta2, "c := 1 - beta2 (a name; 0 < beta2 < 1)")
E1_DEF = mom.E1_DEF
E2_DEF = eq(e2, 1 - beta1 / beta2, "e2 := 1 - beta1/beta2 (a name; beta1 < beta2)")
Z_DEF = eq(Z, sp.Sum(1 - beta1 ** (T - t + 1), (t, 1, T)), "Z: the weights' total")
RANGE = le(j, t, "range of the inner index: j <= n")
RANGE_T = le(j, T, "range of the index: j <= N")
NT_DEF = eq(Nt, _Nt, "N~ := T - beta1/(1 - beta1), positive by the theorem's assumption")
Z_LO = le(Nt, Z, "Z = T - beta1 (1 - beta1^T)/(1 - beta1) >= T - beta1/(1 - beta1) > 0")
G_NN = le(0, sp.Sum((1 - beta1 ** (T - t + 1)) * E(Gs(t)), (t, 1, T)),
          "E||G_n||^2 >= 0 and 1 - beta1^(N-n+1) >= 0")  # fmt: skip
GS_DEF = eq(Gs(t), sp.Sum(mom.Gf(t, i) ** 2, (i, 1, d)), "||G_n||^2 = sum_i G_{n,i}^2")
# lemma_momentum_mom's own hypotheses (definitions, the algorithm's bounds, L-smoothness at
# two iterates, the update x_r = x_{r-1} - alpha_r u_r, alpha_y and B_y at every y)
MOM_HYPOTHESES = (mom.gul.GU_DEF, GS_DEF, mom.W_SPLIT, mom.B_DEF, mom.S_LE, mom.X_LE, mom.BT1,
                  mom.AL_DEF, mom.R_GE, mom.SMOOTH, mom.X_UPD, mom.AL_ALL, mom.BT_ALL)  # fmt: skip
HYPOTHESES = (C_DEF, E1_DEF, E2_DEF, NT_DEF, RANGE, RANGE_T, DESCENT, *MOM_HYPOTHESES, EU_DEF,
              P2_DEF, P3_DEF, EUN_DEF, UN_DEF, unl.M_UPD, unl.M0, logsum.W_LO, AL_HI, LOWER, DELTA,
              Z_DEF, Z_LO, G_NN, logsum.V_UPD, logsum.V0, logsum.VT)  # fmt: skip

_W = sp.Sum((1 - beta1 ** (T - t + 1)) * E(Gs(t)), (t, 1, T))
_C = 2 * R / (alpha * Nt)
_LOG = sp.log(1 + rho * R**2 / ((1 - beta2) * eps)) - T * sp.log(beta2)
_A2 = L / 2 * _ab**2 + _C3 * _ab**3 * _K3  # coefficient of sum_n E||u_n||^2
_A1 = _C2 * _ab * _K2  # coefficient of sum_n E||U_n||^2
# MOM: lemma_momentum_mom at step n (its recurrence index s renamed to n)
_MOM = mom.PROOF.instance(
    {mom.r1: 1 / sp.sqrt(e1), mom.s: t},
    given=[*MOM_HYPOTHESES, unl.M_UPD, unl.M0, logsum.V_UPD, logsum.W_LO, C_DEF, E1_DEF,
           EUN_DEF, EU_DEF, P2_DEF, P3_DEF, UN_DEF])  # fmt: skip
_REST = _C3 * al(t) ** 3 * E(P3(t)) + _C2 * al(t) * E(P2(t))  # MOM's two remainders


def _f(c_, e1_, e2_, nt):
    """The bound reached, as a function of the names c, e1, e2, Nt."""
    ab = alpha * e1_ / sp.sqrt(c_)
    c3, c2 = L**2 * sp.sqrt(e1_) / (4 * R), 3 * R / (rho * sp.sqrt(e1_))
    k2, k3 = 2 / e2_ ** sp.Rational(3, 2), 4 * beta1 / e1_ ** sp.Rational(5, 2)
    a2 = L / 2 * ab**2 + c3 * ab**3 * k3
    return 2 * R / (alpha * nt) * (Delta + (a2 / (rho * e1_ * e2_) + c2 * ab * k2) * d * _LOG)


def _E(fact):
    return expectation(fact, DATA, current=(g(t, i), v(t, i), Fx(t), gu(t), un(t)))


def _geo(k):
    """-beta1^(k - j + 1): telescoping it gives (1 - beta1) sum_{t=j}^T beta1^(t-j)."""
    return -(beta1 ** (k - j + 1))


# (1 - beta1) sum_{t=j}^T beta1^(t-j) E||G_j||^2 = (1 - beta1^(T-j+1)) E||G_j||^2, summed
_TRI = termwise(scale(telescope(_geo, t, j, T), E(Gs(j))), j, 1, T)
_TRISUM = sp.Sum(sp.Sum(beta1 ** (t - j) * E(Gs(j)), (j, 1, t)), (t, 1, T))
_RENAME = rename(lambda k: (1 - beta1 ** (T - k + 1)) * E(Gs(k)), j, t, 1, T)
_PEEL = termwise(termwise(scale(pow_peel(beta1, t - j, given=[RANGE]), E(Gs(j))), t, j, T), j, 1, T)
_SWAP = swap(lambda j_, t_: beta1 ** (t_ - j_) * E(Gs(j_)), j, t, T)
# alpha_n^p <= alpha-bar^p, p = 1, 2, 3, times a non-negative random factor, in expectation
_AL1 = lambda x: _E(scale(AL_HI, x / sp.sqrt(c)))  # noqa: E731
_AL2 = lambda x: _E(scale(AL_HI, (al(t) + _ab) * x / sp.sqrt(c)))  # noqa: E731
_AL3 = lambda x: _E(scale(AL_HI, (al(t) ** 2 + al(t) * _ab + _ab**2) * x / sp.sqrt(c)))  # noqa: E731


# SUM2: the definition of P2, lemma_momentum_double_sum, the definition of EU
_DSUM = dsum.PROOF.instance({dsum.q: beta1 / beta2, dsum.e: e2, dsum.X: EU},
                            given=[E2_DEF, RANGE_T])  # fmt: skip
_SUM2 = [
    (1, termwise(P2_DEF, t, 1, T)),
    (1, _DSUM),
    (_K2, termwise(EU_DEF, t, 1, T)),
    (_K2, rename(EU, j, t, 1, T)),
]
# SUM3: the definition of P3, lemma_momentum_triple_sum (q = beta1), the definition of Eu
_SUM3 = [
    (1, termwise(P3_DEF, t, 1, T)),
    (1, trip.PROOF.instance({trip.q: beta1, trip.e: e1, trip.X: Eu}, given=[E1_DEF])),
    (_K3, termwise(substitute(EUN_DEF, {mom.z: t}), t, 1, T)),
]
# UN: ||u_n||^2 summed, in expectation, by lemma_momentum_un per coordinate (Fubini twice)
_UNL = unl.PROOF.instance({}, given=[unl.M_UPD, unl.M0, logsum.V_UPD, logsum.W_LO, E1_DEF,
                                     E2_DEF])  # fmt: skip
_UN = [
    (1, termwise(_E(UN_DEF), t, 1, T)),
    (1, swap_expect(_A, i, 1, d, t, 1, T)),
    (1, termwise(_E(_UNL), i, 1, d)),
    (-1 / (e1 * e2), swap_expect(_U, i, 1, d, t, 1, T)),
]
LOGSUM = logsum.PROOF.instance(
    {logsum.w: lambda a, b: rho * v(a, b)}, given=[logsum.V_UPD, logsum.V0, logsum.VT]
)


def _theorem():
    from analysis.theorems import THEOREMS

    return THEOREMS["adam_avgrad_interpolation_nonconvex_momentum"]


_K1 = _A2 / (rho * e1 * e2) + _A1  # the coefficient of sum_n E||U_n||^2 at the end
_STEPS = (
    Step(LE, _W / Nt, "Z >= N~ > 0 and the weighted sum is >= 0",
         by=[scale_given(Z_LO, _W / (Z * Nt), given=[scale(G_NN, 1 / (Z * Nt))])]),
    Step(EQ, e1 / Nt * _TRISUM, "the triangular sum: exchange, then (1 - beta1) sum_{n=j}^N "
         "beta1^(n-j) = 1 - beta1^(N-j+1) (telescoping)",
         by=[(-(1 - beta1) / Nt, _SWAP), (-_TRISUM / Nt, E1_DEF), (-1 / Nt, _TRI),
             (-1 / Nt, _RENAME), (-1 / Nt, _PEEL)]),
    Step(LE, _C * sp.Sum(al(t) * E(gu(t)) + _REST, (t, 1, T)),
         "MOM: lemma_momentum_mom (Défossez et al.'s Lemma A.2 for w_n), summed over n",
         by=[(_C, termwise(_MOM, t, 1, T))]),
    Step(LE, _C * (E(Fx(0)) - E(Fx(T)) + sp.Sum(al(t) ** 2 * L / 2 * E(un(t)) + _REST,
                                                 (t, 1, T))),
         "the descent lemma in expectation, summed over n and telescoped",
         by=[(_C, termwise(_E(DESCENT), t, 1, T)),
             (-_C, telescope(lambda k: E(Fx(k)), t, 1, T))]),
    Step(LE, _C * (Delta + L / 2 * _ab**2 * _Sun + _C3 * _ab**3 * sp.Sum(E(P3(t)), (t, 1, T))
                   + _C2 * _ab * sp.Sum(E(P2(t)), (t, 1, T))),
         "alpha_n <= alpha (1 - beta1)/sqrt(1 - beta2); F(x_T) >= F_*, x_0 given",
         by=[(_C * L / 2, termwise(_AL2(un(t)), t, 1, T)),
             (_C * _C3, termwise(_AL3(P3(t)), t, 1, T)),
             (_C * _C2, termwise(_AL1(P2(t)), t, 1, T)), (_C, _E(LOWER)), (-_C, _E(DELTA))]),
    Step(LE, _C * (Delta + _A2 * _Sun + _A1 * _SU),
         "SUM3: the definition of P3, lemma_momentum_triple_sum; SUM2: the definition of "
         "P2, lemma_momentum_double_sum",
         by=[*[(_C * _C3 * _ab**3 * k, f) for k, f in _SUM3],
             *[(_C * _C2 * _ab * k, f) for k, f in _SUM2]]),
    Step(LE, _C * (Delta + _K1 * _SU),
         "UN: lemma_momentum_un per coordinate, in expectation",
         by=[(_C * _A2 * k, f) for k, f in _UN]),
    Step(EQ, _C * (Delta + _K1 * rho * sp.Sum(E(sp.Sum(_U, (t, 1, T))), (i, 1, d))),
         "linearity of E and exchanging the finite sums over n and i",
         by=[(_C * _K1 * rho, swap_expect(_U, i, 1, d, t, 1, T))]),
    Step(LE, _C * (Delta + _K1 * d * _LOG),
         "lemma_log_sum_adam_mix per coordinate with w = rho v, in expectation",
         by=[(_C * _K1, termwise(_E(LOGSUM), i, 1, d))]),
    Step(EQ, _f(1 - beta2, e1, e2, Nt), "c = 1 - beta2",
         by=[apply(C_DEF, lambda x: _f(x, e1, e2, Nt))]),
    Step(EQ, _f(1 - beta2, 1 - beta1, e2, Nt), "e1 = 1 - beta1",
         by=[apply(E1_DEF, lambda x: _f(1 - beta2, x, e2, Nt))]),
    Step(EQ, _f(1 - beta2, 1 - beta1, 1 - beta1 / beta2, Nt), "e2 = 1 - beta1/beta2",
         by=[apply(E2_DEF, lambda x: _f(1 - beta2, 1 - beta1, x, Nt))]),
    Step(EQ, _theorem().bound(), "N~ = T - beta1/(1 - beta1); collect terms",
         by=[apply(NT_DEF, lambda x: _f(1 - beta2, 1 - beta1, 1 - beta1 / beta2, x))]),
)  # fmt: skip

PROOF = Proof(
    id="adam_avgrad_interpolation_nonconvex_momentum",
    title="MADA's Adam/AVGrad interpolation with momentum, constant alpha, bias-corrected",
    statement=le(_W / Z, _theorem().bound(), "claim"),
    hypotheses=HYPOTHESES,
    steps=_STEPS,
    data=DATA,
    domain=Domain({beta2: (0, 1), rho: (0, 1), c: (0, 1), beta1: (0, 1)}),
    target=lambda: _theorem().bound(),
    target_name="THEOREMS['adam_avgrad_interpolation_nonconvex_momentum'].bound()",
    lemmas=(
        "lemma_log_sum_adam_mix",
        "lemma_momentum_double_sum",
        "lemma_momentum_mom",
        "lemma_momentum_un",
        "lemma_momentum_triple_sum",
    ),
    notes="E is the (total) expectation (proofs._rules_expectation). MOM, SUM2, SUM3 and UN "
    "are certified lemmas; LIPU (L-smoothness along the momentum steps) and DESCENT are the "
    "modelling hypotheses.",
)
