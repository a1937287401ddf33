"""The report's bounds on training runs: what applies, and what is only an illustration.

For each monitored run, :func:`monitor_text` lists every stochastic-nonconvex theorem with the
reason it does or does not cover the run and, where it does, its value at the run's constants
(:mod:`analysis.experiments.applicable`); then the online convex bounds the monitor streamed,
marked "illustration: assumptions not met", and what the monotonicity reading means
(:func:`monotone_text`) instead of a bare count.
"""

from __future__ import annotations

from .experiments import applicable


def _fmt(x, spec=".4g"):
    return "—" if x is None else format(x, spec)


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


BOUNDS_INTRO = (
    "A network's loss is nonconvex. The theorems that can speak about such a run are the "
    "stochastic-nonconvex ones (a bound on E‖∇F(x_τ)‖²), and only where the run is the "
    "algorithm they analyse; each run below lists, per theorem, why it is or is not covered "
    "and, where it is, the bound at the run's constants (observed R = max|g|, Δ ≤ the initial "
    "validation loss, the unknown smoothness L set to 0, the value most favourable to the "
    "bound). The online convex regret bounds follow, marked as an illustration: their "
    "assumptions (a convex loss, a bounded feasible set, the analysed step α/√t without bias "
    "correction) are not met by any training run."
)


def monitor_text(result, figure):
    """The bounds section of one monitored run: the nonconvex theorems it meets, then the
    online convex bounds marked as an illustration, and the figure."""

    last = next(r for r in reversed(result.history) if r.get("monitor"))
    mon = last["monitor"]
    nonconvex = []
    for row in applicable.assess(result):
        if row["applies"]:
            what = applicable.conclusion(row)
            if row["caveats"]:
                what += "; differs in: " + "; ".join(row["caveats"])
            status = "applies, up to the differences named" if row["caveats"] else "applies"
            nonconvex.append((f"`{row['theorem']}`", status, _fmt(row["bound"]), what))
        else:
            nonconvex.append((f"`{row['theorem']}`", "not met", "—", "; ".join(row["reasons"])))
    rows = [(f"`{tid}`", _fmt(b["total"]), ", ".join(f"{k} {_fmt(v)}" for k, v in
                                                     b["terms"].items()))
            for tid, b in mon.get("bounds", {}).items()]  # fmt: skip
    skipped = mon.get("skipped", {})
    opt = result.config["optimizer"]
    return (f"#### {opt} at step {last['step']}\n\n"
            "Nonconvex theorems (the setting of a network):\n\n"
            + _table(("theorem", "run", "bound at L = 0", "reading"), nonconvex)
            + "\n\n**Online convex bounds: illustration, assumptions not met.** Evaluated on "
            f"this run's gradients for the analysed algorithm (α/√t, no bias correction): "
            f"observed G_inf {_fmt(mon.get('G_inf'))}, D_inf {_fmt(mon.get('D_inf'))}; "
            f"measured regret against the final iterate {_fmt(last.get('regret_vs_final'))}. "
            + monotone_text(mon) + "\n\n"
            + _table(("theorem (illustration)", "data bound", "terms"), rows)
            + ("\n\nSkipped: " + "; ".join(f"`{tid}` ({why.removeprefix(tid + ': ')})"
                                             for tid, why in skipped.items())
               if skipped else "")
            + f"\n\n![bounds]({'figures/' + figure})")  # fmt: skip


def monotone_text(mon):
    """What the safe-set reading (or, from an older monitor, the monotonicity count) means
    for the user, not a bare count."""
    safe = mon.get("safe_set")
    if isinstance(safe, dict):
        return _safe_set_text(safe)
    n = mon.get("monotone_violations")
    if n is None:
        return ""
    if n == 0:
        return ("√v̂_t/α_t never decreased: the run stays in the set where the own regret "
                "proofs' key step holds.")  # fmt: skip
    return (
        f"√v̂_t/α_t decreased in {n} (coordinate, step) pairs: the run leaves the safe "
        "set of the own regret proofs (they need it non-decreasing), so even on a convex "
        "loss they would not cover it; read these numbers as an illustration only."
    )


def _safe_set_text(safe):
    """The reading of ``coefficient_path_regret``'s safe set S (the monitor's ``safe_set``)."""
    why = []
    if safe.get("box", {}).get("inside") is False:
        why.append("its coefficient box (β2 ≤ β2_hi < 1, ρ ≤ ρ_hi < 1) is not met, so it "
                   "never covered the run")  # fmt: skip
    if safe.get("outside_steps"):
        counts = ", ".join(f"{k} {v}" for k, v in safe.get("by_condition", {}).items() if v)
        why.append(f"the run left S at step {safe.get('first_outside')} and was outside on "
                   f"{safe['outside_steps']} of {safe.get('steps_read')} steps ({counts}), "
                   "so the theorem stops covering it there")  # fmt: skip
    if safe.get("algorithm"):
        why.append("the run differs from the analysed algorithm in: "
                   + ", ".join(map(str, safe["algorithm"])))  # fmt: skip
    if not why:
        return ("The run stays in the safe set S of `coefficient_path_regret` at every step: "
                "that (online convex) theorem covers its coefficient path.")  # fmt: skip
    return (
        "The learned-coefficient theorem `coefficient_path_regret` does not cover this "
        "run: " + "; ".join(why) + ". Conclusion: read its numbers as an illustration."
    )
