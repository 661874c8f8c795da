"""The per-gate and per-layer rules of the propagation estimators, as values a variant replaces one at a time.

A variant of a built-in changes one rule (the variance of a product, the moments of an activation)
and keeps the rest; it should not copy the passes. Each rule set is a frozen dataclass of plain
functions, and `dataclasses.replace` makes the variant:

    from dataclasses import replace
    from heurcheck.estimators.propagation import estimate_by_propagation
    from heurcheck.estimators.rules import CIRCUIT_RULES

    NO_CROSS_TERM = replace(CIRCUIT_RULES, closure_variance=lambda ma, mb, saa, sbb, sab: saa * sbb)

    class MyCovariance:
        name = "my-covariance"
        domains = frozenset({"circuit", "boolean"})
        traceable = True

        def estimate(self, instance, arguments):
            return estimate_by_propagation(instance, arguments, 2, NO_CROSS_TERM)

- `CircuitRules`: mean propagation (order 1) and covariance propagation with Gaussian closure (order
  2) on arithmetic circuits, and on boolean circuits through their arithmetisation. The passes call
  the rules wire by wire; additions, negations and constants are exact and not rules. Arguments
  that ask for more than the pass computes (`order:K` above its order, `keep:`) go to the cumulant
  engine, where the rules do not apply.
- `BooleanRules`: mean propagation written on the boolean gates themselves (probabilities of
  independent bits), the same estimate as `mean` on boolean circuits with the default rules
  (`propagation.boolean_mean_propagation`).
- `LayerRules`: mean and covariance propagation through multilayer perceptrons, layer by layer.
Every rule must stay traceable (only + - * on its arguments) for the estimate to stay traceable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .mlp import post_activation, unit_moments


def scale_mean(c: Any, m: Any) -> Any:
    """E[cX] = c E[X]."""
    return c * m


def independent_product_mean(ma: Any, mb: Any) -> Any:
    """E[AB] = E[A] E[B]: the presumption of independence (mean propagation)."""
    return ma * mb


def closure_product_mean(ma: Any, mb: Any, sab: Any) -> Any:
    """E[AB] = E[A] E[B] + Cov(A, B)."""
    return ma * mb + sab


def closure_product_variance(ma: Any, mb: Any, saa: Any, sbb: Any, sab: Any) -> Any:
    """Var(AB) for jointly Gaussian A, B: S_aa S_bb + S_ab^2 + mu_a^2 S_bb + mu_b^2 S_aa + 2 mu_a mu_b S_ab."""
    return saa * sbb + sab * sab + ma * ma * sbb + mb * mb * saa + 2 * ma * mb * sab


def closure_product_covariance(row_a: Any, row_b: Any, ma: Any, mb: Any) -> Any:
    """Cov(W, AB) = Cov(W, A) mu_b + Cov(W, B) mu_a for every live wire W at once (rows of covariances)."""
    return row_a * mb + row_b * ma


@dataclass(frozen=True)
class CircuitRules:
    """The rules of mean and covariance propagation on arithmetic circuits (see the module docstring)."""

    scale: Callable[[Any, Any], Any] = scale_mean  # (c, E[X]) -> E[cX]
    independent_product: Callable[[Any, Any], Any] = independent_product_mean  # (E[A], E[B]) -> E[AB], order 1
    closure_mean: Callable[[Any, Any, Any], Any] = closure_product_mean  # (mu_a, mu_b, S_ab) -> E[AB], order 2
    closure_variance: Callable[[Any, Any, Any, Any, Any], Any] = closure_product_variance
    closure_covariance: Callable[[Any, Any, Any, Any], Any] = closure_product_covariance


def probability_and(pa: Any, pb: Any) -> Any:
    return pa * pb


def probability_or(pa: Any, pb: Any) -> Any:
    return pa + pb - pa * pb


def probability_xor(pa: Any, pb: Any) -> Any:
    return pa + pb - 2 * pa * pb


def probability_not(pa: Any) -> Any:
    return 1 - pa


@dataclass(frozen=True)
class BooleanRules:
    """Mean propagation on boolean gates: the probability that a gate is 1 from its inputs' probabilities,
    as if the inputs were independent."""

    conjunction: Callable[[Any, Any], Any] = probability_and
    disjunction: Callable[[Any, Any], Any] = probability_or
    exclusive_or: Callable[[Any, Any], Any] = probability_xor
    negation: Callable[[Any], Any] = probability_not


@dataclass(frozen=True)
class LayerRules:
    """The per-layer rules of propagation through multilayer perceptrons (numpy floats)."""

    # (activation, pre-activation means, variances) -> post-activation (means, variances), units independent
    unit_moments: Callable[[str, Any, Any], tuple[Any, Any]] = unit_moments
    # (activation, pre-activation mean vector, covariance matrix) -> (mean vector, covariance), Gaussian closure
    post_activation: Callable[[str, Any, Any], tuple[Any, Any]] = post_activation


CIRCUIT_RULES = CircuitRules()
BOOLEAN_RULES = BooleanRules()
LAYER_RULES = LayerRules()
