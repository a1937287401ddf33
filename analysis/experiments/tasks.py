"""Training tasks: a model, a deterministic batch stream, a loss and a validation loss.

=========  ===============================================================================
task       what is trained
=========  ===============================================================================
digits     :class:`~analysis.experiments.models.DigitsCNN` on scikit-learn's bundled 8x8
           digits (1797 images, pixels / 16); 80/20 train/validation split by a fixed
           permutation (seed 0, independent of the run's seed)
chargpt    :class:`~analysis.experiments.models.CharGPT`, next-character prediction;
           first 90% of the corpus trains, the last 10% validates
=========  ===============================================================================

Sizes (module constants ``DIGITS_SIZES``, ``CHARGPT_SIZES``): ``"default"`` is what
``mada-analysis report`` trains, a couple of minutes on 2 CPU cores for all nine optimizers;
``"quick"`` is about 10x less work (tiny models, small batches, few steps); ``"gpu"``
(chargpt only) is a nanoGPT-sized model for one GPU, meant for ``dtype="bf16"`` and
``compile=True`` (:class:`~analysis.experiments.train.RunConfig`):

=========  =======  =======================================  =====  =====  ====
task       size     model                                    batch  steps  lr
=========  =======  =======================================  =====  =====  ====
digits     default  channels (16, 32), 9.9k params           64     300    3e-3
digits     quick    channels (8, 16), 3.8k params            32     60     3e-3
chargpt    default  2 layers, 4 heads, n_embd 64, block 64   16     200    3e-3
chargpt    quick    1 layer, 2 heads, n_embd 32, block 32    8      60     3e-3
chargpt    gpu      10 layers, 8 heads, n_embd 512, block    64     300    6e-4
                    256; 31.7M params (+ 512 per character)
=========  =======  =======================================  =====  =====  ====

A char-GPT has :math:`V d + B d + L(12 d^2 + 13 d) + 2 d` parameters (:func:`gpt_params`;
vocabulary V, block B, L layers of width d; the head is tied to the token embedding):
31,655,936 + 512 V at the ``"gpu"`` size, 31.7M for the standard library corpus (V = 96
on CPython 3.11; ``Task.info["params"]`` records the run's count).

The learning rates are for the Adam family (MADA's corners and AdamW).

**Corpus.** ``text=None`` trains on this interpreter's standard library: the ``.py`` files
under ``sysconfig.get_paths()["stdlib"]`` (directories ``site-packages``, ``dist-packages``,
``test``, ``tests``, ``idlelib`` and ``__pycache__`` skipped), sorted by relative path,
concatenated (UTF-8) and cut at ``CORPUS_CHARS`` = 1,000,000 characters. It differs between
CPython versions, so ``Task.info`` records the corpus, its character count and the SHA-256
of its UTF-8 bytes; report them with the results. ``text=PATH`` trains on any UTF-8 file.
The vocabulary is the sorted set of the corpus's characters.

**Determinism.** The model is initialised from ``seed`` (the global RNG is forked, so the
caller's is untouched) on the CPU and then moved to ``device``; ``batch(step)`` draws from a
fresh ``torch.Generator`` seeded by ``(seed, step)``, so a resumed run sees the same batches
without any saved RNG state.

>>> task = make_task("digits", size="quick", device="cpu")
>>> x, y = task.batch(1)
>>> tuple(x.shape), tuple(y.shape), task.info["train"], task.info["val"]
((32, 1, 8, 8), (32,), 1437, 360)
>>> torch.equal(task.batch(7)[0], make_task("digits", size="quick").batch(7)[0])
True
"""

from __future__ import annotations

import functools
import hashlib
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .corpus import CORPUS_CHARS, encode, read_corpus, stdlib_corpus, stdlib_files
from .models import CharGPT, DigitsCNN, GPTConfig

TASKS = ("digits", "chargpt")
SIZES = ("default", "quick", "gpu")

DIGITS_SIZES = {
    "default": {"channels": (16, 32), "batch_size": 64, "steps": 300, "lr": 3e-3},
    "quick": {"channels": (8, 16), "batch_size": 32, "steps": 60, "lr": 3e-3},
}
CHARGPT_SIZES = {
    "default": {"n_layer": 2, "n_head": 4, "n_embd": 64, "block_size": 64, "batch_size": 16,
                "steps": 200, "lr": 3e-3},
    "quick": {"n_layer": 1, "n_head": 2, "n_embd": 32, "block_size": 32, "batch_size": 8,
              "steps": 60, "lr": 3e-3},
    "gpu": {"n_layer": 10, "n_head": 8, "n_embd": 512, "block_size": 256, "batch_size": 64,
            "steps": 300, "lr": 6e-4},
}  # fmt: skip
EVAL_WINDOWS = 64  # chargpt validation: this many evenly spaced windows of block_size
SPLIT_SEED = 0  # digits train/validation permutation, fixed for every run seed


