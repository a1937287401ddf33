"""Machine-checked derivations of the theorems this package states itself.

A proof is a chain of steps ``lhs (relation) rhs``; each step cites facts (hypotheses, lemma
instances, standard inequalities, bookkeeping rules) and is certified ``symbolic`` or
``interval`` (see :mod:`proofs._core`, :mod:`proofs._algebra`). One proof per
module: ``proofs/<theorem id>.py`` for the theorems of :data:`analysis.THEOREMS` that this
package states, ``proofs/lemma_<name>.py`` for the lemmas they use; each defines ``PROOF``
(and an induction its base and step cases as ``PARTS``, :mod:`proofs._induction`).

* :data:`PROOFS`: theorem id -> Proof; :data:`LEMMAS`: lemma id -> Proof.
* ``python -m proofs check``: check every proof (exit status 1 if any step fails).
* ``python -m proofs render``: write ``proofs/rendered/<id>.md`` (Markdown with LaTeX; not
  committed, the docs build renders them).
* :func:`mutants`: deliberately broken variants of real proofs; the checker rejects each.
* ``Proof``, ``Step``, ``Fact``, ``le``, ``lt``, ``eq`` (and the relations ``LE``, ``LT``,
  ``EQ``, the symbols' ``Domain``): what a proof module is written with; they are defined in
  ``proofs._core``.

Example:
    >>> from proofs import LEMMAS
    >>> LEMMAS["lemma_sqrt_sum"].check().ok
    True
"""

from __future__ import annotations

import importlib
import pkgutil

# What a proof module is written with: the record, its steps and facts, the relations.
from ._core import EQ, LE, LT, Domain, Fact, Proof, Step, eq, le, lt


def _discover():
    theorems, lemmas = {}, {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        proof = module.PROOF
        if proof.id != info.name:
            raise ImportError(f"module {info.name} defines proof id {proof.id!r}")
        (lemmas if info.name.startswith("lemma_") else theorems)[proof.id] = proof
        for part in getattr(module, "PARTS", ()):  # an induction's base and step cases
            if not part.id.startswith(f"{info.name}_"):
                raise ImportError(f"module {info.name} defines part id {part.id!r}")
            lemmas[part.id] = part
    return theorems, lemmas


PROOFS, LEMMAS = _discover()


def all_proofs() -> dict[str, Proof]:
    """Lemmas first (they are cited), then theorems."""
    return {**LEMMAS, **PROOFS}


def mutants():
    """Broken variants of real proofs: ``[(description, Proof)]``; see :mod:`proofs._mutants`."""
    from ._mutants import mutants as _m

    return _m()


__all__ = [
    "EQ",
    "LE",
    "LEMMAS",
    "LT",
    "PROOFS",
    "Domain",
    "Fact",
    "Proof",
    "Step",
    "all_proofs",
    "eq",
    "le",
    "lt",
    "mutants",
]
