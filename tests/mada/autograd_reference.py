r"""An independent float64 autograd reference for MADA's step and its hypergradients.

Written from the definitions alone (not from ``mada/_update.py``, ``mada/hyper.py`` or
``mada/_engine.py``), so that a shared mistake is unlikely. Per element, step t >= 1, all state
starting at 0 and :math:`g_0 = 0`:

.. math::
    \hat g &= g_t + \beta_3 (g_t - g_{t-1}) \\
    \tilde g^2 &= c\,\hat g^2 + (1-c)\,(v_{t-1} + \hat g^2\,\mathrm{sign}(\hat g^2 - v_{t-1})) \\
    m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad
    n_t = \beta_3 n_{t-1} + (1-\beta_3)(g_t - g_{t-1}), \quad
    v_t = \beta_2 v_{t-1} + (1-\beta_2)\tilde g^2 \\
    \bar v_t &= ((t-1)\bar v_{t-1} + v_t)/t \ \text{(average)} \quad\text{or}\quad
    \max(\bar v_{t-1}, v_t) \ \text{(max)} \\
    \hat m &= m_t/(1-\beta_1^t), \quad \hat v = (\rho v_t + (1-\rho)\bar v_t)/(1-\beta_2^t) \\
    u &= \mathrm{sign}(\beta^L_1 \ell_{t-1} + (1-\beta^L_1) g_t), \quad
    \ell_t = \beta^L_2 \ell_{t-1} + (1-\beta^L_2) g_t \\
    d_t &= \gamma\,(\hat m + \beta_3 n_t)/(\sqrt{\hat v} + \epsilon) + (1-\gamma)\,u \\
    x_t &= x_{t-1}(1 - \alpha_t\lambda) - \alpha_t d_t

The six coefficients are float64 tensors; the learned ones have ``requires_grad``. Each step
starts from the previous state *detached* (one-step truncation), so ``d_t`` is a function of
the coefficients through step t's recurrences only. At the next call, with the new gradients
:math:`g_{t+1}`,

.. math::  h_q = -\alpha_t \sum_{\text{params}} \langle g_{t+1}, \partial d_t / \partial q\rangle

comes from ``torch.autograd.grad``; then ``buf_q <- mu_q buf_q + clip(h_q)`` and
``q <- min(hi, max(lo, q - eta_q buf_q))`` before the step runs with the new coefficients.

Params whose gradient is ``None`` at a call are skipped: they do not move, their state is
untouched, and they do not contribute to that call's hypergradient. A param contributes to the
hypergradient of call k+1 only if it stepped at call k (its ``d`` is step k's direction) and
has a gradient at call k+1. If no param contributes, no hyper-update happens at that call.
Every param keeps its own step count t (bias correction, the average's 1/t).

This is the one autograd reference of the repository: the tests hold ``mada.MADA`` to it
(``tests/mada/test_hypergradients.py``, ``test_state_dict.py``) and
``benchmarks/optimizer_step.py`` times it as the paper's way of getting the hypergradients
(``benchmarks/autograd_mada.py`` wraps it: ``dtype=None, term_sizes=False``), so the baseline
the benchmark measures is the very code the tests check. It lives under ``tests/`` because it
is a test oracle, not part of the installed package; the benchmarks run from the repository
root and import it from there.
"""

from __future__ import annotations

import torch

COEFFICIENTS = ("beta1", "beta2", "beta3", "rho", "c", "gamma")

# The documented defaults (the paper's official code, see mada/_validate.py's comments).
DEFAULT_HYPER_LR = {"beta1": 5e-4, "beta2": 5e-4, "beta3": 0.1, "rho": 0.1, "c": 0.1, "gamma": 0.1}
DEFAULT_BOUNDS = {
    "beta1": (0.01, 0.99),
    "beta2": (0.501, 0.99),
    "beta3": (0.0, 0.99),
    "rho": (0.0, 1.0),
    "c": (0.0, 1.0),
    "gamma": (0.0, 1.0),
}

DTYPE = torch.float64


def _per_coefficient(value, default, learned):
    if isinstance(value, dict):
        return {k: float(value.get(k, default[k])) for k in learned}
    if value is None:
        return {k: float(default[k]) for k in learned}
    return {k: float(value) for k in learned}


