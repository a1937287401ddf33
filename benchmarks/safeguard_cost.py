"""What ``safeguard=True`` costs in training loss: the ``mada`` optimizer (all six learned)
with and without it on the digits and char-GPT tasks, a few seeds, through the public
``analysis.experiments.train``.

    python benchmarks/safeguard_cost.py --size quick --seeds 0 1 2

Prints one row per (task, safeguard): the final train and validation losses, mean and
spread over the seeds, and the mean of the per-seed differences guarded - unguarded.
"""

from __future__ import annotations

import argparse
import statistics

from analysis.experiments.train import RunConfig, train


def final_losses(task, size, seed, safeguard):
    cfg = RunConfig(task=task, optimizer="mada", seed=seed, size=size,
                    optimizer_options={"safeguard": safeguard})  # fmt: skip
    final = train(cfg, progress=False).final
    return final["train_loss"], final["val_loss"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="quick", choices=("quick", "default"))
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--tasks", nargs="+", default=["digits", "chargpt"])
    args = ap.parse_args()
    print(f"size={args.size} seeds={args.seeds}")
    print("| task | safeguard | train loss | val loss | Δ train (guarded − plain) | Δ val |")
    print("|---|---|---:|---:|---:|---:|")
    for task in args.tasks:
        runs = {sg: [final_losses(task, args.size, s, sg) for s in args.seeds]
                for sg in (False, True)}  # fmt: skip
        for sg, rows in runs.items():
            tr, va = zip(*rows)
            delta = ["", ""]
            if sg:
                delta = [statistics.mean(a[i] - b[i] for a, b in zip(rows, runs[False]))
                         for i in (0, 1)]  # fmt: skip
                delta = [f"{d:+.4f}" for d in delta]
            print(
                f"| {task} | {sg} | {statistics.mean(tr):.4f} ± {statistics.pstdev(tr):.4f} "
                f"| {statistics.mean(va):.4f} ± {statistics.pstdev(va):.4f} "
                f"| {delta[0]} | {delta[1]} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
