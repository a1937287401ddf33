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
# # 04 · MADA training runs
#
# The theory of notebooks 01–03 is about online convex problems. Here MADA trains real
# models, offline and on a CPU:
#
# * a small CNN on scikit-learn's bundled **digits** (1,797 real 8×8 handwritten digits);
# * a character-level **GPT** on the Python standard library's own source text (any UTF-8
#   file with `text=...`).
#
# We compare MADA (all six coefficients learned by hypergradient descent) with Adam, AdamW,
# AMSGrad, AVGrad, Yogi, the Adan and Lion corners and HyperAdam; watch the coefficients
# move; put the streamed data-dependent bounds beside the loss with the bound monitor; check
# that a killed run resumes exactly; and map the robustness grid over initial $(\beta_1,
# \beta_2)$, as in the paper's contour figure. `MADA_NOTEBOOK_QUICK=1` shrinks everything.

# %%
import itertools
import math
import os
import tempfile

import torch
from IPython.display import Image, display

from analysis.experiments import figures
from analysis.experiments.grid import robustness_grid
from analysis.experiments.optimizers import OPTIMIZERS, coefficients, make_optimizer
from analysis.experiments.train import RunConfig, train

QUICK = os.environ.get("MADA_NOTEBOOK_QUICK") == "1"
SIZE = "quick" if QUICK else "default"
# figures and the checkpoint go to a temporary folder, removed by the last cell (or, if the
# notebook stops earlier, when the kernel exits); the figures are embedded when displayed
WORK = tempfile.TemporaryDirectory(prefix="mada-nb04-")
OUT = WORK.name

# %% [markdown]
# ## Nine optimizers on digits
#
# One seed, the task's default learning rate (constant), every optimizer from its own
# corner of the MADA space. MADA starts at Adam's point with $\beta = (0.9, 0.95)$.

# %%
runs = [train(RunConfig(task="digits", optimizer=name, size=SIZE), progress=False)
        for name in OPTIMIZERS]  # fmt: skip
print(f"{'optimizer':<10} {'train':>8} {'val':>8}")
for r in runs:
    print(f"{r.config['optimizer']:<10} {r.final['train_loss']:8.4f} {r.final['val_loss']:8.4f}")
    assert not r.final["diverged"], r.config["optimizer"]
    assert r.history[-1]["train_loss"] < r.history[0]["train_loss"], r.config["optimizer"]
display(Image(figures.loss_curves(runs, f"{OUT}/loss.png", title="digits")))

# %% [markdown]
# ## The learned coefficients
#
# HyperAdam learns $\beta_1, \beta_2$; MADA learns all six. The others stay at their
# corners (flat lines).

# %%
display(Image(figures.coefficient_trajectories(runs, f"{OUT}/coefficients.png")))
mada_run = runs[OPTIMIZERS.index("mada")]
start = coefficients(make_optimizer("mada", [torch.nn.Parameter(torch.zeros(1))], lr=1e-3))
end = mada_run.history[-1]["coefficients"]
print("initial -> final:", {k: (round(start[k], 4), round(end[k], 4)) for k in start})
assert start != end  # the hypergradients moved the coefficients

# %% [markdown]
# ## Bounds beside the loss
#
# The bound monitor streams the data-dependent forms of this package's online theorems on
# the run's gradients (no trace is stored), with $D_\infty$ replaced by the observed
# $\ell_\infty$ diameter of the iterates. The measured side is the regret against the final
# iterate. The network is not convex, so this is an illustration of the bound's terms, not a
# guarantee; every bound is a sum of non-negative terms and must grow with $t$.

# %%
monitored = train(RunConfig(task="digits", optimizer="avgrad", size=SIZE, monitor=True),
                  progress=False)  # fmt: skip
display(Image(figures.bound_vs_measured(monitored, f"{OUT}/bounds.png")))
for theorem in monitored.history[-1]["monitor"]["bounds"]:
    totals = [r["monitor"]["bounds"][theorem]["total"] for r in monitored.history]
    assert all(b >= a for a, b in itertools.pairwise(totals)), theorem
    print(theorem, f"{totals[-1]:.4g}")
print("regret vs final iterate:", f"{monitored.history[-1]['regret_vs_final']:.4g}")

# %% [markdown]
# ## Exact resume
#
# Kill a run after its checkpoint at step 4 (here by raising from the per-step callback),
# start it again with the same configuration: the history equals that of a run that was
# never interrupted, bit for bit.


# %%
class Killed(Exception):
    pass


def kill_at_6(step, loss):
    if step == 6:
        raise Killed


cfg = RunConfig(task="digits", optimizer="mada", size="quick", steps=12, eval_every=3,
                checkpoint=f"{OUT}/run.pt", checkpoint_every=4)  # fmt: skip
whole = train(RunConfig(task="digits", optimizer="mada", size="quick", steps=12,
                        eval_every=3), progress=False)  # fmt: skip
try:
    train(cfg, progress=False, callback=kill_at_6)
except Killed:
    pass
resumed = train(cfg, progress=False)
assert resumed.history == whole.history
print("resumed run == uninterrupted run")

# %% [markdown]
# ## Robustness grid
#
# Final training loss from every initial $(\beta_1, \beta_2)$ for Adam (fixed), HyperAdam
# and MADA (learned, with the paper's hypergradient learning rate 2.5e-3 and momentum 0.5).

# %%
grid = robustness_grid("digits", size=SIZE, progress=False)
display(Image(figures.robustness_heatmaps(grid, f"{OUT}/grid.png")))
for name, s in grid.summary().items():
    print(f"{name:<10} mean {s['mean']:.4f}  median {s['median']:.4f}  worst {s['worst']:.4f}")
assert all(len(grid.train[o]) == len(grid.beta1s) for o in grid.optimizers)

# %% [markdown]
# ## A character-level GPT on the standard library's sources

# %%
gpt = [train(RunConfig(task="chargpt", optimizer=name, size=SIZE), progress=False)
       for name in ("adamw", "mada")]  # fmt: skip
print(gpt[0].info)
for r in gpt:
    print(r.config["optimizer"], f"val loss {r.final['val_loss']:.4f}")
    assert math.isfinite(r.final["val_loss"])
    assert r.history[-1]["train_loss"] < r.history[0]["train_loss"]
display(Image(figures.loss_curves(gpt, f"{OUT}/gpt.png", title="char-GPT")))

# %% [markdown]
# The figures are embedded above; the temporary folder goes.

# %%
WORK.cleanup()
assert not os.path.exists(OUT)
