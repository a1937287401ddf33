# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · Numeric verification of the bounds
#
# A bound is only as good as its encoding. This notebook checks the registry
# (`analysis.THEOREMS`) against simulated runs in four independent ways:
#
# 1. **Random instances** (`analysis.tightness`): every online theorem's algorithm runs on
#    the suite's online problems with random constants inside its assumptions; per
#    instance we compare the measured regret with the closed-form bound and the
#    data-dependent bound, and plot the ratios. The stochastic nonconvex theorems compare
#    seed means.
# 2. **Adversarial search** (`analysis.verify`): Nelder–Mead over loss sequences, start
#    points and constants, maximising measured/bound.
# 3. **Structural properties** the proofs rely on: $t\,\hat v_t$ is non-decreasing for
#    AVGrad and for every AMSGrad/AVGrad mix; for the Adam/AVGrad mix only under
#    $\rho \le \beta_2/((T-1)(1-\beta_2))$, and a zero gradient just outside that condition
#    breaks it.
# 4. **The machine-checked proofs** (`proofs`): run the checker in-process.
#
# A ratio above 1 on a proved theorem would be a bug; every claim is asserted, so a
# violated bound fails the notebook. Reddi et al.'s Theorem 4 and Corollary 1 are encoded
# as published, with a flawed proof, so for them violations are *reported*, not asserted
# away (none showed up in our runs either).

# %%
import os
import time

import matplotlib.pyplot as plt
import numpy as np

import proofs
from analysis import THEOREMS, tightness, verify
from analysis.problems import OnlineLinear, reddi3
from analysis.simulate import run

QUICK = os.environ.get("MADA_NOTEBOOK_QUICK") == "1"
CALLS = 1 if QUICK else 3  # simulate calls per (theorem, problem)
B = 8 if QUICK else 48  # instances per call
T_RANGE = (20, 100) if QUICK else (20, 300)
NONCONVEX_CALLS = 1 if QUICK else 4
BUDGET = 40 if QUICK else 400  # adversarial evaluations per theorem
# the corner scan at T = 2000 and 20,000 takes minutes with the coefficient paths
SCAN = {"corner_T": (1, 2, 50), "long": None} if QUICK else {}
N_PROPERTY = 30 if QUICK else 300  # random gradient sequences per property
FLAWED = ("amsgrad_regret_reddi2018", "amsgrad_regret_reddi2018_cor1")  # as published
print(f"QUICK={QUICK}: calls={CALLS}, B={B}, T in {T_RANGE}, budget={BUDGET}")


# %% [markdown]
# ## 1. Random instances: measured / bound
#
# The same loop as `tightness.tightest`, keeping every instance's ratio. The closed-form
# bound is evaluated at the run's observed $D_\infty$, $G_\infty$ (and, for Tran & Phong,
# its $t_0$).

# %%
rng = np.random.default_rng(0)
ratios, data_ratios, violations = {}, {}, {}
t_start = time.perf_counter()
for tid in tightness.online_ids():
    closed_r, data_r, bad = [], [], 0
    for name in tightness.ONLINE_PROBLEMS:
        for _ in range(CALLS):
            T = int(rng.integers(T_RANGE[0], T_RANGE[1] + 1))
            consts = tightness.sample_constants(tid, T, rng)
            problem = tightness.online_problem(name, B, rng)
            meas, bound, data = tightness.check_online(tid, problem, consts, T)
            tol = tightness.RTOL * np.abs(bound) + tightness.ATOL
            bad += int(np.sum(meas > bound + tol))
            seen = ~np.isnan(data)
            bad += int(np.sum(meas[seen] > data[seen] * (1 + tightness.RTOL) + tightness.ATOL))
            closed_r.append(meas / bound)
            data_r.append(meas[seen] / data[seen])
    ratios[tid], data_ratios[tid] = np.concatenate(closed_r), np.concatenate(data_r)
    violations[tid] = bad
print(f"{time.perf_counter() - t_start:.1f} s")
print(f"{'theorem':38s} {'n':>5s} {'max closed':>11s} {'max data':>9s} {'violations':>10s}")
for tid in ratios:
    print(f"{tid:38s} {ratios[tid].size:5d} {ratios[tid].max():11.4f} "
          f"{data_ratios[tid].max():9.4f} {violations[tid]:10d}")  # fmt: skip

