"""This package's own theorems, symbolically: printed forms, endpoint reductions, the comparison
with Reddi et al., closed forms, rates, assumptions, the nonconvex bound against Défossez et al.

The forms are written here again from the statements (module docstrings), independently of
the theorem modules and ``analysis.statements``; sums are compared after expanding them at a
small T and d.
"""

import numpy as np
import pytest
import sympy as sp

from analysis import statements, symbols
from analysis.theorems import THEOREMS
from analysis.theorems.avgrad_regret import TERMS

T, d, t, i = sp.symbols("T d t i", positive=True, integer=True)
D, G, al, b2, eps, R = sp.symbols("D_inf G_inf alpha beta2 eps R", positive=True)
b1, lam, rho, L, Dl = sp.symbols("beta1 lam rho L Delta", nonnegative=True)
S_vhat, S_g, S_mom = sp.symbols("S_vhat S_g S_mom", nonnegative=True)
g, m = sp.Function("g", real=True), sp.Function("m", real=True)
v, Sv, vmax, b1t, vh = (sp.Function(n, nonnegative=True)
                        for n in ("v", "Sv", "vmax", "beta1t", "vh"))  # fmt: skip
NAMES = {s.name: s for s in (T, d, D, G, al, b1, b2, lam, rho, eps, R, L, Dl, S_vhat, S_g,
                               S_mom)}  # fmt: skip


def _ours(expr):
    """``expr`` in this file's symbols (matched by name), log1p(x) written as log(1 + x)."""
    return expr.rewrite(sp.log).xreplace({s: NAMES[s.name] for s in expr.free_symbols})


def _sum_i(e):
    return sp.Sum(e, (i, 1, d))


def regret_form(W):
    """The three-term regret bound for t * vhat_t = W(t, i) (decaying momentum)."""
    return (D**2 / (2 * al) * _sum_i(sp.sqrt(W(T, i)))
            + D**2 / (al * (1 - b1)) * sp.Sum(b1t(t) * _sum_i(sp.sqrt(W(t, i))), (t, 1, T))
            + al * (1 + b1) / (2 * (1 - b1)) * sp.Sum(_sum_i(m(t, i) ** 2 / sp.sqrt(W(t, i))),
                                                      (t, 1, T)))  # fmt: skip


FORMS = {
    "avgrad_regret": regret_form(Sv),
    "amsgrad_avgrad_interpolation_regret": regret_form(lambda a, b: rho * a * vmax(a, b)
                                                       + (1 - rho) * Sv(a, b)),
    "adam_avgrad_interpolation_regret": regret_form(lambda a, b: rho * a * v(a, b)
                                                    + (1 - rho) * Sv(a, b)),
    "avgrad_regret_constant_beta1": D**2 / (2 * al) * _sum_i(sp.sqrt(Sv(T, i)))
    + al * (1 + b1) / (2 * (1 - b1)) * sp.Sum(_sum_i(m(t, i) ** 2 / sp.sqrt(Sv(t, i))), (t, 1, T))
    + b1 * D / (1 - b1) * _sum_i(sp.Abs(m(T, i))),
}  # fmt: skip
FIRST, THIRD = d * D**2 * G * sp.sqrt(T) / (2 * al), al * (1 + b1) * d * G * sp.sqrt(T)
MOMENTUM = b1 * d * D**2 * G / (al * (1 - b1) * (1 - lam) ** 2)
CLOSED = {
    "avgrad_regret": FIRST + MOMENTUM + THIRD / ((1 - b1) ** 2 * sp.sqrt(1 - b2)),
    "amsgrad_avgrad_interpolation_regret": FIRST + MOMENTUM
    + THIRD / ((1 - b1) ** 2 * sp.sqrt(1 - b2)),
    "adam_avgrad_interpolation_regret": FIRST + MOMENTUM
    + THIRD / ((1 - b1) ** 2 * sp.sqrt(1 - b2) * sp.sqrt(1 - rho)),
    "avgrad_regret_constant_beta1": FIRST + THIRD / ((1 - b1) * sp.sqrt(1 - b2))
    + b1 * d * D * G / (1 - b1),
    "avgrad_nonconvex": 2 * sp.sqrt(eps + T * R**2) * Dl / (al * T)
    + d * sp.sqrt(eps + T * R**2) * (4 * R * sp.sqrt(1 - b2) + al * L)
    * sp.log(1 + T * R**2 / eps) / ((1 - b2) * T),
}  # fmt: skip


