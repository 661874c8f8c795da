"""matching-sampling (D12): R = mean(err^2) mean(C) / (mean(V) T) per effort level, its intervals and verdicts,
the operation counts behind C and T, the figure and the card section."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from heurcheck import Registry
from heurcheck.arguments import EMPTY, Arguments
from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.cli import main
from heurcheck.domains import get_domain
from heurcheck.domains.circuit import Circuit, Gate, Gaussian, Input
from heurcheck.domains.mlp import MLP, Layer
from heurcheck.estimators.base import Capabilities, Estimate, Option
from heurcheck.estimators.propagation import CovariancePropagation, MeanPropagation
from heurcheck.findings import Finding, Verdict
from heurcheck.numbers import OperationCount
from heurcheck.properties.matching_sampling.mlp import FACET as MLP_FACET
from heurcheck.properties.matching_sampling.statistic import BEATS, INCONCLUSIVE, VIOLATED, Level, judge, ratio

NO_FILES = CheckSettings(findings_dir=None)
IN_PROCESS = CheckSettings(findings_dir=None, isolate="never")  # the test estimators here are plain classes
FAST = {"m": 16, "bootstrap": 400}


def run(estimator: str, domain: str, registry: Registry | None = None, settings: CheckSettings = NO_FILES,
        options: dict[str, Any] | None = None, **params: Any) -> Finding:
    request = CheckRequest(estimator, options or {}, ("matching-sampling",), {"matching-sampling": params}, domain)
    (finding,) = check(request, settings, registry)
    return finding


def levels(finding: Finding) -> list[dict[str, Any]]:
    assert finding.observed is not None, finding.message
    return list(finding.observed["levels"])


class Wasteful:
    """Monte Carlo that draws ten times the samples it uses: it throws away 90% of them."""

    name: ClassVar[str] = "wasteful"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "mlp", "boolean"})
    randomised: ClassVar[bool] = True
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {"samples": Option(int, 64, "draws used"), "seed": Option(int, 0, "seed")}
    effort: ClassVar[tuple[str, tuple[int, ...]]] = ("samples", (64, 256))

    def __init__(self, samples: int = 64, seed: int = 0) -> None:
        self.samples, self.seed = samples, seed

    def estimate(self, instance: Any, arguments: Arguments) -> Estimate:
        domain = get_domain(instance.domain)
        domain.monte_carlo(instance, arguments, 9 * self.samples, self.seed + 1)  # drawn, then thrown away
        mc = domain.monte_carlo(instance, arguments, self.samples, self.seed)
        return Estimate(mc.mean, mc.stderr)

    def samples_drawn(self, instance: Any) -> int:
        return 10 * self.samples


class GlobalNoise:
    """Mean propagation plus a tiny draw from numpy's global random state (not declared randomised)."""

    name: ClassVar[str] = "global-noise"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit"})
    traceable: ClassVar[bool] = False

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        return float(MeanPropagation().estimate(instance, arguments)) + 1e-9 * float(np.random.standard_normal())


def registry_with(*factories: Any) -> Registry:
    registry = Registry.default(entry_points=False)
    for factory in factories:
        registry.register(factory)
    return registry


# --------------------------------------------------------------------------- the statistic


def test_R_is_the_ratio_of_the_mean_squared_error_times_the_mean_cost_to_the_mean_variance_times_T() -> None:
    e2, c, v, t = np.array([1.0, 3.0]), np.array([10.0, 30.0]), np.array([4.0, 4.0]), np.array([5.0, 5.0])
    assert float(ratio(e2, c, v, t)) == pytest.approx(2.0 * 20.0 / (4.0 * 5.0))


