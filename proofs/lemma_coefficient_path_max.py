r"""Theorem, second case (stated as a lemma: the registry has one entry,
``coefficient_path_regret``). For the AMSGrad/AVGrad interpolation
:math:`\ell_t = \max(\ell_{t-1}, v_t)` (:math:`\mu = 1`), **any** adaptive
:math:`\rho_t \in [0, 1]` and :math:`\beta_{2t} \le \beta_2`, safeguarded, the regret bound
of :mod:`proofs.coefficient_path_regret` holds at :math:`\beta_2` itself (the box's
:math:`\rho_{hi} = 0`): the maximum never weighs less than the mean, so :math:`\rho_t` may
reach 1.

Same chain (:mod:`proofs._regret_chain`), S1 and S3 as there (S3 with :math:`\rho_t \le 1`);
S2 from :mod:`proofs.lemma_safeguard_lower_max` and :mod:`proofs.lemma_max_dominates_mean`.
"""

import dataclasses

import sympy as sp

from analysis.statements import AVGRAD_BOUND, data_form
from analysis.symbols import Sv, beta2, i, t, v
from analysis.theorems.coefficient_path_regret import Wpath

from . import coefficient_path_regret as cp
from . import lemma_max_dominates_mean as mdm
from . import lemma_path_accumulator_lower as plow
from . import lemma_safeguard_lower_max as slow
from ._core import eq, le
from ._path import Wraw, beta2_hi, beta2t, ell, rhot
from ._regret_chain import SV0, SV_REC, VREC, domain, regret_proof, s

B2_LE = le(beta2t(t), beta2, "beta_2t <= beta2 (the coefficient box)")
RHO_LE1 = le(rhot(t), 1, "rho_t <= 1 (any rho_t in [0, 1])")
ELL_REC = eq(ell(t, i), sp.Max(ell(t - 1, i), v(t, i)), "ell_t = max(ell_{t-1}, v_t) (vmax)")
_at = cp._at

MEAN = mdm.PROOF.instance(
    {mdm.x1: lambda a: ell(a, i), mdm.y1: lambda a: v(a, i), mdm.S1: lambda a: Sv(a, i),
     mdm.n: t},
    given=[cp.ELL0, SV0, _at(ELL_REC, mdm.k), _at(SV_REC, mdm.k)])  # fmt: skip
ACC_LOWER = plow.PROOF.instance(
    {beta2_hi: beta2, plow.n: t},
    given=[_at(SV_REC, s), SV0, _at(cp.VREC_PATH, s), _at(B2_LE, s)])  # fmt: skip
LOWER = slow.PROOF.instance({slow.n: t}, given=[cp.SAFEGUARD, cp.RAW, ACC_LOWER, MEAN])
ALGORITHM = (cp.VREC_PATH, B2_LE, RHO_LE1, ELL_REC, cp.ELL0, cp.RAW, cp.SAFEGUARD, cp.W0)


def upper(k):
    """S3 as in coefficient_path_regret, at mu = 1 and rho_t <= 1."""
    return cp.upper(k, rho_le=RHO_LE1, ell_rec=ELL_REC, b2_le=B2_LE, mu_value=1)


_PROOF = regret_proof(
    "lemma_coefficient_path_max", Wpath,
    title="Regret along a learned path, AMSGrad/AVGrad interpolation, any rho_t in [0, 1]",
    hypotheses=ALGORITHM, mono=cp.MONO, upper=upper, lower=LOWER, c=sp.sqrt(1 - beta2),
    form=data_form(Wpath), bound=AVGRAD_BOUND, domain=domain(),
    lemmas=("lemma_safeguard_bound", "lemma_safeguard_monotone", "lemma_safeguard_lower_max",
            "lemma_safeguard_raw", "lemma_path_accumulator_lower", "lemma_path_ema_bound",
            "lemma_path_max_bound", "lemma_max_dominates_mean"),
    notes="The registry's coefficient_path_regret at rho_hi = 0 for the max interpolation.",
)  # fmt: skip
PROOF = dataclasses.replace(
    _PROOF, hypotheses=tuple(h for h in _PROOF.hypotheses if h is not VREC),
    data=(*_PROOF.data, Wpath, Wraw, ell, beta2t, rhot))  # fmt: skip
