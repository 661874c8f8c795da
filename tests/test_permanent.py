"""Permanents and hafnians: exact truths agree, files are checked, estimators read their facts and trace."""

from __future__ import annotations

import functools
import itertools
import json
import math
import random
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import pytest
import sympy
from hypothesis import find, given, settings
from hypothesis import strategies as st

from heurcheck.arguments import Arguments
from heurcheck.domains import arguments_from_json, instance_from_json, instance_to_json, load_instance, parse_atom
from heurcheck.domains.circuit import truth as circuit_truth
from heurcheck.domains.permanent import (
    HAFNIAN,
    PERMANENT,
    ColSums,
    Covariance,
    EntryMultiset,
    Matrix,
    RowSums,
    TotalSum,
    balanced_tree,
    covariances,
    glynn,
    hafnian,
    hafnian_circuit,
    is_psd,
    matrices,
    naive_hafnian,
    naive_permanent,
    permanent,
    permanent_as_hafnian,
    ryser,
)
from heurcheck.errors import InvalidArgument, InvalidInstance, OutsideDomain, TruthTooExpensive
from heurcheck.estimators.base import Estimate, Estimator
from heurcheck.estimators.hafnian import product_tree_cumulants
from heurcheck.estimators.permanent import (
    ColumnEstimator,
    RowColumnEstimator,
    RowEstimator,
    SumEstimator,
    UniqEstimator,
    col_estimate,
    row_estimate,
    rowcol_estimate,
    sum_estimate,
    uniq_estimate,
)
from heurcheck.estimators.symmetrize import Symmetrize
from heurcheck.jsonio import Node, parse_json

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "instances"
NONE = Arguments()
ROWS, COLS, TOTAL, MULTISET = RowSums(), ColSums(), TotalSum(), EntryMultiset()
ESTIMATORS = [RowEstimator, ColumnEstimator, SumEstimator, UniqEstimator, RowColumnEstimator]


def m(*rows: list[object]) -> Matrix:
    return Matrix(tuple(tuple(F(v) for v in r) for r in rows))  # type: ignore[arg-type]


def load_text(text: str) -> object:
    return instance_from_json(Node(parse_json(text)))


def within_row_shuffles(a: Matrix) -> list[Matrix]:
    per_row = [list(itertools.permutations(row)) for row in a.entries]
    return [Matrix(rows) for rows in itertools.product(*per_row)]


def transpose(a: Matrix) -> Matrix:
    return Matrix(tuple(zip(*a.entries)))


A3 = m([1, F(1, 2), 0], [2, -1, 1], [F(1, 3), 1, 1])


# --------------------------------------------------------------------------- exact truths


@settings(max_examples=60, deadline=None)
@given(matrices(max_n=5, entries="rational"))
def test_glynn_ryser_and_the_sum_over_permutations_agree_on_fractions(a: Matrix) -> None:
    expected = naive_permanent(a.entries)
    assert glynn(a.entries) == ryser(a.entries) == permanent(a.entries) == expected
    assert isinstance(permanent(a.entries), F)


def test_the_modular_path_for_larger_matrices_matches_generic_glynn() -> None:
    n = 16  # past the Python-int threshold: residues modulo primes, recombined
    a = [[(3 * i + 5 * j * j) % 7 - 3 for j in range(n)] for i in range(n)]
    assert permanent(a) == glynn(a)
    assert permanent([[float(v) for v in r] for r in a]) == pytest.approx(float(glynn(a)), rel=1e-9)


def test_float_matrices_get_a_float_permanent() -> None:
    value = permanent(A3.map_numbers(float).entries)
    assert isinstance(value, float)
    assert value == pytest.approx(float(naive_permanent(A3.entries)))


@settings(max_examples=40, deadline=None)
@given(covariances(max_n=8, even=False))
def test_the_hafnian_dynamic_programme_equals_the_sum_over_matchings(c: Covariance) -> None:
    assert hafnian(c.matrix) == naive_hafnian(c.matrix)


def test_the_hafnian_needs_no_positive_semidefiniteness() -> None:
    sigma = ((0, 1, 2, -3), (1, 0, 5, 7), (2, 5, -1, F(1, 2)), (-3, 7, F(1, 2), 0))
    assert not is_psd(sigma)
    assert hafnian(sigma) == naive_hafnian(sigma) == 1 * F(1, 2) + 2 * 7 + (-3) * 5


