"""Kept only for ``_evaluate.data_bounds``, which recognises the shared run data by identity.

What lived here is in :mod:`analysis.theorems` (``OWN_ONLINE_CONSTRAINTS``, ``AVGRAD``,
``own_online_values``, ``own_run_data``, ``own_source``, ``OWN_STATUS``). Delete this file
once ``data_bounds`` imports ``own_run_data`` from ``analysis.theorems`` (``from . import
own_run_data``).
"""

from ._online import own_run_data

__all__ = ["own_run_data"]
