"""Assertions for a project's own test suite: `assert_satisfies`, `assert_violates` and `assert_agrees`.

    from heurcheck.testing import assert_satisfies, assert_violates

    def test_my_estimator_is_bounded():
        assert_satisfies("my_package.module:MyEstimator", "boundedness", domain="boolean")

Both run `checker.check` on one property and return its findings (one per domain). A counterexample
is a result, so these are the one place where it becomes an `AssertionError`: the message holds the
property, the domain, the two sides, the witness (truncated) and a command that re-runs the check.
Honest verdicts carry over: a check that decided nothing (`inconclusive`, `vacuous`) or that applied
nowhere (`not-applicable` on every domain) fails `assert_satisfies` unless the caller accepts it.
"""

from __future__ import annotations

import inspect
import json
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .checker import CheckRequest, CheckSettings, check
from .estimators.registry import Registry
from .findings import Finding, Verdict

__all__ = ["assert_agrees", "assert_satisfies", "assert_violates"]

WITNESS_CHARS = 1200  # enough to read a small shrunk witness; the saved finding holds the whole of it

# Verdicts that let `assert_satisfies` pass with no opt-in; PROVED is the only one that claims the
# property holds, the other two are evidence the test author asked for by choosing a budget.
_PASSING = frozenset({Verdict.PROVED, Verdict.NOT_REFUTED, Verdict.STATISTICALLY_CONSISTENT, Verdict.SHARED,
                       Verdict.FIXED})
_ACCEPTABLE = frozenset({Verdict.INCONCLUSIVE, Verdict.VACUOUS, Verdict.NOT_APPLICABLE})


def assert_satisfies(estimator: Any, property: str, *, domain: str | None = None,
                     options: Mapping[str, Any] | None = None, parameters: Mapping[str, Any] | None = None,
                     max_examples: int = 300, budget: float = 30.0, seed: int = 0,
                     findings_dir: str | Path | None = None, accept: Iterable[str | Verdict] = (),
                     against: Any = None, reference: Any = None) -> list[Finding]:
    """Check `property` and raise AssertionError on a counterexample, an estimator error, or a check
    that decided nothing. `estimator` is a registry name, a `module:attr` or `file.py:attr` reference,
    or an estimator class or instance. `accept` lists the undecided verdicts to let pass
    (`"inconclusive"`, `"vacuous"`, `"not-applicable"`); a failure verdict cannot be accepted. With
    `against` (a reference estimator, given like `estimator`, or as "NAME KEY=VALUE ..."), only
    violations the reference does not share fail (verdict `shared` passes)."""
    __tracebackhide__ = True  # pytest shows the caller's line, not this function's
    accepted = _accepted(accept)
    findings, shown = _run(estimator, property, domain, options, parameters, max_examples, budget, seed, findings_dir,
                           against, reference)
    failures = [f for f in findings if f.verdict.is_failure]
    if failures:
        raise AssertionError(render_failure(failures[0], shown, findings_dir, more=len(failures) - 1))
    undecided = [f for f in findings if f.verdict in (Verdict.INCONCLUSIVE, Verdict.VACUOUS)
                 and f.verdict not in accepted]
    if undecided:
        raise AssertionError(f"{shown} / {property}: the check decided nothing, which is not a pass "
                             f"(pass accept=[...] to allow it):\n{_verdict_lines(undecided)}")
    checked = [f for f in findings if f.verdict is not Verdict.NOT_APPLICABLE]
    if not checked and Verdict.NOT_APPLICABLE not in accepted:
        raise AssertionError(f"{shown} / {property}: not applicable on any domain, so nothing was checked:\n"
                             f"{_verdict_lines(findings)}")
    return findings


def assert_violates(estimator: Any, property: str, *, domain: str | None = None,
                    options: Mapping[str, Any] | None = None, parameters: Mapping[str, Any] | None = None,
                    max_examples: int = 300, budget: float = 30.0, seed: int = 0,
                    findings_dir: str | Path | None = None, against: Any = None) -> list[Finding]:
    """Check `property` and raise AssertionError unless a counterexample (verdict `violated`) is found:
    for pinning a known limitation, or a test that the checker catches a planted fault. An estimator
    error is not a counterexample to the property and does not count. With `against`, the
    counterexample must be one the reference does not share."""
    __tracebackhide__ = True
    findings, shown = _run(estimator, property, domain, options, parameters, max_examples, budget, seed, findings_dir,
                           against)
    if not any(f.verdict is Verdict.VIOLATED for f in findings):
        raise AssertionError(f"{shown} / {property}: expected a counterexample, found none "
                             f"(seed {seed}, at most {max_examples} cases):\n{_verdict_lines(findings)}")
    return findings


def assert_agrees(new: Any, old: Any, *, domain: str | None = None, relation: str = "equal",
                  options: Mapping[str, Any] | None = None, max_examples: int = 300, budget: float = 30.0,
                  seed: int = 0, findings_dir: str | Path | None = None, abs_tol: float = 1e-9,
                  rel_tol: float = 1e-9) -> list[Finding]:
    """Check that `new` estimates what `old` does (property `agreement`: G_new(Y | Pi) = G_old(Y | Pi),
    or <=, >= with `relation`) on every domain both handle, and raise AssertionError on the first
    case where they differ. `new` is given like `assert_satisfies`'s estimator; `old` is a registry
    name, a `module:attr` or `file.py:attr` reference with its options ("cumulant order=3"), or a
    class: an optimised estimator against the slow one, or a new version against a released one."""
    __tracebackhide__ = True
    parameters = {"relation": relation, "abs_tol": abs_tol, "rel_tol": rel_tol}
    return assert_satisfies(new, "agreement", domain=domain, options=options, parameters=parameters,
                            max_examples=max_examples, budget=budget, seed=seed, findings_dir=findings_dir,
                            reference=old)


