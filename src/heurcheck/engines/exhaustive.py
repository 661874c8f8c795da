"""The exhaustive engine: evaluate every case of a finite domain, smallest first.

Finishing the enumeration without a violation is a proof over that finite domain (PROVED); an
enumeration stopped by the budget proves nothing, so `run_exhaustive` then returns None and the
caller reports INCONCLUSIVE. The first violation found is the smallest one, because the cases
come in size order.
"""

from __future__ import annotations

import string
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product
from typing import Any, ClassVar

from ..arguments import Arguments
from ..domains.boolean import BitInput, BoolGate, BooleanCircuit
from ..estimators.base import Estimator
from ..findings import Verdict
from ..properties.base import Call, Case, EstimatorFailure, NotApplicable, Outcome, Property
from ..properties.space import CaseSpace
from .base import Decision, OnFinding, SearchOptions, violation_text

# The enumeration order within a size: the op, then its arguments in wire order.
OPS: tuple[tuple[str, int], ...] = (("and", 2), ("or", 2), ("xor", 2), ("not", 1))
_COMMUTATIVE = frozenset({"and", "or", "xor"})


def boolean_circuits(n_bits: int, max_gates: int, p: Any = Fraction(1, 2), *,
                     canonical: bool = False) -> Iterator[BooleanCircuit]:
    """Every boolean circuit on the inputs a, b, ... (n_bits of them, each with Pr[1] = p) with
    0..max_gates gates, fewer gates first.

    Gate j is `gj`, one of and/or/xor (2 args) or not (1 arg), each argument any earlier wire
    (repeats allowed, so `and(a, a)` is included); the output is the last gate. With 0 gates
    there is one circuit per input, whose output is that input. Gates whose value never reaches
    the output are kept: nothing is skipped. Within a size the order is lexicographic over the
    gate list (g1 varies slowest); a gate orders by op (and, or, xor, not), then by its arguments
    in wire order (inputs, then earlier gates).

    With w wires before a gate there are 3 w^2 + w choices for it, so k gates give
    prod_{w=n}^{n+k-1} (3 w^2 + w) circuits. `canonical=True` keeps only the commutative gates
    whose arguments are in wire order (drops `and(b, a)`, keeps `and(a, b)` and `and(a, a)`):
    3 w (w + 1) / 2 + w choices per gate. Counts for n_bits=2, max_gates=3: 22276 circuits
    (2 + 14 + 420 + 21840), and 8098 with canonical=True (2 + 11 + 231 + 7854).
    """
    if n_bits < 1 or n_bits > len(string.ascii_lowercase):
        raise ValueError(f"n_bits: expected 1..{len(string.ascii_lowercase)}, got {n_bits!r}")
    if max_gates < 0:
        raise ValueError(f"max_gates: expected a number >= 0, got {max_gates!r}")
    inputs = tuple(BitInput(string.ascii_lowercase[i], p) for i in range(n_bits))
    names = [x.id for x in inputs]
    for x in names:
        yield BooleanCircuit(inputs, (), x)
    for size in range(1, max_gates + 1):
        ids = [f"g{j}" for j in range(1, size + 1)]
        choices = [_gate_choices(names + ids[:j], canonical) for j in range(size)]
        for picked in product(*choices):
            gates = tuple(BoolGate(gid, op, args) for gid, (op, args) in zip(ids, picked))
            yield BooleanCircuit(inputs, gates, ids[-1])


def _gate_choices(wires: list[str], canonical: bool) -> list[tuple[str, tuple[str, ...]]]:
    out = []
    for op, arity in OPS:
        for idx in product(range(len(wires)), repeat=arity):
            if canonical and op in _COMMUTATIVE and idx[0] > idx[1]:
                continue
            out.append((op, tuple(wires[i] for i in idx)))
    return out


def restriction_cases(n_bits: int, max_gates: int, *, canonical: bool = False) -> Iterator[Case]:
    """Cases for `restriction-linearity`: every circuit of `boolean_circuits` (in its order), and
    for each every input index, with Pi empty."""
    empty = Arguments()
    for c in boolean_circuits(n_bits, max_gates, canonical=canonical):
        for i in range(len(c.inputs)):
            yield Case((("Y", c),), (("Pi", empty),), (("input", i),))


def finite_support_circuits(n_inputs: int, max_gates: int) -> Iterator[Any]:
    """Every arithmetic circuit with up to `max_gates` gates over 1..n_inputs inputs of finite
    support, fewer nodes first: each input Rademacher (+-1) or Bernoulli(1/2) (each multiset of
    laws once), gates add or mul of an unordered pair of earlier wires (repeats allowed) or neg of
    one, the output the last wire. No constants, so the domain is finite and exactly enumerable."""
    from ..domains.circuit import Bernoulli, Rademacher
    from .structures import circuits_by_size

    laws = {"bernoulli": lambda wire: Bernoulli(Fraction(1, 2)), "rademacher": lambda wire: Rademacher()}
    ids = tuple(f"x{i}" for i in range(n_inputs))
    for _, c in circuits_by_size(laws, ids, n_inputs + max_gates, max_gates=max_gates, valued=False):
        yield c