def test_holm_decides_a_clearly_worse_and_a_clearly_better_level_and_leaves_a_fair_one_inconclusive() -> None:
    rng = np.random.default_rng(0)
    m = 64
    var = rng.uniform(1.0, 2.0, m)
    t = np.ones(m)

    def level(label: str, factor: float) -> Level:
        e2 = factor * var * rng.chisquare(1, m) / 100
        return Level(label, e2, e2, np.zeros(m), np.full(m, 100.0))

    judged = judge([level("fair", 1.0), level("worse", 30.0), level("better", 0.01)], var, t, 1.0, 0.05, 2000, 0)
    verdicts = {j.label: j.verdict for j in judged}
    assert verdicts["worse"] == VIOLATED and verdicts["better"] == BEATS
    assert verdicts["fair"] == INCONCLUSIVE
    for j in judged:
        assert j.lower <= j.r <= j.upper


def test_a_level_whose_truth_error_exceeds_a_tenth_of_its_mse_is_inconclusive_whatever_its_interval() -> None:
    m = 32
    var = np.ones(m)
    raw = np.full(m, 5.0)
    judged = judge([Level("noisy truth", raw - 1.0, raw, np.full(m, 1.0), np.ones(m))], var, np.ones(m), 1.0, 0.05,
                   500, 0)
    assert judged[0].verdict == INCONCLUSIVE and "truth" in judged[0].why


# --------------------------------------------------------------------------- counting operations


def fixed_circuit() -> Circuit:
    """s = x + y, g = s y, with x ~ N(1, 2), y ~ N(3, 4)."""
    inputs = (Input("x", Gaussian(Fraction(1), Fraction(2))), Input("y", Gaussian(Fraction(3), Fraction(4))))
    return Circuit(inputs, (Gate("s", "add", ("x", "y")), Gate("g", "mul", ("s", "y"))), "g")


def count(estimator: Any, x: Any) -> int:
    tally = OperationCount()
    estimator.estimate(x.map_numbers(tally.wrap), EMPTY)
    return tally.operations


def test_operation_counts_of_mean_and_covariance_on_a_fixed_circuit_equal_a_hand_count() -> None:
    # mean: one addition (s), one multiplication (g).
    assert count(MeanPropagation(), fixed_circuit()) == 2
    # covariance (frontier matrix of 8 slots; operations between two constants of the code are folded):
    # s: mean 1; row cov[x] + cov[y] 2 (the two non-zero entries); var S_xx + 2 S_xy + S_yy 2 (2 S_xy is 2 * 0)
    # g: mean m_s m_y + S_sy 2; row cov[s] m_y + cov[y] m_s 8 + 8 + 8;
    #    var S_ss S_yy + S_sy^2 + m_s^2 S_yy + m_y^2 S_ss + 2 m_s m_y S_sy: 9 multiplications, 4 additions
    assert count(CovariancePropagation(), fixed_circuit()) == (1 + 2 + 2) + (2 + 24 + 13)


def test_a_counted_number_counts_each_operation_and_mixes_with_ints_and_fractions() -> None:
    tally = OperationCount()
    a, b = tally.wrap(2), tally.wrap(3)
    out = (a + b) * Fraction(1, 2) - 1 + b ** 3
    assert out.value == pytest.approx(2.5 - 1 + 27)
    assert tally.operations == 1 + 1 + 1 + 2 + 1


def test_one_sample_of_an_mlp_costs_its_matmuls_activations_and_readout() -> None:
    net = MLP(3, (Layer(((1, 0, 0), (0, 1, 0)), (0, 0), "relu"), Layer(((1, 1),), (0,), "relu")), (1,))
    # layer 1: 2 units x (3 multiplications + 2 additions + bias + relu) = 2 x 7; layer 2: 1 x (2 + 1 + 1 + 1);
    # readout: 1 multiplication
    assert MLP_FACET.sample_cost(net) == 2 * 7 + 5 + 1


def test_flopscope_counts_an_estimator_that_computes_through_its_numpy_namespace() -> None:
    flopscope = pytest.importorskip("flopscope")
    fnp = pytest.importorskip("flopscope.numpy")
    from heurcheck.properties.matching_sampling import flops_of

    w = np.arange(12.0).reshape(4, 3)
    assert flops_of(lambda: fnp.asarray(w) @ fnp.asarray(np.ones(3))) > 0
    if str(flopscope.__version__).startswith("0.12."):  # its prices change between versions
        # a float64 matrix-vector product, 4 x 3: 4 (2 * 3 - 1) operations, priced twice for float64
        assert flops_of(lambda: fnp.asarray(w) @ fnp.asarray(np.ones(3))) == 2 * 4 * (2 * 3 - 1)


