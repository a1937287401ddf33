r"""Lemma (the accumulator of a learned :math:`\beta_{2t}` path dominates the AdaGrad sum).
For a coordinate :math:`i` and :math:`n \ge 0`, with :math:`v_{s,i} = \beta_{2s} v_{s-1,i} +
(1-\beta_{2s}) g_{s,i}^2`, :math:`\beta_{2s} \le \beta_{2,hi}`, :math:`v, \beta_{2s} \ge 0`,
:math:`Sv_{s,i} = Sv_{s-1,i} + v_{s,i}`, :math:`Sv_{0,i} = 0`:

.. math:: (1 - \beta_{2,hi})\sum_{s=1}^n g_{s,i}^2 \le Sv_{n,i}.

Proof: :math:`v_s \ge (1-\beta_{2s}) g_s^2 \ge (1-\beta_{2,hi}) g_s^2` (drop
:math:`\beta_{2s} v_{s-1} \ge 0`), summed, and :math:`\sum_{s \le n} v_s = Sv_n`
(telescoping); :mod:`proofs.lemma_constant_accumulator_lower` at a path.
"""

import sympy as sp

from analysis.symbols import Sv, g, i, v

from ._accumulator import SV0, SV_SUM, SV_UPD, n, s
from ._core import LE, Domain, Proof, Step, eq, le
from ._path import beta2_hi, beta2t
from ._rules import scale, termwise

V_UPD = eq(
    v(s, i),
    beta2t(s) * v(s - 1, i) + (1 - beta2t(s)) * g(s, i) ** 2,
    "v_s = beta_2s v_{s-1} + (1 - beta_2s) g_s^2 (every s >= 1), v >= 0",
)
B2_LE = le(beta2t(s), beta2_hi, "beta_2s <= beta2_hi (every s >= 1)")

PROOF = Proof(
    id="lemma_path_accumulator_lower",
    title="A learned beta2 path's accumulator: (1 - beta2_hi) sum_{s<=n} g_s^2 <= Sv_n",
    statement=le((1 - beta2_hi) * sp.Sum(g(s, i) ** 2, (s, 1, n)), Sv(n, i), "claim"),
    hypotheses=(SV_UPD, SV0, V_UPD, B2_LE),
    steps=(
        Step(
            LE,
            sp.Sum(v(s, i), (s, 1, n)),
            "v_s = beta_2s v_{s-1} + (1 - beta_2s) g_s^2 >= (1 - beta2_hi) g_s^2, summed",
            by=[(-1, termwise(V_UPD, s, 1, n)), termwise(scale(B2_LE, g(s, i) ** 2), s, 1, n)],
        ),
        SV_SUM,
    ),
    data=(Sv, v, g, beta2t),
    domain=Domain({beta2_hi: (0, 1)}),
)