@settings(max_examples=40, deadline=None)
@given(matrices(max_n=4, entries="small-int"))
def test_the_permanent_is_the_hafnian_of_the_bipartite_block_matrix(a: Matrix) -> None:
    assert HAFNIAN.truth(permanent_as_hafnian(a), NONE) == PERMANENT.truth(a, NONE)


def test_exact_truth_refuses_matrices_past_its_size_limit() -> None:
    with pytest.raises(TruthTooExpensive, match="n <= 25"):
        PERMANENT.truth(Matrix(((F(1),) * 26,) * 26), NONE)
    with pytest.raises(TruthTooExpensive, match="n <= 28"):
        HAFNIAN.truth(Covariance(((F(1),) * 30,) * 30), NONE)
    assert HAFNIAN.truth(Covariance(((F(1),) * 31,) * 31), NONE) == 0  # odd n: no matching


# --------------------------------------------------------------------------- Monte Carlo


@pytest.mark.parametrize("a", [A3, m([1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1])])
def test_permanent_monte_carlo_lands_within_five_standard_errors(a: Matrix) -> None:
    mc = PERMANENT.monte_carlo(a, NONE, samples=40_000, seed=1)
    assert mc.samples == 40_000 and mc.seed == 1 and mc.stderr > 0
    assert abs(mc.mean - float(PERMANENT.truth(a, NONE))) <= 5 * mc.stderr


def test_hafnian_monte_carlo_lands_within_five_standard_errors() -> None:
    c = load_instance(EXAMPLES / "hafnian-6-tree.json")
    mc = HAFNIAN.monte_carlo(c, NONE, samples=40_000, seed=2)
    assert abs(mc.mean - float(HAFNIAN.truth(c, NONE))) <= 5 * mc.stderr


def test_hafnian_monte_carlo_refuses_a_covariance_that_is_not_psd() -> None:
    with pytest.raises(InvalidInstance, match="positive semidefinite"):
        HAFNIAN.monte_carlo(Covariance(((1, 2), (2, 1))), NONE, samples=10, seed=0)


# --------------------------------------------------------------------------- files


@settings(max_examples=50, deadline=None)
@given(st.one_of(matrices(max_n=4, entries="rational"), covariances(max_n=6, even=False, trees=True)))
def test_instances_survive_a_json_round_trip(instance: Matrix | Covariance) -> None:
    text = json.dumps(instance_to_json(instance))
    assert load_text(text) == instance


def test_the_example_files_load_and_round_trip() -> None:
    paths = sorted(EXAMPLES.glob("permanent-*.json")) + sorted(EXAMPLES.glob("hafnian-*.json"))
    assert paths
    for path in paths:
        instance = load_instance(path)
        assert load_text(json.dumps(instance_to_json(instance))) == instance


I2, I3 = [[1, 0], [0, 1]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"domain": "permanent", "matrix": [[1, 2], [3]]}, r"\$\.matrix\[1\]: expected 2 entries"),
        ({"domain": "permanent", "matrix": [[1, 2], [3, 4], [5, 6]]}, r"\$\.matrix\[0\]: expected 3 entries"),
        ({"domain": "permanent", "matrix": []}, r"\$\.matrix: expected a list of 1 to 30 items"),
        ({"domain": "permanent", "matrix": [[1, "x"], [0, 1]]}, r"\$\.matrix\[0\]\[1\]: expected a number.*'x'"),
        ({"domain": "permanent", "matrix": [[1]], "tree": 0}, r"\$\.tree: unknown field"),
        ({"domain": "hafnian", "matrix": [[1, 2], [3, 1]]}, r"\$\.matrix\[1\]\[0\]: expected a symmetric.*got 3"),
        ({"domain": "hafnian", "matrix": [[1, "x"], ["x", 1]]}, r"\$\.matrix\[0\]\[1\]: expected a number"),
        ({"domain": "hafnian", "matrix": I2, "tree": [0, 0]}, r"\$\.tree\[1\]: leaf 0 already used"),
        ({"domain": "hafnian", "matrix": I2, "tree": [0, 2]}, r"\$\.tree\[1\]: expected a leaf index in \[0, 1\]"),
        ({"domain": "hafnian", "matrix": I2, "tree": [0, 1, 1]}, r"\$\.tree: expected a leaf index or a pair"),
        ({"domain": "hafnian", "matrix": I2, "tree": [0, "1"]}, r"\$\.tree\[1\]: expected a leaf index"),
        ({"domain": "hafnian", "matrix": I3, "tree": [0, 2]}, r"\$\.tree: leaves 1 missing"),
    ],
)
def test_bad_files_are_invalid_instances_naming_the_field(document: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInstance, match=field):
        load_text(json.dumps(document))


