"""The checker: run properties against estimators and turn engine results into findings.

`check(...)` is the one library function behind `heurcheck check`; it resolves names, decides
applicability, runs an engine per (property, estimator, domain), saves failures the moment they
are found, and returns one `Finding` per check (the verdict with its provenance).
"""

from __future__ import annotations

import shlex
import time
from contextlib import ExitStack
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .engines.base import CaseGenerationError, Decision, SearchOptions, violation_text
from .engines.fixed import fixed_violation, with_fixed
from .engines.registry import create_engine, engine_names
from .errors import InvalidOption, NothingToCheck
from .estimators.base import Capabilities, Estimator
from .estimators.loading import load
from .estimators.registry import EstimatorSource, Registry, file_reference, parse_reference
from .findings import Finding, Verdict
from .interrupt import checkpoint, snapshot, stopped_check
from .isolation import IsolationSettings
from .properties.base import Call, Case, EstimatorFailure, Outcome, Property
from .properties.registry import available, create


@dataclass(frozen=True)
class CheckSettings:
    """Everything that shapes a run, in one frozen object passed explicitly."""

    max_examples: int = 5000  # an upper bound: the budget usually ends the search first
    budget: float = 60.0  # seconds per (property, estimator, domain) check
    seed: int = 0
    margin: float = 1000.0  # a case is shrunk while its violation stays at least this many tolerances
    alpha: float = 1e-3  # family-wise error rate of statistical verdicts
    findings_dir: Path | None = Path("heurcheck-findings")
    # seconds for every check of the request together (each gets a share of what is left, capped by
    # `budget`); None: `budget` per check
    total_budget: float | None = None
    engine: str = "random"  # random | guided | exhaustive | symbolic | smt | auto (see ENGINES)
    max_nodes: int = 4  # the formal engines enumerate structures up to this many nodes
    call_timeout: float | None = 10.0  # seconds per estimator call; a slower call is an estimator error
    # where estimators run: "plugins" (third-party ones in a worker process that can be stopped, built-ins
    # in-process), "always" or "never"; see heurcheck.isolation
    isolate: str = "plugins"
    memory_limit: int | None = 2 * 2**30  # bytes an isolated estimator may allocate (isolation.DEFAULT_MEMORY_LIMIT)

    def __post_init__(self) -> None:
        if self.engine not in engine_names():
            raise InvalidOption(f"engine={self.engine!r}: expected one of {', '.join(engine_names())}")
        if self.max_nodes < 1:
            raise InvalidOption(f"max_nodes={self.max_nodes!r}: expected a number of nodes >= 1")

    def search_options(self) -> SearchOptions:
        return SearchOptions(self.seed, self.max_examples, self.margin, self.alpha, self.max_nodes)


@dataclass(frozen=True)
class CheckRequest:
    estimator: str
    options: dict[str, Any] = field(default_factory=dict)
    properties: tuple[str, ...] = ()  # empty: every registered property
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)  # property -> its parameters
    domain: str | None = None
    # a reference estimator ("NAME KEY=VALUE ..."): a violation counts only where the reference holds
    against: str | None = None


class References:
    """Reference estimators by their text ("NAME KEY=VALUE ..."), each built once, in a worker
    process when it is third-party code (as the estimator under test), and wrapped in its own `Call`."""

    def __init__(self, registry: Registry, settings: CheckSettings) -> None:
        self.registry = registry
        self.settings = settings
        self._built: dict[str, tuple[Any, EstimatorSource]] = {}
        self._open = ExitStack()  # the workers of isolated references, closed with `close`

    def estimator(self, spec: str) -> tuple[Any, EstimatorSource]:
        if spec not in self._built:
            name, options = parse_reference(spec)
            loaded = self._open.enter_context(load(
                self.registry, name, options, self.settings.isolate,
                IsolationSettings(self.settings.call_timeout, self.settings.memory_limit)))
            self._built[spec] = (loaded.estimator, loaded.source)
        return self._built[spec]

    def call(self, spec: str) -> Call:
        """A fresh call of the reference (randomised ones re-seeded per case like the estimator under test)."""
        estimator, source = self.estimator(spec)
        name, options = parse_reference(spec)

        def resample(seed: int) -> Any:
            return source.create(name, **{**options, "seed": seed})

        reseed = resample if Capabilities.of(estimator).reseedable else None
        return Call(estimator, reseed=reseed, seed=self.settings.seed, timeout=self.settings.call_timeout)

    def close(self) -> None:
        self._open.close()
        self._built.clear()


