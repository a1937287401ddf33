"""Every registered theorem: metadata, docstring, assumptions, rate, monotonicity, numeric twin."""

import importlib
import time

import numpy as np
import pytest
import sympy as sp

from analysis.algorithm import Algorithm, LongMemory
from analysis.symbols import T
from analysis.theorems import THEOREMS

IDS = sorted(THEOREMS)
ONLINE = [i for i in IDS if THEOREMS[i].setting == "online-convex"]
NONCONVEX = [i for i in IDS if THEOREMS[i].setting == "stochastic-nonconvex"]
WITH_T = [i for i in IDS if "T" in THEOREMS[i].symbols]  # interpolation_improvement: fixed T
GAMMA = [i for i in ONLINE if "gamma" in {c.name for c in THEOREMS[i].assumptions.constraints}]

RATES = {
    "amsgrad_regret_reddi2018": T ** sp.Rational(3, 2),  # constant beta1: no sublinear regret
    "amsgrad_regret_reddi2018_cor1": sp.sqrt(T) * sp.sqrt(sp.log(T)),
    "amsgrad_regret_corrected_tran2019": sp.sqrt(T) * sp.sqrt(sp.log(T)),
    "adam_nonconvex_defossez2022": sp.S.One,
    "adagrad_nonconvex_defossez2022": sp.log(T) / sp.sqrt(T),
    "avgrad_regret": sp.sqrt(T),
    "avgrad_regret_constant_beta1": sp.sqrt(T),
    "amsgrad_avgrad_interpolation_regret": sp.sqrt(T),
    "adam_avgrad_interpolation_regret": sp.sqrt(T),
    "avgrad_nonconvex": sp.log(T) / sp.sqrt(T),
    "coefficient_path_regret": sp.sqrt(T),
    "adam_avgrad_interpolation_nonconvex": sp.S.One,  # the noise floor -E ln(beta2)/rho
    "adam_avgrad_interpolation_nonconvex_momentum": sp.S.One,  # the same noise floor
    "interpolation_improvement": None,  # a T = 2 witness: no rate
}


def sample(th_id, rng, n):
    """n valid parameter points (arrays) for a theorem, T excluded (set by the caller)."""
    b2 = rng.uniform(0.05, 0.999, n)
    pts = {"d": rng.integers(1, 100, n).astype(float), "D_inf": rng.uniform(0.1, 5, n),
           "G_inf": rng.uniform(0.1, 5, n), "alpha": 10 ** rng.uniform(-3, 0, n),
           "beta2": b2, "beta1": rng.uniform(0, 0.95, n) * np.sqrt(b2),
           "lam": rng.uniform(0.01, 0.99, n), "t0": rng.integers(1, 200, n).astype(float),
           "eps": 10 ** rng.uniform(-10, -4, n), "L": rng.uniform(0, 10, n),
           "Delta": rng.uniform(0, 10, n)}  # fmt: skip
    pts["R"] = np.sqrt(pts["eps"]) + rng.uniform(0, 10, n)
    pts["rho"] = rng.uniform(0, 1, n)
    pts["delta"] = rng.uniform(0, 1, n) * np.sqrt(1 - b2)  # the witness: delta^2 <= 1 - beta2
    if th_id in ("adam_nonconvex_defossez2022", "adam_avgrad_interpolation_nonconvex_momentum"):
        pts["beta2"] = rng.uniform(0.5, 0.9999, n)
        pts["beta1"] = rng.uniform(0, 0.95, n) * pts["beta2"]
    return {k: v for k, v in pts.items() if k in THEOREMS[th_id].symbols}


def test_registry_is_keyed_by_module_name():
    assert IDS == ["adagrad_nonconvex_defossez2022", "adam_avgrad_interpolation_nonconvex",
                   "adam_avgrad_interpolation_nonconvex_momentum",
                   "adam_avgrad_interpolation_regret", "adam_nonconvex_defossez2022",
                   "amsgrad_avgrad_interpolation_regret",
                   "amsgrad_regret_corrected_tran2019", "amsgrad_regret_reddi2018",
                   "amsgrad_regret_reddi2018_cor1", "avgrad_nonconvex", "avgrad_regret",
                   "avgrad_regret_constant_beta1", "coefficient_path_regret",
                   "interpolation_improvement"]  # fmt: skip
    for th_id in IDS:
        assert importlib.import_module(f"analysis.theorems.{th_id}").THEOREM is THEOREMS[th_id]


