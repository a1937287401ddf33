"""Time :func:`analysis.simulate.run` on 1000 instances x 10^5 steps of one configuration.

AVGrad (beta1 = 0, beta2 = 1/(1 + C^2), alpha_t = 0.5/sqrt(t), no bias correction) on
Reddi et al.'s counterexample (C = 3, d = 1), batched over the instances, with
``record="final"`` (aggregates only). Reports the median wall time of ``--repeats`` runs;
the target is < 60 s on 2 cores.

    python benchmarks/simulate_speed.py [--instances 1000] [--steps 100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from analysis.problems import reddi3
from analysis.simulate import run

TARGET_S = 60.0
C = 3.0
CONFIG = {"alpha": 0.5, "beta1": 0.0, "beta2": 1 / (1 + C * C), "lr_schedule": "inv_sqrt",
          "long_memory": "average", "bias_correction": False}  # fmt: skip


def bench(instances, steps, repeats):
    """(median seconds, all timings, the last run's Final)."""
    times, fin = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        fin = run(reddi3(C=C, B=instances), CONFIG, steps, record="final")
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, fin


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    med, times, fin = bench(args.instances, args.steps, args.repeats)
    print(
        f"{args.instances} instances x {args.steps} steps, AVGrad alpha/sqrt(t) on reddi3: "
        f"median {med:.2f} s over {len(times)} runs "
        f"({', '.join(f'{s:.2f}' for s in times)}); target < {TARGET_S:.0f} s on 2 cores"
    )
    mean_avg_regret = float(np.mean(fin.regret)) / args.steps
    print(f"final x (instance 0) {fin.x[0, 0]:.4f}, mean R_T/T {mean_avg_regret:.4g}")
    return med


if __name__ == "__main__":
    main()
