"""Shared test settings: tolerances (named once, here), devices and hypothesis profiles."""

import os

import pytest
import torch
from hypothesis import settings

# Exactness against independent references (torch.optim, NumPy), float64. Issue 2.
EXACT_RTOL = 1e-10
EXACT_ATOL = 1e-12
# Analytic hypergradients against the autograd reference, float64, relative. Issue 3.
HYPER_RTOL = 1e-9

# float32. Two float32 implementations of the same update (for-loop against foreach, CPU
# against CUDA, eager against compiled) round differently: CUDA and the compiled CPU kernels
# contract a*b+c into one FMA where the eager CPU kernels do not, and reduce sums in another
# order. Neither is the reference, so the tolerance
# between them is derived from float32's own error against float64:
#
# * u = 2^-24 per operation. An EMA x_t = beta x_{t-1} + (1 - beta) y_t adds <= u |x_t| of
#   rounding per step and damps the old error by beta, so it carries <= u / (1 - beta) relative
#   error: 6e-5 for beta2 = 0.999, the default. The direction d_t = m̂/(sqrt(v̂) + eps) then
#   carries <= u (1/(1 - beta1) + 1/(2 (1 - beta2)) + n_ops), n_ops ~ 16 roundings of the
#   step itself: 3.2e-5 relative at the defaults.
# * The parameter moves by lr |d_t| per step and those errors add: after T steps
#   |x_T - x_T^exact| <= T lr max|d| * 3.2e-5. The tests run T lr = 1 (100 steps of 1e-2).
# * With learned coefficients the errors of the hypergradient sums (cancelling sums over all
#   coordinates, reduced in a device-specific order) move the coefficients too, and those
#   feed every later step: the bound above grows by the hyper-steps' amplification, which has
#   no closed form. Measured on CPU (``tests/mada/test_exactness.py``'s CUDA problem, float32
#   against float64, 100 steps): 4.0e-6 absolute for every fixed-coefficient point and
#   2.6e-5 for the "mada" preset, the very size of the failure seen on the H200 (2.6e-5
#   against the former 1e-5): the device was as accurate as the CPU; the tolerance was below
#   float32's own error.
#
# Hence: a float32 run on another device is checked against the float64 run, and must be
# within FLOAT32_DEVICE_FACTOR times the CPU float32 run's own error of it (two independent
# roundings of one computation, each within that error of the exact one, differ by at most
# twice it), plus FLOAT32_RTOL of the value for coordinates where the CPU error is 0.
FLOAT32_DEVICE_FACTOR = 2.0
# Between float32 paths on one device that share their reductions (for-loop against foreach
# on CPU, whose elementwise kernels are the same): a few ulps of the state, and the absolute
# floor is T lr n_ops u = 1e-6 for coordinates near 0.
FLOAT32_RTOL = 1e-5
FLOAT32_ATOL = 1e-6
# The hypergradient sums of float32 terms (``mada._engine.sums``): blocks of at most
# SUM_BLOCK elements summed in float32, the block sums then in float64. Any order of summing
# B numbers errs by at most (B - 1) u sum|x| (first order, u = 2^-24); the float64 pass adds
# ~rows 2^-53 of it. So |sum - exact| <= SUM_BLOCK_RTOL sum|x|, whatever the vector width.
SUM_BLOCK = 256
SUM_BLOCK_RTOL = SUM_BLOCK * 2.0**-24

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.getenv("HYPOTHESIS_PROFILE", "ci" if os.getenv("CI") else "dev"))

CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
# Every device the tests run on, as torch's instantiate_device_type_tests does: CPU always,
# CUDA when present (marked ``cuda`` so ``-m cuda`` selects the device runs).
DEVICES = [
    "cpu",
    pytest.param("cuda", marks=[CUDA, pytest.mark.cuda], id="cuda"),
]


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


# The private modules of mada / analysis / analysis.experiments / proofs that tests import,
# and why (tests/test_seams.py fails on any other, and on an entry no test uses). Everything a
# user could reach has a public name (analysis.symbols, analysis.statements, analysis.theorems,
# proofs, mada) and the tests use that; these are parts tested below their public entry.
_CHECKER = ("the proof checker's own parts (normaliser, interval and SMT back ends, rules, "
            "induction, renderer, mutants): each must reject a false claim, which only its own "
            "entry point shows")  # fmt: skip
PRIVATE_NAMES_USED = {
    "analysis._path_adversary": "the path adversary's boxes, mutations and climb, tested one "
    "by one (analysis.tightness is its public entry)",
    "analysis.experiments._progress": "the progress line's format and rate, without a run",
    "analysis.experiments._readings": "how the monitor turns a theorem into streamed terms "
    "and skip reasons, checked term by term",
    "analysis.theorems._asymptotics": "the leading-order and sqrt-sum helpers the rates and "
    "the rounding contract rest on, tested directly",
    "mada._engine": "the bucket engine's layout and kernels, tested below the optimizer",
    "mada._steps": "the device step number, swapped in to run the CUDA path's counters on the CPU",
    "mada._update": "a bucket's Structure and scalars, to run one reduction of the engine "
    "on a term whose exact sum is known",
    "proofs._algebra": _CHECKER,
    "proofs._induction": _CHECKER,
    "proofs._interval": _CHECKER,
    "proofs._mutants_side": _CHECKER,
    "proofs._path": "the coefficient path's symbols, to compare its recurrence with the "
    "fixed-coefficient accumulators",
    "proofs._regret_chain": "the v recurrence fact VREC, cited in a test's own chain",
    "proofs._render": _CHECKER,
    "proofs._rules": _CHECKER,
    "proofs._rules_constant": _CHECKER,
    "proofs._rules_expectation": _CHECKER,
    "proofs._rules_max": _CHECKER,
    "proofs._rules_regret": _CHECKER,
    "proofs._rules_sum": _CHECKER,
    "proofs._rules_momentum": _CHECKER,
    "proofs._smt": _CHECKER,
}
