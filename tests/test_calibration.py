"""calibration (D14): the batch scores are standard normal under an honest error bar, and move away
from 0 when the stated standard error is too small or too large."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, ClassVar

import pytest

from heurcheck.arguments import Arguments
from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.domains.circuit import Circuit, Gate, Gaussian, Input
from heurcheck.errors import InvalidOption
from heurcheck.estimators.base import Estimate, Option
from heurcheck.estimators.reference import Exact, Sampling
from heurcheck.findings import Verdict
from heurcheck.properties.base import Call, Case
from heurcheck.properties.calibration import Calibration, binomial_mid_p_score, chi_square_score


def test_the_chi_square_score_is_the_normal_quantile_of_the_exact_cdf() -> None:
    # with 2 degrees of freedom the CDF is 1 - exp(-s/2): its median is 2 ln 2, its 97.5% point -2 ln 0.025
    assert chi_square_score(2 * math.log(2), 2) == pytest.approx(0.0, abs=1e-12)
    assert chi_square_score(-2 * math.log(0.025), 2) == pytest.approx(1.959964, abs=1e-6)
    assert chi_square_score(-2 * math.log(0.975), 2) == pytest.approx(-1.959964, abs=1e-6)
    assert chi_square_score(10_000.0, 64) > 30  # far in the tail, still finite


def test_the_mid_p_coverage_score_has_mean_zero_and_spread_at_most_one_under_the_binomial_law() -> None:
    k, q = 64, 0.05
    pmf = [math.comb(k, m) * q**m * (1 - q) ** (k - m) for m in range(k + 1)]
    scores = [binomial_mid_p_score(m, k, q) for m in range(k + 1)]
    mean = sum(p * s for p, s in zip(pmf, scores))
    var = sum(p * (s - mean) ** 2 for p, s in zip(pmf, scores))
    assert abs(mean) < 0.02 and 0.9 < var <= 1.0
    assert scores[3] < 0.5 < scores[8]  # 3.2 misses expected


class _Scaled:
    """Monte Carlo reporting `factor` times its standard error (a test double)."""

    name: ClassVar[str] = "scaled-sampling"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "boolean"})
    randomised: ClassVar[bool] = True
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = dict(Sampling.options)
    factor: ClassVar[float] = 1.0

    def __init__(self, samples: int = 10_000, seed: int = 0) -> None:
        self.inner = Sampling(samples, seed)

    def estimate(self, instance: Any, arguments: Arguments) -> Estimate:
        mc = self.inner.estimate(instance, arguments)
        return Estimate(mc.value, self.factor * mc.stderr)


def _score(factor: float, test: int, seed: int = 0) -> float:
    cls = type("S", (_Scaled,), {"factor": factor})
    x = Input("x", Gaussian(Fraction(1, 2), Fraction(1)))
    y = Circuit((x,), (Gate("sq", "mul", ("x", "x")),), "sq")
    case = Case((("Y0", y),), (("Pi0", Arguments()),), (("test", test),))
    call = Call(cls(), reseed=lambda s: cls(seed=s), seed=seed)
    call.begin(case)
    return float(Calibration().evaluate(case, call).lhs)


@pytest.mark.parametrize("test", [0, 1], ids=["mean-square", "coverage"])
def test_a_batch_scores_near_zero_when_honest_and_far_above_when_the_error_bar_is_a_third_too_small(test: int) -> None:
    honest = [_score(1.0, test, seed) for seed in range(4)]
    small = [_score(2 / 3, test, seed) for seed in range(4)]
    assert all(abs(s) < 3.5 for s in honest), honest
    assert sum(small) / 4 > 3, small
    assert _score(1.5, 0) < -3  # an error bar too large is miscalibrated too (mean of z^2 about 0.44)


def test_a_wrong_estimate_with_a_zero_error_bar_is_a_violation_and_an_exact_one_is_left_out() -> None:
    x = Input("x", Gaussian(Fraction(1, 2), Fraction(1)))
    y = Circuit((x,), (Gate("c", "const", (), Fraction(3)),), "c")
    case = Case((("Y0", y),), (("Pi0", Arguments()),), (("test", 0),))

    class Claims(_Scaled):
        def estimate(self, instance: Any, arguments: Arguments) -> Estimate:
            return Estimate(self.value, 0.0)

    for value, violates, applicable in ((3.0, False, False), (3.5, True, True)):
        est = type("C", (Claims,), {"value": value})
        out = Calibration().evaluate(case, Call(est(), reseed=lambda s, est=est: est(seed=s)))
        assert (out.violates, out.applicable) == (violates, applicable), out


def test_calibration_applies_only_to_randomised_estimators_with_a_seed_and_checks_its_parameters() -> None:
    assert "deterministic" in (Calibration().applies(Exact(), "circuit") or "")
    assert Calibration().applies(Sampling(), "boolean") is None
    for domain in ("permanent", "hafnian", "mlp"):  # Monte Carlo runs on every domain, and is calibrated there too
        assert Calibration().applies(Sampling(), domain) is None
    with pytest.raises(InvalidOption, match="level"):
        Calibration(level="1.5")


def test_sampling_is_statistically_consistent_on_a_short_run() -> None:
    settings = CheckSettings(max_examples=20, budget=30, findings_dir=None)
    for domain in ("circuit", "boolean"):
        [f] = check(CheckRequest("sampling", {}, ("calibration",), {}, domain), settings)
        assert f.verdict is Verdict.STATISTICALLY_CONSISTENT and f.cases > 0, f.message


def test_the_mlp_facet_leaves_out_relu_units_that_are_rarely_or_almost_always_active() -> None:
    # relu(x/2 - 2) is positive with probability 3e-5: every one of a sampler's draws is usually 0, its stated
    # error 0 and its estimate wrong, which says nothing about an honest error bar (a card found it at seed 0)
    from heurcheck.domains.mlp import MLP, Layer
    from heurcheck.properties.calibration.mlp import near_normal

    def one_unit(w: Any, b: Any, activation: str = "relu", mean: Any = None, cov: Any = None) -> MLP:
        return MLP(1, (Layer(((Fraction(w),),), (Fraction(b),), activation),), (Fraction(1),), mean, cov)

    assert not near_normal(one_unit("1/2", -2))  # P(active) = 3e-5
    assert not near_normal(one_unit(1, 2))  # P(active) = 0.977
    assert near_normal(one_unit("1/2", "-1/2"))  # P(active) = 0.16
    assert near_normal(one_unit(0, 2))  # constant
    assert near_normal(one_unit("1/2", -2, "erf"))  # bounded and smooth: not a rare event
    # under an explicit law N(2, 4), x/2 - 2 has mean -1 and sd 1: P(active) = 0.16
    assert near_normal(one_unit("1/2", -2, mean=(Fraction(2),), cov=((Fraction(4),),)))
