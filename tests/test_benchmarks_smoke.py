"""Smoke tests of ``benchmarks/optimizer_step.py`` (its baseline is right and its output sane)
and ``benchmarks/train_step.py`` (it runs and prints its table).

No timing ratio is asserted; the timings of this tiny case mean nothing.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "optimizer_step.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("_bench_optimizer_step", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_autograd_reference_hypergradients_match_mada(bench):
    report = bench.self_check(steps=4)
    bad = [row for row in report["rows"] if row[-1] > bench.CHECK_RTOL]
    assert not bad, bad
    assert report["max_param_rel_err"] < 1e-12
    # every learned coefficient of every point was compared at steps 2..4
    assert len(report["rows"]) == len(sys.modules["autograd_mada"].CHECK_POINTS) * 6 * 3


def test_tiny_case_writes_the_documented_json(bench, tmp_path):
    shapes = [(100, 100)]  # 10k parameters
    doc = bench.run_benchmark([("10k", shapes)], "cpu", warmup=2, repeats=3, steps=1)
    out = tmp_path / "bench.json"
    bench.write_json(doc, out)
    assert [p.name for p in tmp_path.iterdir()] == ["bench.json"]  # no temporary file left
    loaded = json.loads(out.read_text())

    assert {"cases", "device", "torch", "threads"} <= loaded.keys()
    assert loaded["device"] == "cpu"
    assert isinstance(loaded["torch"], str) and loaded["threads"] >= 1
    cases = {c["impl"]: c for c in loaded["cases"]}
    assert list(cases) == list(bench.IMPLS)
    for c in loaded["cases"]:
        assert c["params"] == "10k"
        assert isinstance(c["step_ms"], float) and c["step_ms"] > 0
        assert isinstance(c["state_bytes"], int) and c["state_bytes"] > 0

    # Adam's two per-element buffers; torch.optim.Adam also keeps its step count as a 0-dim
    # float32 tensor (4 bytes per parameter tensor), where MADA keeps one float64 counter.
    numel = 100 * 100
    assert cases["mada_adam"]["state_bytes"] == 2 * 4 * numel + 8
    assert cases["torch_adam"]["state_bytes"] == 2 * 4 * numel + 4 * len(shapes)
    assert cases["autograd_reference"]["state_bytes"] > cases["mada_full"]["state_bytes"]

    table = bench.markdown_table(loaded)
    assert table.splitlines()[0].startswith("| params | impl | step ms (median) |")
    assert len(table.splitlines()) == 2 + len(bench.IMPLS)


def test_train_step_quick_prints_the_table(capsys):
    path = SCRIPT.with_name("train_step.py")
    spec = importlib.util.spec_from_file_location("_bench_train_step", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--quick", "--threads", "1"]) == 0
    out = capsys.readouterr().out
    assert "| adamw |" in out and "| mada_fused |" in out and "ratio to adamw" in out
