r"""Theorem (MADA's Adam/AVGrad interpolation, constant step, bias correction, :math:`\beta_1 = 0`).

Setting: :math:`F \ge F_*` with :math:`L`-Lipschitz gradient, :math:`\Delta = F(x_0) - F_*`
(:math:`x_0` deterministic); :math:`\mathbb E_{t-1} g_t = G_t := \nabla F(x_{t-1})`,
:math:`\sigma^2_{t,i} := \mathbb E_{t-1} g_{t,i}^2 > 0`, :math:`|g_{t,i}| \le R - \sqrt\epsilon`
a.s.; :math:`0 < \beta_2 < 1`, :math:`0 < \rho \le 1`. Unnormalised
:math:`v_t = \beta_2 v_{t-1} + g_t^2`, :math:`v_0 = 0`; a predictable :math:`\rho_t \in
[\rho, 1]`; :math:`w_t = \rho_t v_t + (1-\rho_t)\frac1t\sum_{s\le t}v_s`;
:math:`x_t = x_{t-1} - \alpha_t g_t/\sqrt{\epsilon + w_t}`,
:math:`\alpha_t = \alpha\sqrt{B_t}`, :math:`B_t = (1-\beta_2^t)/(1-\beta_2) \in [1,
1/(1-\beta_2)]`. Claim: :math:`\frac1T\sum_t\mathbb E\|G_t\|^2 \le` the registry's bound.

Proof: :math:`w_t = q_t + c_t g_t^2` with :math:`q_t = \rho_t\beta_2 v_{t-1} +
(1-\rho_t)(Sv_{t-1} + \beta_2 v_{t-1})/t \ge 0` and :math:`c_t = \rho_t + (1-\rho_t)/t \in
(0, 1]`, both predictable; the proxy :math:`\tilde a_t^2 = \epsilon + q_t + c_t\sigma^2_t`
has :math:`q_t + c_t\sigma_t^2 \le (R-\sqrt\epsilon)^2 B_t` (as :math:`v_{t-1} \le
(R-\sqrt\epsilon)^2 B_{t-1}`, :math:`Sv_{t-1} \le (t-1)(R-\sqrt\epsilon)^2 B_{t-1}`,
:math:`\beta_2 B_{t-1} + 1 = B_t`, :math:`B` increasing, and :math:`q_t + c_t\sigma^2_t` is
a convex combination of :math:`\beta_2 v_{t-1} + \sigma^2_t` and :math:`(Sv_{t-1} + \beta_2
v_{t-1} + \sigma_t^2)/t`), so :math:`\alpha\tilde a_t \le R\alpha_t`
(:mod:`proofs.lemma_adam_mix_proxy`). The descent lemma, :math:`\alpha_t` times
:mod:`proofs.lemma_defossez_descent` in expectation, :math:`\sqrt{c_t} \le 1`,
:math:`\alpha_t \le \alpha/\sqrt{1-\beta_2}`, telescoping, :math:`F \ge F_*` and
:mod:`proofs.lemma_log_sum_adam_mix` (:math:`w_t \ge \rho v_t`) finish. ``al(t)`` is the
deterministic :math:`\alpha_t`, ``Bt(t)`` is :math:`B_t`; ``cc``, ``q``, ``at`` are
predictable random terms.
"""

import sympy as sp

from analysis.symbols import Delta, L, R, T, alpha, beta2, d, eps, g, i, rho, t, v

from . import lemma_adam_mix_proxy as proxy
from . import lemma_defossez_descent as dfz
from . import lemma_log_sum_adam_mix as logsum
from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import apply, given, scale, sqrt_monotone, telescope, termwise
from ._rules_expectation import E, expectation, swap_expect

w = logsum.w
Gf = sp.Function("Gf", real=True)  # grad_i F(x_{t-1})
sigma2 = sp.Function("sigma2", positive=True)  # E_{t-1} g_{t,i}^2
at = sp.Function("at", positive=True)  # predictable proxy denominator
q = sp.Function("q", nonnegative=True)  # predictable part of w_t
# c_t = rho_t + (1 - rho_t)/t, the weight of g_t^2 in w_t; written per coordinate so that
# the expectation rule keeps it inside the sum over i
cc = sp.Function("cc", positive=True)
Fx = sp.Function("Fx", real=True)  # F(x_t)
al = sp.Function("al", positive=True)  # alpha_t (deterministic)
Bt = sp.Function("Bt", positive=True)  # B_t = (1 - beta2^t)/(1 - beta2) (deterministic)
Fstar = sp.Symbol("F_star", real=True)
c = sp.Symbol("c", positive=True)  # 1 - beta2
DATA = (g, v, w, q, cc, Gf, sigma2, at, Fx, E)

