"""BoundMonitor: streaming bounds equal Theorem.data_bound on every prefix, the optimizer-state
readings, skipping, every=k, resume through torch.save, and the errors."""

import io

import numpy as np
import pytest
import sympy as sp
import torch

from analysis.experiments.monitor import DEFAULT_THEOREMS, BoundMonitor
from analysis.problems import RandomQuadratics
from analysis.simulate import run
from analysis.sums import StreamingForm, evaluate, run_data
from analysis.symbols import Sv, g, i, m, t
from analysis.theorems import AVGRAD, THEOREMS
from analysis.trace import Trace
from mada import MADA
from tests.conftest import CUDA, DEVICES, EXACT_RTOL, FLOAT32_RTOL

T_RUN, D = 40, 3
OWN = tuple(tid for tid in DEFAULT_THEOREMS if THEOREMS[tid].run_data is not None)
REDDI = ("amsgrad_regret_reddi2018", "amsgrad_regret_reddi2018_cor1")


def _prefix(tr, n):
    return Trace(x=tr.x[:n], grads=tr.grads[:n], v_hat=tr.v_hat[:n], alpha=tr.alpha[:n],
                 beta1=tr.beta1[:n], losses=tr.losses[:n], x_star=tr.x_star)  # fmt: skip


def _simulated(schedule, rho=0.01, beta2=0.9, algorithm=AVGRAD):
    cfg = {**algorithm, "alpha": 0.3, "beta1": 0.8, "beta2": beta2, "momentum_schedule": schedule,
           "lam": 0.9}  # fmt: skip
    tr = run(RandomQuadratics(B=1, d=D, seed=3), cfg, T=T_RUN).trace(0)
    consts = {"alpha": 0.3, "beta2": beta2, "rho": rho, "D_inf": 1.7}
    return tr, consts


def _drive(tr, consts, **kw):
    mon = BoundMonitor(params=[torch.zeros(D, dtype=torch.float64)], constants=consts, **kw)
    for n in range(1, tr.T + 1):
        mon.observe(n, grads=[torch.tensor(tr.grads[n - 1])], params=[torch.tensor(tr.x[n - 1])],
                    beta1t=tr.beta1[n - 1])  # fmt: skip
        yield n, mon.record()


@pytest.mark.parametrize("schedule", ["geometric", "constant"])
def test_streaming_totals_equal_data_bound_on_every_prefix(schedule):
    # own theorems only: on this AVGrad run the trace's v_hat is the average, while the
    # published AMSGrad forms stream the max (compared on AMSGrad runs below)
    tr, consts = _simulated(schedule)
    reported = dict.fromkeys(OWN, 0)
    for n, rec in _drive(tr, consts):
        pre = _prefix(tr, n)
        np.testing.assert_allclose(rec["grad_norm_sum"], pre.sum_grad_norms(), rtol=EXACT_RTOL)
        assert rec["G_inf"] == pre.G_inf()
        for tid in OWN:
            if tid not in rec["bounds"]:  # skipped: the theorem does not apply to the prefix
                assert tid in rec["skipped"]
                with pytest.raises(ValueError):
                    THEOREMS[tid].data_bound(pre, **consts)
                continue
            reported[tid] += 1
            b = rec["bounds"][tid]
            want = THEOREMS[tid].data_bound(pre, **consts)
            np.testing.assert_allclose(b["total"], want, rtol=EXACT_RTOL)
            np.testing.assert_allclose(sum(b["terms"].values()), want, rtol=EXACT_RTOL)
    assert reported["avgrad_regret"] == T_RUN
    # constant momentum only applies while beta_1t has not varied (one step on the geometric run)
    assert reported["avgrad_regret_constant_beta1"] == (T_RUN if schedule == "constant" else 1)


