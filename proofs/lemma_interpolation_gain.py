r"""Lemma (the proven gain of an interior :math:`\rho` over AMSGrad's end).

With :math:`B`, :math:`B'` and :math:`M` of :mod:`proofs.lemma_interpolation_model`,
:math:`s_1 = B'(1)` and a step :math:`0 \le h \le 1` with :math:`hM \le s_1` (e.g.
:math:`h = \min(1, s_1/M)`):

.. math:: B(1 - h) \le B(1) - \frac{h s_1}{2} .

So :math:`s_1 > 0` gives a :math:`\rho < 1` with a bound smaller than AMSGrad's by
:math:`\gamma(s_1) = \frac{s_1}2\min(1, s_1/M)`. :func:`gain_proof` builds the same chain
at AVGrad's end (:mod:`proofs.lemma_interpolation_gain_avgrad`). Proof: the model at
:math:`\rho_0 = 1`, :math:`\rho = 1 - h`, and :math:`h^2M/2 \le h s_1/2`.
"""

import sympy as sp

from . import lemma_interpolation_model as model
from ._core import LE, Domain, Proof, Step, le

h = sp.Symbol("h", nonnegative=True)


def gain_proof(proof_id, end):
    """The chain at ``end`` (1: AMSGrad, rho = 1 - h; 0: AVGrad, rho = h)."""
    rho = 1 - h if end == 1 else h
    slope = model.SLOPE.xreplace({model.rho0: end})
    s = slope if end == 1 else -slope  # the slope pointing inward, s > 0 wanted
    h_le_1 = le(h, 1, "h <= 1")
    step_ok = le(h * model.M, s, "h M <= s (h = min(1, s/M))")
    inst = model.PROOF.instance({model.rho0: end, model.rho: rho}, given=[h_le_1])
    return Proof(
        id=proof_id,
        title=f"B at an interior rho is below B({end}) by h s/2 when h M <= s",
        statement=le(model.B(rho), model.B(end) - h * s / 2, "claim"),
        hypotheses=(model._P, model._Q, h_le_1, step_ok),
        steps=(
            Step(
                LE,
                model.B(end) - h * s + h**2 / 2 * model.M,
                f"lemma_interpolation_model at rho0 = {end}",
                by=[inst],
            ),
            Step(
                LE, model.B(end) - h * s / 2, "h^2 M/2 <= h s/2 as h M <= s", by=[(h / 2, step_ok)]
            ),
        ),
        data=model.DATA,
        domain=Domain({h: (0, 1)}),
        lemmas=("lemma_interpolation_model",),
    )


PROOF = gain_proof("lemma_interpolation_gain", 1)