def _expanded(expr, n_t=3, n_d=2):
    return sp.expand(expr.subs({T: n_t, d: n_d}).doit())


@pytest.mark.parametrize("th_id", sorted(FORMS))
def test_printed_form_identity(th_id):
    assert _expanded(_ours(THEOREMS[th_id].printed_form) - FORMS[th_id]) == 0


@pytest.mark.parametrize("th_id", sorted(CLOSED))
def test_closed_form_identity(th_id):
    assert sp.simplify(_ours(THEOREMS[th_id].bound()) - CLOSED[th_id]) == 0


def test_endpoint_reductions_are_exact():
    mix = THEOREMS["amsgrad_avgrad_interpolation_regret"]
    avgrad = THEOREMS["avgrad_regret"].printed_form
    assert mix.printed(rho=0) == avgrad
    assert mix.printed(rho=1) == statements.AMSGRAD_FORM
    assert _expanded(_ours(statements.AMSGRAD_FORM) - regret_form(lambda a, b: a * vmax(a, b))) == 0
    assert THEOREMS["adam_avgrad_interpolation_regret"].printed(rho=0) == avgrad
    assert THEOREMS["interpolation_improvement"].printed_form == statements.MAX_AVG_FORM
    # the worst case cannot see rho
    assert "rho" not in mix.symbols and mix.bound() == THEOREMS["avgrad_regret"].bound()


# ---- comparison with Reddi et al.'s Theorem 4, term by term ----------------------------------


def _in_vhat(term):
    """A term of the AVGrad data form with Sv(t, i) = t vhat(t, i) (vhat = AVGrad's own)."""
    return _ours(term).replace(Sv, lambda a, b: a * vh(a, b))


def test_terms_are_the_data_form_in_reddis_aggregates():
    first, momentum, _ = statements.regret_terms(statements.W_avgrad)
    aggregates = {  # S_vhat, S_mom with alpha_t = alpha / sqrt(t)
        S_vhat: _sum_i(sp.sqrt(vh(T, i))),
        S_mom: sp.Sum(_sum_i(b1t(t) * sp.sqrt(vh(t, i)) * sp.sqrt(t) / al), (t, 1, T)),
    }
    assert _expanded(_in_vhat(first) - _ours(TERMS[0]).xreplace(aggregates)) == 0
    assert _expanded(_in_vhat(momentum) - _ours(TERMS[1]).xreplace(aggregates)) == 0
    assert _ours(TERMS[2]) == _ours(statements.THIRD_COEFFICIENT) * S_g


def test_comparison_with_reddi_term_by_term():
    reddi = _ours(THEOREMS["amsgrad_regret_reddi2018"].printed_form)
    ours = [_ours(x) for x in TERMS]
    coeff = [sp.diff(reddi, s) for s in (S_vhat, S_mom, S_g)]
    assert sp.simplify(ours[0] / S_vhat / coeff[0] - (1 - b1) / 2) == 0  # ours smaller
    assert sp.simplify(ours[1] / S_mom / coeff[1] - 2) == 0  # ours twice as large
    gamma = b1 / sp.sqrt(b2)
    ratio = sp.simplify(ours[2] / S_g / coeff[2])
    assert sp.simplify(ratio - (1 + b1) * (1 - gamma) / sp.sqrt(1 + sp.log(T))) == 0
    # <= 1 - beta1^2 <= 1 wherever Reddi's bound is defined (gamma < 1), for every T >= 1
    f = sp.lambdify((b1, b2, T), ratio)
    rng = np.random.default_rng(1)
    b2v = rng.uniform(0.01, 0.999, 2000)
    b1v = rng.uniform(0, 0.999, 2000) * np.sqrt(b2v)
    Tv = rng.integers(1, 10**7, 2000).astype(float)
    r = f(b1v, b2v, Tv)
    assert np.all(r <= 1 - b1v**2 + 1e-15) and np.all(r > 0)


