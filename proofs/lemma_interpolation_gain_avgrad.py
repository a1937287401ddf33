r"""Lemma (the proven gain of an interior :math:`\rho` over AVGrad's end).

With :math:`s_0 = -B'(0)` and :math:`0 \le h \le 1`, :math:`hM \le s_0`:
:math:`B(h) \le B(0) - h s_0/2` (:func:`proofs.lemma_interpolation_gain.gain_proof` at
:math:`\rho_0 = 0`).
"""

from .lemma_interpolation_gain import gain_proof

PROOF = gain_proof("lemma_interpolation_gain_avgrad", 0)
