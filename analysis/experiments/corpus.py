"""The char-GPT corpus: this interpreter's standard library sources, or any UTF-8 file, and
its character encoding (see :mod:`.tasks`, "Corpus")."""

from __future__ import annotations

import functools
import os
import sysconfig
from pathlib import Path

import numpy as np
import torch

CORPUS_CHARS = 1_000_000  # cap of the default (standard library) corpus
_SKIP_DIRS = {"site-packages", "dist-packages", "test", "tests", "idlelib", "__pycache__"}


def stdlib_files():
    """The sorted ``.py`` files of the default corpus (paths relative to the stdlib root)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]
        rel = Path(dirpath).relative_to(root)
        files += [(rel / f).as_posix() for f in filenames if f.endswith(".py")]
    return root, sorted(files)


@functools.lru_cache(maxsize=1)
def stdlib_corpus(cap=CORPUS_CHARS):
    """This interpreter's standard library sources, concatenated and cut at ``cap`` chars."""
    root, files = stdlib_files()
    parts, n = [], 0
    for rel in files:
        try:
            part = (root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # unreadable files are skipped; the sha256 records what was used
        parts.append(part)
        n += len(part)
        if n >= cap:
            break
    return "".join(parts)[:cap]


def read_corpus(text, min_chars):
    """The UTF-8 file ``text`` as a string; ValueError naming ``text`` when unusable."""
    allowed = f"the path of a UTF-8 text file of at least {min_chars} characters"
    path = Path(text)
    if not path.exists():
        raise ValueError(f"text must be {allowed}; {str(text)!r} does not exist")
    if not path.is_file():
        raise ValueError(f"text must be {allowed}; {str(text)!r} is not a file")
    try:
        corpus = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"text must be {allowed}; {str(text)!r} is not UTF-8 (byte "
                         f"{err.start})") from None  # fmt: skip
    except OSError as err:
        raise ValueError(f"text must be {allowed}; {str(text)!r} cannot be read "
                         f"({err.strerror or err})") from None  # fmt: skip
    if len(corpus) < min_chars:
        raise ValueError(f"text must be {allowed} (block_size + 1 in each of the 90/10 "
                         f"splits); {str(text)!r} has {len(corpus)}")  # fmt: skip
    return corpus


def encode(corpus):
    """(ids as an int64 tensor, vocabulary string): characters -> index in the sorted set."""
    codes = np.frombuffer(corpus.encode("utf-32-le"), dtype=np.uint32)
    vocab = np.unique(codes)
    ids = torch.from_numpy(np.searchsorted(vocab, codes).astype(np.int64))
    return ids, "".join(map(chr, vocab.tolist()))
