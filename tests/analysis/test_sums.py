"""analysis.sums: its three interpreters of the Sum language held against each other on random
forms (hypothesis): the batched evaluation equals the streaming accumulators at every step, the
evaluation of normalize(e) equals that of e (Karr's convention on reversed ranges included),
and the two runners of the run-data recurrences agree."""

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given
from hypothesis import strategies as st
from sympy.core.function import AppliedUndef

from analysis.sums import RunState, StreamingForm, evaluate, normalize, run_data
from analysis.symbols import D_inf, Sv, T, beta1t, d, g, i, m, t, v, vmax
from tests.conftest import EXACT_RTOL

PER_COORDINATE = (g, m, v, Sv, vmax)
D, STEPS = 3, 5
# Gradients whose squares are normal float64 numbers: the streaming state without
# homogeneous=True keeps g^2 in float64, where |g| < 1e-154 underflows (documented there).
FLOATS = st.one_of(st.just(0.0), st.floats(1e-3, 3), st.floats(-3, -1e-3))
BETAS = st.one_of(st.just(0.0), st.floats(1e-3, 0.9))


def _grads(draw, steps, values):
    """(steps, D) gradients with whole columns and rows of zeros (the 0/0 := 0 terms)."""
    G = np.array(draw(st.lists(st.lists(values, min_size=D, max_size=D), min_size=steps,
                               max_size=steps)), dtype=float)  # fmt: skip
    G[:, 0] = 0.0 if draw(st.booleans()) else G[:, 0]
    G[: draw(st.integers(0, 2)), 1] = 0.0
    return G


# ---------------------------------------------------------------- streamable forms
def _summand(when):
    """A random expression of run data at (when, i), i and constants, with quotients whose
    numerator vanishes wherever the denominator does (g, m are 0 where v, Sv, vmax are)."""
    atom = st.one_of(st.sampled_from(PER_COORDINATE).map(lambda f: f(when, i)),
                     st.just(beta1t(when)), st.just(i), st.integers(1, 3).map(sp.Integer),
                     st.sampled_from([sp.Rational(1, 3), sp.pi / 4]))  # fmt: skip
    quotient = st.tuples(atom, st.sampled_from([g, m]), st.sampled_from([v, Sv, vmax])).map(
        lambda p: p[0] * p[1](when, i) ** 2 / sp.sqrt(p[2](when, i)))  # fmt: skip
    return st.recursive(st.one_of(atom, quotient), lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda p: p[0] + p[1]),
        st.tuples(inner, inner).map(lambda p: p[0] * p[1]),
        inner.map(lambda x: sp.sqrt(sp.Abs(x))),
        inner.map(lambda x: sp.log(1 + sp.Abs(x))),
    ), max_leaves=4)  # fmt: skip


SUMMAND = {w: _summand(w) for w in (t, T)}


@st.composite
def streamable(draw):
    """A form of the shapes the monitor streams: per-coordinate and scalar accumulators,
    functions of accumulators, run data at T and the dynamic T, D_inf outside the sums."""
    f, h, k, q = (draw(SUMMAND[w]) for w in (t, t, t, T))
    parts = [
        sp.Sum(f, (t, 1, T), (i, 1, d)),  # a per-coordinate accumulator
        sp.Sum(beta1t(t) * sp.Sum(h, (i, 1, d)), (t, 1, T)),  # a scalar one
        sp.Sum(sp.sqrt(sp.Sum(k**2, (t, 1, T))) * q, (i, 1, d)),
        D_inf * T * sp.Sum(q, (i, 1, d)),
    ]
    chosen = draw(st.lists(st.sampled_from(range(len(parts))), min_size=1, max_size=4,
                           unique=True))  # fmt: skip
    return sp.Add(*[parts[c] for c in chosen])


def _magnitude(form):
    """The form with g, m replaced by |g|, |m|: its every operation is monotone in the
    absolute values, so this bounds each intermediate term (for a tolerance that does not
    fail on a cancellation)."""
    return form.replace(lambda e: isinstance(e, AppliedUndef) and e.func in (g, m), sp.Abs)


