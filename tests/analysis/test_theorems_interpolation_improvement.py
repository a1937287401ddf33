"""interpolation_improvement as a class theorem: the second-order model in rho bounds B(rho)
on random sequences, the proven gain never exceeds the real one, the convex class's iff, and
the measured regret family where an interior rho beats Adam and AVGrad."""

import numpy as np
import pytest

from analysis.problems import reddi_two_phase
from analysis.simulate import run
from analysis.theorems.interpolation_improvement import B, dB, model, parts, witness_grads


def _parts(rng, T, beta1=0.0, alpha=None):
    g = rng.normal(size=(T, 3)) * np.exp(rng.normal(size=(1, 3)) + rng.normal(size=(T, 1)))
    b1t = beta1 * 0.9 ** np.arange(T)
    a = float(10 ** rng.uniform(-1, 1)) if alpha is None else alpha
    return parts(g, float(rng.uniform(0.1, 0.999)), b1t, 2.0, a, beta1=beta1)


@pytest.mark.parametrize("seed", range(6))
def test_the_quadratic_model_bounds_B_everywhere(seed):
    """Item 1 (proofs/lemma_interpolation_model.py), checked numerically."""
    rng = np.random.default_rng(seed)
    prt = _parts(rng, int(rng.integers(2, 60)), beta1=0.5 * (seed % 2))
    M = model(prt)["M"]
    rhos = np.linspace(0, 1, 41)
    vals = B(prt, rhos)
    for r0 in (0.0, 0.3, 1.0):
        b0, s = B(prt, r0)[0], dB(prt, r0)[0]
        upper = b0 + (rhos - r0) * s + (rhos - r0) ** 2 * M / 2
        assert np.all(vals <= upper + 1e-12 * np.abs(upper))


@pytest.mark.parametrize("seed", range(20))
def test_the_guarantee_is_below_the_gain_and_positive_when_interior(seed):
    rng = np.random.default_rng(100 + seed)
    r = model(_parts(rng, int(rng.integers(2, 80))))
    assert r["guaranteed"] <= r["gain"] + 1e-12 * abs(r["B0"])
    assert r["guaranteed"] > 0 if r["interior"] else r["guaranteed"] == 0


def test_on_the_convex_class_interior_iff_both_slopes_point_inward():
    rng = np.random.default_rng(7)
    seen = {True: 0, False: 0}
    for _ in range(200):
        r = model(_parts(rng, int(rng.integers(2, 30)), alpha=float(10 ** rng.uniform(0, 2))))
        if not r["convex"]:
            continue
        seen[r["interior"]] += 1
        tol = 1e-12 * abs(r["B0"])
        assert (r["gain"] > tol) == r["interior"]
    assert seen[True] > 0 and seen[False] > 0


def test_witnesses_of_item_2():
    for b2, dl, a, guaranteed in [(0.5, 0.1, 2.8, 0.106), (0.9, 0.1, 1.96, 0.0327)]:
        r = model(parts(witness_grads(200, dl), b2, np.zeros(200),
                                       1.0, a))  # fmt: skip
        assert r["interior"] and r["guaranteed"] == pytest.approx(guaranteed, abs=1e-3)
        assert r["gain"] > 2 * r["guaranteed"]


def _regret(rho, delta, alpha, T=3000):
    cfg = {"alpha": alpha, "beta1": 0.0, "beta2": 0.5, "lr_schedule": "inv_sqrt",
           "long_memory": "average", "rho": rho}  # fmt: skip
    return float(run(reddi_two_phase(C=3, G=10, K=10, delta=delta), cfg, T,
                     record="final").regret[0])  # fmt: skip


@pytest.mark.parametrize("delta, alpha, rho, ends", [(0.1, 0.25, 0.65, (114.4, 418.2)),
                                                     (0.02, 0.5, 0.85, (35.4, 80.5))])  # fmt: skip
def test_measured_interior_rho_beats_adam_and_avgrad_by_forty_percent(delta, alpha, rho, ends):
    """MADA's Adam/AVGrad interpolation on reddi_two_phase, T = 3000 (docstring of
    interpolation_improvement): the interior rho's regret is below 0.6 x the better end's."""
    avgrad, adam, mid = (_regret(r, delta, alpha) for r in (0.0, 1.0, rho))
    assert (avgrad, adam) == pytest.approx(ends, abs=0.1)
    assert mid <= 0.6 * min(avgrad, adam)
