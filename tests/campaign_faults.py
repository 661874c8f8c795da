"""Task runners for the campaign executors' tests: a cheap stand-in for a check, and tasks that hang or
whose worker dies (the estimator's name says which), to exercise the executors' timeout and recovery."""

from __future__ import annotations

import os
import time

from heurcheck.campaign import RunSettings, Task, TaskResult
from heurcheck.findings import Finding, Verdict

HANG, DIE = "hangs", "dies"


def cheap(task: Task, settings: RunSettings, registry: object = None) -> TaskResult:
    """A task that decides at once: not refuted in `max_examples` cases (a stand-in, not a check)."""
    if task.estimator == HANG:
        time.sleep(3600)
    if task.estimator == DIE:
        os._exit(3)
    finding = Finding(property=task.property, parameters={}, estimator=task.estimator, options={}, domain=task.domain,
                      verdict=Verdict.NOT_REFUTED, engine="stand-in", seed=task.seed, cases=task.max_examples)
    return TaskResult(task, "done", (finding,), 0.0)


def tasks(names: list[str], seeds: int = 1) -> list[Task]:
    return [Task(name, "linearity", "circuit", seed, 3) for seed in range(seeds) for name in names]
