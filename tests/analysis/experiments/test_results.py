"""analysis.experiments.results: JSON with non-finite numbers, flat CSV, atomic writes."""

import csv
import math
import os

import numpy as np
import pytest

from analysis.experiments import results
from analysis.experiments.results import (
    flatten,
    prepare_output,
    read_json,
    staged_output,
    write_csv,
    write_json,
)
from tests.analysis.experiments.conftest import tree


def test_json_round_trips_non_finite_and_numpy_scalars(tmp_path):
    path = write_json({"a": [math.inf, -math.inf, 1.5], "b": np.float64(2.0),
                       "c": {"d": np.int64(3)}}, str(tmp_path / "x.json"))  # fmt: skip
    back = read_json(path)
    assert back["a"] == [math.inf, -math.inf, 1.5] and back["b"] == 2.0 and back["c"]["d"] == 3
    nan = read_json(write_json({"n": math.nan}, str(tmp_path / "n.json")))["n"]
    assert math.isnan(nan)


def test_csv_has_one_flat_row_per_record_with_the_union_of_keys(tmp_path):
    rows = [{"step": 1, "coefficients": {"beta1": 0.9}}, {"step": 2, "val_loss": 0.5}]
    path = write_csv(rows, str(tmp_path / "h.csv"))
    with open(path, encoding="utf-8") as f:
        got = list(csv.DictReader(f))
    assert got == [{"step": "1", "coefficients.beta1": "0.9", "val_loss": ""},
                   {"step": "2", "coefficients.beta1": "", "val_loss": "0.5"}]  # fmt: skip
    assert flatten({"a": {"b": {"c": 1}}}) == {"a.b.c": 1}
    assert sorted(os.listdir(tmp_path)) == ["h.csv"]


def _run(optimizer, seed, steps, monitor=False):
    from analysis.experiments.train import RunResult

    cfg = {"task": "digits", "optimizer": optimizer, "seed": seed, "monitor": monitor}
    return RunResult(cfg, {}, [{"step": s, "val_loss": 1.0} for s in steps], {})


def test_history_rows_have_a_unique_key_and_refuse_a_second_run_with_the_same():
    rows = results.history_rows([_run("adam", 0, (5, 10)), _run("adam", 1, (5, 10)),
                                 _run("mada", 0, (5, 10))])  # fmt: skip
    keys = [tuple(r[k] for k in results.KEY) for r in rows]
    assert len(keys) == 6 == len(set(keys))
    with pytest.raises(ValueError, match=r"\('digits', 'adam', 0, 10\) comes from two runs"):
        results.history_rows([_run("adam", 0, (5, 10)), _run("adam", 0, (10,), monitor=True)])


def test_files_get_the_usual_permissions_not_the_temporary_files_0600(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    path = write_json({"a": 1}, str(tmp_path / "p.json"))
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask


# ---- staged, all-or-nothing output folders ---------------------------------------------------
def _earlier_output(path):
    (path / "sub").mkdir(parents=True)
    (path / "index.md").write_text("previous")
    (path / "sub" / "a.png").write_bytes(b"old")
    return tree(path)


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_a_finished_output_replaces_the_previous_one_as_a_whole(tmp_path, monkeypatch, exchange):
    if not exchange:  # the fallback of systems without renameat2(RENAME_EXCHANGE)
        monkeypatch.setattr(results, "_exchange", lambda a, b: False)
    out = tmp_path / "rep"
    _earlier_output(out)
    with staged_output(str(out), "index.md") as stage:
        assert tree(out)["index.md"] == b"previous"  # untouched while the new one is built
        write_json({"new": 1}, f"{stage}/index.md")
    assert sorted(tree(out)) == ["index.md"] and read_json(out / "index.md") == {"new": 1}
    assert os.listdir(tmp_path) == ["rep"]  # no staging or backup folder left
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(out).st_mode & 0o777 == 0o777 & ~umask


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_failed_output_leaves_the_previous_one_untouched(tmp_path, error):
    out = tmp_path / "rep"
    before = _earlier_output(out)
    with pytest.raises(error), staged_output(str(out), "index.md") as stage:
        write_json({"half": 1}, f"{stage}/index.md")
        raise error
    assert tree(out) == before and os.listdir(tmp_path) == ["rep"]


def test_an_output_folder_that_cannot_be_one_is_refused_before_anything(tmp_path, unwritable):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match=r"--out .* is a file"):
        prepare_output(str(blocker), "index.md", "--out")
    with pytest.raises(ValueError, match=r"is under .*file.*, a file"):
        prepare_output(str(blocker / "rep"), "index.md", "--out")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("do not replace")
    with pytest.raises(ValueError, match="holds other files"):
        prepare_output(str(tmp_path / "mine"), "index.md", "--out")
    with pytest.raises(ValueError, match="cannot be written"):
        prepare_output(f"{unwritable}/rep", "index.md", "--out")
    assert os.listdir(tmp_path / "mine") == ["thesis.tex"]
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]  # no staging folder


def test_the_exchange_swaps_two_folders_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("in a")
    if not results._exchange(str(a), str(b)):
        pytest.skip("this system has no renameat2(RENAME_EXCHANGE); two renames are used")
    assert os.listdir(a) == [] and (b / "x").read_text() == "in a"
