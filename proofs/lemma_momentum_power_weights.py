r"""Lemma (geometric weights against :math:`t^{3/2}`; Défossez et al.'s Lemma A.1 for the
triple sum). For :math:`0 \le q < 1` and :math:`M \ge 1`,

.. math:: \sum_{t=1}^M q^t\,t^{3/2} \le \frac{4q}{e^{5/2}}, \qquad e = 1 - q .

(The proof gives :math:`q(2+q)/(2(1-q)^{5/2})`; :math:`4` is Défossez et al.'s constant,
kept so that :mod:`proofs.adam_avgrad_interpolation_nonconvex_momentum` meets their bound at
:math:`\rho = 1`.)

Proof: Young termwise, :math:`q^t t^{3/2} = (q^{t/2}\sqrt t)(q^{t/2}t) \le \frac\lambda2
t\,q^t + \frac1{2\lambda}t^2q^t` with :math:`\lambda = (1-q)^{-1/2}`; both sums telescope:
:math:`(1-q)^2 t\,q^t = H_{t-1} - H_t` with :math:`H_k = (k+1)q^{k+1} - kq^{k+2}`, and
:math:`(1-q)^3 t^2q^t = J_{t-1} - J_t` with :math:`J_k = q^{k+1}((k(1-q)+1)^2 + q)`;
:math:`H_0 = q`, :math:`J_0 = q(1+q)`, :math:`H_M, J_M \ge 0`.
"""

import sympy as sp

from . import lemma_momentum_sqrt_weights as W
from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import apply, scale, telescope, termwise, young
from ._rules_regret import pow_peel

q, t, M = W.q, W.t, W.M

e = sp.Symbol("e", positive=True)

Q1 = le(q, 1, "q < 1")
E_DEF = eq(e, 1 - q, "e = 1 - q (a name; q < 1)")


def H(k):
    return (k + 1) * q ** (k + 1) - k * q ** (k + 2)


def J(k):
    return q ** (k + 1) * ((k * (1 - q) + 1) ** 2 + q)


_K1, _K2 = 1 / (1 - q) ** 2, 1 / (1 - q) ** 3
_lam = 1 / sp.sqrt(1 - q)
_a, _b = _lam / 2 * _K1, 1 / (2 * _lam) * _K2  # the two sums' factors after telescoping


def _end(x):
    """The telescoped sums with 1 - q named x: H_M = q^(M+1) (M x + 1), J_M as above."""
    hm, jm = q ** (M + 1) * (M * x + 1), q ** (M + 1) * ((M * x + 1) ** 2 + q)
    return (q - hm + q * (1 + q) - jm) / (2 * x ** sp.Rational(5, 2))


def _st(x):
    return sp.Sum(x, (t, 1, M))


PROOF = Proof(
    id="lemma_momentum_power_weights",
    title="Geometric weights against t^(3/2): at most 4q (1 - q)^(-5/2)",
    statement=le(_st(q**t * t ** sp.Rational(3, 2)), 4 * q / e ** sp.Rational(5, 2), "claim"),
    hypotheses=(Q1, E_DEF),
    steps=(
        Step(LE, _lam / 2 * _st(t * q**t) + 1 / (2 * _lam) * _st(t**2 * q**t),
             "Young: (q^(t/2) sqrt(t)) (q^(t/2) t), weight lambda = (1 - q)^(-1/2)",
             by=[termwise(young(q ** (t / 2) * sp.sqrt(t), q ** (t / 2) * t, _lam), t, 1, M)]),
        Step(EQ, _a * _st(H(t - 1) - H(t)) + _b * _st(J(t - 1) - J(t)),
             "(1 - q)^2 t q^t = H_{t-1} - H_t and (1 - q)^3 t^2 q^t = J_{t-1} - J_t",
             by=[termwise(scale(pow_peel(q, t + 1), -_a * t), t, 1, M),
                 termwise(scale(pow_peel(q, t), _a * t * (2 - q)), t, 1, M),
                 termwise(scale(pow_peel(q, t), _b * ((t * (1 - q) + 1) ** 2 + q)), t, 1,
                          M)]),
        Step(EQ, _a * (H(0) - H(M)) + _b * (J(0) - J(M)), "telescoping",
             by=[(-_a, telescope(H, t, 1, M)), (-_b, telescope(J, t, 1, M))]),
        Step(EQ, _end(e), "H_0 = q, J_0 = q (1 + q), and 1 - q = e",
             by=[(-1, apply(E_DEF, _end))]),
        Step(LE, q * (2 + q) / (2 * e ** sp.Rational(5, 2)),
             "H_M = q^(M+1) (M e + 1) >= 0 and J_M >= 0"),
        Step(LE, 4 * q / e ** sp.Rational(5, 2), "q (2 + q)/2 <= 4 q as q <= 1",
             by=[scale(Q1, q / (2 * e ** sp.Rational(5, 2)))]),
    ),
    domain=Domain({q: (0, 1)}),
)  # fmt: skip
