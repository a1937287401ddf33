"""coefficient_path_regret: special cases (sympy) and 10^4 seeded instances with random
coefficient paths in the box, safeguarded (numeric).

Measured (``pytest tests/analysis/test_theorems_coefficient_path.py``): 0 violations over
10,000 instances; the largest regret/bound was 0.046 (average) and 0.054 (max+average)
on the closed form, 0.456 on the data form (200 instances)."""

import numpy as np
import pytest
import sympy as sp

from analysis.problems import OnlineLinear, RandomQuadratics
from analysis.simulate import run
from analysis.statements import AVGRAD_FORM, W_avgrad, data_form
from analysis.theorems import THEOREMS
from analysis.theorems.coefficient_path_regret import Wpath, effective_beta2
from tests.conftest import EXACT_ATOL

TH = THEOREMS["coefficient_path_regret"]
NAMES = ("T", "d", "D_inf", "G_inf", "alpha", "beta1", "lam", "beta2")


def test_fixed_coefficient_theorems_are_special_cases():
    b = TH.bound()
    rho, beta2 = sp.Symbol("rho", nonnegative=True), sp.Symbol("beta2", positive=True)
    for fixed in ("avgrad_regret", "amsgrad_avgrad_interpolation_regret"):
        assert sp.simplify(b - THEOREMS[fixed].bound()) == 0
    adam_avg = THEOREMS["adam_avgrad_interpolation_regret"].bound()
    u, w = sp.symbols("u w", positive=True)  # 1 - beta2 > 0, 1 - rho > 0
    gap = (b.subs(beta2, effective_beta2(beta2, rho)) - adam_avg).subs({beta2: 1 - u, rho: 1 - w})
    assert sp.simplify(gap) == 0
    form = TH.printed_form.replace(Wpath, lambda a, c: W_avgrad(a, c))
    assert sp.simplify(form - AVGRAD_FORM) == 0
    assert TH.printed_form == data_form(Wpath)


def test_fixed_coefficient_algorithms_are_constant_paths_of_the_proved_one():
    """The proof's recurrence (proofs.coefficient_path_regret) at a constant path is each
    fixed-coefficient accumulator: Adam/AVGrad (mu = 0), AMSGrad/AVGrad (mu = 1; the max
    case of proofs.lemma_coefficient_path_max), AVGrad (rho = 0); v, ell >= 0 make
    max(0 * ell, v) = v."""
    from analysis import statements as st
    from analysis import symbols as sy
    from proofs import coefficient_path_regret as cp
    from proofs._path import ell, rhot

    t, i = sy.t, sy.i
    raw = cp.RAW.rhs
    for W, long_term, mu in ((st.W_adam_avg, sy.v, 0), (st.W_max_avg, sy.vmax, 1)):
        at = raw.replace(rhot, lambda a: sy.rho).replace(ell, long_term)
        assert sp.simplify(at - W(t, i)) == 0
        rec = cp.ELL_REC.rhs.subs(cp.mu, mu).replace(ell, long_term)
        assert rec == sp.Max(sy.vmax(t - 1, i), sy.v(t, i)) if mu else rec == sy.v(t, i)
    assert sp.simplify(raw.replace(rhot, lambda a: 0) - st.W_avgrad(t, i)) == 0


def _path(rng, b2_hi, rho_hi, sched):
    """Random adaptive coefficients inside the box: beta2t in [0, beta2_hi], rho_t in
    [0, rho_hi], half of the time switching with the sign of g_t m_{t-1} (the
    counterexample's rule); beta_1t = the run's geometric schedule."""

    def path(t, g, m):
        sign = np.where(g * m < 0, rho_hi, 0.0)
        rho = np.where(rng.random(g.shape) < 0.5, sign, rng.random(g.shape) * rho_hi)
        return {
            "rho": rho,
            "beta2": rng.random(g.shape) * b2_hi,
            "beta1": np.full(g.shape, sched[t - 1]),
        }

    return path


def _problem(kind, seed, B, d):
    if kind == "quadratics":
        return RandomQuadratics(B=B, d=d, radius=1.0, seed=seed)
    rng = np.random.default_rng(seed)
    costs = rng.normal(0, 1, (B, 1, d)) * rng.choice([-3.0, 1.0], (B, 100, d), p=[0.25, 0.75])
    return OnlineLinear(costs, 1.0, name="random_linear")


