"""MADA's learned coefficients against the independent autograd reference, float64.

Both optimizers get the same parameters and the same fixed random gradient stream and run
side by side, each on its own trajectory. At every step we assert:

* every learned coefficient's hypergradient ``h_q`` (``opt.hypergradients``, before clipping)
  matches the reference's ``-lr_t * sum <g_{t+1}, dd_t/dq>`` from ``torch.autograd.grad`` to
  ``HYPER_RTOL`` relative to ``max(|h_ref|, FLOOR * M_q)``;
* the six coefficients and the parameters track the reference (``EXACT_RTOL``/``EXACT_ATOL``).

The floor. ``M_q = lr_t * sum |g_{t+1}| * S_q`` is the size of the terms that make up
``h_q`` before they cancel (``Reference._term_sizes``: the partial derivative taken term by
term in absolute value, times the conditioning of the bias corrections). Any correct
implementation's rounding error is a few ulps of ``M_q``. The two trajectories are also
independent, so the state and coefficients entering step t differ by a few ulps that compound
over the run; a 1-ulp drift of beta is a relative drift of 1e-16 / (1 - beta) in 1 - beta,
which is why these runs keep the betas away from 1. Measured worst over this file:
``|err| = 4.5e-16 * M_q`` (the loss-driven run; the others stay below 2e-16 * M_q).

Where ``|h|`` is far below ``M_q`` the relative error is meaningless (at t = 1 the partials
for beta1, beta2, rho and c are exactly 0 and the computed values are rounding residue), so
we divide by ``FLOOR * M_q`` there, ``FLOOR = 1e-5``: an absolute error up to
``HYPER_RTOL * FLOOR * M_q = 1e-14 * M_q`` (about 100 ulps of the term scale, 20x the worst
measured) is accepted only where ``|h| < 1e-5 * M_q``; everywhere else the check is purely
relative. A wrong or missing term of the derivative is O(1) of that term, far above
1e-14 * M_q unless the term itself is negligible. ``|h| / M_q`` reaches 0.1 to 0.7 in these
runs (``_check_nontrivial`` asserts > 1e-2 for every learned coefficient), and the floor is
engaged in about 4% of the checks.
"""

from __future__ import annotations

import math

import pytest
import torch

from mada import MADA
from tests.conftest import EXACT_ATOL, EXACT_RTOL, HYPER_RTOL
from tests.mada.autograd_reference import COEFFICIENTS, Reference

FLOOR = 1e-5
STEPS = 40
SHAPES = ((3, 4), (5,), (2, 3, 2))
HYPER_LR = dict.fromkeys(COEFFICIENTS, 1e-2)
INTERIOR = dict(betas=(0.9, 0.95), beta3=0.3, rho=0.5, c=0.6, gamma=0.7)
ADAM_POINT = dict(betas=(0.9, 0.95))  # beta3=0, rho=1, c=1, gamma=1 by default
LEARN_ALL = dict(lr=1e-2, learn=True, hyper_lr=HYPER_LR, hyper_clip=None)


def make_params(shapes=SHAPES, seed=1):
    gen = torch.Generator().manual_seed(seed)
    return [torch.nn.Parameter(torch.randn(s, generator=gen, dtype=torch.float64)) for s in shapes]


def grad_stream(shapes, steps, seed=2):
    gen = torch.Generator().manual_seed(seed)
    return [
        [torch.randn(s, generator=gen, dtype=torch.float64) for s in shapes] for _ in range(steps)
    ]


def assert_hyper_close(actual, expected, scale, where):
    denom = max(abs(expected), FLOOR * scale)
    err = abs(actual - expected)
    assert err <= HYPER_RTOL * denom, (
        f"{where}: h={actual!r}, reference {expected!r}, |err|={err:.3g}, "
        f"relative to max(|ref|, {FLOOR}*M={FLOOR * scale:.3g}) = {err / denom:.3g} > "
        f"{HYPER_RTOL}"
    )


class Log:
    """What happened over a side-by-side run, for the tests' extra assertions."""

    def __init__(self):
        self.h = []  # per step: the reference's h (dict) or None
        self.scales = []
        self.coefficients = []  # per step: MADA's coefficients after the step


