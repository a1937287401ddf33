"""Results on disk: JSON (everything) and CSV (one flat row per history record).

Every file is written to a temporary file in the target folder and renamed into place, so an
interrupted run never leaves a half-written result. Non-finite floats are written as the
strings ``"inf"``, ``"-inf"`` and ``"nan"`` (JSON has no literal for them) and read back as
floats by :func:`read_json`.

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

import csv
import io
import json
import math
import os
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


def history_rows(results):
    """One row per history record of each :class:`.train.RunResult`, tagged with the run."""
    rows = []
    for res in results:
        tag = {"task": res.config["task"], "optimizer": res.config["optimizer"],
               "seed": res.config["seed"]}  # fmt: skip
        rows.extend({**tag, **rec} for rec in res.history)
    return rows
