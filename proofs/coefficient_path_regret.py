r"""Theorem (regret along a learned coefficient path in the box, safeguarded).

For any adaptive path :math:`\beta_{2t} \le \beta_{2,hi}`, :math:`\rho_t \le \rho_{hi}`
(run data: :math:`\beta_{2t}, \rho_t \ge 0`), the algorithm

* :math:`v_t = \beta_{2t} v_{t-1} + (1-\beta_{2t}) g_t^2`, :math:`Sv_t = Sv_{t-1} + v_t`;
* :math:`\ell_t = \max(\mu\,\ell_{t-1}, v_t)`, :math:`0 \le \mu \le 1` (:math:`\mu = 1`:
  AMSGrad's :math:`v^{\max}`; :math:`\mu = 0`: Adam's :math:`v_t`);
* :math:`t\tilde v_t = \rho_t\,t\,\ell_t + (1-\rho_t) Sv_t` (``Wraw``);
* the safeguard :math:`W_t = \max(W_{t-1}, t\tilde v_t)`, :math:`W_0 = 0` (``Wpath``
  :math:`= t\hat v_t`; with :math:`\alpha_t = \alpha/\sqrt t` this is
  :math:`\hat v_t = \max(\tilde v_t, (\alpha_t/\alpha_{t-1})^2\hat v_{t-1})`),

and :math:`\beta_{1t} = \beta_1\lambda^{t-1}`, :math:`\alpha_t = \alpha/\sqrt t`, has

.. math::
    R_T \le \frac{d D_\infty^2 G_\infty\sqrt T}{2\alpha}
    + \frac{\beta_1 d D_\infty^2 G_\infty}{\alpha(1-\beta_1)(1-\lambda)^2}
    + \frac{\alpha(1+\beta_1) d G_\infty\sqrt T}{(1-\beta_1)^2\sqrt{1-\beta_2}}

at the effective :math:`1 - \beta_2 = (1-\rho_{hi})(1-\beta_{2,hi})`.

The proof is :mod:`proofs._regret_chain` at the abstract :math:`W` = ``Wpath``; the three
facts it needs of an accumulator (the safe set) are certified from the algorithm above:

* (S1) :math:`W_{t-1} \le W_t`: :mod:`proofs.lemma_safeguard_monotone`;
* (S2) :math:`(1-\beta_2)\sum_{s\le t} g_s^2 \le W_t`: :mod:`proofs.lemma_safeguard_lower`
  from :mod:`proofs.lemma_path_accumulator_lower`;
* (S3) :math:`W_t \le tG_\infty^2`: :mod:`proofs.lemma_safeguard_bound` (induction) from
  :mod:`proofs.lemma_safeguard_raw`, :mod:`proofs.lemma_path_max_bound` and
  :mod:`proofs.lemma_path_ema_bound` (inductions).

The signs declared for the run data (:math:`v, Sv, \ell`, ``Wraw``, ``Wpath`` :math:`\ge 0`)
are certified from these same recurrences on sign-free copies by
:mod:`proofs.lemma_path_signs`; only the strict ``Wpath`` :math:`> 0` (0/0 read as 0) stays a
convention.
"""

import dataclasses

import sympy as sp

from analysis.statements import AVGRAD_BOUND, data_form
from analysis.symbols import G_inf, Sv, beta2, g, i, t, v
from analysis.theorems.coefficient_path_regret import Wpath

from . import lemma_avgrad_accumulator as acc
from . import lemma_path_accumulator_lower as plow
from . import lemma_path_ema_bound as pema
from . import lemma_path_max_bound as pmax
from . import lemma_safeguard_bound as sg
from . import lemma_safeguard_lower as slow
from . import lemma_safeguard_monotone as smono
from . import lemma_safeguard_raw as sraw
from ._algorithm import K
from ._core import eq, le
from ._path import Wraw, beta2_hi, beta2t, ell, rho_hi, rhot
from ._regret_chain import G_BOUND, SV0, SV_REC, V0, VREC, domain, regret_proof, s
from ._rules import substitute

mu = pmax.mu
VREC_PATH = eq(
    v(t, i),
    beta2t(t) * v(t - 1, i) + (1 - beta2t(t)) * g(t, i) ** 2,
    "v_t = beta_2t v_{t-1} + (1 - beta_2t) g_t^2 (a learned beta_2t path)",
)
B2_LE = le(beta2t(t), beta2_hi, "beta_2t <= beta2_hi (the coefficient box)")
RHO_LE = le(rhot(t), rho_hi, "rho_t <= rho_hi (the coefficient box)")
ELL_REC = eq(ell(t, i), sp.Max(mu * ell(t - 1, i), v(t, i)), "ell_t = max(mu ell_{t-1}, v_t)")
ELL0 = eq(ell(0, i), 0, "ell_0 = 0")
RAW = eq(Wraw(t, i), rhot(t) * t * ell(t, i) + (1 - rhot(t)) * Sv(t, i),
         "t vtilde_t = rho_t t ell_t + (1 - rho_t) Sv_t (Sv_t = t avg_t)")  # fmt: skip
