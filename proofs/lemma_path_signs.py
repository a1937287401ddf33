r"""Lemma (the signs the coefficient-path theorem declares for its run data follow from the
algorithm). For run data **declared without a sign** (sign-free copies of :math:`v`,
:math:`Sv`, :math:`\ell`, ``Wraw`` and ``Wpath``), the coefficient box and the recurrences of
:mod:`proofs.coefficient_path_regret`,

* :math:`v_t = \beta_{2t} v_{t-1} + (1-\beta_{2t}) g_t^2`, :math:`v_0 = 0`;
  :math:`Sv_t = Sv_{t-1} + v_t`, :math:`Sv_0 = 0`;
* :math:`\ell_t = \max(\mu\,\ell_{t-1}, v_t)`;
  :math:`t\tilde v_t = \rho_t\,t\,\ell_t + (1-\rho_t) Sv_t`;
  :math:`W_t = \max(W_{t-1}, t\tilde v_t)`;
* :math:`\beta_{2t} \le \beta_{2,hi} \le 1`, :math:`\rho_t \le \rho_{hi} \le 1`,

give, for every :math:`t \ge 1`,

.. math:: 0 \le W_t \quad\text{via}\quad 0 \le v_t,\ 0 \le Sv_t,\ 0 \le \ell_t,\
          0 \le t\tilde v_t .

Proof: :math:`v \ge 0` by induction (:mod:`proofs.lemma_path_ema_nonneg`), :math:`Sv \ge 0`
by induction (:mod:`proofs.lemma_ema_nonneg`), :math:`\ell_t \ge v_t` and :math:`W_t \ge
t\tilde v_t` (the maximum dominates its second argument), and :math:`t\tilde v_t` is a
non-negative combination. This instantiates the declared signs of ``ell``, ``Wraw`` and
``Wpath`` (and of :math:`v`, :math:`Sv` along a path). What stays a **convention** is the
strict :math:`W_t > 0`: :math:`W_t = 0` exactly when :math:`g_{s} = 0` for every
:math:`s \le t` on that coordinate, where the step is 0/0, read as 0 (as every theorem here).
"""

import sympy as sp

from analysis.symbols import g, i, t

from . import lemma_ema_nonneg as enn
from . import lemma_path_ema_nonneg as pen
from ._algorithm import K
from ._core import EQ, LE, Domain, Proof, Step, eq, le
from ._path import beta2_hi, beta2t, rho_hi, rhot
from ._rules import substitute
from ._rules_max import le_max_right

# sign-free copies of the run data (the theorem's are declared >= 0 or > 0)
vr, Svr, ellr = (sp.Function(f"{name}_r", real=True) for name in ("v", "Sv", "ell"))
Wrawr, Wpathr = sp.Function("Wraw_r", real=True), sp.Function("Wpath_r", real=True)
mu = sp.Symbol("mu", nonnegative=True)

VREC = eq(vr(t, i), beta2t(t) * vr(t - 1, i) + (1 - beta2t(t)) * g(t, i) ** 2,
          "v_t = beta_2t v_{t-1} + (1 - beta_2t) g_t^2 (a learned beta_2t path)")  # fmt: skip
V0 = eq(vr(0, i), 0, "v_0 = 0")
SV_REC = eq(Svr(t, i), Svr(t - 1, i) + vr(t, i), "Sv_t = Sv_{t-1} + v_t (t >= 1)")
SV0 = eq(Svr(0, i), 0, "Sv_0 = 0")
B2_LE = le(beta2t(t), beta2_hi, "beta_2t <= beta2_hi (the coefficient box)")
RHO_LE = le(rhot(t), rho_hi, "rho_t <= rho_hi (the coefficient box)")
ELL_REC = eq(ellr(t, i), sp.Max(mu * ellr(t - 1, i), vr(t, i)), "ell_t = max(mu ell_{t-1}, v_t)")
RAW = eq(Wrawr(t, i), rhot(t) * t * ellr(t, i) + (1 - rhot(t)) * Svr(t, i),
         "t vtilde_t = rho_t t ell_t + (1 - rho_t) Sv_t")  # fmt: skip
SAFEGUARD = eq(Wpathr(t, i), sp.Max(Wpathr(t - 1, i), Wrawr(t, i)),
               "safeguard: W_t = max(W_{t-1}, t vtilde_t)")  # fmt: skip
ALGORITHM = (VREC, V0, SV_REC, SV0, B2_LE, RHO_LE, ELL_REC, RAW, SAFEGUARD)


def _at(fact, k):
    return substitute(fact, {t: k})


def v_nonneg(k):
    """0 <= v_{k,i} along the path (lemma_path_ema_nonneg)."""
    return pen.PROOF.instance(
        {pen.x1: lambda a: vr(a, i), pen.y1: lambda a: g(a, i) ** 2, pen.b1: beta2t, pen.n: k},
        given=[V0, _at(VREC, pen.k), _at(B2_LE, pen.k)],
    )


#: 0 <= Sv_{t,i} (lemma_ema_nonneg with b = c = 1, inputs v >= 0)
SV_NONNEG = enn.PROOF.instance(
    {enn.x1: lambda a: Svr(a, i), enn.y1: lambda a: vr(a, i), enn.b: 1, enn.c: 1, enn.n: t},
    given=[SV0, _at(SV_REC, enn.k), v_nonneg(K)],
)
n = sp.Symbol("n", positive=True, integer=True)  # the claim's step; the algorithm at every t
V_LE_ELL = le_max_right(mu * ellr(n - 1, i), vr(n, i))
RAW_LE_W = le_max_right(Wpathr(n - 1, i), Wrawr(n, i))
SV_NONNEG_N = _at(SV_NONNEG, n)

PROOF = Proof(
    id="lemma_path_signs",
    title="The declared signs of the coefficient-path data follow from the algorithm",
    statement=le(0, Wpathr(n, i), "claim"),
    hypotheses=ALGORITHM,
    steps=(
        Step(
            LE,
            rhot(n) * n * ellr(n, i) + (1 - rhot(n)) * Svr(n, i),
            "rho_t t ell_t >= rho_t t v_t >= 0 (ell_t = max(mu ell_{t-1}, v_t) >= v_t) and "
            "(1 - rho_t) Sv_t = (1 - rho_hi) Sv_t + (rho_hi - rho_t) Sv_t >= 0 (Sv_t >= 0)",
            by=[
                (rhot(n) * n, V_LE_ELL),
                (-rhot(n) * n, _at(ELL_REC, n)),
                (rhot(n) * n, v_nonneg(n)),
                (1 - rho_hi, SV_NONNEG_N),
                (Svr(n, i), _at(RHO_LE, n)),
            ],
        ),
        Step(EQ, Wrawr(n, i), "t vtilde_t, its definition", by=[(-1, _at(RAW, n))]),
        Step(LE, sp.Max(Wpathr(n - 1, i), Wrawr(n, i)), "the maximum dominates it", by=[RAW_LE_W]),
        Step(EQ, Wpathr(n, i), "the safeguard", by=[(-1, _at(SAFEGUARD, n))]),
    ),
    data=(vr, Svr, ellr, Wrawr, Wpathr, g, beta2t, rhot),
    domain=Domain({beta2_hi: (0, 1), rho_hi: (0, 1), mu: (0, 1)}),
    lemmas=("lemma_path_ema_nonneg", "lemma_ema_nonneg"),
)
