"""Unit tests for the boolean-circuit domain: file format, exact truth, Monte Carlo, atoms, arithmetisation."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from heurcheck.arguments import EMPTY, Arguments
from heurcheck.domains import atom_from_json, get_domain, instance_from_json, load_instance, parse_atom
from heurcheck.domains.boolean import (
    DOMAIN,
    BitInput,
    BoolGate,
    BooleanCircuit,
    ProvedConstant,
    RevealBit,
    instances,
    monte_carlo,
    restrict,
    to_circuit,
    truth,
)
from heurcheck.domains.circuit import Bernoulli, Circuit
from heurcheck.errors import InvalidArgument, InvalidInstance, TruthTooExpensive
from heurcheck.jsonio import Node, parse_json

HALF = Fraction(1, 2)
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- independent references


def evaluate_bool(c: BooleanCircuit, x: dict[str, int]) -> int:
    """C(x), one assignment at a time in plain Python."""
    v = dict(x)
    for g in c.gates:
        a = [v[w] for w in g.args]
        v[g.id] = {
            "and": lambda: a[0] & a[1],
            "or": lambda: a[0] | a[1],
            "xor": lambda: a[0] ^ a[1],
            "not": lambda: 1 - a[0],
            "const": lambda: g.value,
        }[g.op]()
    return v[c.output]


def assignments(ids: list[str]) -> list[dict[str, int]]:
    return [dict(zip(ids, bits)) for bits in itertools.product((0, 1), repeat=len(ids))]


def brute_truth(c: BooleanCircuit, fixed: dict[str, int] | None = None) -> Fraction:
    fixed = fixed or {}
    free = [i for i in c.inputs if i.id not in fixed]
    total = Fraction(0)
    for x in assignments([i.id for i in free]):
        weight = Fraction(1)
        for i in free:
            weight *= Fraction(i.p) if x[i.id] else 1 - Fraction(i.p)
        total += weight * evaluate_bool(c, x | fixed)
    return total


def evaluate_arith(c: Circuit, x: dict[str, Any]) -> dict[str, Any]:
    v = dict(x)
    for g in c.gates:
        a = [v[w] for w in g.args]
        v[g.id] = {
            "const": lambda: g.value,
            "add": lambda: a[0] + a[1],
            "mul": lambda: a[0] * a[1],
            "neg": lambda: -a[0],
            "scale": lambda: g.value * a[0],
        }[g.op]()
    return v


def brute_arith_truth(c: Circuit) -> Fraction:
    """E[C(x)] for Bernoulli inputs, by enumeration (the circuit module's truth is written elsewhere)."""
    total = Fraction(0)
    for x in assignments([i.id for i in c.inputs]):
        weight = Fraction(1)
        for i in c.inputs:
            assert isinstance(i.dist, Bernoulli)
            weight *= Fraction(i.dist.p) if x[i.id] else 1 - Fraction(i.dist.p)
        total += weight * evaluate_arith(c, x)[c.output]
    return total


def circuit(inputs: dict[str, Any], gates: list[tuple[Any, ...]], output: str) -> BooleanCircuit:
    return BooleanCircuit(
        tuple(BitInput(k, p) for k, p in inputs.items()),
        tuple(BoolGate(*g) for g in gates),
        output,
    )


XOR_SELF = circuit({"a": HALF}, [("g1", "xor", ("a", "a"))], "g1")


# ---------------------------------------------------------------- JSON


@QUICK
@given(instances(max_inputs=5, max_gates=8, probabilities="rational"))
def test_json_round_trip_is_exact_for_every_generated_instance(c: BooleanCircuit) -> None:
    text = json.dumps(DOMAIN.to_json(c))
    assert DOMAIN.from_json(Node(parse_json(text))) == c
    assert instance_from_json(Node(parse_json(text))) == c


def test_json_p_defaults_to_one_half_and_decimals_are_read_exactly() -> None:
    doc = {"domain": "boolean", "inputs": [{"id": "a"}, {"id": "b", "p": 0.1}], "output": "b"}
    c = DOMAIN.from_json(Node(parse_json(json.dumps(doc))))
    assert c.parameters() == [HALF, Fraction(1, 10)]
    assert c.gates == ()
    assert DOMAIN.to_json(c)["inputs"][1]["p"] == "1/10"


GOOD: dict[str, Any] = {
    "domain": "boolean",
    "inputs": [{"id": "a", "p": "1/3"}, {"id": "b"}],
    "gates": [{"id": "g1", "op": "and", "args": ["a", "b"]}],
    "output": "g1",
}


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(GOOD))
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field", "mentions"),
    [
        (("gates", 0, "op"), "nand", "gates[0].op", "'nand'"),
        (("gates", 0, "args"), ["a", "g2"], "gates[0].args", "'g2'"),
        (("inputs", 0, "p"), 2, "inputs[0].p", "[0, 1]"),
        (("output",), _DELETE, "output", "missing"),
        (("output",), "nowhere", "output", "'nowhere'"),
        (("gates", 0, "args"), ["a"], "gates[0].args", "takes 2 arguments, got 1"),
        (("inputs", 1, "id"), "a", "inputs[1].id", "duplicate wire id 'a'"),
        (("gates", 0, "id"), "b", "gates[0].id", "duplicate wire id 'b'"),
        (("gates", 0, "weight"), 3, "gates[0].weight", "unknown field"),
        (("gates", 0, "value"), 1, "gates[0].value", "takes no value"),
        (("domain",), "circuit", "domain", "boolean"),
    ],
)
def test_a_bad_file_gives_invalid_instance_naming_the_field(
    path: tuple[Any, ...], value: Any, field: str, mentions: str
) -> None:
    with pytest.raises(InvalidInstance) as info:
        DOMAIN.from_json(Node(_with(path, value)))
    assert field in str(info.value)
    assert mentions in str(info.value)