def test_flopscope_counts_of_mean_and_covariance_on_a_fixed_mlp_equal_a_hand_count() -> None:
    """x ~ N(0, I_2), one identity layer W = [[1, 2], [3, -1]], b = (1, 0), readout (1, 1). Each operation of
    estimators/mlp.py on this network, priced as flopscope 0.12 prices float64 arrays: 2 per element for an
    element-wise operation, a comparison, a copy or an array built from numbers; 1 per element for eye;
    8 per element for where; 2 M (2K - 1) for an (M x K) (K) product."""
    flopscope = pytest.importorskip("flopscope")
    if not str(flopscope.__version__).startswith("0.12."):
        pytest.skip(f"prices of flopscope {flopscope.__version__} (these are 0.12's)")
    from heurcheck.properties.matching_sampling import flops_of

    net = MLP(2, (Layer(((1, 2), (3, -1)), (1, 0), "identity"),), (1, 1))
    setup = 4 + 8 + 8 + 4 + 4  # eye(2); W built from 4 numbers, reshaped; b; the readout
    moments = 4 + 4 + 4 + 4 + 4 + 16 + 4 + 16  # max(v, 0), v > 0, sqrt, two copies, where, max, where
    output = 4 + 2 * 1 * (2 * 2 - 1)  # the readout built again, its dot product with the means
    mean_layer = 2 * 2 * (2 * 2 - 1) + 4 + 36  # W m, + b, diag(W Sigma W^T) by einsum (flopscope's price, 36)
    covariance_layer = 2 * 2 * (2 * 2 - 1) + 4 + 2 * (2 * 2 * (2 * 2 - 1) * 2)  # W m, + b, W Sigma, (W Sigma) W^T
    assert flops_of(lambda: MeanPropagation().estimate(net, EMPTY)) == setup + mean_layer + moments + output
    assert flops_of(lambda: CovariancePropagation().estimate(net, EMPTY)) == \
        setup + covariance_layer + (4 + moments + 8) + output  # max(diag S, 0), the unit moments, S copied


# --------------------------------------------------------------------------- the property


def test_mean_on_circuits_gets_R_with_an_interval_per_level_and_a_counted_cost() -> None:
    finding = run("mean", "circuit", m=32, bootstrap=400)
    (level,) = levels(finding)
    assert finding.observed is not None and finding.observed["cost"] == "operations"
    assert "counted" in finding.observed["cost_source"]
    assert level["lower"] <= level["R"] <= level["upper"]
    assert finding.observed["mechanistic"] is True


def test_cumulant_is_run_at_each_order_of_its_declared_effort_knob() -> None:
    finding = run("cumulant", "circuit", **FAST)
    assert [lv["effort"] for lv in levels(finding)] == ["order=1", "order=2", "order=3", "order=4"]


def test_a_wasteful_monte_carlo_that_throws_away_90_percent_of_its_samples_is_violated() -> None:
    finding = run("wasteful", "circuit", registry_with(Wasteful), IN_PROCESS, m=32)
    assert finding.verdict is Verdict.VIOLATED, finding.message
    assert any(lv["verdict"] == VIOLATED and lv["lower"] > 1 for lv in levels(finding))


def test_an_estimator_that_reads_the_global_random_state_is_reported_as_sampling_based() -> None:
    finding = run("global-noise", "circuit", registry_with(GlobalNoise), IN_PROCESS, **FAST)
    assert finding.observed is not None and finding.observed["mechanistic"] is False
    assert "sampling-based" in finding.message


def test_an_isolated_plugin_is_rebuilt_at_each_effort_level_in_its_worker() -> None:
    finding = run("wasteful", "circuit", registry_with(Wasteful), CheckSettings(findings_dir=None, isolate="always"),
                  m=8, bootstrap=200)
    assert finding.verdict is not Verdict.ESTIMATOR_ERROR, finding.message
    assert [lv["effort"] for lv in levels(finding)] == ["samples=64", "samples=256"]