# ---- closed forms: monotone in T, rates, relations -------------------------------------------


@pytest.mark.parametrize("th_id", ["avgrad_regret", "avgrad_regret_constant_beta1",
                                   "adam_avgrad_interpolation_regret"])  # fmt: skip
def test_regret_bounds_grow_like_their_sqrt_T_part(th_id):
    """d/dT bound = (the sqrt(T) terms) / (2T) > 0: non-decreasing in T."""
    B = _ours(THEOREMS[th_id].bound())
    assert sp.simplify(sp.diff(B, T) - (B - B.subs(T, 0)) / (2 * T)) == 0
    assert THEOREMS[th_id].rate() == sp.sqrt(T)


def test_adam_mix_rate_at_the_largest_rho():
    th = THEOREMS["adam_avgrad_interpolation_regret"]
    assert th.rate(rho=statements.RHO_MAX) == sp.sqrt(symbols.T)  # rho -> 0 as T grows: sqrt(T)


def test_nonconvex_rate_and_decrease():
    th = THEOREMS["avgrad_nonconvex"]
    assert th.rate() == sp.log(symbols.T) / sp.sqrt(symbols.T)
    assert th.rate(beta2=sp.Rational(999, 1000)) == th.rate()
    f = sp.lambdify(T, th.bound(d=3, R=2, eps=1e-8, alpha=0.1, L=1, Delta=1, beta2=0.9))
    vals = f(np.unique(np.round(np.logspace(0, 9, 300))))
    assert np.all(np.diff(vals) < 0)


def test_nonconvex_at_beta2_zero_is_defossez_theorem1_with_a_larger_R_sqrt_T():
    ours = _ours(THEOREMS["avgrad_nonconvex"].bound(beta2=0))
    theirs = _ours(THEOREMS["adagrad_nonconvex_defossez2022"].bound())
    assert sp.simplify(ours.subs(sp.sqrt(eps + T * R**2), R * sp.sqrt(T)) - theirs) == 0
    f = sp.lambdify((T, R, eps, d, al, L, Dl), ours / theirs)
    rng = np.random.default_rng(2)
    args = (rng.integers(1, 10**6, 50), rng.uniform(0.01, 5, 50), 10 ** rng.uniform(-10, 0, 50),
            3, 0.1, 1.0, 1.0)  # fmt: skip
    assert np.all(f(*args) >= 1.0 - 1e-12)


def test_momentum_free_bounds_agree():
    """At beta1 = 0 the decaying and constant-beta1 theorems state the same bound."""
    dec, const = THEOREMS["avgrad_regret"], THEOREMS["avgrad_regret_constant_beta1"]
    assert sp.simplify(dec.bound(beta1=0) - const.bound(beta1=0)) == 0
    assert _expanded(dec.printed(beta1=0).replace(symbols.beta1t, lambda a: 0)
                     - const.printed(beta1=0)) == 0  # fmt: skip


