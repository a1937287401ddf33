"""Kept only for ``_evaluate.py``'s doctests, which import the run data from here.

The statements that lived here are in :mod:`analysis.statements` (shared) and in each
theorem's module; the symbols in :mod:`analysis.symbols`. Delete this file once
``_evaluate.py`` no longer imports it (its rewrite onto ``analysis.sums`` does not).
"""

from ..symbols import Sv, g, i, t

__all__ = ["Sv", "g", "i", "t"]