def _agree(a, b, scale):
    """Equal (inf included), both NaN (sympy may rewrite a 0/0 product into 0 * inf, which
    both interpreters then read alike), or within EXACT_RTOL of the scale."""
    return a == b or (np.isnan(a) and np.isnan(b)) or abs(a - b) <= EXACT_RTOL * scale


@given(streamable(), st.data())
def test_batched_evaluation_equals_the_streaming_accumulators_at_every_step(form, data):
    G = _grads(data.draw, STEPS, FLOATS)
    b1 = np.array(data.draw(st.lists(BETAS, min_size=STEPS, max_size=STEPS)))
    beta2, D_obs = data.draw(st.floats(0.1, 0.99)), 1.7
    sf = StreamingForm({"f": form}, {"beta2": beta2}, d=D)
    for n in range(1, STEPS + 1):
        sf.update(torch.tensor(G[n - 1]), float(b1[n - 1]))
        streamed = float(sf.evaluate(D_inf=D_obs)["f"])
        run = run_data(G[:n], beta2, b1[:n])
        at = {T: n, d: D, D_inf: D_obs}
        batched = evaluate(form.xreplace(at), run)
        scale = evaluate(_magnitude(form).xreplace(at), run)
        assert _agree(streamed, batched, scale), (n, streamed, batched)


# ---------------------------------------------------------------- normal form
def _lin(draw, free):
    """A random sum of products of atoms that may depend on the indices in ``free``; the
    index-free ones (fixed positions, constants) are what normalize pulls out."""
    fixed = st.integers(1, STEPS)
    atoms = [st.integers(-2, 2).map(sp.Integer), st.just(sp.Rational(1, 2)),
             st.tuples(st.sampled_from(PER_COORDINATE), fixed, st.integers(1, D)).map(
                 lambda p: p[0](p[1], p[2])),
             fixed.map(beta1t)]  # fmt: skip
    if t in free:
        atoms += [st.just(t), st.just(beta1t(t))]
    if i in free:
        atoms += [st.just(i), st.tuples(st.sampled_from(PER_COORDINATE), fixed).map(
            lambda p: p[0](p[1], i))]  # fmt: skip
    if free == {t, i}:
        atoms.append(st.sampled_from(PER_COORDINATE).map(lambda f: f(t, i)))
    product = st.lists(st.one_of(*atoms), min_size=1, max_size=3).map(lambda a: sp.Mul(*a))
    return sp.Add(*draw(st.lists(product, min_size=1, max_size=3)))


@st.composite
def sum_forms(draw):
    """Polynomial Sum forms with numeric ranges, reversed ones (hi < lo - 1) included, sums
    nested both ways and products of sums."""

    def rng(n):
        return (draw(st.integers(1, n)), draw(st.integers(1, n)))

    def one():
        shape = draw(st.sampled_from(["ti", "it", "t(i)", "i", "t"]))
        if shape == "t(i)":  # a sum over i inside a sum over t, with a factor of t
            inner = sp.Sum(_lin(draw, {t, i}), (i, *rng(D)))
            return sp.Sum(_lin(draw, {t}) * inner, (t, *rng(STEPS)))
        if shape in ("i", "t"):
            k, n = (i, D) if shape == "i" else (t, STEPS)
            return sp.Sum(_lin(draw, {k}), (k, *rng(n)))
        lim = [(t, *rng(STEPS)), (i, *rng(D))]
        return sp.Sum(_lin(draw, {t, i}), *(lim if shape == "ti" else lim[::-1]))

    terms = [one() * _lin(draw, set()) for _ in range(draw(st.integers(1, 3)))]
    if draw(st.booleans()):
        terms.append(one() * one())
    return sp.Add(*terms)


