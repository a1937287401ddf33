"""MADA under torch.distributed: learned coefficients stay identical on every rank.

Two CPU processes (gloo) train a small float64 MLP on *different* data per rank, with
MADA learning all six coefficients, and record after every step the coefficients, the
hypergradients, the hyper momentum buffers and the parameters of every param group:

* ``ddp``: the model is wrapped in DistributedDataParallel, so gradients are averaged
  and parameters and coefficients must agree bit for bit on both ranks;
* ``local``: no DDP, so each rank keeps its own gradients and its parameters diverge;
  the coefficients must still agree bit for bit because MADA all-reduces (mean) the
  hypergradients of all groups once per step. At step 2 the all-reduced hypergradient
  is checked against the mean of the two single-process hypergradients.

Both run from MADA's default start (Adam's corner) and from an interior start with every
component on. A single process uses MADA without any process group.

One spawn serves the whole module; it is killed after ``BUDGET_S`` so the module ends in
under a minute.
"""

from __future__ import annotations

import math
import os
import socket
import time
import traceback
from datetime import timedelta

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from mada import MADA
from tests.conftest import HYPER_RTOL

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not dist.is_available() or not dist.is_gloo_available(),
        reason="needs torch.distributed with the gloo backend",
    ),
]

WORLD = 2
STEPS = 10
BUDGET_S = 50.0  # the spawn is killed after this; the module stays under 60 s
STARTS = {
    "default": dict(betas=(0.9, 0.95)),  # Adam's corner; beta2 inside its default bound
    "interior": dict(betas=(0.9, 0.95), beta3=0.5, rho=0.5, c=0.5, gamma=0.5),
}
COEFS = ("betas", "beta3", "rho", "c", "gamma")
SCENARIOS = [(mode, start) for mode in ("ddp", "local") for start in STARTS]
OPT_KW = dict(lr=0.05, learn=True, hyper_lr=0.1, hyper_momentum=0.5)


# ---------------------------------------------------------------- shared with the workers
def _model():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)
    ).double()


def _data(rank):
    """STEPS minibatches, different on each rank."""
    gen = torch.Generator().manual_seed(1000 + rank)
    x = torch.randn(STEPS, 16, 4, generator=gen, dtype=torch.float64)
    y = torch.randn(STEPS, 16, 1, generator=gen, dtype=torch.float64) + rank
    return x, y


def _optimizer(mode, start, model):
    if mode == "ddp":
        return MADA(model.parameters(), **STARTS[start], **OPT_KW)
    first, second = model[0], model[2]  # two groups, both learning, different lr
    return MADA(
        [{"params": first.parameters()}, {"params": second.parameters(), "lr": 0.02}],
        **STARTS[start],
        **OPT_KW,
    )


def _record(opt, model):
    keys = ("betas", "beta3", "rho", "c", "gamma", "hyper_buf", "hypergrad")
    return {
        "groups": [{k: _plain(g[k]) for k in keys} for g in opt.param_groups],
        "coefficients": opt.coefficients,
        "hypergradients": opt.hypergradients,
        "params": [p.detach().clone() for p in model.parameters()],
    }


def _plain(x):
    return dict(x) if isinstance(x, dict) else x


def _train(mode, start, rank, steps=STEPS):
    model = _model()
    if mode == "ddp":
        model = torch.nn.parallel.DistributedDataParallel(model)
        inner = model.module
    else:
        inner = model
    opt = _optimizer(mode, start, inner)
    xs, ys = _data(rank)
    records = []
    for t in range(steps):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(xs[t]), ys[t]).backward()
        opt.step()
        records.append(_record(opt, inner))
    return records


def _worker(rank, port, outdir):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo", rank=rank, world_size=WORLD, timeout=timedelta(seconds=BUDGET_S / 2)
    )
    results = {}
    try:
        for mode, start in SCENARIOS:
            try:
                results[mode, start] = _train(mode, start, rank)
            except Exception:  # recorded, so each scenario fails on its own
                results[mode, start] = traceback.format_exc()
        results["world_size"] = dist.get_world_size()
    finally:
        torch.save(results, os.path.join(outdir, f"rank{rank}.pt"))
        dist.destroy_process_group()