def test_a_bad_file_on_disk_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"domain": "hafnian", "matrix": [[1, 2], [3, 1]]}')
    with pytest.raises(InvalidInstance, match=r"bad\.json: field \$\.matrix\[1\]\[0\]"):
        load_instance(path)


def test_instances_built_in_code_are_checked_too() -> None:
    with pytest.raises(InvalidInstance, match="square"):
        Matrix(((1, 2), (3,)))
    with pytest.raises(InvalidInstance, match="symmetric"):
        Covariance(((1, 2), (3, 1)))
    with pytest.raises(InvalidInstance, match="leaves 2 missing"):
        Covariance(((1, 0, 0), (0, 1, 0), (0, 0, 1)), tree=(0, 1))


def test_covariance_parameters_are_the_upper_triangle_and_mapping_keeps_symmetry() -> None:
    c = Covariance(((1, 2, 3), (2, 4, 5), (3, 5, 6)))
    assert c.parameters() == [1, 2, 3, 4, 5, 6]
    fresh = iter(sympy.symbols("s0:6"))
    symbolic = c.map_numbers(lambda _: next(fresh))  # a new symbol per call: must still be symmetric
    assert symbolic.matrix[2][0] == symbolic.matrix[0][2] == sympy.Symbol("s2")
    assert Matrix(((1, 2), (3, 4))).parameters() == [1, 2, 3, 4]


# --------------------------------------------------------------------------- strategies

DERANDOMIZED = settings(database=None, derandomize=True)


def test_matrix_strategies_shrink_to_small_simple_matrices() -> None:
    assert find(matrices(max_n=4, entries="pm1"), lambda a: a.n >= 2, settings=DERANDOMIZED) == m([1, 1], [1, 1])
    assert find(matrices(max_n=4, entries="rational"), lambda a: a.n >= 2, settings=DERANDOMIZED) == m([0, 0], [0, 0])


def test_covariance_strategies_shrink_to_small_psd_matrices() -> None:
    smallest = find(covariances(max_n=8), lambda c: c.n >= 4, settings=DERANDOMIZED)
    assert smallest.n == 4 and smallest.tree is None and is_psd(smallest.matrix)


# --------------------------------------------------------------------------- circuits and trees


def test_the_hafnian_circuit_multiplies_along_the_tree() -> None:
    c = load_instance(EXAMPLES / "hafnian-6-tree.json")
    circuit = hafnian_circuit(c)
    assert [i.id for i in circuit.inputs] == ["z1", "z2", "z3", "z4", "z5", "z6"]
    assert [(g.id, g.op, g.args) for g in circuit.gates] == [
        ("p0.1", "mul", ("z1", "z2")),
        ("p0.1.2", "mul", ("p0.1", "z3")),
        ("p3.4", "mul", ("z4", "z5")),
        ("p3.4.5", "mul", ("p3.4", "z6")),
        ("p0.1.2.3.4.5", "mul", ("p0.1.2", "p3.4.5")),
    ]
    assert circuit.output == "p0.1.2.3.4.5"
    assert circuit_truth(circuit) == HAFNIAN.truth(c, NONE)


def test_the_default_product_tree_is_balanced() -> None:
    assert balanced_tree(range(5)) == (((0, 1), 2), (3, 4))
    assert Covariance(((1,),)).product_tree == 0
    assert hafnian_circuit(Covariance(((1,),))).output == "z1"


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize("atom", [ROWS, COLS, TOTAL, MULTISET])
def test_fact_atoms_round_trip_through_text_and_json(atom: object) -> None:
    assert parse_atom("permanent", atom.text()) == atom  # type: ignore[attr-defined]
    node = Node([atom.to_json()])  # type: ignore[attr-defined]
    assert arguments_from_json("permanent", node) == Arguments([atom])
    Arguments([atom]).check(A3)


