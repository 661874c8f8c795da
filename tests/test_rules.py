"""Composable built-ins: the per-gate and per-layer rules of the propagation estimators."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar

from heurcheck.arguments import Arguments
from heurcheck.domains import load_instance
from heurcheck.domains.circuit import Circuit, Gate, Gaussian, Input
from heurcheck.estimators.propagation import (
    CovariancePropagation,
    MeanPropagation,
    boolean_mean_propagation,
    estimate_by_propagation,
)
from heurcheck.estimators.rules import CIRCUIT_RULES, LAYER_RULES
from heurcheck.testing import assert_agrees

NONE = Arguments()
# (x y)(x y) with x ~ N(1, 2), y ~ N(3, 1/2): a product of two dependent products
SQUARE_OF_PRODUCT = Circuit(
    (Input("x", Gaussian(Fraction(1), Fraction(2))), Input("y", Gaussian(Fraction(3), Fraction(1, 2)))),
    (Gate("p", "mul", ("x", "y")), Gate("q", "mul", ("p", "p"))), "q")


class BooleanMean:
    """Mean propagation on the boolean gates, default rules."""

    name: ClassVar[str] = "boolean-mean"
    domains: ClassVar[frozenset[str]] = frozenset({"boolean"})

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        return boolean_mean_propagation(instance, arguments)


def test_the_default_rules_are_the_built_ins() -> None:
    assert estimate_by_propagation(SQUARE_OF_PRODUCT, NONE, 1) == MeanPropagation().estimate(SQUARE_OF_PRODUCT, NONE)
    assert estimate_by_propagation(SQUARE_OF_PRODUCT, NONE, 2, CIRCUIT_RULES) == \
        CovariancePropagation().estimate(SQUARE_OF_PRODUCT, NONE)


def test_mean_propagation_on_boolean_gates_agrees_with_mean_through_the_arithmetisation() -> None:
    assert_agrees(BooleanMean, "mean", domain="boolean", max_examples=150)


def test_overriding_the_product_variance_changes_covariance_propagation_and_nothing_else() -> None:
    no_cross = replace(CIRCUIT_RULES, closure_variance=lambda ma, mb, saa, sbb, sab: saa * sbb)
    built_in = CovariancePropagation().estimate(SQUARE_OF_PRODUCT, NONE)
    variant = estimate_by_propagation(SQUARE_OF_PRODUCT, NONE, 2, no_cross)
    # E[q] = mu_p^2 + Var(p): Var(p) = 2 * 1/2 + 0 + 1 * 1/2 + 9 * 2 = 39/2 under the closure, 1 without cross terms
    assert built_in == 9 + Fraction(39, 2) and variant == 9 + 1
    assert estimate_by_propagation(SQUARE_OF_PRODUCT, NONE, 1, no_cross) == 9  # mean propagation has no such rule


def test_overriding_the_activation_moments_changes_mlp_mean_propagation() -> None:
    net = load_instance(Path(__file__).resolve().parent.parent / "examples" / "instances" / "mlp-relu-2-layer.json")
    def doubled_means(act: str, m: Any, v: Any) -> tuple[Any, Any]:
        mean, var = LAYER_RULES.unit_moments(act, m, v)
        return 2 * mean, var

    doubled = replace(LAYER_RULES, unit_moments=doubled_means)
    built_in = MeanPropagation().estimate(net, NONE)
    assert estimate_by_propagation(net, NONE, 1, layer_rules=LAYER_RULES) == built_in
    assert estimate_by_propagation(net, NONE, 1, layer_rules=doubled) != built_in


def test_the_readme_variant_runs_and_drops_the_cross_terms(tmp_path: Path) -> None:
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    [block] = [b for b in re.findall(r"```python\n(.*?)```", readme, flags=re.S) if "NO_CROSS_TERM" in b]
    namespace: dict[str, Any] = {}
    exec(compile(block, "README.md", "exec"), namespace)  # the project's own README text, in a test: not user input
    assert namespace["NoCrossTermCovariance"]().estimate(SQUARE_OF_PRODUCT, NONE) == 10
