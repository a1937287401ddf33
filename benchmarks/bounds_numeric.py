"""Time every registered theorem's NumPy twin (``Theorem.numeric``) on 10^6 parameter points.

Points are drawn inside each theorem's assumptions (beta1 < sqrt(beta2) for AMSGrad,
beta1 < beta2 for Adam, R >= sqrt(eps), rho <= beta2/((T-1)(1-beta2)) for the Adam/AVGrad
mix, ...), T between 10^3 and 10^7 (where the theorem has a T). Each theorem is
compiled once (``sympy.lambdify``, cached), then timed over a few repeats; the median is
reported. The target is < 1 s per theorem per 10^6 points.

    python benchmarks/bounds_numeric.py [--points 1000000] [--repeats 5] [--seed 0]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from analysis.theorems import THEOREMS


def sample(theorem, n, rng):
    """n valid points for ``theorem``: a dict name -> float64 array over its symbols."""
    b2 = rng.uniform(0.05, 0.999, n)
    eps = 10 ** rng.uniform(-10, -4, n)
    pts = {
        "T": rng.integers(10**3, 10**7, n).astype(np.float64),
        "d": rng.integers(1, 10**4, n).astype(np.float64),
        "D_inf": rng.uniform(0.1, 10, n),
        "G_inf": rng.uniform(0.1, 10, n),
        "alpha": 10 ** rng.uniform(-4, 0, n),
        "beta2": b2,
        "beta1": rng.uniform(0, 0.99, n) * np.sqrt(b2),  # gamma < 1
        "lam": rng.uniform(0.01, 0.999, n),
        "t0": rng.integers(1, 10**4, n).astype(np.float64),
        "eps": eps,
        "R": np.sqrt(eps) + rng.uniform(0, 10, n),
        "L": rng.uniform(0, 10, n),
        "Delta": rng.uniform(0, 10, n),
    }
    pts["delta"] = rng.uniform(0, 1, n) * np.sqrt(1 - b2)  # delta^2 <= 1 - beta2 (witness)
    pts["rho"] = rng.uniform(0, 1, n)
    if theorem.id == "adam_nonconvex_defossez2022":  # 0 <= beta1 < beta2 < 1
        pts["beta2"] = rng.uniform(0.5, 0.9999, n)
        pts["beta1"] = rng.uniform(0, 0.99, n) * pts["beta2"]
    if theorem.id == "adam_avgrad_interpolation_regret":  # rho <= beta2/((T-1)(1-beta2)), < 1
        rho_max = b2 / ((pts["T"] - 1) * (1 - b2))
        pts["rho"] = rng.uniform(0, 1, n) * np.minimum(rho_max, 0.999)
    missing = set(theorem.symbols) - set(pts)
    if missing:
        raise KeyError(f"{theorem.id}: no sampler for {sorted(missing)}")
    return {k: pts[k] for k in theorem.symbols}


def run(points=10**6, repeats=5, seed=0):
    """Rows (id, median seconds, min seconds, all finite) for every theorem."""
    rng = np.random.default_rng(seed)
    rows = []
    for th_id in sorted(THEOREMS):
        th = THEOREMS[th_id]
        pts = sample(th, points, rng)
        out = th.numeric(**pts)  # compile (cached) and warm up
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            out = th.numeric(**pts)
            times.append(time.perf_counter() - t)
        rows.append((th_id, statistics.median(times), min(times), bool(np.all(np.isfinite(out)))))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=10**6)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    rows = run(args.points, args.repeats, args.seed)
    print(f"{'theorem':<36}{'median s':>10}{'min s':>10}  finite  (points={args.points})")
    for th_id, med, low, finite in rows:
        flag = "" if med < 1.0 else "  SLOW (> 1 s)"
        print(f"{th_id:<36}{med:>10.3f}{low:>10.3f}  {finite!s:<6}{flag}")
    return 0 if all(r[1] < 1.0 and r[3] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
