r"""Lemma (``LIPU``: :math:`L`-smoothness along :math:`k` momentum steps). For
:math:`p, k \ge 1`, with :math:`G_s = \nabla F(x_{s-1})`, the update :math:`x_r = x_{r-1} -
\alpha_r u_r` and :math:`\|u_r\|^2 = \sum_i u_{r,i}^2` (every :math:`r \ge 1`), and
:math:`0 < \alpha_r \le \alpha_{r+q}` (:math:`r \ge 1, q \ge 0`),

.. math:: \|G_{p+k} - G_p\|^2 \le \alpha_{p+k}^2 L^2 k \sum_{l=1}^k \|u_{p+k-l}\|^2 .

Used by :mod:`proofs.lemma_momentum_mom` at :math:`p = t - k`, :math:`1 \le k \le t - 1`
(so no iterate before :math:`x_0` is named).

Proof: :math:`L`-smoothness at :math:`x_{p+k-1}, x_{p-1}` (``SMOOTH``, the definition of
:math:`L`-smooth gradients at these two points); the displacement :math:`x_{p+k-1} - x_{p-1}
= -\sum_l \alpha_{p+k-l}u_{p+k-l}` (:mod:`proofs.lemma_momentum_displacement`), squared;
Cauchy-Schwarz :math:`(\sum_{l=1}^k a_l)^2 \le k\sum_l a_l^2` per coordinate;
:math:`\alpha_{p+k-l}^2 \le \alpha_{p+k}^2` (``AL_MONO``); exchanging the finite sums over
:math:`i` and :math:`l`; the definition of :math:`\|u\|^2`.
"""

import sympy as sp

from analysis.symbols import L, d, i

from . import lemma_momentum_displacement as disp
from . import lemma_momentum_gu as gul
from ._core import EQ, LE, Proof, Step, eq, le
from ._rules import apply, cauchy_schwarz, scale, substitute, termwise
from ._rules_regret import swap_rect

p, k, l, r, x, u, al = disp.p, disp.k, disp.l, disp.r, disp.x, disp.u, disp.al  # noqa: E741
q = sp.Symbol("q", nonnegative=True, integer=True)  # any number of further steps
Gf = gul.Gf  # G_{s,i} = d_i F(x_{s-1})
un = sp.Function("un", nonnegative=True)  # ||u_r||^2

# fmt: off
SMOOTH = le(sp.Sum((Gf(p + k, i) - Gf(p, i)) ** 2, (i, 1, d)),
            L**2 * sp.Sum((x(p + k - 1, i) - x(p - 1, i)) ** 2, (i, 1, d)),
            "L-smooth F: ||grad F(x_{p+k-1}) - grad F(x_{p-1})||^2 <= L^2 ||x_{p+k-1} - "
            "x_{p-1}||^2 (every p, k >= 1)")
UN_DEF = eq(un(r), sp.Sum(u(r, i) ** 2, (i, 1, d)), "||u_r||^2 = sum_i u_{r,i}^2 (every r >= 1)")
AL_MONO = le(al(r), al(r + q), "alpha_r <= alpha_{r+q}: alpha_r = alpha (1 - beta1) sqrt(B_r), "
             "B_r = 1 + beta2 + ... + beta2^(r-1) non-decreasing (every r >= 1, q >= 0)")
HYPOTHESES = (SMOOTH, disp.X_UPD, UN_DEF, AL_MONO)
# fmt: on

_n = p + k  # the later step


def _a(y, j):
    return al(_n - y) * u(_n - y, j)


_DISP = disp.PROOF.instance({}, given=[disp.X_UPD])
# alpha_{n-l}^2 <= alpha_n^2 from alpha_{n-l} <= alpha_n (n - l >= p >= 1), times u^2 >= 0
_AL = scale(scale(substitute(AL_MONO, {r: _n - l, q: l}), al(_n) + al(_n - l)),
            u(_n - l, i) ** 2)  # fmt: skip

PROOF = Proof(
    id="lemma_momentum_lipu",
    title="L-smoothness along k momentum steps: ||G_{p+k} - G_p||^2 <= alpha^2 L^2 k sum ||u||^2",
    statement=le(sp.Sum((Gf(_n, i) - Gf(p, i)) ** 2, (i, 1, d)),
                 al(_n) ** 2 * L**2 * k * sp.Sum(un(_n - l), (l, 1, k)), "claim"),
    hypotheses=HYPOTHESES,
    steps=(
        Step(LE, L**2 * sp.Sum((x(_n - 1, i) - x(p - 1, i)) ** 2, (i, 1, d)),
             "L-smoothness at x_{p+k-1} and x_{p-1}", by=[SMOOTH]),
        Step(EQ, L**2 * sp.Sum(sp.Sum(_a(l, i), (l, 1, k)) ** 2, (i, 1, d)),
             "the displacement over k steps (lemma_momentum_displacement), squared",
             by=[(L**2, termwise(apply(_DISP, lambda e: e**2), i, 1, d))]),
        Step(LE, L**2 * k * sp.Sum(sp.Sum(_a(l, i) ** 2, (l, 1, k)), (i, 1, d)),
             "Cauchy-Schwarz: (sum_{l<=k} a_l)^2 <= k sum_l a_l^2",
             by=[(L**2, termwise(cauchy_schwarz(_a(l, i), 1, l, 1, k), i, 1, d))]),
        Step(LE, L**2 * k * al(_n) ** 2 * sp.Sum(sp.Sum(u(_n - l, i) ** 2, (l, 1, k)),
                                                 (i, 1, d)),
             "alpha_{p+k-l}^2 <= alpha_{p+k}^2 (AL_MONO)",
             by=[(L**2 * k, termwise(termwise(_AL, l, 1, k), i, 1, d))]),
        Step(EQ, L**2 * k * al(_n) ** 2 * sp.Sum(sp.Sum(u(_n - l, i) ** 2, (i, 1, d)),
                                                 (l, 1, k)),
             "exchanging the finite sums over i and l",
             by=[(L**2 * k * al(_n) ** 2,
                  swap_rect(lambda j, y: u(_n - y, j) ** 2, l, 1, k, i, 1, d))]),
        Step(EQ, al(_n) ** 2 * L**2 * k * sp.Sum(un(_n - l), (l, 1, k)),
             "||u_r||^2 = sum_i u_{r,i}^2 at r = p + k - l",
             by=[(-L**2 * k * al(_n) ** 2, termwise(substitute(UN_DEF, {r: _n - l}), l, 1, k))]),
    ),
    data=(Gf, x, u, al, un),
    parameters=(d,),  # the dimension: fixed, though the statement does not show it
    lemmas=("lemma_momentum_displacement",),
    notes="SMOOTH is the definition of L-smooth gradients at two iterates; AL_MONO holds for "
          "MADA's alpha_t = alpha (1 - beta1) sqrt(B_t).",
)  # fmt: skip