# ---- assumptions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("th_id", "values", "needle"),
    [("avgrad_regret", dict(beta1=1.5), "beta1"), ("avgrad_regret", dict(beta2=1), "beta2"),
     ("avgrad_regret", dict(lam=1), "lam"),
     ("avgrad_regret_constant_beta1", dict(beta1=1), "beta1"),
     ("amsgrad_avgrad_interpolation_regret", dict(rho=2), "rho"),
     ("adam_avgrad_interpolation_regret", dict(rho=2), "rho"),
     ("adam_avgrad_interpolation_regret", dict(rho=1), "rho"),
     ("adam_avgrad_interpolation_regret", dict(rho=0.5, T=10, beta2=0.5), "rho"),
     ("adam_avgrad_interpolation_regret", dict(rho=sp.Rational(1, 9) + sp.Rational(1, 10**9),
                                               T=10, beta2=sp.Rational(1, 2)), "rho"),
     ("avgrad_nonconvex", dict(beta2=1), "beta2"), ("avgrad_nonconvex", dict(beta1=0.5), "beta1"),
     ("avgrad_nonconvex", dict(eps=0), "eps"), ("avgrad_nonconvex", dict(R=0), "R"),
     ("interpolation_improvement", dict(delta=0.9, beta2=0.5), "delta"),
     ("interpolation_improvement", dict(beta1=0.1), "beta1"),
     ("interpolation_improvement", dict(rho=1.5), "rho")],
)  # fmt: skip
def test_certain_violations_name_the_assumption(th_id, values, needle):
    with pytest.raises(ValueError, match=f"^{needle}"):
        THEOREMS[th_id].bound(**values)


def test_what_the_assumptions_allow():
    adam_mix = THEOREMS["adam_avgrad_interpolation_regret"]
    adam_mix.bound(rho=sp.Rational(99, 100), T=1, beta2=sp.Rational(1, 2))  # T = 1: no condition
    adam_mix.bound(rho=sp.Rational(1, 9), T=10, beta2=sp.Rational(1, 2))  # exactly RHO_MAX
    adam_mix.bound(rho=0.5)  # T, beta2 unknown: undecided
    for th_id in ("avgrad_regret", "avgrad_regret_constant_beta1",
                  "amsgrad_avgrad_interpolation_regret"):  # fmt: skip
        THEOREMS[th_id].bound(beta1=sp.Rational(99, 100), beta2=sp.Rational(1, 2))  # gamma > 1
    THEOREMS["avgrad_nonconvex"].bound(R=sp.Rational(1, 10), eps=1)  # no R >= sqrt(eps)
    with pytest.raises(ValueError, match="unknown constant"):
        THEOREMS["interpolation_improvement"].bound(T=5)  # the witness has T = 2


def test_cli_shows_the_witness_without_a_rate():
    from analysis.cli import bounds_rows

    (row,) = bounds_rows(["interpolation_improvement"], {"rho": 0, "delta": 0})
    assert row[2] == "-" and "alpha" in row[3]
    (row,) = bounds_rows(["avgrad_regret"], {"beta1": sp.Rational(9, 10)})
    assert row[2] == "sqrt(T)"


def test_numeric_twins_broadcast():
    for th_id in FORMS.keys() | {"avgrad_nonconvex", "interpolation_improvement"}:
        th = THEOREMS[th_id]
        rng = np.random.default_rng(3)
        pts = {"d": 3.0, "D_inf": 1.5, "G_inf": 2.0, "alpha": 0.3, "beta1": 0.5, "lam": 0.9,
               "rho": 0.05, "eps": 1e-8, "R": 2.0, "L": 1.0, "Delta": 1.0, "delta": 0.2,
               "T": np.array([[10.0], [1000.0], [10.0**6]])}  # fmt: skip
        pts["beta2"] = rng.uniform(0.5, 0.99, (1, 4))
        out = th.numeric(**{k: val for k, val in pts.items() if k in th.symbols})
        assert out.shape == ((3, 4) if "T" in th.symbols else (1, 4))
        at = {n: np.broadcast_to(pts[n], out.shape)[0, 2] for n in th.symbols}  # T = 10
        exact = th.bound(**{n: int(x) if n == "T" else sp.Float(x, 30) for n, x in at.items()})
        assert out[0, 2] == pytest.approx(float(exact.evalf(30)), rel=1e-10)