@pytest.mark.parametrize("th_id", IDS)
def test_metadata_and_mini_paper_docstring(th_id):
    th = THEOREMS[th_id]
    assert th.kind == "upper"
    assert th.setting in {"online-convex", "stochastic-nonconvex", "interpolation"}
    if th.source.startswith("this package: "):  # our own: the proof is proofs/<id>.py
        assert th.source == f"this package: proofs/{th_id}.py"
        assert th.status.startswith("proved in this package")
    else:
        assert "Theorem" in th.source or "Corollary" in th.source
        assert th.status == "as published" or th.status.startswith(
            ("as published (", "corrected (")
        )
    alg = th.algorithm
    assert isinstance(alg, Algorithm) and alg.long_memory in set(LongMemory)
    assert alg.bias_correction is False  # the analysed iterations fold it into alpha_t or omit it
    assert alg.projected == (th.setting != "stochastic-nonconvex")
    doc = importlib.import_module(f"analysis.theorems.{th_id}").__doc__
    for section in ("**Setting", "**Algorithm", "**Bound", "**upper** bound", "**Status",
                    "References:", "Example:", ">>> ", ".. math::"):  # fmt: skip
        assert section in doc, section
    assert th.measured_quantity


@pytest.mark.parametrize("th_id", IDS)
def test_rate(th_id):
    if RATES[th_id] is None:
        with pytest.raises(ValueError, match="does not depend on T"):
            THEOREMS[th_id].rate()
        return
    assert sp.simplify(THEOREMS[th_id].rate() - RATES[th_id]) == 0


@pytest.mark.parametrize("th_id", WITH_T)
def test_bound_over_rate_stays_within_a_constant_factor(th_id):
    th = THEOREMS[th_id]
    pts = sample(th_id, np.random.default_rng(5), 3)
    rate = sp.lambdify(T, RATES[th_id])
    for k in range(3):
        p = {n: v[k] for n, v in pts.items()}
        r = [th.numeric(T=10.0**e, **p) / rate(10.0**e) for e in range(8, 17)]
        assert max(r) / min(r) < 3


@pytest.mark.parametrize("th_id", ONLINE)
def test_regret_bounds_increase_with_T(th_id):
    th = THEOREMS[th_id]
    pts = sample(th_id, np.random.default_rng(11), 20)
    Ts = np.arange(1.0, 3001.0)[:, None]
    vals = th.numeric(T=Ts, **{k: v[None, :] for k, v in pts.items()})
    assert np.all(np.diff(vals, axis=0) >= -1e-12 * np.abs(vals[:-1]))


@pytest.mark.parametrize("th_id", NONCONVEX)
def test_nonconvex_bounds_decrease_with_T(th_id):
    th = THEOREMS[th_id]
    pts = sample(th_id, np.random.default_rng(13), 20)
    Ts = np.unique(np.round(np.logspace(2, 9, 400)))[:, None]
    vals = th.numeric(T=Ts, **{k: v[None, :] for k, v in pts.items()})
    assert np.all(np.diff(vals, axis=0) <= 1e-12 * np.abs(vals[:-1]))


@pytest.mark.parametrize("th_id", IDS)
def test_numeric_twin_equals_the_exact_bound(th_id):
    th = THEOREMS[th_id]
    rng = np.random.default_rng(17)
    pts = sample(th_id, rng, 6)
    Ts = rng.integers(1000, 10**7, 6).astype(float)
    if "T" not in th.symbols:
        Ts = None
    elif th_id == "adam_avgrad_interpolation_regret":  # rho <= beta2/((T-1)(1-beta2))
        pts["rho"] = np.minimum(pts["rho"], 0.999 * pts["beta2"] / ((Ts - 1) * (1 - pts["beta2"])))
    fast = th.numeric(**pts, **({} if Ts is None else {"T": Ts}))
    for k in range(6):
        at_T = {} if Ts is None else {"T": int(Ts[k])}
        exact = th.bound(**at_T, **{n: sp.Float(v[k], 30) for n, v in pts.items()})
        assert fast[k] == pytest.approx(float(exact.evalf(30)), rel=1e-9)


