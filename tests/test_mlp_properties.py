"""Properties on the mlp domain through its facets: linearity in the readout."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

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


@pytest.mark.slow  # each runs the checker for 60 cases or more: 10 to 25 s on a loaded machine
def test_propagation_and_the_references_are_linear_in_the_readout() -> None:
    for name in ("mean", "covariance", "exact"):
        finding = _check(name)
        assert finding.verdict is Verdict.NOT_REFUTED and finding.cases > 0, (name, finding.message)
    assert _check("sampling").verdict is Verdict.STATISTICALLY_CONSISTENT


@pytest.mark.slow  # each runs the checker for 60 cases or more: 10 to 25 s on a loaded machine
def test_a_readout_that_is_not_used_linearly_is_caught_and_the_witness_shows_why() -> None:
    registry = Registry.default()
    registry.register(ReadoutClipped)
    finding = _check("readout-clipped", registry)
    assert finding.verdict is Verdict.VIOLATED, finding.message
    assert finding.witness is not None
    # the witness shows the cause: a negative readout weight (which the estimator drops)
    readouts = [finding.witness["instances"][k].get("readout", [1]) for k in ("X", "Y", "Z")]  # [1]: the default
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


@pytest.mark.slow  # each runs the checker for 60 cases or more: 10 to 25 s on a loaded machine
def test_a_non_negative_network_gets_a_non_negative_estimate_from_every_built_in() -> None:
    assert "mlp" in property_class("boundedness").defined_on()
    for name in ("mean", "covariance", "exact", "sampling"):
        finding = _bounded(name)
        assert finding.verdict is Verdict.NOT_REFUTED and finding.cases > 0, (name, finding.message)


@pytest.mark.slow  # each runs the checker for 60 cases or more: 10 to 25 s on a loaded machine
def test_an_estimator_that_forgets_the_last_relu_is_caught_below_zero() -> None:
    registry = Registry.default()
    registry.register(LastReluForgotten)
    finding = _bounded("last-relu-forgotten", registry)
    assert finding.verdict is Verdict.VIOLATED, finding.message
    assert finding.observed is not None and finding.observed["relation"] == ">=" and finding.observed["rhs"]["value"] == 0.0


# --------------------------------------------------------------------------- exactness


def _exactness(estimator: str, registry: Registry | None = None) -> Any:
    (finding,) = check(CheckRequest(estimator, properties=("exactness",), domain="mlp"), COUNTED, registry)
    return finding


def test_the_degree_in_the_first_layers_outputs_says_what_each_order_must_get_right() -> None:
    from fractions import Fraction

    from heurcheck.domains.mlp import MLP, Layer
    from heurcheck.properties.exactness.mlp import FACET

    one = Fraction(1)
    relu = Layer(((one,),), (one,), "relu")
    assert FACET.degree(MLP(1, (relu,), (one,))) == 1  # depth 1: mean propagation is exact
    square = Layer(((one,),), (0,), "square")
    identity = Layer(((one,),), (0,), "identity")
    assert FACET.degree(MLP(1, (relu, identity, square), (one,))) == 2  # the Gaussian closure is exact
    assert FACET.degree(MLP(1, (relu, square, square), (one,))) == 4  # beyond both: outside their domain


@pytest.mark.slow
def test_propagation_and_the_references_are_exact_where_they_claim_to_be() -> None:
    assert "mlp" in property_class("exactness").defined_on()
    for name in ("mean", "covariance", "exact"):
        finding = _exactness(name)
        assert finding.verdict is Verdict.NOT_REFUTED and finding.cases > 0, (name, finding.message)
    assert _exactness("sampling").verdict is Verdict.STATISTICALLY_CONSISTENT


def test_covariance_equals_the_closed_form_at_depth_one_across_relu_and_erf() -> None:
    from heurcheck.domains.mlp import closed_form, research_mlp
    from heurcheck.estimators.mlp import mlp_covariance

    for activation in ("relu", "erf"):
        for seed in range(3):
            net = research_mlp(depth=1, width=16, seed=seed, activation=activation, bias_std=0.5)
            expected = closed_form(net)
            assert expected is not None
            assert abs(mlp_covariance(net) - expected) <= 1e-9 * abs(expected), (activation, seed)


# --------------------------------------------------------------------------- accuracy


def _accuracy(estimator: str, **params: Any) -> Any:
    request = CheckRequest(estimator, properties=("accuracy",), parameters={"accuracy": params}, domain="mlp")
    (finding,) = check(request, COUNTED)
    return finding


def test_sampled_moments_have_standard_errors_over_the_law_or_from_the_truths_alone() -> None:
    from heurcheck.properties.accuracy import _Sampled

    rows = [(1.0, 0.1, 0.5, 0.0), (2.0, 0.1, 1.5, 0.0), (3.0, 0.1, 2.5, 0.0)]  # Y - G = 1/2 always
    over_law = _Sampled(rows, sampled=True)
    lhs, rhs, se = over_law.moment("one")
    assert (lhs, rhs, se) == (2.0, 1.5, 0.0)  # no spread over the networks
    assert _Sampled(rows, sampled=False).moment("one")[2] == pytest.approx((3 * 0.01) ** 0.5 / 3)
    report = over_law.report()
    assert report["beta"]["value"] == pytest.approx(1.0) and report["mean_error"]["value"] == pytest.approx(0.5)
    assert report["r_squared"]["value"] == pytest.approx(1.0) and report["truth"].startswith("Monte Carlo")


@pytest.mark.slow
def test_covariance_is_accurate_at_depth_one_and_biased_on_deep_relu_networks_beyond_its_standard_error() -> None:
    shallow = _accuracy("covariance", n=1)
    assert shallow.verdict is Verdict.NOT_REFUTED, shallow.message  # never proved: D is a sample
    assert "truth: exact" in shallow.message
    deep = _accuracy("covariance", n=2)
    assert deep.verdict is Verdict.VIOLATED, deep.message
    assert "Monte Carlo" in deep.message and "+-" in deep.message and "beta" in deep.message
    report = deep.observed
    assert report["mean_error"]["value"] < 0 and report["beta"]["stderr"] > 0 and report["r_squared"]["stderr"] > 0