AGAINST_REFUSES = ("symbolic", "smt", "auto")  # engines that decide structures, not cases one by one
# verdicts of a check against a reference after which the swapped search looks for a repaired violation
FIXABLE = (Verdict.NOT_REFUTED, Verdict.PROVED, Verdict.SHARED)
FIXED_SHARE = 0.5  # of a check's time cap kept for that search (case counts decide both; the cap stops a runaway)


@dataclass(frozen=True)
class PlannedCheck:
    """One (property, domain) of a request, and why it does not apply (None: it runs)."""

    property: Property
    domain: str
    reason: str | None


def plan(request: CheckRequest, estimator: Estimator) -> list[PlannedCheck]:
    """The checks a request asks for, in order: every requested property on every domain both support
    (or the one asked for); a property the estimator shares no domain with is planned on its first
    domain, to say why it does not apply."""
    planned = []
    for name in request.properties or available():
        prop = create(name, **request.parameters.get(name, {}))
        domains = [request.domain] if request.domain else \
            sorted(Capabilities.of(estimator).domains_among(prop.defined_on())) or sorted(prop.defined_on())[:1]
        planned += [PlannedCheck(prop, d, prop.applies(estimator, d)) for d in domains]
    return planned


def require_runnable(request: CheckRequest, planned: list[PlannedCheck]) -> list[PlannedCheck]:
    """The planned checks that run; NothingToCheck (saying why, check by check) when none does."""
    runnable = [c for c in planned if c.reason is None]
    if not runnable:
        why = "; ".join(f"{c.property.name} on {c.domain}: {c.reason}" for c in planned) or "no property selected"
        raise NothingToCheck(f"nothing to check for estimator {request.estimator!r}: {why}")
    return runnable


OnStart = Callable[[int, int, PlannedCheck, "float | None"], None]


def check(request: CheckRequest, settings: CheckSettings = CheckSettings(), registry: Registry | None = None,
          on_finding: Callable[[Finding], None] | None = None, on_start: OnStart | None = None,
          on_plan: Callable[[list[PlannedCheck]], None] | None = None) -> list[Finding]:
    """Run every requested (and applicable) property against the estimator; one Finding per check.

    Third-party estimators run in a worker process (`settings.isolate`, see heurcheck.isolation).
    With `settings.total_budget`, the checks share one budget: each gets what is left over the checks
    still to run (at most `settings.budget`). `on_start(index, total, check, seconds_left)` is called
    before each check that runs (seconds_left None without a total budget).
    Ctrl-C (KeyboardInterrupt; SIGTERM too under `interrupt.stop_on_signals`) ends the run early: it
    returns the findings so far, the last ones (from the check it stopped) marked partial."""
    registry = registry or Registry.default()
    if request.against and settings.engine in AGAINST_REFUSES:
        raise InvalidOption(f"--against {request.against!r} with engine {settings.engine!r}: a check against a "
                            f"reference searches with the random or exhaustive engine")
    if request.estimator not in registry.names():
        # a file plugin goes by its resolved path (its findings replay from any directory); see check_one
        request = replace(request, estimator=file_reference(request.estimator)[0])
    with load(registry, request.estimator, request.options, settings.isolate,
              IsolationSettings(settings.call_timeout, settings.memory_limit)) as loaded:
        return _check(request, settings, loaded.estimator, loaded.source, on_finding, on_start, on_plan, registry)