@dataclass(eq=False)
class Task:
    """A model on ``device`` with its data; see the module docstring."""

    name: str
    model: nn.Module
    batch_size: int  # examples (digits) or windows (chargpt) per batch
    steps: int  # default number of training steps for this size
    lr: float  # default learning rate (Adam family)
    seed: int
    device: torch.device
    info: dict = field(default_factory=dict)  # dataset / corpus facts for the report
    _sample: Callable[[torch.Generator], tuple[Tensor, Tensor]] = field(default=None, repr=False)
    _val: list = field(default_factory=list, repr=False)  # [(x, y)] validation batches
    _forward: Callable | None = field(default=None, repr=False)  # compiled model, if any

    def batch(self, step: int) -> tuple[Tensor, Tensor]:
        """Training batch of step ``step`` (1-based): a pure function of (seed, step)."""
        gen = torch.Generator().manual_seed(batch_seed(self.seed, step))
        return self._sample(gen)

    def loss(self, batch) -> Tensor:
        """Mean cross-entropy of ``self.model`` on ``batch`` = (inputs, targets)."""
        x, y = batch
        model = self.model if self._forward is None else self._forward
        logits = model(x)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    def compile(self, **options):
        """Forward through ``torch.compile(self.model, **options)`` from now on; the model
        itself (its parameters and state dict) is unchanged."""
        self._forward = torch.compile(self.model, **options)

    def evaluate(self) -> float:
        """Mean validation cross-entropy (no grad, eval mode; the model's mode is restored)."""
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.no_grad():
                total = sum(self.loss(b) * b[1].numel() for b in self._val)
                count = sum(b[1].numel() for b in self._val)
            return float(total) / count
        finally:
            self.model.train(was_training)


def batch_seed(seed, step):
    """The generator seed of batch ``step``: an arithmetic mix of (seed, step), not hash()."""
    return (int(seed) * 1_000_003 + int(step)) % (1 << 63)


def resolve_device(device=None) -> torch.device:
    """``None`` or ``"auto"``: CUDA when available, else the CPU; otherwise ``torch.device``."""
    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def make_task(name, *, seed=0, size="default", device=None, text=None, **model_overrides):
    """Build task ``name`` at ``size`` on ``device``; see the module docstring.

    ``model_overrides`` replace the size's settings (:func:`check_model`). ``text`` (chargpt
    only) is the path of a UTF-8 corpus.
    """
    settings = check_model(name, size, model_overrides)
    device = resolve_device(device)
    if name == "digits":
        if text is not None:
            raise ValueError("text applies only to the chargpt task")
        return _digits(seed, device, settings)
    return _chargpt(seed, device, settings, text)


def task_sizes(name):
    """The size table of task ``name``: {size: settings}."""
    if name not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}; got {name!r}")
    return DIGITS_SIZES if name == "digits" else CHARGPT_SIZES


def check_model(name, size, overrides=None):
    """The settings of task ``name`` at ``size`` with ``overrides`` applied; ValueError
    naming the first bad one. Overrides: ``channels`` (two integers >= 1) and
    ``batch_size`` for digits; ``n_layer``, ``n_head``, ``n_embd``, ``block_size`` and
    ``batch_size`` (integers >= 1, ``n_head`` dividing ``n_embd``) for chargpt.

    >>> check_model("chargpt", "quick", {"n_embd": 48})["n_embd"]
    48
    """
    table = task_sizes(name)
    if size not in table:
        raise ValueError(f"size must be one of {', '.join(table)} for {name}; got {size!r}")
    settings = dict(table[size])
    overrides = dict(overrides or {})
    allowed = sorted(set(settings) - {"steps", "lr"})
    unknown = sorted(set(overrides) - set(allowed))
    if unknown:
        raise ValueError(f"model overrides for {name} must be among {allowed}, got {unknown}")
    for key, value in overrides.items():
        many = key == "channels" and isinstance(value, (list, tuple))
        values = tuple(value) if many else (value,)
        if (key == "channels" and len(values) != 2) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in values
        ):
            what = "two integers >= 1" if key == "channels" else "an integer >= 1"
            raise ValueError(f"{key} must be {what}; got {value!r}")
    settings.update(overrides)
    if name == "chargpt" and settings["n_embd"] % settings["n_head"]:
        raise ValueError(f"n_head must divide n_embd; got n_head={settings['n_head']}, "
                         f"n_embd={settings['n_embd']}")  # fmt: skip
    return settings


