"""analysis.simulate: equal to mada.MADA in float64, Reddi's example, bounds on simulated runs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from analysis.problems import RandomQuadratics, SigmoidRegression, reddi3, reddi3_stochastic
from analysis.simulate import BatchTrace, Final, normalise, run
from analysis.theorems import THEOREMS
from mada import MADA
from tests.conftest import EXACT_ATOL, EXACT_RTOL

T_MADA = 200


def mada_iterates(problem, T, **kwargs):
    """x_1..x_T of mada.MADA (constant lr) on the problem's instances, as one tensor."""
    x = torch.tensor(problem.x0, dtype=torch.float64, requires_grad=True)
    opt = MADA([x], **kwargs)
    out = []
    for t in range(1, T + 1):
        out.append(x.detach().numpy().copy())
        x.grad = torch.from_numpy(problem.grad(t, x.detach().numpy()))
        opt.step()
    return np.stack(out, axis=1)


# (simulator config, MADA keyword arguments)
CROSS = {
    "adam": ({"long_memory": "none", "bias_correction": True},
             {"rho": 1.0, "bias_correction": True}),
    "avgrad": ({"long_memory": "average", "rho": 0.0, "bias_correction": False},
               {"rho": 0.0, "long_memory": "average", "bias_correction": False}),
    "amsgrad_bc": ({"long_memory": "max", "bias_correction": True},
                   {"rho": 0.0, "long_memory": "max", "bias_correction": True}),
    "rho_mix_bc": ({"long_memory": "mix", "mix": "adam_avg", "rho": 0.3, "bias_correction": True},
                   {"rho": 0.3, "long_memory": "average", "bias_correction": True}),
    "rho_mix_eps": ({"long_memory": "average", "rho": 0.7, "eps": 1e-3},
                    {"rho": 0.7, "long_memory": "average", "eps": 1e-3,
                     "bias_correction": False}),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CROSS))
def test_iterates_equal_mada(name):
    cfg, kw = CROSS[name]
    p = RandomQuadratics(B=3, d=4, radius=1e9, seed=1, x0=0.5)  # the box never acts
    bt = run(p, {"alpha": 0.05, "beta1": 0.9, "beta2": 0.99, **cfg}, T_MADA)
    ref = mada_iterates(p, T_MADA, lr=0.05, betas=(0.9, 0.99), eps=kw.pop("eps", 0.0), **kw)
    np.testing.assert_allclose(bt.x, ref, rtol=1e-12, atol=1e-12)
    assert np.max(np.abs(bt.x[:, -1] - bt.x[:, 0])) > 0.1  # it moved


