"""``python -m proofs check`` and ``python -m proofs render [--out DIR]``."""

from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proofs", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="check every proof; exit status 1 if a step fails")
    render = sub.add_parser("render", help="write the rendered Markdown proofs")
    render.add_argument("--out", default=None, help="directory (default proofs/rendered)")
    args = parser.parse_args(argv)

    from . import all_proofs

    if args.command == "render":
        from ._render import write_all

        for path in write_all(args.out):
            print(path)
        return 0
    totals = {"symbolic": 0, "interval": 0, "random": 0, "twice": 0, "sympy only": 0}
    failed = 0
    for proof in all_proofs().values():
        report = proof.check()
        print(report.summary())
        failed += not report.ok
        for k, n in {**report.counts(), **report.tiers()}.items():
            totals[k] += n
    steps = totals["twice"] + totals["sympy only"]
    share = totals["twice"] / steps if steps else 0.0
    print(f"{totals['symbolic']} symbolic, {totals['interval']} interval, "
          f"{totals['random']} random; {totals['twice']} certified twice ({share:.0%}), "
          f"{totals['sympy only']} sympy only ({failed} failed)")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
