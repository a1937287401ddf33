r"""The ``autograd_reference`` baseline of ``benchmarks/optimizer_step.py``.

The paper's way of getting MADA's hypergradients: autograd through the graph of step t,
held until the gradients of step t+1 arrive, then back-propagated to the coefficients. The
update and its graph are the repository's one autograd reference,
:class:`tests.mada.autograd_reference.Reference` (the tests hold ``mada.MADA`` to it); this
module adds what only the benchmark needs: the memory its held graph keeps alive
(:class:`AutogradMADA`) and a self-check against ``MADA(learn=True)`` on the device being
measured (:func:`self_check`).
"""

from __future__ import annotations

import sys
import weakref
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root
from mada import MADA, preset_kwargs
from tests.mada.autograd_reference import Reference

CHECK_RTOL = 1e-6


class AutogradMADA:
    """:class:`Reference` in the params' own dtype, with its kept memory measurable.

    ``step(grads)`` takes one gradient per parameter; ``track_saved_tensors()`` before a step
    makes :meth:`kept_bytes` report what that step keeps alive until the next one.
    """

    def __init__(self, params, **kwargs):
        self.ref = Reference(params, dtype=None, term_sizes=False, **kwargs)
        self._saved = None

    @property
    def params(self):
        return self.ref.params

    @property
    def hypergradients(self):
        return self.ref.hypergradients

    def step(self, grads):
        if self._saved is None:
            self.ref.step(grads)
            return
        with torch.autograd.graph.saved_tensors_hooks(self._pack, lambda tensor: tensor):
            self.ref.step(grads)

    def _pack(self, tensor):
        # the graph keeps the returned alias (detached: no reference cycle through grad_fn);
        # a weak reference tells which aliases outlive the step: the hypergradient's own
        # backward graph is freed within the step and must not count
        alias = tensor.detach()
        self._saved.append(weakref.ref(alias))
        return alias

    def track_saved_tensors(self):
        """Record the tensors saved for backward by the next step (for :meth:`kept_bytes`)."""
        self._saved = []

    def kept_bytes(self):
        """Bytes kept alive between steps: state, coefficients and the held graph's saved
        tensors, each storage counted once; parameters excluded. Call after a step that ran
        under :meth:`track_saved_tensors`."""
        if self._saved is None:
            raise RuntimeError("call track_saved_tensors() before the step to measure")
        held = [alias for ref in self._saved if (alias := ref()) is not None]
        tensors = [t for s in self.ref.state for t in s.values()]
        kept = {}
        for t in [*held, *tensors, *self.ref.leaves.values()]:
            storage = t.untyped_storage()
            kept[storage.data_ptr()] = storage.nbytes()
        for p in self.ref.params:
            kept.pop(p.untyped_storage().data_ptr(), None)
        self._saved = None
        return sum(kept.values())


# ----------------------------------------------------------------------------- self-check
CHECK_POINTS = {
    "mada-preset": preset_kwargs("mada"),
    "interior-average": dict(betas=(0.9, 0.99), beta3=0.3, rho=0.4, c=0.6, gamma=0.7, learn=True),
    "interior-max-nobc": dict(
        betas=(0.8, 0.9),
        beta3=0.5,
        rho=0.3,
        c=0.2,
        gamma=0.6,
        long_memory="max",
        bias_correction=False,
        weight_decay=0.05,
        learn=True,
    ),
}


# An h below ZERO_FLOOR * lr * sum|g_{t+1}| counts as an exact zero: at t = 1 from the zero
# state, d_1 does not depend on beta1 or beta2 (m̂_1 = g_1, v̂_1 = g̃²_1 whatever the betas),
# and both implementations return rounding residue (~1e-16) of terms that cancel there.
ZERO_FLOOR = 1e-6


def _rel_err(a, b, floor):
    """|a - b| relative to the larger of |a|, |b| and ``floor``."""
    return abs(a - b) / max(abs(a), abs(b), floor)


def self_check(device="cpu", steps=6, seed=0, lr=1e-2):
    """Compare the autograd reference with ``MADA`` on small float64 problems.

    For each point of :data:`CHECK_POINTS`, both run ``steps`` steps on the same random
    gradients (each step at its own scale, 10^±1) with ``hyper_clip=None`` and the default
    hyper learning rates, so the coefficients (updated by each side from its own h) move.
    Returns ``{"max_rel_err", "max_param_rel_err", "rows"}``; each row is (point, step,
    coefficient, h_MADA, h_autograd, relative error), the error relative to
    max(|h_MADA|, |h_autograd|, ZERO_FLOOR * lr * sum|g_{t+1}|).
    """
    device = torch.device(device)
    shapes = [(7,), (3, 4), (2, 3, 2)]
    rows, param_err = [], 0.0
    for name, kwargs in CHECK_POINTS.items():
        gen = torch.Generator().manual_seed(seed)
        x0 = [torch.randn(s, generator=gen, dtype=torch.float64) for s in shapes]
        stream = []
        for _ in range(steps):
            scale = 10.0 ** (2 * torch.rand((), generator=gen, dtype=torch.float64).item() - 1)
            stream.append(
                [scale * torch.randn(s, generator=gen, dtype=torch.float64) for s in shapes]
            )
        params = [torch.nn.Parameter(x.to(device)) for x in x0]
        opt = MADA(params, lr=lr, hyper_clip=None, **kwargs)
        ref = AutogradMADA([x.to(device) for x in x0], lr=lr, hyper_clip=None, **kwargs)
        for t, grads in enumerate(stream, start=1):
            grads = [g.to(device) for g in grads]
            for p, g in zip(params, grads, strict=True):
                p.grad = g
            opt.step()
            ref.step(grads)
            if t == 1:
                continue
            floor = ZERO_FLOOR * lr * sum(float(g.abs().sum()) for g in grads)
            for k in opt.hypergradients:
                a, b = opt.hypergradients[k], ref.hypergradients[k]
                rows.append((name, t, k, a, b, _rel_err(a, b, floor)))
        for p, x in zip(params, ref.params, strict=True):
            err = (p.detach() - x.detach()).abs().max() / x.detach().abs().max()
            param_err = max(param_err, float(err))
    return {
        "max_rel_err": max(r[-1] for r in rows),
        "max_param_rel_err": param_err,
        "rows": rows,
    }