def test_a_const_gate_needs_a_value_of_zero_or_one() -> None:
    doc = _with(("gates",), [{"id": "c", "op": "const", "value": 2}])
    doc["output"] = "c"
    with pytest.raises(InvalidInstance, match=r"gates\[0\]\.value"):
        DOMAIN.from_json(Node(doc))
    with pytest.raises(InvalidInstance, match=r"gates\[0\]\.value: op 'const' needs a value 0 or 1, got None"):
        circuit({}, [("c", "const", ())], "c")


# ---------------------------------------------------------------- the data model


def test_map_numbers_replaces_every_p_and_keeps_the_structure() -> None:
    c = circuit({"a": Fraction(1, 3), "b": HALF}, [("g1", "or", ("a", "b")), ("one", "const", (), 1)], "g1")
    floats = c.map_numbers(float)
    assert floats.parameters() == [1 / 3, 0.5]
    assert floats.gates == c.gates and floats.output == c.output
    assert c.wires == ("a", "b", "g1", "one")
    assert c.has_wire("one") and not c.has_wire("g2")
    assert c.support("g1") == ("a", "b") and c.support("one") == ()


def test_gates_given_as_lists_still_make_a_hashable_circuit() -> None:
    c = BooleanCircuit([BitInput("a")], [BoolGate("g1", "not", ["a"])], "g1")  # type: ignore[arg-type]
    assert hash(c) == hash(circuit({"a": HALF}, [("g1", "not", ("a",))], "g1"))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_generated_instances_respect_their_limits_and_output_the_last_wire(data: st.DataObject) -> None:
    max_inputs, max_gates = data.draw(st.integers(1, 6)), data.draw(st.integers(0, 8))
    c = data.draw(instances(max_inputs=max_inputs, max_gates=max_gates))
    assert 1 <= len(c.inputs) <= max_inputs and len(c.gates) <= max_gates
    assert c.output == c.wires[-1]
    assert all(p == HALF for p in c.parameters())


def test_the_strategy_shrinks_to_the_smallest_circuit_with_the_property() -> None:
    quiet = settings(database=None, max_examples=500, derandomize=True)
    has_xor = find(instances(), lambda c: any(g.op == "xor" for g in c.gates), settings=quiet)
    assert has_xor == XOR_SELF
    quarter = find(instances(), lambda c: truth(c, EMPTY) == Fraction(1, 4), settings=quiet)
    assert quarter == circuit({"a": HALF, "b": HALF}, [("g1", "and", ("a", "b"))], "g1")
    biased = find(
        instances(probabilities="rational"), lambda c: c.parameters()[0] != HALF, settings=quiet
    )
    assert len(biased.inputs) == 1 and biased.gates == ()


# ---------------------------------------------------------------- exact truth


@QUICK
@given(instances(max_inputs=5, max_gates=8, probabilities="rational"))
def test_exact_truth_equals_brute_force_enumeration_with_fractions(c: BooleanCircuit) -> None:
    value = truth(c, EMPTY)
    assert isinstance(value, Fraction)
    assert value == brute_truth(c)
    assert DOMAIN.truth(c, EMPTY) == value


