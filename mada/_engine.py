r"""Buckets: the update of ``mada/_update.py`` run once per bucket of like tensors.

A bucket is a list of parameters of one group with the same device, dtype, step count,
pending flag and state buffers. The state of the parameters initialised together is
allocated as one flat tensor per buffer (:func:`allocate`), each parameter's state a view
of it, so a bucket's state is read and written in place as one flat tensor; parameters,
gradients and any state not laid out that way (after a reload, say) are concatenated
(one C++ call per quantity) and copied back with one ``torch._foreach_copy_``. The number of kernel
launches per bucket is therefore a constant, whatever the number of tensors in it: about
seventy elementwise kernels eagerly, or one ``torch.compile``-d kernel per phase with
``fused=True`` (inductor fuses the whole update into a single loop; C++/OpenMP on CPU,
Triton on CUDA). The compiled kernels take flat 1-D tensors with ``dynamic=True``, so one
compilation per :class:`~mada._update.Structure` serves every bucket size; the scalars enter
as one float64 tensor, so neither learned coefficients nor the step count recompile.

The for-loop path is the same code on buckets of one tensor.

Reductions. The hypergradient sums are formed on the device, per learned coefficient and
bucket, in two passes (:func:`sums`): blocks of :data:`BLOCK` elements summed in the terms'
dtype, then the block sums in float64, with no atomics; then added over buckets and groups
in a fixed order: the same input gives the same bits.
"""

from __future__ import annotations

import functools
import weakref

import torch

from . import _update

_F64 = torch.float64
# Distinct structures in one process (presets, groups, dtypes, devices) each take one
# compilation of the same three functions; dynamo's default limit of 8 per function would
# send the rest to eager execution.
RECOMPILE_LIMIT = 64


# id(state view) -> (weak reference to the view, its flat base, its offset there); an entry
# leaves with its view, and a reused id fails the ``ref() is x`` test.
_FLAT = {}


def allocate(like, dtype):
    """Zero state for the tensors ``like``: views, in order, of one flat tensor."""
    base = torch.zeros(sum(x.numel() for x in like), dtype=dtype, device=like[0].device)
    out, start = [], 0
    for x in like:
        view = base[start : start + x.numel()].view(x.shape)
        key = id(view)
        _FLAT[key] = (weakref.ref(view, lambda _, key=key: _FLAT.pop(key, None)), base, start)
        out.append(view)
        start += x.numel()
    return out


# tuple of ids of views -> (their weak references, the base's, start, end): what
# :func:`flat_of` found for them, so that a bucket's every step checks identities only
# (a step asks for each buffer's flat tensor more than once; walking _FLAT costs 1 us per view).
_RUNS = {}
_RUNS_MAX = 4096


def flat_of(xs):
    """The flat tensor ``xs`` are consecutive views of (see :func:`allocate`), or None."""
    key = tuple(map(id, xs))
    hit = _RUNS.get(key)
    if hit is not None and all(r() is x for r, x in zip(hit[0], xs)):
        base = hit[1]()
        return None if base is None else base[hit[2] : hit[3]]
    first = _FLAT.get(key[0])
    if first is None:
        return None
    _, base, start = first
    pos = start
    for x in xs:
        entry = _FLAT.get(id(x))
        if entry is None or entry[0]() is not x or entry[1] is not base or entry[2] != pos:
            return None
        pos += x.numel()
    if len(_RUNS) >= _RUNS_MAX:  # entries of views since dropped (ids reused or not)
        _RUNS.clear()
    _RUNS[key] = (tuple(_FLAT[i][0] for i in key), weakref.ref(base), start, pos)
    return base[start:pos]


def gather(xs, dtype, out=None):
    """The flat concatenation of ``xs`` in ``dtype``: a view where they are laid out flat
    or for one contiguous tensor, else a copy (into ``out`` when given and no cast is
    needed)."""
    if len(xs) == 1:
        return xs[0].reshape(-1).to(dtype)
    flat = flat_of(xs)
    if flat is not None and flat.dtype == dtype:
        return flat
    if out is not None and all(x.dtype == dtype for x in xs):
        return torch.cat([x.reshape(-1) for x in xs], out=out)
    return torch._C._nn.flatten_dense_tensors(xs).to(dtype)  # one C++ call, one copy


def needs_copy(xs):
    """Whether :func:`gather` of ``xs`` copies them (several tensors not laid out flat)."""
    return len(xs) > 1 and flat_of(xs) is None


