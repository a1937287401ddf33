"""The documentation site builds strictly, with a page per theorem, proof and notebook."""

import subprocess
import sys
from pathlib import Path

import pytest

from analysis import THEOREMS
from proofs import all_proofs

ROOT = Path(__file__).resolve().parents[1]
#: the build command of docs/index.md: every warning (a broken link or reference) is an error
STRICT = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q"]


def _build(src, tmp_path):
    out = tmp_path / "html"
    cmd = [*STRICT, str(src), str(out), "-d", str(tmp_path / "doctrees")]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    return done, out


def test_the_index_documents_the_strict_command():
    assert "python -m sphinx -W --keep-going" in (ROOT / "docs" / "index.md").read_text()


@pytest.mark.slow
def test_docs_build_strictly_with_every_generated_page(tmp_path):
    done, html = _build(ROOT / "docs", tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    pages = {d: {p.stem for p in (html / "generated" / d).glob("*.html")}
             for d in ("theorems", "proofs", "notebooks")}  # fmt: skip
    assert pages["theorems"] == set(THEOREMS)
    assert pages["proofs"] == set(all_proofs())
    assert pages["notebooks"] == {p.stem for p in (ROOT / "notebooks").glob("[0-9]*.py")}
    theorem = (html / "generated" / "theorems" / "avgrad_regret.html").read_text()
    assert "math notranslate" in theorem and "proofs/avgrad_regret.html" in theorem
    cli = (html / "cli.html").read_text()
    assert all(f">{c}<" in cli for c in ("report", "train", "grid", "bounds", "render"))


def test_a_broken_link_fails_the_strict_build(tmp_path):
    # the same command and Markdown reader on a one-page site whose only link is broken
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser"]\n')
    (src / "index.md").write_text("# Home\n\nSee [the guide](guide.md).\n")
    done, _ = _build(src, tmp_path)
    assert done.returncode != 0 and "guide.md" in done.stderr
