"""``python -m proofs check`` and ``python -m proofs render [--out DIR] [--jobs N]``."""

from __future__ import annotations

import argparse
import sys


def _positive_int(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The command line (also read by the docs' CLI reference)."""
    parser = argparse.ArgumentParser(prog="python -m proofs", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="check every proof; exit status 1 if a step fails")
    render = sub.add_parser("render", help="check, then write the Markdown proofs with LaTeX")
    render.add_argument("--out", default=None,
                        help="directory (default proofs/rendered, not committed)")  # fmt: skip
    render.add_argument("--jobs", type=_positive_int, default=1,
                        help="check the proofs in this many processes (default 1)")  # fmt: skip
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)

    from . import all_proofs

    if args.command == "render":
        from ._render import write_all

        for path in write_all(args.out, jobs=args.jobs):
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
