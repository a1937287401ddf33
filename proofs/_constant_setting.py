r"""Shared hypotheses of the constant-:math:`\beta_1` AVGrad proofs (no proof here).

Setting: online convex optimisation with AVGrad, :math:`\alpha_t = \alpha/\sqrt t`, constant
:math:`\beta_1 \in [0, 1)`, :math:`m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t`, :math:`m_0 = 0`,
:math:`Sv_{t,i} = \sum_{s \le t} v_{s,i}` with :math:`v` the EMA of :math:`g^2`. Each
hypothesis is stated at the free index ``t`` (for every ``t``); instances at other indices
are taken with :func:`proofs._rules.substitute` (provenance: the hypothesis).
"""

import sympy as sp

from analysis.symbols import Sv, beta1, g, i, m, t

from ._core import eq, le, lt
from ._rules import nonneg, substitute

MOM = eq(
    m(t, i),
    beta1 * m(t - 1, i) + (1 - beta1) * g(t, i),
    "momentum update m_t = beta1 m_{t-1} + (1 - beta1) g_t",
)


M0 = eq(m(0, i), 0, "m_0 = 0")


SV_MONO = le(
    Sv(t - 1, i),
    Sv(t, i),
    "Sv_t = Sv_{t-1} + v_t with v_t >= 0, so Sv is non-decreasing in t (t >= 2)",
)


POS = nonneg(
    1 / sp.sqrt(Sv(t, i)),
    "Sv_{t,i} > 0 for t >= 1 (a coordinate with Sv_{t,i} = 0 has g_{s,i} = 0 and "
    "m_{s,i} = 0 for s <= t and contributes 0, with 0/0 = 0)",
)


#: the 0/0 convention made explicit: a divisor sqrt(Sv_{t,i}) must be non-zero
SV_POS = lt(
    0,
    Sv(t, i),
    "Sv_{t,i} > 0 for t >= 1: the 0/0 = 0 convention drops a coordinate "
    "whose gradients are all zero up to t (its m and g terms vanish)",
)
G_POS = lt(
    0,
    sp.Sum(
        g(sp.Symbol("s", positive=True, integer=True), i) ** 2,
        (sp.Symbol("s", positive=True, integer=True), 1, t),
    ),
    "sum_{s<=t} g_{s,i}^2 > 0 for t >= 1: the same 0/0 = 0 convention",
)


def at(fact, k):
    """The hypothesis ``fact`` at step ``k`` instead of ``t``."""
    return substitute(fact, {t: k})


BETA1_LT1 = nonneg(1 / (1 - beta1), "0 <= beta1 < 1")

__all__ = ["BETA1_LT1", "G_POS", "M0", "MOM", "POS", "SV_MONO", "SV_POS", "at"]
