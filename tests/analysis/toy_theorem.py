r"""A toy theorem in one file, written with the public construction API only.

**Setting** (online convex): convex losses :math:`f_t` on a box, any iterates
:math:`x_1, \dots, x_T` (here AVGrad's, but the bound holds for every algorithm).

**Bound** (an **upper** bound). With :math:`D_\infty = \max_t \|x_t - x^\star\|_\infty`,

.. math::
    R_T \le D_\infty \sum_{t=1}^T \sum_{i=1}^d |g_{t,i}| \le d\,D_\infty G_\infty T.

**Proof.** Convexity gives :math:`f_t(x_t) - f_t(x^\star) \le \langle g_t, x_t - x^\star
\rangle \le \sum_i |g_{t,i}|\,|x_{t,i} - x^\star_i| \le D_\infty \sum_i |g_{t,i}|`; sum over
:math:`t`, then :math:`|g_{t,i}| \le G_\infty`. :math:`\square`

``tests/analysis/test_theorems_toy.py`` registers it and runs it through the registry's
machinery: ``bound``, ``numeric``, ``data_bound`` and the adversarial search of
:mod:`analysis.verify`.
"""

from __future__ import annotations

import sympy as sp

from analysis.symbols import D_inf, G_inf, T, d, g, i, t
from analysis.theorems import (
    AVGRAD,
    OWN_ONLINE_CONSTRAINTS,
    Assumptions,
    Theorem,
    in_range,
    own_online_readers,
)

#: The data-dependent bound: a sum over the run's gradients.
TOY_FORM = D_inf * sp.Sum(sp.Sum(sp.Abs(g(t, i)), (i, 1, d)), (t, 1, T))
#: Its worst case, |g_{t,i}| <= G_inf.
TOY_BOUND = d * D_inf * G_inf * T

THEOREM = Theorem(
    id="toy_theorem",
    title="Trivial regret bound by Hölder's inequality (a test fixture)",
    setting="online-convex",
    source="tests/analysis/toy_theorem.py (proof in its docstring)",
    status="proved in its docstring (a test fixture, not registered by default)",
    assumptions=Assumptions((*OWN_ONLINE_CONSTRAINTS, in_range("lam", 0, 1, hi_open=True))),
    algorithm=AVGRAD.replace(momentum_schedule="geometric"),
    printed_form=TOY_FORM,
    worst_case={},
    closed_form=TOY_BOUND,
    **own_online_readers(),  # the observed constants, the regret, the run data
)
