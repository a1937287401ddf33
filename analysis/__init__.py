"""Theory and convergence analysis for MADA and the optimizers it interpolates.

Holds (as the issues land) the symbolic bound registry ``THEOREMS``, numeric simulators,
problem suites, the training harness and the ``mada-analysis`` command line. Today it
holds the command line and the Reddi et al. counterexample demo (``analysis.demo``).
"""
