r"""The paper's way of getting MADA's hypergradients: autograd through a held step graph.

:class:`AutogradMADA` is the ``autograd_reference`` baseline of
``benchmarks/optimizer_step.py``; :func:`self_check` holds it to ``MADA(learn=True)``.
"""

from __future__ import annotations

import contextlib
import math

import torch

from mada import MADA, preset_kwargs

COEFFICIENTS = ("beta1", "beta2", "beta3", "rho", "c", "gamma")
CHECK_RTOL = 1e-6


# ----------------------------------------------------------------------------- the baseline
class AutogradMADA:
    r"""MADA with autograd hypergradients, built the way the paper's code builds them.

    The six coefficients are 0-dim float64 tensors; the learned ones have ``requires_grad``.
    At step t, per parameter tensor (a Python loop, as in the paper's ``gdtuo.py``), the
    direction :math:`d_t(q)` is built as a differentiable function of the coefficients from
    the *detached* step-(t-1) state and :math:`g_t`:

    .. math::
        \hat g &= g_t + \beta_3 (g_t - g_{t-1}), \quad
        \tilde g^2 = c\,\hat g^2
            + (1-c)\big(v_{t-1} + \hat g^2\,\mathrm{sign}(\hat g^2 - v_{t-1})\big) \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
        n_t = \beta_3 n_{t-1} + (1-\beta_3)(g_t - g_{t-1}), \quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2)\tilde g^2 \\
        \bar v_t &= ((t-1)\bar v_{t-1} + v_t)/t \ \text{(or } \max(\bar v_{t-1}, v_t)\text{)}, \quad
        \hat v = (\rho v_t + (1-\rho)\bar v_t)/(1-\beta_2^t) \\
        u &= \mathrm{sign}(\beta^L_1 \ell_{t-1} + (1-\beta^L_1) g_t), \quad
        d_t = \gamma\,\frac{m_t/(1-\beta_1^t) + \beta_3 n_t}{\sqrt{\hat v} + \epsilon}
              + (1-\gamma)\,u

    **Choice of the graph.** As in the paper's code, the new parameter itself,
    :math:`x_t = x_{t-1}(1-\alpha\lambda) - \alpha_t d_t(q)`, stays a node of the graph until
    the next step. At step t+1 the paper back-propagates the loss :math:`f(x_t;\xi_{t+1})`;
    the part of that backward pass that reaches the coefficients enters through :math:`x_t`
    with incoming gradient :math:`\nabla f(x_t) = g_{t+1}`. Since no model is run here, the
    backward starts at :math:`x_t`: ``torch.autograd.grad(x_t, q, grad_outputs=g_{t+1})``,
    which is :math:`h_q = -\alpha_t \sum \langle g_{t+1}, \partial d_t/\partial q\rangle`,
    the quantity ``MADA.hypergradients`` reports. Then ``buf <- mu buf + clip(h)``,
    ``q <- clamp(q - eta buf)`` (plain SGD with the paper's clamp ranges), and step t+1 builds
    its graph with the new coefficients. The graph of step t (every intermediate autograd saved
    for backward, including the step-(t-1) state it read) is alive from step t to step t+1:
    that is what makes this approach slow and memory-hungry.

    **Definition followed.** The update is the one ``mada.MADA`` defines (and the self-check
    compares against): :math:`\bar v_t` is differentiated inside :math:`\hat v`, and Lion's
    sign uses :math:`\ell_{t-1}`. The paper's research code differs in small ways (it
    stop-gradients :math:`\bar v_t` in :math:`\hat v`, forms the Lion sign from the updated
    :math:`\ell_t` and starts :math:`v_0 = \bar v_0 = 10^{-15}`); none of these changes the
    cost structure measured here.

    ``step(grads)`` takes one gradient per parameter (all parameters step every time).
    """

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        beta3=0.0,
        rho=1.0,
        c=1.0,
        gamma=1.0,
        eps=1e-8,
        weight_decay=0.0,
        *,
        long_memory="average",
        lion_betas=(0.95, 0.98),
        bias_correction=True,
        learn=(),
        hyper_lr=None,
        hyper_momentum=None,
        hyper_clip=10.0,
        bounds=None,
    ):
        self.params = [p.detach().clone() for p in params]
        device = self.params[0].device
        self.lr, self.eps, self.weight_decay = float(lr), float(eps), float(weight_decay)
        if long_memory not in ("average", "max"):
            raise ValueError(f"long_memory must be 'average' or 'max', got {long_memory!r}")
        self.long_memory = long_memory
        self.lion_betas = tuple(float(b) for b in lion_betas)
        self.bias_correction = bool(bias_correction)
        learn = COEFFICIENTS if learn is True else tuple(learn or ())
        self.learn = tuple(k for k in COEFFICIENTS if k in learn)
        start = dict(zip(COEFFICIENTS, (*betas, beta3, rho, c, gamma), strict=True))
        self.q = {
            k: torch.tensor(float(v), dtype=torch.float64, device=device, requires_grad=k in learn)
            for k, v in start.items()
        }

        hyper_lr_default, bounds_default = _mada_hyper_defaults()

        def per_coefficient(value, default):
            if isinstance(value, dict):
                return {k: float(value.get(k, default[k])) for k in self.learn}
            return {k: float(default[k] if value is None else value) for k in self.learn}

        self.hyper_lr = per_coefficient(hyper_lr, hyper_lr_default)
        self.hyper_momentum = per_coefficient(hyper_momentum, dict.fromkeys(COEFFICIENTS, 0.0))
        self.hyper_clip = None if hyper_clip is None else float(hyper_clip)
        bounds = {**bounds_default, **(bounds or {})}
        self.bounds = {k: tuple(map(float, bounds[k])) for k in self.learn}
        self.hyper_buf = dict.fromkeys(self.learn, 0.0)
        self.hypergradients = {}
        self.t = 0
        self.state = [
            {k: torch.zeros_like(p) for k in ("m", "n", "v", "v_bar", "ell", "g_prev")}
            for p in self.params
        ]
        self._graph_held = False  # self.params carry step t's graph
        self._saved = None  # storages saved for backward, when tracking

    @property
    def coefficients(self):
        return {k: float(v) for k, v in self.q.items()}

    def _hyper_step(self, grads):
        """Back-propagate <g_{t+1}, x_t(q)> to the coefficients; one SGD step on them."""
        leaves = [self.q[k] for k in self.learn]
        partial = torch.autograd.grad(self.params, leaves, grad_outputs=grads, allow_unused=True)
        self._graph_held = False
        with torch.no_grad():
            for k, leaf, dq in zip(self.learn, leaves, partial, strict=True):
                h = 0.0 if dq is None else float(dq)
                self.hypergradients[k] = h
                if not math.isfinite(h):
                    continue
                if self.hyper_clip is not None:
                    h = min(self.hyper_clip, max(-self.hyper_clip, h))
                self.hyper_buf[k] = self.hyper_momentum[k] * self.hyper_buf[k] + h
                lo, hi = self.bounds[k]
                leaf.sub_(self.hyper_lr[k] * self.hyper_buf[k]).clamp_(lo, hi)

    def _direction(self, state, g, t):
        q = self.q
        b1, b2, b3, rho, c, gamma = (q[k] for k in COEFFICIENTS)
        m_prev, n_prev, v_prev = state["m"], state["n"], state["v"]
        diff = g - state["g_prev"]
        ghat = g + b3 * diff
        ghat2 = ghat * ghat
        s = torch.sign(ghat2 - v_prev)  # sign(.) contributes nothing to the derivative
        gtilde2 = c * ghat2 + (1 - c) * (v_prev + ghat2 * s)
        m = b1 * m_prev + (1 - b1) * g
        n = b3 * n_prev + (1 - b3) * diff
        v = b2 * v_prev + (1 - b2) * gtilde2
        if self.long_memory == "average":
            v_bar = ((t - 1) * state["v_bar"] + v) / t
        else:  # d max/dv = 1[v > v_bar_prev], as MADA (torch.maximum would split ties)
            v_bar = torch.where(v > state["v_bar"], v, state["v_bar"])
        mix = rho * v + (1 - rho) * v_bar
        if self.bias_correction:
            m_hat, v_hat = m / (1 - b1**t), mix / (1 - b2**t)
        else:
            m_hat, v_hat = m, mix
        bl1, bl2 = self.lion_betas
        ell_prev = state["ell"]
        u = torch.sign(bl1 * ell_prev + (1 - bl1) * g)
        d = gamma * (m_hat + b3 * n) / (torch.sqrt(v_hat) + self.eps) + (1 - gamma) * u
        new = {"m": m, "n": n, "v": v, "v_bar": v_bar, "g_prev": g}
        new = {k: val.detach() for k, val in new.items()}
        new["ell"] = bl2 * ell_prev + (1 - bl2) * g
        return d, new

    def step(self, grads):
        if len(grads) != len(self.params):
            raise ValueError("one gradient per parameter is needed")
        if self.learn and self._graph_held:
            self._hyper_step(grads)
        self.t += 1
        with contextlib.ExitStack() as stack:
            stack.enter_context(torch.enable_grad() if self.learn else torch.no_grad())
            if self._saved is not None:
                stack.enter_context(torch.autograd.graph.saved_tensors_hooks(self._pack, _unpack))
            for i, (x, g) in enumerate(zip(self.params, grads, strict=True)):
                # a copy: g_t is kept (as g_{t-1}, and by the graph) past the caller's .grad
                g = g.detach().clone()
                d, self.state[i] = self._direction(self.state[i], g, self.t)
                x = x.detach()
                if self.weight_decay:
                    x = x * (1 - self.lr * self.weight_decay)
                self.params[i] = x - self.lr * d
        self._graph_held = bool(self.learn)

    # ------------------------------------------------------------------ memory accounting
    def _pack(self, tensor):
        storage = tensor.untyped_storage()
        self._saved[storage.data_ptr()] = storage.nbytes()
        return tensor.detach()  # the detached alias avoids a reference cycle through grad_fn

    def track_saved_tensors(self):
        """Record the storages saved for backward by the next step (for :meth:`kept_bytes`)."""
        self._saved = {}

    def kept_bytes(self):
        """Bytes kept alive between steps: state, coefficients and the held graph's saved
        tensors, each storage counted once; parameters excluded. Call after a step that ran
        under :meth:`track_saved_tensors`."""
        if self._saved is None:
            raise RuntimeError("call track_saved_tensors() before the step to measure")
        kept = dict(self._saved) if self._graph_held else {}
        tensors = [t for s in self.state for t in s.values()] + list(self.q.values())
        for t in tensors:
            storage = t.untyped_storage()
            kept[storage.data_ptr()] = storage.nbytes()
        for p in self.params:
            kept.pop(p.untyped_storage().data_ptr(), None)
        self._saved = None
        return sum(kept.values())


def _mada_hyper_defaults():
    """MADA's default hyper learning rates and clamp ranges, read from a learned group."""
    group = MADA.preset("mada", [torch.zeros(1, requires_grad=True)]).param_groups[0]
    return dict(group["hyper_lr"]), dict(group["bounds"])


def _unpack(tensor):
    return tensor


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


# ----------------------------------------------------------------------------- measurement
