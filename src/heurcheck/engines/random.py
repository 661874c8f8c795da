"""Random search with Hypothesis: cases drawn at random, shrunk above a margin.

One Hypothesis run per check, seeded. For a deterministic estimator the `random` engine draws every
case afresh from the space's strategy with Hypothesis's own random choices but without its generation
heuristics (its tree of seen choice sequences, its copies of spans between cases, its hill-climbing of
`target` scores): those cost 0.5 to 1.2 ms a case on a 2-core machine, a third of a check's time on an
estimator of 1 ms per call, and in the planted-fault suite they found no fault on more seeds and mostly
later (BENCHMARKS 6.10). The `guided` engine keeps them, and so does every search of a randomised
estimator, whose violations are statistical: it `target`s large violations (in units of tolerance, or
of the standard error) and how close an inequality comes to failing. Both hand a failing case to
Hypothesis's shrinker. A case fails when its
violation is at least `margin` tolerances (or, for randomised estimators, above the critical z),
so Hypothesis shrinks it while keeping it clearly above the tolerance (the "threshold problem").
The first violation is saved at once through `on_violation`; the result reports the shrunk case
and the worst one seen. A violation above the tolerance but below the margin is reported
unshrunk. An estimator failure (exception, NaN, wrong type) is shrunk the same way, and the smallest
erroring case seen is reported when Hypothesis's minimal one (in its order of choices) is larger. When the
budget runs out during shrinking, cases already seen to fail still fail and new ones pass, so
Hypothesis finishes promptly with the smallest failing case found so far.

Randomised estimators are judged statistically: each case gives z = (lhs - rhs) / stderr. A case
with |z| above 3 is re-estimated with fresh seeds and pooled (a group-sequential test); the case
is a violation when the pooled |z| exceeds the Bonferroni bound for alpha / 2 over the cases and
rounds. The mean of the z's over distinct cases (systematic bias, invisible in any single case)
is tested sequentially with the other alpha / 2, at a schedule of looks fixed before the search
(see `PooledBiasTest`), so a biased estimator is reported as soon as the evidence suffices instead
of when the budget runs out. The family-wise error rate of a `violated` verdict is at most alpha,
under the normal approximation.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from statistics import NormalDist
from typing import Any, ClassVar

from ..clock import in_gc_callback
from ..estimators.base import Estimator
from ..findings import Verdict
from ..numbers import to_float
from ..properties.base import Call, Case, EstimatorFailure, NotApplicable, Outcome, Property, evaluate_case
from ..properties.space import CaseSpace
from .base import CaseGenerationError, Decision, OnFinding, SearchOptions, SharedViolations

_NORMAL = NormalDist()
RESAMPLE_ROUNDS = 8
SCREEN_Z = 3.0
FIRST_SHARE = 0.1  # of the cases, for the small structures searched first (CaseSpace.first)
FLAKY_RETRIES = 3  # searches retried, each with a derived seed, after Hypothesis reports inconsistent generation
# Hypothesis plans every search as one of at least this many cases, and the engine stops it at the count asked
# for: the guided engine's choices depend on the number of cases it plans for (how many small cases first, when
# to start targeting; the plain generation's do not), so this makes a search of N cases the first N cases of any longer one with the same seed (the
# report card's 150 cases are the start of `heurcheck check`'s 5,000, and find what it finds there)
SEARCH_PLAN = 5000
# the plain generation has no tree of the choice sequences it has run, so it cannot tell that a small space is
# used up: the search ends after this many draws in a row of cases already evaluated
REPEATS_IN_A_ROW = 500
# Hypothesis runs its generation heuristics only on the backend named "hypothesis"; its own random provider
# registered under another name draws the same way without them (`settings.backend`, see `_plain_backend`)
PLAIN_BACKEND = "heurcheck-plain"


class _Stop(BaseException):
    """Ends a Hypothesis run from inside the test once the budget is spent and nothing fails (a BaseException,
    so Hypothesis lets it through at once: as an Exception it was a failure that Hypothesis replayed and began
    to shrink, 0.05 to 0.2 s more on a check stopped by its budget)."""


class _Failing(Exception):
    """Marks a case as failing in the shrink run."""


class _Deadline(BaseException):
    """Raised by a timer when the budget (plus a grace second) is spent. A BaseException, so
    Hypothesis lets it through at once instead of treating it as a failing test."""


class _FlakyGeneration(BaseException):
    """Hypothesis reported that the strategy drew differently on replay (its `Flaky` errors): the
    search is retried with a derived seed rather than turned into an inconclusive verdict."""


class _Enough(BaseException):
    """Ends a Hypothesis run once the search has evaluated the number of cases asked for and found no
    failure (a BaseException, so Hypothesis lets it through at once)."""


class _Decided(BaseException):
    """Ends a Hypothesis run once the pooled bias test has rejected: nothing is left to search or
    shrink (a BaseException, so Hypothesis lets it through at once)."""


@dataclass
class SearchResult:
    cases: int = 0
    applicable: int = 0
    witness: tuple[Case, Outcome] | None = None  # the shrunk violation
    worst: tuple[Case, Outcome] | None = None
    failure: tuple[Case, EstimatorFailure] | None = None
    zs: dict[str, float] = field(default_factory=dict)  # one standardised difference per distinct case
    p_value: float | None = None
    routes: set[str] = field(default_factory=set)
    budget_spent: bool = False
    biased: bool = False
    largest_z: tuple[Case, Outcome] | None = None
    message: str = ""
    notes: list[str] = field(default_factory=list)  # said with a verdict that has no witness (a retried search)

    def decision(self, engine: str, options: SearchOptions, randomised: bool) -> Decision:
        """The verdict this search supports: a witness, or how much evidence there is and how weak."""
        route = ", ".join(sorted(self.routes)) or None
        capped = self.budget_spent
        if self.failure is not None:
            return Decision.of_witness(engine, self.cases, *self.failure, message=self.message, route=route,
                                       capped=capped)
        if self.witness is not None:
            return Decision.of_witness(engine, self.cases, *self.witness, message=self.message, route=route,
                                       worst=self.worst, capped=capped)
        retried = "".join(f"; {note}" for note in self.notes)
        if self.cases == 0:
            why = "the budget ran out before any case was evaluated" if self.budget_spent else "no case was evaluated"
            return Decision(Verdict.INCONCLUSIVE, engine, self.cases, why + retried, route=route, capped=capped)
        if self.applicable == 0:
            return Decision(Verdict.VACUOUS, engine, self.cases,
                            f"the precondition held in none of the {self.cases} cases tried{retried}", route=route,
                            capped=capped)
        budget = " (stopped by the budget)" if self.budget_spent else ""
        if randomised and self.p_value is not None:
            return Decision(Verdict.STATISTICALLY_CONSISTENT, engine, self.applicable,
                            f"no significant violation in {self.applicable} cases{budget}; "
                            f"family p-value {self.p_value:.3g}{retried}", route=route, p_value=self.p_value,
                            capped=capped)
        return Decision(Verdict.NOT_REFUTED, engine, self.applicable,
                        f"no counterexample in {self.applicable} cases{budget} (seed {options.seed}); not a proof"
                        f"{retried}", route=route, capped=capped)


@dataclass
class PooledBiasTest:
    """The sequential test for systematic bias of a randomised estimator, with its alpha spent over looks.

    Statistic: over the first n distinct cases, Z_n = (z_1 + ... + z_n) / sqrt(n) with z_i the signed
    standardised difference of case i; under the null hypothesis (no bias) the z_i are independent
    (each case draws its own seeds) and about N(0, 1), so Z_n is about N(0, 1) at every n.

    Looks: at n = FIRST_LOOK, 2 FIRST_LOOK, 4 FIRST_LOOK, ... up to `max_examples`, a schedule fixed
    before the search, plus one final look at whatever n the search ends with. Alpha spending:
    Bonferroni over those L looks (a constant two-sided boundary, as in Pocock's design, with the
    conservative Bonferroni level instead of Pocock's exact constant), so each look rejects when
    p_n < alpha / L, and the chance that any look rejects under the null is at most alpha whatever
    the correlation between looks. Doubling keeps L logarithmic in max_examples (10 looks for
    5,000 examples: |Z| > 4.06 at alpha = 5e-4), so stopping early costs little power at the end;
    a bias of b standard errors per case is found at the first look with n > (4.06 / b)^2 or so.
    """

    alpha: float  # the family error rate given to this test
    looks: tuple[int, ...]  # the scheduled case counts; the final look is one more
    smallest_p: float = 1.0  # the smallest two-sided p-value seen at any look

    FIRST_LOOK: ClassVar[int] = 16

    @classmethod
    def for_search(cls, alpha: float, max_examples: int) -> PooledBiasTest:
        looks, n = [], cls.FIRST_LOOK
        while n <= max_examples:
            looks.append(n)
            n *= 2
        return cls(alpha, tuple(looks))

    @property
    def alpha_per_look(self) -> float:
        return self.alpha / (len(self.looks) + 1)

    @property
    def adjusted_p(self) -> float:
        """The smallest p-value over the looks, Bonferroni-adjusted for their number."""
        return min(1.0, self.smallest_p * (len(self.looks) + 1))

    def look(self, zs: list[float]) -> tuple[float, float, bool]:
        """(Z_n, its two-sided p-value, whether this look rejects) over the z's given."""
        z = abs(sum(zs)) / math.sqrt(len(zs))
        p = 2 * (1 - _NORMAL.cdf(z))
        self.smallest_p = min(self.smallest_p, p)
        return z, p, p < self.alpha_per_look


@dataclass(frozen=True)
class RandomEngine:
    """Hypothesis search of the space's `draw` strategy: plain random generation for deterministic estimators,
    guided for randomised ones (see the module docstring)."""

    options: SearchOptions = SearchOptions()
    name: ClassVar[str] = "random"
    guided: ClassVar[bool] = False  # Hypothesis's generation heuristics and targeting (the `guided` engine)

    def fits(self, space: CaseSpace, estimator: Estimator) -> str | None:
        return None if space.draw is not None else f"the property offers no cases to draw on the {space.domain} domain"

    def decide(self, prop: Property, space: CaseSpace, call: Call, budget: float, on_finding: OnFinding) -> Decision:
        shared = SharedViolations(prop, call)
        result = self.search(prop, space, call, budget, on_finding, shared)
        return shared.decided(result.decision(self.name, self.options, call.randomised))

    def search(self, prop: Property, space: CaseSpace, call: Call, budget: float,
               on_violation: OnFinding, shared: SharedViolations | None = None) -> SearchResult:
        """One seeded search; retried with a derived seed (the same for every run, so the verdict stays
        reproducible) when Hypothesis reports inconsistent data generation, and said so in the verdict."""
        deadline = time.monotonic() + budget
        head = self._search_first(prop, space, call, budget, on_violation, shared)
        if head is not None and (head.witness is not None or head.failure is not None):
            return head
        notes: list[str] = []
        for attempt in range(FLAKY_RETRIES + 1):
            seed = derived_seed(self.options.seed, attempt)
            try:
                result = self._search(prop, space, call, max(0.0, deadline - time.monotonic()), on_violation, seed,
                                      shared, self.options.max_examples - (head.cases if head else 0))
            except _FlakyGeneration as exc:
                notes.append(f"the search with seed {seed} was retried: Hypothesis reported {exc}")
                continue
            result.notes[:0] = notes
            if head is not None:
                result.cases += head.cases
                result.applicable += head.applicable
                result.routes |= head.routes
            return result
        seeds = ", ".join(str(derived_seed(self.options.seed, a)) for a in range(FLAKY_RETRIES + 1))
        raise CaseGenerationError(f"Hypothesis reported inconsistent data generation in each of "
                                  f"{FLAKY_RETRIES + 1} searches (seeds {seeds}); the last: {notes[-1]}")

    def _search_first(self, prop: Property, space: CaseSpace, call: Call, budget: float, on_violation: OnFinding,
                     shared: SharedViolations | None) -> SearchResult | None:
        """The search over the cases the space names first (`CaseSpace.first`), with FIRST_SHARE of the
        cases (a count, so the verdict does not depend on the machine's speed); None
        when there is none to search. Deterministic estimators only: the statistical tests of randomised
        ones count their looks over one search."""
        if space.first is None or call.randomised:
            return None
        cases = max(1, int(self.options.max_examples * FIRST_SHARE))
        try:
            return self._search(prop, replace(space, draw=space.first, first=None), call, budget, on_violation,
                                self.options.seed, shared, cases)
        except _FlakyGeneration:
            return None  # the whole search follows, with its own retries

    def _search(self, prop: Property, space: CaseSpace, call: Call, budget: float, on_violation: OnFinding,
                seed: int, shared: SharedViolations | None = None, max_examples: int | None = None) -> SearchResult:
        """One Hypothesis run of `max_examples` cases (default: the options'), `budget` seconds at most."""
        assert space.draw is not None, "fits() refuses a space with nothing to draw"
        margin, alpha = self.options.margin, self.options.alpha
        max_examples = self.options.max_examples if max_examples is None else max(1, max_examples)
        deadline = time.monotonic() + budget
        strategy = space.draw()
        result = SearchResult()
        statistical = call.randomised
        critical = _NORMAL.inv_cdf(1 - alpha / (4 * max(1, max_examples) * RESAMPLE_ROUNDS))
        bias_test = PooledBiasTest.for_search(alpha / 2, max_examples)
        failing: dict[str, Outcome | EstimatorFailure] = {}  # repr(case) -> why it fails
        passed: set[str] = set()  # cases that passed: they keep passing when replayed after the deadline
        stopped: set[str] = set()  # new cases met after the deadline: they keep stopping
        last: list[tuple[Case, Outcome | EstimatorFailure]] = []
        repeats = 0  # draws in a row of cases already evaluated (see REPEATS_IN_A_ROW)
        # a randomised estimator's violations are statistical, their strength continuous: climbing the z-score
        # finds weak ones that fresh draws miss (sampling's error orthogonality on permanents, 150 cases: 2 of 10
        # seeds guided, 0 of 10 plain), so its searches are guided whichever engine was asked for
        guided = self.guided or statistical
        target = _target if guided else _no_target

        def fail(case: Case, key: str, why: Outcome | EstimatorFailure) -> None:
            # one raise site: Hypothesis tells failures apart by where they are raised
            passed.discard(key)
            failing[key] = why
            last.append((case, why))
            raise _Failing()

        def judge(out: Outcome, randomised: bool) -> bool:
            return self._violates(out, critical, randomised)

        def body(case: Case) -> None:
            nonlocal repeats
            key = case.key()
            # Hypothesis replays cases and calls a changed answer flaky: every case keeps its first answer
            if key in failing:  # known to fail: answer without re-evaluating (and after the deadline)
                fail(case, key, failing[key])
            if key in passed:
                repeats += 1
                if repeats >= REPEATS_IN_A_ROW and not failing and not guided:
                    result.notes.append(f"the search ended after {repeats} draws in a row of cases it had "
                                        "already evaluated (a small space, used up)")
                    raise _Enough()
                return
            repeats = 0
            if not failing and result.cases >= max_examples:
                raise _Enough()
            if key in stopped or time.monotonic() > deadline:
                result.budget_spent = True
                if failing:
                    return  # shrinking ends: unknown cases pass
                stopped.add(key)
                raise _Stop()
            passed.add(key)  # provisional: a case found failing below moves to `failing`
            call.begin(case, key)
            failure: EstimatorFailure | None = None
            try:
                out = evaluate_case(prop, case, call)
            except NotApplicable:
                result.cases += 1
                return
            except EstimatorFailure as exc:
                failure = exc
            if failure is not None:  # raised outside the handler, so no exception context differs on replay
                result.cases += 1
                if result.failure is None:
                    on_violation(case, failure)
                if result.failure is None or case.size() < result.failure[0].size():
                    result.failure = (case, failure)  # the smallest error seen (see the end of the search)
                fail(case, key, failure)
            result.cases += 1
            if out.route:
                result.routes.add(out.route)
            if not out.applicable:
                return
            result.applicable += 1
            if statistical and out.stderr:
                out = self._sequential(prop, case, out, critical, call)
                if out.relation == "=":  # only equalities have a difference that should average to zero
                    result.zs[key] = _signed_z(out)  # a repeated case is one observation, not many
                    if result.largest_z is None or out.ratio > result.largest_z[1].ratio:
                        result.largest_z = (case, out)
                    if not failing and len(result.zs) in bias_test.looks and self._pooled(result, bias_test):
                        raise _Decided()
            violates = self._violates(out, critical, statistical)
            if violates and shared is not None and not shared.reference_holds(case, out, judge):
                target(0.0, None)  # steer away from what the reference shares: only discriminating cases fail
                return
            target(out.ratio, out.score)
            if not violates:
                return
            if result.worst is None or out.ratio > result.worst[1].ratio:
                result.worst = (case, out)
            if result.failure is None and not failing:
                on_violation(case, out)
            if result.failure is None and (statistical or out.ratio >= margin):
                fail(case, key, out)

        decided = False
        try:
            with _hard_stop(budget + 1.0):  # Hypothesis can optimise targets without calling `body`
                try:
                    self._hypothesis(strategy, body, ("generate", "target", "shrink"), seed, max_examples,
                                     plain=not guided)
                except _FlakyGeneration:
                    if not last and result.failure is None and result.worst is None:
                        raise
                    # a violation seen before the generation turned inconsistent stands (unshrunk)
                except _Deadline:
                    result.budget_spent = True
                except _Decided:
                    decided = True
                except _Enough:
                    pass
        except _Deadline:  # the alarm fired as the block was being left, before it was disarmed
            result.budget_spent = True
        if decided:
            result.p_value = self._family_p(result, bias_test)
            return result
        if last:
            case, found = last[-1]  # Hypothesis replays the minimal failing case last
            # minimal in Hypothesis's order of choices, which can leave a larger error witness than one
            # already seen (a chain of gates ending in a scale by 0 after a lone scale by 0): the smaller stands
            if isinstance(found, EstimatorFailure) and \
                    (result.failure is None or case.size() <= result.failure[0].size()):
                result.failure = (case, found)
            if result.failure is None and isinstance(found, Outcome):
                result.witness = (case, found)
            return result
        if result.failure is not None:
            return result
        if result.worst is not None:
            result.witness = result.worst
            result.message = (f"violations stayed below the shrink margin of {margin:g} tolerances; "
                              "the witness is the worst case, unshrunk")
            return result
        if statistical and result.zs:  # the final look, valid whether or not the budget ran out
            self._pooled(result, bias_test)
            result.p_value = self._family_p(result, bias_test)
        return result

    def _violates(self, out: Outcome, critical: float, statistical: bool) -> bool:
        if statistical and out.stderr:
            return out.violation / out.stderr > critical and out.violation > out.tolerance
        return out.violates

    def _sequential(self, prop: Property, case: Case, out: Outcome, critical: float, call: Call) -> Outcome:
        """Re-estimate a suspicious case with fresh seeds and pool the differences."""
        if call.reseed is None or out.violation / out.stderr <= SCREEN_Z:  # type: ignore[operator]
            return out
        sides, variances = [_sides(out)], [out.stderr**2]  # type: ignore[operator]
        for k in range(1, RESAMPLE_ROUNDS):
            fresh = call.derived(seed=self.options.seed + 7919 * k)
            fresh.begin(case)
            again = prop.evaluate(case, fresh)
            if not again.stderr:
                break
            sides.append(_sides(again))
            variances.append(again.stderr**2)
            z = abs(sum(a - b for a, b in sides)) / math.sqrt(sum(variances))
            if z > critical or z < 1.0:
                break
        lhs = sum(a for a, _ in sides) / len(sides)
        rhs = sum(b for _, b in sides) / len(sides)
        stderr = math.sqrt(sum(variances)) / len(sides)
        gap = abs(lhs - rhs) if out.relation == "=" else max(0.0, (rhs - lhs) if out.relation == ">=" else (lhs - rhs))
        return Outcome(lhs, rhs, gap, out.tolerance, out.relation, stderr, out.applicable, out.route,
                       f"pooled over {len(sides)} seeds" + (f"; {out.detail}" if out.detail else ""), out.score)

    def _pooled(self, result: SearchResult, bias_test: PooledBiasTest) -> bool:
        """One look of the pooled bias test over the distinct cases so far; True (and the result
        says so) when it rejects."""
        zs = list(result.zs.values())
        n = len(zs)
        z, p, rejects = bias_test.look(zs)
        if rejects:
            result.biased = True
            result.witness = result.largest_z
            result.message = (f"systematic difference: the mean standardised difference over {n} cases is "
                              f"{sum(zs) / n:+.3g} (z = {z:.2f}, p = {p:.2g} < {bias_test.alpha_per_look:.2g}: "
                              f"alpha/2 = {bias_test.alpha:g} spread over {len(bias_test.looks) + 1} looks)")
        return rejects

    @staticmethod
    def _family_p(result: SearchResult, bias_test: PooledBiasTest) -> float:
        """The p-value of the whole family: the smaller of the pooled test's (Bonferroni over its looks)
        and the largest single case's (Bonferroni over the cases and resampling rounds), each tested
        at alpha / 2, so doubled."""
        largest = max(abs(v) for v in result.zs.values())
        single = 2 * (1 - _NORMAL.cdf(largest)) * len(result.zs) * RESAMPLE_ROUNDS
        return min(1.0, 2 * min(bias_test.adjusted_p, single))

    def _hypothesis(self, strategy: Any, body: Callable[[Case], None], phases: tuple[str, ...], seed: int,
                    max_examples: int, plain: bool = False) -> None:
        # hypothesis is imported when a search runs: it takes a noticeable time to import
        from hypothesis import HealthCheck, Phase, Verbosity, given, settings
        from hypothesis import seed as hseed
        from hypothesis.errors import Flaky

        test = settings(
            backend=_plain_backend() if plain else "hypothesis",
            max_examples=max(max_examples, SEARCH_PLAN), deadline=None, database=None, derandomize=False,
            phases=[getattr(Phase, p) for p in ("explicit",) + phases], suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False, print_blob=False, verbosity=Verbosity.quiet,
        )(hseed(seed)(given(strategy)(body)))
        from hypothesis.control import _current_build_context  # see the `finally` below

        outside = _current_build_context.value
        try:
            with _storage_outside_the_working_directory():
                test()
        except (_Stop, _Failing):
            pass
        except EstimatorFailure:
            raise
        except Flaky as exc:  # e.g. FlakyStrategyDefinition: "Inconsistent data generation!"
            if _stopped_by_deadline(exc):  # the budget's alarm fired inside a draw: a budget stop, not a retry
                raise _Deadline() from None
            raise _FlakyGeneration(f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") \
                from exc
        except Exception as exc:  # a bug in case generation must not crash a whole run
            if _stopped_by_deadline(exc):  # the budget's alarm fired inside a draw: Hypothesis calls that flaky
                raise _Deadline() from None
            raise CaseGenerationError(f"{exc.__class__.__name__}: {exc}") from exc
        finally:
            # the budget's alarm (`_Deadline`) or a Ctrl-C can land inside Hypothesis's own clean-up and leave
            # its "inside a test" marker set; every later search in this process would then fail Hypothesis's
            # nested-@given health check, so the marker is put back as it was
            _current_build_context.value = outside


@dataclass(frozen=True)
class GuidedEngine(RandomEngine):
    """The random search with Hypothesis's generation heuristics: its tree of seen choice sequences (no case
    drawn twice), copies of spans between cases (repeated structures), small cases first, and hill-climbing
    of the violation's size and of how close an inequality comes to failing (`target`)."""

    name: ClassVar[str] = "guided"
    guided: ClassVar[bool] = True


def _plain_backend() -> str:
    """The name under which Hypothesis's own random provider is registered a second time: a run on a backend
    not named "hypothesis" draws each case afresh from that provider, without the generation heuristics
    (Hypothesis's alternative-backend interface, `settings(backend=...)`); failing cases are still replayed
    and shrunk on the "hypothesis" backend."""
    from hypothesis.internal.conjecture.providers import AVAILABLE_PROVIDERS

    AVAILABLE_PROVIDERS.setdefault(PLAIN_BACKEND, AVAILABLE_PROVIDERS["hypothesis"])
    return PLAIN_BACKEND


def derived_seed(seed: int, attempt: int) -> int:
    """The seed of the `attempt`-th search of a check (0: the check's own seed)."""
    return seed if attempt == 0 else (seed + 1_000_003 * attempt) % 2**32


@contextmanager
def _storage_outside_the_working_directory() -> Iterator[None]:
    """Hypothesis keeps files (a cache of constants found in the code under test) under `.hypothesis/`
    in the working directory; a check must leave the user's directory alone, so during the search
    they go to a folder in the system's temporary directory, unless HYPOTHESIS_STORAGE_DIRECTORY
    says where. The example database is off (`database=None`) either way."""
    from hypothesis import configuration

    if os.getenv("HYPOTHESIS_STORAGE_DIRECTORY"):
        yield
        return
    name = "__hypothesis_home_directory"  # module-level, so not name-mangled; restored after the search
    previous = getattr(configuration, name, None)
    configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / f"heurcheck-hypothesis-{os.getuid()}")
    try:
        yield
    finally:
        setattr(configuration, name, previous)


@contextmanager
def _hard_stop(seconds: float) -> Iterator[None]:
    """Raise `_Deadline` in this thread after `seconds` (main thread only; elsewhere the in-body check stands)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(signum: int, frame: Any) -> None:
        # an exception raised inside a gc callback (Hypothesis times the collector) is swallowed, and
        # a signal that arrives during a collection is handled there: wait until the callback is done
        if in_gc_callback(frame):
            signal.setitimer(signal.ITIMER_REAL, 0.005)
            return
        raise _Deadline()

    def unraisable(report: Any) -> None:
        if not isinstance(report.exc_value, _Deadline):
            previous_hook(report)

    previous = signal.signal(signal.SIGALRM, alarm)
    previous_hook, sys.unraisablehook = sys.unraisablehook, unraisable
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = previous_hook


def _stopped_by_deadline(exc: BaseException) -> bool:
    """Whether `exc` was raised while handling the budget's `_Deadline` (somewhere in its context chain)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, _Deadline):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _sides(out: Outcome) -> tuple[float, float]:
    return to_float(out.lhs), to_float(out.rhs)


def _signed(out: Outcome) -> float:
    try:
        lhs, rhs = _sides(out)
    except TypeError:
        return out.violation
    return lhs - rhs


def _signed_z(out: Outcome) -> float:
    # the tolerance floors the noise, so float rounding in a nearly deterministic case is no signal
    scale = math.hypot(out.stderr or 0.0, out.tolerance)
    return _signed(out) / scale if scale else 0.0


def _no_target(ratio: float, score: float | None) -> None:
    """Plain generation does not climb scores: nothing to record."""


def _target(ratio: float, score: float | None) -> None:
    from hypothesis import target  # imported when a search runs (slow to import)

    target(math.log1p(min(ratio, 1e300)) if math.isfinite(ratio) else 700.0, label="violation / tolerance")
    if score is not None and math.isfinite(score):
        target(score, label="closeness to violation")
