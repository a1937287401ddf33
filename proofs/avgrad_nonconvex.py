r"""Theorem (stochastic nonconvex AVGrad, :math:`\beta_1 = 0`).

Setting: :math:`F \ge F_*` with :math:`L`-Lipschitz gradient, :math:`\Delta = F(x_0) - F_*`
(:math:`x_0` deterministic); stochastic gradients :math:`g_t` with :math:`\mathbb E_{t-1} g_t
= G_t := \nabla F(x_{t-1})`, :math:`\sigma^2_{t,i} := \mathbb E_{t-1} g_{t,i}^2 > 0` (a
coordinate with :math:`\sigma^2_{t,i} = 0` has :math:`g_{t,i} = G_{t,i} = 0` and contributes
nothing), :math:`|g_{t,i}| \le R` a.s.; :math:`\epsilon > 0`, :math:`0 \le \beta_2 < 1`,
:math:`c := 1 - \beta_2`. AVGrad with :math:`\alpha_t = \alpha/\sqrt t` and
:math:`\epsilon/t` inside the root: :math:`x_t = x_{t-1} - \alpha g_t/\sqrt{\epsilon + Sv_t}`,
:math:`v_t = \beta_2 v_{t-1} + c\,g_t^2`, :math:`Sv_t = Sv_{t-1} + v_t`, :math:`v_0 = Sv_0 = 0`.
Claim:

.. math::
    \frac1T\sum_{t=1}^T \mathbb E\|G_t\|^2 \le
    \frac{2\sqrt{\epsilon + T R^2}\,\Delta}{\alpha T}
    + \frac{d\sqrt{\epsilon + T R^2}\,(4R\sqrt{1-\beta_2} + \alpha L)}{(1-\beta_2)T}
      \ln\Big(1 + \frac{T R^2}{\epsilon}\Big).

Proof: the predictable proxy :math:`\tilde a_{t,i} = \sqrt{\epsilon + Sv_{t-1,i} + \beta_2
v_{t-1,i} + c\,\sigma^2_{t,i}} \le \sqrt{\epsilon + T R^2}` (:mod:`proofs.lemma_nonconvex_proxy`);
the descent lemma plus the pointwise :mod:`proofs.lemma_defossez_descent` in expectation
(:mod:`proofs._rules_expectation`: :math:`\mathbb E[h g] = \mathbb E[h G]`, :math:`\mathbb
E[h g^2] = \mathbb E[h\sigma^2]` for predictable :math:`h`) give :math:`\mathbb E F(x_t) \le
\mathbb E F(x_{t-1}) - \frac\alpha2\sum_i \mathbb E[G_{t,i}^2/\tilde a_{t,i}] + (2\alpha\sqrt c
R + \alpha^2 L/2)\sum_i \mathbb E[g_{t,i}^2/(\epsilon + Sv_{t,i})]`; telescoping,
:math:`F \ge F_*`, and :mod:`proofs.lemma_log_sum` finish. ``E(X)`` is the expectation of
the random term ``X``; ``Fx(t)`` is :math:`F(x_t)`, ``Gf`` the true gradient, ``at`` the proxy.
"""

import sympy as sp

from analysis import statements
from analysis.symbols import Delta, L, R, Sv, T, alpha, beta2, d, eps, g, i, t, v

from . import lemma_avgrad_accumulator as acc
from . import lemma_defossez_descent as dfz
from . import lemma_log_sum
from . import lemma_nonconvex_proxy as proxy
from ._algorithm import ema_bound
from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import apply, given, scale, sqrt_monotone, substitute, telescope, termwise
from ._rules_expectation import E, expectation, swap_expect

Gf = sp.Function("Gf", real=True)  # true gradient coordinate grad_i F(x_{t-1})
sigma2 = sp.Function("sigma2", positive=True)  # E_{t-1} g_{t,i}^2
at = sp.Function("at", positive=True)  # predictable proxy denominator
Fx = sp.Function("Fx", real=True)  # F(x_t)
Fstar = sp.Symbol("F_star", real=True)
c = sp.Symbol("c", positive=True)  # 1 - beta2
DATA = (g, v, Sv, Gf, sigma2, at, Fx, E)