@pytest.mark.parametrize("tid", REDDI)
def test_reddi_bounds_stream_equal_to_data_bound_on_every_prefix(tid):
    """Each published AMSGrad bound on an AMSGrad run with its own momentum schedule
    (Theorem 4: constant, Corollary 1: geometric, lam = 0.9); both Reddi ids are compared."""
    schedule = THEOREMS[tid].algorithm["momentum_schedule"]
    tr, consts = _simulated(schedule, algorithm=THEOREMS[tid].algorithm)
    consts = {k: consts[k] for k in ("alpha", "beta2", "D_inf")}
    reported = dict.fromkeys(REDDI, 0)
    for n, rec in _drive(tr, consts, theorems=REDDI):
        pre = _prefix(tr, n)
        for other in REDDI:
            if other not in rec["bounds"]:
                assert other in rec["skipped"]
                with pytest.raises(ValueError):
                    THEOREMS[other].data_bound(pre, beta2=consts["beta2"], D_inf=1.7)
                continue
            reported[other] += 1
            b = rec["bounds"][other]
            want = THEOREMS[other].data_bound(pre, beta2=consts["beta2"], D_inf=1.7)
            np.testing.assert_allclose(b["total"], want, rtol=EXACT_RTOL)
            np.testing.assert_allclose(sum(b["terms"].values()), want, rtol=EXACT_RTOL)
            assert sorted(b["terms"]) == ["adaptive", "distance", "momentum"]
    assert reported["amsgrad_regret_reddi2018"] == T_RUN  # any beta_1t <= beta1
    # Corollary 1 reads lam = beta_12 / beta_11 from step 2; constant momentum: lam = 1 fails
    cor1 = reported["amsgrad_regret_reddi2018_cor1"]
    assert cor1 == (T_RUN - 1 if schedule == "geometric" else 0)
    if schedule == "constant":
        assert rec["skipped"]["amsgrad_regret_reddi2018_cor1"].startswith("lam")


def test_reddi_cor1_takes_lam_from_constants_and_checks_the_schedule():
    tr, consts = _simulated("geometric", algorithm=THEOREMS[REDDI[1]].algorithm)  # lam 0.9
    consts = {"alpha": 0.3, "beta2": 0.9, "D_inf": 1.7, "lam": 0.95}  # beta_1t <= b lam^(t-1)
    for n, rec in _drive(tr, consts, theorems=REDDI[1]):
        want = THEOREMS[REDDI[1]].data_bound(_prefix(tr, n), beta2=0.9, D_inf=1.7, lam=0.95)
        np.testing.assert_allclose(rec["bounds"][REDDI[1]]["total"], want, rtol=EXACT_RTOL)
    # a lam below the run's: beta_1t = b 0.9^(t-1) > b 0.5^(t-1) from step 2 on
    for n, rec in _drive(tr, {**consts, "lam": 0.5}, theorems=REDDI[1]):
        assert (REDDI[1] in rec["bounds"]) == (n == 1)
    assert "at step 2" in rec["skipped"][REDDI[1]]


def test_reddi_cor1_is_skipped_once_a_learned_beta1_rises_above_its_schedule():
    tr, _ = _simulated("geometric", algorithm=THEOREMS[REDDI[1]].algorithm)
    b = 0.8 * 0.999 ** np.arange(tr.T)  # lam read from steps 1, 2: 0.999
    b[10:] = b[9] * 1.001  # then beta_1 drifts up, as a learned one may
    mon = BoundMonitor(None, params=[torch.zeros(tr.d, dtype=torch.float64)],
                       constants={"alpha": 0.3, "beta2": 0.9, "D_inf": 1.7},
                       theorems=REDDI[1])  # fmt: skip
    for n in range(1, tr.T + 1):
        mon.observe(n, grads=[torch.tensor(tr.grads[n - 1])],
                    params=[torch.tensor(tr.x[n - 1])], beta1t=b[n - 1])  # fmt: skip
        assert (REDDI[1] in mon.record()["bounds"]) == (2 <= n <= 10), n
    assert "at step 11" in mon.record()["skipped"][REDDI[1]]


