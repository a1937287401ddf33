r"""Lemma (the descent direction's inner product, lag by lag; pointwise). With
:math:`G_t = \nabla F(x_{t-1})` (coordinates :math:`G_{t,i}`), heavy-ball momentum
:math:`m_s = \beta_1 m_{s-1} + g_s`, :math:`m_0 = 0`, and the step's direction
:math:`u_{t,i} = m_{t,i}/\sqrt{\epsilon + w_{t,i}}`:

.. math::
    G_t^\top u_t = \sum_{j=1}^t \beta_1^{t-j}\sum_{i=1}^d
      \frac{G_{t,i}\,g_{j,i}}{\sqrt{\epsilon + w_{t,i}}} .

Used by :mod:`proofs.lemma_momentum_mom` (each lag :math:`t - j` then gets its own
conditional expectation :math:`\mathbb E_{j-1}`).

Proof: the definition of :math:`G_t^\top u_t`, :mod:`proofs.lemma_momentum_unroll` per
coordinate, and exchanging the two finite sums.
"""

import sympy as sp

from analysis.symbols import beta1, d, eps, g, i, m, t

from . import lemma_log_sum_adam_mix as logsum
from . import lemma_momentum_unroll as unroll
from ._core import EQ, Domain, Proof, Step, eq
from ._rules import scale, termwise
from ._rules_constant import exchange

w = logsum.w
j = unroll.j
Gf = sp.Function("Gf", real=True)  # G_{t,i} = grad_i F(x_{t-1})
gu = sp.Function("gu", real=True)  # G_t^T u_t
_A = sp.sqrt(eps + w(t, i))

GU_DEF = eq(gu(t), sp.Sum(Gf(t, i) * m(t, i) / _A, (i, 1, d)),
            "G_t^T u_t = sum_i G_{t,i} m_{t,i}/sqrt(eps + w_{t,i}) (the definition)")  # fmt: skip
HYPOTHESES = (GU_DEF, unroll.M_UPD, unroll.M0)
_UNROLL = unroll.PROOF.instance({}, given=[unroll.M_UPD, unroll.M0])


def _x(jj, ii):
    return beta1 ** (t - jj) * Gf(t, ii) * g(jj, ii) / sp.sqrt(eps + w(t, ii))


PROOF = Proof(
    id="lemma_momentum_gu",
    title="G_t^T u_t lag by lag: sum_j beta1^(t-j) sum_i G_{t,i} g_{j,i}/sqrt(eps + w_{t,i})",
    statement=eq(gu(t), sp.Sum(beta1 ** (t - j) * sp.Sum(Gf(t, i) * g(j, i) / _A, (i, 1, d)),
                               (j, 1, t)), "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(EQ, sp.Sum(Gf(t, i) / _A * sp.Sum(beta1 ** (t - j) * g(j, i), (j, 1, t)),
                        (i, 1, d)),
             "the definition of G_t^T u_t; lemma_momentum_unroll per coordinate",
             by=[GU_DEF, termwise(scale(_UNROLL, Gf(t, i) / _A), i, 1, d)]),
        Step(EQ, sp.Sum(sp.Sum(_x(j, i), (i, 1, d)), (j, 1, t)), "exchanging the finite sums",
             by=[exchange(lambda ii, jj: _x(jj, ii), i, 1, d, j, 1, t)]),
    ),
    data=(g, m, w, Gf, gu),
    domain=Domain({beta1: (0, 1)}),
    lemmas=("lemma_momentum_unroll",),
)  # fmt: skip
