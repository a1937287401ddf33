"""Argument checks for ``MADA``: each error names the argument and its allowed range."""

from __future__ import annotations

import math
import numbers

COEFFICIENTS = ("beta1", "beta2", "beta3", "rho", "c", "gamma")

# Hypergradient defaults. Source: the paper's official code (amazon-science/mada_optimizer_search,
# train_ddp.py for GPT-2 on OpenWebText, and gdtuo.py Meta.clamp). The Shakespeare grid used
# 2.5e-3 for all six with momentum 0.5; the Reddi toy used 0.1 with momentum 0.9 for beta3, rho, c.
DEFAULT_HYPER_LR = {"beta1": 5e-4, "beta2": 5e-4, "beta3": 0.1, "rho": 0.1, "c": 0.1, "gamma": 0.1}
DEFAULT_HYPER_MOMENTUM = 0.0
DEFAULT_HYPER_CLIP = 10.0  # clip_grad_norm_(·, 10.0) per coefficient in the paper's code
DEFAULT_BOUNDS = {
    "beta1": (0.01, 0.99),
    "beta2": (0.501, 0.99),  # "min 0.501 for GPT"
    "beta3": (0.0, 0.99),
    "rho": (0.0, 1.0),
    "c": (0.0, 1.0),
    "gamma": (0.0, 1.0),
}
# The closed ranges each coefficient may take at all; learned bounds must lie inside them.
RANGES = {
    "beta1": (0.0, 1.0, "[0, 1)"),
    "beta2": (0.0, 1.0, "[0, 1)"),
    "beta3": (0.0, 1.0, "[0, 1)"),
    "rho": (0.0, 1.0, "[0, 1]"),
    "c": (0.0, 1.0, "[0, 1]"),
    "gamma": (0.0, 1.0, "[0, 1]"),
}


def real(name, x, allowed="a real number"):
    """Return ``x`` as a float (NaN passes: range checks reject it with their message)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be {allowed}, got {type(x).__name__} {x!r}")
    try:
        return float(x)
    except OverflowError:
        raise ValueError(f"{name} must be {allowed}, got an integer too large") from None


def in_range(name, x, lo, hi, interval):
    x = real(name, x, f"a real number in {interval}")
    ok = lo <= x and (x < hi if interval.endswith(")") else x <= hi)
    if not ok:
        raise ValueError(f"{name} must be in {interval}, got {x!r}")
    return x


def coefficient(name, x):
    lo, hi, interval = RANGES[name]
    return in_range(name, x, lo, hi, interval)


def nonnegative(name, x):
    x = real(name, x, "a finite real number >= 0")
    if not (0.0 <= x < math.inf):
        raise ValueError(f"{name} must be a finite number >= 0, got {x!r}")
    return x


def pair(name, x):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise TypeError(f"{name} must be a pair of numbers, got {x!r}")
    return tuple(in_range(f"{name}[{i}]", v, 0.0, 1.0, "[0, 1)") for i, v in enumerate(x))


def choice(name, x, allowed):
    # identity for True/False/None, so that 1, 0 and 1.0 do not pass as booleans
    if not any(x is a if a in (True, False, None) else x == a for a in allowed):
        raise ValueError(f"{name} must be one of {allowed}, got {x!r}")
    return x


def learn_names(learn):
    """Normalise ``learn``: (), True, or an iterable of coefficient names; returns the names
    in ``COEFFICIENTS`` order (public as ``mada.learn_names``).

        >>> learn_names(True) == COEFFICIENTS, learn_names(["rho", "beta1"])
        (True, ('beta1', 'rho'))
    """
    if learn is True:
        return COEFFICIENTS
    if learn is False or learn is None:
        return ()
    if isinstance(learn, str):
        learn = (learn,)
    try:
        names = tuple(learn)
    except TypeError:
        raise TypeError(f"learn must be (), True or an iterable of names, got {learn!r}") from None
    for n in names:
        choice("learn entry", n, COEFFICIENTS)
    return tuple(n for n in COEFFICIENTS if n in names)


def per_coefficient(name, value, default, learned, check):
    """A float for all learned coefficients, or a dict name -> float with defaults filled."""
    if isinstance(value, dict):
        for k in value:
            choice(f"{name} key", k, COEFFICIENTS)
            check(f"{name}[{k!r}]", value[k])  # entries for unlearned names must be valid too
        return {k: check(f"{name}[{k!r}]", value.get(k, default[k])) for k in learned}
    if value is None:
        return {k: check(f"{name}[{k!r}]", default[k]) for k in learned}
    v = check(name, value)
    return {k: v for k in learned}


def momentum(name, x):
    return in_range(name, x, 0.0, 1.0, "[0, 1)")


def bounds(value, learned, current):
    """Clamp ranges for learned coefficients; the start value must lie inside."""
    value = {} if value is None else value
    if not isinstance(value, dict):
        raise TypeError(f"bounds must be a dict name -> (lo, hi), got {value!r}")
    for k in value:
        choice("bounds key", k, COEFFICIENTS)
    checked = {k: _lo_hi(k, value.get(k, DEFAULT_BOUNDS[k])) for k in set(value) | set(learned)}
    out = {}
    for k in learned:
        lo, hi = checked[k]
        if k not in value:  # a default bound widens to take the start (beta2=0.999, say)
            lo, hi = min(lo, current[k]), max(hi, current[k])
        out[k] = lo, hi
        if not lo <= current[k] <= hi:
            raise ValueError(
                f"{k}={current[k]!r} starts outside bounds[{k!r}]=({lo}, {hi}); pass the start "
                f"value inside, or bounds={{{k!r}: (lo, hi)}} covering it"
            )
    return out


def _lo_hi(k, lohi):
    if not isinstance(lohi, (tuple, list)) or len(lohi) != 2:
        raise TypeError(f"bounds[{k!r}] must be a pair (lo, hi), got {lohi!r}")
    lo, hi = (in_range(f"bounds[{k!r}]", v, *RANGES[k]) for v in lohi)
    if lo > hi:
        raise ValueError(f"bounds[{k!r}] must have lo <= hi, got {lohi!r}")
    return lo, hi


def check_group(group):
    """Validate and normalise the update settings of one param group in place."""
    lr = group["lr"]
    if hasattr(lr, "numel") and hasattr(lr, "is_floating_point"):  # a tensor lr, as torch's
        if lr.numel() != 1 or not lr.is_floating_point():
            raise TypeError(f"lr must be a number or a one-element float tensor, got {lr!r}")
        nonnegative("lr", float(lr))
    else:
        group["lr"] = nonnegative("lr", lr)
    group["betas"] = pair("betas", group["betas"])
    for name in ("beta3", "rho", "c", "gamma"):
        group[name] = coefficient(name, group[name])
    group["eps"] = nonnegative("eps", group["eps"])
    group["weight_decay"] = nonnegative("weight_decay", group["weight_decay"])
    group["long_memory"] = choice("long_memory", group["long_memory"], ("average", "max"))
    group["lion_betas"] = pair("lion_betas", group["lion_betas"])
    group["bias_correction"] = choice("bias_correction", group["bias_correction"], (True, False))
    group["safeguard"] = choice("safeguard", group.get("safeguard", False), (True, False))
    group["foreach"] = choice("foreach", group["foreach"], (None, True, False))
    group["fused"] = choice("fused", group["fused"], (None, True, False))
