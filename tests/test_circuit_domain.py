"""The circuit domain: file format, exact truth, Monte Carlo, strategies and argument atoms."""

from __future__ import annotations

import json
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heurcheck.arguments import Arguments
from heurcheck.domains import get_domain, instance_from_json, load_instance, parse_atom
from heurcheck.domains.circuit import (
    Bernoulli,
    Circuit,
    Gate,
    Gaussian,
    Input,
    JointGaussian,
    Rademacher,
    Uniform,
    circuits,
    polynomial,
    truth,
    truth_by_enumeration,
)
from heurcheck.errors import InvalidArgument, InvalidInstance, TruthTooExpensive
from heurcheck.jsonio import Node

DOMAIN = get_domain("circuit")


def circuit(gates: list[tuple], *inputs: Input, joint: JointGaussian | None = None, output: str | None = None) -> Circuit:
    gs = tuple(Gate(g[0], g[1], tuple(g[2]), g[3] if len(g) > 3 else None) for g in gates)
    return Circuit(tuple(inputs), gs, output or gs[-1].id, joint)


@settings(max_examples=150, deadline=None)
@given(circuits(max_inputs=3, max_gates=8) | circuits(max_inputs=3, max_gates=6, joint=True))
def test_json_form_round_trips(c: Circuit) -> None:
    text = json.dumps(DOMAIN.to_json(c))
    from heurcheck.jsonio import parse_json

    assert instance_from_json(Node(parse_json(text))) == c


def test_gaussian_moments_give_the_known_fourth_moment() -> None:
    x = Input("x", Gaussian(F(1), F(2)))
    c = circuit([("a", "mul", ["x", "x"]), ("b", "mul", ["a", "a"])], x)
    # E[x^4] = mu^4 + 6 mu^2 s^2 + 3 s^4 with s^2 = 2
    assert truth(c) == 1 + 6 * 2 + 3 * 4


def test_isserlis_gives_the_covariance_of_two_correlated_gaussians() -> None:
    law = JointGaussian((F(0), F(0)), ((F(2), F(1, 3)), (F(1, 3), F(1))))
    c = circuit([("p", "mul", ["x", "y"]), ("q", "mul", ["p", "p"])], Input("x"), Input("y"), joint=law)
    # E[x^2 y^2] = s_xx s_yy + 2 s_xy^2
    assert truth(c) == 2 * 1 + 2 * F(1, 9)


@settings(max_examples=100, deadline=None)
@given(circuits(max_inputs=3, max_gates=7, dists=("rademacher", "bernoulli", "uniform")))
def test_expansion_and_enumeration_agree_on_finite_supports(c: Circuit) -> None:
    assert truth(c) == truth_by_enumeration(c)


@settings(max_examples=40, deadline=None)
@given(circuits(max_inputs=3, max_gates=6) | circuits(max_inputs=2, max_gates=5, joint=True), st.integers(0, 2**20))
def test_exact_truth_is_within_five_standard_errors_of_monte_carlo(c: Circuit, seed: int) -> None:
    mc = DOMAIN.monte_carlo(c, Arguments(), 20_000, seed)
    exact = float(truth(c))
    assert abs(mc.mean - exact) <= 5 * mc.stderr + 1e-9 * max(1.0, abs(exact))


def test_revealing_an_input_conditions_the_truth() -> None:
    c = circuit([("p", "mul", ["b", "x"])], Input("b", Bernoulli(F(1, 3))), Input("x", Gaussian(F(2), F(1))))
    given_one = DOMAIN.truth(c, Arguments([parse_atom("circuit", "reveal:b=1")]))
    given_zero = DOMAIN.truth(c, Arguments([parse_atom("circuit", "reveal:b=0")]))
    assert (given_one, given_zero) == (2, 0)
    assert F(1, 3) * given_one + F(2, 3) * given_zero == truth(c)


