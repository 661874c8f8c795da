"""The exhaustive engine: evaluate every case of a finite domain, smallest first.

Finishing the enumeration without a violation is a proof over that finite domain (PROVED); an
enumeration stopped by the budget proves nothing, so `run_exhaustive` then returns None and the
caller reports INCONCLUSIVE. The first violation found is the smallest one, because the cases
come in size order.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..arguments import Arguments
from ..domains.boolean.enumerate import _COMMUTATIVE, OPS, _gate_choices, boolean_circuits
from ..domains.circuit.enumerate import finite_support_circuits
from ..domains.permanent.enumerate import SIGN_VALUES, sign_matrices, sign_rows
from ..properties.base import Call, Case, EstimatorFailure, NotApplicable, Outcome

# The enumerators live with their domains; their names stay importable from here.
__all__ = [
    "OPS", "SIGN_VALUES", "ExhaustiveResult", "_COMMUTATIVE", "_gate_choices", "boolean_circuits",
    "finite_restriction_cases", "finite_support_circuits", "restriction_cases", "run_exhaustive", "sign_matrices",
    "sign_rows",
]


def restriction_cases(n_bits: int, max_gates: int, *, canonical: bool = False) -> Iterator[Case]:
    """Cases for `restriction-linearity`: every circuit of `boolean_circuits` (in its order), and
    for each every input index, with Pi empty."""
    empty = Arguments()
    for c in boolean_circuits(n_bits, max_gates, canonical=canonical):
        for i in range(len(c.inputs)):
            yield Case((("Y", c),), (("Pi", empty),), (("input", i),))


def finite_restriction_cases(n_inputs: int, max_gates: int) -> Iterator[Case]:
    """Cases for `restriction-linearity` (reveal form) on arithmetic circuits: every circuit of
    `finite_support_circuits`, every input revealed, Pi empty."""
    empty = Arguments()
    for c in finite_support_circuits(n_inputs, max_gates):
        for i in range(len(c.inputs)):
            yield Case((("Y", c),), (("Pi", empty),), (("input", i),))


@dataclass(frozen=True)
class ExhaustiveResult:
    """A finished enumeration: no witness and no failure means the property held on every case."""

    cases: int  # cases evaluated, the not-applicable ones included
    witness: tuple[Case, Outcome] | None
    failure: tuple[Case, EstimatorFailure] | None
    seconds: float
    not_applicable: int = 0  # cases the estimator declared outside its domain (skipped)

    @property
    def holds(self) -> bool:
        return self.witness is None and self.failure is None


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
        if out.violates:
            witness = (case, out)
            break
    return ExhaustiveResult(count, witness, failure, time.perf_counter() - start, skipped)