def test_adam_mix_is_skipped_exactly_when_its_rho_condition_fails():
    tr, consts = _simulated("constant", rho=0.5, beta2=0.9)  # rho <= 0.9/(0.05 (T-1)): T <= 19
    for n, rec in _drive(tr, consts, theorems="adam_avgrad_interpolation_regret"):
        assert ("adam_avgrad_interpolation_regret" in rec["bounds"]) == (n <= 19)
    assert "rho" in rec["skipped"]["adam_avgrad_interpolation_regret"]


def test_terms_are_named_by_role():
    tr, consts = _simulated("constant")
    *_, (_, rec) = _drive(tr, consts)
    assert sorted(rec["bounds"]["avgrad_regret"]["terms"]) == ["adaptive", "distance", "momentum"]
    assert sorted(rec["bounds"]["avgrad_regret_constant_beta1"]["terms"]) == [
        "adaptive", "distance", "final_momentum"]  # fmt: skip


def test_a_new_sum_form_streams_and_unstreamable_forms_raise():
    rng = np.random.default_rng(0)
    grads, b1 = rng.normal(size=(7, 4)), np.full(7, 0.5)
    form = (sp.Sum(t * g(t, i) ** 2 / sp.sqrt(Sv(t, i)), (i, 1, 4), (t, 1, sp.Symbol("T",
            positive=True, integer=True))) + sp.Sum(sp.Abs(m(sp.Symbol("T", positive=True,
            integer=True), i)), (i, 1, 4)))  # fmt: skip
    sf = StreamingForm({"f": form}, {"beta2": 0.7}, d=4)
    for n in range(1, 8):
        sf.update(torch.tensor(grads[n - 1]), b1[n - 1])
        want = evaluate(form.subs(sp.Symbol("T", positive=True, integer=True), n),
                        run_data(grads[:n], 0.7, b1[:n]))  # fmt: skip
        np.testing.assert_allclose(float(sf.evaluate()["f"]), want, rtol=EXACT_RTOL)
    T = sp.Symbol("T", positive=True, integer=True)
    for bad in (sp.Sum(T * g(t, 1), (t, 1, T)), sp.Sum(g(t - 1, i), (i, 1, 2), (t, 1, T))):
        with pytest.raises(NotImplementedError):
            StreamingForm({"f": bad}, {}, d=2)


def _train(opt, w, steps, mon=None, start=1):
    for step in range(start, start + steps):
        opt.zero_grad()
        scale = 1.0 if step < 4 else 0.01  # shrinking gradients: Adam's sqrt(v)/alpha_t drops
        target = torch.arange(w.numel(), dtype=w.dtype, device=w.device)
        (scale * ((w - target) ** 2).sum()).backward()
        opt.step()
        if mon is not None:
            mon.observe(step)
    return mon


def _state_root(opt, w):
    st, b2 = opt.state[w], opt.param_groups[0]["betas"][1]
    if "exp_avg_sq" in st:
        return (st["exp_avg_sq"] / (1 - b2 ** int(st["step"]))).sqrt()
    return torch.lerp(st["v_bar"], st["v"], opt.param_groups[0]["rho"]).sqrt()


@pytest.mark.parametrize(
    ("make", "monotone"),
    [(lambda w: MADA([w], lr=0.1, rho=0.0, bias_correction=False), True),
     (lambda w: MADA.preset("amsgrad", [w], lr=0.1, bias_correction=False), True),
     (lambda w: MADA([w], lr=0.1, betas=(0.9, 0.5), rho=0.5, bias_correction=False), False),
     (lambda w: torch.optim.Adam([w], lr=0.1, betas=(0.9, 0.5)), False)],
)  # fmt: skip
@pytest.mark.parametrize("device", DEVICES)
def test_optimizer_state_readings(make, monotone, device):
    w = torch.nn.Parameter(torch.zeros(5, device=device))
    opt = make(w)
    mon = _train(opt, w, 10, BoundMonitor(opt))
    rec = mon.record()
    torch.testing.assert_close(rec["sqrt_vhat_sum"], float(_state_root(opt, w).sum()),
                               rtol=FLOAT32_RTOL, atol=0)  # fmt: skip
    assert (rec["safe_set"]["by_condition"]["S1"] == 0) == monotone
    assert rec["coefficients"]["beta1"] == 0.9 and rec["step"] == 10
    assert rec["D_inf"] == pytest.approx(float((w.detach() - 0).abs().max()), rel=1e-6)


