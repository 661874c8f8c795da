"""`heurcheck check`: search one estimator for counterexamples to properties."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from ..checker import CheckRequest, CheckSettings, PlannedCheck, check, require_runnable, summarise
from ..domains import get_domain
from ..engines import ENGINES
from ..figure import save_measurements
from ..interrupt import INTERRUPTED, stop_on_signals
from ..jsonio import write_json_atomic
from ..properties.registry import available, property_class
from .common import ProgressLines, estimator_options, input_errors, isolation_options, key_values


TOTAL_BUDGET = 120.0  # seconds for every check of `heurcheck check ESTIMATOR` run with no -p

_STYLE = {
    "proved": "bold green", "violated": "bold red", "estimator-error": "bold magenta", "not-refuted": "yellow",
    "statistically-consistent": "yellow", "shared": "cyan", "fixed": "bold blue",
    "inconclusive": "dim", "vacuous": "dim", "not-applicable": "dim",
}


def _parameters(pairs: tuple[str, ...], properties: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """`-P KEY=VALUE` applies to every selected property that declares KEY (an error if none does)."""
    out: dict[str, dict[str, str]] = {}
    for key, value in key_values(pairs).items():
        takers = [p for p in properties if key in property_class(p).parameters]
        if not takers:
            raise click.BadParameter(f"no selected property has a parameter {key!r}", param_hint="-P")
        for p in takers:
            out.setdefault(p, {})[key] = value
    return out


def _verdict_line(f: Any) -> str:
    """The verdict, property, domain and message of a finding (wrapped to the terminal like any text)."""
    style = _STYLE.get(f.verdict.value, "")
    head = f"[{style}]{f.verdict.value:<24}[/{style}] {f.property:<22} {f.domain:<9}"
    detail = f.message
    if f.observed and "size" in f.observed:
        detail += f" (witness size {f.observed['size']})"
    if f.route:
        detail += f" [route: {f.route}]"
    if f.against and f.verdict.is_failure and f.witness is not None:
        detail += f" [new: the reference {f.against['reference']} holds on this witness]"
    return f"{head} {escape(detail)}"


def _rerun_line(f: Any) -> str:
    """The command that re-runs the check: printed as one line, never wrapped, so that it can be copied."""
    return f"{'':24}   [dim]rerun: {escape(f.command)}[/dim]"


@click.command("check")
@click.argument("estimator")
@click.option("-p", "--property", "properties", multiple=True, metavar="PROPERTY",
              help="A property to check (repeatable); default: every property.")
@click.option("--domain", default=None, help="Only this domain (default: every domain both support).")
@click.option("-o", "--option", "options", multiple=True, metavar="KEY=VALUE", help="An estimator option.")
@click.option("-P", "--parameter", "parameters", multiple=True, metavar="KEY=VALUE",
              help="A property parameter, given to every selected property that has it.")
@click.option("--max-examples", type=click.IntRange(1, 10**7), default=5000, show_default=True,
              help="Most cases per check (the budget usually ends the search first).")
@click.option("--budget", type=click.FloatRange(0.1, 86400), default=60.0, show_default=True,
              help="Seconds per (property, domain) check at most (a safety cap: the case count decides).")
@click.option("--total-budget", type=click.FloatRange(0.1, 86400), default=None,
              help=f"Seconds for all the checks together, each getting a share of what is left "
                   f"[default: {TOTAL_BUDGET:g} without -p, none with -p].")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True)
@click.option("--findings", "findings_dir", type=click.Path(file_okay=False), default="heurcheck-findings",
              show_default=True, help="Folder where each counterexample is saved the moment it is found.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False), default=None,
              help="Also write every verdict to this JSON file (a file, not stdout as on list or estimate: stdout "
                   "shows each verdict as its check ends).")
@click.option("--engine", type=click.Choice(ENGINES), default="random",
              show_default=True,
              help="random search (cases drawn afresh, shrunk by Hypothesis; guided for randomised estimators); "
                   "guided: random search with Hypothesis's generation heuristics (no repeats, copied structures, "
                   "hill-climbing of violations; 0.5-1.2 ms more per case); exhaustive enumeration of a property's "
                   "finite domain; symbolic (sympy) or smt (z3): decide each circuit structure for all parameter "
                   "values; auto: per property, exhaustive or smt where they apply, then random search.")
@click.option("--max-nodes", type=click.IntRange(1, 8), default=4, show_default=True,
              help="symbolic/smt: enumerate circuit structures up to this many nodes (inputs + gates).")
@click.option("--call-timeout", type=click.FloatRange(0.01, 86400), default=10.0, show_default=True,
              help="Seconds per estimator call (its own time: waiting for a CPU does not count); a slower call is "
                   "an estimator-error finding.")
@click.option("--against", default=None, metavar="REFERENCE",
              help="A reference estimator ('NAME KEY=VALUE ...'): search for violations it does not share; "
                   "shared ones are counted, not reported as new; with no new one, a violation of the reference "
                   "the estimator holds on is reported as fixed (a random search gets at least half of --budget each).")
@isolation_options
def check_command(estimator: str, properties: tuple[str, ...], domain: str | None, options: tuple[str, ...],
                  parameters: tuple[str, ...], max_examples: int, budget: float, total_budget: float | None,
                  seed: int, findings_dir: str, json_file: str | None, engine: str, max_nodes: int,
                  call_timeout: float, against: str | None, isolate: str, memory_limit: int) -> None:
    """Search ESTIMATOR for counterexamples to properties; exit 1 if one is found.

    ESTIMATOR is a built-in name (see `heurcheck list estimators`), the name of an installed plugin
    (entry-point group heurcheck.estimators), module:attr, or path/to/file.py:Class, optionally with
    options after a colon ('cumulant:order=3', as matrix -e takes them) besides -o.

    \b
    Examples:
      heurcheck check mean -p respect-for-proofs --domain circuit
      heurcheck check cumulant -o order=3 -p linearity --engine smt
      heurcheck check examples/plugins/clamped_mean.py:ClampedMean -p boundedness --seed 1
    """


    console = Console(stderr=False)
    with input_errors():
        if domain is not None:
            get_domain(domain)
        for name in properties:
            property_class(name)
        selected = properties or available()
        estimator, given = estimator_options(estimator, options)
        request = CheckRequest(estimator, given, tuple(properties), _parameters(parameters, selected),
                               domain, against)
        if total_budget is None and not properties:
            total_budget = TOTAL_BUDGET
        settings = CheckSettings(max_examples=max_examples, budget=budget, seed=seed,
                                 findings_dir=Path(findings_dir), engine=engine, max_nodes=max_nodes,
                                 call_timeout=call_timeout, isolate=isolate, memory_limit=memory_limit * 2**20,
                                 total_budget=total_budget)
        within = f" within {total_budget:g} s in all" if total_budget is not None else f", at most {budget:g} s each"

        def notice(planned: list[PlannedCheck]) -> None:
            runnable = require_runnable(request, planned)  # NothingToCheck (exit 2), saying why, if none runs
            count = len({c.property.name for c in runnable})
            console.print(f"running {len(runnable)} check(s) of {estimator} ({count} "
                          f"propert{'y' if count == 1 else 'ies'}){within}", highlight=False)

        # the spinner is drawn on a terminal; elsewhere (a CI log) progress is plain lines on stderr
        with console.status(f"checking {estimator}...", spinner="dots") as status, stop_on_signals(), \
                ProgressLines(live=console.is_terminal) as lines:
            running: dict[tuple[str, str], str] = {}  # (property, domain) of the running check -> "check i/n"

            def shown(finding: Any) -> None:
                console.print(_verdict_line(finding), highlight=False)
                console.print(_rerun_line(finding), highlight=False, soft_wrap=True)
                counted = running.pop((finding.property, finding.domain), None)
                if counted is not None:  # not a check that did not apply (those are not counted)
                    lines.show(f"{counted} ended: {finding.property} on {finding.domain}: {finding.verdict.value}",
                               now=True)

            def starting(index: int, total: int, planned: PlannedCheck, left: float | None) -> None:
                time_left = f", {left:.0f} s left" if left is not None else ""
                text = f"check {index + 1}/{total}: {planned.property.name} on {planned.domain}{time_left}"
                status.update(text)
                running[(planned.property.name, planned.domain)] = f"check {index + 1}/{total}"
                lines.show(text)

            findings = check(request, settings, on_finding=shown, on_start=starting, on_plan=notice)
    partial = any(f.partial for f in findings)
    if json_file:
        write_json_atomic(json_file, {"estimator": estimator, "options": request.options, "seed": seed,
                                      "partial": partial, "findings": [f.to_json() for f in findings]})
    for path in save_measurements(findings, Path(findings_dir)):
        console.print(f"measurement saved: {path}", highlight=False)
    failures = [f for f in findings if f.verdict.is_failure]
    if failures:
        console.print(f"{len(failures)} counterexample(s); saved in {findings_dir}/", highlight=False)
    if partial:
        console.print(f"interrupted: the report is partial ({len(findings)} finding(s) so far)", highlight=False)
    sys.exit(INTERRUPTED if partial else summarise(findings))
