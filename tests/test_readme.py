"""The README is the front door: CI runs its Quickstart, its examples run, its links resolve."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
MAX_LINES = 100


def _quickstart_commands():
    blocks = README.split("## Quickstart", 1)[1].split("```bash\n")[1:3]
    return [b.split("\n```", 1)[0].strip() for b in blocks]


def test_quickstart_has_two_commands_using_the_constraints_file():
    commands = _quickstart_commands()
    assert len(commands) == 2
    assert all("-c constraints.txt" in c and "\n" not in c for c in commands)
    assert "torch==2.13.0" in (ROOT / "constraints.txt").read_text()


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = _quickstart_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci_lines


def test_readme_is_at_most_a_hundred_lines():
    assert len(README.splitlines()) <= MAX_LINES


def test_every_relative_link_resolves():
    targets = re.findall(r"\]\(([^)\s]+)\)", README)
    relative = [t.split("#", 1)[0] for t in targets if not re.match(r"[a-z]+:|#", t)]
    assert len(relative) >= 10  # the documentation table
    missing = [t for t in relative if not (ROOT / t).exists()]
    assert not missing, missing


PYTHON_BLOCKS = re.findall(r"```python\n(.*?)\n```", README, flags=re.S)


@pytest.mark.parametrize("k", range(len(PYTHON_BLOCKS)))
def test_python_examples_run(k, capsys):
    exec(compile(PYTHON_BLOCKS[k], f"README.md python block {k + 1}", "exec"), {})
    out = capsys.readouterr().out
    if "THEOREMS" in PYTHON_BLOCKS[k]:  # the comments in the example say what it prints
        assert "sqrt(T)" in out
        assert "beta1: assumption 0 <= beta1 < 1 is violated (beta1=1.5)" in out
    else:
        assert "'rho':" in out and "'gamma':" in out


def test_there_are_an_optimizer_and_a_theory_example():
    assert len(PYTHON_BLOCKS) == 2
