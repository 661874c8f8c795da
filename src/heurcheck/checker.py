"""The checker: run properties against estimators and turn engine results into findings.

`check(...)` is the one library function behind `heurcheck check`; it resolves names, decides
applicability, runs an engine per (property, estimator, domain), saves failures the moment they
are found, and returns one `Finding` per check (the verdict with its provenance).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .engines import ENGINES
from .engines.random import CaseGenerationError, RandomEngine, SearchResult
from .errors import InvalidOption
from .estimators.registry import Registry
from .findings import Finding, Verdict
from .properties.base import Call, Case, EstimatorFailure, Outcome
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
    engine: str = "random"  # random | exhaustive | symbolic | smt | auto (see ENGINES)
    max_nodes: int = 4  # the formal engines enumerate structures up to this many nodes
    call_timeout: float | None = 10.0  # seconds per estimator call; a slower call is an estimator error
    # where estimators run: "plugins" (third-party ones in a worker process that can be stopped, built-ins
    # in-process), "always" or "never"; see heurcheck.isolation
    isolate: str = "plugins"
    memory_limit: int | None = 2 * 2**30  # bytes an isolated estimator may allocate (isolation.DEFAULT_MEMORY_LIMIT)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise InvalidOption(f"engine={self.engine!r}: expected one of {', '.join(ENGINES)}")
        if self.max_nodes < 1:
            raise InvalidOption(f"max_nodes={self.max_nodes!r}: expected a number of nodes >= 1")


@dataclass(frozen=True)
class CheckRequest:
    estimator: str
    options: dict[str, Any] = field(default_factory=dict)
    properties: tuple[str, ...] = ()  # empty: every registered property
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)  # property -> its parameters
    domain: str | None = None


def check(request: CheckRequest, settings: CheckSettings = CheckSettings(), registry: Registry | None = None,
          on_finding: Callable[[Finding], None] | None = None) -> list[Finding]:
    """Run every requested (and applicable) property against the estimator; one Finding per check.

    Third-party estimators run in a worker process (`settings.isolate`, see heurcheck.isolation).
    Ctrl-C (KeyboardInterrupt; SIGTERM too under `interrupt.stop_on_signals`) ends the run early: it
    returns the findings so far, the last ones (from the check it stopped) marked partial."""
    from .interrupt import checkpoint, snapshot, stopped_check
    from .isolation import IsolationSettings, isolate, wanted

    registry = registry or Registry.default()
    estimator = registry.create(request.estimator, **request.options)
    isolation = None
    if wanted(settings.isolate, registry, request.estimator):
        estimator, registry, isolation = isolate(registry, request.estimator, estimator, request.options,
                                                 IsolationSettings(settings.call_timeout, settings.memory_limit))
    names = request.properties or available()
    findings: list[Finding] = []

    def record(finding: Finding) -> None:
        findings.append(finding)
        if on_finding is not None:
            on_finding(finding)

    try:
        for name in names:
            prop = create(name, **request.parameters.get(name, {}))
            domains = [request.domain] if request.domain else sorted(set(prop.domains) & set(estimator.domains)) or \
                sorted(prop.domains)[:1]
            for domain in domains:
                before = snapshot(settings.findings_dir)
                try:
                    checkpoint()
                    record(check_one(prop, estimator, request, domain, settings, registry))
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
        if isolation is not None:
            isolation.close()
    return findings


def check_one(prop: Any, estimator: Any, request: CheckRequest, domain: str, settings: CheckSettings,
              registry: Registry) -> Finding:
    base = Finding(
        property=prop.name, parameters=dict(prop.params), estimator=request.estimator,
        options={k: str(v) for k, v in request.options.items()}, domain=domain, verdict=Verdict.NOT_APPLICABLE,
        engine=settings.engine, seed=settings.seed, cases=0,
        command=rerun_command(request, prop, domain, settings),
    )
    reason = prop.applies(estimator, domain)
    if reason is not None:
        return replace(base, message=reason)
    if settings.engine in FORMAL_ENGINES:
        return _formal(prop, estimator, domain, base, settings, settings.engine, settings.budget, propose=True)
    formal = None
    if settings.engine == "auto" and _formal_fits(prop, estimator, domain):
        # auto: prove what the smt engine can over the small structures, then search beyond them
        formal = _formal(prop, estimator, domain, base, settings, "smt", settings.budget / 2, propose=False)
        if formal.verdict is not Verdict.PROVED:
            return formal
        settings = replace(settings, budget=settings.budget / 2)

    if hasattr(prop, "exhaustive"):  # a property that can exhaust a finite domain decides there (see below)
        decided = _exhaustive(prop, estimator, domain, base, settings)
        if decided is not None:
            return decided

    finite = prop.finite_cases(domain) if hasattr(prop, "finite_cases") else None
    if settings.engine == "exhaustive" and finite is None:
        return replace(base, message=f"{prop.name} offers no finite domain to enumerate on {domain}")
    enumerated = None
    if finite is not None and settings.engine in ("exhaustive", "auto"):
        enumerated = _enumerate(prop, estimator, domain, base, settings, finite)
        if settings.engine == "exhaustive" or enumerated.verdict is not Verdict.PROVED:
            return enumerated

    def resample(seed: int) -> Any:
        opts = dict(request.options)
        opts["seed"] = seed
        return registry.create(request.estimator, **opts)

    can_resample = "seed" in getattr(estimator, "options", {})
    engine = RandomEngine(settings.max_examples, settings.budget, settings.seed, settings.margin, settings.alpha,
                          resample if can_resample else None)
    saved: list[Path] = []

    def on_violation(case: Case, found: Outcome | EstimatorFailure) -> None:
        # saved the moment it is found; replaced by the shrunk witness when shrinking ends
        first = _conclude(base, case, found, None, SearchResult(cases=0))
        if settings.findings_dir is not None:
            saved.append(first.save(settings.findings_dir))

    try:
        call = Call(estimator, reseed=resample if can_resample else None, seed=settings.seed,
                    timeout=settings.call_timeout)
        result = engine.run(prop, call, domain, on_violation)
    except CaseGenerationError as exc:
        return replace(base, verdict=Verdict.INCONCLUSIVE,
                       message=f"the property could not generate or evaluate its cases: {exc}")
    finding = _from_result(base, result, estimator)
    if enumerated is not None and not finding.verdict.is_failure:  # auto: say what was proved, and where
        finding = replace(finding, engine="exhaustive+random",
                          message=f"proved over {enumerated.message.removeprefix('holds over ')}; beyond it: "
                                  f"{finding.message}")
    if formal is not None and not finding.verdict.is_failure:
        finding = replace(finding, engine="smt+random", message=f"{formal.message}; beyond it: {finding.message}")
    if settings.findings_dir is not None and finding.verdict.is_failure:
        for old in saved:
            old.unlink(missing_ok=True)
        finding.save(settings.findings_dir)
    return finding


def _from_result(base: Finding, result: SearchResult, estimator: Any) -> Finding:
    route = ", ".join(sorted(result.routes)) or None
    base = replace(base, cases=result.cases, route=route)
    if result.failure is not None:
        case, failure = result.failure
        return _conclude(base, case, failure, None, result)
    if result.witness is not None:
        case, out = result.witness
        return _conclude(base, case, out, result.worst, result)
    if result.cases == 0:
        why = "the budget ran out before any case was evaluated" if result.budget_spent else "no case was evaluated"
        return replace(base, verdict=Verdict.INCONCLUSIVE, message=why)
    if result.applicable == 0:
        return replace(base, verdict=Verdict.VACUOUS,
                       message=f"the precondition held in none of the {result.cases} cases tried")
    budget = " (stopped by the budget)" if result.budget_spent else ""
    if getattr(estimator, "randomised", False) and result.p_value is not None:
        return replace(base, verdict=Verdict.STATISTICALLY_CONSISTENT, p_value=result.p_value, cases=result.applicable,
                       message=f"no significant violation in {result.applicable} cases{budget}; "
                               f"family p-value {result.p_value:.3g}")
    return replace(base, verdict=Verdict.NOT_REFUTED, cases=result.applicable,
                   message=f"no counterexample in {result.applicable} cases{budget} (seed {base.seed}); not a proof")


def _conclude(base: Finding, case: Case, found: Outcome | EstimatorFailure, worst: tuple[Case, Outcome] | None,
              result: SearchResult) -> Finding:
    if isinstance(found, EstimatorFailure):
        return replace(base, verdict=Verdict.ESTIMATOR_ERROR, witness=case.to_json(),
                       observed={"error": found.kind, "message": str(found), "size": case.size(),
                                 "arguments": found.arguments.to_json()},
                       message=f"the estimator failed ({found.kind}): {found}")
    observed = found.to_json()
    observed["size"] = case.size()
    worst_json = None
    if worst is not None and worst[0] != case:
        worst_json = {"case": worst[0].to_json(), "observed": {**worst[1].to_json(), "size": worst[0].size()}}
    msg = result.message or (f"{_show(observed['lhs'])} {found.relation} {_show(observed['rhs'])} fails by "
                             f"{found.violation:.6g} (tolerance {found.tolerance:.3g})"
                             + (f", standard error {found.stderr:.3g}" if found.stderr else ""))
    return replace(base, verdict=Verdict.VIOLATED, witness=case.to_json(), observed=observed, worst=worst_json,
                   route=found.route or base.route, message=msg)


def _show(value: Any) -> str:
    """A side of a relation for one line: the exact rational when there is one, else 6 digits."""
    if isinstance(value, dict):
        return str(value["exact"]) if len(str(value["exact"])) <= 24 else f"{value['value']:.6g}"
    return f"{value:.6g}" if isinstance(value, float) else str(value)


# --------------------------------------------------------------------------- exhaustive route
# A property may offer `exhaustive(domain, estimator, call)`: None when it has no finite domain to
# exhaust (the engine then runs), else (case, outcome, count): the case describing the whole domain
# (the witness), the exact outcome over it and how many instances it exhausted. Exhaustion is a
# proof, so the verdict is PROVED or VIOLATED, never "not refuted"; an outcome that is not
# applicable gives NOT_APPLICABLE with its detail as the reason.


def _exhaustive(prop: Any, estimator: Any, domain: str, base: Finding, settings: CheckSettings) -> Finding | None:
    base = replace(base, engine="exhaustive")
    try:
        decided = prop.exhaustive(domain, estimator, Call(estimator))
    except EstimatorFailure as failure:
        case = Case((("instance", failure.instance),), (("Pi", failure.arguments),))
        finding = _conclude(base, case, failure, None, SearchResult())
    else:
        if decided is None:
            return None
        case, outcome, count = decided
        if not outcome.applicable:
            return replace(base, message=outcome.detail)
        base = replace(base, cases=count, route=outcome.route)
        if outcome.violates:
            finding = _conclude(base, case, outcome, None, SearchResult(cases=count, message=outcome.detail))
        else:
            finding = replace(base, verdict=Verdict.PROVED, observed={**outcome.to_json(), "size": case.size()},
                              message=outcome.detail)
    if settings.findings_dir is not None and finding.verdict.is_failure:
        finding.save(settings.findings_dir)
    return finding


def _enumerate(prop: Any, estimator: Any, domain: str, base: Finding, settings: CheckSettings,
               finite: tuple[str, Any]) -> Finding:
    """Run the exhaustive engine over a property's finite domain: PROVED there, the first violation
    in size order, or INCONCLUSIVE when the budget ends the enumeration (which then proves nothing)."""
    from .engines.exhaustive import run_exhaustive

    scope, cases = finite
    base = replace(base, engine="exhaustive")
    result = run_exhaustive(prop, Call(estimator), cases, settings.budget)
    if result is None:
        return replace(base, verdict=Verdict.INCONCLUSIVE,
                       message=f"the budget ended the enumeration of {scope}: an unfinished enumeration proves nothing")
    base = replace(base, cases=result.cases)
    if result.failure is not None:
        finding = _conclude(base, result.failure[0], result.failure[1], None, SearchResult(cases=result.cases))
    elif result.witness is not None:
        finding = _conclude(base, result.witness[0], result.witness[1], None, SearchResult(cases=result.cases))
        finding = replace(finding, message=f"first violation in size order over {scope}: {finding.message}")
    else:
        applicable = result.cases - result.not_applicable
        if applicable == 0:
            return replace(base, verdict=Verdict.VACUOUS, message=f"no case of {scope} was in the estimator's domain")
        return replace(base, verdict=Verdict.PROVED, message=f"holds over {scope}: {applicable} cases, exactly")
    if settings.findings_dir is not None:
        finding.save(settings.findings_dir)
    return finding


# --------------------------------------------------------------------------- formal engines
# symbolic (sympy) and smt (z3) decide each structure for every value of its parameters (see
# engines/formal.py). PROVED is claimed only over the sizes the property's enumeration finished with
# every structure proved; structures proposed by Hypothesis beyond them give NOT_REFUTED at best.

FORMAL_ENGINES = ("symbolic", "smt")


def _traceable(estimator: Any) -> bool:
    """Whether the formal engines can run the estimator on symbolic parameters (deterministic and traceable)."""
    return bool(getattr(estimator, "traceable", False)) and not getattr(estimator, "randomised", False)


def _formal_fits(prop: Any, estimator: Any, domain: str) -> bool:
    from .engines.formal import scope_of

    return _traceable(estimator) and scope_of(prop, domain, 1) is not None


def _formal(prop: Any, estimator: Any, domain: str, base: Finding, settings: CheckSettings, engine: str,
            budget: float, propose: bool) -> Finding:
    from .engines.formal import run_formal, scope_of

    base = replace(base, engine=engine)
    if not _traceable(estimator):
        return replace(base, verdict=Verdict.INCONCLUSIVE,
                       message=f"the {engine} engine runs the estimator on symbolic parameters, which needs a "
                               f"deterministic traceable estimator; {estimator.name} is not (use --engine random)")

    def on_violation(case: Case, found: Outcome | EstimatorFailure) -> None:
        if settings.findings_dir is not None:
            _conclude(base, case, found, None, SearchResult(cases=0)).save(settings.findings_dir)

    result = run_formal(prop, estimator, domain, engine, budget, seed=settings.seed, max_nodes=settings.max_nodes,
                        call_timeout=settings.call_timeout, propose=propose, on_violation=on_violation)
    scope = scope_of(prop, domain, result.proved_up_to)
    within = sum(n for size, n in result.seen.items() if size <= result.proved_up_to)
    beyond = result.structures - within
    parts = []
    if result.source == "enumeration":
        parts.append(f"{within} structures")
        if beyond:
            parts.append(f"beyond them {sum(result.proved.values()) - within} of {beyond} enumerated structures proved "
                         f"before the budget ended")
    if result.proposed:
        parts.append(f"{result.proposed_proved} of {result.proposed} structures proposed by Hypothesis proved"
                     + (" too" if result.source == "enumeration" else ""))
    if result.inconclusive:
        parts.append(f"{result.inconclusive} inconclusive")
    if result.not_reproduced:
        parts.append(f"{result.not_reproduced} not reproduced in floats")
    counts = "; ".join(parts) or "no structure decided"
    base = replace(base, cases=result.structures + result.proposed)
    if result.failure is not None:
        finding = _conclude(base, *result.failure, None, SearchResult(cases=base.cases))
    elif result.witness is not None:
        finding = _conclude(base, *result.witness, None, SearchResult(cases=base.cases))
        finding = replace(finding, message=f"{result.found_by}; replayed in floats: {finding.message}")
    elif result.proved_up_to > 0:
        return replace(base, verdict=Verdict.PROVED, message=f"proved for {scope} ({counts})")
    elif result.structures + result.proposed == result.not_applicable and result.not_applicable:
        return replace(base, verdict=Verdict.VACUOUS, message="every structure was outside the estimator's domain")
    elif result.proved or result.proposed_proved:
        return replace(base, verdict=Verdict.NOT_REFUTED,
                       message=f"{counts}, each for every parameter value; not a proof for the structures not decided"
                               + (f" (inconclusive: {result.notes[0]})" if result.notes else ""))
    else:
        why = result.notes[0] if result.notes else "the budget ended before any structure was decided"
        return replace(base, verdict=Verdict.INCONCLUSIVE, message=f"{counts}: {why}")
    if settings.findings_dir is not None:
        finding.save(settings.findings_dir)
    return finding


def rerun_command(request: CheckRequest, prop: Any, domain: str, settings: CheckSettings) -> str:
    parts = ["heurcheck", "check", request.estimator, "-p", prop.name, "--domain", domain]
    for k, v in request.options.items():
        parts += ["-o", f"{k}={v}"]
    for k, v in request.parameters.get(prop.name, {}).items():
        parts += ["-P", f"{k}={v}"]
    parts += ["--seed", str(settings.seed), "--max-examples", str(settings.max_examples)]
    if settings.engine != "random":
        parts += ["--engine", settings.engine]
    if settings.engine in ("symbolic", "smt", "auto") and settings.max_nodes != CheckSettings.max_nodes:
        parts += ["--max-nodes", str(settings.max_nodes)]
    return shlex.join(parts)


def summarise(findings: Iterable[Finding]) -> int:
    """The exit status for a set of findings: 1 if any is a violation or an estimator error, else 0."""
    return 1 if any(f.verdict.is_failure for f in findings) else 0