_a2 = eps + Sv(t, i)
_Q = eps + Sv(t - 1, i) + (1 - c) * v(t - 1, i)
C_DEF = eq(c, 1 - beta2, "c := 1 - beta2 (a name; 0 <= beta2 < 1)")
DESCENT = le(Fx(t), Fx(t - 1) - alpha * sp.Sum(Gf(t, i) * g(t, i) / sp.sqrt(_a2), (i, 1, d))
             + alpha**2 * L / 2 * sp.Sum(g(t, i) ** 2 / _a2, (i, 1, d)),
             "descent lemma of the L-smooth F at the AVGrad step x_t - x_{t-1} = "
             "-alpha g_t / sqrt(eps + Sv_t)")  # fmt: skip
LOWER = le(Fstar, Fx(T), "F >= F_*")
DELTA = eq(Delta, Fx(0) - Fstar, "Delta = F(x_0) - F_*")
V_UPD = eq(v(t, i), (1 - c) * v(t - 1, i) + c * g(t, i) ** 2, "v_t = beta2 v_{t-1} + c g_t^2")
SV_UPD = eq(Sv(t, i), Sv(t - 1, i) + v(t, i), "Sv_t = Sv_{t-1} + v_t")
SV_STEP = eq(Sv(t - 1, i) + (1 - c) * v(t - 1, i) + c * g(t, i) ** 2, Sv(t, i),
             "Sv_t = Sv_{t-1} + beta2 v_{t-1} + c g_t^2 (the two updates)")  # fmt: skip
SV0 = eq(Sv(0, i), 0, "Sv_0 = 0")
V0 = eq(v(0, i), 0, "v_0 = 0")
G_R = le(g(t, i) ** 2, R**2, "|g_{t,i}| <= R almost surely")
AT_DEF = eq(_Q + c * sigma2(t, i), at(t, i) ** 2, "definition of the predictable proxy at > 0")
SIG = le(sigma2(t, i), R**2, "sigma2_{t,i} = E_{t-1} g_{t,i}^2 <= R^2 as |g_{t,i}| <= R")
T_RANGE = le(t, T, "t <= T for the summation index t = 1..T")
HYPOTHESES = (C_DEF, DESCENT, LOWER, DELTA, V_UPD, SV_UPD, SV_STEP, SV0, V0, G_R, AT_DEF, SIG,
              T_RANGE)  # fmt: skip


def _v_bound(k):
    """v_{k,i} <= R^2 for k >= 0, proved by induction (lemma_ema_bound, beta2 = 1 - c)."""
    return ema_bound(
        lambda a: v(a, i),
        lambda a: g(a, i) ** 2,
        R**2,
        k,
        start=V0,
        rec=V_UPD,
        y_le=G_R,
        beta2=1 - c,
    )


_ACC_GIVEN = [substitute(SV_UPD, {t: acc.s}), SV0, _v_bound(acc.s)]
ACC_PREV = acc.PROOF.instance({acc.n: t - 1, acc.R: R}, given=_ACC_GIVEN)
ACC_T = acc.PROOF.instance({acc.n: T, acc.R: R}, given=_ACC_GIVEN)
PROXY = proxy.PROOF.instance(
    {proxy.S: Sv(t - 1, i), proxy.w: v(t - 1, i), proxy.s2: sigma2(t, i), proxy.b: at(t, i),
     proxy.n: t},
    given=[AT_DEF, ACC_PREV, _v_bound(t - 1), SIG, T_RANGE])  # fmt: skip
DFZ = dfz.PROOF.instance(
    {dfz.G: Gf(t, i), dfz.g: g(t, i), dfz.s2: sigma2(t, i), dfz.a: sp.sqrt(_a2),
     dfz.b: at(t, i), dfz.Q: _Q}, given=[SV_STEP, AT_DEF, SIG])  # fmt: skip
LOGSUM = lemma_log_sum.PROOF.instance({}, given=[V_UPD, SV_UPD, SV0, ACC_T])


def _E(fact):
    """Expectation, with E_{t-1} g_t = Gf_t and E_{t-1} g_t^2 = sigma2_t (coordinatewise)."""
    return expectation(fact, DATA, current=(g(t, i), v(t, i), Sv(t, i), Fx(t)),
                       moments={g(t, i): Gf(t, i), g(t, i) ** 2: sigma2(t, i)})  # fmt: skip


