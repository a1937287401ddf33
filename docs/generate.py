"""The pages written at build time into ``docs/generated/`` (ignored by git, never committed).

* ``theorems/<id>.rst``: one page per entry of :data:`analysis.THEOREMS`, its module
  docstring (``automodule``) and what the registry says (setting, assumptions, the bound's
  LaTeX), so that a new theorem module gets its page with no edit here;
* ``proofs/<id>.md``: ``python -m proofs render``, which checks every proof first;
* ``notebooks/<name>.md``: the jupytext sources under ``notebooks/``, code and text (they are
  stored without outputs; ``tests/test_notebooks.py`` executes them).

Everything is written into a fresh folder that then replaces the old one, so a removed
theorem leaves no stale page and an interrupted build leaves the previous pages whole.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: proof checks dominate the build; two processes halve it on the 2-core CI machine
PROOF_JOBS = int(os.environ.get("MADA_DOCS_JOBS", "2"))


def theorem_page(tid, theorem) -> str:
    """RST for one registry entry (public names only: the module and ``THEOREMS[tid]``)."""
    lines = [tid, "=" * len(tid), "", f".. automodule:: analysis.theorems.{tid}", ""]
    head = f'From the registry: ``analysis.THEOREMS["{tid}"]``'
    lines += [head, "-" * len(head), ""]
    lines += [f"- **{k}**: {v}" for k, v in (
        ("title", theorem.title), ("setting", theorem.setting), ("source", theorem.source),
        ("status", theorem.status), ("kind", theorem.kind),
        ("measured", theorem.measured_quantity))]  # fmt: skip
    try:
        lines.append(f"- **rate** in :math:`T`: :math:`{_latex(theorem.rate('T'))}`")
    except ValueError as err:  # a fixed-horizon witness has no rate; say so
        lines.append(f"- **rate**: none ({err})")
    lines += ["", "**Assumptions** (``assumptions.check`` raises naming the one violated):", ""]
    lines += [f"- ``{c.text}``" for c in theorem.assumptions.constraints]
    lines += ["", "**Bound** (``latex()``, the closed form of ``bound()``):", "",
              ".. math::", "", f"   {theorem.latex()}", ""]  # fmt: skip
    if theorem.latex("printed") != theorem.latex():
        lines += ["**As printed** (``latex('printed')``, aggregates of the run as symbols):",
                  "", ".. math::", "", f"   {theorem.latex('printed')}", ""]  # fmt: skip
    proof = ROOT / "proofs" / f"{tid}.py"
    if proof.exists():
        lines += [f"**Proof**: :doc:`../proofs/{tid}` (checked at build time).", ""]
    return "\n".join(lines)


def _latex(expr):
    import sympy as sp

    return sp.latex(expr)


def notebook_page(source: Path) -> str:
    """Markdown of a jupytext percent notebook: text cells as they are, code fenced."""
    import jupytext

    nb = jupytext.read(source)
    out = [f"*Rendered from `notebooks/{source.name}` without outputs; run it with "
           f"`jupyter execute notebooks/{source.stem}.ipynb` (`tests/test_notebooks.py` "
           "executes it and checks its assertions).*", ""]  # fmt: skip
    for cell in nb.cells:
        text = cell.source.strip()
        if not text:
            continue
        out += [text, ""] if cell.cell_type == "markdown" else ["```python", text, "```", ""]
    return "\n".join(out)


def write_all(target: Path) -> None:
    """Write every generated page under ``target``, replacing it whole."""
    from analysis import THEOREMS

    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        (fresh / "theorems").mkdir()
        for tid, theorem in THEOREMS.items():
            (fresh / "theorems" / f"{tid}.rst").write_text(theorem_page(tid, theorem))
        (fresh / "notebooks").mkdir()
        for source in sorted((ROOT / "notebooks").glob("[0-9]*.py")):
            (fresh / "notebooks" / f"{source.stem}.md").write_text(notebook_page(source))
        cmd = [sys.executable, "-m", "proofs", "render", "--out", str(fresh / "proofs"),
               "--jobs", str(PROOF_JOBS)]  # fmt: skip
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        fresh.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
