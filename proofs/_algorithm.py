"""The optimiser's own facts, proved by induction, instantiated for a theorem's run data.

Each helper returns a lemma instance whose hypotheses (the recurrence and the input bound,
at every step :math:`k \\ge 1`, and the start value) are given from the citing proof's own
hypotheses, stated at its step index ``t`` and substituted at the lemma's ``k``.
"""

from analysis.symbols import t

from . import lemma_ema_bound as ema
from . import lemma_momentum_bound as mom
from . import lemma_vmax_bound as vmx
from ._rules import substitute


def _at_k(fact, k):
    return substitute(fact, {t: k})


def ema_bound(x, y, bound, n, *, start, rec, y_le, beta2=None):
    """``x(n) <= bound`` for the EMA ``x`` of inputs ``y <= bound`` (lemma_ema_bound)."""
    subs = {ema.x1: x, ema.y1: y, ema.B: bound, ema.n: n}
    if beta2 is not None:
        subs[ema.b] = beta2
    return ema.PROOF.instance(subs, given=[start, _at_k(rec, ema.k), _at_k(y_le, ema.k)])


def momentum_bound(m, g, bound, n, *, start, rec, g_le):
    """``m(n)^2 <= bound`` for the momentum of gradients with ``g^2 <= bound``."""
    return mom.PROOF.instance(
        {mom.x1: m, mom.y1: g, mom.B: bound, mom.n: n},
        given=[start, _at_k(rec, mom.k), _at_k(g_le, mom.k)],
    )


def max_bound(x, y, bound, n, *, start, rec, y_le):
    """``x(n) <= bound`` for the running maximum ``x`` of inputs ``y <= bound``; ``y_le``
    may be a fact derived at the lemma's step index (``K``), e.g. an induction instance."""
    return vmx.PROOF.instance(
        {vmx.x1: x, vmx.y1: y, vmx.B: bound, vmx.n: n}, given=[start, _at_k(rec, vmx.k), y_le]
    )


K = vmx.k

__all__ = ["K", "ema_bound", "max_bound", "momentum_bound"]