def _si(x):
    return sp.Sum(x, (i, 1, d))


def _st(x):
    return sp.Sum(x, (t, 1, T))


_S = sp.sqrt(eps + T * R**2)
_LOG = sp.log(1 + T * R**2 / eps)
_K = 2 * alpha * sp.sqrt(c) * R + alpha**2 * L / 2
_EG2 = E(_si(Gf(t, i) ** 2))  # E ||G_t||^2
_EGa = E(_si(Gf(t, i) ** 2 / at(t, i)))
_Eg2 = E(_si(g(t, i) ** 2 / _a2))
_AT_LE = given(sqrt_monotone(at(t, i) ** 2, eps + T * R**2), PROXY)  # at <= sqrt(eps + T R^2)


def _theorem():
    from analysis.theorems import THEOREMS

    return THEOREMS["avgrad_nonconvex"]


def _final(x):
    return 2 * _S * Delta / (alpha * T) + d * _S * (4 * R * sp.sqrt(x) + alpha * L) * _LOG / (x * T)


PROOF = Proof(
    id="avgrad_nonconvex",
    title="Stochastic nonconvex AVGrad (beta1 = 0): average expected squared gradient norm",
    statement=le(_st(_EG2) / T, statements.NONCONVEX_BOUND, "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(
            LE,
            _S / T * _st(_EGa),
            "1/sqrt(eps + T R^2) <= 1/at_{t,i} (lemma_nonconvex_proxy)",
            by=[
                (
                    _S / T,
                    termwise(
                        _E(termwise(scale(_AT_LE, Gf(t, i) ** 2 / (_S * at(t, i))), i, 1, d)),
                        t,
                        1,
                        T,
                    ),
                )
            ],
        ),
        Step(
            LE,
            2 * _S / (alpha * T) * (E(Fx(0)) - E(Fx(T)) + _K * _st(_Eg2)),
            "expected descent: descent lemma + alpha * lemma_defossez_descent in expectation, "
            "summed over t and telescoped",
            by=[
                (2 * _S / (alpha * T), termwise(_E(DESCENT), t, 1, T)),
                (2 * _S / T, termwise(_E(termwise(DFZ, i, 1, d)), t, 1, T)),
                (-2 * _S / (alpha * T), telescope(lambda k: E(Fx(k)), t, 1, T)),
            ],
        ),
        Step(
            LE,
            2 * _S / (alpha * T) * (Delta + _K * _st(_Eg2)),
            "F(x_T) >= F_*, x_0 given",
            by=[(2 * _S / (alpha * T), _E(LOWER)), (-2 * _S / (alpha * T), _E(DELTA))],
        ),
        Step(
            EQ,
            2 * _S / (alpha * T) * (Delta + _K * _si(E(_st(g(t, i) ** 2 / _a2)))),
            "linearity of E and exchanging the finite sums over t and i",
            by=[(2 * _S * _K / (alpha * T), swap_expect(g(t, i) ** 2 / _a2, i, 1, d, t, 1, T))],
        ),
        Step(
            LE,
            2 * _S / (alpha * T) * (Delta + d * _K * _LOG / c),
            "lemma_log_sum per coordinate, in expectation",
            by=[
                (4 * _S * R / (T * sp.sqrt(c)), termwise(_E(LOGSUM), i, 1, d)),
                (_S * alpha * L / (T * c), termwise(_E(LOGSUM), i, 1, d)),
            ],
        ),
        Step(
            EQ,
            statements.NONCONVEX_BOUND,
            "collect terms; c = 1 - beta2",
            by=[apply(C_DEF, _final)],
        ),
    ),
    data=DATA,
    domain=Domain({c: (0, 1), beta2: (0, 1)}),
    target=lambda: _theorem().bound(),
    target_name="THEOREMS['avgrad_nonconvex'].bound()",
    lemmas=(
        "lemma_avgrad_accumulator",
        "lemma_nonconvex_proxy",
        "lemma_defossez_descent",
        "lemma_log_sum",
        "lemma_ema_bound",
    ),
    notes="E is the (total) expectation; see proofs._rules_expectation for the rule. The "
    "statement's left side is (1/T) sum_t E[sum_i grad_i F(x_{t-1})^2].",
)
