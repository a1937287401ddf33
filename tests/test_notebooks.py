"""The notebooks: every ``notebooks/*.py`` (jupytext percent format, the source of truth) has
a paired ``.ipynb`` without outputs whose cells equal the ``.py``'s, and executes headless in
reduced-size mode (``MADA_NOTEBOOK_QUICK=1``; each notebook asserts its own claims).

The kernel is this interpreter (``sys.executable``): a ``python3`` kernelspec written into a
temporary directory by ``ipykernel.kernelspec.write_kernel_spec`` and found only by this
module's kernel manager, so no ``ipykernel install`` and no user-level kernelspec matter.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")
nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("*.py"))
CELL_TIMEOUT = 300  # seconds per cell
KERNEL_NAME = "python3"


def _normalise(source):
    """Cell source without trailing whitespace on each line or blank lines at either end."""
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _cells(nb):
    return [(c.cell_type, _normalise(c.source)) for c in nb.cells]


def test_there_are_notebooks():
    assert len(SOURCES) >= 3, SOURCES


@pytest.mark.parametrize("py", SOURCES, ids=lambda p: p.stem)
def test_paired_ipynb_matches_and_has_no_outputs(py):
    ipynb = py.with_suffix(".ipynb")
    assert ipynb.exists(), f"{ipynb.name} is missing: run jupytext --to ipynb {py.name}"
    text = py.read_text(encoding="utf-8")
    assert "formats: ipynb,py:percent" in text and "name: python3" in text, py.name
    paired = nbformat.read(ipynb, as_version=4)
    nbformat.validate(paired)
    for i, cell in enumerate(paired.cells):
        if cell.cell_type == "code":
            assert cell.get("outputs") == [], f"{ipynb.name} cell {i} has outputs"
            assert cell.get("execution_count") is None, f"{ipynb.name} cell {i} has a count"
    assert paired.metadata.get("kernelspec", {}).get("name") == KERNEL_NAME
    assert _cells(paired) == _cells(jupytext.read(py)), (
        f"{ipynb.name} is out of sync with {py.name}: run jupytext --sync {py.name}"
    )


@pytest.mark.parametrize("py", SOURCES, ids=lambda p: p.stem)
def test_reads_quick_mode_flag(py):
    assert 'QUICK = os.environ.get("MADA_NOTEBOOK_QUICK") == "1"' in py.read_text("utf-8"), py


# ---- execution -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def kernel_manager_class(tmp_path_factory):
    """An AsyncKernelManager whose only kernelspec is ``python3`` = this interpreter."""
    pytest.importorskip("nbclient")
    ipk = pytest.importorskip("ipykernel.kernelspec")
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    kernels = tmp_path_factory.mktemp("kernels")
    ipk.write_kernel_spec(path=str(kernels / KERNEL_NAME),
                          overrides={"display_name": f"Python 3 ({sys.executable})"})  # fmt: skip
    spec = json.loads((kernels / KERNEL_NAME / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable

    class ThisInterpreterKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _kernel_spec_manager_default(self):
            return KernelSpecManager(kernel_dirs=[str(kernels)])

    return ThisInterpreterKernelManager


def _kernel_env():
    env = dict(os.environ)
    env["MADA_NOTEBOOK_QUICK"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def _execute(nb, kernel_manager_class):
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL_NAME,
                            kernel_manager_class=kernel_manager_class,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})  # fmt: skip
    return client.execute(env=_kernel_env(), cwd=str(NOTEBOOKS))


@pytest.mark.slow
def test_kernel_is_this_interpreter(kernel_manager_class):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import os, sys\nprint(sys.executable)\nprint(os.getcwd())\n"
        "print(os.environ['MADA_NOTEBOOK_QUICK'])")]  # fmt: skip
    out = _execute(nb, kernel_manager_class).cells[0].outputs
    lines = "".join(o.get("text", "") for o in out).split()
    assert lines == [sys.executable, str(NOTEBOOKS), "1"], out


@pytest.mark.slow
@pytest.mark.parametrize("py", SOURCES, ids=lambda p: p.stem)
def test_notebook_executes(py, kernel_manager_class):
    nb = jupytext.read(py)
    executed = _execute(nb, kernel_manager_class)  # raises CellExecutionError on a failure
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]  # fmt: skip
    assert not errors, errors
