"""The ``mada-analysis`` command line (``python -m analysis``).

Bad input ends with a one-line error on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from . import demo


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def _greater_than_two(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number > 2, got {text!r}") from None
    if not value > 2:
        raise argparse.ArgumentTypeError(f"must be a number > 2, got {text!r}")
    return value


def build_parser():
    parser = argparse.ArgumentParser(
        prog="mada-analysis",
        description="Theory and convergence analysis for MADA. Without a subcommand: demo.",
    )
    sub = parser.add_subparsers(dest="command")
    d = sub.add_parser("demo", help="Adam vs AMSGrad vs AVGrad on Reddi et al.'s counterexample")
    for p in (parser, d):
        p.add_argument("--steps", type=_positive_int, default=10000, help="T (default 10000)")
        p.add_argument("--C", type=_greater_than_two, default=3.0, help="C > 2 (default 3)")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    print(demo.format_rows(demo.run(steps=args.steps, C=args.C), args.steps, args.C))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