def test_truth_with_rational_probabilities_is_an_exact_fraction() -> None:
    c = circuit(
        {"a": Fraction(1, 3), "b": Fraction(2, 7), "c": Fraction(5, 11)},
        [("g1", "and", ("a", "b")), ("g2", "xor", ("g1", "c"))],
        "g2",
    )
    pab = Fraction(1, 3) * Fraction(2, 7)
    expected = pab * (1 - Fraction(5, 11)) + (1 - pab) * Fraction(5, 11)
    assert truth(c, EMPTY) == expected
    assert type(truth(c, EMPTY)) is Fraction


def test_float_probabilities_are_read_exactly() -> None:
    c = circuit({"a": 0.1, "b": 0.3}, [("g1", "and", ("a", "b"))], "g1")
    assert truth(c, EMPTY) == Fraction(0.1) * Fraction(0.3)


def test_truth_of_twenty_inputs_is_exact() -> None:
    ps = {f"x{i}": Fraction(i + 1, 23) for i in range(20)}
    gates: list[tuple[Any, ...]] = [("p1", "xor", ("x0", "x1")), ("q1", "and", ("x0", "x1"))]
    for i in range(2, 20):
        gates += [(f"p{i}", "xor", (f"p{i - 1}", f"x{i}")), (f"q{i}", "and", (f"q{i - 1}", f"x{i}"))]
    gates.append(("out", "or", ("p19", "q19")))
    parity_one = (1 - _prod(1 - 2 * p for p in ps.values())) / 2
    all_one = _prod(ps.values())
    # Pr[parity or all ones]: all ones has even parity with 20 inputs, so the events are disjoint.
    expected = parity_one + all_one
    assert truth(circuit(ps, gates, "out"), EMPTY) == expected
    assert truth(circuit(ps, gates, "p19"), EMPTY) == parity_one


def _prod(values: Any) -> Fraction:
    out = Fraction(1)
    for v in values:
        out *= v
    return out


def test_truth_past_the_limit_raises_but_unused_inputs_do_not_count() -> None:
    wide = {f"x{i}": HALF for i in range(30)}
    chain: list[tuple[Any, ...]] = [("o0", "or", ("x0", "x1"))]
    chain += [(f"o{i}", "or", (f"o{i - 1}", f"x{i + 1}")) for i in range(1, 29)]
    with pytest.raises(TruthTooExpensive, match="2\\*\\*30"):
        truth(circuit(wide, chain, "o28"), EMPTY)
    assert truth(circuit(wide, chain, "o0"), EMPTY) == Fraction(3, 4)
    reveal = Arguments(RevealBit(f"x{i}", 0) for i in range(10))
    assert truth(circuit(wide, chain, "o28"), reveal) == 1 - Fraction(1, 2**20)


def test_truth_of_a_circuit_with_no_free_inputs_is_zero_or_one() -> None:
    c = circuit({"a": HALF}, [("one", "const", (), 1), ("g1", "and", ("a", "one"))], "g1")
    assert truth(c, Arguments([RevealBit("a", 1)])) == 1
    assert truth(c, Arguments([RevealBit("a", 0)])) == 0
    assert truth(circuit({}, [("z", "const", (), 0)], "z"), EMPTY) == 0


# ---------------------------------------------------------------- revealed bits


@QUICK
@given(instances(max_inputs=4, max_gates=7, probabilities="rational"), st.data())
def test_revealed_bits_condition_the_truth(c: BooleanCircuit, data: st.DataObject) -> None:
    inp = data.draw(st.sampled_from(c.inputs))
    given0 = truth(c, Arguments([RevealBit(inp.id, 0)]))
    given1 = truth(c, Arguments([RevealBit(inp.id, 1)]))
    assert inp.p * given1 + (1 - inp.p) * given0 == truth(c, EMPTY)
    assert given1 == brute_truth(c, {inp.id: 1})
    assert given1 == truth(restrict(c, inp.id, 1), EMPTY)


def test_contradictory_or_unknown_reveals_are_refused() -> None:
    c = circuit({"a": HALF, "b": HALF}, [("g1", "and", ("a", "b"))], "g1")
    with pytest.raises(InvalidArgument, match="contradict"):
        truth(c, Arguments([RevealBit("a", 0), RevealBit("a", 1)]))
    with pytest.raises(InvalidArgument, match="'g1' is not an input"):
        truth(c, Arguments([RevealBit("g1", 0)]))
    with pytest.raises(InvalidArgument, match="'z' is not an input"):
        restrict(c, "z", 1)