def scatter(pairs):
    """Copy each flat tensor back into its list of tensors (casting to their dtype): in
    place where they are laid out flat, the rest with one ``torch._foreach_copy_``.
    ``pairs`` is [(xs, flat)]."""
    dst, src = [], []
    for xs, flat in pairs:
        base = flat_of(xs) if len(xs) > 1 else None
        if base is not None:
            base.copy_(flat)
            continue
        dst += xs
        src += [flat.view(xs[0].shape)] if len(xs) == 1 else _unflatten(flat, xs)
    if dst:
        torch._foreach_copy_(dst, src)


def _unflatten(flat, xs):
    return torch._C._nn.unflatten_dense_tensors(flat, xs)


def _scalars(S):
    return dict(zip(_update.SCALARS, S.unbind())) if torch.is_tensor(S) else S


# Elements per block of the hypergradient sums' first pass (see :func:`sums`).
BLOCK = 256


def sums(G, g, gp, st, S, k):
    """[sum G dd_t/dq for q in k.partials] and, last, sum (G - G), as one float64 vector;
    nothing is written (a pure reduction: the state it would write is written by
    :func:`step`, whose loop reads the same buffers anyway). The last sum is 0 when every
    G is finite and NaN otherwise (inf - inf is NaN, and NaN propagates through the sums):
    the finiteness check rides on the pass over G that the sums make anyway.

    Two passes, as the issue asks: each block of :data:`BLOCK` consecutive elements is
    summed in the terms' dtype, then the blocks (and the last, partial block) in float64,
    in a fixed order: the same input gives the same bits. Float32 blocks halve the
    arithmetic of float64 accumulation; their rounding is bounded in ``tests/conftest.py``
    (``SUM_BLOCK_RTOL``)."""
    S = _scalars(S)
    rows = G.shape[0] // BLOCK
    cut = rows * BLOCK

    def part(sl, shape):
        def cut_(x):
            return None if x is None else x[sl].view(shape)

        f_st = {name: cut_(x) for name, x in st.items()}
        g_, G_ = cut_(g), cut_(G)
        f = _update.forward(f_st, g_, cut_(gp), S, k)
        return [*_update.partials(f_st, g_, f, G_, S, k), G_ - G_]

    blocks = part(slice(0, cut), (rows, BLOCK))
    tail = part(slice(cut, None), (-1,))
    return torch.stack([b.sum(1).sum(dtype=_F64) + t.sum(dtype=_F64)
                        for b, t in zip(blocks, tail)])  # fmt: skip


def step(p, G, gp, st, S, k, g=None, S_prev=None, keep_state=False, g_out=None, ok=None,
         swap=False, shift=False):  # fmt: skip
    """Step t from ``st`` and ``G``, written in place into ``p`` and (unless
    ``keep_state``) ``st``; with ``g`` the pending step t-1 is folded into ``st`` first
    (coefficients ``S_prev``), and the folded state is the one stored. ``G`` is also copied
    into ``g_out`` when given (the buffer the next step reads it from), in the same pass.
    With ``ok`` (0-d bool) every store keeps the old value where ``ok`` is false: the skip
    is decided on the device. ``swap``: ``g_out`` is ``gp``'s buffer and the caller swaps
    the names of ``g`` and ``gp`` after the step whatever ``ok`` is, so a skipped step
    swaps their contents here (``g`` takes ``gp``'s, ``g_out`` keeps ``g``'s): the pair
    then reads as it did. ``shift``: the buffers keep their roles instead (a captured
    CUDA graph cannot follow a swap of names): ``gp`` takes ``g``, ``g`` takes ``G``. Compiled,
    the stores end the one kernel."""
    S = _scalars(S)
    base = st
    g_prev = gp
    if g is not None:
        base = _update.forward(st, g, gp, _scalars(S_prev), k)
        gp = g
    f = _update.forward(base, G, gp, S, k)
    new_p = _update.apply(p, f, S, k)
    store = {} if keep_state else (base if g is not None else f)
    for name in _update.STATE:
        if name in store and name in st:
            st[name].copy_(_keep(ok, store[name], st[name]))
    if shift:
        new_gp, new_g = _keep(ok, g, g_prev), _keep(ok, G, g)  # both read first
        g_prev.copy_(new_gp)
        g.copy_(new_g)
    elif swap and ok is not None:
        new_g, new_out = torch.where(ok, g, g_prev), torch.where(ok, G, g)  # both read first
        g.copy_(new_g)
        g_out.copy_(new_out)
    elif g_out is not None:
        g_out.copy_(_keep(ok, G, g_out))
    p.copy_(_keep(ok, new_p, p))


