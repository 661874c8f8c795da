"""The self-referential properties D8-D10: routes, the circuit of a polynomial, and verdicts through the checker."""

from __future__ import annotations

import math
from fractions import Fraction as F
from itertools import permutations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from heurcheck.arguments import Arguments
from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.domains.boolean import BitInput, BoolGate, BooleanCircuit, RevealBit
from heurcheck.domains.circuit import (
    Bernoulli,
    Circuit,
    Gate,
    Gaussian,
    Input,
    Rademacher,
    RevealInput,
    Uniform,
    circuit_of_polynomial,
    circuits,
    cone,
    raw_moments,
    truth,
)
from heurcheck.domains.permanent import ColSums, Matrix, RowSums, blocks, orbit, orbit_size, permanent
from heurcheck.estimators.propagation import CovariancePropagation, CumulantPropagation, MeanPropagation
from heurcheck.estimators.reference import Exact
from heurcheck.findings import Verdict
from heurcheck.properties.base import Call, Case
from heurcheck.properties.selfref import ErrorOrthogonality, IteratedEstimation, UnpredictableErrors

SELF_REFERENCE = ("unpredictable-errors", "iterated-estimation", "error-orthogonality")
NONE = Arguments()


def run(estimator: str, prop: str, domain: str | None = None, examples: int = 30, budget: float = 20.0,
        options: dict | None = None, **params: str) -> list:
    request = CheckRequest(estimator, options or {}, (prop,), {prop: params}, domain)
    return check(request, CheckSettings(max_examples=examples, budget=budget, findings_dir=None))


# --------------------------------------------------------------------------- the circuit of a polynomial


def expectation_of(terms: dict[tuple[int, ...], F], laws: list) -> F:
    """E[sum c prod x_i^e_i] for independent inputs, straight from the moments (the oracle)."""
    total = F(0)
    for m, c in terms.items():
        term = c
        for law, e in zip(laws, m):
            term *= raw_moments(law, e)[e]
        total += term
    return total


def test_the_circuit_of_a_polynomial_has_the_polynomial_s_expectation_as_its_exact_truth() -> None:
    a, b = sympy.symbols("a b")
    base = Circuit((Input("x", Gaussian(F(1), F(2))), Input("r", Rademacher())), (Gate("g", "mul", ("x", "r")),), "g")
    poly = sympy.Rational(1, 2) * a**3 * b - 2 * a**2 + 5
    c = circuit_of_polynomial(base, poly, {a: "x", b: "r"})
    assert [i.id for i in c.inputs] == ["x", "r"] and c.inputs == base.inputs
    assert c.gates[: len(base.gates)] == base.gates  # built on top of the base, whose wires stay usable
    laws = [i.dist for i in base.inputs]
    assert truth(cone(c, c.output)) == expectation_of({(3, 1): F(1, 2), (2, 0): F(-2), (0, 0): F(5)}, laws) == F(-1)


def test_a_constant_or_bare_input_polynomial_still_gets_a_new_output_wire() -> None:
    a = sympy.Symbol("a")
    base = Circuit((Input("x", Bernoulli(F(1, 3))),), (), "x")
    for poly, expected in ((sympy.Integer(0), F(0)), (sympy.Rational(7, 3), F(7, 3)), (a, F(1, 3))):
        c = circuit_of_polynomial(base, poly, {a: "x"})
        assert c.output not in base.wires and truth(c) == expected


def test_a_non_polynomial_is_refused_with_the_reason() -> None:
    a = sympy.Symbol("a")
    base = Circuit((Input("x", Bernoulli(F(1, 3))),), (), "x")
    with pytest.raises(ValueError, match="not a polynomial"):
        circuit_of_polynomial(base, 1 / (a + 1), {a: "x"})


monomials = st.dictionaries(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 2)),
                            st.fractions(min_value=-3, max_value=3, max_denominator=4), max_size=5)