def side_by_side(
    kwargs,
    *,
    ref_kwargs=None,
    preset=None,
    foreach=False,
    steps=STEPS,
    shapes=SHAPES,
    has_grad=None,
    lrs=None,
    loss=None,
):
    """Run MADA and the reference for ``steps`` steps, asserting agreement at each one.

    ``has_grad(k, i)`` -> whether param i gets a gradient at step k (default: always);
    ``lrs[k]`` -> lr written into ``group['lr']`` before step k (a scheduler);
    ``loss`` -> gradients ``loss(i, x)`` at MADA's current params x, given to both sides,
    instead of the fixed random stream.
    """
    params = make_params(shapes)
    ref = Reference(params, **(kwargs if ref_kwargs is None else ref_kwargs))
    if preset is None:
        opt = MADA(params, foreach=foreach, **kwargs)
    else:
        opt = MADA.preset(preset, params, foreach=foreach, **kwargs)
    stream = grad_stream(shapes, steps)
    log = Log()
    for k in range(steps):
        if loss is None:
            mine = theirs = stream[k]
        else:
            # both get the gradient at MADA's params (which track the reference's)
            mine = theirs = [loss(i, p.detach()) for i, p in enumerate(params)]
        mask = [has_grad is None or has_grad(k, i) for i in range(len(params))]
        for p, g, on in zip(params, mine, mask, strict=True):
            p.grad = g.clone() if on else None
        theirs = [g if on else None for g, on in zip(theirs, mask, strict=True)]
        lr = None if lrs is None else lrs[k]
        if lr is not None:
            opt.param_groups[0]["lr"] = lr
        before = opt.hypergradients
        h = ref.step(theirs, lr=lr)
        opt.step()
        where = f"step {k + 1}"
        if h is None:
            assert opt.hypergradients == before, f"{where}: no hyper-update expected"
        else:
            got = opt.hypergradients
            assert set(got) == set(ref.learn), where
            for q in ref.learn:
                assert_hyper_close(got[q], h[q], ref.scales[q], f"{where}, h_{q}")
        coeffs = opt.coefficients
        for q in COEFFICIENTS:
            assert math.isclose(coeffs[q], ref.q[q], rel_tol=EXACT_RTOL, abs_tol=EXACT_ATOL), (
                f"{where}: {q}={coeffs[q]!r}, reference {ref.q[q]!r}"
            )
        for i, (p, x) in enumerate(zip(params, ref.params, strict=True)):
            torch.testing.assert_close(
                p.detach(), x, rtol=EXACT_RTOL, atol=EXACT_ATOL, msg=f"{where}: param {i}"
            )
        log.h.append(h)
        log.scales.append(dict(ref.scales) if h is not None else None)
        log.coefficients.append(coeffs)
    return opt, ref, log


def _check_nontrivial(log, names, start=None):
    """Each q in ``names`` had steps checked purely relatively, and moved."""
    for q in names:
        ratios = [abs(h[q]) / s[q] for h, s in zip(log.h, log.scales, strict=True) if h]
        assert ratios and max(ratios) > 1e-2, f"h_{q} never above 1e-2 of its term scale"
        if start is not None:
            assert any(c[q] != start[q] for c in log.coefficients), f"{q} never moved"


def _start(kwargs):
    b1, b2 = kwargs.get("betas", (0.9, 0.999))
    out = dict(beta1=b1, beta2=b2, beta3=0.0, rho=1.0, c=1.0, gamma=1.0)
    out.update({k: kwargs[k] for k in ("beta3", "rho", "c", "gamma") if k in kwargs})
    return out


# ---------------------------------------------------------------------------- all six learned
@pytest.mark.parametrize("foreach", [False, True], ids=["loop", "foreach"])
@pytest.mark.parametrize("bias_correction", [True, False], ids=["bc", "no-bc"])
@pytest.mark.parametrize("long_memory", ["average", "max"])
def test_interior_point_all_six(long_memory, bias_correction, foreach):
    kw = dict(
        INTERIOR,
        **LEARN_ALL,
        long_memory=long_memory,
        bias_correction=bias_correction,
        weight_decay=0.1,
    )
    _, _, log = side_by_side(kw, foreach=foreach)
    assert sum(h is not None for h in log.h) == STEPS - 1  # every step but the first
    assert log.h[0] is None
    _check_nontrivial(log, COEFFICIENTS, start=_start(kw))


