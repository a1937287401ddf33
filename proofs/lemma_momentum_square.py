r"""Lemma (momentum square, unrolled). Let :math:`m_0 = 0`,
:math:`m_t = \beta_{1t} m_{t-1} + (1-\beta_{1t}) g_t` with
:math:`0 \le \beta_{1t} \le \beta_1 \le 1`.
Then for every :math:`s \ge 1`

.. math:: m_s^2 \le \sum_{t=1}^s \beta_1^{s-t} g_t^2 .

Proof without induction: weight the one-step inequality of
:mod:`proofs.lemma_momentum_jensen`, :math:`m_t^2 - \beta_1 m_{t-1}^2 \le g_t^2`, by
:math:`\beta_1^{s-t} \ge 0` and sum over :math:`t = 1..s`; the left side telescopes to
:math:`m_s^2 - \beta_1^s m_0^2 = m_s^2` (with :math:`F(t) = \beta_1^{s-t} m_t^2`).
Used by :mod:`proofs.lemma_momentum_adagrad`.
"""

import sympy as sp

from analysis.symbols import beta1

from . import lemma_momentum_jensen as J
from ._core import LE, Domain, Proof, Step, eq
from ._rules import scale, telescope, termwise
from ._rules_regret import pow_peel

t, g1, m1, b = J.t, J.g1, J.m1, J.b
s = sp.Symbol("s", positive=True, integer=True)

M0 = eq(m1(0), 0, "m_0 = 0")
RANGE = J.le(t, s, "range of the summation index: 1 <= t <= s")
_JENSEN = J.PROOF.instance({}, given=[J.MOM, J.B_LE, J.B_LE1])


def _F(k):
    return beta1 ** (s - k) * m1(k) ** 2


PROOF = Proof(
    id="lemma_momentum_square",
    title="Momentum square, unrolled",
    statement=J.le(m1(s) ** 2, sp.Sum(beta1 ** (s - t) * g1(t) ** 2, (t, 1, s)), "claim"),
    hypotheses=(J.MOM, J.B_LE, J.B_LE1, M0, RANGE),
    steps=(
        Step(
            "=",
            sp.Sum(_F(t) - _F(t - 1), (t, 1, s)) + beta1**s * m1(0) ** 2,
            "telescoping F(t) = beta1^(s-t) m_t^2",
            by=[(-1, telescope(_F, t, 1, s))],
        ),
        Step(
            "=",
            sp.Sum(beta1 ** (s - t) * (m1(t) ** 2 - beta1 * m1(t - 1) ** 2), (t, 1, s)),
            "m_0 = 0; beta1^(s-t+1) = beta1 beta1^(s-t)",
            by=[
                (beta1**s * m1(0), M0),
                termwise(scale(pow_peel(beta1, s - t, given=[RANGE]), -(m1(t - 1) ** 2)), t, 1, s),
            ],
        ),
        Step(
            LE,
            sp.Sum(beta1 ** (s - t) * g1(t) ** 2, (t, 1, s)),
            "lemma_momentum_jensen for each t, weighted by beta1^(s-t) >= 0",
            by=[termwise(scale(_JENSEN, beta1 ** (s - t)), t, 1, s)],
        ),
    ),
    data=(g1, m1, b),
    domain=Domain({beta1: (0, 1)}),
    lemmas=("lemma_momentum_jensen",),
)
