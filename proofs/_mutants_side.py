r"""One mutant per side condition: a small proof that uses a rule, a substitution, a sum or
a lemma instance outside its conditions, so that (in most cases) it derives something false.
The checker must reject each at its only step (see :func:`proofs.mutants`).

The two chains a skeptical reader tried first are here: from the hypothesis
:math:`\beta_1 \le 1` a chain ending in :math:`5 \le 1` (:math:`\beta_1` is a parameter, not
a quantified symbol), and from a fact stated for :math:`t \ge 1` a chain ending in
:math:`f(0) \le 0` (0 is outside the range of :math:`t`).
"""

from __future__ import annotations

import sympy as sp

from analysis.symbols import beta1

from ._core import LE, Domain, Proof, Step, eq, le
from ._rules import (
    am_gm,
    geometric,
    log_quotient,
    log_ratio,
    scale,
    sqrt_monotone,
    substitute,
    termwise,
    young,
)
from ._rules_constant import inv_sqrt_monotone, max_le, square_nonneg
from ._rules_expectation import identity
from ._rules_regret import pow_peel, scale_given, trans

x, y = sp.symbols("x y", real=True)
u, w = sp.symbols("u w", nonnegative=True)
r = sp.Symbol("r", nonnegative=True)
t = sp.Symbol("t", positive=True, integer=True)
T = sp.Symbol("T", positive=True, integer=True)
n = sp.Symbol("n", positive=True, integer=True)
e = sp.Symbol("e", integer=True)
eps = sp.Symbol("eps", positive=True)
f = sp.Function("f", real=True)

F_T = le(f(t), 0, "f_t <= 0 for every t >= 1")
F_T2 = le(f(t), 0, "f_t <= 0 for every t >= 2", over={t: (2, None)})
X_LE_Y = le(x, y, "x <= y")


def _one(name, what, statement, fact, hypotheses=(), domain=None, data=(), rel=LE):
    proof = Proof(f"side_{name}", what, statement, tuple(hypotheses),
                  (Step(rel, statement.rhs, what, by=[fact]),), data=data,
                  domain=domain or Domain())  # fmt: skip
    return (f"side_{name}: side condition: {what} (step 1)", 1, proof)


def _lemma(name, sym, claim_lhs, claim_rhs, domain=None):
    """A true one-step lemma about ``sym``, certified on ``domain``."""
    return Proof(f"lemma_side_{name}", name, le(claim_lhs, claim_rhs, "claim"), (),
                 (Step(LE, claim_rhs, "certified"),), domain=domain or Domain())  # fmt: skip


def _instances():
    b = sp.Symbol("b", nonnegative=True)
    square = _lemma("square", b, b**2, b, Domain({b: (0, 1)}))  # b^2 <= b on [0, 1]
    count = _lemma("count", n, 1, n)  # 1 <= n for a positive integer n
    inv = _lemma("inv", eps, 0, 1 / eps)  # 1/eps >= 0 for eps > 0
    return [
        _one(
            "instance_domain",
            "lemma instance outside its Domain (b = 2 in b^2 <= b)",
            le(4, 2, "claim"),
            square.instance({b: 2}),
        ),
        _one(
            "instance_integer",
            "lemma instance at a non-integer for an integer symbol",
            le(1, sp.Rational(1, 2), "claim"),
            count.instance({n: sp.Rational(1, 2)}),
        ),
        _one(
            "instance_positive",
            "lemma instance at 0 for a positive symbol",
            le(0, inv.statement.rhs.subs(eps, u), "claim"),
            inv.instance({eps: u}),
        ),
    ]


def _induction_at_one_step():
    """lemma_ema_bound cited at n = T with its recurrence given at T only: an induction
    needs the recurrence at every step k, so the instance's obligations stay open."""
    from . import lemma_ema_bound as ema

    x, z = sp.Function("xs_", real=True), sp.Function("zs_", real=True)
    rec = eq(x(T), ema.b * x(T - 1) + (1 - ema.b) * z(T), "the recurrence at T only")
    bound = le(z(T), 1, "z_T <= 1 at T only")
    start = eq(x(0), 0, "x_0 = 0")
    inst = ema.PROOF.instance({ema.x1: x, ema.y1: z, ema.B: 1, ema.n: T},
                              given=[rec, bound, start])  # fmt: skip
    return _one(
        "induction",
        "an induction lemma given its recurrence at one step only",
        le(x(T), 1, "claim"),
        inst,
        [rec, bound, start],
        Domain({ema.b: (0, 1)}),
        data=(x, z),
    )


def _induction_from_a_parameter():
    """lemma_ema_bound's recurrence, needed at every step k, discharged from a proof whose
    own k is a parameter (its claim is about x_{k+5}): the recurrence holds at one k only."""
    from . import lemma_ema_bound as ema

    x, z, k = sp.Function("xs_", real=True), sp.Function("zs_", real=True), ema.k
    rec = eq(x(k), ema.b * x(k - 1) + (1 - ema.b) * z(k), "the recurrence at this k")
    bound = le(z(k), 1, "z_k <= 1 at this k")
    start = eq(x(0), 0, "x_0 = 0")
    inst = ema.PROOF.instance({ema.x1: x, ema.y1: z, ema.B: 1, ema.n: k + 5},
                              given=[rec, bound, start])  # fmt: skip
    return _one(
        "induction_parameter",
        "an induction's step hypotheses taken from a parameter",
        le(x(k + 5), 1, "claim"),
        inst,
        [rec, bound, start],
        Domain({ema.b: (0, 1)}),
        data=(x, z),
    )