def test_a_cost_that_cannot_be_counted_is_wall_time_and_judges_no_level() -> None:
    finding = run("global-noise", "circuit", registry_with(GlobalNoise), IN_PROCESS, **FAST)
    assert finding.observed is not None and finding.observed["cost"] == "seconds"
    assert "wall time" in finding.observed["cost_source"]
    assert finding.verdict is Verdict.INCONCLUSIVE
    assert all(lv["verdict"] == INCONCLUSIVE for lv in levels(finding))


@pytest.mark.slow
def test_an_effort_grid_given_as_a_parameter_replaces_the_declared_one() -> None:
    finding = run("sampling", "boolean", effort="32,128", **FAST)
    assert [lv["effort"] for lv in levels(finding)] == ["samples=32", "samples=128"]


def test_the_floor_is_an_eps_of_the_grid_and_smaller_ones_are_listed_as_not_reached() -> None:
    finding = run("mean", "boolean", eps="1,0.5,0.1,0.001", **FAST)
    assert finding.observed is not None
    floor, missed = finding.observed["floor"], finding.observed["eps_not_reached"]
    assert floor is None or floor in (1, 0.5, 0.1, 0.001)
    assert all(floor is None or e < floor for e in missed)


# --------------------------------------------------------------------------- the figure, the CLI, the card


