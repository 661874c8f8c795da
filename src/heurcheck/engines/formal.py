"""The formal engines: decide a property for every parameter value of each structure.

For a traceable estimator, a case whose instances have symbolic parameters (see
`symbolic_space`) evaluates to an outcome whose two sides are polynomials in those parameters.
One structure is then decided for all its parameter values:

- `symbolic` (sympy): an equality holds when lhs - rhs expands to 0 (`proved`); otherwise the
  residual is a nonzero polynomial, and rational points of the parameters' domain are tried
  until one violates it in a replay. Inequalities are decided only when the residual is a
  constant; otherwise a point search, then `inconclusive` (they need the smt engine).
- `smt` (z3, see `smt`): the same expansion first (a zero residual is a proof without z3), then
  z3 looks for violating parameters or proves there are none.

Every violation is *replayed*: the parameters are substituted by the rationals found, and the
ordinary case is evaluated again with the estimator on floats, as any other check would. Only a
replay that violates is reported; a point that does not reproduce is counted, never reported.

Structures come from the property's own enumeration (`space.structures(max_nodes)`,
smallest first, which makes `proved` a statement about every structure up to a size), or else
from Hypothesis proposals: the property's usual cases with each drawn instance's numbers lifted
to symbols, deduplicated and decided smallest first (counterexample-guided search: proofs then
cover only the structures proposed).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from ..domains.lifting import lifted
from ..errors import HeurcheckError
from ..estimators.base import Estimator
from ..findings import Verdict
from ..properties.base import Call, Case, EstimatorFailure, NotApplicable, Outcome, Property, evaluate_case
from ..properties.space import CaseSpace
from . import smt
from .base import Decision, OnFinding, SearchOptions, deterministic_traceable, violation_text
from .symbolic_space import Space, canonical_key, space_of, substitute

ENGINES = ("symbolic", "smt")
STRUCTURE_TIMEOUT = 10.0  # seconds of z3 per structure at most


@dataclass(frozen=True)
class Answer:
    """One structure decided: proved, violated (with its replayed case), or why not."""

    status: str  # proved | violated | failed | inconclusive | not-reproduced | not-applicable
    detail: str = ""
    witness: tuple[Case, Outcome] | None = None
    failure: tuple[Case, EstimatorFailure] | None = None


@dataclass
class FormalResult:
    """The tally of a formal run over structures, in the order they were decided."""

    engine: str
    source: str  # "enumeration" or "proposals"
    proved: dict[int, int] = field(default_factory=dict)  # size -> structures proved
    seen: dict[int, int] = field(default_factory=dict)  # size -> structures decided or tried
    skipped: dict[int, int] = field(default_factory=dict)  # size -> structures outside the estimator's domain
    inconclusive: int = 0
    not_reproduced: int = 0
    not_applicable: int = 0
    witness: tuple[Case, Outcome] | None = None
    failure: tuple[Case, EstimatorFailure] | None = None
    notes: list[str] = field(default_factory=list)  # the first reasons for inconclusive structures
    found_by: str = ""  # how the violation or failure was found (z3's point, a rational point, ...)
    budget_spent: bool = False
    first_seconds: float | None = None  # time to the first violation or failure

    proposed: int = 0  # structures proposed by Hypothesis (after any enumeration)
    proposed_proved: int = 0
    finished: int = 0  # the enumeration finished every size up to this one

    @property
    def structures(self) -> int:
        return sum(self.seen.values())

    @property
    def proved_up_to(self) -> int:
        """The largest size such that every structure of every size up to it was proved (or was
        outside the estimator's domain): the scope of a proof. 0 when there is none."""
        if self.source != "enumeration":
            return 0
        best = 0
        for size in range(1, self.finished + 1):
            if self.proved.get(size, 0) + self.skipped.get(size, 0) != self.seen.get(size, 0):
                break
            best = size
        return best

    def record(self, size: int, decision: Answer, enumerated: bool = True) -> None:
        if enumerated:
            self.seen[size] = self.seen.get(size, 0) + 1
        else:
            self.proposed += 1
        if decision.status == "proved":
            if enumerated:
                self.proved[size] = self.proved.get(size, 0) + 1
            else:
                self.proposed_proved += 1
        elif decision.status == "inconclusive":
            self.inconclusive += 1
            if len(self.notes) < 3 and decision.detail not in self.notes:
                self.notes.append(decision.detail)
        elif decision.status == "not-reproduced":
            self.not_reproduced += 1
        elif decision.status == "not-applicable":
            self.not_applicable += 1
            if enumerated:
                self.skipped[size] = self.skipped.get(size, 0) + 1


def decide_structure(prop: Property, case: Case, engine: str, traced: Call, replay: Call, seed: int, timeout: float) -> Answer:
    """Decide `case` (symbolic parameters) for every value of its parameters."""
    traced.begin(case, key=canonical_key(case))
    space = space_of(case)
    try:
        out = prop.evaluate(case, traced)
    except NotApplicable as exc:
        return Answer("not-applicable", str(exc))
    except EstimatorFailure as exc:  # it may fail on numbers too: then that is the finding
        point = {s: Fraction(1, 2) if s in space.probabilities else Fraction(1) for s in space.symbols}
        tried = _replay(prop, case, point, replay, "the estimator failed on symbolic parameters")
        if tried.status in ("failed", "violated"):
            return tried
        return Answer("inconclusive", f"the estimator did not run on symbolic parameters ({exc})")
    except (HeurcheckError, TypeError, ValueError, ArithmeticError) as exc:
        return Answer("inconclusive", f"the case could not be traced symbolically ({exc.__class__.__name__}: {exc})")
    if not out.applicable:
        return Answer("not-applicable", out.detail)
    try:
        residual = _expand(out.lhs - out.rhs)
    except TypeError as exc:
        return Answer("inconclusive", f"the two sides are not expressions ({exc})")
    if not getattr(residual, "free_symbols", None):  # a constant: decided on the spot
        holds = residual == 0 if out.relation == "=" else (residual >= 0 if out.relation == ">=" else residual <= 0)
        if bool(holds):
            return Answer("proved", "the two sides agree identically" if out.relation == "=" else "a constant margin")
        return _replay(prop, case, {s: Fraction(0) for s in space.symbols}, replay,
                       "the two sides differ by a constant: a violation at every parameter value")
    if engine == "smt":
        return _by_smt(prop, case, out, space, replay, timeout)
    found = _search_points(prop, case, space, replay, seed)
    if found is not None:
        return found
    return Answer("inconclusive", "a nonzero residual that no rational point tried made visible" if out.relation == "="
                    else "an inequality between polynomials: --engine smt decides those")


def _expand(value: Any) -> Any:
    import sympy  # slow to import: only the formal engines need it

    return sympy.expand(value) if hasattr(value, "free_symbols") else value


def _by_smt(prop: Property, case: Case, out: Outcome, space: Space, replay: Call, timeout: float) -> Answer:
    answer = smt.find_violation(out.lhs, out.rhs, out.relation, space, timeout)
    if answer.status == "unsat":
        return Answer("proved", answer.detail)
    if answer.status != "sat":
        return Answer("inconclusive", answer.detail)
    values = {s: answer.model.get(str(s), Fraction(0)) for s in space.symbols}
    return _replay(prop, case, values, replay, answer.detail)


def _replay(prop: Property, case: Case, values: dict[Any, Fraction], replay: Call, how: str) -> Answer:
    """Evaluate the case at the point found, on floats, through the ordinary estimator call."""
    try:
        concrete = substitute(case, values)
    except (TypeError, ValueError, ZeroDivisionError) as exc:
        return Answer("not-reproduced", f"{how}, but the point could not be substituted ({exc})")
    replay.begin(concrete)
    try:
        out = evaluate_case(prop, concrete, replay)
    except NotApplicable as exc:
        return Answer("not-reproduced", f"{how}, but the point is outside the estimator's domain ({exc})")
    except EstimatorFailure as exc:
        return Answer("failed", f"{how}; the estimator failed on it", failure=(concrete, exc))
    except HeurcheckError as exc:
        return Answer("not-reproduced", f"{how}, but the concrete case is not valid ({exc})")
    if out.violates:
        return Answer("violated", how, witness=(concrete, out))
    return Answer("not-reproduced", f"{how}, but the float replay stays within tolerance")


def _search_points(prop: Property, case: Case, space: Space, replay: Call, seed: int, tries: int = 24) -> Answer | None:
    """Small rational points of the domain, a few at a time, until one violates in a replay."""
    rng = random.Random(seed)
    free = [Fraction(v) for v in (1, 2, -1, 3, -2)] + [Fraction(1, 2), Fraction(-1, 2)]
    nonneg = [Fraction(v) for v in (1, 2, 3)] + [Fraction(1, 2)]
    probability = [Fraction(1, 2), Fraction(1, 3), Fraction(3, 4), Fraction(1, 5)]
    for _ in range(tries):
        point = {s: rng.choice(probability if s in space.probabilities else nonneg if s in space.nonneg else free)
                 for s in space.symbols}
        decision = _replay(prop, case, point, replay, "a rational point of the parameters")
        if decision.status in ("violated", "failed"):
            return decision
    return None


def run_formal(prop: Property, space: CaseSpace, call: Call, engine: str, budget: float, *, seed: int = 0,
               max_nodes: int = 4, propose: bool = True, on_violation: OnFinding | None = None) -> FormalResult:
    """Decide structures smallest first until a violation or the budget: the space's structures
    up to `max_nodes` nodes when it has them (with `propose`, for half the budget at most), then
    (with `propose`) Hypothesis proposals, which reach the larger structures enumeration cannot."""
    start = time.perf_counter()
    deadline = start + budget
    enumerated = space.structures(max_nodes) if space.structures is not None else None
    result = FormalResult(engine, "enumeration" if enumerated is not None else "proposals")
    traced = Call(call.estimator, exact=True, timeout=call.timeout)
    replay = Call(call.estimator, exact=False, timeout=call.timeout)

    def run(structures: Iterator[tuple[int, Case]], enumerating: bool, until: float) -> bool:
        """Decide until the first violation (True) or the end of `structures` or `until`."""
        current = 0
        for size, case in structures:
            if time.perf_counter() > until:
                result.budget_spent = True
                return False
            if enumerating and size > current:
                result.finished, current = current, size
            timeout = min(STRUCTURE_TIMEOUT, max(0.5, deadline - time.perf_counter()))
            decision = decide_structure(prop, case, engine, traced, replay, seed, timeout)
            result.record(size, decision, enumerating)
            if decision.status in ("violated", "failed"):
                result.witness, result.failure = decision.witness, decision.failure
                result.first_seconds = time.perf_counter() - start
                result.found_by = decision.detail
                if on_violation is not None:
                    on_violation(*(decision.witness or decision.failure))  # type: ignore[misc]
                return True
        if enumerating:
            result.finished = current
        return False

    if enumerated is not None and run(enumerated.cases(), True, start + budget / 2 if propose else deadline):
        return result
    if propose and space.draw is not None and time.perf_counter() < deadline:
        run(proposals(space.draw, seed, deadline), False, deadline)
    return result


def proposals(draw: Callable[[], Any], seed: int, deadline: float,
              batch: int = 200) -> Iterator[tuple[int, Case]]:
    """Structures proposed by Hypothesis: the property's cases with lifted parameters, deduplicated,
    each batch decided smallest first."""
    # hypothesis is imported when proposals are drawn: it takes a noticeable time to import
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from hypothesis.errors import Unsatisfiable


    seen: set[str] = set()
    for round_ in range(1000):
        if time.perf_counter() > deadline:
            return
        drawn: list[Case] = []
        with lifted():
            strategy = draw()

            @settings(max_examples=batch, database=None, deadline=None, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck), derandomize=False)
            @given(st.data())
            def collect(data: Any) -> None:
                try:
                    drawn.append(data.draw(strategy))
                except (TypeError, ValueError, ArithmeticError, HeurcheckError):
                    pass  # a construction that needs concrete numbers (comparisons): not liftable

            collect = _seeded(collect, seed * 1000 + round_)
            try:
                collect()
            except Unsatisfiable:
                return
        fresh = []
        for case in drawn:
            key = canonical_key(case)
            if key not in seen:
                seen.add(key)
                fresh.append(case)
        if not fresh:
            return
        fresh.sort(key=lambda c: (c.size(), canonical_key(c)))
        for case in fresh:
            yield case.size(), case


