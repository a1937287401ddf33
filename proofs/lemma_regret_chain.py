r"""Lemma (the decaying-momentum regret chain, generic in :math:`W_{t,i} = t\,\hat v_{t,i}`).

Online convex optimisation on :math:`F` with :math:`(x_{t,i} - x^*_i)^2 \le D_\infty^2`;
:math:`m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t`, :math:`m_0 = 0`,
:math:`\beta_{1t} \le \beta_1 < 1`; :math:`x_{t+1} = \Pi_{F, w_t}(x_t - \alpha_t m_t / w_t)` with
:math:`w_t = \sqrt{\hat v_t}`, :math:`\alpha_t = \alpha/\sqrt t`. Since
:math:`w_{t,i}/\alpha_t = \sqrt{W_{t,i}}/\alpha`, every weight is written through :math:`W`.
If :math:`W_{t-1,i} \le W_{t,i}` (monotone), then with :math:`\delta_t = x_t - x^*`

.. math::
    R_T \le \frac{D_\infty^2}{2\alpha}\sum_i \sqrt{W_{T,i}}
    + \frac{D_\infty^2}{\alpha(1-\beta_1)}\sum_t \beta_{1t}\sum_i \sqrt{W_{t,i}}
    + \frac{\alpha(1+\beta_1)}{2(1-\beta_1)}\sum_t\sum_i \frac{m_{t,i}^2}{\sqrt{W_{t,i}}} .

Proof: convexity; per round :mod:`proofs.lemma_momentum_step` (projection, momentum identity,
Young at :math:`t \ge 2`; at :math:`t = 1`, :math:`m_0 = 0`); the :math:`A_t - B_t` parts
telescope using monotonicity and the box; the momentum parts are bounded by the box and
monotonicity; the :math:`m`-terms of round :math:`t-1` are shifted onto round :math:`t`.
:math:`W` is an abstract positive data function here (convention :math:`0/0 = 0`: a
coordinate with :math:`W = 0` has :math:`m = 0`); the theorems instantiate it with the
AVGrad / interpolation accumulators (:mod:`proofs._regret_chain`).
"""

import sympy as sp

from analysis.statements import data_form
from analysis.symbols import D_inf, T, alpha, beta1, beta1t, d, g, i, m, t

from . import lemma_momentum_step as MS
from ._core import LE, Domain, Proof, Step, eq, le
from ._rules import peel_first, peel_last, scale, shift, substitute, telescope, termwise, young
from ._rules_regret import scale_given, sqrt_le, square_nonneg, swap_rect

x = sp.Function("x", real=True)
xs = sp.Function("xs", real=True)
loss = sp.Function("loss", real=True)
loss_star = sp.Function("loss_star", real=True)
Wc = sp.Function("Wc", positive=True)
a = alpha


def S(t_, i_):
    return sp.sqrt(Wc(t_, i_))


def dl(t_, i_):
    return x(t_, i_) - xs(i_)


def _si(e):
    return sp.Sum(e, (i, 1, d))


def A(k):
    return _si(S(k, i) * dl(k, i) ** 2 / (2 * a))


def B(k):
    return _si(S(k, i) * dl(k + 1, i) ** 2 / (2 * a))


def C(k):
    return a / 2 * _si(m(k, i) ** 2 / S(k, i))


def E(k):
    return _si(S(k - 1, i) * dl(k, i) ** 2 / (2 * a))


def U(k):
    return _si(S(k, i) * D_inf**2 / (2 * a))


def GD(k):
    return _si(g(k, i) * dl(k, i))


def b(k):
    return beta1t(k)


K = 1 / (1 - beta1)