CORNERS = {
    "adam": dict(ADAM_POINT),
    "rho0-average": dict(INTERIOR, rho=0.0),
    "rho0-max": dict(INTERIOR, rho=0.0, long_memory="max"),
    "c0": dict(INTERIOR, c=0.0),
    "gamma0": dict(INTERIOR, gamma=0.0),
    "gamma1": dict(INTERIOR, gamma=1.0),
}
# Coefficients whose partial is O(1) at the corner (at gamma = 0 only gamma's is; the others
# are scaled by gamma, which stays within a few hyper-steps of 0).
NONTRIVIAL = {name: COEFFICIENTS for name in CORNERS} | {"gamma0": ("gamma",)}


@pytest.mark.parametrize("foreach", [False, True], ids=["loop", "foreach"])
@pytest.mark.parametrize("corner", list(CORNERS))
def test_corners_all_six(corner, foreach):
    kw = dict(CORNERS[corner], **LEARN_ALL)
    _, _, log = side_by_side(kw, foreach=foreach)
    assert sum(h is not None for h in log.h) == STEPS - 1
    _check_nontrivial(log, NONTRIVIAL[corner])


def test_amsgrad_preset_learning_all_six():
    kw = dict(betas=(0.9, 0.95), **LEARN_ALL)
    ref_kw = dict(kw, rho=0.0, long_memory="max")
    _, _, log = side_by_side(kw, ref_kwargs=ref_kw, preset="amsgrad")
    _check_nontrivial(log, COEFFICIENTS)


# ---------------------------------------------------------------------------- learn subsets
@pytest.mark.parametrize("point", ["interior", "adam"])
@pytest.mark.parametrize("name", COEFFICIENTS)
def test_single_coefficient(name, point):
    base = INTERIOR if point == "interior" else ADAM_POINT
    kw = dict(base, lr=1e-2, learn=(name,), hyper_lr=0.02, hyper_clip=None)
    opt, _, log = side_by_side(kw, foreach=name in ("beta2", "rho", "gamma"))
    assert set(opt.hypergradients) == {name}
    _check_nontrivial(log, (name,), start=_start(kw))
    for q in COEFFICIENTS:  # the others stay put, exactly
        if q != name:
            assert all(c[q] == _start(kw)[q] for c in log.coefficients), q


def test_hyperadam_preset():
    kw = dict(lr=1e-2, hyper_lr=0.02, hyper_clip=None)
    ref_kw = dict(kw, betas=(0.9, 0.95), learn=("beta1", "beta2"))
    opt, _, log = side_by_side(kw, ref_kwargs=ref_kw, preset="hyperadam")
    assert set(opt.hypergradients) == {"beta1", "beta2"}
    _check_nontrivial(log, ("beta1", "beta2"), start=_start(ref_kw))


@pytest.mark.parametrize("preset", ["hyperadam", "mada"])
def test_presets_with_default_hyper_settings(preset):
    """Default hyper_lr (paper's values), momentum 0, clip 10, default bounds."""
    learn = ("beta1", "beta2") if preset == "hyperadam" else True
    ref_kw = dict(lr=3e-2, betas=(0.9, 0.95), learn=learn)
    side_by_side(dict(lr=3e-2), ref_kwargs=ref_kw, preset=preset, foreach=preset == "mada")


def test_per_coefficient_hyper_lr_and_momentum_dicts():
    kw = dict(
        INTERIOR,
        lr=1e-2,
        learn=True,
        hyper_lr={"beta1": 3e-2, "beta2": 1e-3, "gamma": 5e-2, "c": 0.2},  # rest: defaults
        hyper_momentum={"beta1": 0.5, "rho": 0.9},  # rest: 0
        hyper_clip=None,
    )
    opt, _, log = side_by_side(kw)
    group = opt.param_groups[0]
    assert group["hyper_lr"] == {
        "beta1": 3e-2,
        "beta2": 1e-3,
        "beta3": 0.1,
        "rho": 0.1,
        "c": 0.2,
        "gamma": 5e-2,
    }
    _check_nontrivial(log, COEFFICIENTS, start=_start(kw))