def test_revealing_a_correlated_gaussian_shifts_the_other_mean() -> None:
    law = JointGaussian((F(0), F(0)), ((F(1), F(1, 2)), (F(1, 2), F(1))))
    c = circuit([("s", "scale", ["y"], F(1))], Input("x"), Input("y"), joint=law)
    assert DOMAIN.truth(c, Arguments([parse_atom("circuit", "reveal:x=2")])) == 1


def test_exact_truth_stops_with_a_clear_error_past_its_size_limit() -> None:
    inputs = [Input(f"x{i}", Gaussian(F(0), F(1))) for i in range(12)]
    gates = [("s0", "add", ["x0", "x1"])]
    for i in range(2, 12):
        gates.append((f"s{i - 1}", "add", [f"s{i - 2}", f"x{i}"]))
    gates += [("p1", "mul", ["s10", "s10"]), ("p2", "mul", ["p1", "p1"]), ("p3", "mul", ["p2", "p2"]),
              ("p4", "mul", ["p3", "p3"])]
    with pytest.raises(TruthTooExpensive, match="limit"):
        polynomial(circuit(gates, *inputs))


BAD_FILES = [
    ({"inputs": [], "gates": [], "output": "x"}, "domain"),
    ({"domain": "circuit", "inputs": [{"id": "x", "dist": "gaussian", "mean": 0, "var": -1}], "gates": [],
      "output": "x"}, "var"),
    ({"domain": "circuit", "inputs": [{"id": "x", "dist": "bernoulli", "p": "3/2"}], "gates": [], "output": "x"}, "p"),
    ({"domain": "circuit", "inputs": [{"id": "x", "dist": "poisson"}], "gates": [], "output": "x"}, "dist"),
    ({"domain": "circuit", "inputs": [{"id": "x", "dist": "rademacher"}],
      "gates": [{"id": "g", "op": "mul", "args": ["x", "h"]}], "output": "g"}, "gates[0].args"),
    ({"domain": "circuit", "inputs": [{"id": "x", "dist": "rademacher"}],
      "gates": [{"id": "g", "op": "pow", "args": ["x"]}], "output": "g"}, "op"),
    ({"domain": "circuit", "inputs": [{"id": "x", "dist": "rademacher"}],
      "gates": [{"id": "g", "op": "add", "args": ["x"]}], "output": "g"}, "takes 2 arguments"),
    ({"domain": "circuit", "inputs": [{"id": "x", "dist": "rademacher"}, {"id": "x", "dist": "rademacher"}],
      "gates": [], "output": "x"}, "duplicate"),
    ({"domain": "circuit", "inputs": [{"id": "x", "dist": "rademacher"}], "gates": [], "output": "y"}, "output"),
    ({"domain": "circuit", "inputs": [{"id": "x", "dist": "gaussian", "mean": "abc", "var": 1}], "gates": [],
      "output": "x"}, "mean"),
    ({"domain": "circuit", "inputs": [{"id": "x"}, {"id": "y"}],
      "joint_gaussian": {"mean": [0, 0], "cov": [[1, 2], [2, 1]]}, "gates": [], "output": "x"},
     "positive semidefinite"),
    ({"domain": "circuit", "inputs": [{"id": "x"}, {"id": "y"}],
      "joint_gaussian": {"mean": [0, 0], "cov": [[1, 0], [1, 1]]}, "gates": [], "output": "x"}, "symmetric"),
    ({"domain": "circuit", "inputs": [{"id": "x", "dist": "rademacher", "colour": "red"}], "gates": [],
      "output": "x"}, "colour"),
]