@pytest.mark.parametrize("th_id", IDS)
def test_numeric_twin_is_fast_on_a_million_points(th_id):
    th = THEOREMS[th_id]
    pts = sample(th_id, np.random.default_rng(19), 10**6)
    if "T" in th.symbols:
        pts["T"] = np.random.default_rng(23).integers(1000, 10**7, 10**6).astype(float)
    th.numeric(**pts)  # compile
    times = []
    for _ in range(3):
        t = time.perf_counter()
        out = th.numeric(**pts)
        times.append(time.perf_counter() - t)
    assert out.shape == (10**6,) and np.all(np.isfinite(out))
    assert min(times) < 1.0


@pytest.mark.parametrize("th_id", IDS)
def test_numeric_twin_names_its_arguments(th_id):
    with pytest.raises(ValueError, match="needs exactly"):
        THEOREMS[th_id].numeric(T=1.0)


@pytest.mark.parametrize("th_id", IDS)
def test_exact_for_exact_inputs_and_float_for_floats(th_id):
    th = THEOREMS[th_id]
    exact = {"T": 10, "d": 2, "D_inf": 1, "G_inf": 1, "alpha": sp.Rational(1, 2),
             "beta1": sp.Rational(1, 4), "beta2": sp.Rational(1, 2), "lam": sp.Rational(1, 2),
             "t0": 3, "eps": sp.Rational(1, 100), "L": 1, "R": 1, "Delta": 1,
             "rho": sp.Rational(1, 10), "delta": sp.Rational(1, 2)}  # fmt: skip
    if th_id == "adagrad_nonconvex_defossez2022":
        exact.pop("beta1"), exact.pop("beta2")
    vals = {k: v for k, v in exact.items() if k in th.symbols}
    e = th.bound(**vals)
    assert not e.free_symbols and not e.has(sp.Float)
    f = th.bound(**{k: float(v) for k, v in vals.items()})
    assert f.is_Float or f.has(sp.Float)
    assert float(f.evalf()) == pytest.approx(float(e.evalf(30)), rel=1e-12)


@pytest.mark.parametrize("th_id", IDS)
def test_symbols_pass_through(th_id):
    th = THEOREMS[th_id]
    b, x = sp.Symbol("b"), sp.Symbol("x", positive=True)
    name = "alpha"
    e = th.bound(**{name: b})
    assert b in e.free_symbols and ("T" not in th.symbols or th.bound(T=x).has(x))
    assert sp.simplify(e.subs(b, sp.Rational(1, 3)) - th.bound(alpha=sp.Rational(1, 3))) == 0


@pytest.mark.parametrize("th_id", IDS)
def test_certain_violations_raise_and_unknown_names_too(th_id):
    th = THEOREMS[th_id]
    with pytest.raises(ValueError, match=r"^beta1"):
        th.bound(beta1=1.5)
    with pytest.raises(ValueError, match=r"^alpha"):
        th.bound(alpha=0)
    with pytest.raises(ValueError, match="unknown constant"):
        th.bound(nosuch=1)


@pytest.mark.parametrize("th_id", GAMMA)
def test_gamma_at_least_one_is_rejected(th_id):
    with pytest.raises(ValueError, match=r"^gamma"):
        THEOREMS[th_id].bound(beta1=sp.Rational(9, 10), beta2=sp.Rational(81, 100))  # gamma = 1
    with pytest.raises(ValueError, match=r"^gamma"):
        THEOREMS[th_id].bound(beta1=sp.Rational(99, 100), beta2=sp.Rational(9, 10))
    THEOREMS[th_id].bound(beta1=0.9)  # beta2 unknown: gamma undecided


@pytest.mark.parametrize("th_id", IDS)
def test_latex(th_id):
    out = THEOREMS[th_id].latex()
    assert "\\frac" in out and "\\alpha" in out
    th = THEOREMS[th_id]
    assert "\\sum" in th.latex(form="printed") or th.setting == "stochastic-nonconvex"
