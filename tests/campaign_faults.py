"""Task runners for the campaign executors' tests: a cheap stand-in for a check, and tasks that hang or
whose worker dies (the estimator's name says which), to exercise the executors' timeout and recovery;
and an executor that runs tasks in the test's own process."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable

from heurcheck.campaign import RunSettings, Task, TaskResult
from heurcheck.findings import Finding, Verdict

HANG, DIE = "hangs", "dies"


def cheap(task: Task, settings: RunSettings, registry: object = None) -> TaskResult:
    """A task that decides at once: not refuted in `max_examples` cases (a stand-in, not a check)."""
    if task.estimator == HANG:
        time.sleep(3600)
    if task.estimator == DIE:
        os._exit(3)
    finding = Finding(property=task.property, parameters={}, estimator=task.estimator, options=dict(task.options),
                      domain=task.domain, verdict=Verdict.NOT_REFUTED, engine="stand-in", seed=task.seed,
                      cases=task.max_examples)
    return TaskResult(task, "done", (finding,), 0.0)


def tasks(names: list[str], seeds: int = 1) -> list[Task]:
    return [Task(name, "linearity", "circuit", seed, 3) for seed in range(seeds) for name in names]


class InProcess:
    """An executor that runs each task in this process (the stand-in `cheap`, or `runner`), recording the keys
    it ran, and can be interrupted after `stop_after` tasks."""

    name = "in-process"

    def __init__(self, stop_after: int | None = None,
                 runner: Callable[[Task, RunSettings], TaskResult] = cheap) -> None:
        self.stop_after, self.runner, self.ran = stop_after, runner, []  # type: ignore[var-annotated]

    def run(self, work: Iterable[Task], on_result: Callable[[TaskResult], None]) -> None:
        for task in work:
            if self.stop_after is not None and len(self.ran) == self.stop_after:
                raise KeyboardInterrupt
            self.ran.append(task.key)
            on_result(self.runner(task, RunSettings()))
