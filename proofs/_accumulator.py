"""What the two accumulator lower bounds share: the Sv recurrence and its telescoping step.

:mod:`proofs.lemma_constant_accumulator_lower` (a constant beta2) and
:mod:`proofs.lemma_path_accumulator_lower` (a learned beta2 path) differ only in how
:math:`v_s` is bounded below; both then sum :math:`v_s` to :math:`Sv_n`.
"""

import sympy as sp

from analysis.symbols import Sv, i, v

from ._core import EQ, Step, eq
from ._rules import telescope, termwise

s = sp.Symbol("s", positive=True, integer=True)  # a dummy step index
n = sp.Symbol("n", nonnegative=True, integer=True)

SV_UPD = eq(Sv(s, i), Sv(s - 1, i) + v(s, i), "Sv_s = Sv_{s-1} + v_s (every s >= 1)")
SV0 = eq(Sv(0, i), 0, "Sv_0 = 0")

# sum_{s<=n} v_s = Sv_n, the last step of both proofs
SV_SUM = Step(
    EQ,
    Sv(n, i),
    "sum_{s<=n} v_s = sum_{s<=n} (Sv_s - Sv_{s-1}) = Sv_n - Sv_0 = Sv_n",
    by=[
        (1, telescope(lambda k: Sv(k, i), s, 1, n)),
        (-1, termwise(SV_UPD, s, 1, n)),
        (-1, SV0),
    ],
)
