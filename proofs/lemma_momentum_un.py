r"""Lemma (the momentum step's size against the normalised gradients; one coordinate,
pointwise). For :math:`0 \le \beta_1 < \beta_2 < 1`, :math:`0 < \rho \le 1`,
:math:`\epsilon > 0`, heavy-ball momentum :math:`m_t = \beta_1 m_{t-1} + g_t`,
:math:`m_0 = 0`, Adam's unnormalised :math:`v_t = \beta_2 v_{t-1} + g_t^2` and any
:math:`w_t \ge \rho v_t` (MADA's interpolation with :math:`\rho_t \ge \rho`):

.. math::
    \sum_{t=1}^T \frac{m_t^2}{\epsilon + w_t} \le \frac{1}{(1-\beta_1)(1-\beta_1/\beta_2)}
      \sum_{t=1}^T \frac{g_t^2}{\epsilon + \rho v_t} .

Summed over the coordinates and in expectation this is the hypothesis ``UN`` of
:mod:`proofs.adam_avgrad_interpolation_nonconvex_momentum` (Défossez et al. get it by
unrolling :math:`m_t` and Cauchy-Schwarz; this proof needs neither).

Proof: with :math:`D_t = \epsilon + \rho v_t \le \epsilon + w_t` and :math:`y_t =
m_t^2/D_t`, Young with weight :math:`(1-q)/q` (:math:`q = \beta_1/\beta_2`; written as
the square :math:`\beta_1(\beta_2(1-q)m_{t-1} - g_t)^2 \ge 0`) gives
:math:`m_t^2 \le \beta_1\beta_2 m_{t-1}^2 + g_t^2/(1-q)`; :math:`D_t \ge \beta_2 D_{t-1}`
(:math:`\epsilon \ge \beta_2\epsilon`, :math:`g_t^2 \ge 0`), so :math:`y_t \le \beta_1
y_{t-1} + g_t^2/((1-q)D_t)`; summed, with :math:`y_0 = 0` and :math:`y_T \ge 0`,
:math:`(1-\beta_1)\sum_t y_t \le \sum_t g_t^2/((1-q)D_t)`.
"""

import sympy as sp

from analysis.symbols import T, beta1, beta2, eps, g, i, m, rho, t, v

from . import lemma_log_sum_adam_mix as logsum
from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import apply, peel_first, peel_last, scale, shift, termwise
from ._rules_constant import square_nonneg
from ._rules_expectation import identity

w = logsum.w
e1 = sp.Symbol("e1", positive=True)  # 1 - beta1
e2 = sp.Symbol("e2", positive=True)  # 1 - beta1/beta2

M_UPD = eq(m(t, i), beta1 * m(t - 1, i) + g(t, i), "m_t = beta1 m_{t-1} + g_t")
M0 = eq(m(0, i), 0, "m_0 = 0")
V_UPD, W_LO = logsum.V_UPD, logsum.W_LO
E1_DEF = eq(e1, 1 - beta1, "e1 := 1 - beta1 (a name; beta1 < 1)")
E2_DEF = eq(e2, 1 - beta1 / beta2, "e2 := 1 - beta1/beta2 (a name; beta1 < beta2)")
HYPOTHESES = (M_UPD, M0, V_UPD, W_LO, E1_DEF, E2_DEF)


def _D(k):
    return eps + rho * v(k, i)


def _y(k):
    return m(k, i) ** 2 / _D(k)


def _st(x):
    return sp.Sum(x, (t, 1, T))


