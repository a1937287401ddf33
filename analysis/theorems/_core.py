r"""Machinery shared by the theorem modules: symbols, assumptions, the :class:`Theorem` object.

Every published bound is written once, as its *printed form*: a sympy expression in the
paper's constants and, for data-dependent bounds, in symbols standing for the run's
aggregates (:data:`S_vhat`, :data:`S_g`, :data:`S_mom`). ``Theorem.bound`` replaces those
aggregates by their worst case under the theorem's own assumptions; ``Theorem.data_bound``
replaces them by their values on a recorded :class:`~analysis.trace.Trace`.

This package's own theorems print their data-dependent forms as sums over the run's data
(:mod:`analysis.statements` and their modules); ``data_bound`` evaluates those with
:func:`analysis.sums.evaluate` on the data ``Theorem.run_data`` recomputes from the trace.

Rounding contract (see :class:`Theorem`): a float given as a constant is read as its exact
binary value, :math:`\ln(1 + x)` is evaluated as :class:`log1p` and :math:`1 - a/b` as
:math:`(b - a)/b` (:func:`stable`), so no number is lost to rounding :math:`1 + x` or to a
cancellation before the bound is evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..algorithm import Algorithm
from ..sums import ROUNDING_RTOL, WIDE, evaluate, to_float64
from ..symbols import LATEX_NAMES, SYMBOLS
from ._assumptions import (
    Assumptions,
    Constraint,
    equals,
    exact_value,
    in_range,
    whole_at_least,
)
from ._asymptotics import leading_order, log1p, sqrt_sum, sqrt_sum_numpy


def _inexact(v):
    return isinstance(v, float | np.floating | sp.Float)


def stable(expr):
    r"""``expr`` rewritten for evaluation in floating point, equal as a real function:
    :math:`\ln(1 + x) \to` :class:`log1p` :math:`(x)` and :math:`1 - a/b \to (b - a)/b` (the
    difference of two nearby floats is exact; the quotient near 1 is not).

    >>> x, a, b = sp.symbols("x a b", positive=True)
    >>> stable(sp.log(1 + x) / (1 - a / b))
    b*log1p(x)/(-a + b)
    """
    expr = expr.replace(lambda e: isinstance(e, sp.log) and e.args[0].is_Add
                        and sp.S.One in e.args[0].args,
                        lambda e: log1p(e.args[0] - 1))  # fmt: skip
    return expr.replace(lambda e: e.is_Add and len(e.args) == 2 and sp.S.One in e.args
                        and any(f.is_Pow and f.exp.is_negative
                                for f in sp.Mul.make_args(e.args[1 - e.args.index(1)])),
                        sp.together)  # fmt: skip


# ---- this package's own theorems: where their proofs are -----------------------------------
OWN_STATUS = "proved in this package (proof: see source)"


def own_source(theorem_id):
    """The ``source`` of this package's own theorem ``theorem_id``: its proof module."""
    return f"this package: proofs/{theorem_id}.py"


# ---- lower bounds from the literature ------------------------------------------------------
@dataclass(frozen=True)
class LowerBound:
    """A lower bound on what the theorem's quantity can reach in the worst case, for *every*
    algorithm of the setting: ``expr`` (sympy, in the theorem's constants), the statement in
    words, and its source."""

    expr: sp.Expr
    statement: str
    source: str


# ---- the theorem object -------------------------------------------------------------------
_NUMERIC_CACHE: dict[tuple, tuple[tuple[str, ...], Callable]] = {}