def test_fact_atoms_take_no_payload_and_belong_to_permanents() -> None:
    with pytest.raises(InvalidArgument, match="row-sums takes no payload"):
        parse_atom("permanent", "row-sums:3")
    with pytest.raises(InvalidArgument, match="permanent domain"):
        Arguments([ROWS]).check(Covariance(((1, 0), (0, 1))))
    assert PERMANENT.atom_types == (RowSums, ColSums, TotalSum, EntryMultiset)
    assert HAFNIAN.atom_types == ()


# --------------------------------------------------------------------------- permanent estimators


def test_permanent_estimators_satisfy_the_estimator_protocol() -> None:
    for cls in [*ESTIMATORS, Symmetrize]:
        estimator = cls()
        assert isinstance(estimator, Estimator)
        assert estimator.domains == frozenset({"permanent"})
        assert estimator.traceable
        for text in cls.default_arguments:
            parse_atom("permanent", text)


@pytest.mark.parametrize("n", [2, 3])
def test_perm_row_is_the_average_of_perm_over_within_row_shuffles(n: int) -> None:
    a = Matrix(tuple(tuple(F(3 * i - j * j, 1 + j) for j in range(n)) for i in range(n)))
    shuffles = within_row_shuffles(a)
    average = sum((naive_permanent(s.entries) for s in shuffles), F(0)) / len(shuffles)
    assert RowEstimator().estimate(a, Arguments([ROWS])) == average
    column_average = sum((naive_permanent(transpose(s).entries) for s in shuffles), F(0)) / len(shuffles)
    assert ColumnEstimator().estimate(transpose(a), Arguments([COLS])) == column_average


def test_the_closed_forms_match_their_formulas() -> None:
    n, r, c, s = 3, [F(3, 2), 2, F(7, 3)], [F(10, 3), F(1, 2), 2], F(35, 6)
    assert row_estimate(A3) == F(6, 27) * math.prod(r)
    assert col_estimate(A3) == F(6, 27) * math.prod(c)
    assert sum_estimate(A3) == 6 * s**n / F(3**6)
    entries = A3.parameters()
    e3 = sum((x * y * z for x, y, z in itertools.combinations(entries, 3)), F(0))
    assert uniq_estimate(A3) == 6 * e3 / math.comb(9, 3)


