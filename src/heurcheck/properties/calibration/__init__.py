"""calibration (D14): a randomised estimator's stated standard error is honest.

    z = (G(Y | Pi) - E[Y | Pi]) / stderr(G(Y | Pi))  is about N(0, 1):
    E[z^2] = 1, and Pr[|z| <= z_(1+c)/2] = c (the interval G +- z_(1+c)/2 stderr covers at its nominal rate c).

Form [I] (a reconstruction: the reference asks for honest error bars, these tests are a choice made
visible). One case is a batch of k = `instances` x `repeats` estimates: `instances` quantities Y
drawn from the domain's facet, each estimated `repeats` times with independent seeds (the checker
reseeds every call), and each estimate's z against the exact truth E[Y | Pi]. The batch gives one
statistic (parameter `test`; with `both`, each case draws one of the two):
- `mean-square`: S = z_1^2 + ... + z_k^2, chi-square with k degrees of freedom under the hypothesis;
  its score is the normal quantile of the exact chi-square CDF at S (positive when the stated errors
  are too small, negative when too large);
- `coverage`: M = the number of intervals that miss the truth, Binomial(k, 1 - c); its score is the
  normal quantile of the mid-p value of M.
Each score is N(0, 1) under the hypothesis (exactly for `mean-square`, at most that spread for the
mid-p score), so the random engine's statistical machinery applies unchanged: a batch with a large
score is re-estimated with fresh seeds and pooled (Bonferroni over cases and rounds), and the mean
score over batches is tested sequentially (after 16, 32, 64, ... batches, alpha/2 spread evenly
over the looks); the family error rate of `violated` is at most alpha (0.001). With the default
batch (one quantity, 64 estimates), a stderr 25% too small (z 1.33 times too wide, E[z^2] = 1.78)
gives a typical mean-square score of 3.7, 20% too small 2.8, and a stderr 41% too large (E[z^2] =
1/2) -3.5.
An estimate with a standard error within tolerance of 0 is exact or wrong: within tolerance of the
truth it is left out of the batch (it claims nothing to calibrate); otherwise it is a violation by
itself (an error bar of zero on a wrong value).
The facets draw quantities where a Monte Carlo mean of 10,000 draws is close to normal (the
hypothesis being tested): on circuits, outputs of degree at most `max_degree` (default 2) of at
most two inputs; on boolean circuits, probabilities of circuits on at most three fair bits (every
non-constant one in [1/8, 7/8]); on permanents, perm(A) of +-1 matrices of order at most 3; on hafnians,
haf(Sigma) of covariances of order 2 or 4 and rank at most 2 with no zero variance; on mlps, one relu, erf
or identity layer of at most three units (a closed-form or polynomial truth).
Parameters: `test`, `level` (c), `instances`, `repeats`, `max_gates`, `max_degree`, tolerances.
Domains: circuit, boolean, permanent, hafnian, mlp. Applies to randomised estimators that take a `seed` option (independent
draws per call); deterministic estimators state no error bar. Tolerance: only for the zero-stderr
case (abs_tol + rel_tol * |truth|).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any, ClassVar, Protocol

from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains import get_domain
from ...errors import InvalidOption, TruthTooExpensive
from ...estimators.base import Capabilities
from ...numbers import to_float
from ..base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, tolerance

TESTS = ("both", "mean-square", "coverage")
STATISTICS = ("mean-square", "coverage")
_NORMAL = NormalDist()


class CalibrationFacet(Protocol):
    """What calibration needs of a domain."""

    def instances(self, max_gates: int, max_degree: int) -> Any:
        """The strategy Y is drawn from: quantities whose Monte Carlo mean is close to normal."""
        ...

    def arguments(self, y: Any) -> Any:
        """A strategy of argument sets about `y` (Pi: what is revealed)."""
        ...


class Calibration(PropertyBase):
    """(G(Y | Pi) - E[Y | Pi]) / stderr is standard normal: mean square 1, intervals cover at their nominal rate."""

    name: ClassVar[str] = "calibration"
    code: ClassVar[str] = "D14"
    parameters: ClassVar[dict[str, Parameter]] = {
        "test": Parameter(str, "both", "mean-square (sum of z^2), coverage (misses of the c-interval) or both", TESTS),
        "level": Parameter(float, 0.95, "nominal coverage c of the interval G +- z_(1+c)/2 stderr"),
        "instances": Parameter(int, 1, "quantities per case"),
        "repeats": Parameter(int, 64, "independent estimates of each quantity per case"),
        "max_gates": Parameter(int, 3, "largest circuit drawn"),
        "max_degree": Parameter(int, 2, "highest degree of a circuit's output (arithmetic circuits)"),
        **TOLERANCE_PARAMETERS,
    }

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        if not 0 < float(self.params["level"]) < 1:
            raise InvalidOption(f"parameter level={self.params['level']!r} of property 'calibration': expected a "
                                "coverage strictly between 0 and 1")
        for key in ("instances", "repeats"):
            if int(self.params[key]) < 1:
                raise InvalidOption(f"parameter {key}={self.params[key]!r} of property 'calibration': expected "
                                    "at least 1")

    def applies(self, estimator: Any, domain: str) -> str | None:
        reason = super().applies(estimator, domain)
        if reason is not None:
            return reason
        caps = Capabilities.of(estimator)
        if not caps.randomised:
            return f"{estimator.name} is deterministic: it states no standard error to calibrate"
        if not caps.reseedable:
            return f"{estimator.name} takes no seed option: its estimates cannot be drawn independently"
        return None

    def cases(self, domain: str, estimator: Any) -> Any:
        facet: CalibrationFacet = self.facet(domain)
        base = facet.instances(self.params["max_gates"], self.params["max_degree"])
        n = int(self.params["instances"])
        tests = STATISTICS if self.params["test"] == "both" else (self.params["test"],)

        @st.composite
        def build(draw: Any) -> Case:
            ys = [draw(base) for _ in range(n)]
            pis = [draw(facet.arguments(y)) for y in ys]
            which = STATISTICS.index(draw(st.sampled_from(tests)))
            return Case(tuple((f"Y{i}", y) for i, y in enumerate(ys)),
                        tuple((f"Pi{i}", pi) for i, pi in enumerate(pis)), (("test", which),))

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        level = float(self.params["level"])
        half_width = _NORMAL.inv_cdf((1 + level) / 2)
        zs: list[float] = []
        for (name, y), (_, pi) in zip(case.instances, case.arguments):
            pi.check(y)
            try:
                truth = to_float(get_domain(y.domain).truth(y, pi))
            except TruthTooExpensive:
                continue
            for _ in range(int(self.params["repeats"])):
                g = call(y, pi)
                value, stderr = to_float(g.value), float(g.stderr or 0.0)
                tol = tolerance(self.params, truth)
                if stderr <= tol:  # an error bar of zero: exact, or wrong with nothing to show for it
                    gap = abs(value - truth)
                    if gap > tol:
                        return Outcome(value, truth, gap, tol, "=", detail=(
                            f"G({name} | Pi) = {value:.6g} with standard error {stderr:.3g}, truth {truth:.6g}: "
                            "a wrong estimate with no error bar"))
                    continue
                zs.append((value - truth) / stderr)
        if not zs:
            return Outcome(0, 0, 0.0, 0.0, applicable=False, detail="every estimate was exact (standard error 0)")
        k = len(zs)
        square = sum(z * z for z in zs)
        misses = sum(abs(z) > half_width for z in zs)
        if STATISTICS[int(case.number("test"))] == "mean-square":
            score = chi_square_score(square, k)
            shown = f"mean of z^2 over {k} estimates {square / k:.4g} (1 expected)"
        else:
            score = binomial_mid_p_score(misses, k, 1 - level)
            shown = (f"{misses} of {k} intervals at {level:g} missed the truth "
                     f"({k * (1 - level):.3g} expected)")
        return Outcome(score, 0.0, abs(score), 0.0, "=", stderr=1.0,
                       detail=f"normal score of the batch: {shown}; largest |z| {max(map(abs, zs)):.3g}")


def chi_square_score(s: float, k: int) -> float:
    """The standard normal quantile of the chi-square CDF with k degrees of freedom at s, from the
    nearer tail (exact to double precision far into both tails)."""
    import mpmath  # a sympy dependency, imported where used

    lower = float(mpmath.gammainc(k / 2, 0, s / 2, regularized=True))
    if lower < 0.5:
        return _NORMAL.inv_cdf(max(lower, 1e-300))
    upper = float(mpmath.gammainc(k / 2, s / 2, mpmath.inf, regularized=True))
    return -_NORMAL.inv_cdf(max(upper, 1e-300))


def binomial_mid_p_score(m: int, k: int, q: float) -> float:
    """The standard normal quantile of the mid-p value of m successes in Binomial(k, q): large when
    m is large. Its mean is 0 and its spread at most 1 under the binomial law."""
    pmf = [math.comb(k, i) * q**i * (1 - q) ** (k - i) for i in range(k + 1)]
    below, above = sum(pmf[:m]), sum(pmf[m + 1:])
    lower, upper = below + pmf[m] / 2, above + pmf[m] / 2
    if lower < 0.5:
        return _NORMAL.inv_cdf(max(lower, 1e-300))
    return -_NORMAL.inv_cdf(max(upper, 1e-300))


__all__ = ["Calibration", "CalibrationFacet", "Arguments", "binomial_mid_p_score", "chi_square_score"]
