"""Render a proof as Markdown with LaTeX (``$$ ... $$`` blocks, readable on GitHub)."""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import sympy as sp

from analysis.symbols import LATEX_NAMES

RENDERED = Path(__file__).parent / "rendered"
#: run data whose declared sign lemma_ema_nonneg proves from the optimiser's recurrence
_PROVED_SIGNS = {"v", "Sv"}
_REL = {"<=": r"\le", "=": "=", "<": "<"}


def _tex(e):
    return sp.latex(e, symbol_names=LATEX_NAMES)


def render(proof, report=None) -> str:
    """Markdown of ``proof``; ``report`` (its check) is computed when not given."""
    report = report or proof.check()
    st = proof.statement
    lines = [f"# {proof.title}", "", f"`{proof.id}` — checked by `python -m proofs check`: "
             f"**{'ok' if report.ok else 'FAILED'}**.", ""]  # fmt: skip
    doc = (proof.notes or "").strip()
    if doc:
        lines += [doc, ""]
    lines += ["## Claim", "", "$$", f"{_tex(st.lhs)} {_REL[st.rel]} {_tex(st.rhs)}", "$$", ""]
    if proof.hypotheses:
        lines += ["## Hypotheses", ""]
        for h in proof.hypotheses:
            lines.append(f"- {h.why}: ${_tex(h.lhs)} {_REL[h.rel]} {_tex(h.rhs)}$")
        lines.append("")
    if proof.lemmas:
        lines += ["Lemmas used: " + ", ".join(f"[`{n}`]({n}.md)" for n in proof.lemmas), ""]
    lines += ["## Steps", ""]
    for k, (step, res) in enumerate(zip(proof.steps, report.steps, strict=True), start=1):
        lhs = "" if k > 1 and step.lhs is None else _tex(step.lhs if step.lhs is not None
                                                         else st.lhs)  # fmt: skip
        cites = "; ".join(f.why for _, f in step.by)
        tier = "" if not res.ok else "; z3 agrees" if res.twice else "; sympy only"
        lines += [f"**Step {k}** ({res.method or 'FAILED'}{tier}). {step.why}"
                  + (f" — cites: {cites}" if cites else ""), "",
                  "$$", f"{lhs} {_REL[step.rel]} {_tex(step.rhs)}", "$$", ""]  # fmt: skip
    c, t = report.counts(), report.tiers()
    lines.append(
        f"Certification: {c['symbolic']} symbolic, {c['interval']} interval "
        "(random sampling certifies nothing); "
        f"{t['twice']} certified twice (sympy and z3), {t['sympy only']} sympy only."
    )
    return "\n".join([*lines, "", *_assumed(proof)]) + "\n"


def _assumed(proof):
    """What the proof still takes on trust, and why (the hypotheses' own words)."""
    out = ["## Still assumed", ""]
    out += [f"- {h.why} (a hypothesis: ${_tex(h.lhs)} {_REL[h.rel]} {_tex(h.rhs)}$)"
            for h in proof.hypotheses]  # fmt: skip
    for f in proof.data:
        if f(sp.Dummy()).is_nonnegative is not True:
            continue
        why = (
            "its recurrence keeps it so, [`lemma_ema_nonneg`](lemma_ema_nonneg.md)"
            if str(f) in _PROVED_SIGNS
            else "not proved here"
        )
        out.append(f"- `{f}` >= 0, declared with the run data ({why})")
    if len(out) == 2:
        out.append("- nothing beyond the rules of `proofs._rules*` and the checker itself")
    return out


def _atomic_write(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _render_id(pid):
    from . import all_proofs

    return render(all_proofs()[pid])


def write_all(out=None, jobs=1):
    """Check and render every proof into ``out`` (default ``proofs/rendered``, not committed).

    ``jobs > 1`` checks the proofs in that many forked processes (the docs build's time is
    mostly these checks).
    """
    from . import all_proofs

    out = Path(out) if out else RENDERED
    ids = list(all_proofs())
    if jobs > 1:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            texts = list(pool.map(_render_id, ids))
    else:
        texts = [_render_id(pid) for pid in ids]
    paths = [out / f"{pid}.md" for pid in ids]
    for path, text in zip(paths, texts, strict=True):
        _atomic_write(path, text)
    return paths
