"""analysis.report_bounds: the bounds that apply, and the convex ones marked as illustration."""

import torch

from analysis.experiments.train import RunConfig, train
from analysis.report_bounds import monitor_text, monotone_text


def test_monitor_text_shows_what_applies_and_marks_the_convex_bounds():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        run = train(RunConfig(task="digits", optimizer="adam", size="quick", steps=12,
                              monitor=True, betas=(0.9, 0.95)), progress=False)  # fmt: skip
    finally:
        torch.set_num_threads(threads)
    text = monitor_text(run, "b.png")
    assert "| `adam_nonconvex_defossez2022` | applies, up to the differences named |" in text
    assert "corrects m's bias" in text
    assert "| `avgrad_nonconvex` | not met | — | the theorem's step is α/√t" in text
    assert "**Online convex bounds: illustration, assumptions not met.**" in text
    assert "theorem (illustration)" in text and "monotonicity violations" not in text
    assert text.endswith("![bounds](figures/b.png)")


def test_the_monotonicity_reading_says_what_to_conclude():
    assert monotone_text({}) == ""
    assert "never decreased" in monotone_text({"monotone_violations": 0})
    text = monotone_text({"monotone_violations": 77863})
    assert "77863" in text and "leaves the safe set" in text and "illustration only" in text


def test_the_safe_set_reading_says_when_the_theorem_stops_covering_the_run():
    inside = {"steps_read": 60, "outside_steps": 0, "by_condition": {"S1": 0, "S2": 0, "S3": 0},
              "first_outside": None, "box": {"inside": True}, "algorithm": []}  # fmt: skip
    assert "stays in the safe set S" in monotone_text({"safe_set": inside})
    out = {
        **inside,
        "outside_steps": 59,
        "first_outside": 2,
        "by_condition": {"S1": 59, "S2": 0, "S3": 0},
        "algorithm": ["bias correction"],
    }
    text = monotone_text({"safe_set": out})
    assert "left S at step 2" in text and "59 of 60 steps (S1 59)" in text
    assert "bias correction" in text and "does not cover this run" in text