# --------------------------------------------------------------------------- running


def _run(estimator: Any, prop: str, domain: str | None, options: Mapping[str, Any] | None,
         parameters: Mapping[str, Any] | None, max_examples: int, budget: float, seed: int,
         findings_dir: str | Path | None, against: Any = None, reference: Any = None) -> tuple[list[Finding], str]:
    if not isinstance(prop, str):
        raise TypeError(f"property must be one property name, not {prop!r}")
    name, registry = _resolve(estimator)
    against_spec = _reference_spec(against, registry)
    params = dict(parameters or {})
    if reference is not None:
        params["reference"] = _reference_spec(reference, registry)
    request = CheckRequest(name, dict(options or {}), (prop,), {prop: params}, domain, against_spec)
    settings = CheckSettings(max_examples=max_examples, budget=budget, seed=seed,
                             findings_dir=None if findings_dir is None else Path(findings_dir))
    findings = check(request, settings, registry=registry)
    reference = _reference(estimator)
    if reference is not None:  # a class's name means nothing to `heurcheck check`; its file does
        findings = [_with_command_estimator(f, reference) for f in findings]
    return findings, name


def _resolve(estimator: Any) -> tuple[str, Registry]:
    """The name to request and the registry to use: the default one, holding the estimator too when
    it is a class or an instance."""
    registry = Registry.default()
    if isinstance(estimator, str):
        return estimator, registry
    return _registered(estimator, registry), registry


def _registered(estimator: Any, registry: Registry) -> str:
    """The name of a class or instance in `registry`, registering it unless it is already there (a built-in)."""
    name = getattr(estimator, "name", None)
    if isinstance(name, str) and name in registry.names() and registry.factory(name) is estimator:
        return name
    return registry.register(estimator, f"passed to heurcheck.testing as {estimator!r}")


def _reference_spec(reference: Any, registry: Registry) -> str | None:
    """A reference estimator as the text a check takes ("NAME KEY=VALUE ..."), registering a class or instance."""
    if reference is None or isinstance(reference, str):
        return reference
    return _registered(reference, registry)


def _reference(estimator: Any) -> str | None:
    """`path/to/file.py:Class` for a module-level class (or an instance of one), else None."""
    if isinstance(estimator, str):
        return None
    cls = estimator if isinstance(estimator, type) else type(estimator)
    if not isinstance(estimator, type) or "<" in cls.__qualname__:
        return None  # an instance may hold state a reference cannot rebuild; a local class cannot be imported
    try:
        source = inspect.getsourcefile(cls)
    except TypeError:
        return None
    return f"{source}:{cls.__qualname__}" if source else None


def _with_command_estimator(finding: Finding, reference: str) -> Finding:
    parts = shlex.split(finding.command)
    if len(parts) > 2 and parts[:2] == ["heurcheck", "check"]:
        parts[2] = reference
        return replace(finding, command=shlex.join(parts))
    return finding


def _accepted(accept: Iterable[str | Verdict]) -> frozenset[Verdict]:
    if isinstance(accept, (str, Verdict)):
        accept = (accept,)
    out = set()
    for item in accept:
        try:
            verdict = Verdict(item)
        except ValueError:
            raise ValueError(f"accept={item!r}: expected one of {sorted(v.value for v in _ACCEPTABLE)}") from None
        if verdict not in _ACCEPTABLE:
            raise ValueError(f"accept={item!r}: only undecided verdicts can be accepted "
                             f"({', '.join(sorted(v.value for v in _ACCEPTABLE))}); "
                             f"{verdict.value} is {'a pass already' if verdict in _PASSING else 'a failure'}")
        out.add(verdict)
    return frozenset(out)


# --------------------------------------------------------------------------- rendering


def render_failure(f: Finding, shown: str, findings_dir: str | Path | None = None, more: int = 0) -> str:
    """A failing finding as the multi-line message of an AssertionError (also used by the pytest plugin)."""
    what = "counterexample to" if f.verdict is Verdict.VIOLATED else "estimator error while checking"
    lines = [f"{shown}: {what} {f.property} on {f.domain}: {f.message}",
             f"  verdict     {f.verdict.value} (engine {f.engine}, seed {f.seed}, {f.cases} cases"
             + (f", route {f.route})" if f.route else ")")]
    if f.parameters:
        lines.append(f"  parameters  {_compact(f.parameters)}")
    if f.options:
        lines.append(f"  options     {_compact(f.options)}")
    if f.witness is not None:
        lines.append(f"  witness     {_truncated(f.witness)}")
    if f.observed:
        sides = {k: f.observed[k] for k in ("lhs", "rhs", "violation", "tolerance") if k in f.observed}
        if sides:
            lines.append(f"  observed    {_truncated(sides, 400)}")
    lines.append(f"  rerun       {f.command}")
    if findings_dir is not None:
        lines.append(f"  saved in    {findings_dir}/ (replay with `heurcheck replay FILE` or "
                     f"`pytest --heurcheck-findings {findings_dir}`)")
    if more:
        lines.append(f"  and {more} more failing domain(s)")
    return "\n".join(lines)


def _verdict_lines(findings: Sequence[Finding]) -> str:
    return "\n".join(f"  {f.domain:<10} {f.verdict.value:<25} {f.message}" for f in findings) or "  (no checks ran)"


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def _truncated(value: Any, limit: int | None = None) -> str:
    limit = WITNESS_CHARS if limit is None else limit
    text = _compact(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters; the saved finding or the rerun has all)"
