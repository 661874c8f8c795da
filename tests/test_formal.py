"""The formal engines: symbolic (sympy) and smt (z3) decide structures for all parameter values."""

from __future__ import annotations

import time
from fractions import Fraction
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heurcheck.arguments import Arguments
from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.domains.circuit import Circuit, Gate, Gaussian, Input, circuits
from heurcheck.domains.lifting import lifted
from heurcheck.domains.circuit.enumerate import circuit_structures, count_structures
from heurcheck.engines import formal, smt
from heurcheck.engines.formal import decide_structure, run_formal
from heurcheck.engines.symbolic_space import Space, is_symbolic_case, space_of, substitute, symbol
from heurcheck.estimators.propagation import MeanPropagation
from heurcheck.findings import Verdict
from heurcheck.properties.base import Call, Case
from heurcheck.properties.registry import create

FAULTY = Path(__file__).resolve().parent / "quality" / "faulty.py"


def run(estimator: str, prop: str, engine: str, budget: float = 20.0, max_nodes: int = 2,
        params: dict[str, Any] | None = None, **options: Any) -> Any:
    request = CheckRequest(estimator, options, (prop,), {prop: params or {}}, "circuit")
    (finding,) = check(request, CheckSettings(budget=budget, engine=engine, findings_dir=None, max_nodes=max_nodes))
    return finding


# --------------------------------------------------------------------------- structures


def test_structure_counts_follow_the_documented_formula() -> None:
    # one input: 5, 11, 19 choices for gates 1..3; two inputs: 11, 19; see circuit_structures
    assert count_structures(4) == {1: 1, 2: 5 + 1, 3: 5 * 11 + 11, 4: 5 * 11 * 19 + 11 * 19}


def test_structures_have_symbolic_parameters_and_come_smallest_first() -> None:
    sizes = []
    for size, c in circuit_structures(3):
        sizes.append(size)
        assert size == len(c.inputs) + len(c.gates)
        assert all(getattr(v, "free_symbols", None) for v in c.parameters())
    assert sizes == sorted(sizes)


def test_substitution_makes_an_ordinary_case_with_rational_parameters() -> None:
    _, c = next((s, c) for s, c in circuit_structures(2) if c.gates and c.gates[0].op == "scale")
    case = Case((("Y", c),), (("Pi", Arguments()),))
    space = space_of(case)
    assert {str(s) for s in space.symbols} == {"x.mean", "x.var", "g1.value"}
    assert [str(s) for s in space.nonneg] == ["x.var"]
    concrete = substitute(case, {s: Fraction(i + 1, 2) for i, s in enumerate(space.symbols)})
    assert not is_symbolic_case(concrete)
    assert all(isinstance(v, Fraction) for v in concrete.instance("Y").parameters())


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_lifted_strategies_draw_every_parameter_as_a_symbol(data: Any) -> None:
    with lifted():
        strategy = circuits(max_inputs=2, max_gates=3)
    c = data.draw(strategy)
    assert all(getattr(v, "free_symbols", None) for v in c.parameters() if v is not None)


# --------------------------------------------------------------------------- z3 behind one module


def test_z3_proves_a_sum_of_squares_nonnegative_and_finds_a_small_violating_point() -> None:
    m, v = symbol("x.mean"), symbol("x.var")
    space = Space((m, v), frozenset([v]), frozenset())
    assert smt.find_violation(m * m + v, 0, ">=", space, 5).status == "unsat"
    found = smt.find_violation(m * m - v, 0, ">=", space, 5)
    assert found.status == "sat"
    point = found.model
    assert point["x.var"] >= 0 and point["x.mean"] ** 2 - point["x.var"] < 0
    assert all(abs(q) <= 2 for q in point.values())  # the smallest box is tried first


def test_a_violation_too_small_to_show_in_floats_is_tiny_not_a_witness() -> None:
    m = symbol("x.mean")
    answer = smt.find_violation(m * m + Fraction(1, 10**12), m * m, "<=", Space((m,), frozenset(), frozenset()), 5)
    assert answer.status == "tiny"


def test_a_solver_that_overruns_its_time_is_stopped_hard(monkeypatch: pytest.MonkeyPatch) -> None:
    def never_answers(*job: Any) -> Any:  # the forked child inherits this stand-in for z3's solve
        time.sleep(60)  # were the child not stopped, its answer (None) would not read as a timeout

    monkeypatch.setattr(smt, "_solve", never_answers)
    m = symbol("x.mean")
    answer = smt.find_violation(m * m, 0, ">=", Space((m,), frozenset(), frozenset()), 0.2)
    assert answer.status == "timeout" and "stopped" in answer.detail


def test_non_polynomial_sides_are_refused_with_the_expression_named() -> None:
    with pytest.raises(ValueError, match="only polynomials"):
        smt.to_z3(1 / symbol("x.var"), {})


# --------------------------------------------------------------------------- deciding one structure


class TraceDiffers:
    """Mean propagation that adds the first input's mean when its parameters are symbolic: the
    traced polynomial violates linearity, the estimator run on numbers does not."""

    name: ClassVar[str] = "trace-differs"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Any]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        value = MeanPropagation().estimate(instance, arguments)
        mean = instance.inputs[0].dist.mean
        return value + mean if getattr(mean, "free_symbols", None) else value


