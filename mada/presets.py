"""Named corners of the MADA space, and the paper's starting points.

=============  ==========================================================================
name           coefficients (others at MADA's defaults)
=============  ==========================================================================
adam           beta3=0, rho=1, c=1, gamma=1: Adam (Kingma & Ba, 2015)
amsgrad        rho=0, long_memory="max": AMSGrad, torch's order (max of raw v, then 1/(1-β2^t))
avgrad         rho=0, long_memory="average": AVGrad (Ozkara et al., 2024)
yogi           c=0: Yogi's additive second moment (Zaheer et al., 2018)
adan           betas=(0.98, 0.99), beta3=0.92: Adan's defaults in MADA's convention
lion           gamma=0: Lion's sign update, lion_betas=(0.95, 0.98) as in the paper's code
hyperadam      Adam at betas=(0.9, 0.95) learning beta1, beta2 (the paper's HyperAdam baseline)
mada           Adam's point, betas=(0.9, 0.95), learning all six (the paper's start:
               Shakespeare grid from Adam's corner, GPT-2's initial betas)
=============  ==========================================================================

Adan mapping: Adan's (β1, β2, β3) = (0.98, 0.92, 0.99) in the 1-β-free convention become
MADA's beta1 = 0.98, beta3 = 0.92, beta2 = 0.99 (see the research notes §1.3, §3.6).
"""

from __future__ import annotations

PRESETS = {
    "adam": {},
    "amsgrad": {"rho": 0.0, "long_memory": "max"},
    "avgrad": {"rho": 0.0, "long_memory": "average"},
    "yogi": {"c": 0.0},
    "adan": {"betas": (0.98, 0.99), "beta3": 0.92},
    "lion": {"gamma": 0.0},
    "hyperadam": {"betas": (0.9, 0.95), "learn": ("beta1", "beta2")},
    "mada": {"betas": (0.9, 0.95), "learn": True},
}


def preset_kwargs(name):
    """The keyword arguments of a named preset (a fresh dict)."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {tuple(PRESETS)}, got {name!r}")
    return dict(PRESETS[name])