def direction(q, state, g, t, *, eps, long_memory, lion_betas, bias_correction):
    """Step t's direction ``d_t`` (a graph in the coefficient tensors) and the new state.

    ``q`` maps each coefficient name to a 0-dim float64 tensor; ``state`` holds detached
    tensors ``m, n, v, v_bar, ell, g_prev`` (step t-1's state). Returns ``(d, new_state)``;
    ``new_state``'s tensors still carry the graph (the caller detaches them).
    """
    b1, b2, b3, rho, c, gamma = (q[k] for k in COEFFICIENTS)
    m_prev, n_prev, v_prev = state["m"], state["n"], state["v"]
    vbar_prev, ell_prev, g_prev = state["v_bar"], state["ell"], state["g_prev"]

    diff = g - g_prev
    ghat = g + b3 * diff
    ghat2 = ghat * ghat
    yogi_sign = torch.sign(ghat2.detach() - v_prev)  # sign(.) contributes 0
    gtilde2 = c * ghat2 + (1 - c) * (v_prev + ghat2 * yogi_sign)

    m = b1 * m_prev + (1 - b1) * g
    n = b3 * n_prev + (1 - b3) * diff
    v = b2 * v_prev + (1 - b2) * gtilde2
    if long_memory == "average":
        v_bar = ((t - 1) * vbar_prev + v) / t
    elif long_memory == "max":
        v_bar = torch.where(v > vbar_prev, v, vbar_prev)
    else:
        raise ValueError(long_memory)

    mix = rho * v + (1 - rho) * v_bar
    if bias_correction:
        m_hat = m / (1 - b1**t)
        v_hat = mix / (1 - b2**t)
    else:
        m_hat, v_hat = m, mix

    bl1, bl2 = lion_betas
    u = torch.sign(bl1 * ell_prev + (1 - bl1) * g)  # no coefficient inside; constant
    ell = bl2 * ell_prev + (1 - bl2) * g

    d = gamma * (m_hat + b3 * n) / (torch.sqrt(v_hat) + eps) + (1 - gamma) * u
    new_state = {"m": m, "n": n, "v": v, "v_bar": v_bar, "ell": ell, "g_prev": g}
    return d, new_state