def test_restrict_turns_the_input_into_a_const_gate_with_the_same_id() -> None:
    c = circuit({"a": HALF, "b": Fraction(1, 3)}, [("g1", "or", ("a", "b"))], "g1")
    r = restrict(c, "a", 0)
    assert [i.id for i in r.inputs] == ["b"]
    assert r.gates[0] == BoolGate("a", "const", (), 0)
    assert set(r.wires) == set(c.wires)
    assert truth(r, EMPTY) == Fraction(1, 3)


# ---------------------------------------------------------------- Monte Carlo


@settings(max_examples=40, deadline=None, derandomize=True)
@given(instances(max_inputs=4, max_gates=7))
def test_truth_matches_monte_carlo_within_five_standard_errors(c: BooleanCircuit) -> None:
    mc = monte_carlo(c, EMPTY, 4000, seed=7)
    assert abs(mc.mean - float(truth(c, EMPTY))) <= 5 * mc.stderr + 1e-12
    assert (mc.samples, mc.seed) == (4000, 7)


def test_monte_carlo_is_reproducible_and_respects_reveals() -> None:
    c = circuit({"a": Fraction(1, 5), "b": Fraction(2, 3)}, [("g1", "xor", ("a", "b"))], "g1")
    assert DOMAIN.monte_carlo(c, EMPTY, 1000, 3) == monte_carlo(c, EMPTY, 1000, 3)
    mc = monte_carlo(c, Arguments([RevealBit("a", 1)]), 20000, 3)
    assert abs(mc.mean - 1 / 3) <= 5 * mc.stderr
    assert monte_carlo(XOR_SELF, EMPTY, 100, 0).mean == 0.0


# ---------------------------------------------------------------- atoms


def test_a_true_constant_certificate_is_accepted() -> None:
    ProvedConstant("g1", 0).check(XOR_SELF)
    gates = [("n", "not", ("a",)), ("g2", "or", ("a", "n")), ("g3", "and", ("g2", "b"))]
    c = circuit({"a": HALF, "b": HALF}, gates, "g3")
    ProvedConstant("g2", 1).check(c)
    Arguments([ProvedConstant("g2", 1), RevealBit("b", 0)]).check(c)


def test_a_false_constant_certificate_is_rejected_with_a_witness() -> None:
    c = circuit({"a": HALF, "b": HALF}, [("g1", "xor", ("a", "b")), ("g3", "or", ("g1", "b"))], "g3")
    with pytest.raises(InvalidArgument) as info:
        ProvedConstant("g3", 0).check(c)
    assert str(info.value) == "constant:g3=0 does not hold: g3 is 1 when a=1, b=0"
    with pytest.raises(InvalidArgument, match="constant:g1=1 does not hold: g1 is 0 when a=0$"):
        ProvedConstant("g1", 1).check(XOR_SELF)
    with pytest.raises(InvalidArgument, match="constant:z=1 does not hold: z is 0 on every input"):
        ProvedConstant("z", 1).check(circuit({}, [("z", "const", (), 0)], "z"))
    with pytest.raises(InvalidArgument, match="not a wire"):
        ProvedConstant("g9", 0).check(c)


def test_a_constant_certificate_over_too_many_inputs_cannot_be_checked() -> None:
    ps = {f"x{i}": HALF for i in range(21)}
    gates: list[tuple[Any, ...]] = [("o1", "or", ("x0", "x1"))]
    gates += [(f"o{i}", "or", (f"o{i - 1}", f"x{i}")) for i in range(2, 21)]
    with pytest.raises(InvalidArgument, match="depends on 21 inputs, more than the limit of 20"):
        ProvedConstant("o20", 1).check(circuit(ps, gates, "o20"))
    # Twenty inputs is within the limit: the certificate is checked, and found false.
    with pytest.raises(InvalidArgument, match="o19 is 0 when x0=0, x1=0, .*, x19=0$"):
        ProvedConstant("o19", 1).check(circuit(ps, gates, "o20"))


@pytest.mark.parametrize(
    "atom", [RevealBit("a", 1), RevealBit("x=y", 0), ProvedConstant("g3", 0), ProvedConstant("g.ab", 1)]
)
def test_atom_text_and_json_round_trip(atom: Any) -> None:
    assert type(atom).from_text(atom.text().partition(":")[2]) == atom
    assert parse_atom("boolean", atom.text()) == atom
    assert atom_from_json("boolean", Node(json.loads(json.dumps(atom.to_json())))) == atom
    assert atom.domain == "boolean" and atom.to_json()["kind"] == atom.kind