# ------------------------------------------------------------------ clip, momentum, bounds
def test_clipping():
    clip = 0.02
    kw = dict(INTERIOR, lr=2e-2, learn=True, hyper_lr=HYPER_LR, hyper_clip=clip)
    _, _, log = side_by_side(kw, foreach=True)
    clipped = {q for h in log.h if h for q in COEFFICIENTS if abs(h[q]) > clip}
    unclipped = {q for h in log.h if h for q in COEFFICIENTS if 0 < abs(h[q]) < clip}
    assert len(clipped) >= 3, "clipping must be exercised (hypergradients are reported raw)"
    assert unclipped, "and some steps below the clip"


def test_momentum():
    kw = dict(INTERIOR, lr=1e-2, learn=True, hyper_lr=3e-3, hyper_momentum=0.9, hyper_clip=None)
    opt, ref, log = side_by_side(kw)
    buf = opt.hyper_state()["momentum"]
    for q in COEFFICIENTS:
        assert math.isclose(buf[q], ref.hyper_buf[q], rel_tol=1e-8, abs_tol=1e-15), q
    _check_nontrivial(log, COEFFICIENTS, start=_start(kw))


def test_bounds_clamp():
    bounds = {
        "beta1": (0.895, 0.9),
        "beta2": (0.95, 0.955),
        "beta3": (0.29, 0.3),
        "rho": (0.5, 0.51),
        "c": (0.595, 0.6),
        "gamma": (0.7, 0.705),
    }
    kw = dict(INTERIOR, lr=2e-2, learn=True, hyper_lr=0.05, hyper_clip=None, bounds=bounds)
    _, _, log = side_by_side(kw, foreach=True)
    at_bound = set()  # moved at a step and landed exactly on a bound: clamped
    for prev, coeffs in zip([_start(kw), *log.coefficients], log.coefficients, strict=False):
        for q, (lo, hi) in bounds.items():
            assert lo <= coeffs[q] <= hi, (q, coeffs[q])
            if coeffs[q] != prev[q] and coeffs[q] in (lo, hi):
                at_bound.add(q)
    assert len(at_bound) >= 3, f"clamping must be exercised, got {at_bound}"
    interior = {
        q for coeffs in log.coefficients for q, (lo, hi) in bounds.items() if lo < coeffs[q] < hi
    }
    assert len(interior) >= 3, "and the interior of the bounds"


# ---------------------------------------------------------------------------- lr, leaves, grads
@pytest.mark.parametrize("foreach", [False, True], ids=["loop", "foreach"])
def test_hypergradient_uses_the_lr_of_step_t(foreach):
    """A scheduler changes group['lr'] between steps: h at step t+1 scales with lr_t."""
    lrs = [(0.02, 0.005, 0.012)[k % 3] * (1 + 0.01 * k) for k in range(STEPS)]
    kw = dict(INTERIOR, lr=lrs[0], learn=True, hyper_lr=HYPER_LR, hyper_clip=None)
    _, _, log = side_by_side(kw, lrs=lrs, foreach=foreach)
    _check_nontrivial(log, COEFFICIENTS)


def test_lr_of_step_t_by_hand():
    """Two steps, one param: h_gamma at step 2 equals -lr_1 <g_2, dd_1/dgamma> (not lr_2)."""
    w = torch.nn.Parameter(torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64))
    eps = 0.5  # keeps dd/dgamma = g/(|g| + eps) - sign(g) of order 1
    opt = MADA(
        [w], lr=0.1, betas=(0.9, 0.95), gamma=0.5, eps=eps, learn=("gamma",), hyper_clip=None
    )
    g1 = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    g2 = torch.tensor([0.3, 0.7, -1.1], dtype=torch.float64)
    w.grad = g1.clone()
    opt.step()
    opt.param_groups[0]["lr"] = 7.0
    w.grad = g2.clone()
    opt.step()
    # Step 1: m_hat = g1, v_hat = g1^2, ell_0 = 0, so dd_1/dgamma = g1/(|g1| + eps) - sign(g1).
    partial = g1 / (g1.abs() + eps) - torch.sign(g1)
    expected = -0.1 * float((g2 * partial).sum())
    assert opt.hypergradients["gamma"] == pytest.approx(expected, rel=1e-9, abs=1e-18)