def _proof_case(c: Circuit) -> Case:
    from heurcheck.domains.circuit import ProvedNonNegative

    y = Circuit(c.inputs, c.gates + (Gate("Y", "mul", (c.output, c.output)),), "Y")
    return Case((("Y", y),), (("Pi", Arguments([ProvedNonNegative("Y")])),), (("form", 0),))


def test_mean_propagation_is_proved_to_respect_the_sign_of_a_square_with_z3() -> None:
    x = Input("x", Gaussian(symbol("x.mean"), symbol("x.var")))
    case = _proof_case(Circuit((x,), (Gate("g1", "scale", ("x",), symbol("g1.value")),), "g1"))
    est = MeanPropagation()
    decision = decide_structure(create("respect-for-proofs"), case, "smt", Call(est), Call(est, exact=False), 0, 5)
    assert decision.status == "proved", decision.detail


def test_a_point_that_does_not_violate_in_floats_is_counted_not_reported() -> None:
    from heurcheck.properties.linearity.circuit import _combination, _combination_case

    x = Input("x", Gaussian(symbol("x.mean"), symbol("x.var")))
    c = Circuit((x,), (), "x")
    a, b = symbol("a"), symbol("b")
    case = _combination_case(*_combination(c, "x", "x", a, b), Arguments(), a, b)
    est = TraceDiffers()
    decision = decide_structure(create("linearity"), case, "smt", Call(est), Call(est, exact=False), 0, 5)
    assert decision.status == "not-reproduced", decision
    assert "float replay stays within tolerance" in decision.detail and decision.witness is None


# --------------------------------------------------------------------------- the engines end to end


def few_proposals(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """Hypothesis proposes `n` structures and no more, so their count, not the budget, ends a formal run."""
    real = formal.proposals
    monkeypatch.setattr(formal, "proposals", lambda *a, **k: islice(real(*a, **k), n))


@pytest.mark.parametrize("engine", ["symbolic", "smt"])
def test_mean_linearity_is_proved_for_every_structure_up_to_the_stated_size(engine: str,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    few_proposals(monkeypatch, 20)  # the enumeration is finite: with a generous budget, counts end the run
    finding = run("mean", "linearity", engine, budget=120, max_nodes=2)
    assert finding.verdict is Verdict.PROVED, finding.message
    assert finding.engine == engine
    assert "proved for every circuit of up to 2 nodes" in finding.message


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["symbolic", "smt"])
def test_a_deep_sign_fault_is_found_and_replays_in_floats(engine: str) -> None:
    finding = run(f"{FAULTY}:DeepSignCumulant", "respect-for-proofs", engine, budget=900, max_nodes=2)
    assert finding.verdict is Verdict.VIOLATED, finding.message
    assert "replayed in floats" in finding.message
    assert finding.observed["violation"] > 1000 * finding.observed["tolerance"]
    from heurcheck.replay import replay

    assert replay(finding, allowed=(finding.estimator,)).still_fails  # the test's own plugin, allowed by name


@pytest.mark.slow
def test_cumulant_order_3_respect_for_proofs_smt_witness_replays_in_floats() -> None:
    # the sign form alone: the default (every form) spends the budget on the other forms' structures too
    # a generous budget: the search stops at its first violation, so only a loaded machine waits longer
    finding = run("cumulant", "respect-for-proofs", "smt", budget=900, max_nodes=1, params={"form": "sign"}, order=3)
    assert finding.verdict is Verdict.VIOLATED, finding.message
    assert "replayed in floats" in finding.message


def test_a_property_without_an_enumeration_is_decided_on_proposed_structures_without_claiming_a_proof(
        monkeypatch: pytest.MonkeyPatch) -> None:
    few_proposals(monkeypatch, 10)  # ten structures decided, however long they take (the budget is generous)
    finding = run("mean", "irrelevant-arguments", "smt", budget=120)
    assert finding.verdict is Verdict.NOT_REFUTED, finding.message
    assert finding.cases == 10 and "10 structures proposed by Hypothesis proved" in finding.message


def test_formal_engines_refuse_an_estimator_they_cannot_trace() -> None:
    finding = run("sampling", "linearity", "smt", budget=5)
    assert finding.verdict is Verdict.INCONCLUSIVE
    assert "traceable" in finding.message


def test_auto_proves_small_structures_then_searches_beyond_them() -> None:
    request = CheckRequest("mean", {}, ("linearity",), {}, "circuit")  # the search beyond ends at its case count
    (finding,) = check(request, CheckSettings(max_examples=200, budget=120, engine="auto", findings_dir=None,
                                              max_nodes=2))
    assert finding.engine == "smt+random", finding
    assert finding.verdict is Verdict.NOT_REFUTED
    assert finding.message.startswith("proved for every circuit of up to 2 nodes")  # the budget did not cut it short


def test_run_formal_reports_how_far_the_enumeration_got() -> None:
    prop, est = create("linearity"), MeanPropagation()
    result = run_formal(prop, prop.space("circuit", est), Call(est), "symbolic", 20, max_nodes=2, propose=False)
    assert result.proved_up_to == 2 and result.witness is None
    assert sum(result.proved.values()) == result.structures
