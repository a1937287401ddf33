r"""Lemma (``LIPU``: :math:`L`-smoothness along :math:`k` momentum steps). For
:math:`p, k \ge 1`, with :math:`G_s = \nabla F(x_{s-1})`, the update :math:`x_r = x_{r-1} -
\alpha_r u_r` and :math:`\|u_r\|^2 = \sum_i u_{r,i}^2` (every :math:`r \ge 1`), and MADA's
step :math:`\alpha_y^2 = \alpha^2(1-\beta_1)^2B_y`, :math:`B_y = \sum_{j<y}\beta_2^j`,

.. math:: \|G_{p+k} - G_p\|^2 \le \alpha_{p+k}^2 L^2 k \sum_{l=1}^k \|u_{p+k-l}\|^2 .

Used by :mod:`proofs.lemma_momentum_mom` at :math:`p = t - k`, :math:`1 \le k \le t - 1`
(so no iterate before :math:`x_0` is named).

Proof: :math:`L`-smoothness at :math:`x_{p+k-1}, x_{p-1}` (``SMOOTH``, the definition of
:math:`L`-smooth gradients at these two points); the displacement :math:`x_{p+k-1} - x_{p-1}
= -\sum_l \alpha_{p+k-l}u_{p+k-l}` (:mod:`proofs.lemma_momentum_displacement`), squared;
Cauchy-Schwarz :math:`(\sum_{l=1}^k a_l)^2 \le k\sum_l a_l^2` per coordinate;
:math:`\alpha_{p+k-l}^2 \le \alpha_{p+k}^2` (:mod:`proofs.lemma_momentum_al_mono`);
exchanging the finite sums over :math:`i` and :math:`l`; the definition of :math:`\|u\|^2`.
"""

import sympy as sp

from analysis.symbols import L, beta2, d, i

from . import lemma_momentum_al_mono as almono
from . import lemma_momentum_displacement as disp
from . import lemma_momentum_gu as gul
from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._rules import apply, cauchy_schwarz, scale, substitute, termwise
from ._rules_regret import swap_rect

p, k, l, r, x, u, al = disp.p, disp.k, disp.l, disp.r, disp.x, disp.u, disp.al  # noqa: E741
Gf = gul.Gf  # G_{s,i} = d_i F(x_{s-1})
un = sp.Function("un", nonnegative=True)  # ||u_r||^2

# fmt: off
SMOOTH = le(sp.Sum((Gf(p + k, i) - Gf(p, i)) ** 2, (i, 1, d)),
            L**2 * sp.Sum((x(p + k - 1, i) - x(p - 1, i)) ** 2, (i, 1, d)),
            "L-smooth F: ||grad F(x_{p+k-1}) - grad F(x_{p-1})||^2 <= L^2 ||x_{p+k-1} - "
            "x_{p-1}||^2 (every p, k >= 1)")
UN_DEF = eq(un(r), sp.Sum(u(r, i) ** 2, (i, 1, d)), "||u_r||^2 = sum_i u_{r,i}^2 (every r >= 1)")
AL_ALL, BT_ALL = almono.AL_ALL, almono.BT_ALL  # MADA's alpha_y and B_y (definitions)
HYPOTHESES = (SMOOTH, disp.X_UPD, UN_DEF, AL_ALL, BT_ALL)
# fmt: on

_n = p + k  # the later step


def _a(y, j):
    return al(_n - y) * u(_n - y, j)


_DISP = disp.PROOF.instance({}, given=[disp.X_UPD])
# alpha_{n-l}^2 <= alpha_n^2 (n - l >= p >= 1), times u^2 >= 0
_AL = scale(almono.PROOF.instance({r: _n - l, almono.q: l}, given=[AL_ALL, BT_ALL]),
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
             "alpha_{p+k-l}^2 <= alpha_{p+k}^2 (lemma_momentum_al_mono)",
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
    domain=Domain({beta2: (0, 1)}),
    parameters=(d,),  # the dimension: fixed, though the statement does not show it
    lemmas=("lemma_momentum_displacement", "lemma_momentum_al_mono"),
    notes="SMOOTH is the definition of L-smooth gradients at two iterates.",
)  # fmt: skip