def test_params_remain_leaves_without_grad_fn():
    params = make_params()
    opt = MADA(params, lr=1e-2, **INTERIOR, learn=True, hyper_lr=HYPER_LR)

    def closure():
        opt.zero_grad()
        loss = sum(((p - 0.5) ** 2 * (i + 1)).sum() for i, p in enumerate(params))
        loss.backward()
        return loss

    for _ in range(6):
        loss = opt.step(closure)
        assert torch.is_tensor(loss) and loss.grad_fn is not None
    assert opt.hypergradients
    for p in params:
        assert p.is_leaf and p.grad_fn is None and p.requires_grad
        assert isinstance(p, torch.nn.Parameter)
        for key, value in opt.state[p].items():
            if torch.is_tensor(value):
                assert value.grad_fn is None and not value.requires_grad, key
    group = opt.param_groups[0]
    for q, value in opt.coefficients.items():
        assert type(value) is float, q
    assert all(type(b) is float for b in group["betas"])
    assert all(type(v) is float for v in opt.hypergradients.values())


def _has_grad(k, i):
    if k == 30:  # nobody has a gradient: a no-op step
        return False
    if k in (24, 25):  # 24: only param 1 steps; 25: only param 0, which did not step at 24
        return (k, i) in ((24, 1), (25, 0))
    if i == 0:
        return k not in (5, 6, 20)
    if i == 1:
        return k not in (10, 11, 12) and k % 7 != 3
    return k % 3 != 2


@pytest.mark.parametrize("foreach", [False, True], ids=["loop", "foreach"])
def test_params_without_grad(foreach):
    """A param with grad None does not move and adds nothing to that step's hypergradient;
    its next step starts from its state after its last step. Reference semantics."""
    kw = dict(INTERIOR, lr=1e-2, learn=True, hyper_lr=HYPER_LR, hyper_clip=None)
    opt, ref, log = side_by_side(kw, has_grad=_has_grad, foreach=foreach, steps=36)
    assert log.h[30] is None and log.h[31] is None and log.h[25] is None
    assert log.h[24] is not None  # param 1 stepped at 23 and has a gradient at 24
    assert ref.steps == [opt.state[p]["step"] for p in opt.param_groups[0]["params"]]
    _check_nontrivial(log, COEFFICIENTS)


def test_params_without_grad_with_momentum():
    """As above with hyper-momentum: steps without a hypergradient do not hyper-step."""
    kw = dict(INTERIOR, lr=1e-2, learn=True, hyper_lr=3e-3, hyper_momentum=0.8, hyper_clip=None)
    side_by_side(kw, has_grad=_has_grad, steps=36)


def test_param_that_never_gets_a_grad():
    kw = dict(INTERIOR, lr=1e-2, learn=True, hyper_lr=HYPER_LR, hyper_clip=None)
    opt, _, _ = side_by_side(kw, has_grad=lambda k, i: i != 1, foreach=True)
    p1 = opt.param_groups[0]["params"][1]
    assert not opt.state.get(p1)
    assert torch.equal(p1.detach(), make_params()[1].detach())


def test_loss_driven_gradients():
    """Gradients of a quadratic loss at the current params (g correlated with past d)."""
    gen = torch.Generator().manual_seed(5)
    targets = [torch.randn(s, generator=gen, dtype=torch.float64) for s in SHAPES]
    curv = [torch.rand(s, generator=gen, dtype=torch.float64) + 0.5 for s in SHAPES]

    def loss_grad(i, x):
        return curv[i] * (x - targets[i])

    kw = dict(INTERIOR, lr=2e-2, learn=True, hyper_lr=HYPER_LR, hyper_clip=None)
    _, _, log = side_by_side(kw, loss=loss_grad)
    _check_nontrivial(log, COEFFICIENTS, start=_start(kw))