def finite_restriction_cases(n_inputs: int, max_gates: int) -> Iterator[Case]:
    """Cases for `restriction-linearity` (reveal form) on arithmetic circuits: every circuit of
    `finite_support_circuits`, every input revealed, Pi empty."""
    empty = Arguments()
    for c in finite_support_circuits(n_inputs, max_gates):
        for i in range(len(c.inputs)):
            yield Case((("Y", c),), (("Pi", empty),), (("input", i),))


SIGN_VALUES = {"pm1": (Fraction(1), Fraction(-1)), "01": (Fraction(0), Fraction(1))}


def sign_rows(n: int, entries: str = "pm1") -> Iterator[tuple[Fraction, ...]]:
    """Every row of length n with entries in {1, -1} ("pm1") or {0, 1} ("01")."""
    return product(SIGN_VALUES[entries], repeat=n)


def sign_matrices(max_n: int, entries: str = "pm1") -> Iterator[Any]:
    """Every n x n matrix with entries in {1, -1} ("pm1") or {0, 1} ("01"), n = 1..max_n, smaller
    first (2 + 16 + 512 + 65536 matrices up to n = 4)."""
    from ..domains.permanent import Matrix

    for n in range(1, max_n + 1):
        for flat in sign_rows(n * n, entries):
            yield Matrix(tuple(tuple(flat[i * n:(i + 1) * n]) for i in range(n)))


@dataclass(frozen=True)
class ExhaustiveResult:
    """A finished enumeration: no witness and no failure means the property held on every case."""

    cases: int  # cases evaluated, the not-applicable ones included
    witness: tuple[Case, Outcome] | None
    failure: tuple[Case, EstimatorFailure] | None
    seconds: float
    not_applicable: int = 0  # cases the estimator declared outside its domain (skipped)
    last: tuple[Case, Outcome] | None = field(default=None, compare=False)  # the last case evaluated, its outcome

    @property
    def holds(self) -> bool:
        return self.witness is None and self.failure is None


@dataclass(frozen=True)
class ExhaustiveEngine:
    """Every case of the space's finite enumeration, in order: PROVED over it, the first violation in
    size order, or INCONCLUSIVE when the budget ends the enumeration (which then proves nothing)."""

    options: SearchOptions = SearchOptions()
    name: ClassVar[str] = "exhaustive"

    def fits(self, space: CaseSpace, estimator: Estimator) -> str | None:
        if space.finite is None:
            return f"the property offers no finite domain to enumerate on the {space.domain} domain"
        return None

    def decide(self, prop: Property, space: CaseSpace, call: Call, budget: float, on_finding: OnFinding) -> Decision:
        finite = space.finite
        assert finite is not None, "fits() refuses a space with no finite enumeration"
        scope = finite.scope
        result = run_exhaustive(prop, call, (case for _, case in finite.cases()), budget)
        if result is None:
            return Decision(Verdict.INCONCLUSIVE, self.name, 0,
                            f"the budget ended the enumeration of {scope}: an unfinished enumeration proves nothing")
        population = finite.instances  # one case standing for a whole population: its outcome says it all
        cases = result.cases if population is None else population
        if result.failure is not None:
            return Decision.of_witness(self.name, cases, *result.failure)
        if result.witness is not None:
            case, out = result.witness
            said = out.detail if population is not None else \
                f"first violation in size order over {scope}: {violation_text(out)}"
            return Decision.of_witness(self.name, cases, out.witness or case, out, said, route=out.route)
        if population is not None and result.last is not None:
            case, out = result.last
            if not out.applicable:
                return Decision(Verdict.NOT_APPLICABLE, self.name, 0, out.detail)
            return Decision(Verdict.PROVED, self.name, cases, out.detail, witness=None, found=out, scope=scope,
                            route=out.route)
        applicable = result.cases - result.not_applicable
        if applicable == 0:
            return Decision(Verdict.VACUOUS, self.name, result.cases, f"no case of {scope} was in the estimator's domain")
        return Decision(Verdict.PROVED, self.name, result.cases, f"holds over {scope}: {applicable} cases, exactly",
                        scope=scope)


def run_exhaustive(prop: Any, call: Call, cases: Iterable[Case], budget: float) -> ExhaustiveResult | None:
    """Evaluate `cases` in order until the first violation or estimator failure.

    Returns None when the budget (seconds) runs out before the enumeration ends: an unfinished
    enumeration proves nothing. The budget is checked before each case, so one slow case may
    overrun it; a violation found is returned whatever the time.
    """
    start = time.perf_counter()
    deadline = start + budget
    count = skipped = 0
    witness: tuple[Case, Outcome] | None = None
    failure: tuple[Case, EstimatorFailure] | None = None
    last: tuple[Case, Outcome] | None = None
    for case in cases:
        if time.perf_counter() > deadline:
            return None
        count += 1
        call.begin(case)
        try:
            out = prop.evaluate(case, call)
        except NotApplicable:
            skipped += 1
            continue
        except EstimatorFailure as exc:
            failure = (case, exc)
            break
        last = (case, out)
        if out.violates:
            witness = (case, out)
            break
    return ExhaustiveResult(count, witness, failure, time.perf_counter() - start, skipped, last)
