"""The streaming evaluation of Sum forms the monitor uses: :mod:`analysis.sums`'s."""

from analysis.sums import DYNAMIC, RunState, StreamingForm

__all__ = ["DYNAMIC", "RunState", "StreamingForm"]
