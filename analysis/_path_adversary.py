r"""The adversary's coefficient paths for ``coefficient_path_regret`` (tightness and verify).

The theorem holds for *every* path :math:`\beta_{2t} \le \beta_{2,hi}`,
:math:`\rho_t \le \rho_{hi}` in its box, safeguarded, at the effective
:math:`\beta_2 = 1 - (1-\rho_{hi})(1-\beta_{2,hi})` (for the AMSGrad/AVGrad interpolation:
any :math:`\rho_t \in [0, 1]` at :math:`\beta_{2,hi} = \beta_2`). Given the effective
:math:`\beta_2` that the searches sample like every online theorem's, :func:`box` splits it
into a box (:math:`\rho_{hi} = f\beta_2`, :math:`f \in [0, 1]`), and the adversary picks the
path in it:

* ``random``: uniform in the box, per step, instance and coordinate;
* ``bangbang``: the box's corners, :math:`\beta_{2t}, \rho_t \in \{0, hi\}`, held on random
  blocks (length 1 to 50) per instance;
* ``phase``: the corners in phase or in anti-phase with the sign of the loss (``costs``);
* ``sign``: the counterexample's hypergradient rule, :math:`\rho_t` and :math:`\beta_{2t}`
  at a corner chosen by the sign of :math:`g_t m_{t-1}` (a callable of the past);
* ``greedy`` (:func:`climb`): hill climbing from bang-bang paths: each round keeps the
  instance with the largest regret/bound and mutates its path in random blocks.

Paths are (T, B, d) arrays (or the ``sign`` callable), read by
:mod:`analysis._simulate_path`.
"""

from __future__ import annotations

import numpy as np

PATH_THEOREMS = ("coefficient_path_regret",)
KINDS = ("random", "bangbang", "sign", "greedy")
LONG_MEMORY = ("average", "max+average")
#: the path stays this fraction inside the box, so that rounding in box() never leaves it
_INSIDE = 1 - 1e-12


def box(beta2, frac, long_memory="average"):
    """(beta2_hi, rho_hi) with effective beta2 = 1 - (1 - rho_hi)(1 - beta2_hi), rho_hi =
    frac * beta2 (frac in [0, 1]); for the AMSGrad/AVGrad interpolation (``"max+average"``)
    the theorem's larger box beta2_hi = beta2, any rho_t in [0, 1]
    (``proofs/lemma_coefficient_path_max.py``).

        >>> b2, r = box(0.5, 0.5)
        >>> round(1 - (1 - r) * (1 - b2), 12)
        0.5
        >>> box(0.5, 0.5, "max+average")[1]
        1.0
    """
    if not 0 <= frac <= 1:
        raise ValueError(f"frac must lie in [0, 1], got {frac}")
    if long_memory == "max+average":
        return beta2 * _INSIDE, 1.0
    rho_hi = frac * beta2
    return max((beta2 - rho_hi) / (1.0 - rho_hi), 0.0) * _INSIDE, rho_hi * _INSIDE


