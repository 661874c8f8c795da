"""Properties on the mlp domain through its facets: linearity in the readout."""

from __future__ import annotations

from typing import Any, ClassVar

from heurcheck import Registry
from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.estimators.mlp import mlp_mean
from heurcheck.findings import Verdict
from heurcheck.properties.registry import property_class

COUNTED = CheckSettings(max_examples=60, budget=600, findings_dir=None)  # the case count ends each search


class ReadoutClipped:
    """mean propagation with the readout's negative weights dropped: not linear in the readout."""

    name: ClassVar[str] = "readout-clipped"
    domains: ClassVar[frozenset[str]] = frozenset({"mlp"})

    def estimate(self, instance: Any, arguments: Any) -> float:
        from dataclasses import replace

        return mlp_mean(replace(instance, readout=tuple(max(r, 0) for r in instance.readout)))


def _check(estimator: str, registry: Registry | None = None) -> Any:
    (finding,) = check(CheckRequest(estimator, properties=("linearity",), domain="mlp"), COUNTED, registry)
    return finding


def test_linearity_is_defined_on_mlp_through_its_facet() -> None:
    assert "mlp" in property_class("linearity").defined_on()


def test_propagation_and_the_references_are_linear_in_the_readout() -> None:
    for name in ("mean", "covariance", "exact"):
        finding = _check(name)
        assert finding.verdict is Verdict.NOT_REFUTED and finding.cases > 0, (name, finding.message)
    assert _check("sampling").verdict is Verdict.STATISTICALLY_CONSISTENT


def test_a_readout_that_is_not_used_linearly_is_caught_and_the_witness_shows_why() -> None:
    registry = Registry.default()
    registry.register(ReadoutClipped)
    finding = _check("readout-clipped", registry)
    assert finding.verdict is Verdict.VIOLATED, finding.message
    assert finding.witness is not None
    # the witness shows the cause: a negative readout weight (which the estimator drops)
    readouts = [finding.witness["instances"][k]["readout"] for k in ("X", "Y", "Z")]
    assert any(float(r) < 0 for readout in readouts for r in readout), readouts


class LastReluForgotten:
    """mean propagation that skips the last layer's activation: its estimate can be negative."""

    name: ClassVar[str] = "last-relu-forgotten"
    domains: ClassVar[frozenset[str]] = frozenset({"mlp"})

    def estimate(self, instance: Any, arguments: Any) -> float:
        from dataclasses import replace

        last = replace(instance.layers[-1], activation="identity")
        return mlp_mean(replace(instance, layers=instance.layers[:-1] + (last,)))


def _bounded(estimator: str, registry: Registry | None = None) -> Any:
    (finding,) = check(CheckRequest(estimator, properties=("boundedness",), domain="mlp"), COUNTED, registry)
    return finding


def test_a_non_negative_network_gets_a_non_negative_estimate_from_every_built_in() -> None:
    assert "mlp" in property_class("boundedness").defined_on()
    for name in ("mean", "covariance", "exact", "sampling"):
        finding = _bounded(name)
        assert finding.verdict is Verdict.NOT_REFUTED and finding.cases > 0, (name, finding.message)


def test_an_estimator_that_forgets_the_last_relu_is_caught_below_zero() -> None:
    registry = Registry.default()
    registry.register(LastReluForgotten)
    finding = _bounded("last-relu-forgotten", registry)
    assert finding.verdict is Verdict.VIOLATED, finding.message
    assert finding.observed is not None and finding.observed["relation"] == ">=" and finding.observed["rhs"]["value"] == 0.0
