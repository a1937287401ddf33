r"""Streaming evaluation of Sum forms during training, with no stored run.

:func:`analysis.sums.evaluate` sums a form over a stored run (arrays ``(T, d)``). Here the same
expression is *compiled* once into accumulators that one step at a time updates, so that at
every step :math:`T` the value equals ``evaluate`` on the prefix :math:`1..T` (up to float64
rounding), in memory independent of :math:`T`:

* ``Sum(f, (t, 1, T))`` whose summand has no free ``i`` -> a float64 scalar accumulator
  :math:`A \mathrel{+}= f(t)` (e.g. :math:`\sum_t \beta_{1t}\sum_i\sqrt{Sv_{t,i}}`);
* the same inside a ``Sum`` over ``i`` (free ``i`` in the summand) -> a per-coordinate
  accumulator tensor (e.g. :math:`\sum_i \sqrt{\sum_t g_{t,i}^2}`);
* a run function at ``(t, i)`` inside such a sum, or at ``(T, i)`` outside, -> the current
  per-coordinate state of :class:`RunState`; ``beta1t(t)`` -> the current :math:`\beta_{1t}`;
* ``Sum(f, (i, 1, d))`` -> a reduction over the flattened coordinates.

The run state follows :data:`analysis.sums.RECURRENCES` with a fixed :math:`\beta_2`. Products
read 0/0 as 0, as ``evaluate`` does. Constants given to :class:`StreamingForm` are
substituted at compile time; the *dynamic* symbols (:data:`DYNAMIC`: ``T`` and the observed
plug-ins) are read at evaluation and may appear only outside the sums over ``t``; a form
that puts them inside (or nests a sum over ``t`` in another, or indexes run data at
anything but ``t``/``T`` and ``i``) raises NotImplementedError: it cannot be streamed.

**Exact evaluation.** ``log(1 + x)`` is evaluated as ``log1p(x)`` (``log(1 + x)`` is 0 below
x of about 1e-16, which made a bound falsely smaller than a positive measurement). With
``homogeneous=True`` (the forms are of degree 1 in the gradients: g, m and ``G_inf`` of
degree 1, v, Sv, vmax of degree 2, which every streamable registry theorem's terms are,
``tests/analysis/experiments/test_stream_exact.py``) the run state is kept for the gradients
times a power of two :math:`s`, fixed on the device at the first nonzero gradient so that
its largest entry lies in [1, 2), and every value is divided by :math:`s` at evaluation: a
power of two scales exactly, so the values are unchanged, but squared gradients no longer
underflow to 0 for :math:`|g| \lesssim 10^{-154}` (float64), where a bound of 0 was falsely
exceeded by any positive regret.

Example (:math:`\sum_i\sqrt{\sum_t g_{t,i}^2}` over two steps):

    >>> from analysis.statements import GRAD_NORMS
    >>> sf = StreamingForm({"norms": GRAD_NORMS}, {}, d=2)
    >>> sf.update(torch.tensor([3.0, 0.0]))
    >>> sf.update(torch.tensor([4.0, 1.0]))
    >>> float(sf.evaluate()["norms"])
    6.0
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import sympy as sp
import torch

from ._language import PER_COORDINATE, canonical
from ._recurrences import RECURRENCES, closure
from ._streaming_compile import Compiler


class RunState:
    r"""The per-coordinate run data at the current step, updated in place by
    :data:`analysis.sums.RECURRENCES`.

    Only the arrays in ``needs`` (a subset of g, m, v, Sv, vmax) are kept, with those they
    are computed from (v for Sv, vmax). Tensors are ``dtype`` on ``device``.
    """

    def __init__(self, d, needs, *, beta2=None, device=None, dtype=torch.float64):
        self.needs = closure(needs)
        if "v" in self.needs and beta2 is None:
            raise ValueError("the forms read v, Sv or vmax: give beta2")
        self.beta2, self.beta1t = None if beta2 is None else float(beta2), 0.0
        keep = [k for k in PER_COORDINATE if k == "g" or k in self.needs]
        self.tensors = {k: torch.zeros(d, device=device, dtype=dtype) for k in keep}

    def update(self, g, beta1t):
        """Step t+1 from the flat ``g``; ``beta1t`` a float or a 0-d tensor on the device
        (kept there: nothing is read back)."""
        s = self.tensors
        s["g"].copy_(g)
        self.beta1t = beta1t if torch.is_tensor(beta1t) else float(beta1t)
        coefs = {"beta2": self.beta2, "beta1t": self.beta1t}
        for name, r in RECURRENCES.items():
            if name not in s:
                continue
            if r.kind == "linear":
                c = coefs[r.coef]
                s[name].mul_(c).add_(r.drive(s["g"], c))
            elif r.kind == "sum":
                s[name].add_(s[r.of])
            else:
                torch.maximum(s[name], s[r.of], out=s[name])


class _Ctx:
    __slots__ = ("acc", "cache", "data", "dyn", "index", "step")


class StreamingForm:
    """Named sympy forms (sharing one :class:`RunState`), evaluated after each :meth:`update`.

    ``constants``: values substituted now (e.g. alpha, beta2, rho; beta2 also drives v).
    ``d``: the number of coordinates. Per-coordinate state and accumulators are ``dtype``
    (float64 by default) on ``device``; scalar accumulators are float64 0-d tensors there,
    so an update never synchronises with the device.
    """

    def __init__(self, forms: Mapping[Hashable, sp.Expr], constants, d, *, device=None,
                 dtype=torch.float64, homogeneous=False):  # fmt: skip
        self.d, self.device, self.dtype, self.step = int(d), device, dtype, 0
        self.homogeneous = bool(homogeneous)
        self.scale = torch.ones((), device=device, dtype=torch.float64)  # s: g is kept as s g
        self._scaled = torch.zeros((), device=device, dtype=torch.bool)  # s fixed yet
        values = {**{k: float(v) for k, v in constants.items()}, "d": self.d}
        compiler = Compiler(self.d)
        self._fns = {}
        for k, e in forms.items():
            e = canonical(sp.sympify(e))
            e = e.xreplace({s: sp.sympify(values[s.name]) for s in e.free_symbols
                            if s.name in values})  # fmt: skip
            self._fns[k] = compiler.compile(e, False, False)[0]
        self.needs, self.dynamic = compiler.needs, compiler.dynamic
        self._accs, self._uses_index = compiler.accs, compiler.uses_index
        self.state = RunState(self.d, self.needs - {"beta1t"}, beta2=constants.get("beta2"),
                              device=device, dtype=dtype)  # fmt: skip
        self.acc = [torch.zeros(self.d if per else (), device=device,
                                dtype=dtype if per else torch.float64)
                    for _, per in self._accs]  # fmt: skip

    def update(self, g, beta1t=0.0):
        """Step T+1 with the flat gradient ``g`` (d,) and the momentum coefficient beta1t."""
        g = torch.as_tensor(g).reshape(-1)
        if g.numel() != self.d:
            raise ValueError(f"g must have {self.d} entries, got {g.numel()}")
        self.step += 1
        if self.homogeneous:
            g = self._rescaled(g)
        self.state.update(g, beta1t)
        ctx = self._ctx({})
        for acc, (fn, _) in zip(self.acc, self._accs):
            acc.add_(fn(ctx))

    def _rescaled(self, g):
        """``s g``, fixing s = 2^-floor(log2 max|g|) at the first nonzero ``g`` (on the
        device; before it every state is 0 whatever s)."""
        top = g.abs().max().to(torch.float64)
        fresh = torch.exp2(-torch.floor(torch.log2(torch.where(top > 0, top, 1.0))))
        self.scale.copy_(torch.where(self._scaled, self.scale, fresh))
        self._scaled |= top > 0
        return g * self.scale.to(g.dtype)

    def evaluate(self, keys=None, **dynamic):
        """{key: 0-d tensor} at the current step; ``dynamic`` gives D_inf, G_inf, beta1
        as used by the forms (T is the step count)."""
        missing = self.dynamic - {"T"} - set(dynamic)
        if missing:
            raise ValueError(f"evaluate needs {sorted(missing)}")
        if self.step == 0:
            raise ValueError("evaluate needs at least one update")
        if self.homogeneous and "G_inf" in dynamic:  # of degree 1, like g: kept as s G_inf
            dynamic = {**dynamic, "G_inf": dynamic["G_inf"] * self.scale}
        ctx = self._ctx({**dynamic, "T": float(self.step)})
        out = {}
        for k in self._fns if keys is None else keys:
            val = torch.as_tensor(self._fns[k](ctx), dtype=torch.float64, device=self.device)
            if self.homogeneous:
                val = val / self.scale  # a power of two: exact
            if val.ndim != 0:
                raise ValueError(f"form {k!r} does not sum to a number (shape {val.shape})")
            out[k] = val.clone()  # never an alias of a live accumulator
        return out

    def _ctx(self, dyn):
        ctx = _Ctx()
        ctx.step, ctx.dyn, ctx.cache, ctx.acc = float(self.step), dyn, {}, self.acc
        ctx.data = {**self.state.tensors, "beta1t": self.state.beta1t}
        ctx.index = None
        if self._uses_index:
            ctx.index = torch.arange(1, self.d + 1, device=self.device, dtype=self.dtype)
        return ctx

    def state_dict(self):
        b = self.state.beta1t
        return {"step": self.step, "beta1t": b.clone() if torch.is_tensor(b) else b,
                "scale": self.scale.clone(), "scaled": self._scaled.clone(),
                "run": {k: v.clone() for k, v in self.state.tensors.items()},
                "acc": [a.clone() for a in self.acc]}  # fmt: skip

    def load_state_dict(self, sd):
        if set(sd["run"]) != set(self.state.tensors) or len(sd["acc"]) != len(self.acc):
            raise ValueError("the saved streaming state belongs to other forms")
        b = sd["beta1t"]
        self.step = int(sd["step"])
        self.scale.copy_(sd["scale"])
        self._scaled.copy_(sd["scaled"])
        self.state.beta1t = b.to(self.device) if torch.is_tensor(b) else float(b)
        for k, v in sd["run"].items():
            self.state.tensors[k].copy_(v)
        for a, v in zip(self.acc, sd["acc"]):
            a.copy_(v)
