r"""Per-step time and state memory: torch Adam, MADA, and the paper's autograd hypergradients.

Four implementations are measured side by side in one process, on the same parameters and
the same gradients:

==================== =====================================================================
impl                 what runs
==================== =====================================================================
torch_adam           ``torch.optim.Adam(foreach=True)``
mada_adam            ``MADA.preset("adam", fused=True)``: nothing learned
mada_full            ``MADA.preset("mada", fused=True)``: all six coefficients learned,
                     hypergradients computed analytically
                     (``--mada-path foreach`` measures both with ``foreach=True`` instead)
autograd_reference   :class:`AutogradMADA` below: the same update and hypergradients the way
                     the paper's code gets them, by back-propagating through a graph of the
                     step that is held from one step to the next
==================== =====================================================================

Parameter sets: one 1M-parameter tensor, one 10M-parameter tensor, and the parameters of a
small transformer (``nn.TransformerEncoder``, d_model=256, 4 layers, 4 heads, feed-forward
1024: 3.16M parameters in 48 tensors). The gradients are two fixed random sets that alternate
step by step, so the hypergradients are not trivial. No forward or backward pass of a model is
timed: only ``optimizer.step()`` (and setting ``.grad``).

Timing: every implementation first takes a few warm-up steps. Then, in each repeat, every
implementation runs a few steps, in an order that rotates from repeat to repeat
(round-robin), so machine noise hits all of them alike. The reported time per step is the
median over the repeats. On CUDA the device is synchronized around every timed block.

State bytes: the sum of ``nbytes`` of the tensors in ``opt.state`` (torch's Adam keeps its
``step`` as a 0-dim float32 tensor, 4 bytes per parameter tensor; MADA keeps it as a Python
int). For the autograd reference: every distinct storage it keeps alive between steps, namely
its state buffers, its coefficient tensors and every tensor that the held graph saved for
backward, minus the parameters themselves.

CPU caveat: with glibc's malloc, an implementation that allocates and frees many
parameter-sized temporaries every step (MADA's learned path does) can spend much of its step
in page faults on freshly mapped memory, and how many it takes depends on the heap's history.
Running with ``MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296`` (or
another allocator) shows the cost of the arithmetic alone; report which setting was used.

Usage::

    python benchmarks/optimizer_step.py                 # full run (a few minutes on 2 cores)
    python benchmarks/optimizer_step.py --quick         # 1M + transformer, under a minute
    python benchmarks/optimizer_step.py --json out.json --device auto
    python benchmarks/optimizer_step.py --check         # only the hypergradient self-check

Every run first performs the self-check (:func:`self_check`): on small float64 problems the
autograd reference's hypergradients must agree with ``MADA(learn=True).hypergradients`` to
1e-6 relative, so the baseline computes the same thing as the optimizer it is compared with.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

from mada import MADA, preset_kwargs

IMPLS = ("torch_adam", "mada_adam", "mada_full", "autograd_reference")
COEFFICIENTS = ("beta1", "beta2", "beta3", "rho", "c", "gamma")
CHECK_RTOL = 1e-6

# Each timed block runs an implementation for about block_s seconds (at least 1, at most
# MAX_STEPS steps, counted from a timed warm-up step), so fast and slow steps are both timed
# over a measurable interval while the slow ones do not dominate the run time.
FULL = {"warmup": 5, "repeats": 15, "block_s": 0.05}
QUICK = {"warmup": 3, "repeats": 5, "block_s": 0.02}
MAX_STEPS = 20


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
def param_sets(quick=False):
    """(label, list of shapes) of the parameter sets measured."""
    layer = torch.nn.TransformerEncoderLayer(256, 4, 1024, batch_first=True)
    model = torch.nn.TransformerEncoder(layer, 4, enable_nested_tensor=False)
    shapes = [tuple(p.shape) for p in model.parameters()]
    numel = sum(math.prod(s) for s in shapes)
    transformer = (f"transformer ({numel / 1e6:.2f}M, {len(shapes)} tensors)", shapes)
    sets = [("1M (1 tensor)", [(1000, 1000)])]
    if not quick:
        sets.append(("10M (1 tensor)", [(10_000, 1000)]))
    sets.append(transformer)
    return sets


def optimizer_state_bytes(opt):
    """Sum of ``nbytes`` of every tensor in ``opt.state``."""
    return sum(
        v.nbytes for state in opt.state.values() for v in state.values() if torch.is_tensor(v)
    )


class _Optimizer:
    """A torch optimizer over its own copy of the parameters."""

    def __init__(self, impl, x0, mada_path="fused"):
        self.params = [torch.nn.Parameter(x.clone()) for x in x0]
        path = {mada_path: True}  # fused=True or foreach=True
        if impl == "torch_adam":
            self.opt = torch.optim.Adam(self.params, foreach=True)
        elif impl == "mada_adam":
            self.opt = MADA.preset("adam", self.params, **path)
        elif impl == "mada_full":
            self.opt = MADA.preset("mada", self.params, **path)
        else:
            raise ValueError(impl)

    def step(self, grads):
        for p, g in zip(self.params, grads, strict=True):
            p.grad = g
        self.opt.step()

    def state_bytes(self):
        return optimizer_state_bytes(self.opt)


class _Reference:
    """The autograd reference at the ``"mada"`` preset's point (all six learned)."""

    def __init__(self, x0):
        self.ref = AutogradMADA(x0, **preset_kwargs("mada"))

    def step(self, grads):
        self.ref.step(grads)

    def track(self):
        self.ref.track_saved_tensors()

    def state_bytes(self):
        return self.ref.kept_bytes()


