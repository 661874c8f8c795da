"""The whest adapter: an estimator written for the whestbench challenge, run on mlp instances (isolated)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("whestbench", reason="the optional extra heurcheck[whest] (whestbench) is not installed")

from heurcheck.arguments import Arguments  # noqa: E402
from heurcheck.checker import CheckRequest, CheckSettings, check  # noqa: E402
from heurcheck.domains.mlp import research_mlp  # noqa: E402
from heurcheck.errors import OutsideDomain  # noqa: E402
from heurcheck.estimators.mlp import mlp_mean  # noqa: E402
from heurcheck.estimators.whest import WhestAdapter, whest_shape  # noqa: E402
from heurcheck.findings import Verdict  # noqa: E402

TOYS = Path(__file__).resolve().parent / "whest" / "toy_estimators.py"
ADAPTER = "heurcheck.estimators.whest:WhestAdapter"


def test_an_estimator_in_the_whestbench_interface_agrees_with_mean_propagation() -> None:
    adapter = WhestAdapter(estimator=f"{TOYS}:IndependentUnits")
    for seed in range(3):
        net = research_mlp(depth=3, width=6, seed=seed).map_numbers(float)
        assert adapter.estimate(net, Arguments()) == pytest.approx(mlp_mean(net), rel=1e-9)


def test_whestbench_s_own_reference_estimator_runs_through_the_adapter() -> None:
    net = research_mlp(depth=2, width=5, seed=1).map_numbers(float)
    assert WhestAdapter().estimate(net, Arguments()) == pytest.approx(mlp_mean(net), rel=1e-6)


def test_networks_of_another_shape_are_outside_its_domain() -> None:
    net = research_mlp(depth=2, width=4, seed=0)
    assert whest_shape(net) is None
    assert "bias" in str(whest_shape(research_mlp(depth=2, width=4, seed=0, bias_std=1.0)))
    assert "erf" in str(whest_shape(research_mlp(depth=2, width=4, seed=0, activation="erf")))
    assert "4 x 3" in str(whest_shape(research_mlp(depth=1, width=4, seed=0, input_dim=3)))
    with pytest.raises(OutsideDomain, match="relu"):
        WhestAdapter().estimate(replace(net, layers=(replace(net.layers[0], activation="erf"),) + net.layers[1:]),
                                Arguments())


@pytest.mark.slow
def test_checked_as_a_plugin_it_runs_isolated_and_is_exact_at_depth_one() -> None:
    settings = CheckSettings(max_examples=10, budget=300, findings_dir=None)
    request = CheckRequest(ADAPTER, {"estimator": f"{TOYS}:IndependentUnits"}, ("accuracy",),
                           {"accuracy": {"n": 1}}, "mlp")
    (finding,) = check(request, settings)
    assert finding.verdict is Verdict.NOT_REFUTED, finding.message


@pytest.mark.slow
def test_an_estimator_that_overspends_its_flop_budget_is_an_estimator_error() -> None:
    settings = CheckSettings(max_examples=10, budget=300, findings_dir=None)
    request = CheckRequest(ADAPTER, {"estimator": f"{TOYS}:Spendthrift", "budget": "1000"}, ("accuracy",),
                           {"accuracy": {"n": 1}}, "mlp")
    (finding,) = check(request, settings)
    assert finding.verdict is Verdict.ESTIMATOR_ERROR and "Budget" in finding.message, finding.message
