"""The registry's machinery: Trace, assumptions (three-valued), sqrt_sum, leading_order."""

import mpmath
import numpy as np
import pytest
import sympy as sp

from analysis.symbols import T
from analysis.theorems import Assumptions, Constraint, equals, in_range, whole_at_least
from analysis.theorems._asymptotics import leading_order, sqrt_sum, sqrt_sum_numpy
from analysis.trace import Trace

# ---- Trace --------------------------------------------------------------------------------


def _trace(**over):
    kw = dict(x=[[0.0, 1.0], [0.5, -1.0]], grads=[[1.0, -3.0], [2.0, 0.0]],
              v_hat=[[0.1, 0.9], [0.4, 0.9]], alpha=[1.0, 0.5], beta1=[0.9, 0.45],
              losses=[1.0, 2.0], comparator_losses=[0.5, 0.25], x_star=[0.0, -1.0])  # fmt: skip
    kw.update(over)
    return Trace(**kw)


def test_trace_helpers_by_hand():
    tr = _trace()
    assert (tr.T, tr.d) == (2, 2)
    assert tr.regret == pytest.approx(3.0 - 0.75)
    assert tr.G_inf() == 3.0
    assert tr.D_inf() == 2.0  # max_t ||x_t - x*||_inf: |1 - (-1)|
    assert tr.D_inf("pairs") == 2.0
    assert tr.sum_sqrt_vhat_T() == pytest.approx(np.sqrt(0.4) + np.sqrt(0.9))
    assert tr.sum_grad_norms() == pytest.approx(np.sqrt(5.0) + 3.0)
    by_hand = (0.9 * (np.sqrt(0.1) + np.sqrt(0.9)) / 1.0
               + 0.45 * (np.sqrt(0.4) + np.sqrt(0.9)) / 0.5)  # fmt: skip
    assert tr.momentum_sum() == pytest.approx(by_hand)


def test_trace_is_frozen_float64_and_owns_its_data():
    x = np.zeros((2, 2), dtype=np.float32)
    tr = _trace(x=x)
    x[0, 0] = 7.0
    assert tr.x.dtype == np.float64 and tr.x[0, 0] == 0.0
    with pytest.raises(ValueError):
        tr.x[0, 0] = 1.0  # read-only
    with pytest.raises(AttributeError):
        tr.x = None


@pytest.mark.parametrize(
    ("over", "needle"),
    [(dict(grads=[[1.0, 2.0]]), "grads"), (dict(alpha=[1.0]), "alpha"),
     (dict(x_star=[0.0]), "x_star"), (dict(x=[0.0, 1.0]), "x")],
)  # fmt: skip
def test_trace_rejects_bad_shapes(over, needle):
    with pytest.raises(ValueError, match=needle):
        _trace(**over)


def test_trace_optional_fields():
    tr = _trace(comparator_losses=None, x_star=None)
    with pytest.raises(ValueError, match="comparator_losses"):
        _ = tr.regret
    with pytest.raises(ValueError, match="x_star"):
        tr.D_inf()
    assert tr.D_inf("pairs") == 2.0
    with pytest.raises(ValueError, match="reference"):
        tr.D_inf("nope")


# ---- assumptions ----------------------------------------------------------------------------

A = Assumptions((
    in_range("beta1", 0, 1, hi_open=True),
    in_range("beta2", 0, 1, lo_open=True, hi_open=True),
    Constraint("gamma", "beta1/sqrt(beta2) < 1", ("beta1", "beta2"),
               lambda b1, b2: b1 / sp.sqrt(b2) < 1),
    whole_at_least("T"),
    equals("eps", sp.Rational(1, 10), "fixed"),
))  # fmt: skip


@pytest.mark.parametrize(
    ("values", "needle"),
    [(dict(beta1=1.5), "beta1"), (dict(beta1=-0.1), "beta1"), (dict(beta2=0), "beta2"),
     (dict(beta1=0.95, beta2=0.81), "gamma"), (dict(T=0), "T"), (dict(T=2.5), "T"),
     (dict(eps=0.2), "eps"), (dict(beta1=float("nan")), "beta1"), (dict(beta1=sp.oo), "beta1"),
     (dict(beta1=1j), "beta1")],
)  # fmt: skip
def test_certain_violations_raise_naming_the_assumption(values, needle):
    with pytest.raises(ValueError, match=f"^{needle}"):
        A.check(**values)


def test_undecided_values_pass():
    b, x = sp.Symbol("b"), sp.Symbol("x", positive=True)
    A.check(beta1=b, beta2=x, T=sp.Symbol("n"), eps=sp.Symbol("e"))
    A.check(beta1=0.9)  # beta2 unknown: gamma undecided
    A.check(beta1=sp.Rational(9, 10), beta2=sp.Rational(81, 100) + x)  # 9/10 < sqrt(81/100+x)
    A.check(T=1e6, beta1=0, beta2=1e-3, eps=0.1)  # whole floats pass


def test_names():
    assert A.names == {"beta1", "beta2", "T", "eps"}


# ---- sqrt_sum -----------------------------------------------------------------------------


def test_sqrt_sum_exact_small_and_unevaluated_large():
    assert sqrt_sum(3) == 1 + sp.sqrt(2) + sp.sqrt(3)
    assert isinstance(sqrt_sum(10**9), sqrt_sum)
    assert isinstance(sqrt_sum(T), sqrt_sum)
    assert sqrt_sum(100).evalf(30) == pytest.approx(
        float(sum(mpmath.sqrt(k) for k in range(1, 101)))
    )


@pytest.mark.parametrize("n", [0, 1, 7, 63, 64, 65, 100, 1000, 12345, 10**7, 3.0e11])
def test_sqrt_sum_numpy_matches_the_zeta_form(n):
    exact = float(sqrt_sum(sp.Integer(int(n))).evalf(30)) if n else 0.0
    assert sqrt_sum_numpy(n) == pytest.approx(exact, rel=1e-14, abs=1e-14)


# ---- leading_order --------------------------------------------------------------------------

a, c = sp.symbols("a c", positive=True)


@pytest.mark.parametrize(
    ("expr", "rate"),
    [(a * sp.sqrt(T) + c, sp.sqrt(T)),
     (sp.sqrt(T) + sp.sqrt(T) * sp.sqrt(1 + sp.log(T)), sp.sqrt(T) * sp.sqrt(sp.log(T))),
     (2 / (a * sp.sqrt(T)) + c * sp.log(1 + T * a / c) / sp.sqrt(T), sp.log(T) / sp.sqrt(T)),
     (1 / (T - a) + c, sp.S.One), (T / (T - a), sp.S.One), (a / (T - c), 1 / T),
     (c * sqrt_sum(T) + T, T ** sp.Rational(3, 2)),
     (sp.log(T) ** 2 / T + 1 / T, sp.log(T) ** 2 / T),
     (a * (1 / T + sp.log(T) / T) * (c + 1 / sp.sqrt(T)), sp.log(T) / T), (a + c, sp.S.One)],
)  # fmt: skip
def test_leading_order(expr, rate):
    assert sp.simplify(leading_order(expr, T) - rate) == 0


def test_leading_order_matches_numeric_growth():
    """The bound divided by its rate stays within a constant factor over eight decades."""
    expr = 3 * sp.sqrt(T) + sp.Rational(1, 10) * sp.sqrt(T) * sp.sqrt(1 + sp.log(T)) + 5
    f = sp.lambdify(T, expr / leading_order(expr, T))
    ratios = [f(10.0**k) for k in range(4, 13)]
    assert max(ratios) / min(ratios) < 3