@settings(max_examples=40, deadline=None)
@given(circuits(max_inputs=3, max_gates=2), monomials)
def test_the_circuit_of_any_polynomial_has_the_polynomial_s_expectation_as_its_exact_truth(
        base: Circuit, terms: dict) -> None:
    symbols = sympy.symbols(f"s0:{len(base.inputs)}")
    k = len(base.inputs)
    kept = {}
    for m, c in terms.items():
        kept[m[:k]] = kept.get(m[:k], F(0)) + c
    poly = sum((sympy.Rational(c.numerator, c.denominator) * sympy.Mul(*[s**e for s, e in zip(symbols, m)])
                for m, c in kept.items()), sympy.Integer(0))
    c = circuit_of_polynomial(base, poly, {s: i.id for s, i in zip(symbols, base.inputs)})
    assert truth(cone(c, c.output)) == expectation_of(kept, [i.dist for i in base.inputs])


# --------------------------------------------------------------------------- the orbit


def test_averaging_over_the_orbit_equals_averaging_over_the_group_of_block_shuffles() -> None:
    a = Matrix(((F(1), F(1)), (F(-1), F(2))))
    for pi in (NONE, Arguments([RowSums()]), Arguments([ColSums()]), Arguments([RowSums(), ColSums()])):
        cells = blocks(2, pi)
        by_group = []
        flat = [cell for block in cells for cell in block]
        for images in _block_shuffles(cells):
            rows = [[None, None], [None, None]]
            for (i, j), (k, l) in zip(flat, images):
                rows[k][l] = a.entries[i][j]
            by_group.append(permanent(rows) * permanent(rows))  # any function of hA will do
        by_orbit = [permanent(h.entries) * permanent(h.entries) for h in orbit(a, cells)]
        assert len(by_orbit) == orbit_size(a, cells) == len(set(orbit(a, cells)))
        assert sum(by_group, F(0)) / len(by_group) == sum(by_orbit, F(0)) / len(by_orbit)


def _block_shuffles(cells: list) -> list:
    out = [[]]
    for block in cells:
        out = [prefix + list(p) for prefix in out for p in permutations(block)]
    return out


# --------------------------------------------------------------------------- routes, by hand


def test_the_traceable_route_estimates_the_circuit_of_the_traced_inner_estimate_with_the_outer_arguments() -> None:
    # Y = (x*x)*(x*x), x ~ N(0, 1); Pi' reveals x. Covariance propagation: G(Y | Pi') = s^4; the circuit of s^4
    # is ((x*x)*x)*x, whose covariance estimate is 1 (x^2: mean 1, var 2; x^3: mean 0, cov with x 1; x^4:
    # mean 1), while G(Y | Pi) = E[x^2]^2 + Var(x^2) = 3.
    y = Circuit((Input("x", Gaussian(F(0), F(1))),), (Gate("a", "mul", ("x", "x")), Gate("b", "mul", ("a", "a"))), "b")
    case = Case((("Y", y),), (("Pi", NONE), ("Pi'", Arguments([RevealInput("x", F(0))]))))
    out = IteratedEstimation().evaluate(case, Call(CovariancePropagation()))
    assert (out.route, out.lhs, out.rhs, out.violates) == ("traceable", F(1), F(3), True)
    assert "v_x**4" in out.detail
    # the same inner estimate, recomputed by hand: the estimator on the circuit of s^4 with Pi
    s = sympy.Symbol("s")
    fc = circuit_of_polynomial(y, s**4, {s: "x"})
    assert CovariancePropagation().estimate(cone(fc, fc.output), NONE) == F(1)
    # mean propagation evaluates a circuit at the means, so it passes all three on this case
    mean = Call(MeanPropagation())
    for prop in (UnpredictableErrors(), IteratedEstimation(), ErrorOrthogonality(), ErrorOrthogonality(feature="outer")):
        outcome = prop.evaluate(case if prop.needs_pair else Case(case.instances, case.arguments[:1]), mean)
        assert outcome.route == "traceable" and not outcome.violates


