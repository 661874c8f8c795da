"""A report card from a journal: every seed of every cell, read one line at a time.

A cell of a multi-seed card holds the findings of every seed; its verdict is the strongest over them,
`Cell.seed_verdicts` says on how many seeds it was reached, its deciding finding is the smallest
witness over the seeds, and its case count is summed. A task that did not finish (killed at its
timeout, its worker died, an error of the check) is an inconclusive finding of its cell that says
so: never a pass. A journal with tasks still missing gives a partial card. A task journaled more
than once (re-run by a resumed campaign) counts once, by its latest record. A row is the estimator as
given on the command line ('cumulant:order=3'), as on a single-seed card; its tasks hold the name and
the options apart, and each task goes to the row with its name and options.
"""

from __future__ import annotations

import os
from typing import Any

from ..errors import InvalidJournal, InvalidOption
from ..findings import Finding, Verdict
from ..matrix import Cell, ReportCard
from .journal import latest_results, read_header
from ..matrix import rows_by_estimator
from .tasks import TaskResult


def unfinished(result: TaskResult) -> Finding:
    """The finding standing for a task that left none: inconclusive, with what happened."""
    t = result.task
    return Finding(property=t.property, parameters=dict(t.parameters), estimator=t.estimator,
                   options=dict(t.options), domain=t.domain, verdict=Verdict.INCONCLUSIVE, engine="none",
                   seed=t.seed, cases=0, message=f"{result.status}: {result.message.strip()}",
                   max_examples=t.max_examples)


def card_from_journal(path: str | os.PathLike[str]) -> ReportCard:
    header = read_header(path)
    estimators, properties = list(header["estimators"]), list(header["properties"])
    seeds = tuple(int(s) for s in header["seeds"])
    cells = {(e, p): Cell(e, p) for e in estimators for p in properties}
    card = ReportCard(estimators, properties, cells, seeds[0] if seeds else 0, budget=0.0,
                      max_examples=int(header["max_examples"]), tool=str(header["tool"]), seeds=seeds,
                      cases_for={str(p): int(n) for p, n in dict(header.get("cases_for") or {}).items()},
                      against=str(header["against"]) if header.get("against") is not None else None)
    try:  # a task holds its row's estimator as a name and options: 'cumulant:order=3' is ('cumulant', order=3)
        rows = rows_by_estimator(estimators)
    except InvalidOption as exc:
        raise InvalidJournal(f"{path}: the header's estimators: {exc}") from None
    seen = set()
    seconds = 0.0
    for result in latest_results(path).values():
        t = result.task
        row = rows.get((t.estimator, t.options))
        if row is None or (row, t.property) not in cells:
            continue
        seen.add(t.key)
        seconds += result.seconds
        cells[(row, t.property)].findings.extend(result.findings or (unfinished(result),))
    for cell in cells.values():  # the order tasks finished in is the executor's: the card does not show it
        cell.findings.sort(key=_order)
    card.seconds = seconds
    card.partial = len(seen) < int(header["tasks"])
    card.tasks = (len(seen), int(header["tasks"]))
    return card


def _order(f: Finding) -> tuple[Any, ...]:
    return f.seed, f.domain