def make_runner(impl, x0, mada_path="fused"):
    return _Reference(x0) if impl == "autograd_reference" else _Optimizer(impl, x0, mada_path)


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def measure_case(
    label,
    shapes,
    device,
    *,
    warmup,
    repeats,
    block_s=0.05,
    steps=None,
    impls=IMPLS,
    seed=0,
    mada_path="fused",
):
    """Time and state bytes of each implementation on one parameter set; a list of cases.

    Each implementation takes ``warmup`` steps, the last one timed to choose its steps per
    timed block (``steps`` fixes them instead), then one more step after which its state is
    measured. Then ``repeats`` rounds time one block of each implementation, the order
    rotating by one every round.
    """
    device = torch.device(device)
    gen = torch.Generator().manual_seed(seed)
    x0 = [torch.randn(s, generator=gen).to(device) for s in shapes]
    grad_sets = [[torch.randn(s, generator=gen).to(device) for s in shapes] for _ in range(2)]
    runners = {impl: make_runner(impl, x0, mada_path) for impl in impls}
    calls = dict.fromkeys(impls, 0)

    def run(impl, n):
        _sync(device)
        start = time.perf_counter()
        for _ in range(n):
            runners[impl].step(grad_sets[calls[impl] % 2])
            calls[impl] += 1
        _sync(device)
        return (time.perf_counter() - start) / n

    state_bytes, block = {}, {}
    for impl, runner in runners.items():
        if warmup > 1:
            run(impl, warmup - 1)
        estimate = run(impl, 1)
        block[impl] = steps or max(1, min(MAX_STEPS, math.ceil(block_s / estimate)))
        if isinstance(runner, _Reference):
            runner.track()  # this step records what the graph it holds has saved
        run(impl, 1)
        state_bytes[impl] = runner.state_bytes()

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
    numel = sum(math.prod(s) for s in shapes)
    return [
        {
            "params": label,
            "impl": impl,
            "step_ms": 1e3 * statistics.median(times[impl]),
            "state_bytes": int(state_bytes[impl]),
            "numel": numel,
            "tensors": len(shapes),
            "steps_per_repeat": block[impl],
        }
        for impl in impls
    ]


def pick_device(name):
    if name == "cuda" or (name == "auto" and torch.cuda.is_available()):
        if not torch.cuda.is_available():
            raise SystemExit("--device cuda: CUDA is not available")
        return torch.device("cuda")
    return torch.device("cpu")


