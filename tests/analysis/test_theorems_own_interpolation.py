"""interpolation_improvement: the T = 2 witness exactly (sympy), the longer witness numerically,
and B(rho) of analysis.theorems._interpolation against the printed form on recorded runs."""

import numpy as np
import pytest
import sympy as sp

from analysis import statements, symbols
from analysis.symbols import D_inf, G_inf, alpha, beta2, delta, rho
from analysis.theorems import THEOREMS
from analysis.theorems import interpolation_improvement as ip
from analysis.theorems.interpolation_improvement import improvement, optimal_rho, witness_bound
from analysis.trace import Trace

Q = sp.Rational
MIX = THEOREMS["amsgrad_avgrad_interpolation_regret"]


def witness_by_hand(r, dl=delta, al=alpha, D=D_inf, G=G_inf, b2=beta2):
    """From the statement: v_1 = (1-b2) G^2, v_2 = b2 v_1 + (1-b2) dl^2 G^2 <= v_1,
    W_1 = v_1, W_2 = r * 2 vmax_2 + (1 - r)(v_1 + v_2)."""
    v1 = (1 - b2) * G**2
    v2 = b2 * v1 + (1 - b2) * dl**2 * G**2
    W1, W2 = v1, 2 * r * v1 + (1 - r) * (v1 + v2)
    third = G**2 / sp.sqrt(W1) + dl**2 * G**2 / sp.sqrt(W2)
    return D**2 / (2 * al) * sp.sqrt(W2) + al / 2 * third


def test_the_witness_is_the_printed_form_on_the_witness_run():
    form = statements.MAX_AVG_FORM.subs({symbols.T: 2, symbols.d: 1, symbols.beta1: 0}).doit()
    v1 = (1 - beta2) * G_inf**2
    v2 = beta2 * v1 + (1 - beta2) * delta**2 * G_inf**2
    run = {symbols.g(1, 1): G_inf, symbols.g(2, 1): delta * G_inf, symbols.m(1, 1): G_inf,
           symbols.m(2, 1): delta * G_inf, symbols.Sv(1, 1): v1, symbols.Sv(2, 1): v1 + v2,
           symbols.vmax(1, 1): v1, symbols.vmax(2, 1): v1,  # v2 <= v1 iff delta^2 <= 1 - beta2
           symbols.beta1t(1): 0, symbols.beta1t(2): 0}  # fmt: skip
    assert sp.simplify(form.xreplace(run) - witness_bound()) == 0
    assert sp.simplify(witness_by_hand(rho) - witness_bound()) == 0
    assert THEOREMS["interpolation_improvement"].bound() == witness_bound()


def test_the_documented_example_exactly():
    w = dict(delta=Q(1, 4), alpha=Q(15, 4), D_inf=1, G_inf=1, beta2=Q(1, 2))
    B0, B1 = witness_by_hand(0, Q(1, 4), Q(15, 4), 1, 1, Q(1, 2)), witness_bound(1, **w)
    assert optimal_rho(**w) == Q(25, 56)
    assert sp.simplify(B0 - 197 * sp.sqrt(2) / 96) == 0 and B0 < B1
    assert sp.simplify(witness_bound(Q(25, 56), **w) - (Q(1, 4) + 15 * sp.sqrt(2) / 8)) == 0
    assert sp.simplify(improvement(**w) - (17 - 12 * sp.sqrt(2)) / 197) == 0
    assert THEOREMS["interpolation_improvement"].bound(rho=Q(25, 56), **w) == witness_bound(
        Q(25, 56), **w
    )


INSIDE = [  # (beta2, delta, alpha) with D = 1 inside the window, G varies
    (Q(1, 2), Q(1, 4), Q(15, 4)), (Q(1, 2), Q(1, 4), Q(37, 10)), (Q(1, 10), Q(1, 2), Q(12, 5)),
    (Q(9, 10), sp.sqrt(5) / 10, Q(199, 100)),
]  # fmt: skip


