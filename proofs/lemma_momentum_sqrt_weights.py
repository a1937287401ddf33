r"""Lemma (Défossez et al.'s Lemma A.1, sharpened: geometric weights against
:math:`\sqrt{k+1}`). For :math:`0 \le q < 1` and :math:`M \ge 1`,

.. math:: \sum_{t=1}^M q^{t-1}\sqrt t \le \frac{1}{(1-q)^{3/2}} .

(Défossez et al. state :math:`2/(1-q)^{3/2}`; :mod:`proofs.lemma_momentum_double_sum` uses
the looser constant so that :math:`\rho = 1` gives their bound exactly.)

Proof: Young termwise, :math:`q^{t-1}\sqrt t = q^{(t-1)/2}\cdot q^{(t-1)/2}\sqrt t \le
\frac\lambda2 q^{t-1} + \frac1{2\lambda}t\,q^{t-1}` with :math:`\lambda = (1-q)^{-1/2}`;
:math:`\sum_t q^{t-1} \le 1/(1-q)`; :math:`\sum_t t\,q^{t-1} \le 1/(1-q)^2` by telescoping
:math:`H_k = (k+1)q^k - kq^{k+1}` (as in :mod:`proofs.lemma_geometric_sqrt`).
"""

import sympy as sp

from ._core import LE, Domain, Proof, Step, le
from ._rules import geometric, scale, telescope, termwise, young
from ._rules_regret import pow_peel, scale_given

q = sp.Symbol("q", nonnegative=True)
t = sp.Symbol("t", positive=True, integer=True)
M = sp.Symbol("M", positive=True, integer=True)

POSL = le(0, 1 / (1 - q) ** 2, "q < 1, so 1/(1 - q)^2 > 0")
Q1 = le(q, 1, "q < 1")


def H(k):
    return (k + 1) * q**k - k * q ** (k + 1)


_K = 1 / (1 - q) ** 2
_lam = 1 / sp.sqrt(1 - q)
_A = _lam / 2 / (1 - q)  # (lambda/2) times the geometric sum's bound

PROOF = Proof(
    id="lemma_momentum_sqrt_weights",
    title="Geometric weights against sqrt(t): at most (1 - q)^(-3/2)",
    statement=le(
        sp.Sum(q ** (t - 1) * sp.sqrt(t), (t, 1, M)), 1 / (1 - q) ** sp.Rational(3, 2), "claim"
    ),
    hypotheses=(POSL, Q1),
    steps=(
        Step(
            LE,
            _lam / 2 * sp.Sum(q ** (t - 1), (t, 1, M))
            + 1 / (2 * _lam) * sp.Sum(t * q ** (t - 1), (t, 1, M)),
            "Young: q^((t-1)/2) * q^((t-1)/2) sqrt(t), weight lambda = (1 - q)^(-1/2)",
            by=[
                termwise(young(q ** ((t - 1) / 2), q ** ((t - 1) / 2) * sp.sqrt(t), _lam), t, 1, M)
            ],
        ),
        Step(
            LE,
            _A + 1 / (2 * _lam) * sp.Sum(t * q ** (t - 1), (t, 1, M)),
            "geometric series",
            by=[(_lam / 2, geometric(q, t, 1, M))],
        ),
        Step(
            "=",
            _A + 1 / (2 * _lam) * _K * sp.Sum(H(t - 1) - H(t), (t, 1, M)),
            "H_{t-1} - H_t = t q^(t-1) (1 - q)^2",
            by=[
                termwise(scale(pow_peel(q, t - 1), _K * t * (2 - q) / (2 * _lam)), t, 1, M),
                termwise(scale(pow_peel(q, t), -_K * t / (2 * _lam)), t, 1, M),
            ],
        ),
        Step(
            "=",
            _A + 1 / (2 * _lam) * _K * (H(0) - H(M)),
            "telescoping",
            by=[(-_K / (2 * _lam), telescope(H, t, 1, M))],
        ),
        Step(
            LE,
            _A + 1 / (2 * _lam) * _K,
            "H_0 = 1 and q^M (M + 1 - M q) >= 0",
            by=[
                scale(POSL, q**M / (2 * _lam)),
                scale_given(
                    scale(Q1, M * q**M), _K / (2 * _lam), given=[scale(POSL, sp.sqrt(1 - q) / 2)]
                ),
            ],
        ),
        Step("=", 1 / (1 - q) ** sp.Rational(3, 2), "lambda = (1 - q)^(-1/2)"),
    ),
    domain=Domain({q: (0, 1)}),
)