@pytest.mark.parametrize("device", DEVICES)
def test_learned_mode_reads_the_pending_step_and_lion_has_no_second_moment(device):
    recs = []
    for learn in ((), True):  # hyper_lr = 0: learned mode, same coefficients
        w = torch.nn.Parameter(torch.zeros(5, device=device))
        opt = MADA([w], lr=0.1, betas=(0.9, 0.95), rho=0.3, learn=learn, hyper_lr=0.0)
        recs.append(_train(opt, w, 6, BoundMonitor(opt)).record())
    assert recs[1]["sqrt_vhat_sum"] == pytest.approx(recs[0]["sqrt_vhat_sum"], rel=FLOAT32_RTOL)
    counts = ("steps_read", "outside_steps", "outside_coordinate_steps", "by_condition")
    assert [recs[1]["safe_set"][k] for k in counts] == [recs[0]["safe_set"][k] for k in counts]
    w = torch.nn.Parameter(torch.zeros(5))
    opt = MADA.preset("lion", [w], lr=0.1)
    rec = _train(opt, w, 3, BoundMonitor(opt)).record()
    assert rec["sqrt_vhat_sum"] is None and rec["safe_set"]["steps_read"] == 0
    # Lion's vhat is v_t alone (rho = 1): neither interpolation theorem describes it; its
    # constant beta1 gives lam = 1, outside Reddi et al.'s Corollary 1
    assert set(rec["bounds"]) == set(DEFAULT_THEOREMS) - {
        "adam_avgrad_interpolation_regret",
        "amsgrad_avgrad_interpolation_regret",
        "amsgrad_regret_reddi2018_cor1",
    }
    assert rec["skipped"]["amsgrad_regret_reddi2018_cor1"].startswith("lam")


@pytest.mark.parametrize(
    ("make", "reported"),
    [(
            lambda w: MADA([w], lr=0.1, rho=0.0),  # AVGrad: a corner of both mixes
            {"amsgrad_avgrad_interpolation_regret": 0.0, "adam_avgrad_interpolation_regret": 0.0},
        ),
     (lambda w: MADA([w], lr=0.1, rho=0.0, long_memory="max"),
      {"amsgrad_avgrad_interpolation_regret": 1.0}),
     (lambda w: MADA([w], lr=0.1, betas=(0.9, 0.99), rho=0.3),
      {"adam_avgrad_interpolation_regret": 0.3}),
     (lambda w: torch.optim.Adam([w], lr=0.1, amsgrad=True),
      {"amsgrad_avgrad_interpolation_regret": 1.0})],
)  # fmt: skip
def test_each_interpolation_theorem_reads_rho_in_its_own_sense(make, reported):
    w = torch.nn.Parameter(torch.zeros(3))
    opt = make(w)
    mon = _train(opt, w, 4, BoundMonitor(opt))
    mixes = {"adam_avgrad_interpolation_regret", "amsgrad_avgrad_interpolation_regret"}
    assert set(mon.record()["bounds"]) & mixes == set(reported)
    for tid, rho in reported.items():
        assert mon.theorem_constants[tid]["rho"] == rho
    for tid in mixes - set(reported):
        assert tid in mon.record()["skipped"]
    if reported.get("amsgrad_avgrad_interpolation_regret") == 0.0:  # rho = 0 is AVGrad's form
        b = mon.record()["bounds"]
        assert b["amsgrad_avgrad_interpolation_regret"]["total"] == pytest.approx(
            b["avgrad_regret"]["total"], rel=1e-12
        )