def _seeded(test: Any, seed: int) -> Any:
    from hypothesis import seed as hypothesis_seed  # slow to import: only when proposals are drawn

    return hypothesis_seed(seed)(test)


@dataclass(frozen=True)
class FormalEngine:
    """`symbolic` (sympy) or `smt` (z3): decide structures for every value of their parameters.
    PROVED is claimed only over the sizes the space's enumeration finished with every structure
    proved; structures proposed by Hypothesis beyond them give NOT_REFUTED at best."""

    name: str  # "symbolic" or "smt"
    options: SearchOptions = SearchOptions()
    propose: bool = True  # after the enumeration (or without one), decide structures Hypothesis proposes

    def fits(self, space: CaseSpace, estimator: Estimator) -> str | None:
        if not deterministic_traceable(estimator):
            return (f"the {self.name} engine runs the estimator on symbolic parameters, which needs a deterministic "
                    f"traceable estimator; {estimator.name} is not (use --engine random)")
        if space.structures is None and not (self.propose and space.draw is not None):
            return f"the property offers no structures to decide on the {space.domain} domain"
        return None

    def decide(self, prop: Property, space: CaseSpace, call: Call, budget: float, on_finding: OnFinding) -> Decision:
        o = self.options
        result = run_formal(prop, space, call, self.name, budget, seed=o.seed, max_nodes=o.max_nodes,
                            propose=self.propose, on_violation=on_finding)
        return replace(self._decision(space, result), capped=result.budget_spent)

    def _decision(self, space: CaseSpace, result: FormalResult) -> Decision:
        enumerated = space.structures(result.proved_up_to) if space.structures is not None else None
        within = sum(n for size, n in result.seen.items() if size <= result.proved_up_to)
        beyond = result.structures - within
        parts = []
        if result.source == "enumeration":
            parts.append(f"{within} structures")
            if beyond:
                parts.append(f"beyond them {sum(result.proved.values()) - within} of {beyond} enumerated structures "
                             f"proved before the budget ended")
        if result.proposed:
            parts.append(f"{result.proposed_proved} of {result.proposed} structures proposed by Hypothesis proved"
                         + (" too" if result.source == "enumeration" else ""))
        if result.inconclusive:
            parts.append(f"{result.inconclusive} inconclusive")
        if result.not_reproduced:
            parts.append(f"{result.not_reproduced} not reproduced in floats")
        counts = "; ".join(parts) or "no structure decided"
        cases = result.structures + result.proposed
        if result.failure is not None:
            return Decision.of_witness(self.name, cases, *result.failure)
        if result.witness is not None:
            case, out = result.witness
            return Decision.of_witness(self.name, cases, case, out,
                                       f"{result.found_by}; replayed in floats: {violation_text(out)}")
        if result.proved_up_to > 0 and enumerated is not None:
            return Decision(Verdict.PROVED, self.name, cases, f"proved for {enumerated.scope} ({counts})",
                            scope=enumerated.scope)
        if cases == result.not_applicable and result.not_applicable:
            return Decision(Verdict.VACUOUS, self.name, cases, "every structure was outside the estimator's domain")
        if result.proved or result.proposed_proved:
            return Decision(Verdict.NOT_REFUTED, self.name, cases,
                            f"{counts}, each for every parameter value; not a proof for the structures not decided"
                            + (f" (inconclusive: {result.notes[0]})" if result.notes else ""))
        why = result.notes[0] if result.notes else "the budget ended before any structure was decided"
        return Decision(Verdict.INCONCLUSIVE, self.name, cases, f"{counts}: {why}")
