r"""Lemma (square-root sum). For :math:`a_t \ge 0` and :math:`A_t = \sum_{s \le t} a_s`,

.. math:: \sum_{t=1}^T \frac{a_t}{\sqrt{A_t}} \le 2\sqrt{A_T}

(with :math:`0/0 = 0`: a zero :math:`A_t` forces :math:`a_t = 0`). Upper bound; the
constant 2 is the best possible (:math:`a_t = 1`, :math:`T \to \infty`). Written with the
data :math:`A` and its increments: :math:`A_0 = 0`, :math:`a_t = A_t - A_{t-1}`.
"""

import sympy as sp

from . import lemma_sqrt_step
from ._core import LE, Domain, Proof, Step, eq, le
from ._rules import apply, given, scale, sqrt_monotone, telescope, termwise

t = sp.Symbol("t", positive=True, integer=True)
T = sp.Symbol("T", positive=True, integer=True)
a = sp.Function("a", nonnegative=True)
A = sp.Function("A", nonnegative=True)

INCREMENT = eq(a(t), A(t) - A(t - 1), "A_t - A_{t-1} = a_t")
START = eq(A(0), 0, "A_0 = 0")
MONOTONE = le(A(t - 1), A(t), "A_{t-1} <= A_t (a_t >= 0)")

_STEP = lemma_sqrt_step.PROOF.instance(
    {lemma_sqrt_step.p: sp.sqrt(A(t - 1)), lemma_sqrt_step.q: sp.sqrt(A(t))},
    given=[given(sqrt_monotone(A(t - 1), A(t)), MONOTONE)],
)

PROOF = Proof(
    id="lemma_sqrt_sum",
    title="Square-root sum (the AdaGrad lemma)",
    statement=le(sp.Sum(a(t) / sp.sqrt(A(t)), (t, 1, T)), 2 * sp.sqrt(A(T)), "claim"),
    hypotheses=(INCREMENT, START, MONOTONE),
    steps=(
        Step(
            "=",
            sp.Sum((A(t) - A(t - 1)) / sp.sqrt(A(t)), (t, 1, T)),
            "a_t = A_t - A_{t-1}",
            by=[termwise(scale(INCREMENT, 1 / sp.sqrt(A(t))), t, 1, T)],
        ),
        Step(
            LE,
            sp.Sum(2 * (sp.sqrt(A(t)) - sp.sqrt(A(t - 1))), (t, 1, T)),
            "lemma_sqrt_step with p = sqrt(A_{t-1}), q = sqrt(A_t), for each t",
            by=[termwise(_STEP, t, 1, T)],
        ),
        Step(
            "=",
            2 * sp.sqrt(A(T)) - 2 * sp.sqrt(A(0)),
            "telescoping",
            by=[(2, telescope(lambda k: sp.sqrt(A(k)), t, 1, T))],
        ),
        Step("=", 2 * sp.sqrt(A(T)), "A_0 = 0", by=[(-2, apply(START, sp.sqrt))]),
    ),
    data=(a, A),
    domain=Domain(),
    lemmas=("lemma_sqrt_step",),
)
