"""The ``mada-analysis`` command line (``python -m analysis``).

Subcommands: ``demo`` (the default), ``bounds`` (the published bounds of
:mod:`analysis.theorems` as a table), ``verify`` (adversarial search for violations of the
online regret bounds, :mod:`analysis.verify`; exit status 1 if a bound fails), and
``report``, ``train`` and ``grid`` (:mod:`analysis.cli_experiments`) and ``compare``
(:mod:`analysis.cli_compare`). Every input is
checked before any compute. Bad input ends with a one-line error naming the argument on
stderr and exit status 2; Ctrl-C with one line and exit status 130; never a traceback
unless ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pkgutil
import re
import sys

from . import demo
from .cli_values import exact_number


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


MAX_C = 1e150  # the demo squares C in float64 (beta2 = 1/(1 + C^2)); 1e155 overflows


def _demo_C(text):
    allowed = f"must be a number in (2, {MAX_C:g}], got {text[:40]!r}"
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(allowed) from None
    if not 2 < value <= MAX_C:
        raise argparse.ArgumentTypeError(allowed)
    return value


def _theorem_ids():
    """Registry ids without importing the registry (ids are module names, by construction);
    sympy and the theorems load only when ``bounds`` runs, so the demo stays fast."""
    spec = importlib.util.find_spec(f"{__package__}.theorems")
    found = pkgutil.iter_modules(spec.submodule_search_locations)
    return sorted(m.name for m in found if not m.name.startswith("_"))


def _assignment(text):
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"must be NAME=VALUE, got {text!r}")
    try:
        return name.strip(), exact_number(value.strip())
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{name.strip()}: {err}") from None


def _version():
    """The installed distribution's version; from a source tree, the package's own."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mada-analysis")
    except PackageNotFoundError:
        from mada import __version__

        return __version__


def build_parser():
    parser = argparse.ArgumentParser(
        prog="mada-analysis",
        description="Theory and convergence analysis for MADA. Without a subcommand: demo.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument("--debug", action="store_true",
                        help="show the Python traceback of an error")  # fmt: skip
    # before a subcommand, --steps and --C are the demo's; they are kept apart (dest top_*)
    # so that a subcommand cannot silently ignore them
    parser.add_argument("--steps", dest="top_steps", metavar="STEPS", type=_positive_int,
                        help="the demo's T (default 10000)")  # fmt: skip
    parser.add_argument("--C", dest="top_C", metavar="C", type=_demo_C,
                        help=f"the demo's C in (2, {MAX_C:g}] (default 3)")  # fmt: skip
    sub = parser.add_subparsers(dest="command")
    d = sub.add_parser("demo", help="Adam vs AMSGrad vs AVGrad on Reddi et al.'s counterexample")
    d.add_argument("--steps", type=_positive_int, help="T (default 10000)")
    d.add_argument("--C", type=_demo_C, help=f"C in (2, {MAX_C:g}] (default 3)")
    d.set_defaults(error=d.error)
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
    from .cli_compare import add_parser as add_compare
    from .cli_experiments import add_parsers

    add_parsers(sub)
    add_compare(sub)
    for p in sub.choices.values():  # --debug after the subcommand too (SUPPRESS: no reset)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="show the Python traceback of an error")  # fmt: skip
    return parser


def bounds_rows(theorem_ids, values, latex=False):
    """Rows (id, setting, rate in T, bound) at ``values``; a bound that is a number is shown
    as its value, else as the expression; a bound without T has rate "-". A theorem that
    cannot take the values gets "n/a: <why>". Raises ValueError if a name is unknown to every
    listed theorem or if no listed theorem accepts the values."""
    import sympy as sp

    from .symbols import LATEX_NAMES
    from .theorems import THEOREMS

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
        raise ValueError(errors[0] if len(errors) == 1 else _no_theorem_accepts(errors))
    return rows


def _no_theorem_accepts(errors):
    """One line for "every theorem refused": each distinct reason (its range) once, with the
    number of theorems that give it, the most common first."""
    counts = {}
    for e in errors:
        # "beta1: assumption 0 <= beta1 < 1 (why) is violated (beta1=2)": the range, not why
        reason = re.sub(r" \([^()]*\)(?= is violated)", "", e.split(": ", 1)[1])
        counts[reason] = counts.get(reason, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    return "no theorem accepts these values: " + "; ".join(
        f"{reason} [{n} theorem{'s' if n > 1 else ''}]" for reason, n in ranked
    )


def _run_bounds(args):
    rows = bounds_rows([args.theorem] if args.theorem else _theorem_ids(), dict(args.values),
                       latex=args.latex)  # a ValueError: main's one-line error  # fmt: skip
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
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    error = getattr(args, "error", parser.error)
    try:
        return _dispatch(parser, args)
    except KeyboardInterrupt:
        if args.debug:
            raise
        checkpoint = getattr(args, "checkpoint", None)
        kept = (f"; checkpoint {checkpoint} is intact: run the same command to resume"
                if checkpoint and os.path.exists(checkpoint) else "")  # fmt: skip
        sys.stderr.write(f"{parser.prog}: interrupted{kept}\n")
        return 130
    except (ValueError, OSError) as err:  # bad input found after parsing (or by the OS)
        if args.debug:
            raise
        error(" ".join(str(err).split()) or type(err).__name__)
    except Exception as err:
        if args.debug:
            raise
        sys.stderr.write(f"{parser.prog}: internal error: {type(err).__name__}: "
                         f"{' '.join(str(err).split())} (rerun with --debug for the "
                         "traceback)\n")  # fmt: skip
        return 1


def _dispatch(parser, args):
    if args.command not in (None, "demo") and (args.top_steps, args.top_C) != (None, None):
        parser.error(f"--steps and --C before the subcommand are the demo's; {args.command} "
                     "does not take them there")  # fmt: skip
    if hasattr(args, "run"):  # report, train, grid (cli_experiments), compare
        return args.run(args)
    if args.command == "bounds":
        return _run_bounds(args)
    if args.command == "verify":
        return _run_verify(args)
    steps = _first(getattr(args, "steps", None), args.top_steps, 10000)
    C = _first(getattr(args, "C", None), args.top_C, 3.0)
    print(demo.format_rows(demo.run(steps=steps, C=C), steps, C))
    return 0


def _first(*values):
    return next(v for v in values if v is not None)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
