"""The round-robin timing loop shared by the benchmark scripts."""

from __future__ import annotations

import gc


def round_robin(impls, run, repeats, block):
    """Per implementation, the list of ``run(impl, block[impl])`` results over ``repeats``.

    In each repeat every implementation runs once, in an order that rotates from repeat to
    repeat, so that slow drifts of the machine hit all alike; the garbage collector is off
    while timing (and restored after).
    """
    times = {impl: [] for impl in impls}
    gc.collect()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(repeats):
            for j in range(len(impls)):
                impl = impls[(r + j) % len(impls)]
                times[impl].append(run(impl, block[impl]))
    finally:
        if gc_was_enabled:
            gc.enable()
    return times