@pytest.mark.parametrize("n", [2, 5, 9, 12, 16, 20])
def test_uniq_on_floats_is_the_exact_value_rounded_once_on_sign_matrices_up_to_n_20(n: int) -> None:
    # e_n of p ones and n^2 - p minus ones is sum_j C(p, j) C(n^2 - p, n - j) (-1)^(n - j): an alternating
    # sum that the float recurrence cancels badly near p = n^2 / 2 (5e-4 relative error at n = 16, 50 at 20)
    rng = random.Random(n)
    for p in sorted({0, 1, n * n // 2 - 1, n * n // 2, n * n // 2 + 1, n * n} | set(rng.sample(range(n * n + 1), min(12, n * n + 1)))):
        signs = [1.0] * p + [-1.0] * (n * n - p)
        rng.shuffle(signs)
        matrix = Matrix(tuple(tuple(signs[i * n:(i + 1) * n]) for i in range(n)))
        e = sum(math.comb(p, j) * math.comb(n * n - p, n - j) * (-1) ** (n - j) for j in range(n + 1))
        exact = F(math.factorial(n), math.comb(n * n, n)) * e
        assert uniq_estimate(matrix) == float(exact)
        assert uniq_estimate(matrix.map_numbers(int)) == exact  # the rational path stays exact


def test_uniq_on_general_floats_is_the_exact_value_of_their_binary_fractions_rounded_once() -> None:
    rng = random.Random(3)
    rows = tuple(tuple(rng.choice([rng.uniform(-3, 3), 0.5, -0.25, 1e-3]) for _ in range(7)) for _ in range(7))
    exact = uniq_estimate(Matrix(tuple(tuple(F(v) for v in row) for row in rows)))
    assert isinstance(exact, F) and uniq_estimate(Matrix(rows)) == float(exact)
    assert rowcol_estimate(A3) == row_estimate(A3) * col_estimate(A3) / sum_estimate(A3)


STEERING = [
    (RowEstimator, [], sum_estimate),
    (RowEstimator, [ROWS], row_estimate),
    (RowEstimator, [COLS, TOTAL, MULTISET], sum_estimate),
    (ColumnEstimator, [], sum_estimate),
    (ColumnEstimator, [COLS], col_estimate),
    (ColumnEstimator, [ROWS], sum_estimate),
    (SumEstimator, [ROWS, COLS, MULTISET], sum_estimate),
    (UniqEstimator, [], sum_estimate),
    (UniqEstimator, [MULTISET], uniq_estimate),
    (UniqEstimator, [ROWS, COLS], sum_estimate),
    (RowColumnEstimator, [], sum_estimate),
    (RowColumnEstimator, [ROWS], row_estimate),
    (RowColumnEstimator, [COLS], col_estimate),
    (RowColumnEstimator, [ROWS, COLS], rowcol_estimate),
    (RowColumnEstimator, [ROWS, COLS, TOTAL], rowcol_estimate),
]


@pytest.mark.parametrize(("cls", "facts", "formula"), STEERING)
def test_the_facts_in_pi_steer_each_estimator(cls: type, facts: list[object], formula: object) -> None:
    assert cls().estimate(A3, Arguments(facts)) == formula(A3)  # type: ignore[operator]


def test_the_estimates_differ_so_the_steering_is_observable() -> None:
    values = {f(A3) for f in (row_estimate, col_estimate, sum_estimate, uniq_estimate, rowcol_estimate)}
    assert len(values) == 5


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimators_give_exact_fractions_on_fractions_and_expressions_on_symbols(cls: type) -> None:
    pi = Arguments([ROWS, COLS, MULTISET])
    exact = cls().estimate(A3, pi)
    assert isinstance(exact, F)
    symbols = iter(sympy.symbols("a0:9"))
    symbolic = A3.map_numbers(lambda _: next(symbols))
    expression = cls().estimate(symbolic, pi)
    assert isinstance(expression, sympy.Expr) and expression.free_symbols
    substituted = expression.subs(dict(zip(symbolic.parameters(), A3.parameters())))
    assert sympy.nsimplify(substituted) == sympy.Rational(exact.numerator, exact.denominator)


def test_estimators_run_on_z3_terms() -> None:
    import z3

    reals = iter(z3.Reals(" ".join(f"a{i}" for i in range(9))))
    symbolic = A3.map_numbers(lambda _: next(reals))
    for cls in ESTIMATORS:
        assert isinstance(cls().estimate(symbolic, Arguments([ROWS, COLS, MULTISET])), z3.ArithRef)


def test_perm_rowcol_refuses_a_zero_total_sum() -> None:
    zero_sum = m([1, -1], [-1, 1])
    for a in (zero_sum, zero_sum.map_numbers(float)):
        with pytest.raises(OutsideDomain, match="S = 0"):
            RowColumnEstimator().estimate(a, Arguments([ROWS, COLS]))
    assert RowColumnEstimator().estimate(zero_sum, Arguments([ROWS])) == 0


# --------------------------------------------------------------------------- symmetrisation


def exact(pi: list[object], a: Matrix = A3) -> object:
    result = Symmetrize().estimate(a, Arguments(pi))
    assert isinstance(result, Estimate) and result.stderr == 0.0
    return result.value


@settings(max_examples=30, deadline=None)
@given(matrices(max_n=4, entries="rational"))
def test_symmetrize_reproduces_the_closed_forms_and_the_permanent(a: Matrix) -> None:
    assert exact([ROWS], a) == row_estimate(a)
    assert exact([COLS], a) == col_estimate(a)
    assert exact([], a) == exact([TOTAL], a) == exact([MULTISET, TOTAL], a) == uniq_estimate(a)
    assert exact([ROWS, COLS], a) == naive_permanent(a.entries)
    assert exact([ROWS, MULTISET], a) == row_estimate(a)


def group_average(a: Matrix, blocks: list[list[tuple[int, int]]]) -> F:
    """Brute force: perm(hA) averaged over every permutation h of the cells within each block."""
    total, count = F(0), 0
    for moves in itertools.product(*(itertools.permutations(b) for b in blocks)):
        h = [list(r) for r in a.entries]
        for block, image in zip(blocks, moves):
            for (i, j), (k, l) in zip(block, image):
                h[k][l] = a.entries[i][j]
        total += naive_permanent(h)
        count += 1
    return total / count


def test_the_exact_formula_equals_brute_force_group_averages_for_n_2() -> None:
    a = m([1, F(1, 2)], [-2, 3])
    cells = [(i, j) for i in range(2) for j in range(2)]
    rows = [[(i, 0), (i, 1)] for i in range(2)]
    cols = [[(0, j), (1, j)] for j in range(2)]
    singles = [[cell] for cell in cells]
    assert exact([], a) == group_average(a, [cells])
    assert exact([ROWS], a) == group_average(a, rows)
    assert exact([COLS], a) == group_average(a, cols)
    assert exact([ROWS, COLS], a) == group_average(a, singles)


def test_the_exact_formula_equals_within_row_shuffle_enumeration_for_n_3() -> None:
    rows = [[(i, j) for j in range(3)] for i in range(3)]
    cols = [[(i, j) for i in range(3)] for j in range(3)]
    assert exact([ROWS]) == group_average(A3, rows)
    assert exact([COLS]) == group_average(A3, cols)


def test_symmetrize_traces_symbols_in_exact_mode() -> None:
    symbols = iter(sympy.symbols("a0:9"))
    symbolic = A3.map_numbers(lambda _: next(symbols))
    value = Symmetrize().estimate(symbolic, Arguments([ROWS])).value
    assert sympy.expand(value - row_estimate(symbolic)) == 0


def test_symmetrize_samples_past_exact_max_n_with_an_honest_standard_error() -> None:
    sampled = Symmetrize(exact_max_n=2, samples=4000, seed=3).estimate(A3, Arguments([ROWS]))
    assert sampled.stderr is not None and sampled.stderr > 0
    assert abs(sampled.value - float(row_estimate(A3))) <= 5 * sampled.stderr
    again = Symmetrize(exact_max_n=2, samples=4000, seed=3).estimate(A3, Arguments([ROWS]))
    assert again == sampled
    trivial = Symmetrize(exact_max_n=2, samples=10).estimate(A3, Arguments([ROWS, COLS]))
    assert trivial.value == pytest.approx(float(naive_permanent(A3.entries)))
    assert trivial.stderr == pytest.approx(0.0, abs=1e-12)  # the trivial group: every draw is A itself


# --------------------------------------------------------------------------- hafnian cumulant propagation


@settings(max_examples=30, deadline=None)
@given(covariances(max_n=6, even=False, trees=True))
def test_cumulant_propagation_of_every_order_is_the_exact_hafnian(c: Covariance) -> None:
    assert product_tree_cumulants(c, None) == hafnian(c.matrix)
    assert product_tree_cumulants(c, None, imputation=True) == hafnian(c.matrix)
    assert product_tree_cumulants(c, c.n, imputation=True) == hafnian(c.matrix)  # nothing is dropped


@settings(max_examples=20, deadline=None)
@given(covariances(max_n=8, trees=True))
def test_order_one_propagation_gives_zero_for_a_centred_product(c: Covariance) -> None:
    assert product_tree_cumulants(c, 1) == 0


def test_order_one_imputation_keeps_the_input_covariances_at_the_root() -> None:
    # ARC's definition: leaf covariances are never truncated when imputing, so n = 2 is exact
    swap = Covariance(((0, 1), (1, 0)))
    assert hafnian(swap.matrix) == 1
    assert product_tree_cumulants(swap, 1, imputation=True) == 1
    assert product_tree_cumulants(swap, 1) == 0
    general = Covariance(((3, F(-2, 5)), (F(-2, 5), 7)))
    assert product_tree_cumulants(general, 1, imputation=True) == F(-2, 5) == hafnian(general.matrix)
    # n = 4, tree ((0, 1), (2, 3)): the root's cross cumulant has one node a side (nothing to impute
    # from), each child keeps its pair's covariance, so the estimate is Sigma_01 Sigma_23
    sigma = ((5, 2, 1, 1), (2, 4, 1, -1), (1, 1, 6, 3), (1, -1, 3, 2))
    assert product_tree_cumulants(Covariance(sigma), 1, imputation=True) == 2 * 3
    # a leaf whose sibling is a product has no pair to keep: ((0, 1), 2) and a fourth leaf give 0
    assert product_tree_cumulants(Covariance(sigma, (((0, 1), 2), 3)), 1, imputation=True) == 0


@functools.cache
def _previous_engine() -> Any:
    """The engine before issue 18, shipped as the hafnian benchmark's baseline (benchmarks/previous_hafnian.py)."""
    import importlib.util
    import sys

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "previous_hafnian.py"
    spec = importlib.util.spec_from_file_location("previous_hafnian", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module.previous_product_tree_cumulants


@settings(max_examples=25, deadline=None)
@given(covariances(max_n=8, even=False, max_rank=4, trees=True), st.sets(st.integers(0, 7), max_size=3))
def test_structural_zeros_and_the_partition_programme_keep_every_value_of_the_previous_engine(
    c: Covariance, cut: set[int]
) -> None:
    # cutting Sigma into blocks (entries between `cut` and the rest set to 0) exercises the independence test
    sigma = tuple(tuple(v if (i in cut) == (j in cut) else F(0) for j, v in enumerate(row)) for i, row in enumerate(c.matrix))
    for instance in (c, Covariance(sigma, c.tree)):
        previous = _previous_engine()
        for order in (1, 2, 3, 4, 5, None):
            assert product_tree_cumulants(instance, order) == previous(instance, order)
            if order != 1:  # order 1 with imputation now keeps the leaf covariances (ARC's definition)
                assert product_tree_cumulants(instance, order, imputation=True) == previous(instance, order, imputation=True)


def test_float_propagation_agrees_with_the_previous_engine_to_1e_9_on_a_double_wishart_matrix() -> None:
    import numpy as np

    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(5, 5)), rng.normal(size=(5, 5))
    a, b = x.T @ x, y.T @ y
    sigma = np.block([[(a - b) / 2, (a + b) / 2], [(a + b) / 2, (a - b) / 2]])
    c = Covariance(tuple(tuple(float(v) for v in row) for row in sigma))
    previous = _previous_engine()
    for order in (2, 3, 4):
        for imputation in (False, True):
            expected = previous(c, order, imputation=imputation)
            assert expected != 0
            assert product_tree_cumulants(c, order, imputation=imputation) == pytest.approx(expected, rel=1e-9)


def test_imputation_fills_dropped_cross_cumulants_and_differs_from_truncation() -> None:
    c = load_instance(EXAMPLES / "hafnian-6-tree.json")
    assert HAFNIAN.truth(c, NONE) == -4
    assert product_tree_cumulants(c, 3) == -2
    assert product_tree_cumulants(c, 3, imputation=True) == -6
    assert product_tree_cumulants(c.map_numbers(float), 3, imputation=True) == pytest.approx(-6.0)
    # at order 2 every dropped cumulant has a side with a single node: nothing to impute from
    assert product_tree_cumulants(c, 2, imputation=True) == product_tree_cumulants(c, 2)


def test_plain_truncation_traces_symbols() -> None:
    c = load_instance(EXAMPLES / "hafnian-6-tree.json")
    symbols = iter(sympy.symbols("s0:21"))
    symbolic = c.map_numbers(lambda _: next(symbols))
    expression = product_tree_cumulants(symbolic, 3)
    value = expression.subs(dict(zip(symbolic.parameters(), c.parameters())))
    assert value == -2


def test_product_tree_cumulants_read_a_permanent_as_its_bipartite_hafnian() -> None:
    assert product_tree_cumulants(A3, None) == naive_permanent(A3.entries)


def test_blocks_of_sigma_with_no_entry_between_them_do_not_make_truncated_cumulants_vanish() -> None:
    # a true cumulant over independent groups is 0, but the values propagated at finite K are not true
    # cumulants: skipping such sets once gave 1 here, where propagation (and the previous engine) gives 3
    previous_product_tree_cumulants = _previous_engine()
    ones = [[1, 1, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0]] + [[0, 0, 1, 1, 1, 1]] * 4
    sigma = Covariance(tuple(tuple(F(v) for v in row) for row in ones), (((0, 1), 2), ((3, 4), 5)))
    for order in (3, 4, 6):
        assert product_tree_cumulants(sigma, order) == previous_product_tree_cumulants(sigma, order) == 3