def _check(request: CheckRequest, settings: CheckSettings, estimator: Estimator, source: EstimatorSource,
           on_finding: Callable[[Finding], None] | None, on_start: OnStart | None,
           on_plan: Callable[[list[PlannedCheck]], None] | None, registry: Registry) -> list[Finding]:
    planned = plan(request, estimator)  # on the estimator as loaded: a plugin's capabilities come from its worker
    if on_plan is not None:  # e.g. the command line's notice, or its refusal when nothing applies
        on_plan(planned)
    findings: list[Finding] = []
    total = sum(1 for c in planned if c.reason is None)
    started = 0
    deadline = None if settings.total_budget is None else time.monotonic() + settings.total_budget
    references = References(registry, settings)

    def record(finding: Finding) -> None:
        findings.append(finding)
        if on_finding is not None:
            on_finding(finding)

    try:
        for planned_check in planned:
            prop, domain = planned_check.property, planned_check.domain
            budget, left = settings.budget, None
            if planned_check.reason is None:
                if deadline is not None:
                    left = max(0.0, deadline - time.monotonic())
                    budget = min(budget, left / (total - started))
                if on_start is not None:
                    on_start(started, total, planned_check, left)
                started += 1
            before = snapshot(settings.findings_dir)
            try:
                checkpoint()
                record(check_one(prop, estimator, request, domain, replace(settings, budget=budget), source,
                                 references))
            except KeyboardInterrupt:
                stopped = Finding(
                    property=prop.name, parameters=dict(prop.params), estimator=request.estimator,
                    options={k: str(v) for k, v in request.options.items()}, domain=domain,
                    verdict=Verdict.INCONCLUSIVE, engine=settings.engine, seed=settings.seed, cases=0,
                    command=rerun_command(request, prop, domain, settings))
                for finding in stopped_check(stopped, settings.findings_dir, before):
                    record(finding)
                return findings
    finally:
        references.close()
    return findings


def check_one(prop: Property, estimator: Estimator, request: CheckRequest, domain: str, settings: CheckSettings,
              registry: EstimatorSource, references: References | None = None) -> Finding:
    """One check: the property's case space on `domain`, decided by the engine asked for (with
    `request.against`, on the cases where the reference holds; see `References`)."""
    if references is None:
        own = References(Registry.default(), settings)
        try:
            return check_one(prop, estimator, request, domain, settings, registry, own)
        finally:
            own.close()
    base = Finding(
        property=prop.name, parameters=dict(prop.params), estimator=request.estimator,
        options={k: str(v) for k, v in request.options.items()}, domain=domain, verdict=Verdict.NOT_APPLICABLE,
        engine=settings.engine, seed=settings.seed, cases=0, max_examples=settings.max_examples,
        command=rerun_command(request, prop, domain, settings), plugin_file=file_reference(request.estimator)[1],
        estimator_name=Capabilities.of(estimator).name,
    )
    reason = prop.applies(estimator, domain)
    if reason is not None:
        return replace(base, message=reason)
    spec = getattr(prop, "reference_spec", None)  # a property that compares with a reference estimator
    reference = references.call(spec) if spec else None
    against = references.call(request.against) if request.against else None
    for other, text in ((reference, spec), (against, request.against)):
        if other is not None and not other.capabilities.handles(domain):
            return replace(base, message=f"the reference {text} does not handle the {domain} domain")
    space = prop.space(domain, estimator)
    # a space with nothing to draw is one finite enumeration: it is decided exactly whatever the engine
    engine = create_engine("exhaustive" if space.only_finite else settings.engine, settings.search_options())
    misfit = engine.fits(space, estimator)
    if misfit is not None:
        return replace(base, verdict=Verdict.INCONCLUSIVE, engine=engine.name, message=misfit)

    def rebuild(changes: dict[str, Any]) -> Any:
        return registry.create(request.estimator, **{**request.options, **changes})

    def resample(seed: int) -> Any:
        return rebuild({"seed": seed})

    can_resample = Capabilities.of(estimator).reseedable
    call = Call(estimator, reseed=resample if can_resample else None, seed=settings.seed,
                timeout=settings.call_timeout, rebuild=rebuild)
    call.reference, call.against = reference, against
    saved: list[Path] = []

    def on_finding(case: Case, found: Outcome | EstimatorFailure) -> None:
        # saved the moment it is found; replaced by the final (shrunk) witness when the engine ends
        if settings.findings_dir is not None:
            saved.append(finding_of(base, Decision.of_witness(engine.name, 0, case, found)).save(settings.findings_dir))

    started = time.monotonic()
    # against a reference, the swapped search (see engines.fixed) may need a share of the check's time cap; not
    # taken from an enumeration, which proves nothing unless it ends
    reserve = FIXED_SHARE * settings.budget if against is not None and not call.randomised and \
        engine.name in ("random", "guided") else 0.0
    try:
        decision = engine.decide(prop, space, call, settings.budget - reserve, on_finding)
        if against is not None and decision.verdict in FIXABLE:  # no new violation: did the change repair one?
            repaired = fixed_violation(engine, prop, domain, call, settings.budget - (time.monotonic() - started))
            if repaired is not None:
                decision = with_fixed(decision, *repaired)
    except CaseGenerationError as exc:
        return replace(base, verdict=Verdict.INCONCLUSIVE, engine=engine.name,
                       message=f"the property could not generate or evaluate its cases: {exc}")
    finding = replace(finding_of(base, decision), seconds=round(time.monotonic() - started, 3))
    if request.against:
        finding = replace(finding, against={"reference": request.against, **decision.against})
    if settings.findings_dir is not None and finding.verdict.is_failure:
        for old in saved:
            old.unlink(missing_ok=True)
        finding = replace(finding, saved_as=finding.file_name())  # recorded: a card read back cannot recompute it
        finding.save(settings.findings_dir)
    return finding