@pytest.mark.parametrize(("b2", "dl", "al"), INSIDE)
@pytest.mark.parametrize("G", [1, Q(3, 2)])
def test_inside_the_window_the_minimum_is_interior_and_closed_form(b2, dl, al, G):
    lo, hi = (1 - b2) * (1 + b2 + dl**2), 2 * (1 - b2)
    assert lo < al**2 * dl**2 < hi  # the window (D = 1)
    w = dict(delta=dl, alpha=al, D_inf=1, G_inf=G, beta2=b2)
    r = optimal_rho(**w)
    assert 0 < r < 1
    B = witness_bound(rho, **w)
    dB = sp.diff(B, rho)
    assert sp.simplify(dB.subs(rho, r)) == 0
    assert dB.subs(rho, 0) < 0 < dB.subs(rho, 1)  # the sufficient condition B'(0) < 0 < B'(1)
    assert sp.simplify(B.subs(rho, r) - (dl * G + al * G / (2 * sp.sqrt(1 - b2)))) == 0
    assert 0 < improvement(**w) < Q(1, 100)  # small, honestly


@pytest.mark.parametrize(("al", "end"), [(3, 0), (5, 1)])
def test_outside_the_window_an_endpoint_is_best(al, end):
    w = dict(delta=Q(1, 4), alpha=al, D_inf=1, G_inf=1, beta2=Q(1, 2))
    assert optimal_rho(**w) == end and improvement(**w) == 0
    with pytest.raises(ValueError, match="numbers"):
        improvement(delta, 1, 1, 1, Q(1, 2))


def test_the_numeric_witness_reproduces_the_exact_one_at_T2():
    got = ip.numeric_witness(T=2, beta2=0.5, delta=0.25, alpha=3.75, grid=5601)  # 25/56 on grid
    assert got["rho"] == pytest.approx(25 / 56, abs=1e-12)
    assert got["Bmin"] == pytest.approx(0.25 + 15 * np.sqrt(2) / 8, rel=1e-13)
    assert got["gain"] == pytest.approx((17 - 12 * np.sqrt(2)) / 197, rel=1e-7)


@pytest.mark.parametrize(
    ("b2", "dl", "al", "gain"), [(0.5, 0.1, 2.8, 0.111), (0.9, 0.1, 1.96, 0.022)]
)
def test_the_longer_witness_gains_more(b2, dl, al, gain):
    got = ip.numeric_witness(T=200, beta2=b2, delta=dl, alpha=al)
    assert 0 < got["rho"] < 1 and got["gain"] == pytest.approx(gain, abs=1e-3)
    prt = ip.parts(ip.witness_grads(200, dl), b2, np.zeros(200), 1.0, al)
    assert ip.regime(prt) == "undecided" and ip.dB(prt, 0.0)[0] < 0 < ip.dB(prt, 1.0)[0]


def _trace(G, b1t):
    T, d = G.shape
    x = np.zeros((T, d))
    x[1:] = 0.3  # D_inf = max |x_t - x*|_inf = 1.3
    return Trace(x=x, grads=G, v_hat=np.zeros_like(G), alpha=0.7 / np.sqrt(np.arange(1, T + 1)),
                 beta1=b1t, losses=np.zeros(T), comparator_losses=np.zeros(T),
                 x_star=np.full(d, -1.0))  # fmt: skip


def test_B_of_the_decomposition_is_the_printed_form_and_dB_its_derivative():
    rng = np.random.default_rng(8)
    G, b1t = rng.normal(size=(40, 3)), 0.8 * 0.9 ** np.arange(40)
    G[:5, 0] = 0.0  # W = 0 there: 0/0 := 0 in both
    tr = _trace(G, b1t)
    prt = ip.parts(G, 0.9, b1t, tr.D_inf(), 0.7)
    rhos = np.array([0.0, 0.25, 0.6, 1.0])
    want = [MIX.data_bound(tr, beta2=0.9, rho=r) for r in rhos]
    assert np.allclose(ip.B(prt, rhos), want, rtol=1e-12)
    h, mid = 1e-6, np.array([0.2, 0.5, 0.8])
    fd = (ip.B(prt, mid + h) - ip.B(prt, mid - h)) / (2 * h)
    assert np.allclose(ip.dB(prt, mid), fd, rtol=1e-6)


@pytest.mark.parametrize(("D", "expected"), [(1e3, "avgrad"), (1e-4, "amsgrad")])
def test_where_interpolation_cannot_help(D, expected):
    rng = np.random.default_rng(9)
    G, b1t = rng.normal(size=(30, 2)), 0.9 * 0.9 ** np.arange(30)
    prt = ip.parts(G, 0.99, b1t, D, 1.0)
    assert ip.regime(prt) == expected
    vals = ip.B(prt, np.linspace(0, 1, 201))
    steps = np.diff(vals) * (1 if expected == "avgrad" else -1)
    assert np.all(steps >= -1e-12 * np.abs(vals[1:]))