@pytest.mark.parametrize(("document", "named"), BAD_FILES)
def test_a_bad_file_gives_an_error_naming_the_field(tmp_path, document: dict, named: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(InvalidInstance) as info:
        load_instance(path)
    assert named in str(info.value)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("text", ["{", "[1, 2]", "NaN", '{"domain": "circuit", "inputs": NaN}', ""])
def test_malformed_json_gives_an_instance_error_not_a_traceback(tmp_path, text: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(InvalidInstance):
        load_instance(path)


def test_every_atom_text_round_trips_and_checks() -> None:
    c = circuit([("sq", "mul", ["x", "x"]), ("z", "add", ["sq", "x"])], Input("x", Gaussian(F(0), F(1))))
    for text in ["keep:sq,x", "order:3", "reveal:x=1/2", "nonneg:sq"]:
        atom = parse_atom("circuit", text)
        assert parse_atom("circuit", atom.text()) == atom
        atom.check(c)


def test_a_false_certificate_is_rejected() -> None:
    c = circuit([("sq", "mul", ["x", "x"]), ("z", "add", ["sq", "x"]), ("n", "neg", ["sq"])],
                Input("x", Gaussian(F(0), F(1))))
    with pytest.raises(InvalidArgument, match="does not check"):
        parse_atom("circuit", "nonneg:z").check(c)
    with pytest.raises(InvalidArgument, match="does not check"):
        parse_atom("circuit", "nonneg:n").check(c)
    with pytest.raises(InvalidArgument, match="not identically"):
        parse_atom("circuit", "equal:sq=1").check(c)


def test_an_exact_value_certificate_is_a_polynomial_identity() -> None:
    c = circuit([("n", "neg", ["x"]), ("z", "add", ["x", "n"]), ("o", "add", ["z", "x"])],
                Input("x", Rademacher()))
    parse_atom("circuit", "equal:z=0").check(c)


@pytest.mark.parametrize("text", ["keep:x", "order:0", "order:two", "reveal:x", "reveal:=1", "equal:z=1/0", "nope:1"])
def test_a_malformed_argument_names_what_was_expected(text: str) -> None:
    with pytest.raises(InvalidArgument):
        parse_atom("circuit", text)


def test_an_argument_about_a_missing_wire_is_rejected() -> None:
    c = circuit([("sq", "mul", ["x", "x"])], Input("x", Uniform((F(1), F(2)))))
    with pytest.raises(InvalidArgument, match="not a wire"):
        Arguments([parse_atom("circuit", "keep:sq,y")]).check(c)
    with pytest.raises(InvalidArgument, match="not in the support"):
        Arguments([parse_atom("circuit", "reveal:x=3")]).check(c)


def test_arguments_are_a_set() -> None:
    a, b = parse_atom("circuit", "order:2"), parse_atom("circuit", "keep:x,y")
    assert Arguments([a, b, a]) == Arguments([b, a])
    assert len(Arguments([a, b, a])) == 2


def test_a_cone_is_the_circuit_that_validation_would_build_and_the_whole_circuit_when_nothing_is_cut() -> None:
    from heurcheck.domains.circuit import Circuit, cone, layered_circuit

    for c in (layered_circuit(300, width=8, seed=3), layered_circuit(40, width=4, seed=3)):  # numpy / loop
        for wire in (c.output, c.gates[len(c.gates) // 2].id, c.gates[0].id, c.inputs[0].id):
            cut = cone(c, wire)
            rebuilt = Circuit(cut.inputs, cut.gates, cut.output, cut.joint)
            assert cut == rebuilt
            assert cut.wiring == rebuilt.wiring  # the carried-over op codes and argument positions
            assert [cut.wire_index(w) for w in cut.wires] == [rebuilt.wire_index(w) for w in rebuilt.wires]
    whole = cone(c, c.output)
    assert cone(whole, whole.output) is whole


def test_the_wiring_lists_each_gates_op_code_argument_positions_and_value() -> None:
    from heurcheck.domains.circuit import ADD, MUL, NEG, SCALE, Circuit, Gate, Input, Rademacher
    from heurcheck.domains.circuit.model import CONST

    x, y = Input("x", Rademacher()), Input("y", Rademacher())
    gates = (Gate("s", "add", ("x", "y")), Gate("n", "neg", ("s",)), Gate("k", "const", (), F(2)),
             Gate("t", "scale", ("n",), F(1, 2)), Gate("p", "mul", ("t", "x")))
    w = Circuit((x, y), gates, "p").wiring
    assert bytes(w.codes) == bytes([ADD, NEG, CONST, SCALE, MUL])
    assert list(w.left) == [0, 2, 4, 3, 5]  # a const gate points at itself, so walks need no arity test
    assert list(w.right) == [1, 2, 4, 3, 0]  # a one-argument gate repeats its argument
    assert w.values == (None, None, F(2), F(1, 2), None)


def test_argument_strategies_are_built_once_per_circuit_shape_and_tell_number_types_apart() -> None:
    from fractions import Fraction as Q

    from heurcheck.domains.circuit.model import Bernoulli, Circuit, Gate, Input
    from heurcheck.domains.circuit.strategies import circuit_arguments, reveal_values

    def one(p: object) -> Circuit:
        return Circuit((Input("x0", Bernoulli(p)),), (Gate("g0", "mul", ("x0", "x0")),), "g0")

    assert circuit_arguments(one(Q(1, 2))) is circuit_arguments(one(Q(1, 2)))  # validated by Hypothesis once
    assert reveal_values(one(Q(1, 2)), "x0") is not reveal_values(one(0.5), "x0")  # equal, not the same law


# ---- circuits and atoms drawn as byte codes (heurcheck.domains.codes): shrinking and the drawn distribution

def _smallest(strategy, condition):
    from hypothesis import find
    from hypothesis import settings as hsettings

    return find(strategy, condition, settings=hsettings(database=None, derandomize=True, max_examples=2000))


def test_a_circuit_with_a_product_shrinks_to_one_rademacher_input_squared() -> None:
    c = _smallest(circuits(), lambda c: any(g.op == "mul" for g in c.gates))
    assert c.inputs == (Input("x0", Rademacher()),) and c.gates == (Gate("g0", "mul", ("x0", "x0")),)


def test_a_negative_scale_shrinks_to_minus_one_and_a_gaussian_input_to_the_standard_one() -> None:
    c = _smallest(circuits(), lambda c: any(g.op == "scale" and g.value < 0 for g in c.gates))
    assert c.gates == (Gate("g0", "scale", ("x0",), F(-1)),) and len(c.inputs) == 1
    c = _smallest(circuits(), lambda c: any(isinstance(i.dist, Gaussian) and i.dist.var != 0 for i in c.inputs))
    assert c.inputs == (Input("x0", Gaussian(F(0), F(1))),) and c.gates == ()


def test_every_op_and_law_is_drawn_about_equally_often() -> None:
    """The op and the law kind are read from one byte of a code each (its value modulo the number of
    choices); a code that Hypothesis's mutator copied from a code of another size would be all zeros and
    make the first op and law far more frequent (a quarter of the gates, when they differed in size)."""
    from collections import Counter

    ops: Counter[str] = Counter()
    laws: Counter[str] = Counter()

    @settings(max_examples=1000, deadline=None, database=None, derandomize=True)
    @given(circuits(max_inputs=3, max_gates=6))
    def draw(c: Circuit) -> None:
        ops.update(g.op for g in c.gates)
        laws.update(i.dist.kind for i in c.inputs)

    draw()
    for counts, kinds in ((ops, 5), (laws, 4)):
        total = sum(counts.values())
        assert len(counts) == kinds and all(0.6 / kinds < n / total < 1.4 / kinds for n in counts.values()), counts


def test_set_semantics_orders_come_from_a_shuffle_that_shrinks_to_the_identity_and_reaches_every_order() -> None:
    from itertools import product

    from heurcheck.properties.set_semantics import _shuffle

    assert _shuffle(bytes(5), 3) == [0, 1, 2]  # no swap, no repeat
    orders = {tuple(_shuffle(bytes([0, 0, 0, a, b]), 3)) for a, b in product(range(4), repeat=2)}
    assert orders == {(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 1, 0), (2, 0, 1)}
    assert _shuffle(bytes([1, 2, 3, 0, 0]), 3) == [0, 1, 2, 1, 2]  # code[2] % 4 == 3: two repeats