def _blocks(T, B, d, rng, lengths=(1, 2, 3, 5, 20, 50)):
    """(T, B, d) of 0/1, constant on blocks of a random length per instance."""
    out = np.empty((T, B, d))
    for b in range(B):
        L = int(rng.choice(lengths))
        n = -(-T // L)
        out[:, b, :] = np.repeat(rng.integers(0, 2, (n, d)), L, axis=0)[:T]
    return out


def path(kind, T, B, d, beta2_hi, rho_hi, rng, costs=None):
    """A coefficient path of ``kind`` (module docstring) in the box."""
    if kind == "random":
        return {"beta2": rng.random((T, B, d)) * beta2_hi, "rho": rng.random((T, B, d)) * rho_hi}
    if kind in ("bangbang", "greedy"):
        return {"beta2": _blocks(T, B, d, rng) * beta2_hi, "rho": _blocks(T, B, d, rng) * rho_hi}
    if kind == "phase":  # costs: (B, T, d); each instance in phase (even b) or against it
        up = (np.moveaxis(np.asarray(costs, dtype=np.float64), 1, 0) > 0).astype(np.float64)
        flip = (np.arange(up.shape[1]) % 2 == 1)[None, :, None]
        up = np.where(flip, 1.0 - up, up)
        return {"beta2": up * beta2_hi, "rho": (1.0 - up) * rho_hi}
    if kind == "sign":
        way = float(rng.integers(2))

        def rule(t, g, m):
            hit = np.where(g * m < 0, 1.0 - way, way)
            return {"rho": hit * rho_hi, "beta2": (1.0 - hit) * beta2_hi}

        return rule
    raise ValueError(f"unknown path kind {kind!r}; choose from {(*KINDS, 'phase')}")


def mutate(best, B, beta2_hi, rho_hi, rng, flips=3):
    """B variants of one path ((T, d) arrays): each re-draws ``flips`` random blocks at the
    box's corners (variant 0 keeps the path)."""
    T, d = best["beta2"].shape
    out = {k: np.repeat(best[k][:, None, :], B, axis=1) for k in best}
    hi = {"beta2": beta2_hi, "rho": rho_hi}
    for b in range(1, B):
        for _ in range(flips):
            k = ("beta2", "rho")[int(rng.integers(2))]
            L = int(rng.choice((1, 2, 5, 20)))
            s = int(rng.integers(0, T))
            out[k][s : s + L, b, :] = rng.integers(0, 2, (1, d)) * hi[k]
    return out


def climb(evaluate, first, B, beta2_hi, rho_hi, rng, rounds):
    """Hill climbing: ``evaluate(path) -> (B,) ratios`` on ``first``, then ``rounds`` times on
    :func:`mutate` of the best path so far. Returns every round's ratios (a list)."""
    ratios, cur = [], first
    best_path, best = None, -np.inf
    for _ in range(rounds + 1):
        r = np.asarray(evaluate(cur), dtype=np.float64)
        ratios.append(r)
        k = int(np.argmax(r))
        if r[k] > best:
            best, best_path = float(r[k]), {key: a[:, k, :] for key, a in cur.items()}
        cur = mutate(best_path, B, beta2_hi, rho_hi, rng)
    return ratios


def sample(beta2, T, B, d, rng, kind=None):
    """(config entries for run: path and long_memory, a description) for a random box split
    of ``beta2`` and a random (or the given) kind other than greedy."""
    frac = float(rng.choice([0.0, 1.0, rng.uniform()]))
    kind = kind or str(rng.choice(("random", "bangbang", "sign")))
    lm = str(rng.choice(LONG_MEMORY))
    b2_hi, rho_hi = box(beta2, frac, lm)
    desc = f"{kind} path, {lm}, beta2_hi={b2_hi:.6g}, rho_hi={rho_hi:.6g}"
    return {"path": path(kind, T, B, d, b2_hi, rho_hi, rng), "long_memory": lm}, desc


def adversary_call(check, kind, beta2, T, B, d, rng, rounds):
    """One tightness call's paths: a random box split of the effective ``beta2`` and a path of
    ``kind``, or for ``greedy`` a :func:`climb` of ``rounds`` rounds over bang-bang paths.
    ``check(config entries, description) -> (B,) ratios`` runs and records them."""
    if kind != "greedy":
        return check(*sample(beta2, T, B, d, rng, kind))
    lm = str(rng.choice(LONG_MEMORY))
    b2_hi, rho_hi = box(beta2, float(rng.uniform()), lm)
    where = f"greedy path, {lm}, beta2_hi={b2_hi:.6g}, rho_hi={rho_hi:.6g}"
    first = path("greedy", T, B, d, b2_hi, rho_hi, rng)
    return climb(lambda p: check({"path": p, "long_memory": lm}, where), first, B, b2_hi,
                 rho_hi, rng, rounds)  # fmt: skip


def n_params(K):
    """How many free numbers :func:`from_params` reads for K path values per coefficient."""
    return 1 + 2 * K


def from_params(u, beta2, T, K, periodic, long_memory):
    """The search's path (verify's Nelder-Mead moves it with the losses): ``u[0]`` splits the
    box, ``u[1:]`` are K values per coefficient in it, repeated with period K or held on K
    equal blocks of the horizon (as the losses). Returns (config entries, description)."""
    u = np.asarray(u, dtype=np.float64)
    b2_hi, rho_hi = box(beta2, 0.5 * (1.0 + np.tanh(u[0])), long_memory)
    z = 0.5 * (1.0 + np.tanh(u[1:].reshape(2, K)))
    idx = np.arange(T) % K if periodic else (np.arange(T) * K) // T
    desc = f"searched path, {long_memory}, beta2_hi={b2_hi:.6g}, rho_hi={rho_hi:.6g}"
    return {"path": {"beta2": z[0][idx] * b2_hi, "rho": z[1][idx] * rho_hi},
            "long_memory": long_memory}, desc  # fmt: skip


#: the corner scan's paths: (kind, long memory) at both box splits
CORNER_PATHS = (("phase", "average"), ("phase", "max+average"), ("sign", "average"),
                ("bangbang", "max+average"))  # fmt: skip


def corner_paths(beta2, costs, rng):
    """(config entries, description) of the corner scan's paths for ``costs`` (B, T, d): the
    box split at both ends (rho_hi = 0, or beta2_hi = 0) times :data:`CORNER_PATHS`."""
    B, T, d = np.shape(costs)
    for frac in (0.0, 1.0):
        for kind, lm in CORNER_PATHS:
            b2_hi, rho_hi = box(beta2, frac, lm)
            p = path(kind, T, B, d, b2_hi, rho_hi, rng, costs)
            yield (
                {"path": p, "long_memory": lm},
                f"{kind} path, {lm}, beta2_hi={b2_hi:.6g}, rho_hi={rho_hi:.6g}",
            )


__all__ = [
    "CORNER_PATHS",
    "KINDS",
    "LONG_MEMORY",
    "PATH_THEOREMS",
    "adversary_call",
    "box",
    "climb",
    "corner_paths",
    "from_params",
    "mutate",
    "n_params",
    "path",
    "sample",
]