@given(sum_forms(), st.data())
def test_the_normal_form_evaluates_to_the_same_number(form, data):
    # dyadic data (integer gradients, beta = 1/2) and polynomial forms: every value is exact
    # in WIDE, so the two evaluations agree exactly, whatever the order of the operations
    G = _grads(data.draw, STEPS, st.integers(-2, 2))
    run = run_data(G, 0.5, np.full(STEPS, 0.5))
    normal = normalize(form)
    assert evaluate(normal, run) == evaluate(form, run), (form, normal)


@given(streamable(), st.data())
def test_the_normal_form_of_a_streamable_form_evaluates_the_same(form, data):
    G = _grads(data.draw, STEPS, FLOATS)
    run = run_data(G, 0.7, np.linspace(0.8, 0.1, STEPS))
    at = {T: STEPS, d: D, D_inf: 1.7}
    scale = evaluate(_magnitude(form).xreplace(at), run)
    got, want = evaluate(normalize(form).xreplace(at), run), evaluate(form.xreplace(at), run)
    assert _agree(got, want, scale), (got, want)


def test_a_reversed_range_is_minus_the_sum_between_karr():
    run = run_data(np.array([[1.0], [2.0], [4.0], [8.0]]), 0.5, np.zeros(4))
    assert evaluate(sp.Sum(g(t, 1), (t, 4, 1)), run) == -(2.0 + 4.0)
    assert evaluate(sp.Sum(g(t, 1), (t, 3, 2)), run) == 0.0  # hi = lo - 1: empty
    assert evaluate(sp.Sum(g(t, 1), (t, 4, 1)).doit(), run) == -6.0  # sympy's own convention
    assert evaluate(sp.Sum(3, (t, 4, 1)), run) == evaluate(normalize(sp.Sum(3, (t, 4, 1))), run)


# ---------------------------------------------------------------- run data
@pytest.mark.parametrize("beta1t_on_device", [False, True])
def test_the_two_runners_of_the_recurrences_agree(beta1t_on_device):
    rng = np.random.default_rng(3)
    G, b1 = rng.normal(size=(40, 5)), rng.uniform(0, 0.9, 40)
    G[:7, 2] = 0.0
    batched = run_data(G, 0.9, b1)
    state = RunState(5, {"m", "Sv", "vmax"}, beta2=0.9)
    assert set(state.tensors) == {"g", "m", "v", "Sv", "vmax"}  # v: Sv and vmax read it
    for n in range(40):
        beta = torch.tensor(b1[n], dtype=torch.float64) if beta1t_on_device else b1[n]
        state.update(torch.tensor(G[n]), beta)
        for k, x in state.tensors.items():
            np.testing.assert_allclose(x.numpy(), batched[k][n].astype(float), rtol=1e-13,
                                       atol=0, err_msg=k)  # fmt: skip


def test_run_state_needs_beta2_for_v():
    with pytest.raises(ValueError, match="beta2"):
        RunState(2, {"Sv"})
    assert set(RunState(2, {"m"}).tensors) == {"g", "m"}


def test_both_read_a_form_built_in_steps_as_its_rebuilt_self():
    # sqrt(|x|) of a quotient leaves Abs(1/v) in the tree; substituting T rebuilds it as
    # 1/Abs(v), a denominator: 0/0 := 0 must apply to both readings alike (it gave NaN
    # streamed against 0 batched before canonical())
    quotient = sp.Abs(sp.Pow(v(T, i), -1, evaluate=False), evaluate=False)
    form = sp.Sum(g(T, i) ** 4 * quotient, (i, 1, d))
    sf = StreamingForm({"f": form}, {"beta2": 0.5}, d=2)
    sf.update(torch.tensor([0.0, 1.0]))
    run = run_data(np.array([[0.0, 1.0]]), 0.5, np.zeros(1))
    assert float(sf.evaluate()["f"]) == evaluate(form.xreplace({T: 1, d: 2}), run) == 2.0
    assert evaluate(form.subs(d, 2).subs(T, 1), run) == 2.0
