"""``mada-analysis bounds``: the table, its options, and one-line errors (exit 2) for bad input."""

import subprocess
import sys

import pytest

from analysis import cli
from analysis.theorems import THEOREMS


def test_table_lists_every_theorem_with_setting_and_rate(capsys):
    assert cli.main(["bounds"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["id", "setting", "rate", "bound"]
    rows = {line.split()[0]: line for line in out[1:]}
    assert set(rows) == set(THEOREMS)
    assert "online-convex" in rows["amsgrad_regret_reddi2018"]
    assert "T**(3/2)" in rows["amsgrad_regret_reddi2018"]
    assert "log(T)/sqrt(T)" in rows["adagrad_nonconvex_defossez2022"]


def test_one_theorem_at_given_values(capsys):
    args = ["bounds", "--theorem", "amsgrad_regret_reddi2018_cor1"]
    for kv in ("T=100", "d=1", "D_inf=2", "G_inf=1", "alpha=0.5", "beta1=0", "beta2=0.25",
               "lam=0.5"):  # fmt: skip
        args += ["--set", kv]
    assert cli.main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    expected = float(THEOREMS["amsgrad_regret_reddi2018_cor1"].bound(
        T=100, d=1, D_inf=2, G_inf=1, alpha=0.5, beta1=0, beta2=0.25, lam=0.5).evalf())  # fmt: skip
    assert float(out[1].split()[-1]) == pytest.approx(expected, rel=1e-5)
    assert "sqrt(T)*sqrt(log(T))" in out[1]  # the rate is in T even when T is set


def test_values_a_theorem_cannot_take_show_as_not_applicable(capsys):
    assert cli.main(["bounds", "--set", "beta1=0.9"]) == 0
    rows = {ln.split()[0]: ln for ln in capsys.readouterr().out.splitlines()[1:]}
    assert "n/a: beta1" in rows["adagrad_nonconvex_defossez2022"]
    assert "n/a" not in rows["amsgrad_regret_reddi2018"]


def test_latex(capsys):
    assert cli.main(["bounds", "--latex", "--theorem", "adam_nonconvex_defossez2022"]) == 0
    out = capsys.readouterr().out
    assert "\\frac" in out and "\\beta_1" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--theorem", "nosuch"], "invalid choice"), (["--set", "beta1"], "NAME=VALUE"),
     (["--set", "beta1=abc"], "not a number"), (["--set", "=1"], "NAME=VALUE"),
     (["--set", "foo=1"], "no such constant"), (["--set", "beta1=1.5"], "beta1"),
     (["--theorem", "amsgrad_regret_reddi2018", "--set", "beta1=0.9", "--set", "beta2=0.5"],
      "gamma")],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(args, needle, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["bounds", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    error_lines = [ln for ln in err.splitlines() if "error" in ln]
    assert len(error_lines) == 1 and needle in error_lines[0]
    assert "Traceback" not in err


def test_subprocess_error_has_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "analysis", "bounds", "--set", "beta1=1.5"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len([ln for ln in proc.stderr.splitlines() if "error" in ln]) == 1
