r"""Lemma (the safe set's S2 for the safeguarded path). For :math:`n \ge 1`, a coordinate
:math:`i`, the safeguard :math:`W_n = \max(W_{n-1}, t\tilde v_n)` with
:math:`n\tilde v_n = \rho_n\,n\,\ell_n + (1-\rho_n) Sv_n` (:math:`\rho_n, \ell_n \ge 0`,
:math:`\rho_n \le \rho_{hi}`), the accumulator bound :math:`(1-\beta_{2,hi})\sum_{s \le n}
g_s^2 \le Sv_n` (:mod:`proofs.lemma_path_accumulator_lower`) and the effective
:math:`1 - \beta_2 = (1-\rho_{hi})(1-\beta_{2,hi})`:

.. math:: (1 - \beta_2)\sum_{s=1}^n g_{s,i}^2 \le W_{n,i}.

Proof: :math:`(1-\rho_{hi})(1-\beta_{2,hi})\sum g^2 \le (1-\rho_{hi}) Sv_n \le (1-\rho_n)
Sv_n \le n\tilde v_n \le \max(W_{n-1}, n\tilde v_n) = W_n` (the last by
:func:`proofs._rules_max.le_max_right`).
"""

from analysis.symbols import Sv, beta2, g, i
from analysis.theorems.coefficient_path_regret import Wpath

from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._path import GSUM, RAW, SAFE, Wraw, beta2_hi, ell, n, rho_hi, rhot
from ._rules import scale
from ._rules_max import le_max_right

RHO_LE = le(rhot(n), rho_hi, "rho_n <= rho_hi")
EFF = eq(1 - beta2, (1 - rho_hi) * (1 - beta2_hi),
         "the effective beta2: 1 - beta2 = (1 - rho_hi)(1 - beta2_hi)")  # fmt: skip
ACC = le((1 - beta2_hi) * GSUM, Sv(n, i), "(1 - beta2_hi) sum_{s<=n} g_s^2 <= Sv_n")

PROOF = Proof(
    id="lemma_safeguard_lower",
    title="S2 for the safeguarded path: (1 - beta2) sum_{s<=n} g_s^2 <= W_n",
    statement=le((1 - beta2) * GSUM, Wpath(n, i), "claim"),
    hypotheses=(SAFE, RAW, RHO_LE, EFF, ACC),
    steps=(
        Step(EQ, (1 - rho_hi) * (1 - beta2_hi) * GSUM, "the effective beta2", by=[(GSUM, EFF)]),
        Step(
            LE,
            (1 - rho_hi) * Sv(n, i),
            "the accumulator bound, weight 1 - rho_hi >= 0",
            by=[(1 - rho_hi, ACC)],
        ),
        Step(
            LE,
            (1 - rhot(n)) * Sv(n, i),
            "rho_n <= rho_hi and Sv_n >= 0",
            by=[scale(RHO_LE, Sv(n, i))],
        ),
        Step(
            LE,
            Wraw(n, i),
            "n vtilde_n = (1 - rho_n) Sv_n + rho_n n ell_n, the last >= 0",
            by=[(-1, RAW)],
        ),
        Step(
            LE,
            Wpath(n, i),
            "the maximum dominates its second argument (the safeguard)",
            by=[le_max_right(Wpath(n - 1, i), Wraw(n, i)), (-1, SAFE)],
        ),
    ),
    data=(Sv, g, Wpath, Wraw, ell, rhot),
    domain=Domain({beta2: (0, 1), beta2_hi: (0, 1), rho_hi: (0, 1)}),
)
