"""Progress on stderr: tqdm bars on a terminal, a few plain lines everywhere else.

A batch job that sends stderr to a file gets no use from tqdm's carriage-return frames (the
quick report wrote 24 KB of them). Off a terminal, :func:`progress_bar` returns a
:class:`LineBar` instead: one line when the work is done, plus one at each 10% of it that
comes at least :data:`QUIET_INTERVAL_S` seconds after the last line, so a short run writes
one line and a run of many minutes about ten. In a notebook (ipykernel loaded) tqdm's own
front end is kept.
"""

from __future__ import annotations

import sys
import time

QUIET_INTERVAL_S = 30.0  # off a terminal: the least time between two progress lines
QUIET_PARTS = 10  # ... and only where a tenth of the total is complete


class _NoBar:
    """What :func:`progress_bar` returns when disabled: iterates, and ignores the rest."""

    def __init__(self, iterable=None):
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)

    def update(self, n=1):
        pass

    def set_postfix(self, **kwargs):
        pass

    def close(self):
        pass


class LineBar(_NoBar):
    """Plain-line progress for a non-terminal ``file`` (see the module docstring)."""

    def __init__(self, iterable=None, *, total=None, initial=0, desc="", file=None, **_):
        super().__init__(iterable)
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable) + initial
        self.total, self.n, self.desc, self.file = total, initial, desc, file or sys.stderr
        self.postfix, self.closed = "", False
        self._start = self._last = time.monotonic()
        self._mark = self._fraction()

    def __iter__(self):
        for item in self.iterable:
            yield item
            self.update()
        self.close()

    def _fraction(self):
        return self.n * QUIET_PARTS // self.total if self.total else 0

    def update(self, n=1):
        self.n += n
        mark, now = self._fraction(), time.monotonic()
        due = now - self._last >= QUIET_INTERVAL_S
        if mark > self._mark and due and self.n < (self.total or 0):  # the end: close()
            self._write(now)
        self._mark = max(self._mark, mark)

    def set_postfix(self, **kwargs):
        self.postfix = ", ".join(f"{k}={v}" for k, v in kwargs.items())

    def close(self):
        if not self.closed:
            self.closed = True
            self._write(time.monotonic())

    def _write(self, now):
        self._last = now
        done = f"{self.n}/{self.total}" if self.total else f"{self.n}"
        extra = f", {self.postfix}" if self.postfix else ""
        self.file.write(f"{self.desc}: {done} in {now - self._start:.1f} s{extra}\n")
        self.file.flush()


def _on_terminal(file):
    try:
        return file.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def progress_bar(iterable=None, *, enabled=True, **kwargs):
    """``tqdm.auto.tqdm(iterable, **kwargs)`` on a terminal or in a notebook, a
    :class:`LineBar` on any other stderr, or a silent stand-in when not ``enabled`` (so that
    a run without progress never imports tqdm's notebook front end, which warns in a
    notebook without ipywidgets)."""
    if not enabled:
        return _NoBar(iterable)
    if not (_on_terminal(kwargs.get("file") or sys.stderr) or "ipykernel" in sys.modules):
        return LineBar(iterable, **kwargs)
    from tqdm.auto import tqdm

    return tqdm(iterable, **kwargs)