def finding_of(base: Finding, d: Decision) -> Finding:
    """The one place an engine's Decision becomes a Finding (the record shown, saved and replayed)."""
    base = replace(base, verdict=d.verdict, engine=d.engine, cases=d.cases, route=d.route, p_value=d.p_value,
                   message=d.message, capped=d.capped)
    found, case = d.found, d.witness
    if case is None:
        if isinstance(found, Outcome):  # a population decided in one case: its report is the evidence
            size = found.witness.size() if found.witness is not None else 0
            return replace(base, observed={**found.to_json(), "size": size})
        return base
    if isinstance(found, EstimatorFailure):
        return replace(base, witness=case.to_json(),
                       observed={"error": found.kind, "message": str(found), "size": case.size(),
                                 "arguments": found.arguments.to_json()},
                       message=f"the estimator failed ({found.kind}): {found}")
    assert found is not None, "a witness comes with its outcome"
    observed = found.to_json()
    observed["size"] = case.size()
    worst_json = None
    if d.worst is not None and d.worst[0] != case:
        worst_json = {"case": d.worst[0].to_json(), "observed": {**d.worst[1].to_json(), "size": d.worst[0].size()}}
    return replace(base, witness=case.to_json(), observed=observed, worst=worst_json,
                   route=found.route or d.route, message=d.message or violation_text(found))


def rerun_command(request: CheckRequest, prop: Property, domain: str, settings: CheckSettings) -> str:
    parts = ["heurcheck", "check", request.estimator, "-p", prop.name, "--domain", domain]
    for k, v in request.options.items():
        parts += ["-o", f"{k}={v}"]
    for k, v in request.parameters.get(prop.name, {}).items():
        parts += ["-P", f"{k}={v}"]
    if request.against:
        parts += ["--against", request.against]
    parts += ["--seed", str(settings.seed), "--max-examples", str(settings.max_examples)]
    if settings.engine != "random":
        parts += ["--engine", settings.engine]
    if settings.engine in ("symbolic", "smt", "auto") and settings.max_nodes != CheckSettings.max_nodes:
        parts += ["--max-nodes", str(settings.max_nodes)]
    return shlex.join(parts)


def summarise(findings: Iterable[Finding]) -> int:
    """The exit status for a set of findings: 1 if any is a violation or an estimator error, else 0."""
    return 1 if any(f.verdict.is_failure for f in findings) else 0
