"""Mean, covariance and cumulant propagation: exact where theory says so, steered by arguments, traceable."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from heurcheck.arguments import Arguments
from heurcheck.domains import parse_atom
from heurcheck.domains.circuit import (
    Circuit,
    Gate,
    Gaussian,
    Input,
    Rademacher,
    circuits,
    cone,
    layered_circuit,
    polynomial,
    truth,
)
from heurcheck.errors import UnsupportedDomain
from heurcheck.estimators.propagation import (
    CovariancePropagation,
    CumulantEngine,
    CumulantPropagation,
    MeanPropagation,
    Plan,
    propagate,
)
from heurcheck.numbers import FRACTION

NONE = Arguments()


def engine(c: Circuit, order: int | None) -> F:
    c = cone(c, c.output)
    return CumulantEngine(c, Plan(order, frozenset(), {}), FRACTION).kappa((c.wire_index(c.output),))


def degree(c: Circuit) -> int:
    return max((sum(m) for m, coef in polynomial(c).items() if coef != 0), default=0)


any_circuit = circuits(max_inputs=3, max_gates=8) | circuits(max_inputs=3, max_gates=6, joint=True)


def mean_by_wire_id(c: Circuit) -> object:
    """Mean propagation as it was written before the circuit's wiring: a dict of means by wire id."""
    c = cone(c, c.output)
    mean = {i.id: (i.dist.mean if isinstance(i.dist, Gaussian) else 0) for i in c.inputs}
    for g in c.gates:
        a = [mean[w] for w in g.args]
        mean[g.id] = {"add": lambda: a[0] + a[1], "mul": lambda: a[0] * a[1], "neg": lambda: -a[0],
                      "scale": lambda: g.value * a[0], "const": lambda: g.value}[g.op]()
    return mean[c.output]


