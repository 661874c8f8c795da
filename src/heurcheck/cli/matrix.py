"""`heurcheck matrix`: the report card of estimators x properties."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import UnknownName
from ..estimators.registry import Registry, parse_reference
from ..interrupt import INTERRUPTED, stop_on_signals
from ..jsonio import write_json_atomic, write_text_atomic
from ..matrix import MatrixSettings, default_jobs, run_matrix
from ..properties.registry import property_class
from ..report import html_page, markdown, terminal
from .common import input_errors, isolation_options


@click.command("matrix")
@click.option("--budget", type=click.FloatRange(1, 86400), default=MatrixSettings.budget, show_default=True,
              help="Seconds for the whole card: a safety cap (a check it stops says so on the card).")
@click.option("--max-examples", type=click.IntRange(1, 10**7), default=MatrixSettings.max_examples,
              show_default=True, help="Cases per check: what decides it (the same seed gives the same card); "
                                         "respect-for-proofs gets as many as `heurcheck check` gives it.")
@click.option("-e", "--estimator", "estimators", multiple=True, help="Only these estimators (repeatable).")
@click.option("-p", "--property", "properties", multiple=True, help="Only these properties (repeatable).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: up to 2).")
@click.option("--findings", "findings_dir", type=click.Path(file_okay=False), default="heurcheck-findings",
              show_default=True, help="Folder where each counterexample is saved the moment it is found.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False), default=None, help="Write the card as JSON.")
@click.option("--markdown", "md_file", type=click.Path(dir_okay=False), default=None, help="Write it as Markdown.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), default=None,
              help="Write it as one self-contained HTML page.")
@click.option("--call-timeout", type=click.FloatRange(0.01, 86400), default=10.0, show_default=True,
              help="Seconds per estimator call; a slower call is an estimator-error finding.")
@click.option("--against", default=None, metavar="REFERENCE",
              help="A reference estimator ('NAME KEY=VALUE ...'): cells show violations it does not share (new) "
                   "and those it shares (=).")
@isolation_options
def matrix_command(budget: float, max_examples: int, estimators: tuple[str, ...], properties: tuple[str, ...], seed: int,
                   jobs: int | None, findings_dir: str, json_file: str | None, md_file: str | None,
                   html_file: str | None, call_timeout: float, against: str | None, isolate: str,
                   memory_limit: int) -> None:
    """The report card: every estimator against every applicable property; exit 1 if anything is violated.

    Each -e is a built-in name, an installed plugin's name, module:attr, or path/to/file.py:Class.

    \b
    Examples:
      heurcheck matrix --html report-card.html
      heurcheck matrix -e mean -e cumulant -p linearity -p respect-for-proofs --json card.json
      heurcheck matrix -e examples/plugins/clamped_mean.py:ClampedMean --seed 3
    """


    with input_errors():
        registry = Registry.default()
        for e in estimators:  # a typo is an error here; a plugin is loaded (in its worker) by the card
            if ":" not in e and e not in registry.names():
                raise UnknownName("estimator", e, registry.names())
        for p in properties:
            property_class(p)
        if against is not None:  # a typo is an error here; a plugin reference is loaded (in its worker) by the card
            name, _ = parse_reference(against)
            if ":" not in name and name not in registry.names():
                raise UnknownName("estimator", name, registry.names())
        settings = MatrixSettings(budget=budget, max_examples=max_examples, seed=seed, jobs=jobs or default_jobs(),
                                  findings_dir=Path(findings_dir), estimators=estimators, properties=properties,
                                  call_timeout=call_timeout, isolate=isolate, memory_limit=memory_limit * 2**20,
                                  against=against)
    console = Console()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar, stop_on_signals():
        task = bar.add_task("report card", total=None)

        def progress(done: int, total: int, finding: Any) -> None:
            bar.update(task, completed=done, total=total,
                       description=f"{finding.estimator} / {finding.property} / {finding.domain}: "
                                   f"{finding.verdict.value}")

        card = run_matrix(settings, registry, progress)
    console.print(terminal(card))
    if json_file:
        write_json_atomic(json_file, card.to_json())
    if md_file:
        write_text_atomic(md_file, markdown(card))
    if html_file:
        write_text_atomic(html_file, html_page(card))
    failures = sum(1 for c in card.cells.values() if c.verdict.is_failure)
    console.print(f"{failures} violated or failing cell(s); counterexamples in {findings_dir}/", highlight=False)
    sys.exit(INTERRUPTED if card.partial else (1 if failures else 0))