def test_every_k_evaluates_less_often_with_the_same_numbers():
    runs = {}
    for every in (1, 3):
        w = torch.nn.Parameter(torch.zeros(4))
        opt = MADA([w], lr=0.1, rho=0.0)
        runs[every] = mon = _train(opt, w, 6, BoundMonitor(opt, every=every))
        if every == 3:
            _train(opt, w, 1, mon, start=7)
    assert runs[3].record()["bounds_step"] == 6
    assert runs[3].record()["bounds"] == runs[1].record()["bounds"]


def test_resume_through_torch_save_continues_to_identical_numbers():
    def fresh():
        w = torch.nn.Parameter(torch.zeros(6))
        opt = MADA([w], lr=0.05, betas=(0.9, 0.95), rho=0.2, learn=True)
        return w, opt, BoundMonitor(opt, every=2)

    w, opt, mon = fresh()
    _train(opt, w, 4, mon)
    buf = io.BytesIO()
    torch.save({"w": w.detach().clone(), "opt": opt.state_dict(), "mon": mon.state_dict()}, buf)
    _train(opt, w, 5, mon, start=5)
    buf.seek(0)
    saved = torch.load(buf, weights_only=True)
    w2, opt2, mon2 = fresh()
    with torch.no_grad():
        w2.copy_(saved["w"])
    opt2.load_state_dict(saved["opt"])
    mon2.load_state_dict(saved["mon"])
    assert mon2.record()["step"] == 4 and mon2.record()["bounds"] == saved["mon"]["bounds"]
    _train(opt2, w2, 5, mon2, start=5)
    assert mon2.record() == mon.record()
    with pytest.raises(ValueError, match="theorems"):
        BoundMonitor(opt2, theorems=["avgrad_regret"]).load_state_dict(saved["mon"])


def test_errors():
    w = torch.nn.Parameter(torch.zeros(2))
    opt = MADA([w], lr=0.1)
    with pytest.raises(ValueError, match="theorems"):
        BoundMonitor(opt, theorems=["no_such_theorem"])
    with pytest.raises(ValueError, match="theorems"):
        BoundMonitor(opt, theorems=["avgrad_nonconvex"])  # no streaming data form
    with pytest.raises(ValueError, match=r"theorems.*t_0"):  # t_0: a property of the whole run
        BoundMonitor(opt, theorems=["amsgrad_regret_corrected_tran2019"])
    assert "amsgrad_regret_corrected_tran2019" not in DEFAULT_THEOREMS
    with pytest.raises(ValueError, match="constants"):
        BoundMonitor(opt, constants={"gamma": 1.0})
    with pytest.raises(ValueError, match="constants"):
        BoundMonitor(torch.optim.SGD([w], lr=0.1))  # no beta2 to read
    with pytest.raises(ValueError, match="every"):
        BoundMonitor(opt, every=0)
    mon = _train(opt, w, 2, BoundMonitor(opt))
    with pytest.raises(ValueError, match="step"):
        mon.observe(2)
    assert "adam_avgrad_interpolation_regret" in BoundMonitor(opt).skipped  # Adam: rho = 1


@CUDA
@pytest.mark.cuda
def test_cuda_equals_cpu():
    recs = []
    for device in ("cpu", "cuda"):
        w = torch.nn.Parameter(torch.zeros(5, device=device))
        opt = MADA([w], lr=0.1, rho=0.0, bias_correction=False)
        recs.append(_train(opt, w, 6, BoundMonitor(opt)).record())
    for tid, b in recs[0]["bounds"].items():
        assert recs[1]["bounds"][tid]["total"] == pytest.approx(b["total"], rel=FLOAT32_RTOL)