#: the safeguard in W = t vhat (alpha_t = alpha/sqrt t): W_t = max(W_{t-1}, t vtilde_t)
SAFEGUARD = eq(Wpath(t, i), sp.Max(Wpath(t - 1, i), Wraw(t, i)),
               "safeguard: t vhat_t = max((t-1) vhat_{t-1}, t vtilde_t)")  # fmt: skip
W0 = eq(Wpath(0, i), 0, "W_0 = 0")
EFF = slow.EFF


def _at(fact, k):
    return substitute(fact, {t: k})


def v_bound(k, b2_le=B2_LE):
    """v_{k,i} <= G_inf^2 along the path (lemma_path_ema_bound; ``b2_le``: the box's
    beta_2t <= hi <= 1)."""
    return pema.PROOF.instance(
        {
            pema.x1: lambda a: v(a, i),
            pema.y1: lambda a: g(a, i) ** 2,
            pema.b1: beta2t,
            pema.B: G_inf**2,
            pema.n: k,
        },
        given=[V0, _at(VREC_PATH, pema.k), _at(b2_le, pema.k), _at(G_BOUND, pema.k)],
    )


def sv_upper(b2_le=B2_LE):
    """Sv_t <= t G^2 along the path (lemma_avgrad_accumulator with R = G_inf)."""
    return acc.PROOF.instance(
        {acc.R: G_inf, acc.n: t}, given=[_at(SV_REC, s), SV0, v_bound(s, b2_le)]
    )


def ell_bound(k, ell_rec=ELL_REC, b2_le=B2_LE, mu_value=mu):
    """ell_{k,i} <= G_inf^2 (lemma_path_max_bound, its input v <= G^2 by induction too)."""
    return pmax.PROOF.instance(
        {
            pmax.x1: lambda a: ell(a, i),
            pmax.y1: lambda a: v(a, i),
            pmax.B: G_inf**2,
            pmax.n: k,
            pmax.mu: mu_value,
        },
        given=[ELL0, _at(ell_rec, pmax.k), v_bound(K, b2_le)],
    )


def upper(k, rho_le=RHO_LE, ell_rec=ELL_REC, b2_le=B2_LE, mu_value=mu):
    """S3, W_k <= k G_inf^2, by induction through the safeguard (lemma_safeguard_bound)
    from t vtilde_t <= t G^2 (lemma_safeguard_raw)."""
    raw = sraw.PROOF.instance(
        {sraw.n: sg.k},
        given=[
            _at(RAW, sg.k),
            _at(rho_le, sg.k),
            ell_bound(sg.k, ell_rec, b2_le, mu_value),
            _at(sv_upper(b2_le), sg.k),
        ],
    )
    return sg.PROOF.instance(
        {sg.x1: lambda a: Wpath(a, i), sg.y1: lambda a: Wraw(a, i), sg.B: G_inf**2, sg.n: k},
        given=[W0, _at(SAFEGUARD, sg.k), raw],
    )


#: S1, W_{t-1} <= W_t (lemma_safeguard_monotone)
MONO = smono.PROOF.instance({smono.x1: lambda a: Wpath(a, i), smono.y1: lambda a: Wraw(a, i),
                             smono.n: t}, given=[SAFEGUARD])  # fmt: skip
#: S2, (1 - beta2) sum_{s<=t} g_s^2 <= W_t (lemma_safeguard_lower)
ACC_LOWER = plow.PROOF.instance(
    {plow.n: t}, given=[_at(SV_REC, s), SV0, _at(VREC_PATH, s), _at(B2_LE, s)]
)
LOWER = slow.PROOF.instance({slow.n: t}, given=[SAFEGUARD, RAW, RHO_LE, EFF, ACC_LOWER])

ALGORITHM = (VREC_PATH, B2_LE, RHO_LE, ELL_REC, ELL0, RAW, SAFEGUARD, W0, EFF)

_PROOF = regret_proof(
    "coefficient_path_regret", Wpath,
    title="Regret along a learned coefficient path in the box, safeguarded",
    hypotheses=ALGORITHM,
    mono=MONO,
    upper=upper,
    lower=LOWER,
    c=sp.sqrt(1 - beta2),
    form=data_form(Wpath), bound=AVGRAD_BOUND,
    domain=domain({beta2_hi: (0, 1), rho_hi: (0, 1), mu: (0, 1)}),
    lemmas=("lemma_safeguard_bound", "lemma_safeguard_monotone", "lemma_safeguard_lower",
            "lemma_safeguard_raw", "lemma_path_accumulator_lower", "lemma_path_ema_bound",
            "lemma_path_max_bound"),
    notes="S1-S3 are certified from the safeguarded recurrence and the coefficient box; the "
          "constant-beta2 recurrence of the other theorems is not a hypothesis here.",
)  # fmt: skip
# the shared chain lists the constant-beta2 EMA among its common facts; a path has none
PROOF = dataclasses.replace(
    _PROOF,
    hypotheses=tuple(h for h in _PROOF.hypotheses if h is not VREC),
    data=(*_PROOF.data, Wpath, Wraw, ell, beta2t, rhot),
)
