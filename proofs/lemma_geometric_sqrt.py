r"""Lemma (geometric weights against :math:`\sqrt t`). For :math:`0 \le \lambda < 1` and
:math:`T \ge 1`,

.. math:: \sum_{t=1}^T \lambda^{t-1}\sqrt t \le \frac{1}{(1-\lambda)^2}.

Proof: :math:`\sqrt t \le t`; with :math:`H_k = (k+1)\lambda^k - k\lambda^{k+1}`,
:math:`H_{t-1} - H_t = t\lambda^{t-1}(1-\lambda)^2`, so
:math:`(1-\lambda)^2\sum_{t\le T} t\lambda^{t-1} = H_0 - H_T
= 1 - \lambda^T(T + 1 - T\lambda) \le 1`.
Used for the momentum term of the regret theorems with :math:`\beta_{1t} = \beta_1\lambda^{t-1}`.
"""

import sympy as sp

from analysis.symbols import T, lam, t

from ._core import LE, Domain, Proof, Step, le
from ._rules import scale, telescope, termwise
from ._rules_regret import pow_peel, scale_given, sqrt_le

POSL = le(0, 1 / (1 - lam) ** 2, "lam < 1, so 1/(1 - lam)^2 > 0")
LAM1 = le(lam, 1, "lam < 1")


def H(k):
    return (k + 1) * lam**k - k * lam ** (k + 1)


_K = 1 / (1 - lam) ** 2
# lam^t = lam * lam^(t-1), lam^(t+1) = lam^2 * lam^(t-1)  (t - 1 >= 0)
_P1 = pow_peel(lam, t - 1)
_P2 = pow_peel(lam, t)

PROOF = Proof(
    id="lemma_geometric_sqrt",
    title="Geometric weights against sqrt(t)",
    statement=le(sp.Sum(lam ** (t - 1) * sp.sqrt(t), (t, 1, T)), _K, "claim"),
    hypotheses=(POSL, LAM1),
    steps=(
        Step(
            LE,
            sp.Sum(lam ** (t - 1) * t, (t, 1, T)),
            "sqrt(t) <= t for t >= 1",
            by=[termwise(scale(sqrt_le(t, t**2), lam ** (t - 1)), t, 1, T)],
        ),
        Step(
            "=",
            _K * sp.Sum(H(t - 1) - H(t), (t, 1, T)),
            "H_{t-1} - H_t = t lam^(t-1) (1 - lam)^2",
            by=[
                termwise(scale(_P1, _K * t * (2 - lam)), t, 1, T),
                termwise(scale(_P2, -_K * t), t, 1, T),
            ],
        ),
        Step("=", _K * (H(0) - H(T)), "telescoping", by=[(-_K, telescope(H, t, 1, T))]),
        Step(
            LE,
            _K,
            "H_0 = 1 and lam^T (T + 1 - T lam) >= 0",
            by=[scale(POSL, lam**T), scale_given(scale(LAM1, T * lam**T), _K, given=[POSL])],
        ),
    ),
    domain=Domain({lam: (0, 1)}),
)
