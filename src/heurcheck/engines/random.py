"""Random search with Hypothesis: guided towards large violations, then shrunk above a threshold.

Two runs with the same seed:
1. search: generate and `target` (towards large violations in units of tolerance); record every
   case, the first violation (saved at once through `on_violation`) and the worst one;
2. shrink: the same generation, failing only when the violation is at least
   T = max(1, min(margin, worst / 2)) tolerances, so the shrunk case stays clearly above the
   tolerance (the "threshold problem") while Hypothesis minimises its structure.
An estimator failure (exception, NaN, wrong type) is shrunk the same way.

Randomised estimators are judged statistically: each case gives z = (lhs - rhs) / stderr. A case
with |z| above 3 is re-estimated with fresh seeds and pooled (a group-sequential test); the case
is a violation when the pooled |z| exceeds the Bonferroni bound for alpha / 2 over the cases and
rounds. Over all cases, the mean of the z's is tested at alpha / 2 (systematic bias). The
family-wise error rate of a `violated` verdict is at most alpha, under the normal approximation.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

from ..properties.base import Call, Case, EstimatorFailure, Outcome

_NORMAL = NormalDist()
RESAMPLE_ROUNDS = 8
SCREEN_Z = 3.0


class _Stop(Exception):
    """Ends a Hypothesis run from inside the test (budget spent)."""


class _Failing(Exception):
    """Marks a case as failing in the shrink run."""


@dataclass
class SearchResult:
    cases: int = 0
    applicable: int = 0
    witness: tuple[Case, Outcome] | None = None  # the shrunk violation
    worst: tuple[Case, Outcome] | None = None
    failure: tuple[Case, EstimatorFailure] | None = None
    zs: list[float] = field(default_factory=list)
    p_value: float | None = None
    routes: set[str] = field(default_factory=set)
    budget_spent: bool = False
    biased: bool = False
    largest_z: tuple[Case, Outcome] | None = None
    message: str = ""


@dataclass
class RandomEngine:
    max_examples: int
    budget: float
    seed: int
    margin: float = 10.0
    alpha: float = 1e-3
    resample: Callable[[int], Call] | None = None  # a Call on the same estimator with another seed

    name = "random"

    def run(self, prop: Any, call: Call, domain: str,
            on_violation: Callable[[Case, Outcome | EstimatorFailure], None]) -> SearchResult:
        deadline = time.monotonic() + self.budget
        strategy = prop.cases(domain, call.estimator)
        result = SearchResult()
        statistical = call.randomised
        critical = _NORMAL.inv_cdf(1 - self.alpha / (4 * max(1, self.max_examples) * RESAMPLE_ROUNDS))
        announced = False

        def search(case: Case) -> None:
            nonlocal announced
            if time.monotonic() > deadline:
                result.budget_spent = True
                raise _Stop()
            try:
                out = prop.evaluate(case, call)
            except EstimatorFailure as failure:
                result.failure = (case, failure)
                if not announced:
                    announced = True
                    on_violation(case, failure)
                raise _Failing() from None
            result.cases += 1
            if out.route:
                result.routes.add(out.route)
            if not out.applicable:
                return
            result.applicable += 1
            if statistical and out.stderr:
                out = self._sequential(prop, case, out, critical)
                if out.relation == "=":  # only equalities have a difference that should average to zero
                    result.zs.append(_signed_z(out))
                if result.largest_z is None or out.ratio > result.largest_z[1].ratio:
                    result.largest_z = (case, out)
            ratio = out.ratio
            _target(ratio, out.score)
            if self._violates(out, critical, statistical):
                if result.worst is None or ratio > result.worst[1].ratio:
                    result.worst = (case, out)
                if not announced:
                    announced = True
                    on_violation(case, out)

        self._hypothesis(strategy, search, phases=("generate", "target"))
        if result.failure is None and result.worst is None:
            if statistical and result.zs and not result.budget_spent:
                self._pooled(result)
            return result

        # second run: the same generation, failing above a threshold, shrunk by Hypothesis
        threshold = critical if statistical else max(1.0, min(self.margin, result.worst[1].ratio / 2)) \
            if result.worst else 0.0
        shrunk: list[tuple[Case, Any]] = []
        deadline = time.monotonic() + max(self.budget * 0.5, deadline - time.monotonic())

        def shrink(case: Case) -> None:
            if time.monotonic() > deadline:
                raise _Stop()
            try:
                out = prop.evaluate(case, call)
            except EstimatorFailure as failure:
                if result.failure is not None:
                    shrunk.append((case, failure))
                    raise _Failing() from None
                return
            if result.failure is None and out.applicable and out.ratio >= threshold and \
                    self._violates(out, critical, statistical):
                shrunk.append((case, out))
                raise _Failing()

        self._hypothesis(strategy, shrink, phases=("generate", "target", "shrink"))
        if shrunk:
            case, found = shrunk[-1]  # Hypothesis replays the minimal failing case last
            if isinstance(found, EstimatorFailure):
                result.failure = (case, found)
            else:
                result.witness = (case, found)
        elif result.worst is not None:
            result.witness = result.worst
            result.message = "the shrink run did not reproduce the violation; the witness is the worst case, unshrunk"
        return result

    def _violates(self, out: Outcome, critical: float, statistical: bool) -> bool:
        if statistical and out.stderr:
            return out.violation / out.stderr > critical and out.violation > out.tolerance
        return out.violates

    def _sequential(self, prop: Any, case: Case, out: Outcome, critical: float) -> Outcome:
        """Re-estimate a suspicious case with fresh seeds and pool the differences."""
        if self.resample is None or out.violation / out.stderr <= SCREEN_Z:  # type: ignore[operator]
            return out
        diffs, variances = [_signed(out)], [out.stderr**2]  # type: ignore[operator]
        for k in range(1, RESAMPLE_ROUNDS):
            again = prop.evaluate(case, self.resample(self.seed + 7919 * k))
            if not again.stderr:
                break
            diffs.append(_signed(again))
            variances.append(again.stderr**2)
            z = abs(sum(diffs)) / math.sqrt(sum(variances))
            if z > critical or z < 1.0:
                break
        mean = sum(diffs) / len(diffs)
        stderr = math.sqrt(sum(variances)) / len(diffs)
        return Outcome(out.lhs, out.rhs, abs(mean), out.tolerance, out.relation, stderr, out.applicable,
                       out.route, f"pooled over {len(diffs)} seeds" + (f"; {out.detail}" if out.detail else ""))

    def _pooled(self, result: SearchResult) -> None:
        """The mean of the standardised differences over all cases: a test for systematic bias."""
        n = len(result.zs)
        z = abs(sum(result.zs)) / math.sqrt(n)
        p_pooled = 2 * (1 - _NORMAL.cdf(z))
        p_single = 2 * (1 - _NORMAL.cdf(max(abs(v) for v in result.zs))) * n * RESAMPLE_ROUNDS
        result.p_value = min(1.0, 2 * min(p_pooled, p_single))
        if p_pooled < self.alpha / 2:
            result.biased = True
            result.witness = result.largest_z
            result.message = (f"systematic difference: the mean standardised difference over {n} cases is "
                              f"{sum(result.zs) / n:+.3g} (z = {z:.2f}, p = {p_pooled:.2g} < alpha/2 = {self.alpha / 2:g})")

    def _hypothesis(self, strategy: Any, body: Callable[[Case], None], phases: tuple[str, ...]) -> None:
        from hypothesis import HealthCheck, Phase, Verbosity, given, settings
        from hypothesis import seed as hseed

        test = settings(
            max_examples=self.max_examples, deadline=None, database=None, derandomize=False,
            phases=[getattr(Phase, p) for p in ("explicit",) + phases], suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False, print_blob=False, verbosity=Verbosity.quiet,
        )(hseed(self.seed)(given(strategy)(body)))
        try:
            test()
        except (_Stop, _Failing):
            pass


def _signed(out: Outcome) -> float:
    from ..numbers import to_float

    try:
        return to_float(out.lhs) - to_float(out.rhs)
    except TypeError:
        return out.violation


def _signed_z(out: Outcome) -> float:
    return _signed(out) / out.stderr if out.stderr else 0.0


def _target(ratio: float, score: float | None) -> None:
    from hypothesis import target

    target(math.log1p(min(ratio, 1e300)) if math.isfinite(ratio) else 700.0, label="violation / tolerance")
    if score is not None and math.isfinite(score):
        target(score, label="closeness to violation")