def gpt_params(vocab_size, block_size, n_layer, n_embd, **_):
    """Parameters of a :class:`CharGPT` (tied head), without building it.

    >>> gpt_params(96, **CHARGPT_SIZES["gpu"])
    31705088
    """
    d = n_embd
    return vocab_size * d + block_size * d + n_layer * (12 * d * d + 13 * d) + 2 * d


def defaults(name, size):
    """The default ``(steps, lr)`` of task ``name`` at ``size``, without building it."""
    settings = check_model(name, size)
    return settings["steps"], settings["lr"]


def check_text(text, name="chargpt", size="default", block_size=None):
    """Raise ValueError naming ``text`` if it cannot be the corpus of task ``name`` at
    ``size`` (or at ``block_size``; not readable, not UTF-8, too short, or a task that takes
    no text); see :func:`read_corpus`. Reads the file once, before any compute."""
    if text is None:
        return
    if name != "chargpt":
        raise ValueError(f"text applies only to the chargpt task, not {name}")
    read_corpus(text, _min_chars(block_size or CHARGPT_SIZES[size]["block_size"]))


def _min_chars(block):
    return 10 * (block + 1) + 1  # the last 10% must hold one window of block + 1 chars


def _seeded(seed, build):
    """``build()`` on the CPU under a forked global RNG seeded with ``seed``."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build()


def _params(model):
    return sum(p.numel() for p in model.parameters())


@functools.lru_cache(maxsize=1)
def _digits_data():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = torch.tensor(X / 16.0, dtype=torch.float32).view(-1, 1, 8, 8)
    return X, torch.tensor(y, dtype=torch.long)


def _digits(seed, device, s):
    X, y = _digits_data()
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(SPLIT_SEED))
    n_train = int(0.8 * len(y))
    train, val = perm[:n_train], perm[n_train:]
    Xt, yt = X[train].to(device), y[train].to(device)
    Xv, yv = X[val].to(device), y[val].to(device)
    model = _seeded(seed, lambda: DigitsCNN(tuple(s["channels"]))).to(device)
    batch_size = s["batch_size"]

    def sample(gen):
        ix = torch.randint(n_train, (batch_size,), generator=gen).to(device)
        return Xt[ix], yt[ix]

    info = {"dataset": "sklearn.datasets.load_digits", "train": n_train, "val": len(val),
            "params": _params(model)}  # fmt: skip
    return Task("digits", model, batch_size, s["steps"], s["lr"], seed, device, info,
                sample, [(Xv, yv)])  # fmt: skip


def _chargpt(seed, device, s, text):
    block = s["block_size"]
    min_chars = _min_chars(block)
    if text is None:
        corpus, source = stdlib_corpus(), "stdlib"
        if len(corpus) < min_chars:
            raise ValueError(f"the standard library corpus ({len(corpus)} characters) is "
                             f"too short for block_size={block}; pass text=")  # fmt: skip
    else:
        corpus, source = read_corpus(text, min_chars), str(text)
    ids, vocab = encode(corpus)
    n_train = int(0.9 * len(ids))
    train, val = ids[:n_train].to(device), ids[n_train:].to(device)
    cfg = GPTConfig(len(vocab), block, s["n_layer"], s["n_head"], s["n_embd"])
    model = _seeded(seed, lambda: CharGPT(cfg)).to(device)
    batch_size = s["batch_size"]
    offsets = torch.arange(block + 1, device=device)

    def windows(data, starts):
        chunk = data[starts[:, None] + offsets]  # (B, block + 1)
        return chunk[:, :-1], chunk[:, 1:]

    def sample(gen):
        starts = torch.randint(len(train) - block, (batch_size,), generator=gen)
        return windows(train, starts.to(device))

    starts = torch.linspace(0, len(val) - block - 1, EVAL_WINDOWS).long().unique().to(device)
    info = {"corpus": source, "chars": len(corpus),
            "sha256": hashlib.sha256(corpus.encode("utf-8")).hexdigest(),
            "vocab_size": len(vocab), "block_size": block, "train_chars": n_train,
            "val_chars": len(ids) - n_train,
            "params": _params(model)}  # fmt: skip
    if text is None:
        info["python"] = sysconfig.get_python_version()
    return Task("chargpt", model, batch_size, s["steps"], s["lr"], seed, device, info,
                sample, [windows(val, starts)])  # fmt: skip


__all__ = ["CHARGPT_SIZES", "CORPUS_CHARS", "DIGITS_SIZES", "SIZES", "TASKS", "Task",
           "check_model", "check_text", "defaults", "encode", "gpt_params", "make_task",
           "read_corpus", "resolve_device", "stdlib_corpus", "stdlib_files",
           "task_sizes"]  # fmt: skip
