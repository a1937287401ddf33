r"""Lemma (AVGrad's accumulator grows at most linearly). For a coordinate :math:`i` and
:math:`n \ge 0`, with :math:`Sv_{s,i} = Sv_{s-1,i} + v_{s,i}`, :math:`Sv_{0,i} = 0` and
:math:`v_{s,i} \le R^2` for every :math:`s \ge 1`:

.. math:: Sv_{n,i} \le n R^2 .

Proof: :math:`Sv_n = \sum_{s \le n} (Sv_s - Sv_{s-1}) = \sum_{s \le n} v_s \le n R^2`
(telescoping, then the bound termwise). Used for the worst case :math:`W_{t,i} \le t G_\infty^2`
of the regret theorems and in :mod:`proofs.avgrad_nonconvex`. (The lower bound
:math:`(1-\beta_2)\sum_{s \le n} g_s^2 \le Sv_n` is :mod:`proofs.lemma_constant_accumulator_lower`.)
"""

import sympy as sp

from analysis.symbols import Sv, i, v

from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import telescope, termwise

s = sp.Symbol("s", positive=True, integer=True)  # a dummy step index
n = sp.Symbol("n", nonnegative=True, integer=True)
R = sp.Symbol("R", nonnegative=True)  # R = 0 allowed: a bound sqrt(vmax) may be zero

SV_UPD = eq(Sv(s, i), Sv(s - 1, i) + v(s, i), "Sv_s = Sv_{s-1} + v_s (every s >= 1)")
SV0 = eq(Sv(0, i), 0, "Sv_0 = 0")
V_BOUND = le(v(s, i), R**2, "v_s <= R^2 (every s >= 1)")

PROOF = Proof(
    id="lemma_avgrad_accumulator",
    title="AVGrad's accumulator: Sv_n <= n R^2",
    statement=le(Sv(n, i), n * R**2, "claim"),
    hypotheses=(SV_UPD, SV0, V_BOUND),
    steps=(
        Step(
            EQ,
            sp.Sum(v(s, i), (s, 1, n)),
            "Sv_n = Sv_0 + sum_{s<=n} (Sv_s - Sv_{s-1})",
            by=[
                (-1, telescope(lambda k: Sv(k, i), s, 1, n)),
                (1, termwise(SV_UPD, s, 1, n)),
                (1, SV0),
            ],
        ),
        Step(LE, n * R**2, "v_s <= R^2 for each s", by=[termwise(V_BOUND, s, 1, n)]),
    ),
    data=(Sv, v),
    domain=Domain(),
)
