"""The ``mada-analysis`` command line (``python -m analysis``).

Subcommands: ``demo`` (the default), ``bounds`` (the published bounds of
:mod:`analysis.theorems` as a table), ``verify`` (adversarial search for violations of the
online regret bounds, :mod:`analysis.verify`; exit status 1 if a bound fails), and
``report``, ``train`` and ``grid`` (:mod:`analysis.cli_experiments`). Bad input ends
with a one-line error on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import pkgutil
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


def _nonnegative_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {text!r}")
    return value


def _greater_than_two(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number > 2, got {text!r}") from None
    if not value > 2:
        raise argparse.ArgumentTypeError(f"must be a number > 2, got {text!r}")
    return value


def _theorem_ids():
    """Registry ids without importing the registry (ids are module names, by construction);
    sympy and the theorems load only when ``bounds`` runs, so the demo stays fast."""
    spec = importlib.util.find_spec(f"{__package__}.theorems")
    found = pkgutil.iter_modules(spec.submodule_search_locations)
    return sorted(m.name for m in found if not m.name.startswith("_"))


def _assignment(text):
    from sympy import Rational

    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"must be NAME=VALUE, got {text!r}")
    try:
        number = Rational(value.strip())  # exact: 0.9 -> 9/10, 1e-8 -> 1/100000000
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"{name.strip()}: not a number: {value!r}") from None
    return name.strip(), number


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
    b = sub.add_parser("bounds", help="published convergence/regret bounds as a table")
    b.add_argument("--theorem", choices=_theorem_ids(), help="only this theorem")
    b.add_argument(
        "--set",
        dest="values",
        type=_assignment,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="substitute a constant (repeatable), e.g. beta1=0.9",
    )
    b.add_argument("--latex", action="store_true", help="print the bounds as LaTeX")
    b.set_defaults(error=b.error)
    v = sub.add_parser("verify", help="adversarial search for violations of the regret bounds")
    v.add_argument("--theorem", help="only this online-convex theorem (default: all)")
    v.add_argument("--budget", type=_positive_int, default=2000,
                   help="objective evaluations per theorem (default 2000)")  # fmt: skip
    v.add_argument("--seed", type=_nonnegative_int, default=0, help="random seed (default 0)")
    v.set_defaults(error=v.error)
    from .cli_experiments import add_parsers

    add_parsers(sub)
    return parser


def bounds_rows(theorem_ids, values, latex=False):
    """Rows (id, setting, rate in T, bound) at ``values``; a bound that is a number is shown
    as its value, else as the expression; a bound without T has rate "-". A theorem that
    cannot take the values gets "n/a: <why>". Raises ValueError if a name is unknown to every
    listed theorem or if no listed theorem accepts the values."""
    import sympy as sp

    from .theorems import THEOREMS
    from .theorems._core import LATEX_NAMES

    theorems = [THEOREMS[i] for i in theorem_ids]
    for name in values:
        if not any(name in set(th.symbols) | th.assumptions.names for th in theorems):
            raise ValueError(f"--set {name}: no such constant in {', '.join(theorem_ids)}")
    rows, errors = [], []
    for th in theorems:
        mine = {k: v for k, v in values.items() if k in set(th.symbols) | th.assumptions.names}
        try:
            expr = th.bound(**mine)
        except ValueError as err:
            errors.append(f"{th.id}: {err}")
            rows.append((th.id, th.setting, "", f"n/a: {err}"))
            continue
        try:
            rate = th.rate(**{k: v for k, v in mine.items() if k != "T"})
        except ValueError:  # a fixed-horizon bound (no T): no rate
            rate = "-"
        if not expr.free_symbols:  # a number: its value (sympy's simplify can stall here)
            show = f"{float(expr.evalf(30)):.6g}"
        elif latex:
            show = sp.latex(expr, symbol_names=LATEX_NAMES)
        else:
            show = str(expr)
        rows.append((th.id, th.setting, str(rate), show))
    if len(errors) == len(theorems):
        raise ValueError(errors[0])
    return rows


def _run_bounds(args):
    try:
        rows = bounds_rows([args.theorem] if args.theorem else _theorem_ids(),
                           dict(args.values), latex=args.latex)  # fmt: skip
    except ValueError as err:
        args.error(str(err))
    widths = [max(len(r[k]) for r in [("id", "setting", "rate", ""), *rows]) for k in range(3)]
    head = ("id", "setting", "rate", "bound")
    for row in [head, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row[:3], widths)) + "  " + row[3])
    return 0


def _progress_bar(total):
    """(update(n), close()) of a progress bar on stderr: tqdm if importable, else text."""
    try:
        from tqdm import tqdm
    except ImportError:
        done = [0, -1]

        def update(n):
            done[0] += n
            pct = 100 * done[0] // total
            if pct != done[1]:
                done[1] = pct
                bar = "#" * (pct // 4)
                sys.stderr.write(f"\rverify [{bar:<25}] {done[0]}/{total}")
                sys.stderr.flush()

        return update, lambda: sys.stderr.write("\n")
    bar = tqdm(total=total, desc="verify", file=sys.stderr)
    return bar.update, bar.close


def _run_verify(args):
    try:
        import scipy  # noqa: F401
    except ImportError:
        args.error("verify needs scipy (pip install scipy, or the 'test' extra)")
    from . import verify

    ids = verify.online_theorems()
    if args.theorem is not None and args.theorem not in ids:
        args.error(f"--theorem: unknown online theorem {args.theorem!r}; choose from "
                   f"{', '.join(ids)}")  # fmt: skip
    chosen = [args.theorem] if args.theorem else ids
    update, close = _progress_bar(args.budget * len(chosen))
    try:
        report = verify.verify(chosen, budget=args.budget, seed=args.seed, progress=update)
    finally:
        close()
    print(report.table())
    return 1 if report.violations else 0


def main(argv=None):
    args = build_parser().parse_args(argv)
    if hasattr(args, "run"):  # report, train, grid (cli_experiments)
        try:
            return args.run(args)
        except ValueError as err:  # bad input found after parsing (e.g. a non-text file)
            args.error(str(err))
    if args.command == "bounds":
        return _run_bounds(args)
    if args.command == "verify":
        return _run_verify(args)
    print(demo.format_rows(demo.run(steps=args.steps, C=args.C), args.steps, args.C))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
