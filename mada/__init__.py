"""MADA: meta-adaptive optimizers (Ozkara et al., ICML 2024) for PyTorch.

``MADA`` interpolates Adam, AMSGrad/AVGrad, Yogi, Adan and Lion through the coefficients
(beta1, beta2, beta3, rho, c, gamma) and can learn them by hypergradient descent.
"""

from ._validate import COEFFICIENTS, learn_names
from .avgrad import AVGrad
from .optimizer import MADA
from .presets import PRESETS, preset_kwargs

__all__ = ["COEFFICIENTS", "MADA", "PRESETS", "AVGrad", "learn_names", "preset_kwargs"]
__version__ = "0.1.0"
