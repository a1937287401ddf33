"""Results on disk: JSON (everything) and CSV (one flat row per history record).

Every file is written to a temporary file in the target folder and renamed into place, so an
interrupted run never leaves a half-written result. A whole output folder (a report, a grid,
one training run) is built in a hidden sibling staging folder by :func:`staged_output` and
put in place by renaming it at the end: a killed run leaves the previous output untouched.
Non-finite floats are written as the strings ``"inf"``, ``"-inf"`` and ``"nan"`` (JSON has
no literal for them) and read back as floats by :func:`read_json`.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = write_json({"loss": float("inf"), "steps": [1, 2]}, os.path.join(folder, "r.json"))
    >>> read_json(path)
    {'loss': inf, 'steps': [1, 2]}
    >>> rows = flatten({"step": 3, "coefficients": {"beta1": 0.9}, "monitor": None})
    >>> rows
    {'step': 3, 'coefficients.beta1': 0.9, 'monitor': None}
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import errno
import io
import json
import math
import os
import shutil
import tempfile

_NONFINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def write_atomic(data, path):
    """Write ``data`` (str as UTF-8, or bytes) to ``path`` atomically: a temporary file in
    the same folder, flushed to disk, then renamed over ``path``. Returns ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual mode
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def prepare_output(out, marker, name="out"):
    """Check, before any compute, that the folder ``out`` can be (re)placed by a new output,
    and make its staging folder, a fresh hidden sibling ``.<basename>.tmp-*``.

    ``out`` may be absent, empty, or an earlier output (it holds ``marker``); anything else
    (a file, a folder of other files, an unwritable place) raises ValueError naming ``name``.
    """
    path = os.path.abspath(out)
    above = path
    while not os.path.lexists(above):
        above = os.path.dirname(above)
    if not os.path.isdir(above):
        where = "is a file" if above == path else f"is under {above!r}, a file"
        raise ValueError(f"{name} {out!r} {where}; it must be a folder")
    if os.path.isdir(path) and os.listdir(path) and not os.path.exists(os.path.join(path, marker)):
        raise ValueError(f"{name} {out!r} holds other files (no {marker} of an earlier output); "
                         "choose a new or empty folder")  # fmt: skip
    parent = os.path.dirname(path)
    try:
        os.makedirs(parent, exist_ok=True)
        return tempfile.mkdtemp(dir=parent, prefix=f".{os.path.basename(path)}.tmp-")
    except OSError as err:
        raise ValueError(f"{name} {out!r} cannot be written: {err.strerror or err}") from None


def _exchange(a, b):
    """Swap paths ``a`` and ``b`` in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False
    where the system has no such call."""
    fn = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if fn is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):  # old kernel or a file system without it
        return False
    raise OSError(code, os.strerror(code), b)


def publish(stage, out):
    """Put the finished staging folder ``stage`` in place of ``out`` (swapped in one step
    where the system allows, else two renames) and remove the previous output."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(stage, 0o777 & ~umask)  # mkdtemp makes 0700; give the usual mode
    path = os.path.abspath(out)
    if not os.path.lexists(path):
        os.rename(stage, path)
    elif _exchange(stage, path):
        shutil.rmtree(stage)
    else:
        old = tempfile.mkdtemp(dir=os.path.dirname(path), prefix=f".{os.path.basename(path)}.old-")
        os.rename(path, os.path.join(old, "previous"))
        os.rename(stage, path)
        shutil.rmtree(old)
    return out


@contextlib.contextmanager
def staged_output(out, marker, name="out"):
    """``with staged_output(out, marker) as stage:`` write the output into ``stage``; on
    success it replaces ``out`` (:func:`publish`), on any error or interrupt it is removed
    and ``out`` is untouched. See :func:`prepare_output` for the checks, made on entry."""
    stage = prepare_output(out, marker, name)
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    publish(stage, out)


def _encode(obj):
    if hasattr(obj, "item") and getattr(obj, "ndim", None) == 0:  # NumPy / torch scalars
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, dict):
        return {str(k): _encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_encode(v) for v in obj]
    return obj


def _decode(obj):
    if isinstance(obj, str) and obj in _NONFINITE:
        return _NONFINITE[obj]
    if isinstance(obj, dict):
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def write_json(obj, path):
    """``obj`` (dicts, lists, numbers, strings) as indented JSON; returns ``path``."""
    return write_atomic(json.dumps(_encode(obj), indent=1, allow_nan=False) + "\n", path)


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return _decode(json.load(f))


def flatten(record, prefix=""):
    """Nested dicts to one level with dotted keys (lists are kept as they are)."""
    out = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def write_csv(rows, path):
    """``rows`` (dicts, nested allowed) as CSV with the union of their flattened keys."""
    flat = [flatten(r) for r in rows]
    keys = list(dict.fromkeys(k for r in flat for k in r))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=keys, lineterminator="\n")
    writer.writeheader()
    writer.writerows(flat)
    return write_atomic(buf.getvalue(), path)


KEY = ("task", "optimizer", "seed", "step")  # one row of a history table per key


def history_rows(results):
    """One row per history record of each :class:`.train.RunResult`, tagged with the run.

    The key :data:`KEY` is unique: two runs with the same task, optimizer and seed (say a
    monitored rerun of a plain run, or two learning rates of a sweep) belong in different
    tables, and passing both raises ValueError rather than writing rows a reader cannot
    tell apart."""
    rows, seen = [], set()
    for res in results:
        tag = {"task": res.config["task"], "optimizer": res.config["optimizer"],
               "seed": res.config["seed"]}  # fmt: skip
        for rec in res.history:
            key = (*tag.values(), rec["step"])
            if key in seen:
                raise ValueError(f"history rows: (task, optimizer, seed, step) = {key} comes "
                                 "from two runs; write them to separate tables")  # fmt: skip
            seen.add(key)
            rows.append({**tag, **rec})
    return rows
