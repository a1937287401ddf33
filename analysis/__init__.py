"""Theory and convergence analysis for MADA and the optimizers it interpolates.

Holds (as the issues land) the symbolic bound registry ``THEOREMS``, numeric simulators,
problem suites, the training harness and the ``mada-analysis`` command line. Today it
holds the published bounds (``analysis.THEOREMS``, imported on first use so that the demo
does not pay for sympy), the ``Trace`` a run is recorded in, the command line and the
Reddi et al. counterexample demo (``analysis.demo``).

Example:
    >>> import analysis
    >>> "amsgrad_regret_reddi2018" in analysis.THEOREMS
    True
"""


def __getattr__(name):
    if name == "THEOREMS":
        from .theorems import THEOREMS

        return THEOREMS
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