def test_two_param_groups_are_independent():
    """Each group hyper-steps on its own params' hypergradient with its own settings."""
    params = make_params()
    kw0 = dict(INTERIOR, lr=1e-2, learn=True, hyper_lr=HYPER_LR, hyper_clip=None)
    kw1 = dict(
        betas=(0.8, 0.9), beta3=0.1, rho=0.7, c=0.9, gamma=0.8, lr=3e-2, learn=("beta1", "c"),
        hyper_lr=0.05, hyper_clip=None, long_memory="max",
    )  # fmt: skip
    groups = [dict(params=params[:2], **kw0), dict(params=params[2:], **kw1)]
    opt = MADA(groups, foreach=True, coefficient_scope="group")
    refs = [Reference(params[:2], **kw0), Reference(params[2:], **kw1)]
    for k, grads in enumerate(grad_stream(SHAPES, STEPS)):
        for p, g in zip(params, grads, strict=True):
            p.grad = g.clone()
        h0 = refs[0].step(grads[:2])
        refs[1].step(grads[2:])
        opt.step()
        if h0 is not None:
            for q, value in h0.items():
                assert_hyper_close(opt.hypergradients[q], value, refs[0].scales[q], f"{k} {q}")
        for i, (group, ref) in enumerate(zip(opt.param_groups, refs, strict=True)):
            mine = opt.hyper_state(i)["coefficients"]
            for q in COEFFICIENTS:
                assert math.isclose(mine[q], ref.q[q], rel_tol=EXACT_RTOL, abs_tol=EXACT_ATOL)
            for p, x in zip(group["params"], ref.params, strict=True):
                torch.testing.assert_close(p.detach(), x, rtol=EXACT_RTOL, atol=EXACT_ATOL)
    second = opt.hyper_state(1)["coefficients"]
    assert second["beta1"] != 0.8 and second["c"] != 0.9 and second["rho"] == 0.7


def test_one_set_per_model_sums_the_groups_each_weighted_by_its_lr():
    """coefficient_scope="model" (the default): every group reads one coefficient set, and
    its hypergradient is the sum of the groups' -lr_g sum <g, dd/dq>. At the first
    hyper-step (step 2) the groups' states equal those of a run with one set per group,
    whose per-group hypergradients the tests above check against autograd: the model's h
    is their sum. Later the groups share coefficients (a decay and a no-decay group do not
    drift apart)."""
    kw = dict(INTERIOR, learn=True, hyper_lr=HYPER_LR, hyper_clip=None)
    runs = {}
    for scope in ("model", "group"):
        params = make_params()
        groups = [dict(params=params[:2], lr=1e-2, weight_decay=0.1),
                  dict(params=params[2:], lr=3e-2)]  # fmt: skip
        opt = MADA(groups, coefficient_scope=scope, foreach=True, **kw)
        states = []
        for grads in grad_stream(SHAPES, 6):
            for p, g in zip(params, grads, strict=True):
                p.grad = g.clone()
            opt.step()
            states.append([opt.hyper_state(i) for i in range(2)])
        runs[scope] = states
    model, group = runs["model"][1], runs["group"][1]  # step 2
    for q in COEFFICIENTS:
        h = group[0]["hypergradients"][q] + group[1]["hypergradients"][q]
        scale = abs(group[0]["hypergradients"][q]) + abs(group[1]["hypergradients"][q])
        assert math.isclose(model[0]["hypergradients"][q], h, rel_tol=HYPER_RTOL,
                            abs_tol=HYPER_RTOL * scale), q  # fmt: skip
    for step in runs["model"]:
        assert step[0] == step[1]
    apart = runs["group"][-1]
    assert apart[0]["coefficients"] != apart[1]["coefficients"]


def test_model_scope_refuses_groups_that_disagree_on_what_they_learn():
    params = make_params()
    groups = [dict(params=params[:2], learn=("beta1",)), dict(params=params[2:], learn=True)]
    with pytest.raises(ValueError, match="coefficient_scope='group'"):
        MADA(groups, betas=(0.9, 0.95))
    MADA(groups, betas=(0.9, 0.95), coefficient_scope="group")