@pytest.mark.parametrize("text", ["reveal:a", "reveal:a=2", "reveal:=1", "constant:g1=yes"])
def test_malformed_atom_text_is_refused(text: str) -> None:
    with pytest.raises(InvalidArgument, match="expected"):
        parse_atom("boolean", text)


def test_atom_json_with_unknown_fields_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="unknown field"):
        atom_from_json("boolean", Node({"kind": "reveal", "input": "a", "value": 1, "why": "x"}))


# ---------------------------------------------------------------- arithmetisation


@QUICK
@given(instances(max_inputs=4, max_gates=7, probabilities="rational"))
def test_to_circuit_preserves_ids_and_gives_the_same_exact_truth(c: BooleanCircuit) -> None:
    arith = to_circuit(c)
    assert set(c.wires) <= set(arith.wires)
    assert arith.output == c.output
    assert [i.id for i in arith.inputs] == [i.id for i in c.inputs]
    assert brute_arith_truth(arith) == truth(c, EMPTY)
    # Every shared wire computes the same 0/1 value on every assignment.
    for x in assignments([i.id for i in c.inputs]):
        values = evaluate_arith(arith, x)
        for wire in c.wires:
            assert values[wire] == evaluate_bool(BooleanCircuit(c.inputs, c.gates, wire), x)


@QUICK
@given(instances(max_inputs=4, max_gates=7, probabilities="rational"), st.data())
def test_to_circuit_with_reveals_matches_the_conditioned_truth(c: BooleanCircuit, data: st.DataObject) -> None:
    inp = data.draw(st.sampled_from(c.inputs))
    reveal = Arguments([RevealBit(inp.id, data.draw(st.integers(0, 1)))])
    arith = DOMAIN.to_circuit(c, reveal)
    assert arith.has_wire(inp.id) and arith.gate(inp.id) is not None
    assert brute_arith_truth(arith) == truth(c, reveal)


@QUICK
@given(instances(max_inputs=4, max_gates=7, probabilities="rational"))
def test_mean_propagation_on_the_arithmetisation_is_boolean_mean_propagation(c: BooleanCircuit) -> None:
    arith = to_circuit(c)
    mu: dict[str, Any] = {i.id: i.dist.p for i in arith.inputs}  # type: ignore[union-attr]
    mu = evaluate_arith(arith, mu)  # evaluating on means is mean propagation: it ignores correlations
    p: dict[str, Any] = {i.id: i.p for i in c.inputs}
    for g in c.gates:
        a = [p[w] for w in g.args]
        p[g.id] = {
            "and": lambda: a[0] * a[1],
            "or": lambda: 1 - (1 - a[0]) * (1 - a[1]),
            "not": lambda: 1 - a[0],
            "xor": lambda: a[0] * (1 - a[1]) + (1 - a[0]) * a[1],
            "const": lambda: g.value,
        }[g.op]()
        assert mu[g.id] == p[g.id]


def test_auxiliary_wire_names_never_clash_with_existing_ids() -> None:
    gates = [("g1", "or", ("a", "g1.ab")), ("g1.sum", "not", ("g1",))]
    c = circuit({"a": HALF, "g1.ab": HALF}, gates, "g1.sum")
    arith = to_circuit(c)
    assert len(set(arith.wires)) == len(arith.wires)
    assert brute_arith_truth(arith) == truth(c, EMPTY) == Fraction(1, 4)


# ---------------------------------------------------------------- the domain object


def test_the_domain_is_registered_under_its_name() -> None:
    assert get_domain("boolean") is DOMAIN
    assert DOMAIN.name == "boolean" and DOMAIN.instance_type is BooleanCircuit
    assert DOMAIN.atom_types == (RevealBit, ProvedConstant)
    assert BooleanCircuit.domain == "boolean"


@pytest.mark.parametrize(
    ("name", "expected"), [("fanout", Fraction(1, 2)), ("majority", Fraction(11, 24)), ("xor-self", 0)]
)
def test_the_example_files_load_and_have_their_documented_truth(name: str, expected: Fraction) -> None:
    c = load_instance(Path(__file__).parents[1] / "examples" / "instances" / f"boolean-{name}.json")
    assert truth(c, EMPTY) == expected == brute_truth(c)


def test_truth_with_symbolic_probabilities_is_the_polynomial_in_them() -> None:
    import sympy

    p = sympy.Symbol("p")
    c = circuit({"a": p, "b": Fraction(1, 3)}, [("g1", "or", ("a", "b"))], "g1")
    assert sympy.expand(truth(c, EMPTY) - (2 * p / 3 + sympy.Rational(1, 3))) == 0