POS1 = MS.POS1
POSB = le(0, 1 / (1 - b(t)), "beta_1t <= beta1 < 1, so 1/(1 - beta_1t) > 0")
CONV = le(loss(t) - loss_star(t), GD(t), "convexity: f_t(x_t) - f_t(x*) <= <g_t, x_t - x*>")
PROJ = le(_si(S(t, i) * dl(t + 1, i) ** 2 / a),
          _si(S(t, i) / a * (dl(t, i) - a * m(t, i) / S(t, i)) ** 2),
          "projection onto F is non-expansive in ||.||_{w_t} (x* in F), divided by alpha_t: "
          "||x_{t+1} - x*||^2_{w_t} <= ||x_t - alpha_t m_t/w_t - x*||^2_{w_t}, "
          "w_t/alpha_t = sqrt(W_t)/alpha")  # fmt: skip
MOM = eq(m(t, i), b(t) * m(t - 1, i) + (1 - b(t)) * g(t, i), "momentum update")
M0 = eq(m(0, i), 0, "m_0 = 0")
BLE = le(b(t), beta1, "beta_1t <= beta1")
BOX = le(dl(t, i) ** 2, D_inf**2, "|x_{t,i} - x*_i| <= D_inf on F")
MONO = le(Wc(t - 1, i), Wc(t, i), "W_{t-1,i} <= W_{t,i} for 2 <= t <= T (monotone)")
HYPOTHESES = (POS1, POSB, CONV, PROJ, MOM, M0, BLE, BOX, MONO)


def _round(k, first):
    """lemma_momentum_step for round k (k = 1: m_0 = 0, no Young term)."""
    sub = {t: k}
    mom = termwise(scale(substitute(MOM, sub), -dl(k, i)), i, 1, d)
    if first:
        young_ = termwise(scale(M0, -dl(1, i)), i, 1, d)
        cp, e = 0, 0
    else:
        young_ = termwise(young(-m(k - 1, i), dl(k, i), a / S(k - 1, i)), i, 1, d)
        cp, e = C(k - 1), E(k)
    subs = {MS.b: b(k), MS.gd: GD(k), MS.M: _si(m(k, i) * dl(k, i)),
            MS.N: _si(m(k - 1, i) * dl(k, i)), MS.A: A(k), MS.B: B(k), MS.C: C(k), MS.Cp: cp,
            MS.E: e}  # fmt: skip
    return MS.PROOF.instance(
        subs,
        given=[
            substitute(POSB, sub),
            POS1,
            mom,
            scale(substitute(PROJ, sub), sp.Rational(1, 2)),
            young_,
            substitute(BLE, sub),
        ],
    )


def Q(k):
    return A(k) - B(k) + K * (b(k) * A(k) + C(k) + b(k) * C(k - 1) + b(k) * E(k))


def P(k):
    return A(k) - B(k) + K * (b(k) * A(k) + C(k))


def _sqrt_mono(k):
    return sqrt_le(Wc(k - 1, i), Wc(k, i), given=[MONO])


_A_LE_U = termwise(scale(BOX, S(t, i) / (2 * a)), i, 1, d)  # A_t <= U_t
_E_LE_U = termwise(scale(BOX, S(t - 1, i) / (2 * a)), i, 1, d)  # E_t <= (S_{t-1} D^2)
_SHIFT_U = termwise(scale(_sqrt_mono(t), D_inf**2 / (2 * a)), i, 1, d)  # ... <= U_t
_DIFF = termwise(
    termwise(
        scale_given(
            BOX, (S(t, i) - S(t - 1, i)) / (2 * a), given=[scale(_sqrt_mono(t), 1 / (2 * a))]
        ),
        i,
        1,
        d,
    ),
    t,
    2,
    T,
)


def _w(fact, c):
    return scale_given(fact, c * K, given=[scale(POS1, c)])


_S_T = _si(S(T, i))
FIRST = D_inf**2 / (2 * a) * _S_T

_AB = sp.Sum(A(t) - B(t), (t, 1, T))
_BU = sp.Sum(b(t) * U(t), (t, 1, T))
_SC = sp.Sum(C(t), (t, 1, T))

