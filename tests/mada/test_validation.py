"""Every invalid argument is refused early, by a ValueError or TypeError that names it.

A value outside its range raises ValueError naming the argument and the allowed range; a
value of the wrong kind raises TypeError (or ValueError) naming the argument and what it
must be. Messages are checked with ``pytest.raises(match=...)``.
"""

from __future__ import annotations

import math
import re

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from mada import MADA, PRESETS, AVGrad
from tests.conftest import DEVICES

NAN, INF = math.nan, math.inf
HUGE = 10**400  # a Python int that no float can hold
HALF_OPEN, CLOSED, NONNEG = "[0, 1)", "[0, 1]", ">= 0"
ERRORS = (ValueError, TypeError)


def params():
    return [torch.nn.Parameter(torch.zeros(3))]


def message(name, *rest):
    """A regex: the argument's name, then (in order) every other fragment, all literal."""
    return ".*".join(re.escape(part) for part in (name, *rest))


def case(kwargs, *fragments, exc=ERRORS, id=None):
    return pytest.param(kwargs, exc, message(*fragments), id=id or repr(kwargs))


# ----------------------------------------------------------------------------- ranges
OUT_OF_RANGE = [
    # betas entries: [0, 1) each
    *(case({"betas": b}, "betas", HALF_OPEN, exc=ValueError) for b in [
        (1.0, 0.999), (0.9, 1.0), (-0.1, 0.999), (0.9, -1e-12), (1.5, 0.5),
        (NAN, 0.999), (0.9, NAN), (INF, 0.999), (0.9, -INF),
    ]),
    # beta3: [0, 1)
    *(case({"beta3": x}, "beta3", HALF_OPEN, exc=ValueError)
      for x in [1.0, -0.1, NAN, INF, -INF, 1 + 1e-12, -1e-300, 2]),
    # rho, c, gamma: [0, 1]
    *(case({name: x}, name, CLOSED, exc=ValueError)
      for name in ("rho", "c", "gamma")
      for x in [-0.1, 1.0000001, NAN, INF, -INF, 2, -1]),
    # lr, eps, weight_decay: finite and >= 0
    *(case({name: x}, name, NONNEG, exc=ValueError)
      for name in ("lr", "eps", "weight_decay")
      for x in [-1e-3, -1, -INF, INF, NAN]),
    # lion_betas entries: [0, 1) each
    *(case({"lion_betas": b}, "lion_betas", HALF_OPEN, exc=ValueError) for b in [
        (1.0, 0.98), (0.95, 1.0), (-0.1, 0.98), (NAN, 0.98), (0.95, INF),
    ]),
    # Python ints beyond float range: out of range (or not finite), not an OverflowError
    case({"beta3": HUGE}, "beta3", HALF_OPEN, exc=ERRORS, id="beta3=10**400"),
    case({"rho": HUGE}, "rho", CLOSED, exc=ERRORS, id="rho=10**400"),
    case({"gamma": -HUGE}, "gamma", CLOSED, exc=ERRORS, id="gamma=-10**400"),
    case({"betas": (HUGE, 0.9)}, "betas", HALF_OPEN, exc=ERRORS, id="betas=(10**400, 0.9)"),
    case({"lr": HUGE}, "lr", NONNEG, exc=ERRORS, id="lr=10**400"),
    case({"weight_decay": -HUGE}, "weight_decay", NONNEG, exc=ERRORS, id="wd=-10**400"),
]  # fmt: skip

CHOICES = [
    *(case({"long_memory": x}, "long_memory", "average", "max", id=f"long_memory={x!r}")
      for x in ["mean", "AVERAGE", "avg", "", None, 1, 0.0, ("average",)]),
    *(case({"bias_correction": x}, "bias_correction", "True", "False",
           id=f"bias_correction={x!r}")
      for x in ["True", "yes", None, 1, 0, 1.0, 0.5, "", (True,)]),
    *(case({"foreach": x}, "foreach", "None", "True", "False", id=f"foreach={x!r}")
      for x in ["yes", "auto", 2, 1, 0, -1, 1.0, ""]),
    *(case({"nonfinite": x}, "nonfinite", "raise", "skip", id=f"nonfinite={x!r}")
      for x in ["warn", "RAISE", "ignore", "", True, False, 0, 1.0]),
]  # fmt: skip