@pytest.mark.parametrize("long_memory", ["average", "max+average"])
def test_no_violation_over_random_paths_in_the_safe_set(long_memory):
    """5000 instances per interpolation (4 runs of 1250: alpha, beta1, lam per run; the box
    ends beta2_hi, rho_hi and the path per instance)."""
    B, T, d = 1250, 60, 2
    rng = np.random.default_rng(0 if long_memory == "average" else 1)
    worst = 0.0
    for k in range(4):
        p = _problem(("quadratics", "linear")[k % 2], 10 * k + 1, B, d)
        alpha, b1, lam = rng.uniform(0.05, 3.0), rng.uniform(0, 0.95), rng.uniform(0, 0.99)
        b2_hi, rho_hi = rng.uniform(0.01, 0.999, (B, 1)), rng.uniform(0, 0.99, (B, 1))
        if long_memory == "max+average":  # any rho_t in [0, 1]; the box's rho_hi is 0
            rho_hi, rho_b = np.ones((B, 1)), np.zeros(B)
        else:
            rho_b = rho_hi[:, 0]
        beta2 = effective_beta2(b2_hi[:, 0], rho_b)
        sched = b1 * lam ** np.arange(T)
        cfg = {"alpha": alpha, "beta2": 0.5, "lr_schedule": "inv_sqrt",
               "long_memory": long_memory, "path": _path(rng, b2_hi, rho_hi, sched),
               "safeguard": True}  # fmt: skip
        regret = run(p, cfg, T, record="final").regret
        bound = TH.numeric(T=T, d=d, D_inf=p.D_inf, G_inf=p.G_inf, alpha=alpha, beta1=b1,
                           lam=lam, beta2=beta2)  # fmt: skip
        assert np.all(regret <= bound), f"{p.name}: {np.max(regret / bound)}"
        worst = max(worst, float(np.max(regret / bound)))
    assert 0 < worst < 1


def test_data_form_holds_on_recorded_paths():
    """The data-dependent form on 200 safeguarded runs (full records)."""
    rng = np.random.default_rng(5)
    T, d, worst = 80, 2, 0.0
    for seed in range(200):
        p = _problem(("quadratics", "linear")[seed % 2], seed, 1, d)
        alpha, b1, lam = rng.uniform(0.05, 3.0), rng.uniform(0, 0.95), rng.uniform(0, 0.99)
        b2_hi, rho_hi = rng.uniform(0.01, 0.999), rng.uniform(0, 0.99)
        sched = b1 * lam ** np.arange(T)
        cfg = {"alpha": alpha, "beta2": 0.5, "lr_schedule": "inv_sqrt", "long_memory": "average",
               "path": _path(rng, b2_hi, rho_hi, sched), "safeguard": True}  # fmt: skip
        tr = run(p, cfg, T).trace(0)
        measured = TH.measured(tr)
        bound = TH.data_bound(tr, beta2=effective_beta2(b2_hi, rho_hi), lam=lam)
        assert measured <= bound
        worst = max(worst, measured / bound)
    assert 0 < worst < 1


def test_the_two_facts_of_the_yogi_sketch_hold_for_any_c():
    """The docstring's (vi), not a theorem: Yogi's rule (mada/_update.py) g~^2 = c g^2 +
    (1 - c)(v + sign(g^2 - v) g^2) gives g~^2 >= c g^2 and v_t <= max(v_{t-1}, 2 G^2) for
    every c, beta2 in [0, 1], v_{t-1} >= 0, g^2 <= G^2 = 1 (ties g^2 = v included)."""
    rng = np.random.default_rng(0)
    n = 200_000
    c, b2, g2 = rng.random(n), rng.random(n), rng.random(n)
    v = np.where(rng.random(n) < 0.1, g2, rng.random(n) * 3.0)  # 10% exact ties
    c[:1000], b2[1000:2000] = 0.0, 0.0  # the corners c = 0 (pure Yogi) and beta2 = 0
    gt2 = c * g2 + (1 - c) * (v + np.sign(g2 - v) * g2)
    v_new = b2 * v + (1 - b2) * gt2
    assert np.all(gt2 >= c * g2 - EXACT_ATOL)
    assert np.all(v_new <= np.maximum(v, 2.0) + EXACT_ATOL)
