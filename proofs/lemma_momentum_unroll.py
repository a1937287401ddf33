r"""Lemma (the unrolled heavy-ball momentum; one coordinate, pointwise). For
:math:`m_s = \beta_1 m_{s-1} + g_s` (every :math:`s \ge 1`) and :math:`m_0 = 0`,

.. math:: m_t = \sum_{j=1}^t \beta_1^{t-j} g_j .

Used by :mod:`proofs.lemma_momentum_mom` (Défossez et al.'s Lemma A.2 splits
:math:`G_t^\top u_t` lag by lag).

Proof: :math:`\beta_1^{t-j} g_j = \beta_1^{t-j} m_j - \beta_1^{t-j+1} m_{j-1}` by the
recurrence at :math:`j`; the sum telescopes to :math:`m_t - \beta_1^t m_0 = m_t`.
"""

import sympy as sp

from analysis.symbols import beta1, g, i, m, t

from ._core import EQ, Domain, Proof, Step, eq
from ._rules import scale, substitute, telescope, termwise
from ._rules_regret import pow_peel

j = sp.Symbol("j", positive=True, integer=True)  # the summation index
s = sp.Symbol("s", positive=True, integer=True)  # the recurrence's index (every s >= 1)

M_UPD = eq(m(s, i), beta1 * m(s - 1, i) + g(s, i), "m_s = beta1 m_{s-1} + g_s (every s >= 1)")
M0 = eq(m(0, i), 0, "m_0 = 0")
HYPOTHESES = (M_UPD, M0)


def _F(k):
    return beta1 ** (t - k) * m(k, i)


PROOF = Proof(
    id="lemma_momentum_unroll",
    title="The unrolled momentum: m_t = sum_{j<=t} beta1^(t-j) g_j",
    statement=eq(m(t, i), sp.Sum(beta1 ** (t - j) * g(j, i), (j, 1, t)), "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(EQ, _F(t) - _F(0), "beta1^0 = 1 and m_0 = 0",
             by=[(beta1**t, M0)]),
        Step(EQ, sp.Sum(_F(j) - _F(j - 1), (j, 1, t)), "telescoping",
             by=[(-1, telescope(_F, j, 1, t))]),
        Step(EQ, sp.Sum(beta1 ** (t - j) * g(j, i), (j, 1, t)),
             "beta1^(t-j) m_j - beta1^(t-j+1) m_{j-1} = beta1^(t-j) g_j (the recurrence at j)",
             by=[termwise(scale(substitute(M_UPD, {s: j}), beta1 ** (t - j)), j, 1, t),
                 (-1, termwise(scale(pow_peel(beta1, t - j), m(j - 1, i)), j, 1, t))]),
    ),
    data=(g, m),
    domain=Domain({beta1: (0, 1)}),
)  # fmt: skip
