r"""Lemma (MADA's step grows). For :math:`\alpha_y^2 = \alpha^2(1-\beta_1)^2B_y` and
:math:`B_y = \sum_{j=0}^{y-1}\beta_2^j` (every :math:`y \ge 1`),

.. math:: \alpha_r^2 \le \alpha_{r+q}^2 \qquad (r \ge 1,\ q \ge 0).

Used by :mod:`proofs.lemma_momentum_lipu` (:math:`\alpha_{t-l} \le \alpha_t` in ``LIPU``).

Proof: the definitions at :math:`r` and :math:`r + q`; :math:`B_{r+q} = B_r +
\sum_{j=r}^{r+q-1}\beta_2^j \ge B_r` (terms :math:`\beta_2^j \ge 0`).
"""

import sympy as sp

from analysis.symbols import alpha, beta2

from . import lemma_momentum_displacement as disp
from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import scale, substitute
from ._rules_regret import split_sum
from ._rules_sum import sum_nonneg

r, al = disp.r, disp.al
q = sp.Symbol("q", nonnegative=True, integer=True)  # any number of further steps
y = sp.Symbol("y", positive=True, integer=True)  # the definitions' index (every y >= 1)
j = sp.Symbol("j", nonnegative=True, integer=True)  # the power in B_y
Bt = sp.Function("Bt", positive=True)  # B_y = 1 + beta2 + ... + beta2^(y-1) (deterministic)
e1 = sp.Symbol("e1", positive=True)  # 1 - beta1 (lemma_momentum_mom's name)

# fmt: off
AL_ALL = eq(al(y) ** 2, alpha**2 * e1**2 * Bt(y),
            "alpha_y^2 = alpha^2 (1 - beta1)^2 B_y (every y >= 1)")
BT_ALL = eq(Bt(y), sp.Sum(beta2**j, (j, 0, y - 1)),
            "B_y = 1 + beta2 + ... + beta2^(y-1) (every y >= 1)")
HYPOTHESES = (AL_ALL, BT_ALL)


def _B(z):
    return alpha**2 * e1**2 * sp.Sum(beta2**j, (j, 0, z - 1))


def _pow(z):
    return beta2**z


PROOF = Proof(
    id="lemma_momentum_al_mono",
    title="MADA's step grows: alpha_r^2 <= alpha_{r+q}^2",
    statement=le(al(r) ** 2, al(r + q) ** 2, "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(EQ, _B(r), "the definitions of alpha_r and B_r",
             by=[substitute(AL_ALL, {y: r}), (alpha**2 * e1**2, substitute(BT_ALL, {y: r}))]),
        Step(LE, _B(r) + alpha**2 * e1**2 * sp.Sum(beta2**j, (j, r, r + q - 1)),
             "the added terms beta2^j are >= 0",
             by=[scale(sum_nonneg(_pow, j, r, r + q - 1), alpha**2 * e1**2)]),
        Step(EQ, _B(r + q), "B_{r+q} = B_r + sum_{j=r}^{r+q-1} beta2^j",
             by=[(-alpha**2 * e1**2, split_sum(_pow, j, 0, r - 1, r + q - 1))]),
        Step(EQ, al(r + q) ** 2, "the definitions of B_{r+q} and alpha_{r+q}",
             by=[(-1, substitute(AL_ALL, {y: r + q})),
                 (-alpha**2 * e1**2, substitute(BT_ALL, {y: r + q}))]),
    ),
    data=(al, Bt),
    domain=Domain({beta2: (0, 1), r: (1, None)}),
)
# fmt: on