WRONG_TYPE = [
    *(case({name: x}, name, "number", exc=TypeError, id=f"{name}={x!r}")
      for name in ("lr", "beta3", "rho", "c", "gamma", "eps", "weight_decay")
      for x in ["0.1", None, 1j, complex(0.5, 0.0), [0.1], True, False, b"0.1"]),
    *(case({name: x}, name, "pair", exc=TypeError, id=f"{name}={x!r}")
      for name in ("betas", "lion_betas")
      for x in [0.9, None, "ab", (0.9,), (0.9, 0.99, 0.999), [], {0.9, 0.99}]),
    *(case({name: x}, name, "number", exc=TypeError, id=f"{name}={x!r}")
      for name in ("betas", "lion_betas")
      for x in [("0.9", 0.99), (0.9, None), (1j, 0.5), (True, 0.5)]),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "exc", "pattern"), OUT_OF_RANGE + CHOICES + WRONG_TYPE)
def test_invalid_argument_raises_naming_it(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        MADA(params(), **kwargs)


GROUP_CASES = OUT_OF_RANGE[::3] + [c for c in CHOICES[::3] if "nonfinite" not in c.values[0]]


@pytest.mark.parametrize(("kwargs", "exc", "pattern"), GROUP_CASES)
def test_invalid_argument_in_a_param_group_raises(kwargs, exc, pattern):
    """The same checks guard per-group values, at construction and in add_param_group."""
    with pytest.raises(exc, match=pattern):
        MADA([{"params": params(), **kwargs}])
    opt = MADA(params())
    with pytest.raises(exc, match=pattern):
        opt.add_param_group({"params": params(), **kwargs})


# ----------------------------------------------------------------------------- hyper args
LEARN = [
    case({"learn": ["foo"]}, "learn", "beta1"),
    case({"learn": ("beta1", "bogus")}, "learn", "beta1"),
    case({"learn": "lr"}, "learn", "beta1"),
    case({"learn": ["beta_1"]}, "learn", "beta1"),
    case({"learn": [1]}, "learn", "beta1"),
    case({"learn": 5}, "learn", exc=TypeError),
    case({"learn": 0.5}, "learn", exc=TypeError),
]

R = {"learn": ("rho",)}  # rho starts at 1.0, inside its default bounds (0, 1)
HYPER = [
    *(case({**R, "hyper_lr": x}, "hyper_lr", NONNEG, exc=ValueError)
      for x in [-1e-3, -INF, INF, NAN]),
    *(case({**R, "hyper_lr": x}, "hyper_lr", "number", exc=TypeError)
      for x in ["0.1", 1j, [0.1], True]),
    case({**R, "hyper_lr": {"rho": -0.1}}, "hyper_lr", NONNEG, exc=ValueError),
    case({**R, "hyper_lr": {"rho": NAN}}, "hyper_lr", exc=ValueError),
    case({**R, "hyper_lr": {"foo": 0.1}}, "hyper_lr", "beta1", exc=ValueError),
    case({**R, "hyper_lr": {"lr": 0.1}}, "hyper_lr", "rho", exc=ValueError),
    *(case({**R, "hyper_momentum": x}, "hyper_momentum", HALF_OPEN, exc=ValueError)
      for x in [1.0, -0.1, 1.5, NAN, INF]),
    case({**R, "hyper_momentum": "0.5"}, "hyper_momentum", "number", exc=TypeError),
    case({**R, "hyper_momentum": {"rho": 1.0}}, "hyper_momentum", HALF_OPEN, exc=ValueError),
    case({**R, "hyper_momentum": {"bogus": 0.5}}, "hyper_momentum", "rho", exc=ValueError),
    *(case({**R, "hyper_clip": x}, "hyper_clip", NONNEG, exc=ValueError)
      for x in [-1.0, -INF, INF, NAN]),
    *(case({**R, "hyper_clip": x}, "hyper_clip", "number", exc=TypeError)
      for x in ["10", 1j, [10.0]]),
    # bounds: a dict name -> (lo, hi) inside the coefficient's range, lo <= hi, start inside
    case({**R, "bounds": {"rho": (0.5, 0.2)}}, "bounds", "rho", "lo <= hi", exc=ValueError),
    case({**R, "bounds": {"rho": (0.0, 0.5)}}, "rho", "bounds", exc=ValueError),
    case({**R, "rho": 0.1, "bounds": {"rho": (0.2, 0.9)}}, "rho", "bounds", exc=ValueError),
    case({"learn": ["beta1"], "bounds": {"beta1": (0.95, 0.99)}}, "beta1", "bounds",
         exc=ValueError),
    case({"learn": ["beta1"], "bounds": {"beta1": (0.0, 1.0)}}, "bounds", HALF_OPEN,
         exc=ValueError),
    case({**R, "bounds": {"rho": (-0.1, 1.0)}}, "bounds", CLOSED, exc=ValueError),
    case({**R, "bounds": {"rho": (0.0, 1.1)}}, "bounds", CLOSED, exc=ValueError),
    case({**R, "bounds": {"rho": (NAN, 1.0)}}, "bounds", exc=ValueError),
    case({**R, "bounds": {"rho": ("0", 1.0)}}, "bounds", "number", exc=TypeError),
    case({**R, "bounds": {"rho": 0.5}}, "bounds", "pair", exc=TypeError),
    case({**R, "bounds": {"rho": (0.0, 0.5, 1.0)}}, "bounds", "pair", exc=TypeError),
    case({**R, "bounds": {"foo": (0.0, 1.0)}}, "bounds", "rho", exc=ValueError),
    case({**R, "bounds": 5}, "bounds", "dict", exc=TypeError),
    case({**R, "bounds": [(0.0, 1.0)]}, "bounds", "dict", exc=TypeError),
]  # fmt: skip

# Invalid values for coefficients that are not learned are still invalid values.
UNLEARNED = [
    case({"hyper_lr": -1.0}, "hyper_lr", NONNEG, exc=ValueError),
    case({"hyper_momentum": 1.0}, "hyper_momentum", HALF_OPEN, exc=ValueError),
    case({"hyper_lr": {"rho": -1.0}}, "hyper_lr", NONNEG, exc=ValueError),
    case({"hyper_momentum": {"c": 2.0}}, "hyper_momentum", HALF_OPEN, exc=ValueError),
    case({"bounds": {"rho": (0.5, 0.2)}}, "bounds", "rho", "lo <= hi", exc=ValueError),
    case({"bounds": {"beta1": (0.0, 1.0)}}, "bounds", HALF_OPEN, exc=ValueError),
]


@pytest.mark.parametrize(("kwargs", "exc", "pattern"), LEARN + HYPER)
def test_invalid_hyper_argument_raises_naming_it(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        MADA(params(), **kwargs)


@pytest.mark.parametrize(("kwargs", "exc", "pattern"), UNLEARNED)
def test_invalid_hyper_argument_raises_when_nothing_is_learned(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        MADA(params(), **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"learn": True, "betas": (0.9, 0.95)},
        {"learn": ("beta1", "beta2"), "betas": (0.9, 0.95)},
        {"learn": ["rho", "c"], "hyper_lr": 0.0, "hyper_momentum": 0.0, "hyper_clip": None},
        {"learn": "gamma", "hyper_lr": {"gamma": 1e-3}, "bounds": {"gamma": (0.5, 1.0)}},
        {"learn": ["beta3"], "hyper_momentum": {"beta3": 0.9}, "hyper_clip": 0.0},
        {"learn": False},
        {"learn": None},
    ],
)
def test_valid_hyper_arguments_construct(kwargs):
    group = MADA(params(), **kwargs).param_groups[0]
    learn = kwargs.get("learn")
    names = ("beta1", "beta2", "beta3", "rho", "c", "gamma")
    expected = names if learn is True else () if not learn else (learn,) if isinstance(
        learn, str) else tuple(n for n in names if n in learn)  # fmt: skip
    assert group["learn"] == expected
    assert set(group["hyper_lr"]) == set(group["hyper_momentum"]) == set(expected)
    assert set(group["bounds"]) == set(expected)
    for name in ("hyper_lr", "hyper_momentum"):
        given = kwargs.get(name)
        for k in expected:
            if isinstance(given, dict):
                assert group[name][k] == given[k]
            elif given is not None:
                assert group[name][k] == given
    if "bounds" in kwargs:
        assert group["bounds"] == {k: tuple(v) for k, v in kwargs["bounds"].items()}


# ----------------------------------------------------------------------------- at step, presets
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("foreach", [False, True])
def test_sparse_gradient_raises_at_step(foreach, device):
    p = torch.nn.Parameter(torch.zeros(4, 3, device=device))
    opt = MADA([p], foreach=foreach)
    p.grad = torch.sparse_coo_tensor([[0, 2]], torch.ones(2, 3), (4, 3), check_invariants=True)
    p.grad = p.grad.to(device)
    with pytest.raises(TypeError, match="sparse"):
        opt.step()
    assert torch.equal(p.detach().cpu(), torch.zeros(4, 3))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("foreach", [False, True])
@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_complex_param_raises_at_step(dtype, foreach, device):
    p = torch.nn.Parameter(torch.zeros(3, dtype=dtype, device=device))
    opt = MADA([p], foreach=foreach)
    p.grad = torch.ones(3, dtype=dtype, device=device)
    with pytest.raises(TypeError, match="complex"):
        opt.step()


@pytest.mark.parametrize("name", ["adamw", "Adam", "", "sgd", "avg", None, 3])
def test_unknown_preset_raises(name):
    with pytest.raises(ERRORS, match=message("preset", *PRESETS)):
        MADA.preset(name, params())


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_constructs(name):
    assert isinstance(MADA.preset(name, params()), MADA)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"lr": -1.0}, message("lr", NONNEG)),
        ({"betas": (0.9, 1.0)}, message("betas", HALF_OPEN)),
        ({"eps": NAN}, "eps"),
        ({"weight_decay": "0"}, "weight_decay"),
        ({"bias_correction": "no"}, "bias_correction"),
        ({"nonfinite": "warn"}, "nonfinite"),
        ({"foreach": "yes"}, "foreach"),
    ],
)
def test_avgrad_validates_its_arguments(kwargs, pattern):
    with pytest.raises(ERRORS, match=pattern):
        AVGrad(params(), **kwargs)


