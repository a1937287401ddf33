"""The theorem registry: ``THEOREMS`` maps an id to a :class:`Theorem`.

One theorem per module (``analysis/theorems/<id>.py``, each defining ``THEOREM``); modules
are discovered, so a new theorem needs no edit here. Published bounds encoded so far:

============================================ ===================================================
id                                           source, status
============================================ ===================================================
amsgrad_regret_reddi2018                     Reddi, Kale & Kumar, ICLR 2018, Theorem 4; as
                                             published (flawed proof)
amsgrad_regret_reddi2018_cor1                same paper, Corollary 1 (beta_1t = beta1 lam^(t-1));
                                             as published (middle term lacks a factor d/alpha)
amsgrad_regret_corrected_tran2019            Tran (Phuong) & Phong, IEEE Access 2019, Theorem 4.1;
                                             the corrected statement for Corollary 1's schedule
adam_nonconvex_defossez2022                  Défossez, Bottou, Bach & Usunier, TMLR 2022,
                                             Theorem 4 (Adam with momentum)
adagrad_nonconvex_defossez2022               same paper, Theorem 1 (Adagrad, beta1 = 0)
============================================ ===================================================

This package's own theorems (statements in ``_own.py``, proofs in ``proofs/<id>.py``):

============================================ ===================================================
id                                           what, rate
============================================ ===================================================
avgrad_regret                                AVGrad regret, beta_1t <= beta1 (geometric for the
                                             closed form), no gamma < 1; sqrt(T)
avgrad_regret_constant_beta1                 AVGrad regret, constant beta1; sqrt(T)
amsgrad_avgrad_interpolation_regret          vhat = rho max + (1 - rho) average; AMSGrad at
                                             rho = 1 without log T; sqrt(T)
adam_avgrad_interpolation_regret             vhat = rho v + (1 - rho) average (MADA's rho),
                                             rho <= beta2/((T-1)(1-beta2)); sqrt(T)
coefficient_path_regret                      learned beta2_t, rho_t in a box, safeguarded
                                             (sqrt(vhat)/alpha_t non-decreasing); sqrt(T)
avgrad_nonconvex                             AVGrad, beta1 = 0, stochastic nonconvex
                                             (Défossez-style); log(T)/sqrt(T)
adam_avgrad_interpolation_nonconvex          rho v + (1 - rho) average, learned rho_t >= rho > 0,
                                             constant alpha, bias correction, beta1 = 0; Défossez
                                             et al.'s Theorem 2 at rho = 1; noise floor
adam_avgrad_interpolation_nonconvex_momentum the same with heavy-ball momentum beta1 < beta2,
                                             fixed rho_n >= rho > 0; Défossez et al.'s Theorem 4
                                             at rho = 1; momentum lemmas are hypotheses
interpolation_improvement                    when an interior rho gives a smaller data bound
                                             than both ends; exact T = 2 witness, no rate
============================================ ===================================================

Left out because their exact statements could not be verified (no constant is invented):

* Défossez et al., Theorem 3 (Adagrad with heavy-ball momentum): display formula not found.
* Alacaoglu, Malitsky, Mertikopoulos & Cevher, ICML 2020 (constant-beta1 regret of AMSGrad):
  only the abstract and citations were found.
* Zhou, Chen, Cao, Tang, Yang & Gu, arXiv:1808.05671 (nonconvex AMSGrad): only the opening
  of the paper was found; the constants in our notes are unverified memories.
* Reddi et al.'s 2019 arXiv revision (Theorem 4 with D_inf^2/(1-beta1)^2 in its second
  term): known only through a third-party Lean transcription; not encoded as a separate id.

Example:
    >>> sorted(THEOREMS)[:2]
    ['adagrad_nonconvex_defossez2022', 'adam_avgrad_interpolation_nonconvex']
    >>> THEOREMS["amsgrad_regret_reddi2018_cor1"].setting
    'online-convex'
"""

from __future__ import annotations

import importlib
import pkgutil

# What a theorem module is built from (its assumptions, their constraints, the record); the
# symbols are in analysis.symbols, this package's own statements in analysis.statements.
from ._core import (
    ROUNDING_RTOL,
    Assumptions,
    Constraint,
    LowerBound,
    Theorem,
    equals,
    in_range,
    whole_at_least,
)
from ._vacuity import BREAKEVEN_CONSTANTS, trivial


def _discover() -> dict[str, Theorem]:
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        theorem = importlib.import_module(f"{__name__}.{info.name}").THEOREM
        if theorem.id != info.name:
            raise ImportError(f"module {info.name} defines theorem id {theorem.id!r}")
        found[theorem.id] = theorem
    return found


THEOREMS: dict[str, Theorem] = _discover()

__all__ = [
    "BREAKEVEN_CONSTANTS",
    "ROUNDING_RTOL",
    "THEOREMS",
    "Assumptions",
    "Constraint",
    "LowerBound",
    "Theorem",
    "equals",
    "in_range",
    "trivial",
    "whole_at_least",
]