class Reference:
    """Step-by-step float64 reference of one MADA param group, with autograd hypergradients.

    ``step(grads, lr=None)`` takes one gradient (or ``None``) per param; ``lr`` changes the
    learning rate from this call on (as a scheduler writing ``group['lr']``). After a call,
    ``params`` are the new parameters, ``coefficients`` the (possibly updated) coefficients
    this call used, ``hypergradients`` the last h (before clipping; empty before the first)
    and ``scales`` the rounding scale ``M_q = lr_t * sum |g_{t+1}| * S_q`` of the last h
    (see :meth:`_term_sizes`), for choosing an honest floor of the relative error.
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
        dtype=DTYPE,
        term_sizes=True,
    ):
        # dtype=None keeps each param's dtype (the benchmark's float32); term_sizes=False skips
        # the rounding scales, which only the tests read, so a timed step does no extra work
        self.dtype, self.term_sizes = dtype, bool(term_sizes)
        self.params = [p.detach().to(dtype or p.dtype).clone() for p in params]
        self.lr = float(lr)
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.long_memory = long_memory
        self.lion_betas = tuple(float(b) for b in lion_betas)
        self.bias_correction = bias_correction
        if learn is True:
            learn = COEFFICIENTS
        self.learn = tuple(k for k in COEFFICIENTS if k in tuple(learn))
        start = (*betas, beta3, rho, c, gamma)
        self.q = {k: float(v) for k, v in zip(COEFFICIENTS, start, strict=True)}
        self.hyper_lr = _per_coefficient(hyper_lr, DEFAULT_HYPER_LR, self.learn)
        self.hyper_momentum = _per_coefficient(
            hyper_momentum, dict.fromkeys(COEFFICIENTS, 0.0), self.learn
        )
        self.hyper_clip = None if hyper_clip is None else float(hyper_clip)
        bounds = {} if bounds is None else bounds
        self.bounds = {k: tuple(map(float, bounds.get(k, DEFAULT_BOUNDS[k]))) for k in self.learn}
        self.hyper_buf = dict.fromkeys(self.learn, 0.0)
        self.hypergradients = {}
        self.steps = [0] * len(self.params)
        self.state = [
            {k: torch.zeros_like(p) for k in ("m", "n", "v", "v_bar", "ell", "g_prev")}
            for p in self.params
        ]
        self.scales = {}
        # Set by the previous call: {param index: d (graph)}, the leaves, and its lr.
        self._pending, self._sizes = {}, {}
        self.leaves = None  # the coefficient tensors the last step's graph hangs from
        self._lr_prev = None

    @property
    def coefficients(self):
        return dict(self.q)

    # ------------------------------------------------------------------ hypergradient
    def _hypergradients(self, grads):
        """h_q for the learned q from the previous call's d and this call's gradients."""
        contrib = [i for i in sorted(self._pending) if grads[i] is not None]
        if not self.learn or not contrib:
            return None
        objective = sum((self._pending[i] * grads[i]).sum() for i in contrib)
        leaves = [self.leaves[k] for k in self.learn]
        partial = torch.autograd.grad(objective, leaves, allow_unused=True)
        if self.term_sizes:
            self.scales = {
                k: self._lr_prev
                * sum(float((grads[i].abs() * self._sizes[i][k]).sum()) for i in contrib)
                for k in self.learn
            }
        return {
            k: -self._lr_prev * (0.0 if dq is None else float(dq))
            for k, dq in zip(self.learn, partial, strict=True)
        }

    # ------------------------------------------------------------------ step
    def step(self, grads, lr=None):
        """One optimizer step; returns the hypergradients of this call (or ``None``)."""
        assert len(grads) == len(self.params)
        grads = [None if g is None else g.detach().to(self.dtype or g.dtype) for g in grads]
        if lr is not None:
            self.lr = float(lr)

        h = self._hypergradients(grads)
        if h is not None:
            self.hypergradients = dict(h)
            for k in self.learn:
                hk = h[k]
                if self.hyper_clip is not None:
                    hk = min(self.hyper_clip, max(-self.hyper_clip, hk))
                self.hyper_buf[k] = self.hyper_momentum[k] * self.hyper_buf[k] + hk
                lo, hi = self.bounds[k]
                self.q[k] = min(hi, max(lo, self.q[k] - self.hyper_lr[k] * self.hyper_buf[k]))

        leaves = {
            k: torch.tensor(
                self.q[k], dtype=DTYPE, device=self.params[0].device, requires_grad=k in self.learn
            )
            for k in COEFFICIENTS
        }
        pending, sizes = {}, {}
        with torch.enable_grad():
            for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
                if g is None:
                    continue
                t = self.steps[i] + 1
                d, new = direction(
                    leaves,
                    self.state[i],
                    g,
                    t,
                    eps=self.eps,
                    long_memory=self.long_memory,
                    lion_betas=self.lion_betas,
                    bias_correction=self.bias_correction,
                )
                if self.learn:
                    pending[i] = d
                    if self.term_sizes:
                        sizes[i] = self._term_sizes(self.state[i], new, g, t)
                self.state[i] = {k: val.detach() for k, val in new.items()}
                self.steps[i] = t
                self.params[i] = p * (1 - self.lr * self.weight_decay) - self.lr * d.detach()
        self._pending, self._sizes = pending, sizes
        self.leaves, self._lr_prev = leaves, self.lr
        return h

    def _term_sizes(self, prev, new, g, t):
        r"""Element-wise size of the terms that make up each :math:`\partial d_t/\partial q`.

        The partial derivative differentiated term by term with every term replaced by its
        absolute value (first-order running-error bound): any implementation's rounding error
        in :math:`h_q` is a few ulps of :math:`\alpha_t \sum |g_{t+1}| S_q`, however much the
        signed terms cancel. Coefficients are the ones step t used; no graph.
        """
        q = self.q
        b1, b2, b3, rho, c = (q[k] for k in ("beta1", "beta2", "beta3", "rho", "c"))
        m, n, v, v_bar = (new[k].detach() for k in ("m", "n", "v", "v_bar"))
        m_prev, n_prev, v_prev = prev["m"], prev["n"], prev["v"]
        diff = (g - prev["g_prev"]).abs()
        ghat = (g + b3 * (g - prev["g_prev"])).abs()
        bc = self.bias_correction
        bc1 = 1 - b1**t if bc else 1.0
        bc2 = 1 - b2**t if bc else 1.0
        dbc1 = t * b1 ** (t - 1) / bc1**2 if bc else 0.0  # |d/db1 of 1/(1-b1^t)|
        dbc2 = t * b2 ** (t - 1) / bc2**2 if bc else 0.0
        mix = rho * v + (1 - rho) * v_bar
        v_hat = mix / bc2
        r = torch.sqrt(v_hat) + self.eps
        a = m.abs() / bc1 + b3 * n.abs()  # |m_hat| + |b3 n|
        # |d/dv_hat of A / (sqrt(v_hat) + eps)| = a / (2 sqrt(v_hat) r^2)
        dv = a / (2 * torch.sqrt(v_hat) * r**2)
        # |dv_bar/dv|: 1/t (average) or 1 (max)
        w_bar = 1.0 / t if self.long_memory == "average" else 1.0
        dmix_dv = rho + (1 - rho) * w_bar

        def through_v(dv_abs):  # a perturbation of v_t, carried to |d|
            return dv * dmix_dv * dv_abs / bc2

        gt2 = c * ghat**2 + (1 - c) * (v_prev + ghat**2)
        sizes = {
            "beta1": ((m_prev.abs() + g.abs()) / bc1 + m.abs() * dbc1) / r,
            "beta2": through_v(v_prev.abs() + gt2) + dv * mix * dbc2,
            "beta3": (n.abs() + b3 * (n_prev.abs() + diff)) / r
            + through_v((1 - b2) * 2 * ghat * diff),
            "rho": dv * (v + v_bar) / bc2,
            "c": through_v((1 - b2) * (2 * ghat**2 + v_prev)),
            "gamma": a / r + 1,
        }
        # Every implementation rounds beta^t before 1 - beta^t: a relative error of
        # u * beta^t / (1 - beta^t) in the bias corrections, which reaches every partial.
        cond = 1 + (b1**t / bc1 + b2**t / bc2 if bc else 0.0)
        return {k: sizes[k] * cond for k in self.learn}