# ---------------------------------------------------------------- the spawn
def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ranks(tmp_path_factory):
    outdir = str(tmp_path_factory.mktemp("mada_dist"))
    ctx = mp.start_processes(
        _worker, args=(_free_port(), outdir), nprocs=WORLD, join=False, start_method="spawn"
    )
    deadline = time.monotonic() + BUDGET_S
    while not ctx.join(timeout=1.0):
        if time.monotonic() > deadline:
            for proc in ctx.processes:
                if proc.is_alive():
                    proc.kill()
            pytest.fail(f"the {WORLD} gloo workers did not finish within {BUDGET_S} s")
    out = [
        torch.load(os.path.join(outdir, f"rank{r}.pt"), weights_only=False) for r in range(WORLD)
    ]
    assert all(o["world_size"] == WORLD for o in out)
    return out


def _scenario(ranks, mode, start):
    runs = [r[mode, start] for r in ranks]
    for rank, run in enumerate(runs):
        if isinstance(run, str):
            pytest.fail(f"rank {rank} raised in scenario {mode}/{start}:\n{run}")
    assert all(len(run) == STEPS for run in runs)
    return runs


def _same_tensors(a, b):
    return len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


# ---------------------------------------------------------------- tests
@pytest.mark.parametrize("start", sorted(STARTS))
def test_ddp_ranks_agree_on_coefficients_and_params_after_every_step(ranks, start):
    r0, r1 = _scenario(ranks, "ddp", start)
    for t, (a, b) in enumerate(zip(r0, r1, strict=True), start=1):
        assert a["coefficients"] == b["coefficients"], f"step {t}: coefficients differ"
        assert a["groups"] == b["groups"], f"step {t}: hyper state differs"
        assert _same_tensors(a["params"], b["params"]), f"step {t}: params differ"
    # the coefficients did learn something (step 1 has no hyper-update)
    assert r0[-1]["coefficients"] != r0[0]["coefficients"]
    assert any(h != 0.0 for h in r0[-1]["hypergradients"].values())


@pytest.mark.parametrize("start", sorted(STARTS))
def test_rank_divergent_gradients_still_give_identical_coefficients(ranks, start):
    r0, r1 = _scenario(ranks, "local", start)
    for t, (a, b) in enumerate(zip(r0, r1, strict=True), start=1):
        assert a["groups"] == b["groups"], f"step {t}: coefficients / hyper state differ"
        assert a["coefficients"] == b["coefficients"], f"step {t}: coefficients differ"
        assert a["hypergradients"] == b["hypergradients"], f"step {t}: hypergradients differ"
    # the gradients really were different: the parameters diverged
    assert not _same_tensors(r0[-1]["params"], r1[-1]["params"])
    # both groups learn, and their coefficients moved
    for g in range(2):
        assert r0[-1]["groups"][g]["hypergrad"], f"group {g} has no hypergradients"
        first, last = r0[0]["groups"][g], r0[-1]["groups"][g]
        assert [first[k] for k in COEFS] != [last[k] for k in COEFS], f"group {g} learned nothing"


@pytest.mark.parametrize("start", sorted(STARTS))
def test_allreduced_hypergradient_is_the_mean_of_the_ranks(ranks, start):
    """Step 2's hypergradients (the first) equal the mean of two single-process runs."""
    r0, _ = _scenario(ranks, "local", start)
    assert not dist.is_initialized()
    single = [_train("local", start, rank, steps=2)[-1] for rank in range(WORLD)]
    for g in range(2):
        h = [run["groups"][g]["hypergrad"] for run in single]
        got = r0[1]["groups"][g]["hypergrad"]
        assert set(got) == set(h[0]) == set(h[1])
        differ = False
        for k in got:
            mean = (h[0][k] + h[1][k]) / WORLD
            scale = max(abs(h[0][k]), abs(h[1][k]))
            differ |= h[0][k] != h[1][k]
            assert math.isclose(got[k], mean, rel_tol=HYPER_RTOL, abs_tol=HYPER_RTOL * scale), (
                f"group {g}, {k}: all-reduced {got[k]!r} vs mean {mean!r} of {h[0][k]!r}, "
                f"{h[1][k]!r}"
            )
        assert differ, f"group {g}: the ranks' own hypergradients were equal; weak test"


@pytest.mark.parametrize("start", sorted(STARTS))
def test_single_process_needs_no_process_group(start):
    assert not dist.is_initialized()
    records = _train("local", start, rank=0, steps=4)
    assert not dist.is_initialized()
    assert all(torch.isfinite(p).all() for p in records[-1]["params"])
    assert records[-1]["hypergradients"], "no hyper-update happened"
    assert all(math.isfinite(h) for h in records[-1]["hypergradients"].values())