@pytest.mark.slow
def test_check_saves_the_measurement_and_plot_redraws_its_figure(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from click.testing import CliRunner

    runner = CliRunner()
    result = runner.invoke(main, ["check", "mean", "-p", "matching-sampling", "--domain", "boolean",
                                  "-P", "m=8", "-P", "bootstrap=200", "--findings", str(tmp_path)])
    assert result.exit_code == 0, result.output
    saved = sorted(tmp_path.glob("matching-sampling--mean--*.json"))
    assert len(saved) == 1 and saved[0].with_suffix(".png").exists() and saved[0].with_suffix(".svg").exists()
    result = runner.invoke(main, ["plot", str(saved[0]), "-o", str(tmp_path / "again")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again.png").stat().st_size > 0 and "<svg" in (tmp_path / "again.svg").read_text()


def test_plot_of_a_finding_without_levels_is_a_one_line_input_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    other = Finding("linearity", {}, "mean", {}, "circuit", Verdict.NOT_REFUTED, "random", 0, 10)
    path = tmp_path / "f.json"
    path.write_text(json.dumps(other.to_json()))
    result = CliRunner().invoke(main, ["plot", str(path)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "matching-sampling" in result.output


@pytest.mark.slow
def test_the_html_card_shows_each_measurement_with_its_levels_and_figure() -> None:
    pytest.importorskip("matplotlib")
    from heurcheck.matrix import Cell, ReportCard
    from heurcheck.report import html_page, markdown

    finding = run("mean", "boolean", **FAST)
    card = ReportCard(["mean"], ["matching-sampling"], {("mean", "matching-sampling"):
                                                         Cell("mean", "matching-sampling", [finding])}, 0, 1.0)
    page = html_page(card)
    assert "Matching sampling (D12)" in page and "<svg" in page and levels(finding)[0]["effort"] in page
    assert "R = " in markdown(card)


def test_the_figure_leaves_out_levels_with_no_R_or_no_cost_instead_of_failing() -> None:
    pytest.importorskip("matplotlib")
    from heurcheck.figure import curve, svg

    level = {"effort": "as given", "R": 0.0, "lower": None, "upper": None, "mse": 2.0, "mean_cost": 0.0}
    observed = {"levels": [level, {**level, "effort": "order=2", "R": 0.5, "lower": 0.1, "upper": 2.0,
                                   "mean_cost": 40.0}],
                "mean_variance": 3.0, "mean_variance_interval": [2.0, 4.0], "sample_cost": 10.0, "cost": "operations"}
    finding = Finding("matching-sampling", {}, "mean", {}, "permanent", Verdict.INCONCLUSIVE, "exhaustive", 0, 2,
                      observed=observed)
    assert curve(finding).mse[1] == pytest.approx(0.5 * 3.0 * 10.0 / 40.0)
    assert "<svg" in svg(finding)


def test_an_estimator_that_does_no_counted_arithmetic_costs_one_operation_per_estimate() -> None:
    finding = run("mean", "permanent", **FAST)
    assert all(lv["mean_cost"] >= 1 for lv in levels(finding))


@pytest.mark.parametrize("parameter, expected", [
    ("eps=x", "numbers > 0"), ("kappa=0", "finite number > 0"), ("m=1", "integer >= 2"),
    ("effort=abc", "values of the option samples"), ("alpha=2", "strictly between 0 and 1"),
])
def test_a_bad_parameter_is_a_one_line_error_naming_it(parameter: str, expected: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["check", "sampling", "-p", "matching-sampling", "--domain", "boolean",
                                       "-P", parameter, "--findings", str(tmp_path)])
    assert result.exit_code == 2
    assert result.exit_code == 2 and result.stderr.count("\n") == 1  # one line, no traceback
    assert parameter.split("=")[0] in result.stderr and expected in result.stderr


def test_explain_gives_the_statement_the_statistic_and_the_caveats() -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["explain", "matching-sampling"])
    assert result.exit_code == 0
    for text in ("Competing with sampling", "R = mean(err^2) mean(C) / (mean(V) T)", "Caveats"):
        assert text in result.output


def test_capabilities_read_a_declared_effort_knob_and_ignore_one_that_names_no_option() -> None:
    assert Capabilities.of(Registry.default().factory("sampling")).effort == ("samples", (16, 64, 256, 1024))

    class Bad:
        name = "bad"
        domains = frozenset({"circuit"})
        options: dict[str, Option] = {}
        effort = ("order", (1, 2))

    assert Capabilities.of(Bad).effort is None


# --------------------------------------------------------------------------- the claims (slow)


@pytest.mark.slow
@pytest.mark.parametrize("domain, params", [
    ("mlp", {"m": 32, "width": 8, "depth": 2}),
    ("circuit", {"m": 64}),
    ("boolean", {"m": 64}),
    ("permanent", {"m": 128}),
])
def test_sampling_is_never_violated_and_its_interval_covers_1_over_10_seeds(domain: str, params: dict[str, Any]) -> None:
    """Monte Carlo against itself: R ~ 1. Never violated; a level's interval (family level 5% over four
    levels, Holm) may miss 1 by chance, which at most one seed in ten shows."""
    missing = 0
    for seed in range(10):
        finding = run("sampling", domain, context_seed=seed, **params)
        assert finding.verdict is not Verdict.VIOLATED, finding.message
        judged = [lv for lv in levels(finding) if lv["verdict"] != INCONCLUSIVE or "kappa" in lv["why"]]
        missing += any(not (lv["lower"] <= 1 <= lv["upper"]) for lv in judged)
    assert missing <= 1


@pytest.mark.slow
def test_mean_and_covariance_get_R_with_intervals_on_wide_random_mlps() -> None:
    for name in ("mean", "covariance"):
        finding = run(name, "mlp", m=32, width=64, depth=4, bootstrap=1000)
        (level,) = levels(finding)
        assert level["R"] is not None and level["lower"] is not None and level["upper"] is not None
        assert level["lower"] <= level["R"] <= level["upper"]
        assert finding.observed is not None and finding.observed["mechanistic"] is True
        if finding.observed["flopscope"] is not None:  # counted: the verdict is judged, not left open
            assert finding.observed["cost"] == "operations" and level["verdict"] in (BEATS, VIOLATED, INCONCLUSIVE)


@pytest.mark.slow
def test_a_wasteful_monte_carlo_is_violated_on_mlps() -> None:
    finding = run("wasteful", "mlp", registry_with(Wasteful), IN_PROCESS, m=32, width=8, depth=2)
    assert finding.verdict is Verdict.VIOLATED, finding.message