def side_mutants():
    """``[(description, step number, Proof)]``, one per side condition."""
    s2 = sp.Sum(f(t) ** 2, (t, 5, 1))
    return [
        _one(
            "parameter",
            "a hypothesis about beta1 substituted at beta1 = 5 (5 <= 1)",
            le(5, 1, "claim"),
            substitute(le(beta1, 1, "beta1 <= 1"), {beta1: 5}),
            [le(beta1, 1, "beta1 <= 1")],
            Domain({beta1: (0, 1)}),
        ),
        _one(
            "range",
            "a fact for t >= 1 substituted at t = 0 (f(0) <= 0)",
            le(f(0), 0, "claim"),
            substitute(F_T, {t: 0}),
            [F_T],
            data=(f,),
        ),
        _one(
            "integer",
            "an integer index substituted by 1/2",
            le(f(sp.Rational(1, 2)), 0, "claim"),
            substitute(F_T, {t: sp.Rational(1, 2)}),
            [F_T],
            data=(f,),
        ),
        _one(
            "sum_range",
            "a fact for t >= 2 summed from t = 1",
            le(sp.Sum(f(t), (t, 1, T)), 0, "claim"),
            termwise(F_T2, t, 1, T),
            [F_T2],
            data=(f,),
        ),
        _one(
            "used_range",
            "a fact for t >= 2 used at a free t >= 1",
            le(f(t), 0, "claim"),
            F_T2,
            [F_T2],
            data=(f,),
        ),
        _one(
            "reversed",
            "an inequality summed over a reversed range (Karr: 0 <= -sum)",
            le(0, s2, "claim"),
            termwise(square_nonneg(f(t)), t, 5, 1),
            data=(f,),
        ),
        _one(
            "young_sign",
            "Young with a negative weight",
            le(x * y, -(x**2) / 2 - y**2 / 2, "claim"),
            young(x, y, -1),
        ),
        _one(
            "young_zero",
            "Young with a weight that may be 0 (a zero divisor)",
            le(x * y, w * x**2 / 2 + y**2 / (2 * w), "claim"),
            young(x, y, w),
        ),
        _one(
            "am_gm",
            "AM-GM with a possibly negative argument",
            le(sp.sqrt(u - 1) * sp.sqrt(w), (u - 1 + w) / 2, "claim"),
            am_gm(u - 1, w),
        ),
        _one(
            "log_ratio",
            "1 - 1/x <= ln x with a possibly zero argument (ln 0)",
            le(1 - w / u, sp.log(u) - sp.log(w), "claim"),
            log_ratio(u, w),
        ),
        _one(
            "log_quotient",
            "ln a - ln b = ln(a/b) with a possibly zero b",
            eq(sp.log(u + 1) - sp.log(w), sp.log((u + 1) / w), "claim"),
            log_quotient(u + 1, w, (u + 1) / w),
            rel="=",
        ),
        _one(
            "geometric_ratio",
            "a geometric series with ratio 2",
            le(sp.Sum(2 ** (t - 1), (t, 1, T)), -1, "claim"),
            geometric(2, t, 1, T),
        ),
        _one(
            "geometric_one",
            "a geometric series whose ratio may be 1 or more",
            le(sp.Sum(r ** (t - 1), (t, 1, T)), 1 / (1 - r), "claim"),
            geometric(r, t, 1, T),
        ),
        _one(
            "geometric_range",
            "a geometric series over a reversed range",
            le(sp.Sum(r ** (t - 5), (t, 5, 1)), 1 / (1 - r), "claim"),
            geometric(r, t, 5, 1),
            domain=Domain({r: (0, 1)}),
        ),
        _one(
            "sqrt_order",
            "sqrt(x) <= sqrt(y) without x <= y",
            le(sp.sqrt(w + 1), sp.sqrt(w), "claim"),
            sqrt_monotone(w + 1, w),
        ),
        _one(
            "sqrt_sign",
            "sqrt(x) <= sqrt(y) for a possibly negative x",
            le(sp.sqrt(x), sp.sqrt(x**2 + x), "claim"),
            sqrt_monotone(x, x**2 + x),
        ),
        _one(
            "inv_sqrt",
            "1/sqrt decreasing at a possibly zero x",
            le(1 / sp.sqrt(u + w), 1 / sp.sqrt(w), "claim"),
            inv_sqrt_monotone(w, u + w, 1, given=[le(w, u + w, "w <= u + w")]),
        ),
        _one(
            "scale", "an inequality scaled by -1", le(-x, -y, "claim"), scale(X_LE_Y, -1), [X_LE_Y]
        ),
        _one(
            "scale_given",
            "an inequality scaled by -1 from an unrelated fact",
            le(-x, -y, "claim"),
            scale_given(X_LE_Y, -1, given=[X_LE_Y]),
            [X_LE_Y],
        ),
        _one("trans", "transitivity without its two links", le(x, y, "claim"), trans(x, 5, y)),
        _one(
            "max_le", "max(a, b) <= c without b <= c", le(sp.Max(x, y), x, "claim"), max_le(x, y, x)
        ),
        _one(
            "pow_peel",
            "x^(e+1) = x x^e for a possibly negative e",
            eq(u ** (e + 1), u * u**e, "claim"),
            pow_peel(u, e),
            rel="=",
        ),
        _one(
            "identity",
            "cancelling (y + 1)/(y + 1) where y + 1 may be 0",
            eq((x * y + x) / (y + 1), x, "claim"),
            identity((x * y + x) / (y + 1), x),
            rel="=",
        ),
        *_instances(),
        _induction_at_one_step(),
        _induction_from_a_parameter(),
    ]