def test_error_orthogonality_estimates_the_product_of_the_error_and_the_feature() -> None:
    # (Y - f) * g with f = g = s^4 (inner feature): covariance propagation on that circuit gives 2, not 0
    y = Circuit((Input("x", Rademacher()),), (Gate("a", "mul", ("x", "x")), Gate("b", "mul", ("a", "a"))), "b")
    case = Case((("Y", y),), (("Pi", NONE), ("Pi'", Arguments([RevealInput("x", F(-1))]))))
    out = ErrorOrthogonality().evaluate(case, Call(CovariancePropagation()))
    assert (out.route, out.lhs, out.violates) == ("traceable", F(2), True)


def test_the_objective_route_averages_the_better_informed_estimate_over_the_revealed_values() -> None:
    # a AND a with p = 1/2: mean propagation gives 1/4 unrevealed, and 0 or 1 with a revealed: average 1/2
    c = BooleanCircuit((BitInput("a", F(1, 2)),), (BoolGate("g", "and", ("a", "a")),), "g")
    case = Case((("Y", c),), (("Pi", NONE), ("Pi'", Arguments([RevealBit("a", 0)]))))
    out = IteratedEstimation().evaluate(case, Call(MeanPropagation()))
    assert (out.route, out.lhs, out.rhs) == ("objective", F(1, 2), F(1, 4))
    # on a circuit with a Gaussian input the traced polynomial is averaged with the input's moments
    y = Circuit((Input("x", Gaussian(F(1), F(2))), Input("u", Uniform((F(0), F(3))))),
                (Gate("a", "mul", ("x", "u")), Gate("b", "mul", ("a", "x"))), "b")
    case = Case((("Y", y),), (("Pi", NONE), ("Pi'", Arguments([RevealInput("x", F(1)), RevealInput("u", F(0))]))))
    out = IteratedEstimation(route="objective").evaluate(case, Call(MeanPropagation()))
    assert (out.route, out.lhs, out.rhs) == ("objective", F(3, 2) * 3, F(3, 2))  # E[x^2] E[u] vs mu_x^2 mu_u


def test_an_exact_estimator_passes_the_objective_iterated_estimation_by_the_tower_rule() -> None:
    y = Circuit((Input("x", Bernoulli(F(1, 3))), Input("r", Rademacher())),
                (Gate("a", "mul", ("x", "r")), Gate("b", "mul", ("a", "a"))), "b")
    case = Case((("Y", y),), (("Pi", NONE), ("Pi'", Arguments([RevealInput("r", F(-1))]))))
    out = IteratedEstimation().evaluate(case, Call(Exact()))
    assert out.route == "objective" and not out.violates


# --------------------------------------------------------------------------- applicability


@pytest.mark.parametrize("prop, params, estimator, domain, reason", [
    ("unpredictable-errors", {}, "exact", "circuit", "exact is not traceable"),
    ("error-orthogonality", {}, "sampling", "circuit", "sampling is not traceable"),
    ("unpredictable-errors", {"route": "objective"}, "mean", "circuit", "accuracy"),
    ("iterated-estimation", {"route": "traceable"}, "exact", "circuit", "not traceable"),
    ("iterated-estimation", {"route": "symmetrisation"}, "mean", "circuit", "permanent domain only"),
    ("iterated-estimation", {"route": "objective"}, "perm-row", "permanent", "revealed inputs"),
])
def test_an_estimator_with_no_available_route_is_not_applicable_with_the_reason(
        prop: str, params: dict, estimator: str, domain: str, reason: str) -> None:
    (finding,) = run(estimator, prop, domain, **params)
    assert finding.verdict is Verdict.NOT_APPLICABLE and finding.cases == 0
    assert reason in finding.message


