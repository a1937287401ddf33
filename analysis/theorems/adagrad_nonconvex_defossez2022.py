r"""Adagrad, nonconvex: Défossez, Bottou, Bach & Usunier, TMLR 2022, Theorem 1 (no momentum).

**Setting** (stochastic nonconvex). :math:`F \ge F_*` with :math:`L`-Lipschitz gradient;
unbiased i.i.d. stochastic gradients with :math:`\|\nabla f(x)\|_\infty \le R` almost surely,
:math:`R \ge \sqrt\epsilon`; :math:`\Delta = F(x_0) - F_*`. The paper's :math:`N` is ``T``.

**Algorithm** (coordinate-wise Adagrad: :math:`\beta_1 = 0`, :math:`\beta_2 = 1`,
:math:`\alpha_n = \alpha`), :math:`v_0 = 0`:

.. math::
    v_n = v_{n-1} + (\nabla f_n(x_{n-1}))^2,\qquad
    x_n = x_{n-1} - \alpha \frac{\nabla f_n(x_{n-1})}{\sqrt{\epsilon + v_n}} .

**Bound** (an **upper** bound; [1, Theorem 1]), :math:`\tau` uniform on
:math:`\{0, \dots, N-1\}`:

.. math::
    \mathbb E\|\nabla F(x_\tau)\|^2 \le \frac{2R\Delta}{\alpha\sqrt N}
    + \frac{1}{\sqrt N}\big(4dR^2 + \alpha d R L\big)\ln\Big(1 + \frac{N R^2}{\epsilon}\Big),

rate :math:`\ln(N)/\sqrt N`. The bound is data-independent (``data_bound`` only reads the
observed :math:`R`, :math:`T`, :math:`d`).

**Status.** As published (Theorem 1). Provenance as ``adam_nonconvex_defossez2022``: the
hypotheses are read in the paper's text, the display formula in D. Davis's STAT-4830 notes
(github.com/damek/STAT-4830, ``section/9/notes.md``); it agrees with the paper's proof
(:math:`\sqrt{\epsilon + \tilde v_{n,i}} \le R\sqrt n \le R\sqrt N`, Lemma 5.2 once per
coordinate). **Not encoded:** the paper's Theorem 3 (Adagrad with heavy-ball momentum,
:math:`0 \le \beta_1 < 1`): its display formula could not be read in any source found, and
its constants are not invented here. So this entry fixes :math:`\beta_1 = 0`; the
:math:`\beta_1 = 0` reduction of the momentum theorems is tested on the Adam pair
(Theorems 4 and 2).

**Measured tightness**: largest mean stationarity / bound = 1.7e-4 over 544 seeds on noisy
Rosenbrock, a sigmoid regression and a tanh MLP on digits, no configuration excluded, with eps
down to 1e-12 (``analysis.tightness.tightest(calls=4, B=64, seed=0)``); the bound holds in
expectation and is very loose on these problems (see ``breakeven``: against the trivial bound d
R^2).

References:
    [1] A. Défossez, L. Bottou, F. Bach, N. Usunier. A Simple Convergence Proof of Adam and
    Adagrad. TMLR 2022. arXiv:2003.02395.

Example:
    >>> from analysis.theorems import THEOREMS
    >>> th = THEOREMS["adagrad_nonconvex_defossez2022"]
    >>> th.rate()
    log(T)/sqrt(T)
    >>> th.bound(beta1=0.9)
    Traceback (most recent call last):
    ...
    ValueError: beta1: assumption beta1 = 0 (Theorem 1 has no momentum) is violated (beta1=0.9)
"""

from __future__ import annotations

import sympy as sp

from ..symbols import Delta, L, R, T, alpha, d, eps
from ._assumptions import Assumptions, equals
from ._core import Theorem
from ._nonconvex import (
    DEFOSSEZ,
    DEFOSSEZ_CONSTRAINTS,
    STATIONARITY,
    nonconvex_run_values,
    stationarity,
)

PRINTED = 2 * R * Delta / (alpha * sp.sqrt(T)) + (4 * d * R**2 + alpha * d * R * L) * sp.log(
    1 + T * R**2 / eps
) / sp.sqrt(T)

THEOREM = Theorem(
    id="adagrad_nonconvex_defossez2022",
    title="Adagrad (no momentum), smooth nonconvex, a.s. bounded gradients",
    setting="stochastic-nonconvex",
    source="Défossez, Bottou, Bach & Usunier, A Simple Convergence Proof of Adam and Adagrad, "
    "TMLR 2022 (arXiv:2003.02395), Theorem 1",
    status="as published",
    assumptions=Assumptions(
        (
            *DEFOSSEZ_CONSTRAINTS,
            equals("beta1", 0, "Theorem 1 has no momentum"),
            equals("beta2", 1, "Adagrad sums the squared gradients"),
        )
    ),
    algorithm=DEFOSSEZ.replace(name="Adagrad (coordinate-wise)", beta1=0.0, beta2=1.0),
    printed_form=PRINTED,
    worst_case={},
    run_values=lambda tr, c: nonconvex_run_values(tr, c, alpha_from_step=lambda a1, b1: a1),
    measure=stationarity,
    measured_quantity=STATIONARITY,
)
