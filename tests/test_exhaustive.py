"""The exhaustive engine: the enumeration of small boolean circuits and the run over it."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from typing import Any

import pytest

from heurcheck.arguments import Arguments
from heurcheck.domains.boolean import BoolGate
from heurcheck.domains.boolean.enumerate import boolean_circuits
from heurcheck.engines.exhaustive import ExhaustiveResult, run_exhaustive
from heurcheck.properties.restriction.boolean import restriction_cases
from heurcheck.errors import OutsideDomain
from heurcheck.estimators.propagation import MeanPropagation
from heurcheck.estimators.reference import Exact
from heurcheck.properties.base import Call, Case, Outcome
from heurcheck.properties.restriction import RestrictionLinearity


def gates_per_position(wires: int) -> int:
    # and, or, xor over ordered pairs of earlier wires, plus not over one
    return 3 * wires * wires + wires


def test_one_bit_and_one_gate_give_five_circuits_counted_by_hand() -> None:
    # 0 gates: the output is a. 1 gate: and(a,a), or(a,a), xor(a,a), not(a).
    circuits = list(boolean_circuits(1, 1))
    assert len(circuits) == 1 + 4
    assert [(c.output, tuple((g.op, g.args) for g in c.gates)) for c in circuits] == [
        ("a", ()),
        ("g1", (("and", ("a", "a")),)),
        ("g1", (("or", ("a", "a")),)),
        ("g1", (("xor", ("a", "a")),)),
        ("g1", (("not", ("a",)),)),
    ]


def test_two_bits_and_three_gates_match_the_product_formula_per_size() -> None:
    sizes = Counter(len(c.gates) for c in boolean_circuits(2, 3))
    assert sizes == {0: 2, 1: 14, 2: 14 * 30, 3: 14 * 30 * 52}
    assert sum(sizes.values()) == 22276  # the count the docstring states
    assert [gates_per_position(w) for w in (2, 3, 4)] == [14, 30, 52]


def test_canonical_drops_exactly_the_reversed_commutative_gates() -> None:
    full = list(boolean_circuits(2, 2))
    canonical = list(boolean_circuits(2, 2, canonical=True))
    wires = ["a", "b", "g1"]

    def in_order(g: BoolGate) -> bool:
        return g.op == "not" or wires.index(g.args[0]) <= wires.index(g.args[1])

    assert canonical == [c for c in full if all(in_order(g) for g in c.gates)]
    assert len(canonical) == 2 + 11 + 11 * 21


def test_circuits_come_in_size_order_without_repeats() -> None:
    circuits = list(boolean_circuits(2, 2))
    sizes = [len(c.gates) for c in circuits]
    assert sizes == sorted(sizes)
    assert len(set(circuits)) == len(circuits)
    assert [c.output for c in circuits if not c.gates] == ["a", "b"]
    assert all(c.output == c.gates[-1].id for c in circuits if c.gates)
    assert list(boolean_circuits(2, 2)) == circuits  # deterministic


def test_every_input_probability_is_the_given_p() -> None:
    from fractions import Fraction

    assert {i.p for c in boolean_circuits(2, 1, Fraction(1, 3)) for i in c.inputs} == {Fraction(1, 3)}


def test_restriction_cases_pair_each_circuit_with_each_input() -> None:
    cases = list(restriction_cases(2, 1))
    assert len(cases) == 2 * (2 + 14)
    assert [c.number("input") for c in cases[:4]] == [0, 1, 0, 1]
    assert all(c.args("Pi") == Arguments() for c in cases)


def test_mean_propagation_first_violation_is_the_smallest_one() -> None:
    result = run_exhaustive(RestrictionLinearity(), Call(MeanPropagation()), restriction_cases(2, 3), budget=60)
    assert result is not None and result.failure is None and result.witness is not None
    case, outcome = result.witness
    y = case.instance("Y")
    # and(a, a) with a fixed: (1/2) G(and(0,0)) + (1/2) G(and(1,1)) = 1/2, while G(and(a, a)) = 1/4
    assert y.gates == (BoolGate("g1", "and", ("a", "a")),) and case.number("input") == 0
    assert (outcome.lhs, outcome.rhs) == (0.25, 0.5)
    assert result.cases == 5  # the four 0-gate cases hold, the fifth case violates


def test_exact_has_no_violation_over_the_whole_domain() -> None:
    # Two gates keep the test fast; the 3-gate domain (44552 cases) also holds, in about 11 s.
    result = run_exhaustive(RestrictionLinearity(), Call(Exact()), restriction_cases(2, 2), budget=120)
    assert result is not None
    assert result.holds and result.cases == 2 * (2 + 14 + 420) and result.not_applicable == 0


class Slow:
    """A property whose every evaluation takes 20 ms and holds."""

    def evaluate(self, case: Case, call: Call) -> Outcome:
        time.sleep(0.02)
        return Outcome(0, 0, 0.0, 1e-9)


def test_a_budget_too_small_returns_none_not_a_pass() -> None:
    assert run_exhaustive(Slow(), Call(Exact()), restriction_cases(1, 1), budget=0.01) is None


def test_a_budget_large_enough_finishes_even_with_a_slow_property() -> None:
    result = run_exhaustive(Slow(), Call(Exact()), restriction_cases(1, 0), budget=600)  # generous: the one case ends it
    assert result is not None
    # every field but the time it took (which this test does not judge); Slow judges within 1e-9
    assert replace(result, seconds=0.0) == ExhaustiveResult(1, None, None, 0.0, tolerance=1e-9)


class Raising:
    name = "raising"
    randomised = False
    traceable = False

    def estimate(self, instance: Any, arguments: Arguments) -> float:
        raise ZeroDivisionError("planted")


class Outside(Raising):
    def estimate(self, instance: Any, arguments: Arguments) -> float:
        raise OutsideDomain("not mine")


def test_an_estimator_that_raises_gives_the_failure_on_the_first_case() -> None:
    result = run_exhaustive(RestrictionLinearity(), Call(Raising()), restriction_cases(2, 1), budget=60)
    assert result is not None and result.witness is None and result.failure is not None
    case, failure = result.failure
    assert case == next(restriction_cases(2, 1)) and failure.kind == "raised" and "planted" in str(failure)
    assert result.cases == 1


def test_cases_outside_the_estimator_domain_are_skipped_and_counted() -> None:
    result = run_exhaustive(RestrictionLinearity(), Call(Outside()), restriction_cases(1, 1), budget=60)
    assert result is not None and result.holds
    assert result.cases == result.not_applicable == 5


# --------------------------------------------------------------------------- through the checker

def _check(estimator: str, engine: str, prop: str = "restriction-linearity", domain: str = "boolean", **params: object):
    from heurcheck.checker import CheckRequest, CheckSettings, check

    [finding] = check(CheckRequest(estimator, {}, (prop,), {prop: params}, domain),
                      CheckSettings(budget=30, findings_dir=None, engine=engine))
    return finding


def test_the_exhaustive_engine_reports_means_smallest_violation_first() -> None:
    from heurcheck.findings import Verdict

    f = _check("mean", "exhaustive")
    assert f.verdict is Verdict.VIOLATED and f.engine == "exhaustive"
    assert f.witness["instances"]["Y"]["gates"] == [{"id": "g1", "op": "and", "args": ["a", "a"]}]
    assert "first violation in size order" in f.message


def test_the_exhaustive_engine_proves_restriction_linearity_of_the_exact_estimator_over_its_domain() -> None:
    from heurcheck.findings import Verdict

    f = _check("exact", "exhaustive", exhaustive_gates=2)
    assert f.verdict is Verdict.PROVED and f.cases == 2 * (2 + 14 + 420)
    assert "up to 2 gates on 2 bits" in f.message


@pytest.mark.slow
def test_auto_says_what_was_proved_and_where_the_search_went_on() -> None:
    from heurcheck.findings import Verdict

    f = _check("exact", "auto", exhaustive_gates=1)
    assert f.verdict is Verdict.NOT_REFUTED and f.engine == "exhaustive+random"
    assert f.message.startswith("proved over every boolean circuit with up to 1 gates") and "not a proof" in f.message


# --------------------------------------------------------------------------- finite-support circuits, sign matrices


def test_finite_support_circuits_count_and_laws() -> None:
    from heurcheck.domains.circuit import support
    from heurcheck.domains.circuit.enumerate import finite_support_circuits

    circuits = list(finite_support_circuits(1, 2))
    # one input of each of the 2 laws; a gate over w wires: 2 * w (w + 1) / 2 + w choices (3 for w = 1, 8 for w = 2)
    assert len(circuits) == 2 * (1 + 3 + 3 * 8)
    assert all(support(i.dist) is not None for c in circuits for i in c.inputs)
    sizes = [len(c.inputs) + len(c.gates) for c in circuits]
    assert sizes == sorted(sizes)


def test_restriction_linearity_on_finite_support_circuits_is_decided_exactly() -> None:
    from heurcheck.findings import Verdict

    mean = _check("mean", "exhaustive", domain="circuit", exhaustive_gates=2)
    assert mean.verdict is Verdict.VIOLATED and mean.observed["size"] == 2  # x * x: E[x]^2 is not E[x^2]
    exact = _check("exact", "exhaustive", domain="circuit", exhaustive_gates=2, exhaustive_bits=1)
    assert exact.verdict is Verdict.PROVED and "Rademacher or Bernoulli(1/2)" in exact.message


def test_sign_matrices_are_every_matrix_of_the_kind() -> None:
    from heurcheck.domains.permanent.enumerate import sign_matrices

    pm1 = list(sign_matrices(3))
    assert len(pm1) == 2 + 16 + 512 and len(set(pm1)) == len(pm1)
    assert {v for m in sign_matrices(2, "01") for row in m.entries for v in row} == {0, 1}


def test_permanent_multilinearity_is_proved_for_the_exact_permanent_and_refuted_for_the_mean_field_one() -> None:
    from heurcheck.findings import Verdict

    exact = _check("exact", "exhaustive", prop="linearity", domain="permanent", exhaustive_n=2)
    assert exact.verdict is Verdict.PROVED and exact.cases == (2 * 1 * 2 + 16 * 2 * 4) * 5
    perm_sum = _check("perm-sum", "exhaustive", prop="linearity", domain="permanent", exhaustive_n=2,
                      exhaustive_entries="01")
    assert perm_sum.verdict is Verdict.VIOLATED and perm_sum.observed["size"] == 6  # first at n = 2


def test_a_proof_says_exactly_only_when_every_comparison_was_exact() -> None:
    class Judged:
        def __init__(self, tolerance: float) -> None:
            self.tolerance = tolerance

        def evaluate(self, case: Case, call: Call) -> Outcome:
            return Outcome(0, 0, 0.0, self.tolerance)

    from heurcheck.engines.exhaustive import ExhaustiveEngine
    from heurcheck.properties.space import CaseSpace, Enumeration, sized

    space = CaseSpace("boolean", finite=Enumeration("two cases", lambda: sized(restriction_cases(1, 0))))

    def message(tolerance: float) -> str:
        decision = ExhaustiveEngine().decide(Judged(tolerance), space, Call(Exact()), 60, lambda _: None)
        return decision.message

    assert message(0.0).endswith("cases, every one exactly")
    assert message(2.5e-8).endswith("cases, every one within tolerance 2.5e-08")