def test_auto_names_the_route_it_picked() -> None:
    assert IteratedEstimation().route(MeanPropagation(), "circuit") == ("traceable", "")
    assert IteratedEstimation().route(Exact(), "circuit") == ("objective", "")
    assert IteratedEstimation().route(MeanPropagation(), "boolean") == ("objective", "")
    assert IteratedEstimation().route(Exact(), "permanent") == ("symmetrisation", "")
    assert UnpredictableErrors().route(Exact(), "circuit")[0] is None


# --------------------------------------------------------------------------- verdicts by search


def test_perm_rowcol_is_found_to_violate_iterated_estimation_by_search() -> None:
    (finding,) = run("perm-rowcol", "iterated-estimation", examples=100, budget=60)
    assert finding.verdict is Verdict.VIOLATED and finding.route == "symmetrisation"
    witness = finding.witness
    assert witness is not None and "Pi'" in witness["arguments"]
    assert abs(finding.observed["lhs"]["value"] - finding.observed["rhs"]["value"]) > 1e-6


@pytest.mark.parametrize("prop", SELF_REFERENCE)
def test_the_symmetrising_estimator_is_never_found_to_violate_a_self_referential_property(prop: str) -> None:
    (finding,) = run("symmetrize", prop, examples=25, budget=20)
    assert finding.verdict is Verdict.NOT_REFUTED and finding.route == "symmetrisation"
    assert finding.cases > 0


@pytest.mark.parametrize("estimator, prop, domain, route", [
    ("perm-row", "iterated-estimation", "permanent", "symmetrisation"),
    ("perm-row", "error-orthogonality", "permanent", "symmetrisation"),
    ("mean", "iterated-estimation", "circuit", "traceable"),
    ("mean", "iterated-estimation", "boolean", "objective"),
    ("cumulant", "error-orthogonality", "circuit", "traceable"),
    ("cumulant", "unpredictable-errors", "circuit", "traceable"),
])
def test_every_verdict_names_the_route_that_decided_it(estimator: str, prop: str, domain: str, route: str) -> None:
    (finding,) = run(estimator, prop, domain, examples=15, budget=10)
    assert finding.verdict in (Verdict.VIOLATED, Verdict.NOT_REFUTED)
    assert finding.route == route
    if finding.verdict is Verdict.VIOLATED:
        assert finding.observed is not None and finding.observed["route"] == route


def test_a_randomised_estimator_gets_a_standard_error_on_orbit_averages() -> None:
    a = Matrix(((F(1), F(2)), (F(-1), F(1))))
    case = Case((("A", a),), (("Pi", Arguments([RowSums()])),))
    from heurcheck.estimators.reference import Sampling

    out = UnpredictableErrors().evaluate(case, Call(Sampling(samples=500, seed=1)))
    assert out.route == "symmetrisation" and out.stderr is not None and out.stderr > 0
    assert math.isfinite(out.ratio)


def test_a_witness_replays_from_its_json_form_to_the_same_outcome() -> None:
    from heurcheck.jsonio import Node

    (finding,) = run("covariance", "iterated-estimation", "circuit", examples=300, budget=600)
    assert finding.verdict is Verdict.VIOLATED
    case = Case.from_json(Node(finding.witness))
    out = IteratedEstimation().evaluate(case, Call(CovariancePropagation()))
    assert out.violates and out.route == "traceable"
    assert {"value": float(out.lhs), "exact": str(out.lhs)} == finding.observed["lhs"]


def test_pi_that_is_not_inside_pi_prime_makes_the_case_inapplicable_not_a_pass() -> None:
    a = Matrix(((F(1), F(2)), (F(-1), F(1))))
    case = Case((("A", a),), (("Pi", Arguments([RowSums()])), ("Pi'", Arguments([ColSums()]))))
    out = IteratedEstimation().evaluate(case, Call(CumulantPropagation()))
    assert not out.applicable and not out.violates
