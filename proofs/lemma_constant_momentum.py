r"""Lemma (momentum sum, constant :math:`\beta_1`). With :math:`\beta_1 \in [0, 1)`,
:math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`, :math:`m_0 = 0`, and :math:`Sv_{t,i} > 0`
non-decreasing in :math:`t`,

.. math:: \sum_{t=1}^T\sum_{i=1}^d \frac{m_{t,i}^2}{\sqrt{Sv_{t,i}}}
          \le \sum_{t=1}^T\sum_{i=1}^d \frac{g_{t,i}^2}{\sqrt{Sv_{t,i}}}.

Proof: :mod:`proofs.lemma_constant_momentum_step` gives :math:`S \le \beta_1 S +
(1-\beta_1) X`, i.e. :math:`(1-\beta_1)(X - S) \ge 0`; divide by :math:`1 - \beta_1 > 0`.
(No geometric sums or exchange of sums are needed: the weights :math:`1/\sqrt{Sv_t}` are
non-increasing, which is all the contraction uses.) Used for the third term of
:mod:`proofs.avgrad_regret_constant_beta1`. Tight for :math:`\beta_1 = 0` (:math:`m = g`).
"""

from analysis.symbols import Sv, beta1, g, m

from . import lemma_constant_momentum_step as step
from ._constant_setting import BETA1_LT1, M0, MOM, POS, SV_MONO, SV_POS
from ._core import LE, Domain, Proof, Step, le

HYPOTHESES = (MOM, M0, SV_MONO, POS, BETA1_LT1, SV_POS)
CONTRACTION = step.PROOF.instance({}, given=list(HYPOTHESES))

PROOF = Proof(
    id="lemma_constant_momentum",
    title="Momentum sum bounded by the gradient sum (constant beta1)",
    statement=le(step.S, step.X, "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(
            LE,
            step.X,
            "S <= beta1 S + (1 - beta1) X, divided by 1 - beta1 > 0",
            by=[(1 / (1 - beta1), CONTRACTION)],
        ),
    ),
    data=(m, g, Sv),
    domain=Domain({beta1: (0, 1)}),
    lemmas=("lemma_constant_momentum_step",),
)