def test_record_final_matches_full():
    p = reddi3_stochastic(B=4, seed=3)
    cfg = {"alpha": 0.3, "beta1": 0.5, "beta2": 0.2, "lr_schedule": "inv_sqrt",
           "long_memory": "max+average", "rho": 0.4, "momentum_schedule": "geometric",
           "lam": 0.9}  # fmt: skip
    bt, fin = run(p, cfg, 300), run(p, cfg, 300, record="final")
    assert isinstance(bt, BatchTrace) and isinstance(fin, Final)
    np.testing.assert_allclose(fin.regret, bt.regret, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(fin.v_hat, bt.v_hat[:, -1])
    for b in range(4):
        tr = bt.trace(b)
        assert fin.G_inf[b] == tr.G_inf() and fin.D_inf[b] == tr.D_inf()
    np.testing.assert_allclose(bt.beta1, 0.5 * 0.9 ** np.arange(300))
    np.testing.assert_allclose(bt.alpha, 0.3 / np.sqrt(np.arange(1, 301)))


def test_zero_gradient_coordinates_do_not_move():
    p = RandomQuadratics(B=1, d=2, radius=1e9, a_range=(1.0, 1.0), c_max=0.0, x0=[0.0, 1.0])
    bt = run(p, {"alpha": 0.1, "beta2": 0.5, "long_memory": "average"}, 5)
    assert np.all(bt.x[0, :, 0] == 0.0) and np.all(np.isfinite(bt.x))


@pytest.mark.parametrize("bad", [{"long_memory": "min"}, {"lr_schedule": "inv"}, {"foo": 1},
                                 {"long_memory": "max+average"}, {"long_memory": "average",
                                                                  "rho": 2.0}])  # fmt: skip
def test_bad_configs_raise(bad):
    with pytest.raises(ValueError):
        normalise({"alpha": 1.0, "beta2": 0.5, **bad})


def reddi_config(long_memory, C=3.0):
    return {"alpha": 0.5, "beta1": 0.0, "beta2": 1 / (1 + C * C), "lr_schedule": "inv_sqrt",
            "long_memory": long_memory, "rho": 0.0}  # fmt: skip


def test_reddi3_adam_fails_avgrad_amsgrad_converge():
    p, T = reddi3(C=3), 3000
    avg = {}
    for lm in ("none", "max", "average"):
        tr = run(p, reddi_config(lm), T).trace(0)
        head = tr.losses[:300].sum() - tr.comparator_losses[:300].sum()
        avg[lm] = (head / 300, tr.regret / T)
    adam = avg.pop("none")
    assert adam[1] > 0.5 and adam[1] >= 0.9 * adam[0]  # Adam's average regret stays up
    for early, late in avg.values():
        assert late < 0.5 * early and late < 0.1


ONLINE = {
    "reddi3": lambda: reddi3(C=3, B=2),
    "reddi3_stochastic": lambda: reddi3_stochastic(B=2, seed=5),
    "quadratics": lambda: RandomQuadratics(B=2, d=3, radius=1.0, c_max=2.0, seed=2),
}


INTERP = "amsgrad_avgrad_interpolation_regret"


@pytest.mark.parametrize("problem", list(ONLINE))
@pytest.mark.parametrize("theorem_id, rho", [("avgrad_regret", None), (INTERP, 0.0),
                                             (INTERP, 0.6), (INTERP, 1.0)])  # fmt: skip
def test_regret_within_data_bound_within_bound(problem, theorem_id, rho):
    th, p, T = THEOREMS[theorem_id], ONLINE[problem](), 400
    beta1, beta2, lam, alpha = 0.8, 0.3, 0.95, 0.4
    cfg = {**th.algorithm, "alpha": alpha, "beta1": beta1, "beta2": beta2, "lam": lam}
    consts = {"beta2": beta2}
    if rho is not None:
        cfg["rho"] = consts["rho"] = rho
    bt = run(p, cfg, T)
    for b in range(p.B):
        tr = bt.trace(b)
        measured = th.measured(tr)
        data = th.data_bound(tr, **consts)
        closed = float(th.bound(T=T, d=p.d, D_inf=tr.D_inf(), G_inf=tr.G_inf(), alpha=alpha,
                                beta1=beta1, beta2=beta2, lam=lam))  # fmt: skip
        assert measured <= data <= closed, (measured, data, closed)


def test_speed_benchmark_smoke(capsys):
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "simulate_speed.py"
    spec = importlib.util.spec_from_file_location("_bench_simulate_speed", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    med = module.main(["--instances", "50", "--steps", "2000", "--repeats", "1"])
    assert 0 < med < 5 and "target < 60 s" in capsys.readouterr().out


def written_nonconvex(problem, th_id, T, alpha, beta1, beta2, eps):
    """The nonconvex theorems' iterations as written in their docstrings (x, v, alpha_n)."""
    x = problem.x0.copy()
    m, v, Sv = (np.zeros_like(x) for _ in range(3))
    xs, vs, steps = [], [], []
    for n in range(1, T + 1):
        g = problem.grad(n, x)
        xs.append(x)
        if th_id == "avgrad_nonconvex":
            v = beta2 * v + (1 - beta2) * g * g
            Sv = Sv + v
            x = x - alpha * g / np.sqrt(eps + Sv)
            steps.append(alpha / np.sqrt(n))
        else:
            m, v = beta1 * m + g, beta2 * v + g * g
            an = alpha
            if th_id == "adam_nonconvex_defossez2022":
                an = alpha * (1 - beta1) * np.sqrt((1 - beta2**n) / (1 - beta2))
            x = x - an * m / np.sqrt(eps + v)
            steps.append(an)
        vs.append(v)
    return np.stack(xs, 1), np.stack(vs, 1), np.array(steps), x


@pytest.mark.parametrize("th_id, beta1, beta2", [("adam_nonconvex_defossez2022", 0.6, 0.9),
                                                 ("adam_nonconvex_defossez2022", 0.0, 0.5),
                                                 ("adagrad_nonconvex_defossez2022", 0.0, 1.0),
                                                 ("avgrad_nonconvex", 0.0, 0.8)])  # fmt: skip
def test_nonconvex_iterations_equal_the_written_equations(th_id, beta1, beta2):
    p = SigmoidRegression(B=3, d=3, n=40, radius=3.0, seed=4)
    p.x0 = np.random.default_rng(0).uniform(-1, 1, (3, 3))
    T, alpha, eps = 150, 0.05, 1e-6
    cfg = {**THEOREMS[th_id].algorithm, "alpha": alpha, "beta1": beta1, "beta2": beta2,
           "eps": eps}  # fmt: skip
    bt, fin = run(p, cfg, T), run(p, cfg, T, record="final")
    xs, vs, steps, last = written_nonconvex(p, th_id, T, alpha, beta1, beta2, eps)
    np.testing.assert_allclose(bt.x, xs, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(bt.v, vs, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(bt.alpha, steps, rtol=1e-12)
    np.testing.assert_allclose(fin.x, last, rtol=1e-12, atol=1e-12)
    assert np.max(np.abs(last - p.x0)) > 0.05  # it moved
    assert bt.inside.all() and fin.inside.all()
    if th_id == "avgrad_nonconvex":
        np.testing.assert_allclose(bt.v_hat, np.cumsum(vs, 1) / np.arange(1, T + 1)[:, None])
    else:
        np.testing.assert_array_equal(bt.v_hat, bt.v)
    tr = bt.trace(0)
    assert tr.v.shape == (T, 3) and np.all(tr.full_grad_sq_norms >= 0)


def test_nonconvex_iterations_do_not_project_and_record_leaving_the_box():
    p = SigmoidRegression(B=4, d=3, n=40, radius=0.2, seed=1)
    cfg = {**THEOREMS["adagrad_nonconvex_defossez2022"].algorithm, "alpha": 0.5, "eps": 1e-8}
    bt, fin = run(p, cfg, 50), run(p, cfg, 50, record="final")
    left = np.any(np.abs(bt.x) > 0.2, axis=(1, 2)) | np.any(np.abs(fin.x) > 0.2, axis=1)
    assert left.any()
    np.testing.assert_array_equal(bt.inside, ~left)
    np.testing.assert_array_equal(fin.inside, ~left)


def test_online_traces_record_the_second_moment():
    p = reddi3_stochastic(B=2, seed=1)
    cfg = {"alpha": 0.3, "beta1": 0.5, "beta2": 0.7, "long_memory": "max", "rho": 0.0}
    bt = run(p, cfg, 60)
    v = np.zeros((2, 1))
    for t in range(60):
        v = 0.7 * v + 0.3 * bt.grads[:, t] ** 2
        np.testing.assert_allclose(bt.v[:, t], v, rtol=1e-14)
    np.testing.assert_array_equal(bt.v_hat, np.maximum.accumulate(bt.v, axis=1))
    assert bt.inside is None and np.array_equal(bt.trace(1).v, bt.v[1])


DEFOSSEZ = {"moments": "sum", "eps_placement": "inside", "projected": False}
AVGRAD_EPS_T = {"eps_placement": "inside/t", "projected": False}


@pytest.mark.parametrize("bad", [{**DEFOSSEZ, "long_memory": "max"},
                                 {**DEFOSSEZ, "lr_schedule": "defossez_adam", "beta2": 1.0},
                                 {**DEFOSSEZ, "bias_correction": True},
                                 {**DEFOSSEZ, "projected": True},
                                 {**DEFOSSEZ, "eps_placement": "outside"},
                                 {**DEFOSSEZ, "momentum_schedule": "geometric"},
                                 {**AVGRAD_EPS_T, "long_memory": "average", "rho": 0.0,
                                  "lr_schedule": "constant"},
                                 {**AVGRAD_EPS_T},
                                 {"projected": False, "long_memory": "max"},
                                 {"lr_schedule": "defossez_adam"}])  # fmt: skip
def test_bad_nonconvex_configs_raise(bad):
    with pytest.raises(ValueError):
        normalise({"alpha": 1.0, "beta2": 0.5, **bad})


@pytest.mark.parametrize("rho", [0.3, 1.0, "schedule"])
def test_interpolated_nonconvex_iteration_equals_the_written_equations(rho):
    """adam_avgrad_interpolation_nonconvex: w_t = rho_t v_t + (1 - rho_t) mean(v_1..v_t)."""
    p = SigmoidRegression(B=2, d=3, n=40, radius=3.0, seed=4)
    T, alpha, beta2, eps = 120, 0.05, 0.8, 1e-6
    rho_t = np.linspace(0.05, 1.0, T) if rho == "schedule" else np.full(T, rho)
    cfg = {**THEOREMS["adam_avgrad_interpolation_nonconvex"].algorithm, "alpha": alpha,
           "beta2": beta2, "eps": eps, "rho": rho_t if rho == "schedule" else rho}  # fmt: skip
    bt = run(p, cfg, T)
    x, v, Sv = np.array(p.x0, dtype=np.float64), np.zeros((2, 3)), np.zeros((2, 3))
    for n in range(1, T + 1):
        np.testing.assert_allclose(bt.x[:, n - 1], x, rtol=EXACT_RTOL, atol=EXACT_ATOL)
        v = beta2 * v + p.grad(n, x) ** 2
        Sv = Sv + v
        w = rho_t[n - 1] * v + (1 - rho_t[n - 1]) * Sv / n
        np.testing.assert_allclose(bt.v_hat[:, n - 1], w, rtol=EXACT_RTOL)
        x = x - alpha * np.sqrt((1 - beta2**n) / (1 - beta2)) * p.grad(n, x) / np.sqrt(eps + w)
    assert bt.inside.all()


@pytest.mark.parametrize("rho", [0.0, 1.5, None, np.ones((2, 2))])
def test_interpolated_nonconvex_iteration_needs_rho_in_range(rho):
    cfg = {"alpha": 1.0, "beta2": 0.5, **DEFOSSEZ, "long_memory": "average", "rho": rho}
    with pytest.raises(ValueError, match="rho"):
        normalise(cfg)
