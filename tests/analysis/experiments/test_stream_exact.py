"""Exact streaming evaluation (issue 14, "Floating point"): log(1 + x) as log1p, and the
rescaled run state that keeps squared gradients from underflowing, which is exact because
every streamable theorem's terms are of degree 1 in the gradients (proved here in sympy)."""

import math

import pytest
import sympy as sp
import torch
from sympy.core.function import AppliedUndef

from analysis import statements, symbols
from analysis.experiments._readings import _data_form, _named_terms, _stream_reason
from analysis.experiments.monitor import BoundMonitor
from analysis.sums import StreamingForm
from analysis.symbols import SYMBOLS
from analysis.theorems import THEOREMS
from tests.conftest import EXACT_RTOL

STREAMABLE = sorted(k for k, th in THEOREMS.items() if _stream_reason(th) is None)
# run data by name (coefficient_path_regret's Wpath = t vhat, not streamed yet, is checked too)
DEGREE = {"g": 1, "m": 1, "v": 2, "Sv": 2, "vmax": 2, "Wpath": 2}


def _scaled(term, c):
    """``term`` with g, m, G_inf multiplied by c and v, Sv, vmax, Wpath by c^2."""
    for name, k in DEGREE.items():
        term = term.replace(lambda x, n=name: isinstance(x, AppliedUndef) and x.func.__name__ == n,
                            lambda x, k=k: c**k * x)  # fmt: skip
    return term.xreplace({SYMBOLS["G_inf"]: c * SYMBOLS["G_inf"]})


@pytest.mark.slow
@pytest.mark.parametrize("tid", STREAMABLE)
def test_every_streamable_term_is_of_degree_one_in_the_gradients(tid):
    c = sp.Symbol("c", positive=True)
    terms = {"grad_norms": statements.GRAD_NORMS, **_named_terms(_data_form(THEOREMS[tid]))}
    for name, term in terms.items():
        scaled = sp.powsimp(sp.expand_power_base(_scaled(term, c), force=True), force=True)
        pulled = scaled.replace(lambda x: isinstance(x, sp.Sum),
                                lambda x: sp.Mul(*x.function.as_independent(*x.variables,
                                                 as_Add=False)[:1]) * sp.Sum(
                                    x.function.as_independent(*x.variables, as_Add=False)[1],
                                    *x.limits))  # fmt: skip
        assert sp.simplify(pulled - c * term) == 0, (tid, name)


def test_log1p_keeps_a_tiny_argument():
    # the form log(1 + sum_{t,i} g^2): 0 with log(1 + x) for g = 1e-10, 2e-20 with log1p
    i, t, T, d = symbols.i, symbols.t, SYMBOLS["T"], SYMBOLS["d"]
    form = sp.log(1 + sp.Sum(symbols.g(t, i) ** 2, (t, 1, T), (i, 1, d)))
    sf = StreamingForm({"f": form}, {}, d=2)
    sf.update(torch.tensor([1e-10, 1e-10], dtype=torch.float64))
    value = float(sf.evaluate()["f"])
    assert math.log(1 + 2e-20) == 0.0
    assert value == pytest.approx(math.log1p(2e-20), rel=EXACT_RTOL)


def _monitor_bounds(scale):
    gen = torch.Generator().manual_seed(1)
    mon = BoundMonitor(
        params=[torch.zeros(4, dtype=torch.float64)],
        constants={"alpha": 0.3, "beta2": 0.9, "rho": 0.01, "D_inf": 1.5},
    )
    for step in range(1, 9):
        g = torch.randn(4, generator=gen, dtype=torch.float64)
        x = torch.randn(4, generator=gen, dtype=torch.float64)
        mon.observe(step, grads=[g * scale], params=[x], beta1t=0.8)
    return mon.record()["bounds"]


@pytest.mark.parametrize("scale", [1e-170, 1e-300, 1e100])
def test_tiny_and_huge_gradients_give_the_scaled_bound_not_zero(scale):
    # g^2 underflows to 0 below |g| ~ 1e-162: the bound was 0, below any positive regret.
    # Every term is of degree 1 in g, so the bound at s*g is s times the bound at g.
    base, scaled = _monitor_bounds(1.0), _monitor_bounds(scale)
    assert base and set(scaled) == set(base)
    for tid, b in base.items():
        assert scaled[tid]["total"] > 0
        assert scaled[tid]["total"] == pytest.approx(scale * b["total"], rel=EXACT_RTOL), tid
