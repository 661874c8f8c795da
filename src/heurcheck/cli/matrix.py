"""`heurcheck matrix`: the report card of estimators x properties."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..campaign import EXECUTORS, CampaignProgress, CampaignSettings, RunSettings, parse_seeds, run_campaign
from ..errors import InvalidOption
from ..estimators.loading import require_known
from ..estimators.registry import Registry, parse_reference, reference_text
from ..interrupt import INTERRUPTED, stop_on_signals
from ..jsonio import write_json_atomic, write_text_atomic
from ..matrix import MatrixSettings, ReportCard, default_jobs, run_matrix
from ..properties.registry import property_class
from ..report import html_page, markdown, terminal
from .common import ProgressLines, card_files, input_errors, isolation_options


@click.command("matrix")
@click.option("--budget", type=click.FloatRange(1, 86400), default=MatrixSettings.budget, show_default=True,
              help="Seconds for the whole card: a safety cap, as are the 600 s of any one check (a check a cap "
                   "stops says so on the card); the case counts decide the checks.")
@click.option("--max-examples", type=click.IntRange(1, 10**7), default=MatrixSettings.max_examples,
              show_default=True, help="Cases per check: what decides it (the same seed gives the same card); "
                                         "respect-for-proofs gets 1000 (its counterexamples are rare), calibration 32 batches.")
@click.option("-e", "--estimator", "estimators", multiple=True, metavar="ESTIMATOR",
              help="Only these estimators (repeatable), each with its options if any: -e 'cumulant:order=3'.")
@click.option("-p", "--property", "properties", multiple=True, help="Only these properties (repeatable).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: up to 2).")
@click.option("--findings", "findings_dir", type=click.Path(file_okay=False), default="heurcheck-findings",
              show_default=True, help="Folder where each counterexample is saved the moment it is found.")
@card_files
@click.option("--call-timeout", type=click.FloatRange(0.01, 86400), default=10.0, show_default=True,
              help="Seconds per estimator call (its own time: waiting for a CPU does not count); a slower call is "
                   "an estimator-error finding.")
@click.option("--against", default=None, metavar="REFERENCE",
              help="A reference estimator ('NAME KEY=VALUE ...'): cells show violations it does not share (new) "
                   "and those it shares (=).")
@click.option("--seeds", default=None, metavar="N|A-B|A,B",
              help="A campaign over seeds: N (0 to N-1), a range A-B or a list; each cell says on how many it failed.")
@click.option("--journal", "journal", type=click.Path(dir_okay=False), default=None,
              help="A campaign's JSON Lines journal: one line per finished task, written as it ends.")
@click.option("--resume", is_flag=True, help="Continue the --journal: run only the tasks it does not hold, and again "
                                             "those whose worker died (an infrastructure failure, not a result).")
@click.option("--retry-timeouts", is_flag=True,
              help="With --resume: also run again the tasks journaled as timed out (off by default: a check that "
                   "overran its --task-timeout usually overruns again; raise --task-timeout with this).")
@click.option("--executor", type=click.Choice(EXECUTORS), default=None,
              help="Where a campaign's tasks run: local processes (default) or Ray (extra heurcheck[ray]).")
@click.option("--ray-address", default=None, metavar="ADDRESS",
              help="With --executor ray: the cluster to join (default: a local Ray instance for the run).")
@click.option("--task-timeout", type=click.FloatRange(1, 86400), default=None,
              help="A campaign task still running after this many seconds is killed and recorded "
                   "[default: 300]; its check's own time cap is 80%% of it.")
@isolation_options
def matrix_command(budget: float, max_examples: int, estimators: tuple[str, ...], properties: tuple[str, ...], seed: int,
                   jobs: int | None, findings_dir: str, json_file: str | None, md_file: str | None,
                   html_file: str | None, call_timeout: float, seeds: str | None, journal: str | None, resume: bool,
                   executor: str | None, ray_address: str | None, task_timeout: float | None, against: str | None,
                   isolate: str, memory_limit: int, retry_timeouts: bool = False) -> None:
    """The report card: every estimator against every applicable property; exit 1 if anything is violated.

    Each -e is a built-in name, an installed plugin's name, module:attr, or path/to/file.py:Class,
    optionally with options after a colon ('cumulant:order=3') or spaces ('cumulant order=3'); a plugin's
    row is labelled by the name it declares (its reference is in the JSON card).

    With --seeds, --journal or --executor it runs as a campaign: every (estimator, property, domain, seed)
    is a task of its own (no domain is skipped, --budget does not apply), journaled as it ends and resumable;
    each -e keeps its options there, as a row of its own.

    \b
    Examples:
      heurcheck matrix --html report-card.html
      heurcheck matrix -e mean -e cumulant -p linearity -p respect-for-proofs --json card.json
      heurcheck matrix -e examples/plugins/clamped_mean.py:ClampedMean --seed 3
      heurcheck matrix -e cumulant -e cumulant:order=3 -p respect-for-proofs
      heurcheck matrix -e mean -e perm-row --seeds 3 --journal j.jsonl --executor ray
      heurcheck matrix -e cumulant -e cumulant:order=1 -p iterated-estimation --seeds 3 --journal j.jsonl
    """
    if any(v is not None for v in (seeds, journal, executor, ray_address, task_timeout)) or resume or retry_timeouts:
        with input_errors():
            if resume and journal is None:
                raise InvalidOption("--resume: continues a journal; give it with --journal PATH")
            if retry_timeouts and not resume:
                raise InvalidOption("--retry-timeouts: re-runs the timed-out tasks of a resumed journal; add --resume")
            registry = Registry.default()
            for e in estimators:  # a typo is an error here; a plugin is loaded (in its worker), and the
                require_known(registry, parse_reference(e)[0])  # options checked, when the campaign is planned
            if against is not None:
                require_known(registry, parse_reference(against)[0])
            for p in properties:
                property_class(p)
            campaign = CampaignSettings(
                seeds=parse_seeds(seeds) if seeds is not None else (seed,), max_examples=max_examples,
                estimators=estimators, properties=properties, against=against,
                journal=Path(journal) if journal else None,
                resume=resume, executor=executor or "local", ray_address=ray_address, jobs=jobs or default_jobs(),
                task_timeout=task_timeout or CampaignSettings.task_timeout, retry_timeouts=retry_timeouts,
                findings_dir=Path(findings_dir),
                run=RunSettings(call_timeout, isolate, memory_limit * 2**20))
            err = Console(stderr=True)
            with stop_on_signals(), ProgressLines(live=err.is_terminal) as lines:
                card = run_campaign(campaign, registry, _progress_printer(err, lines))
        sys.exit(write_card(card, Console(), json_file, md_file, html_file, findings_dir))

    with input_errors():
        registry = Registry.default()
        for e in estimators:  # a typo is an error here; a plugin is loaded (in its worker) by the card
            require_known(registry, parse_reference(e)[0])
        for p in properties:
            property_class(p)
        if against is not None:  # a typo is an error here; a plugin reference is loaded (in its worker) by the card
            require_known(registry, parse_reference(against)[0])
        settings = MatrixSettings(budget=budget, max_examples=max_examples, seed=seed, jobs=jobs or default_jobs(),
                                  findings_dir=Path(findings_dir), estimators=estimators, properties=properties,
                                  call_timeout=call_timeout, isolate=isolate, memory_limit=memory_limit * 2**20,
                                  against=against)
    console, err = Console(), Console(stderr=True)
    # the bar is drawn on a terminal; elsewhere (a CI log) progress is plain lines on stderr
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar, stop_on_signals(), ProgressLines(live=err.is_terminal) as lines:
        task = bar.add_task("report card", total=None)

        def progress(done: int, total: int, finding: Any) -> None:
            last = (f"{reference_text(finding.shown_name, finding.options)} / {finding.property} / {finding.domain}: "
                    f"{finding.verdict.value}")
            bar.update(task, completed=done, total=total, description=last)
            lines.show(f"{done}/{total} checks done; last: {last}", now=True)

        with input_errors():  # e.g. an option an estimator does not take, found when the card is planned
            card = run_matrix(settings, registry, progress)
    sys.exit(write_card(card, console, json_file, md_file, html_file, findings_dir))


def write_card(card: ReportCard, console: Console, json_file: str | None, md_file: str | None,
               html_file: str | None, findings_dir: str | None) -> int:
    """Print the card, write the files asked for, and return the exit status (1 if a cell fails,
    INTERRUPTED for a partial card)."""
    console.print(terminal(card))
    if json_file:
        write_json_atomic(json_file, card.to_json())
    if md_file:
        write_text_atomic(md_file, markdown(card))
    if html_file:
        write_text_atomic(html_file, html_page(card))
    failures = sum(1 for c in card.cells.values() if c.verdict.is_failure)
    where = f"; counterexamples in {findings_dir}/" if findings_dir else ""
    console.print(f"{failures} violated or failing cell(s){where}", highlight=False)
    return INTERRUPTED if card.partial else (1 if failures else 0)


def _progress_printer(err: Console, lines: ProgressLines) -> Callable[[CampaignProgress], None]:
    """A campaign's progress on stderr: one line redrawn on a terminal, else plain `lines` (at most one every
    PLAIN_EVERY seconds, and on the first task and on the last)."""

    def show(p: CampaignProgress) -> None:
        if err.is_terminal:
            err.print(p.line(), end="\r", highlight=False, soft_wrap=True)
            if p.done == p.total:
                err.print()
        else:
            lines.show(p.line(), now=p.done == p.total or p.done == p.resumed + 1)

    return show