STEPS = (
    Step(LE, sp.Sum(GD(t), (t, 1, T)), "convexity, each round", by=[termwise(CONV, t, 1, T)]),
    Step("=", GD(1) + sp.Sum(GD(t), (t, 2, T)), "split off round 1", by=[peel_first(GD, t, 1, T)]),
    Step(
        LE,
        P(1) + sp.Sum(Q(t), (t, 2, T)),
        "lemma_momentum_step in every round",
        by=[_round(1, True), termwise(_round(t, False), t, 2, T)],
    ),
    Step(
        "=",
        sp.Sum(P(t), (t, 1, T)) + K * sp.Sum(b(t) * C(t - 1) + b(t) * E(t), (t, 2, T)),
        "collect round 1 back into the sum",
        by=[(-1, peel_first(P, t, 1, T))],
    ),
    Step(
        LE,
        sp.Sum(A(t) - B(t), (t, 1, T))
        + K * sp.Sum(b(t) * U(t) + C(t), (t, 1, T))
        + K * sp.Sum(beta1 * C(t - 1) + b(t) * U(t), (t, 2, T)),
        "box (A_t <= U_t); beta_1t <= beta1; box and monotonicity (E_t <= U_t)",
        by=[
            termwise(_w(_A_LE_U, b(t)), t, 1, T),
            termwise(_w(BLE, C(t - 1)), t, 2, T),
            termwise(_w(_E_LE_U, b(t)), t, 2, T),
            termwise(_w(_SHIFT_U, b(t)), t, 2, T),
        ],
    ),
    Step(
        "=",
        _AB + K * (2 * _BU + _SC) + K * (beta1 * _SC - beta1 * C(T) - b(1) * U(1)),
        "shift the round t-1 m-terms to round t; add round 1 to the U-sum",
        by=[
            (K * beta1, shift(lambda k: C(k - 1), t, 2, T, 1)),
            (-K * beta1, peel_last(C, t, 1, T)),
            (-K, peel_first(lambda k: b(k) * U(k), t, 1, T)),
        ],
    ),
    Step(
        LE,
        _AB + K * (2 * _BU + (1 + beta1) * _SC),
        "drop -beta1 C_T - beta_11 U_1 <= 0",
        by=[scale(POS1, beta1 * C(T) + b(1) * U(1))],
    ),
    Step(
        "=",
        A(1) + sp.Sum(A(t) - E(t), (t, 2, T)) - B(T) + K * (2 * _BU + (1 + beta1) * _SC),
        "rearrange the telescoping part: sum_t B_t = sum_{t=2}^{T} E_t + B_T",
        by=[
            (1, peel_first(A, t, 1, T)),
            (-1, shift(B, t, 1, T, -1)),
            (-1, peel_last(lambda k: B(k - 1), t, 2, T + 1)),
        ],
    ),
    Step(
        LE,
        U(1)
        + sp.Sum(sp.Sum((S(t, i) - S(t - 1, i)) * D_inf**2 / (2 * a), (i, 1, d)), (t, 2, T))
        + K * (2 * _BU + (1 + beta1) * _SC),
        "box at round 1; box times S_t - S_{t-1} >= 0 (monotone W); drop -B_T <= 0",
        by=[
            substitute(_A_LE_U, {t: 1}),
            _DIFF,
            termwise(scale(square_nonneg(dl(T + 1, i)), S(T, i) / (2 * a)), i, 1, d),
        ],
    ),
    Step(
        "=",
        data_form(Wc),
        "exchange the sums over t and i; telescoping over t",
        by=[
            swap_rect(
                lambda t_, i_: (S(t_, i_) - S(t_ - 1, i_)) * D_inf**2 / (2 * a), i, 1, d, t, 2, T
            ),
            (D_inf**2 / (2 * a), termwise(telescope(lambda k: S(k, i), t, 2, T), i, 1, d)),
        ],
    ),
)

PROOF = Proof(
    id="lemma_regret_chain",
    title="The decaying-momentum regret chain (generic W)",
    statement=le(sp.Sum(loss(t) - loss_star(t), (t, 1, T)), data_form(Wc), "claim"),
    hypotheses=HYPOTHESES,
    steps=STEPS,
    data=(g, m, beta1t, x, xs, loss, loss_star, Wc),
    domain=Domain({beta1: (0, 1)}),
    lemmas=("lemma_momentum_step",),
)