@dataclass(frozen=True, eq=False)
class Theorem:
    r"""A published bound or one of this package's own; see :mod:`analysis.theorems`.

    **Rounding contract.** Let :math:`B` be the exact real value of the bound at the given
    constants (floats read as their exact binary values) and, for ``data_bound``, at the
    recorded run's data (floats, exactly as stored in the trace).

    * ``bound`` and ``printed`` are exact sympy expressions (floats read exactly); a number
      obtained from a float among the constants is evaluated to 30 significant digits
      (``evalf(30)``) after the exact substitution.
    * ``data_bound`` returns the float64 nearest :math:`B` up to :data:`ROUNDING_RTOL`
      (1e-12) relative: published forms by ``evalf(30)``, this package's sums in
      :data:`WIDE` (x87 long double: :math:`g^2` does not underflow for any float64
      :math:`g`) by :func:`analysis.sums.evaluate`.
    * ``numeric`` evaluates :func:`stable` of the closed form in float64, or, if a step
      under- or overflowed, in :data:`WIDE` rounded to float64 once; relative error at most
      :data:`ROUNDING_RTOL` except where the bound itself is ill-conditioned in its
      constants (e.g. Défossez et al.'s :math:`T - \beta_1 / (1 - \beta_1)` near 0).

    So every value is at least :math:`B (1 - \text{ROUNDING\_RTOL})`, or ``inf`` above
    float64's range; below its smallest normal number (2.2e-308) a value may round to a
    subnormal or 0 (an absolute error below 2.3e-308). The tests
    (``tests/analysis/test_rounding.py``) check this against mpmath over magnitudes 1e-300
    to 1e300. Where long double is float64 (:data:`WIDE`), the sums can underflow again.
    """

    id: str
    title: str
    setting: str  # "online-convex" | "stochastic-nonconvex" | "interpolation"
    source: str  # paper + theorem number
    status: str  # "as published" | "corrected (...)"
    assumptions: Assumptions
    algorithm: Algorithm  # the iteration the simulators run
    printed_form: sp.Expr  # the bound as printed, aggregates as symbols
    worst_case: Mapping[sp.Symbol, sp.Expr]  # aggregate -> its bound under the assumptions
    run_values: Callable  # (trace, constants) -> {name: value} for every printed symbol
    measure: Callable  # (trace, constants) -> the measured quantity
    measured_quantity: str
    kind: str = "upper"
    # optional: a closed form not obtained from printed_form by worst_case (a witness family)
    closed_form: sp.Expr | None = None
    # optional: (trace, constants) -> {run-data function name: array} for printed forms that
    # sum over run data (this package's own theorems; see analysis.sums.evaluate)
    run_data: Callable | None = None
    # optional: the literature's lower bound for the setting (worst case over instances)
    lower_bound: LowerBound | None = None

    def __post_init__(self):
        if not isinstance(self.algorithm, Algorithm):
            raise TypeError(f"{self.id}: algorithm must be an analysis.algorithm.Algorithm, "
                            f"got {type(self.algorithm).__name__}")  # fmt: skip
        if not isinstance(self.assumptions, Assumptions):
            raise TypeError(f"{self.id}: assumptions must be an Assumptions")
        unknown = {s.name for s in self.printed_form.free_symbols} - set(SYMBOLS)
        if unknown:
            raise ValueError(f"{self.id}: printed_form has symbols {sorted(unknown)} outside "
                             "analysis.symbols.SYMBOLS")  # fmt: skip

    def _subs(self, expr, values, allowed):
        """``expr`` with ``values`` substituted exactly (:func:`stable` first if any)."""
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"{self.id}: unknown constant(s) {sorted(unknown)}; "
                             f"known: {sorted(allowed)}")  # fmt: skip
        self.assumptions.check(**values)
        subs = {SYMBOLS[k]: exact_value(k, v) for k, v in values.items()
                if k in SYMBOLS and SYMBOLS[k] in expr.free_symbols}  # fmt: skip
        return stable(expr).xreplace(subs) if subs else expr

    def _shown(self, expr, values):
        if expr.is_number and any(_inexact(v) for v in values.values()):
            return expr.evalf(30)
        return expr

    @property
    def symbols(self) -> tuple[str, ...]:
        """Names of the constants the closed-form bound depends on, sorted."""
        return tuple(sorted(s.name for s in self._closed().free_symbols))

    def _closed(self):
        if self.closed_form is not None:
            return self.closed_form
        return self.printed_form.xreplace(dict(self.worst_case))

    def printed(self, **values):
        """The printed (data-dependent) form, with ``values`` substituted."""
        return self._shown(self.exact(**values), values)

    def exact(self, **values):
        """:meth:`printed` with every float read exactly and no ``evalf`` (what
        ``data_bound`` evaluates)."""
        names = {s.name for s in self.printed_form.free_symbols} | self.assumptions.names
        return self._subs(self.printed_form, values, names)

    def bound(self, **values):
        """The closed form (aggregates at their worst case), with ``values`` substituted
        (see the rounding contract)."""
        expr = self._subs(self._closed(), values, set(self.symbols) | self.assumptions.names)
        return self._shown(expr, values)

    def numeric(self, **arrays):
        """Vectorised NumPy twin of :meth:`bound` over broadcastable arrays (no checks),
        computed in :data:`WIDE` and rounded to float64 (see the rounding contract)."""
        key = (self.id, self._closed())  # a modified copy with the same id compiles anew
        if key not in _NUMERIC_CACHE:
            names = self.symbols
            fn = sp.lambdify([SYMBOLS[n] for n in names], stable(key[1]),
                             modules=[{"sqrt_sum": sqrt_sum_numpy, "log1p": np.log1p},
                                      "numpy"])  # fmt: skip
            _NUMERIC_CACHE[key] = (names, fn)
        names, fn = _NUMERIC_CACHE[key]
        missing = set(names) - set(arrays)
        if missing or set(arrays) - set(names):
            extra = sorted(set(arrays) - set(names))
            raise ValueError(f"{self.id}.numeric needs exactly {list(names)}; "
                             f"missing {sorted(missing)}, extra {extra}")  # fmt: skip
        args = [np.asarray(arrays[n], dtype=np.float64) for n in names]
        shape = np.broadcast(*args).shape
        try:  # float64 first: exact enough unless a step under- or overflows
            with np.errstate(all="raise"):
                return np.asarray(fn(*args), dtype=np.float64) * np.ones(shape)
        except FloatingPointError:
            pass
        with np.errstate(over="ignore", under="ignore"):
            out = np.asarray(fn(*(a.astype(WIDE) for a in args)), dtype=WIDE)
        return to_float64(out * np.ones(shape, WIDE))

    def rate(self, var="T", **values):
        """Leading order of :meth:`bound` in ``var`` (see :func:`leading_order`).

        Raises ValueError if the closed form does not depend on ``var`` (a fixed-horizon
        witness has no rate).
        """
        if SYMBOLS[var] not in self._closed().free_symbols:
            raise ValueError(f"{self.id}: the bound does not depend on {var}; it has no rate")
        return leading_order(self.bound(**values), SYMBOLS[var])

    def breakeven(self, **constants):
        """The horizon from which on :meth:`bound` beats the trivial bound of the setting
        (``math.inf`` if never up to ``T_max``, default 1e18); see :mod:`._vacuity`."""
        from ._vacuity import breakeven

        return breakeven(self, **constants)

    def latex(self, form="bound", **values):
        """LaTeX of :meth:`bound` (``form="printed"``: of :meth:`printed`)."""
        expr = self.printed(**values) if form == "printed" else self.bound(**values)
        return sp.latex(expr, symbol_names=LATEX_NAMES)

    def data_bound(self, trace, **constants) -> float:
        """The printed form evaluated on a recorded run (aggregates and observed constants)."""
        vals = self.run_values(trace, dict(constants))
        names = {s.name for s in self.printed_form.free_symbols} | self.assumptions.names
        expr = self.exact(**{k: v for k, v in vals.items() if k in names})
        if expr.free_symbols:
            raise ValueError(
                f"{self.id}.data_bound: give {sorted(s.name for s in expr.free_symbols)}"
            )
        if self.run_data is not None:
            return evaluate(expr, self.run_data(trace, vals))
        return float(expr.evalf(30))

    def measured(self, trace, **constants) -> float:
        """The quantity the theorem bounds, on ``trace`` (see ``measured_quantity``)."""
        return float(self.measure(trace, dict(constants)))


__all__ = ["ROUNDING_RTOL", "SYMBOLS", "WIDE", "Assumptions", "Constraint", "LowerBound",
           "Theorem", "equals",
           "in_range", "leading_order", "log1p", "sqrt_sum", "sqrt_sum_numpy", "stable",
           "whole_at_least"]  # fmt: skip
