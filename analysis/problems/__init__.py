"""Test problems for the simulator (:mod:`analysis.simulate`), batched over B instances.

Online convex (regret): :class:`OnlineLinear`, :func:`reddi3`, :func:`reddi3_stochastic`,
:func:`reddi1010`, :func:`reddi_two_phase`, :func:`reddi3_switching`,
:func:`reddi3_momentum_switching` and :func:`alternating_constant_step` (learned-coefficient
paths, :mod:`analysis.problems.paths`),
:class:`RandomQuadratics`, :class:`OnlineLogistic` and :func:`breast_cancer_logistic` (needs
scikit-learn). Stochastic nonconvex: :class:`NoisyRosenbrock`, :class:`SigmoidRegression`,
:class:`DigitsMLP` (needs scikit-learn). The protocol is :class:`Problem`.
"""

from ._base import SETTINGS, BoxProblem, Problem
from .digits import DigitsMLP
from .nonconvex import NoisyRosenbrock, SigmoidRegression
from .online import (
    OnlineLinear,
    OnlineLogistic,
    RandomQuadratics,
    breast_cancer_logistic,
    reddi3,
    reddi3_stochastic,
    reddi1010,
    reddi_two_phase,
)
from .paths import (
    alternating_constant_step,
    constant_step_regret_lower,
    momentum_switching_regret_rate,
    reddi3_momentum_switching,
    reddi3_switching,
    sign_switching_beta1,
    sign_switching_rho,
)

__all__ = [
    "SETTINGS",
    "BoxProblem",
    "DigitsMLP",
    "NoisyRosenbrock",
    "OnlineLinear",
    "OnlineLogistic",
    "Problem",
    "RandomQuadratics",
    "SigmoidRegression",
    "alternating_constant_step",
    "breast_cancer_logistic",
    "constant_step_regret_lower",
    "momentum_switching_regret_rate",
    "reddi3",
    "reddi3_momentum_switching",
    "reddi3_stochastic",
    "reddi3_switching",
    "reddi1010",
    "reddi_two_phase",
    "sign_switching_beta1",
    "sign_switching_rho",
]  # fmt: skip