@pytest.mark.parametrize("numbers", [float, F])
def test_mean_propagation_on_the_wiring_equals_the_pass_by_wire_id_to_the_last_bit(numbers: type) -> None:
    gates = 2_000 if numbers is float else 200  # exact products of products grow fast with the depth
    for seed in range(3):
        c = layered_circuit(gates, width=16, seed=seed).map_numbers(numbers)
        middle = c.gates[len(c.gates) // 2].id  # a cone whose output was not the circuit's last wire
        for wired in (c, Circuit(c.inputs, c.gates, middle)):
            got, want = propagate(wired, NONE, 1), mean_by_wire_id(wired)
            assert type(got) is type(want) and got == want


@settings(max_examples=200, deadline=None)
@given(any_circuit)
def test_forward_mean_and_covariance_passes_equal_the_cumulant_engine_at_orders_one_and_two(c: Circuit) -> None:
    assert propagate(c, NONE, 1) == engine(c, 1)
    assert propagate(c, NONE, 2) == engine(c, 2)


@settings(max_examples=200, deadline=None)
@given(any_circuit, st.integers(0, 3))
def test_cumulant_propagation_at_order_at_least_the_degree_is_exact(c: Circuit, extra: int) -> None:
    assert propagate(c, NONE, max(1, degree(c) + extra)) == truth(c)
    assert propagate(c, NONE, None) == truth(c)


@settings(max_examples=150, deadline=None)
@given(circuits(max_inputs=3, max_gates=8, dists=("gaussian",)) | circuits(max_inputs=3, max_gates=8, joint=True))
def test_covariance_propagation_is_exact_on_degree_two_circuits_of_gaussian_inputs(c: Circuit) -> None:
    assume(degree(c) <= 2)
    assert CovariancePropagation().estimate(c, NONE) == truth(c)


def test_mean_propagation_presumes_independence_of_a_square() -> None:
    x = Input("x", Gaussian(F(0), F(1)))
    c = Circuit((x,), (Gate("sq", "mul", ("x", "x")),), "sq")
    assert MeanPropagation().estimate(c, NONE) == 0
    assert CovariancePropagation().estimate(c, NONE) == 1


def square_of_a_cube() -> Circuit:
    """Y = (x^3 - 1)^2 with x Rademacher-free Gaussian: truncation at order 3 leaves an odd gap."""
    x = Input("x", Gaussian(F(1, 2), F(1)))
    gates = (Gate("x2", "mul", ("x", "x")), Gate("x3", "mul", ("x2", "x")), Gate("m", "const", (), F(-1)),
             Gate("d", "add", ("x3", "m")), Gate("y", "mul", ("d", "d")))
    return Circuit((x,), gates, "y")


def test_keeping_one_cross_cumulant_changes_the_estimate_where_it_should() -> None:
    x, y = Input("x", Gaussian(F(1, 2), F(1))), Input("y", Gaussian(F(-1), F(1, 2)))
    gates = (Gate("s", "add", ("x", "y")), Gate("t", "mul", ("s", "x")), Gate("sq", "mul", ("t", "t")))
    c = Circuit((x, y), gates, "sq")
    plain = MeanPropagation().estimate(c, NONE)
    kept = MeanPropagation().estimate(c, Arguments([parse_atom("circuit", "keep:s,x")]))
    assert (plain, kept) == (F(1, 16), F(9, 16))  # kappa(t) moves from mu_s mu_x to mu_s mu_x + cov(s, x)
    # keeping a cumulant between wires that never meet in a product changes nothing
    assert MeanPropagation().estimate(c, Arguments([parse_atom("circuit", "keep:x,y")])) == plain


def test_an_order_argument_raises_the_order_of_every_estimator() -> None:
    c = square_of_a_cube()
    order4 = Arguments([parse_atom("circuit", "order:4")])
    assert MeanPropagation().estimate(c, order4) == CumulantPropagation(order=4).estimate(c, NONE)
    assert CumulantPropagation(order=2).estimate(c, order4) == CumulantPropagation(order=4).estimate(c, NONE)
    assert CumulantPropagation(order=2).estimate(c, NONE) != CumulantPropagation(order=4).estimate(c, NONE)


def test_a_revealed_input_is_used_as_its_value() -> None:
    c = square_of_a_cube()
    revealed = Arguments([parse_atom("circuit", "reveal:x=2")])
    assert CumulantPropagation(order=1).estimate(c, revealed) == (2**3 - 1) ** 2


def test_a_proved_constant_wire_is_used_as_its_value() -> None:
    x = Input("x", Rademacher())
    gates = (Gate("n", "neg", ("x",)), Gate("z", "add", ("x", "n")), Gate("o", "const", (), F(1)),
             Gate("w", "add", ("z", "o")), Gate("y", "mul", ("w", "x")), Gate("y2", "mul", ("y", "y")))
    c = Circuit((x,), gates, "y2")
    proof = Arguments([parse_atom("circuit", "equal:z=0")])
    proof.check(c)
    assert MeanPropagation().estimate(c, NONE) == 0
    assert CovariancePropagation().estimate(c, proof) == 1 == truth(c)


def test_the_cumulant_estimator_gives_sympy_and_z3_expressions_on_symbolic_parameters() -> None:
    import sympy
    import z3

    c = square_of_a_cube()
    exact = CumulantPropagation(order=3).estimate(c, NONE)
    m, v = sympy.symbols("m v")
    symbolic = CumulantPropagation(order=3).estimate(
        c.map_numbers(lambda q: {F(1, 2): m, F(1): v}.get(q, sympy.Rational(q.numerator, q.denominator))), NONE
    )
    # the constant -1 and the variance 1 share a value; substitute back and compare
    assert sympy.nsimplify(symbolic.subs({m: sympy.Rational(1, 2), v: 1})) == sympy.Rational(exact.numerator, exact.denominator)
    assert symbolic.free_symbols == {m, v}
    term = CumulantPropagation(order=3).estimate(c.map_numbers(lambda q: z3.RealVal(str(q))), NONE)
    assert isinstance(term, z3.ArithRef)
    assert z3.simplify(term).as_fraction() == exact


def test_float_and_exact_runs_agree() -> None:
    c = layered_circuit(120, width=8, seed=3)  # exact rationals grow with multiplicative depth
    for order in (1, 2, 3):
        exact = propagate(c, NONE, order)
        assert propagate(c.map_numbers(float), NONE, order) == pytest.approx(float(exact), rel=1e-9, abs=1e-12)


def test_imputation_outside_hafnians_is_refused_with_a_clear_error() -> None:
    with pytest.raises(UnsupportedDomain, match="hafnian"):
        CumulantPropagation(order=2, imputation=True).estimate(square_of_a_cube(), NONE)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_on_hafnians_and_permanents_full_order_is_exact_and_order_one_presumes_independence(data) -> None:
    from heurcheck.domains.permanent import covariances, hafnian, matrices, permanent

    cov = data.draw(covariances(max_n=6))
    mat = data.draw(matrices(max_n=3, entries="small-int"))
    assert CumulantPropagation(order="inf").estimate(cov, NONE) == hafnian(cov.matrix)
    assert CumulantPropagation(order="inf").estimate(mat, NONE) == permanent(mat.entries)
    if cov.n >= 2:
        assert MeanPropagation().estimate(cov, NONE) == 0


def test_covariance_propagation_on_a_four_variable_product_tree_is_exact() -> None:
    from heurcheck.domains.permanent import Covariance, hafnian

    sigma = tuple(tuple(F(v) for v in row) for row in [[2, 1, 0, 1], [1, 2, 1, 0], [0, 1, 2, 1], [1, 0, 1, 2]])
    c = Covariance(sigma)
    # the tree ((z1 z2)(z3 z4)) expands both pairs at once: every pairing is a block of order 2
    assert CovariancePropagation().estimate(c, NONE) == hafnian(sigma) == 1 * 1 + 0 * 0 + 1 * 1


@settings(max_examples=150, deadline=None)
@given(circuits(max_inputs=2, max_gates=6) | circuits(max_inputs=2, max_gates=5, joint=True), st.integers(1, 4))
def test_the_engine_equals_the_literal_leonov_shiryaev_partition_sum_at_every_order(c: Circuit, order: int) -> None:
    from oracle import reference_estimate

    assert propagate(c, NONE, order) == reference_estimate(c, order)