_X = _st(g(t, i) ** 2 / _D(t))  # sum_t g_t^2 / D_t
_Y = _st(_y(t))
_mp, _gt = m(t - 1, i), g(t, i)
# e2 m_t^2 <= beta1 beta2 e2 m_{t-1}^2 + g_t^2 over D_t: the recurrence of m squared out,
# then beta2 (the gap) = beta1 (beta2 e2 m_{t-1} - g_t)^2 by e2's definition. Scalars stay
# outside the sums (the normal form merges a scalar divisor into D_t).
_SQ = [
    (1 / e1, termwise(scale(M_UPD, (m(t, i) + beta1 * _mp + _gt) / _D(t)), t, 1, T)),
    (
        beta1 / (beta2 * e1 * e2),
        termwise(scale(square_nonneg(beta2 * e2 * _mp - _gt), 1 / _D(t)), t, 1, T),
    ),
    (beta1 * beta2 / e1 * _st(_mp**2 / _D(t)) + _X / (e1 * e2), E2_DEF),
]
# beta2 m_{t-1}^2/D_t <= m_{t-1}^2/D_{t-1}: the gap is m_{t-1}^2 (D_t - beta2 D_{t-1})/
# (D_t D_{t-1}), and D_t - beta2 D_{t-1} = eps (1 - beta2) + rho g_t^2
_GAP = _mp**2 / (_D(t) * _D(t - 1))
_DEC = [
    (-beta1 / e1, termwise(identity(_y(t - 1) - beta2 * _mp**2 / _D(t),
                                    _GAP * (_D(t) - beta2 * _D(t - 1))), t, 1, T)),
    (beta1 / e1, termwise(scale(V_UPD, -rho * _GAP), t, 1, T)),
]  # fmt: skip
# sum_{t=1}^T y_{t-1} = y_0 + sum_{t=1}^{T-1} y_t = sum_{t=1}^T y_t - y_T, and y_0 = 0
_LAG = [
    (beta1, shift(lambda k: _y(k - 1), t, 1, T, 1)),
    (beta1, peel_first(_y, t, 0, T - 1)),
    (-beta1, peel_last(_y, t, 1, T)),
    (beta1, apply(M0, lambda x: x**2 / _D(0))),
]

PROOF = Proof(
    id="lemma_momentum_un",
    title="The momentum's normalised size: sum m_t^2/(eps + w_t) against sum g_t^2/(eps + rho v_t)",
    statement=le(_st(m(t, i) ** 2 / (eps + w(t, i))), _X / (e1 * e2), "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(LE, _Y, "w_t >= rho v_t",
             by=[termwise(scale(W_LO, m(t, i) ** 2 / ((eps + w(t, i)) * _D(t))), t, 1, T),
                 (-1, termwise(identity(_y(t) - m(t, i) ** 2 / (eps + w(t, i)),
                                        m(t, i) ** 2 * (w(t, i) - rho * v(t, i))
                                        / ((eps + w(t, i)) * _D(t))), t, 1, T))]),
        Step(EQ, (_Y - beta1 * _Y) / e1, "e1 = 1 - beta1",
             by=[(_Y / e1, E1_DEF)]),
        Step(LE, _st(beta1 * beta2 * e2 * _mp**2 / _D(t) + _gt**2 / _D(t)) / (e1 * e2)
             - beta1 * _Y / e1,
             "m_t^2 <= beta1 beta2 m_{t-1}^2 + g_t^2/(1 - beta1/beta2): the gap is "
             "beta1 (beta2 e2 m_{t-1} - g_t)^2/(beta2 e2) >= 0", by=_SQ),
        Step(LE, (beta1 * _st(_y(t - 1)) + _X / e2 - beta1 * _Y) / e1,
             "D_t >= beta2 D_{t-1} (v_t = beta2 v_{t-1} + g_t^2, beta2 <= 1)",
             by=_DEC),
        Step(LE, _X / (e1 * e2), "y_0 = 0 (m_0 = 0) and y_T >= 0",
             by=[(c / e1, f) for c, f in _LAG]),
    ),
    data=(g, m, v, w),
    domain=Domain({beta2: (0, 1), rho: (0, 1), beta1: (0, 1)}),
    notes="No unrolling of m_t and no lag induction: a one-step recursion on m_t^2/D_t.",
)  # fmt: skip
