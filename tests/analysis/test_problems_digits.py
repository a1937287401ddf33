"""analysis.problems.DigitsMLP: protocol, gradients, the G_inf and L bounds, a short run."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from analysis.problems import DigitsMLP, Problem
from analysis.simulate import run

from .test_problems import assert_gradients_match_finite_differences, box_points

pytest.importorskip("sklearn")


def small(**kw):
    return DigitsMLP(**{"B": 3, "hidden": 3, "n": 60, "batch": 5, "radius": 1.5, "seed": 1,
                        **kw})  # fmt: skip


def corners(p, rng):
    return p.hi * np.where(rng.random((p.B, p.d)) < 0.5, -1.0, 1.0)


def test_defaults_and_protocol():
    p = DigitsMLP(B=2)
    assert isinstance(p, Problem) and p.setting == "stochastic-nonconvex"
    assert (p.d, p.n, p.h, p.batch) == (64 * 16 + 16 + 10 * 16 + 10, 500, 16, 32)
    assert p.x0.shape == (2, p.d) and np.all(np.abs(p.x0) <= 1.0)
    assert not np.array_equal(p.x0[0], p.x0[1])  # independent inits
    assert p.D_inf == 2.0 and p.G_inf == 2.0 and p.f_star == 0.0 and p.L > 0
    rng = np.random.default_rng(0)
    for t, x in zip((1, 2, 9), box_points(p, rng, 3)):
        g, f = p.grad(t, x), p.loss(t, x)
        assert g.shape == (p.B, p.d) and f.shape == (p.B,) and g.dtype == np.float64
        np.testing.assert_array_equal(g, p.grad(t, x))  # deterministic per (seed, t)
        np.testing.assert_array_equal(f, p.loss(t, x))
        assert np.all(f >= p.f_star) and np.all(p.full_loss(x) >= p.f_star)
    assert not np.array_equal(p.grad(1, p.x0), p.grad(2, p.x0))
    far = 10 * np.ones((p.B, p.d))
    np.testing.assert_array_equal(p.project(far, np.ones_like(far)), np.ones_like(far))
    W1, b1, W2, b2 = p.unpack(p.x0)
    assert W1.shape == (2, 16, 64) and b1.shape == (2, 16) and W2.shape == (2, 10, 16)
    np.testing.assert_array_equal(b2, 0.0)


def test_full_loss_is_mean_over_training_subset():
    p = small(B=1, batch=1)
    x = box_points(p, np.random.default_rng(2))[0]
    # with batch 1 every sample is a step's loss; average them by index
    per = {}
    for t in range(1, 400):
        per[int(p._index(t)[0, 0])] = p.loss(t, x)[0]
    assert len(per) == p.n  # all 60 samples seen
    assert np.mean(list(per.values())) == pytest.approx(p.full_loss(x)[0], rel=1e-12)


def test_gradients_match_finite_differences():
    assert_gradients_match_finite_differences(small(), atol=1e-7)


@pytest.mark.parametrize("radius", [0.3, 1.0, 4.0])
def test_g_inf_bounds_every_stochastic_gradient_entry(radius):
    p = small(B=8, hidden=8, batch=1, radius=radius)
    rng = np.random.default_rng(3)
    pts = list(box_points(p, rng, 10)) + [corners(p, rng) for _ in range(10)]
    observed = max(np.max(np.abs(p.grad(t, x))) for t, x in enumerate(pts, start=1))
    assert observed <= p.G_inf
    assert observed > 0.25 * p.G_inf  # the bound is not vacuous


@pytest.mark.parametrize("radius", [0.5, 1.0, 3.0])
def test_l_bounds_gradient_lipschitz_ratio(radius):
    p = DigitsMLP(B=16, n=200, batch=4, radius=radius, seed=2)
    rng = np.random.default_rng(4)
    worst = 0.0
    for k in range(6):
        x = box_points(p, rng)[0] if k % 2 else corners(p, rng)
        far = box_points(p, rng)[0]
        near = p.project(x + rng.normal(0.0, 1e-3, x.shape), None)
        for y in (far, near):
            dist = np.linalg.norm(x - y, axis=1)
            for gx, gy in ((p.full_grad(x), p.full_grad(y)), (p.grad(k + 1, x), p.grad(k + 1, y))):
                ratio = np.linalg.norm(gx - gy, axis=1) / dist
                worst = max(worst, float(np.max(ratio)))
    assert 0 < worst <= p.L


def test_stochastic_gradient_is_unbiased():
    p = small(B=2, batch=4)
    x = box_points(p, np.random.default_rng(5))[0]
    mean = np.mean([p.grad(t, x) for t in range(1, 801)], axis=0)
    assert np.max(np.abs(mean - p.full_grad(x))) < 0.1 * p.G_inf


def test_adam_lowers_the_full_loss():
    p = DigitsMLP(B=2, hidden=16, n=500, batch=32, seed=3)
    cfg = {"alpha": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "bias_correction": True}
    fin = run(p, cfg, T=150, record="final")
    before, after = p.full_loss(p.x0), p.full_loss(fin.x)
    assert np.all(after < 0.5 * before)
    assert np.all(fin.G_inf <= p.G_inf) and np.all(np.abs(fin.x) <= 1.0)


def test_bad_arguments():
    with pytest.raises(ValueError, match="n must lie"):
        DigitsMLP(n=0)
    with pytest.raises(ValueError, match="radius > 0"):
        DigitsMLP(radius=0.0)


def test_without_sklearn_says_so(monkeypatch):
    for name in ("sklearn", "sklearn.datasets"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match="needs scikit-learn"):
        DigitsMLP()


def test_defossez_adam_runs_unprojected_and_records_the_box():
    from analysis.theorems import THEOREMS

    th = THEOREMS["adam_nonconvex_defossez2022"]
    p = small(B=2, radius=1.0)
    cfg = {**th.algorithm, "alpha": 1e-3, "beta1": 0.5, "beta2": 0.9, "eps": 1e-8}
    bt = run(p, cfg, T=20)
    assert bt.inside.all() and bt.v.shape == (2, 20, p.d)
    assert th.measured(bt.trace(0)) > 0
    far = run(p, {**cfg, "alpha": 0.5}, T=20, record="final")
    assert not far.inside.all() and np.max(np.abs(far.x)) > 1.0  # no projection
