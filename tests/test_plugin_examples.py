"""The README's estimators written from scratch, one per domain (examples/plugins/scratch/): each loads
as a `file.py:Class` plugin, reads its domain's public instance type, honours the argument atoms its
docstring lists, and declares instances outside its domain."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings

from heurcheck import Arguments, OutsideDomain, evaluate, get_domain, load_instance, parse_arguments
from heurcheck.domains.hafnian import Covariance
from heurcheck.estimators.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "examples" / "plugins" / "scratch"
INSTANCES = ROOT / "examples" / "instances"
REGISTRY = Registry.default()


def plugin(reference: str):
    return REGISTRY.create(str(SCRATCH / reference))


def value(estimator, instance, *atoms: str, exact: bool = False):
    pi = parse_arguments(instance.domain, atoms) if atoms else Arguments()
    return evaluate(estimator, instance, pi, exact=exact).estimate.value


@settings(max_examples=40, deadline=None, database=None)
@given(get_domain("boolean").instances())
def test_independent_bits_is_the_product_rule_of_mean_propagation(circuit) -> None:
    assert value(plugin("boolean_independent.py:IndependentBits"), circuit, exact=True) == value(
        REGISTRY.create("mean"), circuit, exact=True)


def test_independent_bits_honours_a_revealed_bit_and_a_proved_constant() -> None:
    est = plugin("boolean_independent.py:IndependentBits")
    fanout = load_instance(str(INSTANCES / "boolean-fanout.json"))
    revealed = value(est, fanout, "reveal:a=1", exact=True)
    assert revealed == value(REGISTRY.create("exact"), fanout, "reveal:a=1", exact=True) == Fraction(2, 3)
    xor_self = load_instance(str(INSTANCES / "boolean-xor-self.json"))
    assert value(est, xor_self, f"constant:{xor_self.output}=0", exact=True) == 0


@settings(max_examples=40, deadline=None, database=None)
@given(get_domain("circuit").instances())
def test_independent_means_agrees_with_mean_propagation_on_independent_inputs(circuit) -> None:
    est = plugin("circuit_independent.py:IndependentMeans")
    if circuit.joint is not None:
        with pytest.raises(OutsideDomain):
            value(est, circuit, exact=True)
        return
    assert value(est, circuit, exact=True) == value(REGISTRY.create("mean"), circuit, exact=True)


def test_independent_means_honours_a_revealed_input() -> None:
    square = load_instance(str(INSTANCES / "square.json"))
    # x = 2 revealed: s = 2 + y has mean 1, t = s * 2 has mean 2, sq = t * t: 4 under the product rule
    assert value(plugin("circuit_independent.py:IndependentMeans"), square, "reveal:x=2", exact=True) == 4


def test_row_averages_is_perm_row_given_the_row_sums_and_outside_its_domain_without_a_fact() -> None:
    est = plugin("permanent_rows.py:RowAverages")
    matrix = load_instance(str(INSTANCES / "permanent-3x3.json"))
    assert value(est, matrix, "row-sums", exact=True) == value(REGISTRY.create("perm-row"), matrix, "row-sums",
                                                               exact=True)
    total = sum(sum(row) for row in matrix.entries)
    assert value(est, matrix, "total-sum", exact=True) == 6 * (Fraction(total) / 9) ** 3
    with pytest.raises(OutsideDomain, match="row-sums"):
        value(est, matrix, exact=True)


def test_average_pairing_counts_the_matchings_and_is_zero_for_odd_n() -> None:
    est = plugin("hafnian_pairs.py:AveragePairing")
    ones = Covariance(tuple(tuple(Fraction(1) for _ in range(4)) for _ in range(4)))
    assert value(est, ones, exact=True) == 3  # three perfect matchings of four, each of weight 1 = haf
    odd = Covariance(((Fraction(2), Fraction(1), Fraction(0)), (Fraction(1), Fraction(2), Fraction(1)),
                      (Fraction(0), Fraction(1), Fraction(2))))
    assert value(est, odd, exact=True) == 0


def test_mean_field_is_exact_on_the_two_layer_example_and_equals_mean_on_a_deep_relu_net() -> None:
    est = plugin("mlp_meanfield.py:MeanField")
    two = load_instance(str(INSTANCES / "mlp-relu-2-layer.json"))
    assert math.isclose(value(est, two), get_domain("mlp").truth(two, Arguments()), rel_tol=1e-12)
    deep = load_instance(str(INSTANCES / "mlp-relu-depth3-width16.json"))
    assert math.isclose(value(est, deep), value(REGISTRY.create("mean"), deep), rel_tol=1e-12)


def test_mean_field_declares_an_activation_it_does_not_know_outside_its_domain() -> None:
    from heurcheck.domains.mlp import research_mlp

    with pytest.raises(OutsideDomain, match="tanh"):
        value(plugin("mlp_meanfield.py:MeanField"), research_mlp(2, 4, 0, activation="tanh"))


def test_the_readme_shows_the_shipped_boolean_estimator_verbatim() -> None:
    import re

    readme = (ROOT / "README.md").read_text()
    [block] = [b for b in re.findall(r"```python\n(.*?)```", readme, flags=re.S) if "class IndependentBits" in b]
    shipped = (SCRATCH / "boolean_independent.py").read_text()
    assert shipped.endswith(block)


@pytest.mark.parametrize("domain, names", [
    ("circuit", ["Circuit", "Input", "Gate", "Gaussian", "Bernoulli", "Rademacher", "Uniform", "JointGaussian",
                 "RevealInput", "ProvedEqual", "ProvedNonNegative", "KeepCumulant", "CumulantOrder"]),
    ("boolean", ["BooleanCircuit", "BitInput", "BoolGate", "RevealBit", "ProvedConstant"]),
    ("permanent", ["Matrix", "RowSums", "ColSums", "TotalSum", "EntryMultiset"]),
    ("hafnian", ["Covariance", "Tree"]),
    ("mlp", ["MLP", "Layer"]),
])
def test_each_domain_exports_its_instance_types_and_atoms_as_public_api(domain: str, names: list[str]) -> None:
    import importlib

    module = importlib.import_module(f"heurcheck.domains.{domain}")
    assert set(names) <= set(module.__all__)