# ----------------------------------------------------------------------------- hypothesis
def _real(x):
    """A real number that a float can hold (ints beyond float range are not)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    try:
        return not math.isnan(float(x))
    except OverflowError:
        return False


def _half_open(x):
    return _real(x) and 0 <= x < 1


def _closed(x):
    return _real(x) and 0 <= x <= 1


def _nonneg(x):
    return _real(x) and 0 <= x < math.inf


def _pair(x):
    return isinstance(x, (tuple, list)) and len(x) == 2 and all(_half_open(v) for v in x)


def _one_of(*allowed):
    return lambda x: any(x is a if a is None or isinstance(a, bool) else x == a for a in allowed)


scalar = st.one_of(
    st.floats(),  # includes nan, ±inf, subnormals, -0.0
    st.floats(-0.5, 1.5),
    st.sampled_from([0.0, 1.0, 0.999, 1e-300, -1e-300, 1 - 2**-53]),
    st.integers(-3, 3),
    st.integers(),
    st.sampled_from([HUGE, -HUGE, 2**1024, 2**1023]),
    st.booleans(),
    st.none(),
    st.text(max_size=6),
    st.sampled_from(["average", "max", "raise", "skip", "True", "1", "0.5", "nan"]),
    st.complex_numbers(max_magnitude=2),
)
anything = st.one_of(
    scalar,
    st.tuples(scalar, scalar),
    st.lists(scalar, max_size=3),
    st.tuples(scalar),
    st.tuples(scalar, scalar, scalar),
)

NUMBERS = ("lr", "beta3", "rho", "c", "gamma", "eps", "weight_decay")
# argument -> (is it valid?, extra keyword arguments)
ORACLE = {
    "lr": (_nonneg, {}),
    "betas": (_pair, {}),
    "beta3": (_half_open, {}),
    "rho": (_closed, {}),
    "c": (_closed, {}),
    "gamma": (_closed, {}),
    "eps": (_nonneg, {}),
    "weight_decay": (_nonneg, {}),
    "long_memory": (_one_of("average", "max"), {}),
    "lion_betas": (_pair, {}),
    "bias_correction": (_one_of(True, False), {}),
    "nonfinite": (_one_of("raise", "skip", None), {}),
    "foreach": (_one_of(None, True, False), {}),
    "hyper_lr": (lambda x: x is None or _nonneg(x), R),
    "hyper_momentum": (lambda x: x is None or _half_open(x), R),
    "hyper_clip": (lambda x: x is None or _nonneg(x), R),
}


@pytest.mark.parametrize("name", sorted(ORACLE))
@given(value=anything)
def test_constructor_accepts_exactly_the_valid_values(name, value):
    valid, extra = ORACLE[name]
    if valid(value):
        opt = MADA(params(), **extra, **{name: value})
        if name in NUMBERS:
            assert opt.param_groups[0][name] == float(value)
    else:
        with pytest.raises(ERRORS, match=re.escape(name)):
            MADA(params(), **extra, **{name: value})


# ----------------------------------------------------------------------------- issue 18
def test_learning_with_the_default_betas_widens_the_default_bound():
    """MADA(params, learn=True) at beta2 = 0.999: the default bound (0.501, 0.99) widens to
    take the start; a bound the user gives is kept and checked."""
    p = torch.nn.Parameter(torch.zeros(3))
    opt = MADA([p], learn=True)
    assert opt.param_groups[0]["bounds"]["beta2"] == (0.501, 0.999)
    p.grad = torch.ones(3)
    opt.step()
    with pytest.raises(ValueError, match="starts outside"):
        MADA([p], learn=True, bounds={"beta2": (0.5, 0.99)})


def test_add_param_group_validates_before_appending():
    p, q = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(2))
    opt = MADA([p])
    with pytest.raises(ValueError, match="lr"):
        opt.add_param_group({"params": [q], "lr": -1.0})
    assert len(opt.param_groups) == 1
    opt.add_param_group({"params": [q], "lr": 0.1})
    assert len(opt.param_groups) == 2


def test_a_scheduler_writing_a_learned_coefficient_is_warned_about_and_ignored():
    p = torch.nn.Parameter(torch.zeros(3))
    opt = MADA([p], betas=(0.9, 0.95), learn=("beta1",), hyper_lr=0.0)
    p.grad = torch.ones(3)
    opt.step()
    opt.param_groups[0]["betas"] = (0.5, 0.95)
    with pytest.warns(UserWarning, match="learned"):
        opt.step()
    assert opt.coefficients["beta1"] == 0.9


@pytest.mark.parametrize("foreach", [False, True])
def test_tensor_lr_is_accepted_as_torch_does(foreach):
    p, q = torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.ones(3))
    a = MADA([p], lr=torch.tensor(0.1), foreach=foreach, betas=(0.9, 0.95), learn=True)
    b = MADA([q], lr=0.1, foreach=foreach, betas=(0.9, 0.95), learn=True)
    for k in range(3):
        p.grad = q.grad = torch.full((3,), float(k + 1))
        a.step()
        b.step()
    torch.testing.assert_close(p, q, rtol=1e-6, atol=0)
    with pytest.raises(TypeError, match="lr"):
        MADA([p], lr=torch.tensor([0.1, 0.2]))