_a2 = eps + w(t, i)
DESCENT = le(
    Fx(t),
    Fx(t - 1)
    - al(t) * sp.Sum(Gf(t, i) * g(t, i) / sp.sqrt(_a2), (i, 1, d))
    + al(t) ** 2 * L / 2 * sp.Sum(g(t, i) ** 2 / _a2, (i, 1, d)),
    "descent lemma of the L-smooth F at x_t - x_{t-1} = -alpha_t g_t/sqrt(eps + w_t)",
)
LOWER = le(Fstar, Fx(T), "F >= F_*")
DELTA = eq(Delta, Fx(0) - Fstar, "Delta = F(x_0) - F_*")
W_STEP = eq(q(t, i) + cc(t, i) * g(t, i) ** 2, w(t, i),
            "w_t = q_t + c_t g_t^2: rho_t(beta2 v_{t-1} + g_t^2) + (1 - rho_t)(Sv_{t-1} + "
            "beta2 v_{t-1} + g_t^2)/t")  # fmt: skip
AT_DEF = eq(
    eps + q(t, i) + cc(t, i) * sigma2(t, i), at(t, i) ** 2, "definition of the proxy at > 0"
)
SIG = le(sigma2(t, i), R**2, "sigma2 = E_{t-1} g^2 <= (R - sqrt(eps))^2 <= R^2")
CC_LE = le(sp.sqrt(cc(t, i)), 1, "c_t = rho_t + (1 - rho_t)/t <= 1 (rho_t <= 1, t >= 1)")
X_LE = le(
    q(t, i) + cc(t, i) * sigma2(t, i),
    (R - sp.sqrt(eps)) ** 2 * Bt(t),
    "q_t + c_t sigma2_t <= (R - sqrt(eps))^2 B_t (module docstring: induction on t)",
)
BT1 = le(1, Bt(t), "B_t = 1 + beta2 + ... + beta2^(t-1) >= 1")
AL_DEF = eq(al(t) ** 2, alpha**2 * Bt(t), "alpha_t^2 = alpha^2 B_t")
AL_HI = le(sp.sqrt(c) * al(t), alpha, "alpha_t <= alpha/sqrt(1 - beta2) (B_t <= 1/(1 - beta2))")
C_DEF = eq(c, 1 - beta2, "c := 1 - beta2 (a name; 0 < beta2 < 1)")
R_GE = le(sp.sqrt(eps), R, "sqrt(eps) <= R (|g| <= R - sqrt(eps))")
HYPOTHESES = (C_DEF, DESCENT, LOWER, DELTA, W_STEP, AT_DEF, SIG, CC_LE, X_LE, BT1, AL_DEF, AL_HI,
              R_GE, logsum.V_UPD, logsum.V0, logsum.VT, logsum.W_LO)  # fmt: skip

PROXY = proxy.PROOF.instance(
    {proxy.X: q(t, i) + cc(t, i) * sigma2(t, i), proxy.b: at(t, i), proxy.al: al(t),
     proxy.B: Bt(t)}, given=[AT_DEF, X_LE, BT1, AL_DEF, R_GE])  # fmt: skip
AT_LE = given(sqrt_monotone(alpha**2 * at(t, i) ** 2, R**2 * al(t) ** 2), PROXY)
DFZ = dfz.PROOF.instance(
    {dfz.G: Gf(t, i), dfz.g: g(t, i), dfz.s2: sigma2(t, i), dfz.a: sp.sqrt(_a2),
     dfz.b: at(t, i), dfz.Q: eps + q(t, i), dfz.c: cc(t, i)},
    given=[W_STEP, AT_DEF, SIG])  # fmt: skip
LOGSUM = logsum.PROOF.instance({}, given=[logsum.V_UPD, logsum.V0, logsum.VT, logsum.W_LO])


def _E(fact):
    """Expectation, with E_{t-1} g_t = Gf_t and E_{t-1} g_t^2 = sigma2_t (coordinatewise)."""
    return expectation(fact, DATA, current=(g(t, i), v(t, i), w(t, i), Fx(t)),
                       moments={g(t, i): Gf(t, i), g(t, i) ** 2: sigma2(t, i)})  # fmt: skip


def _si(x):
    return sp.Sum(x, (i, 1, d))


