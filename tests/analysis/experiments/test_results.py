"""analysis.experiments.results: JSON with non-finite numbers, flat CSV, atomic writes."""

import csv
import math
import os

import numpy as np

from analysis.experiments.results import flatten, read_json, write_csv, write_json


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


def test_files_get_the_usual_permissions_not_the_temporary_files_0600(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    path = write_json({"a": 1}, str(tmp_path / "p.json"))
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask
