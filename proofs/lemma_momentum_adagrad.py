r"""Lemma (momentum AdaGrad sum). One coordinate. Let :math:`m_0 = 0`,
:math:`m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t`,
:math:`0 \le \beta_{1t} \le \beta_1 < 1`,
:math:`G_t = \sum_{k \le t} g_k^2` (:math:`G_0 = 0`), and
:math:`W_t \ge c^2 G_t`, :math:`c > 0`. Then

.. math:: \sum_{t=1}^T \frac{m_t^2}{\sqrt{W_t}} \le \frac{2\sqrt{G_T}}{(1-\beta_1)\,c}.

Proof: :math:`m_t^2 \le \sum_{j \le t}\beta_1^{t-j} g_j^2` (:mod:`proofs.lemma_momentum_square`);
:math:`1/\sqrt{W_t} \le 1/(c\sqrt{G_j})` for :math:`j \le t` (:math:`G` non-decreasing);
exchange the sums; :math:`\sum_{t=j}^T \beta_1^{t-j} \le 1/(1-\beta_1)`; then
:mod:`proofs.lemma_sqrt_sum` with :math:`a = g^2`, :math:`A = G`. Convention :math:`0/0 = 0`:
the data :math:`W, G` are taken positive (a coordinate with :math:`G_t = 0` has
:math:`m_t = 0` and contributes nothing). Used with :math:`c = \sqrt{1-\beta_2}` (AVGrad and
the max/average mix) and :math:`c = \sqrt{1-\rho}\sqrt{1-\beta_2}` (the Adam/average mix).
"""

import sympy as sp

from analysis.symbols import T, beta1

from . import lemma_momentum_jensen as J
from . import lemma_momentum_square as SQ
from . import lemma_sqrt_sum
from ._core import LE, Domain, Proof, Step, eq, le
from ._rules import geometric, scale, substitute, swap, termwise
from ._rules_regret import inv_sqrt_le, pull_out, rename, scale_given, trans

t, g1, m1, b = J.t, J.g1, J.m1, J.b
j = sp.Symbol("j", positive=True, integer=True)
c = sp.Symbol("c", positive=True)
Wl = sp.Function("Wl", positive=True)
G = sp.Function("G", positive=True)

RANGE = le(j, t, "range of the inner index: 1 <= j <= t")
LOWER = le(c**2 * G(t), Wl(t), "W_t >= c^2 G_t")
GREC = eq(g1(t) ** 2, G(t) - G(t - 1), "G_t - G_{t-1} = g_t^2")
G0 = eq(G(0), 0, "G_0 = 0")
GMONO = le(G(j), G(t), "G_j <= G_t for j <= t (a sum of squares grows)")
POS = le(0, 1 / (1 - beta1), "beta1 < 1, so 1/(1 - beta1) > 0")
HYPOTHESES = (POS, J.MOM, J.B_LE, J.B_LE1, SQ.M0, RANGE, LOWER, GREC, G0, GMONO)

_SQ = SQ.PROOF.instance(
    {SQ.t: j, SQ.s: t},
    given=[
        substitute(J.MOM, {t: j}),
        substitute(J.B_LE, {t: j}),
        substitute(J.B_LE1, {t: j}),
        SQ.M0,
        RANGE,
    ],
)
_INV = inv_sqrt_le(
    c**2 * G(j),
    Wl(t),
    given=[trans(c**2 * G(j), c**2 * G(t), Wl(t), given=[scale(GMONO, c**2), LOWER])],
)
_SQRT_SUM = lemma_sqrt_sum.PROOF.instance(
    {lemma_sqrt_sum.a: lambda k: g1(k) ** 2, lemma_sqrt_sum.A: G}, given=[GREC, G0]
)

_K = 1 / (c * (1 - beta1))

PROOF = Proof(
    id="lemma_momentum_adagrad",
    title="Momentum AdaGrad sum",
    statement=le(
        sp.Sum(m1(t) ** 2 / sp.sqrt(Wl(t)), (t, 1, T)),
        2 * sp.sqrt(G(T)) / ((1 - beta1) * c),
        "claim",
    ),
    hypotheses=HYPOTHESES,
    steps=(
        Step(
            LE,
            sp.Sum(sp.Sum(beta1 ** (t - j) * g1(j) ** 2, (j, 1, t)) / sp.sqrt(Wl(t)), (t, 1, T)),
            "lemma_momentum_square for each t, times 1/sqrt(W_t) >= 0",
            by=[termwise(scale(_SQ, 1 / sp.sqrt(Wl(t))), t, 1, T)],
        ),
        Step(
            LE,
            sp.Sum(
                sp.Sum(beta1 ** (t - j) * g1(j) ** 2 / (c * sp.sqrt(G(j))), (j, 1, t)), (t, 1, T)
            ),
            "1/sqrt(W_t) <= 1/(c sqrt(G_j)) for j <= t, times beta1^(t-j) g_j^2 >= 0",
            by=[termwise(termwise(scale(_INV, beta1 ** (t - j) * g1(j) ** 2), j, 1, t), t, 1, T)],
        ),
        Step(
            "=",
            sp.Sum(
                sp.Sum(beta1 ** (t - j) * g1(j) ** 2 / (c * sp.sqrt(G(j))), (t, j, T)), (j, 1, T)
            ),
            "exchanging the sums",
            by=[
                swap(
                    lambda j_, t_: beta1 ** (t_ - j_) * g1(j_) ** 2 / (c * sp.sqrt(G(j_))), j, t, T
                )
            ],
        ),
        Step(
            LE,
            _K * sp.Sum(g1(j) ** 2 / sp.sqrt(G(j)), (j, 1, T)),
            "geometric series sum_{t>=j} beta1^(t-j) <= 1/(1-beta1)",
            by=[
                termwise(
                    scale(geometric(beta1, t, j, T), g1(j) ** 2 / (c * sp.sqrt(G(j)))), j, 1, T
                ),
                (1, pull_out(lambda k: g1(k) ** 2 / sp.sqrt(G(k)), j, 1, T, _K)),
            ],
        ),
        Step(
            "=",
            _K * sp.Sum(g1(t) ** 2 / sp.sqrt(G(t)), (t, 1, T)),
            "renaming the index",
            by=[(_K, rename(lambda k: g1(k) ** 2 / sp.sqrt(G(k)), j, t, 1, T))],
        ),
        Step(
            LE,
            2 * _K * sp.sqrt(G(T)),
            "lemma_sqrt_sum with a = g^2, A = G",
            by=[scale_given(_SQRT_SUM, _K, given=[scale(POS, 1 / c)])],
        ),
    ),
    data=(g1, m1, b, Wl, G),
    domain=Domain({beta1: (0, 1)}),
    lemmas=("lemma_momentum_square", "lemma_sqrt_sum"),
)