def run_benchmark(
    sets,
    device="cpu",
    *,
    warmup,
    repeats,
    block_s=0.05,
    steps=None,
    impls=IMPLS,
    log=None,
    mada_path="fused",
):
    """Measure every parameter set; return the JSON document (a dict)."""
    device = torch.device(device)
    cases = []
    for label, shapes in sets:
        t0 = time.perf_counter()
        cases += measure_case(
            label,
            shapes,
            device,
            warmup=warmup,
            repeats=repeats,
            block_s=block_s,
            steps=steps,
            impls=impls,
            mada_path=mada_path,
        )
        if log:
            log(f"  {label}: {time.perf_counter() - t0:.1f} s")
        gc.collect()
    return {
        "cases": cases,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "settings": {
            "warmup": warmup,
            "repeats": repeats,
            "block_s": block_s,
            "steps": steps,
            "mada_path": mada_path,
        },
    }


def markdown_table(doc):
    lines = [
        "| params | impl | step ms (median) | ratio to torch_adam "
        "| state MB | state / torch_adam |",
        "|---|---|---:|---:|---:|---:|",
    ]
    base = {c["params"]: c for c in doc["cases"] if c["impl"] == "torch_adam"}
    for c in doc["cases"]:
        b = base.get(c["params"])
        ratio_t = f"{c['step_ms'] / b['step_ms']:.2f}" if b else "-"
        ratio_m = f"{c['state_bytes'] / b['state_bytes']:.2f}" if b else "-"
        lines.append(
            f"| {c['params']} | {c['impl']} | {c['step_ms']:.3f} | {ratio_t} | "
            f"{c['state_bytes'] / 1e6:.1f} | {ratio_m} |"
        )
    return "\n".join(lines)


def write_json(doc, path):
    """Write ``doc`` to ``path`` atomically (a temporary file beside it, then os.replace)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual mode
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _print_check(report, verbose):
    ok = report["max_rel_err"] <= CHECK_RTOL
    print(
        f"self-check {'ok' if ok else 'FAILED'}: autograd reference vs MADA hypergradients, "
        f"max relative error {report['max_rel_err']:.2e} (tolerance {CHECK_RTOL:g}), "
        f"parameters {report['max_param_rel_err']:.2e}"
    )
    if verbose or not ok:
        print("| point | step | q | MADA h | autograd h | rel. err |")
        print("|---|---:|---|---:|---:|---:|")
        for name, t, k, a, b, e in report["rows"]:
            if verbose or e > CHECK_RTOL:
                print(f"| {name} | {t} | {k} | {a:.12e} | {b:.12e} | {e:.1e} |")
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="1M + transformer, fewer repeats")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--device", choices=("cpu", "cuda", "auto"), default="auto")
    parser.add_argument("--check", action="store_true", help="run only the self-check")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads (default: torch's); 1 is robust to other load on the machine",
    )
    parser.add_argument(
        "--mada-path",
        choices=("fused", "foreach"),
        default="fused",
        help="MADA's implementation path (default: fused)",
    )
    args = parser.parse_args(argv)
    if args.threads is not None:
        if args.threads < 1:
            parser.error(f"--threads must be >= 1, got {args.threads}")
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)

    ok = _print_check(self_check(device), verbose=args.check)
    if args.check or not ok:
        return 0 if ok else 1

    settings = QUICK if args.quick else FULL
    print(
        f"device {device}, torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"median of {settings['repeats']} repeats (blocks of ~{settings['block_s']} s, "
        f"round-robin) after {settings['warmup']} warm-up steps; MADA path {args.mada_path}",
        flush=True,
    )
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    doc = run_benchmark(
        param_sets(args.quick), device, **settings, log=log, mada_path=args.mada_path
    )
    doc["quick"] = args.quick
    if args.json:
        write_json(doc, args.json)
    print(markdown_table(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
