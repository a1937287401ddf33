"""The README's Quickstart is what CI runs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quickstart_commands():
    text = (ROOT / "README.md").read_text()
    blocks = text.split("## Quickstart", 1)[1].split("```bash\n")[1:3]
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