def _st(x):
    return sp.Sum(x, (t, 1, T))


def _each(fact):
    """``fact`` (pointwise, for one (t, i)) summed over i, in expectation, summed over t."""
    return termwise(_E(termwise(fact, i, 1, d)), t, 1, T)


_C = 2 * R / (alpha * T)


def _k(x):
    return 2 * R * alpha / sp.sqrt(x) + alpha**2 * L / (2 * x)


_K = _k(c)
_Eg2 = E(_si(g(t, i) ** 2 / _a2))
_Ecg2 = E(_si(sp.sqrt(cc(t, i)) * g(t, i) ** 2 / _a2))
_LOG = sp.log(1 + rho * R**2 / ((1 - beta2) * eps)) - T * sp.log(beta2)
_u = g(t, i) ** 2 / _a2


def _theorem():
    from analysis.theorems import THEOREMS

    return THEOREMS["adam_avgrad_interpolation_nonconvex"]


PROOF = Proof(
    id="adam_avgrad_interpolation_nonconvex",
    title="MADA's Adam/AVGrad interpolation, constant alpha, bias-corrected, beta1 = 0",
    statement=le(_st(E(_si(Gf(t, i) ** 2))) / T, _theorem().bound(), "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(
            LE,
            R / (alpha * T) * _st(al(t) * E(_si(Gf(t, i) ** 2 / at(t, i)))),
            "alpha at_t <= R alpha_t (lemma_adam_mix_proxy)",
            by=[(1 / T, _each(scale(AT_LE, Gf(t, i) ** 2 / (alpha * at(t, i)))))],
        ),
        Step(
            LE,
            _C * (E(Fx(0)) - E(Fx(T)) + _st(al(t) ** 2 * L / 2 * _Eg2 + 2 * R * al(t) * _Ecg2)),
            "expected descent: descent lemma + alpha_t * lemma_defossez_descent in "
            "expectation, summed over t and telescoped",
            by=[
                (_C, termwise(_E(DESCENT), t, 1, T)),
                (_C, _each(scale(DFZ, al(t)))),
                (-_C, telescope(lambda k: E(Fx(k)), t, 1, T)),
            ],
        ),
        Step(
            LE,
            _C * (E(Fx(0)) - E(Fx(T)) + _K * _st(_Eg2)),
            "sqrt(c_t) <= 1 and alpha_t <= alpha/sqrt(1 - beta2), pointwise",
            by=[
                (2 * R * _C, _each(scale(CC_LE, al(t) * _u))),
                (2 * R * _C / sp.sqrt(c), _each(scale(AL_HI, _u))),
                (L / 2 * _C / sp.sqrt(c), _each(scale(AL_HI, al(t) * _u))),
                (L / 2 * alpha * _C / c, _each(scale(AL_HI, _u))),
            ],
        ),
        Step(
            LE,
            _C * (Delta + _K * _st(_Eg2)),
            "F(x_T) >= F_*, x_0 given",
            by=[(_C, _E(LOWER)), (-_C, _E(DELTA))],
        ),
        Step(
            EQ,
            _C * (Delta + _K * _si(E(_st(_u)))),
            "linearity of E and exchanging the finite sums over t and i",
            by=[(_C * _K, swap_expect(_u, i, 1, d, t, 1, T))],
        ),
        Step(
            LE,
            _C * (Delta + _K * d * _LOG / rho),
            "lemma_log_sum_adam_mix per coordinate (w_t >= rho v_t), in expectation",
            by=[(_C * _K / rho, termwise(_E(LOGSUM), i, 1, d))],
        ),
        Step(
            EQ,
            _theorem().bound(),
            "collect terms; c = 1 - beta2",
            by=[apply(C_DEF, lambda x: _C * (Delta + _k(x) * d * _LOG / rho))],
        ),
    ),
    data=DATA,
    domain=Domain({beta2: (0, 1), rho: (0, 1), c: (0, 1)}),
    target=lambda: _theorem().bound(),
    target_name="THEOREMS['adam_avgrad_interpolation_nonconvex'].bound()",
    lemmas=("lemma_adam_mix_proxy", "lemma_defossez_descent", "lemma_log_sum_adam_mix"),
    notes="E is the (total) expectation (proofs._rules_expectation). The statement's left "
    "side is (1/T) sum_t E[sum_i grad_i F(x_{t-1})^2]. rho_t enters through the "
    "predictable c_t and q_t and through w_t >= rho v_t.",
)
