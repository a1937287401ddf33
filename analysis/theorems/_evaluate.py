"""A theorem's data-dependent bound on many traces at once (:func:`data_bounds`).

The evaluation of Sum forms, and the run data they read, are :mod:`analysis.sums`.
"""

from __future__ import annotations

import numpy as np

from ..sums import evaluate_batch, run_data
from ._online import own_run_data


def data_bounds(theorem, traces, **constants) -> np.ndarray:
    """``[theorem.data_bound(tr, **constants) for tr in traces]`` at once, as a (B,) array.

    ``run_values`` runs per trace (cheap NumPy); the constants that differ between traces
    (observed D_inf, G_inf, aggregates, t0, ...) stay symbols, the printed form is
    substituted once with the shared ones, and :func:`analysis.sums.evaluate_batch` evaluates
    it on all traces (``run_data`` batched when it is :func:`own_run_data`). The assumptions
    are checked for every trace, as ``data_bound`` does; both round as
    :mod:`analysis.sums` says (the published forms: ``data_bound`` with 30 digits, here in
    :data:`analysis.sums.WIDE`).
    """
    traces = list(traces)
    names = {s.name for s in theorem.printed_form.free_symbols} | theorem.assumptions.names
    rows = [{k: v for k, v in theorem.run_values(tr, dict(constants)).items() if k in names}
            for tr in traces]  # fmt: skip
    keys = set(rows[0])
    if any(set(r) != keys for r in rows):
        raise ValueError("run_values gave different constants for different traces")
    cols = {k: np.array([float(r[k]) for r in rows]) for k in keys}
    shared = {k: rows[0][k] for k, c in cols.items() if np.all(c == c[0])}
    per = {k: c for k, c in cols.items() if k not in shared}
    for b in range(len(rows)) if per else ():
        theorem.assumptions.check(**shared, **{k: c[b] for k, c in per.items()})
    expr = theorem.exact(**shared)
    left = {s.name for s in expr.free_symbols} - set(per)
    if left:
        raise ValueError(f"{theorem.id}.data_bounds: give {sorted(left)}")
    data = {}
    same_beta1 = all(np.array_equal(tr.beta1, traces[0].beta1) for tr in traces)
    if theorem.run_data is own_run_data and "beta2" in shared and same_beta1:
        data = run_data(np.stack([tr.grads for tr in traces]), float(shared["beta2"]),
                        traces[0].beta1)  # fmt: skip
    elif theorem.run_data is not None:
        dicts = [theorem.run_data(tr, row) for tr, row in zip(traces, rows, strict=True)]
        data = {k: np.stack([dd[k] for dd in dicts]) for k in dicts[0]}
    if not data:
        data = {"_batch": np.zeros((len(traces), 1, 1))}
    return evaluate_batch(expr, data, per)


__all__ = ["data_bounds"]
