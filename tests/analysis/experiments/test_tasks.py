"""Tasks: deterministic init and batches, the corpus split, argument errors, loss decrease."""

from __future__ import annotations

import pytest
import torch

from analysis.experiments.models import CharGPT, GPTConfig
from analysis.experiments.optimizers import make_optimizer
from analysis.experiments.tasks import (
    CHARGPT_SIZES,
    SIZES,
    TASKS,
    encode,
    gpt_params,
    make_task,
    stdlib_corpus,
)

TINY_GPT = {"n_layer": 1, "n_head": 2, "n_embd": 16, "block_size": 8, "batch_size": 4}


@pytest.fixture
def corpus_file(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("hello wörld, the quick brown fox. " * 20, encoding="utf-8")
    return path


def _state(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


@pytest.mark.parametrize("name", TASKS)
def test_init_and_batches_are_functions_of_seed_and_step(name, corpus_file):
    text = {"text": corpus_file} if name == "chargpt" else {}
    a = make_task(name, size="quick", seed=3, device="cpu", **text)
    torch.manual_seed(123)  # the global RNG must not matter
    b = make_task(name, size="quick", seed=3, device="cpu", **text)
    c = make_task(name, size="quick", seed=4, device="cpu", **text)
    sa, sb, sc = _state(a.model), _state(b.model), _state(c.model)
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)
    for step in (1, 2, 50):
        xa, ya = a.batch(step)
        xb, yb = b.batch(step)
        assert torch.equal(xa, xb) and torch.equal(ya, yb)
        assert xa.shape[0] == a.batch_size and xa.device.type == "cpu"
    assert not torch.equal(a.batch(1)[0], a.batch(2)[0])
    assert not torch.equal(a.batch(1)[0], c.batch(1)[0])
    # later calls do not depend on earlier ones: a resumed run sees the same batch
    assert torch.equal(make_task(name, size="quick", seed=3, **text).batch(50)[1], ya)


def test_make_task_leaves_the_global_rng_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    make_task("digits", size="quick")
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("name", TASKS)
def test_evaluate_restores_the_mode(name, corpus_file):
    text = {"text": corpus_file} if name == "chargpt" else {}
    task = make_task(name, size="quick", **text)
    assert task.model.training
    value = task.evaluate()
    assert task.model.training and value > 0
    task.model.eval()
    assert task.evaluate() == value
    assert not task.model.training


@pytest.mark.parametrize("optimizer", ["adam", "mada"])
def test_digits_loss_decreases(optimizer):
    task = make_task("digits", size="quick", seed=1)
    opt = make_optimizer(optimizer, task.model.parameters(), lr=task.lr)
    before = task.evaluate()
    first = [task.loss(task.batch(s)).item() for s in range(1, 6)]
    for step in range(1, 51):
        opt.zero_grad()
        task.loss(task.batch(step)).backward()
        opt.step()
    last = [task.loss(task.batch(s)).item() for s in range(1, 6)]
    assert task.evaluate() < 0.6 * before
    assert sum(last) < 0.6 * sum(first)


def test_chargpt_split_is_90_10_and_deterministic(corpus_file):
    text = corpus_file.read_text(encoding="utf-8")
    task = make_task("chargpt", text=corpus_file, **TINY_GPT)
    info = task.info
    assert info["chars"] == len(text) and info["corpus"] == str(corpus_file)
    assert info["train_chars"] == int(0.9 * len(text))
    assert info["train_chars"] + info["val_chars"] == len(text)
    assert info["vocab_size"] == len(set(text))
    ids, vocab = encode(text)
    assert vocab == "".join(sorted(set(text)))
    train = ids[: info["train_chars"]]
    x, y = task.batch(1)
    assert x.shape == y.shape == (4, 8)
    assert torch.equal(x[:, 1:], y[:, :-1])  # targets are the inputs shifted by one
    for row_x, row_y in zip(x, y, strict=True):  # every window lies in the training part
        window = torch.cat([row_x, row_y[-1:]])
        starts = [i for i in range(len(train) - 8) if torch.equal(train[i : i + 9], window)]
        assert starts
    again = make_task("chargpt", text=corpus_file, **TINY_GPT)
    assert again.info == info
    assert again.evaluate() == task.evaluate()


def test_default_corpus_is_the_standard_library():
    corpus = stdlib_corpus()
    assert 100_000 < len(corpus) <= 1_000_000
    assert "def " in corpus and "import " in corpus
    task = make_task("chargpt", size="quick")
    assert task.info["corpus"] == "stdlib" and task.info["chars"] == len(corpus)
    assert len(task.info["sha256"]) == 64


@pytest.mark.parametrize(
    "kind, match",
    [("missing", "does not exist"), ("directory", "not a file"), ("latin1", "not UTF-8"),
     ("short", "has 40")],
)  # fmt: skip
def test_bad_text_names_the_argument(tmp_path, kind, match):
    path = tmp_path / "t.txt"
    if kind == "directory":
        path = tmp_path
    elif kind == "latin1":
        path.write_bytes("caf\xe9 ".encode("latin-1") * 100)
    elif kind == "short":
        path.write_text("x" * 40, encoding="utf-8")
    with pytest.raises(ValueError, match="text must be the path of a UTF-8 text file") as err:
        make_task("chargpt", text=path, **TINY_GPT)
    assert match in str(err.value)


def test_bad_arguments_name_the_argument_and_the_choices():
    with pytest.raises(ValueError, match=r"task must be one of digits, chargpt; got 'mnist'"):
        make_task("mnist")
    with pytest.raises(ValueError, match=r"size must be one of default, quick for digits"):
        make_task("digits", size="huge")
    with pytest.raises(ValueError, match=r"size must be one of default, quick for digits"):
        make_task("digits", size="gpu")  # the gpu size is chargpt's
    with pytest.raises(ValueError, match="model overrides for digits"):
        make_task("digits", n_layer=3)
    with pytest.raises(ValueError, match="text applies only to the chargpt task"):
        make_task("digits", text="x.txt")
    with pytest.raises(ValueError, match="n_head must divide n_embd"):
        make_task("chargpt", size="quick", n_head=3)
    for bad in (0, -1, 2.0, True, "8"):
        with pytest.raises(ValueError, match=rf"n_layer must be an integer >= 1; got {bad!r}"):
            make_task("chargpt", size="quick", n_layer=bad)
    with pytest.raises(ValueError, match=r"channels must be two integers >= 1; got \(8,\)"):
        make_task("digits", size="quick", channels=(8,))
    assert SIZES == ("default", "quick", "gpu")


def test_gpu_size_has_the_documented_parameter_count():
    # built on the meta device: the count without allocating 31.7M floats
    cfg = {k: CHARGPT_SIZES["gpu"][k] for k in ("block_size", "n_layer", "n_head", "n_embd")}
    with torch.device("meta"):
        model = CharGPT(GPTConfig(vocab_size=96, **cfg))
    count = sum(p.numel() for p in model.parameters())
    assert count == gpt_params(96, **cfg) == 31_705_088
    assert 30e6 <= count <= 50e6


def test_model_overrides_change_the_model():
    task = make_task("chargpt", size="quick", device="cpu", n_layer=2, block_size=16)
    assert len(task.model.blocks) == 2 and task.batch(1)[0].shape == (8, 16)
    assert task.info["params"] == gpt_params(task.info["vocab_size"], 16, 2, 32)