def _keep(ok, new, old):
    return new if ok is None else torch.where(ok, new, old)


def fold(g, gp, st, S, k):
    """Advance the state ``st`` in place by the pending gradient ``g``."""
    f = _update.forward(st, g, gp, _scalars(S), k)
    for name in _update.STATE:
        if name in st:
            st[name].copy_(f[name])


def write_back(pairs):
    """:func:`scatter` of the (xs, flat) whose ``flat`` is not already ``xs``'s memory."""
    scatter([(xs, flat) for xs, flat in pairs if not _aliases(xs, flat)])


def _aliases(xs, flat):
    if len(xs) == 1:
        x = xs[0]
        return x.is_contiguous() and x.dtype == flat.dtype and x.data_ptr() == flat.data_ptr()
    base = flat_of(xs)
    return base is not None and base.dtype == flat.dtype and base.data_ptr() == flat.data_ptr()


# Below torch's own grain size (at::internal::GRAIN_SIZE) eager kernels run on one thread.
# Inductor's C++ kernels for dynamic shapes open an OpenMP parallel region whatever the size;
# on a loaded machine its barrier waits for a descheduled thread: measured 58 ms for a
# 64-element adam step on 2 busy cores, 0.39 ms on one thread. So small CPU buckets run
# the same compiled kernel on one thread (``cpp.dynamic_threads`` reads the count per call).
SERIAL_NUMEL = 32768


# Inductor's CPU heuristics write a pointwise result of more than 50 operations (or read by
# many) to a full-size temporary rather than recompute it in the consumer's loop; the
# update's forward and partials are far larger, and those temporaries (plus the extra loops
# reading them, and their fresh pages) made the reduction kernel 2x slower. Measured: with
# these, each kernel is one loop over the bucket, and the sums' kernel 21 -> 11 ms on the
# transformer case (1 thread). And a*b + c is contracted into one FMA, as CUDA compilers
# (so Triton) do by default: one rounding instead of two. The kernels are short of memory
# bandwidth on CPU (one thread moved the step kernel's 202 MB at 13.6 GB/s against a 29 GB/s
# copy), so fewer operations count: measured, 2 threads, 3.16M elements, step 7.7 -> 5.9 ms,
# sums 5.8 -> 5.0 ms. CPU only: Triton's heuristics differ and are left as they are.
CPU_OPTIONS = {
    "cpp.dynamic_threads": True,
    "realize_cpu_opcount_threshold": 1 << 20,
    "realize_reads_threshold": 1 << 20,
    "realize_cpu_acc_reads_threshold": 1 << 20,
    "max_fusion_size": 1 << 12,
    "cpp.enable_floating_point_contract_flag": "fast",
}


@functools.cache
def compiled(fn, device_type):
    options = CPU_OPTIONS if device_type == "cpu" else {}
    return torch.compile(fn, dynamic=True, fullgraph=True, options=options)


def run(fn, fused, *args, **kwargs):
    """``fn`` eagerly, or its compiled kernel (scalars passed as one float64 tensor).

    The recompile limit is raised around the call and restored after, by hand: the
    ``config.patch`` context costs milliseconds, more than a small step."""
    if not fused:
        return fn(*args, **kwargs)
    config = torch._dynamo.config
    limit = config.recompile_limit
    config.recompile_limit = max(limit, RECOMPILE_LIMIT)
    lead = args[0]
    threads = torch.get_num_threads()
    serial = lead.device.type == "cpu" and lead.numel() < SERIAL_NUMEL and threads > 1
    if serial:
        torch.set_num_threads(1)
    try:
        return compiled(fn, lead.device.type)(*args, **kwargs)
    finally:
        config.recompile_limit = limit
        if serial:
            torch.set_num_threads(threads)


def scalar_vector(S, device):
    """The dict ``S`` as one float64 tensor on ``device`` (for the compiled kernels), built
    without a host sync: floats go through pinned memory with a non-blocking copy."""
    device = torch.device(device)
    if all(not torch.is_tensor(v) for v in S.values()):
        host = torch.tensor(list(S.values()), dtype=_F64)
        return host if device.type == "cpu" else host.pin_memory().to(device, non_blocking=True)
    return torch.stack([v.to(device, _F64).reshape(()) if torch.is_tensor(v)
                        else torch.full((), v, dtype=_F64, device=device)
                        for v in S.values()])  # fmt: skip