# %%
for tid in ratios:
    assert ratios[tid].size == len(tightness.ONLINE_PROBLEMS) * CALLS * B
    assert np.all(np.isfinite(ratios[tid])), tid
    if tid in FLAWED:
        print(f"{tid}: {violations[tid]} violation(s) (published bound with a flawed proof)")
        continue
    assert violations[tid] == 0, (tid, violations[tid])
    assert ratios[tid].max() <= 1 + 1e-9 and data_ratios[tid].max() <= 1 + 1e-9, tid
# the data-dependent form is never looser than the closed form on the instances where both
# were evaluated, and for this package's own bounds it is reasonably tight
for tid in ("avgrad_regret", "avgrad_regret_constant_beta1"):
    assert data_ratios[tid].max() > 0.05, tid

# %%
ids = list(ratios)
fig, axes = plt.subplots(2, (len(ids) + 1) // 2, figsize=(18, 6.5), squeeze=False)
bins = np.logspace(-6, 0.1, 40)
for ax, tid in zip(axes.flat, ids, strict=False):
    pos = ratios[tid][ratios[tid] > 0]
    ax.hist(np.clip(pos, 1e-6, None), bins=bins, alpha=0.7, label="closed")
    dpos = data_ratios[tid][data_ratios[tid] > 0]
    ax.hist(np.clip(dpos, 1e-6, None), bins=bins, alpha=0.7, label="data")
    ax.axvline(1.0, color="r", lw=1)
    ax.set_xscale("log")
    ax.set_title(tid, fontsize=8)
    ax.set_xlabel("measured regret / bound (> 0 only)", fontsize=8)
axes.flat[0].legend()
for ax in list(axes.flat)[len(ids) :]:
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# Negative regrets (the algorithm beat the best fixed point) give negative ratios and are
# left out of the log-scale histograms. The stochastic nonconvex theorems bound an
# expectation; `tightness.tightest` compares the mean stationarity over seeds with the mean
# bound (runs whose iterates leave the box the constants hold on are reported, not used).

# %%
summary = tightness.tightest(calls=1, B=B, T=T_RANGE, seed=1, nonconvex_calls=NONCONVEX_CALLS)
for tid in tightness.nonconvex_ids():
    e = summary[tid]
    print(f"{tid:32s} ratio {e['ratio']:.3e}  seeds checked {e['n']}  left box "
          f"{e['left_box']}  violations {e['violations']}")  # fmt: skip
for tid, e in summary.items():
    if tid not in FLAWED:
        assert e["violations"] == 0, (tid, e)
        assert e["n"] == 0 or e["ratio"] <= 1 + 1e-9, (tid, e)
assert sum(summary[tid]["n"] for tid in tightness.nonconvex_ids()) > 0  # something was checked

# %% [markdown]
# ## 2. Adversarial search
#
# `analysis.verify.verify` searches each online theorem with a budget of objective
# evaluations (alternating restarts maximise the data ratio and the closed ratio).

# %%
t_start = time.perf_counter()
report = verify.verify(budget=BUDGET, seed=0, **SCAN)
print(f"{time.perf_counter() - t_start:.1f} s")
print(report.table())
assert {r.theorem for r in report.results} == set(verify.online_theorems())
for r in report.results:
    assert r.evaluations == BUDGET and r.rejected == 0, r.theorem
    if r.theorem in FLAWED:
        continue
    assert not r.violated, (r.theorem, r.data_ratio, r.closed_ratio)
    assert r.data_ratio <= 1 and r.closed_ratio <= 1
# the worst closed-form ratio found agrees with the exact sympy bound at that point
worst = max((r for r in report.results if r.theorem not in FLAWED), key=lambda r: r.closed_ratio)
exact = verify.confirm_closed(THEOREMS[worst.theorem], worst.worst_closed)
assert np.isclose(exact, worst.worst_closed.closed_bound, rtol=1e-9)
print(f"worst closed ratio {worst.closed_ratio:.4f} ({worst.theorem}); exact bound {exact:.6g}")

# %%
fig, ax = plt.subplots(figsize=(9, 3.5))
names = [r.theorem for r in report.results]
x = np.arange(len(names))
ax.bar(x - 0.2, [r.data_ratio for r in report.results], 0.4, label="worst data ratio")
ax.bar(x + 0.2, [r.closed_ratio for r in report.results], 0.4, label="worst closed ratio")
ax.axhline(1, color="r", lw=1)
ax.set_xticks(x, names, rotation=25, ha="right", fontsize=8)
ax.set_title(f"adversarial search, {BUDGET} evaluations per theorem")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. The property the proofs rely on: $t\,\hat v_t$ non-decreasing
#
# With $\alpha_t = \alpha/\sqrt t$, $\sqrt{\hat v_t}/\alpha_t = \sqrt{t\hat v_t}/\alpha$, so the
# regret proofs need $t\hat v_t$ non-decreasing in every coordinate.
#
# * AVGrad: $t\hat v_t = \sum_{s\le t} v_s$, non-decreasing since $v_s \ge 0$.
# * AMSGrad/AVGrad mix: $t\hat v_t = \rho\,t\max_{s \le t} v_s + (1-\rho)\sum_{s \le t} v_s$,
#   a sum of non-decreasing terms, for every $\rho \in [0, 1]$.
# * Adam/AVGrad mix (MADA's $\rho$): $W_t - W_{t-1} \ge [\beta_2 - \rho(t-1)(1-\beta_2)]
#   v_{t-1}$, so it is non-decreasing up to the horizon $T$ when
#   $\rho \le \beta_2/((T-1)(1-\beta_2))$, and a zero gradient ($v_t = \beta_2 v_{t-1}$)
#   just outside that condition makes it decrease.
# * Adam ($\rho = 1$) is not monotone at all, e.g. on Reddi et al.'s counterexample.
#
# We run the simulator on linear losses (the gradients are fixed, so $\hat v$ is a function
# of them alone) and check each claim on random gradient sequences.


# %%
def t_vhat(G, cfg):
    """t * vhat_t (T, d) of the simulator on f_t(x) = <g_t, x>."""
    T = G.shape[0]
    bt = run(OnlineLinear(G[None], radius=1.0), {"alpha": 1.0, "lr_schedule": "inv_sqrt", **cfg},
             T)  # fmt: skip
    return np.arange(1, T + 1)[:, None] * bt.v_hat[0]


def non_decreasing(a, rtol=1e-12):
    return bool(np.all(a[1:] >= a[:-1] * (1 - rtol) - 1e-300))


def rho_max(T, beta2):
    return beta2 / ((T - 1) * (1 - beta2))


prop = np.random.default_rng(7)
checked = {"average": 0, "max+average": 0, "adam_avg within": 0, "adam_avg outside": 0}
for _ in range(N_PROPERTY):
    T, d = int(prop.integers(3, 60)), int(prop.integers(1, 4))
    G = prop.normal(size=(T, d)) * 10 ** prop.uniform(-2, 2, size=(1, d))
    G[prop.random((T, d)) < 0.2] = 0.0  # some zero gradients
    beta2 = float(prop.uniform(0.01, 0.999))
    assert non_decreasing(t_vhat(G, {"beta2": beta2, "long_memory": "average", "rho": 0.0}))
    checked["average"] += 1
    rho = float(prop.choice([0.0, 1.0, prop.uniform()]))
    assert non_decreasing(t_vhat(G, {"beta2": beta2, "long_memory": "max+average", "rho": rho}))
    checked["max+average"] += 1
    rho = float(prop.uniform()) * min(rho_max(T, beta2), 1.0)
    mix = {"beta2": beta2, "long_memory": "mix", "mix": "adam_avg", "rho": rho}
    assert non_decreasing(t_vhat(G, mix))
    checked["adam_avg within"] += 1
    # just outside the condition at T (but inside at T - 1), with g_T = 0: decreases at T
    top = rho_max(T, beta2)
    rho = top + float(prop.uniform(1e-6, 1.0)) * (rho_max(T - 1, beta2) - top) * (1 - 1e-9)
    if rho <= 1:
        Gb = prop.uniform(0.5, 2.0, (T, 1)) * prop.choice([-1.0, 1.0], (T, 1))
        Gb[-1] = 0.0
        tv = t_vhat(Gb, {"beta2": beta2, "long_memory": "mix", "mix": "adam_avg", "rho": rho})
        tv = tv[:, 0]
        assert non_decreasing(tv[:-1]) and tv[-1] < tv[-2] * (1 - 1e-12)
        v = np.zeros(T)  # the identity T vhat_T - (T-1) vhat_{T-1} = v_{T-1} (b2 - rho (T-1)(1-b2))
        for t in range(T):
            v[t] = beta2 * (v[t - 1] if t else 0.0) + (1 - beta2) * Gb[t, 0] ** 2
        expected = v[-2] * (beta2 - rho * (T - 1) * (1 - beta2))
        assert np.isclose(tv[-1] - tv[-2], expected, rtol=1e-9, atol=1e-12)
        checked["adam_avg outside"] += 1
print(checked)
assert min(checked.values()) > 0

# %% [markdown]
# A concrete counterexample to the Adam/AVGrad condition, and Adam itself on Reddi et al.'s
# instance:

# %%
T_ex, beta2_ex = 10, 0.5
rho_ex = 1.05 * rho_max(T_ex, beta2_ex)  # 1.05 * 1/9, still inside at T - 1 (1/8)
G_ex = np.ones((T_ex, 1))
G_ex[-1] = 0.0
tv_ex = t_vhat(G_ex, {"beta2": beta2_ex, "long_memory": "mix", "mix": "adam_avg",
                      "rho": rho_ex})[:, 0]  # fmt: skip
tv_in = t_vhat(G_ex, {"beta2": beta2_ex, "long_memory": "mix", "mix": "adam_avg",
                      "rho": rho_max(T_ex, beta2_ex)})[:, 0]  # fmt: skip
print(f"rho = {rho_ex:.4f} > rho_max(T=10) = {rho_max(T_ex, beta2_ex):.4f}: "
      f"t vhat_t at t = 9, 10: {tv_ex[-2]:.6f} -> {tv_ex[-1]:.6f}")  # fmt: skip
print(f"rho = rho_max exactly: {tv_in[-2]:.6f} -> {tv_in[-1]:.6f}")
assert tv_ex[-1] < tv_ex[-2] and non_decreasing(tv_ex[:-1])
assert non_decreasing(tv_in)
C = 3.0
adam = run(reddi3(C=C), {"alpha": 0.5, "beta2": 1 / (1 + C * C), "lr_schedule": "inv_sqrt"}, 30)
tv_adam = np.arange(1, 31) * adam.v_hat[0, :, 0]
assert not non_decreasing(tv_adam)  # Adam's t vhat_t drops after the large gradient
print("Adam on reddi3: t vhat_t =", np.round(tv_adam[:7], 3))

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
axes[0].plot(np.arange(1, T_ex + 1), tv_ex, "o-", label=rf"$\rho$ = {rho_ex:.3f} (outside)")
axes[0].plot(np.arange(1, T_ex + 1), tv_in, "s--", label=rf"$\rho$ = {rho_max(T_ex, 0.5):.3f}")
axes[0].set(xlabel="t", ylabel=r"$t\,\hat v_t$", title=r"Adam/AVGrad mix, $g_{10} = 0$")
axes[0].legend()
axes[1].plot(np.arange(1, 31), tv_adam, "o-", color="C3")
axes[1].set(xlabel="t", ylabel=r"$t\,\hat v_t$", title="Adam on reddi3: not monotone")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 4. The machine-checked proofs
#
# Each proof in `proofs/` is a chain of steps, each certified `symbolic`, `interval` or
# `random` (at most 10% random). In quick mode we check AVGrad's regret proof, the
# interpolation witness and the Adam/AVGrad monotonicity lemma; in full mode every proof
# and lemma (what `python -m proofs check` does).

# %%
if QUICK:
    chosen = {k: proofs.all_proofs()[k] for k in ("avgrad_regret", "interpolation_improvement",
                                                  "lemma_adam_avg_monotone")}  # fmt: skip
else:
    chosen = proofs.all_proofs()
totals = {"symbolic": 0, "interval": 0, "random": 0}
t_start = time.perf_counter()
reports = {}
for pid, proof in chosen.items():
    reports[pid] = proof.check()
    print(reports[pid].summary())
    for k, n in reports[pid].counts().items():
        totals[k] += n
steps = sum(totals.values())
print(f"{len(reports)} proofs, {steps} steps: {totals} ({time.perf_counter() - t_start:.1f} s)")
assert all(r.ok for r in reports.values()), [p for p, r in reports.items() if not r.ok]
assert totals["random"] <= 0.10 * steps
if not QUICK:  # every theorem this package states has a proof
    own = {k for k, th in THEOREMS.items() if th.source.startswith("this package")}
    assert own <= set(proofs.PROOFS), own - set(proofs.PROOFS)

# %% [markdown]
# ## Summary
#
# * On random instances of every online problem, no proved bound was exceeded, neither in
#   closed form nor data-dependent; the histograms show how far below 1 the ratios sit.
# * The adversarial search found no violation either (the worst ratios are in the table).
# * $t\hat v_t$ is non-decreasing for AVGrad and every AMSGrad/AVGrad mix, and for the
#   Adam/AVGrad mix exactly under $\rho \le \beta_2/((T-1)(1-\beta_2))$: just outside it a
#   zero gradient breaks monotonicity by the predicted amount.
# * The machine-checked proofs pass.
