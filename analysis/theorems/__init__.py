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

This package's own theorems (statements in their modules and :mod:`analysis.statements`,
proofs in ``proofs/<id>.py``):

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

**Adding a theorem** is one module here, ``<id>.py``, that defines ``THEOREM`` with the
construction API below, and one proof, ``proofs/<id>.py``; discovery registers the module
(a module elsewhere, e.g. in a test, is registered with :func:`register`):

* :class:`Theorem`: the record (id, setting, source, status, assumptions, the algorithm, the
  printed and closed forms, and how to read a :class:`~analysis.trace.Trace`);
* :class:`Assumptions`, a tuple of :class:`Constraint` built with :func:`in_range`,
  :func:`whole_at_least`, :func:`equals`; :class:`LowerBound`;
* :class:`~analysis.algorithm.Algorithm`, the iteration the simulators run; ``AVGRAD`` and
  ``AMSGRAD`` to start from (``AVGRAD.replace(momentum_schedule="geometric")``);
* for this package's own regret theorems: ``OWN_ONLINE_CONSTRAINTS``,
  ``own_online_readers()`` (how they read a run: ``own_online_values``, the observed
  constants; ``own_run_data``, the run data of :data:`analysis.symbols.RUN_DATA` that their
  sums read; ``regret`` and ``REGRET``, what they measure), ``own_source(id)`` and
  ``OWN_STATUS``;
* the sympy vocabulary is :mod:`analysis.symbols`, the shared statements (the :math:`W`
  forms, ``data_form``, the worst-case terms) :mod:`analysis.statements`.

``docs/theory.md`` ("Adding a theorem") walks through one; ``tests/analysis/toy_theorem.py``
is one in a single file.

Example:
    >>> from analysis.theorems import THEOREMS
    >>> sorted(THEOREMS)[:2]
    ['adagrad_nonconvex_defossez2022', 'adam_avgrad_interpolation_nonconvex']
    >>> THEOREMS["amsgrad_regret_reddi2018_cor1"].setting
    'online-convex'
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

# What a theorem module is built from; the symbols are in analysis.symbols, the shared
# statements in analysis.statements.
from ..algorithm import Algorithm
from ._assumptions import Assumptions, Constraint, equals, in_range, whole_at_least
from ._core import OWN_STATUS, ROUNDING_RTOL, LowerBound, Theorem, own_source
from ._evaluate import data_bounds
from ._online import (
    AMSGRAD,
    AVGRAD,
    OWN_ONLINE_CONSTRAINTS,
    REGRET,
    lemma43_t0,
    own_online_readers,
    own_online_values,
    own_run_data,
    regret,
)
from ._vacuity import BREAKEVEN_CONSTANTS, trivial

#: The registry: id -> Theorem (the modules of this package, then whatever
#: :func:`register` adds).
THEOREMS: dict[str, Theorem] = {}


def register(module: ModuleType) -> Theorem:
    """Add ``module.THEOREM`` to :data:`THEOREMS` and return it.

    The module's name (its last dotted part) must be the theorem's id, and the id must be
    new.
    """
    theorem = getattr(module, "THEOREM", None)
    name = module.__name__.rpartition(".")[2]
    if not isinstance(theorem, Theorem):
        raise ImportError(f"module {name} defines no THEOREM (a Theorem)")
    if theorem.id != name:
        raise ImportError(f"module {name} defines theorem id {theorem.id!r}")
    if theorem.id in THEOREMS:
        raise ValueError(f"theorem id {theorem.id!r} is already registered")
    THEOREMS[theorem.id] = theorem
    return theorem


def _discover() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            register(importlib.import_module(f"{__name__}.{info.name}"))


_discover()

__all__ = [
    "AMSGRAD",
    "AVGRAD",
    "BREAKEVEN_CONSTANTS",
    "OWN_ONLINE_CONSTRAINTS",
    "OWN_STATUS",
    "REGRET",
    "ROUNDING_RTOL",
    "THEOREMS",
    "Algorithm",
    "Assumptions",
    "Constraint",
    "LowerBound",
    "Theorem",
    "data_bounds",
    "equals",
    "in_range",
    "lemma43_t0",
    "own_online_readers",
    "own_online_values",
    "own_run_data",
    "own_source",
    "register",
    "regret",
    "trivial",
    "whole_at_least",
]
