"""Run checkpoints on disk: written atomically, read with ``weights_only=True``.

A checkpoint is a dict of tensors and plain Python values saved by ``torch.save`` (a zip
archive). :func:`load` refuses, with one short reason, a file that is empty, truncated, not
torch's zip format, or asks the unpickler for any object beyond plain tensors and values
(it is refused unread: nothing in it runs), and one written for another run.
"""

from __future__ import annotations

import io
import os
import pickle
import re
import tempfile

import torch

from .results import write_atomic

FORMAT = 1


def save_atomic(obj, path):
    """``torch.save`` of ``obj`` to ``path`` through :func:`.results.write_atomic`."""
    buf = io.BytesIO()
    torch.save(obj, buf)
    return write_atomic(buf.getvalue(), path)


def load(path, plain):
    """The checkpoint at ``path`` of the run whose plain configuration is ``plain``;
    ValueError with one short reason if it is empty, truncated, not a plain-tensor
    checkpoint, or of another run."""
    where = f"checkpoint {path!r}"
    with open(path, "rb") as f:
        head = f.read(4)
    if not head:
        raise ValueError(f"{where} is empty (0 bytes); remove it to start afresh")
    if head != b"PK\x03\x04":  # torch.save writes a zip archive
        raise ValueError(f"{where} is refused: not a plain-tensor checkpoint (not torch's zip "
                         "format); it was not unpickled")  # fmt: skip
    try:
        ck = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:  # the weights-only unpickler met a forbidden object
        found = re.search(r"GLOBAL ([\w.]+)", str(err))
        what = f" (it asks for {found.group(1)})" if found else ""
        raise ValueError(f"{where} is refused: not a plain-tensor checkpoint{what}; nothing "
                         "in it was run") from None  # fmt: skip
    except (RuntimeError, EOFError, OSError) as err:
        reason = str(err).split(". ", 1)[0].strip() or type(err).__name__
        raise ValueError(f"{where} is truncated or corrupt ({reason})") from None
    if not isinstance(ck, dict) or ck.get("format") != FORMAT:
        raise ValueError(f"checkpoint {path!r} is not a mada-analysis run checkpoint")
    if ck["config"] != plain:
        diff = sorted(k for k in plain if ck["config"].get(k) != plain[k])
        raise ValueError(f"checkpoint {path!r} was written for another run (differs in "
                         f"{', '.join(diff)}); remove it or change --checkpoint")  # fmt: skip
    return ck


def check_path(path):
    """Raise ValueError unless a checkpoint can be written at ``path``: a probe file is
    made and removed in its folder (created if missing)."""
    if os.path.isdir(path):
        raise ValueError(f"checkpoint {path!r} is a folder; it must be a file")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".tmp-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise ValueError(f"checkpoint {path!r} cannot be written: {err.strerror or err}") from None
