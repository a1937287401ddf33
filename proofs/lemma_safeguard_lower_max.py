r"""Lemma (S2 for the safeguarded AMSGrad/AVGrad path, any :math:`\rho_n \ge 0`). For
:math:`n \ge 1`, the safeguard :math:`W_n = \max(W_{n-1}, n\tilde v_n)`,
:math:`n\tilde v_n = \rho_n\,n\,\ell_n + (1-\rho_n) Sv_n` with the running maximum
:math:`\ell_n = \max_{s \le n} v_s`, so that :math:`Sv_n \le n\ell_n`
(:mod:`proofs.lemma_max_dominates_mean`), and :math:`(1-\beta_2)\sum_{s\le n} g_s^2 \le
Sv_n` (:mod:`proofs.lemma_path_accumulator_lower` at :math:`\beta_{2,hi} = \beta_2`):

.. math:: (1 - \beta_2)\sum_{s=1}^n g_{s,i}^2 \le W_{n,i}.

Proof: :math:`(1-\beta_2)\sum g^2 \le Sv_n = \rho_n Sv_n + (1-\rho_n)Sv_n \le \rho_n n\ell_n
+ (1-\rho_n) Sv_n = n\tilde v_n \le W_n`. No bound on :math:`\rho_n` is used: the maximum
never weighs less than the mean.
"""

from analysis.symbols import Sv, beta2, g, i
from analysis.theorems.coefficient_path_regret import Wpath

from ._core import EQ, LE, Domain, Proof, Step, le
from ._path import GSUM, RAW, SAFE, Wraw, ell, n, rhot
from ._rules import scale
from ._rules_max import le_max_right

ACC = le((1 - beta2) * GSUM, Sv(n, i), "(1 - beta2) sum_{s<=n} g_s^2 <= Sv_n")
MEAN = le(Sv(n, i), n * ell(n, i), "Sv_n <= n ell_n (the max dominates the mean)")

PROOF = Proof(
    id="lemma_safeguard_lower_max",
    title="S2 for the safeguarded max/average path: (1 - beta2) sum_{s<=n} g_s^2 <= W_n",
    statement=le((1 - beta2) * GSUM, Wpath(n, i), "claim"),
    hypotheses=(SAFE, RAW, ACC, MEAN),
    steps=(
        Step(LE, Sv(n, i), "the accumulator bound", by=[ACC]),
        Step(LE, rhot(n) * n * ell(n, i) + (1 - rhot(n)) * Sv(n, i),
             "Sv_n <= n ell_n, weight rho_n >= 0", by=[scale(MEAN, rhot(n))]),
        Step(EQ, Wraw(n, i), "the definition", by=[(-1, RAW)]),
        Step(LE, Wpath(n, i), "the maximum dominates its second argument (the safeguard)",
             by=[le_max_right(Wpath(n - 1, i), Wraw(n, i)), (-1, SAFE)]),
    ),
    data=(Sv, g, Wpath, Wraw, ell, rhot),
    domain=Domain({beta2: (0, 1)}),
)  # fmt: skip
