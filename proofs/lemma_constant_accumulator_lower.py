r"""Lemma (AVGrad's accumulator dominates the AdaGrad sum). For a coordinate :math:`i` and
:math:`n \ge 0`, with :math:`v_{s,i} = \beta_2 v_{s-1,i} + (1-\beta_2) g_{s,i}^2`,
:math:`v \ge 0`, :math:`Sv_{s,i} = Sv_{s-1,i} + v_{s,i}`, :math:`Sv_{0,i} = 0`:

.. math:: (1 - \beta_2)\sum_{s=1}^n g_{s,i}^2 \le Sv_{n,i}.

Proof: :math:`v_s \ge (1-\beta_2) g_s^2` (drop :math:`\beta_2 v_{s-1} \ge 0`), summed, and
:math:`\sum_{s \le n} v_s = Sv_n` (telescoping). Used in
:mod:`proofs.avgrad_regret_constant_beta1` to compare :math:`1/\sqrt{Sv_t}` with the
AdaGrad weights :math:`1/\sqrt{(1-\beta_2)\sum_{s\le t} g_s^2}`.
"""

import sympy as sp

from analysis.symbols import Sv, beta2, g, i, v

from ._accumulator import SV0, SV_SUM, SV_UPD, n, s
from ._core import LE, Domain, Proof, Step, eq, le
from ._rules import termwise

V_UPD = eq(
    v(s, i),
    beta2 * v(s - 1, i) + (1 - beta2) * g(s, i) ** 2,
    "v_s = beta2 v_{s-1} + (1 - beta2) g_s^2 (every s >= 1), v >= 0",
)

PROOF = Proof(
    id="lemma_constant_accumulator_lower",
    title="AVGrad's accumulator: (1 - beta2) sum_{s<=n} g_s^2 <= Sv_n",
    statement=le((1 - beta2) * sp.Sum(g(s, i) ** 2, (s, 1, n)), Sv(n, i), "claim"),
    hypotheses=(SV_UPD, SV0, V_UPD),
    steps=(
        Step(
            LE,
            sp.Sum(v(s, i), (s, 1, n)),
            "v_s = beta2 v_{s-1} + (1 - beta2) g_s^2 >= (1 - beta2) g_s^2, summed",
            by=[(-1, termwise(V_UPD, s, 1, n))],
        ),
        SV_SUM,
    ),
    data=(Sv, v, g),
    domain=Domain({beta2: (0, 1)}),
)
