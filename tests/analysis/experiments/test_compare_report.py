"""analysis.experiments.compare_report and figures_seeds: the section, the folder, the PNGs."""

import csv
import math
import os

import pytest

from analysis.experiments import compare_report, figures_seeds
from analysis.experiments.compare import PAPER_RATIO
from analysis.experiments.results import KEY, read_json

from .test_compare import VALS, _result

PNG = b"\x89PNG\r\n\x1a\n"


def test_the_section_has_the_summary_table_paper_figure_and_sweep():
    r = _result(VALS)
    text = compare_report.markdown(r)
    assert f"**{r.summary()}**" in text
    for o in VALS:
        assert f"\n| {o} | " in text
    assert f"about {PAPER_RATIO:g}×" in text and f"{r.ratio()['ratio']:.2f}×" in text
    assert "separate seed 3" in text and "(edge of the sweep)" in text
    assert "1 torch thread(s)" in text


def test_a_failed_ratio_is_said_in_words():
    r = _result({"adamw": [2.2, 2.3], "adam": [2.0, 2.1], "mada": [1.9, 2.0]})
    assert "the ratio MADA/best other is not defined" in compare_report.paper_line(r)


def test_write_puts_unique_history_keys_json_and_every_linked_figure(tmp_path):
    r = _result(VALS)
    compare_report.write(r, str(tmp_path), "mada-analysis compare --scale quick")
    text = (tmp_path / "index.md").read_text(encoding="utf-8")
    for link in [line.split("](")[1].rstrip(")") for line in text.splitlines()
                 if line.startswith("![")]:  # fmt: skip
        assert (tmp_path / link).read_bytes()[:8] == PNG, link
    with open(tmp_path / "history.csv", encoding="utf-8") as f:
        keys = [tuple(row[k] for k in KEY) for row in csv.DictReader(f)]
    assert len(keys) == len(set(keys)) == 4 * 3 * 2
    data = read_json(tmp_path / "compare.json")
    assert data["summary"] == r.summary() and set(data["runs"]) == set(VALS)


def test_band_is_the_mean_and_min_max_over_seeds():
    runs = _result(VALS).runs["adamw"]
    steps, mean, lo, hi = figures_seeds.band(runs, "val_loss")
    at2 = [v + 0.25 for v in VALS["adamw"]]
    assert steps == [2, 4]
    assert mean[0] == pytest.approx(sum(at2) / 3) and (lo[0], hi[0]) == (min(at2), max(at2))


def test_far_above_leaves_out_only_an_outlier():
    assert figures_seeds.far_above({"a": 2.0, "b": 2.01, "c": 2.02, "d": 3.0}) == {"d"}
    assert figures_seeds.far_above({"a": 2.0, "b": 2.01, "c": math.inf}) == {"c"}
    assert figures_seeds.far_above({"a": 2.0, "b": 2.5}) == set()


def test_coefficient_bands_start_at_step_0_and_show_only_what_moves(tmp_path):
    r = _result(VALS)
    for k, res in enumerate(r.runs["mada"]):
        for rec in res.history:
            rec["coefficients"] = {"beta1": 0.9 + 0.01 * k, "rho": 1.0}
    path = figures_seeds.coefficient_bands(r.runs, {**r.start, "mada": {"beta1": 0.9,
                                                                          "rho": 1.0}},
                                           str(tmp_path / "c.png"))  # fmt: skip
    assert open(path, "rb").read(8) == PNG
    assert os.listdir(tmp_path) == ["c.png"]
