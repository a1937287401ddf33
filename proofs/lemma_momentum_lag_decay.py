r"""Lemma (the interpolated accumulator remembers a past step at rate :math:`\beta_2`; one
coordinate, pointwise). For :math:`0 < \beta_2 < 1`, :math:`\epsilon > 0`, :math:`0 < \rho
\le 1`, Adam's unnormalised :math:`v_s = \beta_2 v_{s-1} + g_s^2` (every :math:`s \ge 1`),
any :math:`w_t \ge \rho v_t` (MADA's interpolation with :math:`\rho_t \ge \rho`) and
:math:`1 \le j \le t`:

.. math:: \beta_2^{t-j}(\epsilon + \rho v_j) \le \epsilon + w_t .

Used by :mod:`proofs.lemma_momentum_mom`: the lag-:math:`(t-j)` remainders of Défossez et
al.'s Lemma A.2 have :math:`g_j^2/(\epsilon + w_t) \le \beta_2^{-(t-j)}U_j^2/\rho`.

Proof: with :math:`D_s = \epsilon + \rho v_s`, :math:`\beta_2^{t-s}D_s - \beta_2^{t-s+1}
D_{s-1} = \beta_2^{t-s}(\epsilon(1-\beta_2) + \rho g_s^2) \ge 0`; summed over
:math:`s = j+1..t` (not reversed, :math:`j \le t`) it telescopes to :math:`D_t -
\beta_2^{t-j}D_j \ge 0`, and :math:`D_t \le \epsilon + w_t`.
"""

import sympy as sp

from analysis.symbols import beta2, eps, g, i, rho, t, v

from . import lemma_log_sum_adam_mix as logsum
from ._core import LE, Domain, Proof, Step, eq, le
from ._rules import given, scale, telescope, termwise
from ._rules_regret import pow_peel
from ._rules_sum import sum_nonneg

w = logsum.w
j = sp.Symbol("j", positive=True, integer=True)  # the remembered step
s = sp.Symbol("s", positive=True, integer=True)  # the recurrence's index (every s >= 1)

V_UPD = eq(v(s, i), beta2 * v(s - 1, i) + g(s, i) ** 2, "v_s = beta2 v_{s-1} + g_s^2 "
           "(every s >= 1)")  # fmt: skip
W_LO = logsum.W_LO
RANGE = le(j, t, "j <= t: a past (or the current) step")
c = sp.Symbol("c", positive=True)  # 1 - beta2 (a name: the normal form expands 1 - beta2)
C_DEF = eq(c, 1 - beta2, "c := 1 - beta2 (a name; 0 < beta2 < 1)")
HYPOTHESES = (V_UPD, W_LO, RANGE, C_DEF)


def _D(k):
    return eps + rho * v(k, i)


def _F(k):
    return beta2 ** (t - k) * _D(k)


def _term(k):
    return beta2 ** (t - k) * (eps * c + rho * g(k, i) ** 2)


PROOF = Proof(
    id="lemma_momentum_lag_decay",
    title="beta2^(t-j) (eps + rho v_j) <= eps + w_t",
    statement=le(_F(j), eps + w(t, i), "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(LE, _D(t),
             "beta2^(t-s) D_s - beta2^(t-s+1) D_{s-1} = beta2^(t-s)(eps(1 - beta2) + rho g_s^2)"
             " >= 0 (v's recurrence at s), summed over s = j+1..t: it telescopes",
             by=[telescope(_F, s, j + 1, t),
                 (-rho, termwise(scale(V_UPD, beta2 ** (t - s)), s, j + 1,
                                 t)),
                 (-1, termwise(scale(pow_peel(beta2, t - s), _D(s - 1)), s, j + 1, t)),
                 given(sum_nonneg(_term, s, j + 1, t), RANGE),
                 (eps * sp.Sum(beta2 ** (t - s), (s, j + 1, t)), C_DEF)]),
        Step(LE, eps + w(t, i), "w_t >= rho v_t", by=[W_LO]),
    ),
    data=(g, v, w),
    domain=Domain({beta2: (0, 1), rho: (0, 1)}),
    notes="RANGE j <= t makes the telescoped sum a sum of non-negative terms.",
)  # fmt: skip
