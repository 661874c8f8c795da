"""Run a campaign: plan its tasks, skip those already journaled, run the rest on an executor, journal
each result the moment it arrives (and save its counterexamples), then read the card from the journal.

The driver keeps only counters and the keys of journaled tasks: results stream from the executor
into the journal, and the card is built by reading the journal back, so a resumed campaign and an
uninterrupted one give the same card.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from ..estimators.registry import Registry
from ..errors import PluginError
from ..matrix import MatrixSettings, ReportCard, plan_card
from .aggregate import card_from_journal
from .executors import Executor, RunSettings, make_executor, save_failures
from .journal import open_journal
from .tasks import RERUN, RETRY_TIMEOUTS, Plan, TaskResult, make_plan

KILL_AFTER = 1.25  # a task is killed at its hard timeout; its check's own time cap is the timeout / KILL_AFTER


@dataclass(frozen=True)
class CampaignSettings:
    seeds: tuple[int, ...] = (0,)
    max_examples: int = MatrixSettings.max_examples  # cases per check: what decides it
    cases: tuple[tuple[str, int], ...] = MatrixSettings.cases  # per property, cases per check instead (matrix.CASES)
    estimators: tuple[str, ...] = ()  # empty: every registered estimator
    properties: tuple[str, ...] = ()  # empty: every property
    against: str | None = None  # a reference estimator ("NAME KEY=VALUE ..."): cells show the violations it lacks
    journal: Path | None = None  # None: a temporary journal, removed after the card is read
    resume: bool = False
    executor: str = "local"  # local | ray
    ray_address: str | None = None  # None: a local Ray instance started for the run
    jobs: int = 2  # local workers (or the CPUs of a local Ray instance)
    task_timeout: float = 300.0  # seconds: a task still running is killed and recorded as timed out
    retry_timeouts: bool = False  # resume: run the tasks journaled as timed out again (dead workers always are)
    findings_dir: Path | None = Path("heurcheck-findings")
    run: RunSettings = field(default_factory=RunSettings)  # per-call timeout, isolation, memory cap


@dataclass(frozen=True)
class CampaignProgress:
    """Where a campaign stands, after each task."""

    done: int  # tasks journaled, this run and before
    total: int
    resumed: int  # tasks found in the journal when the run started
    failures: int  # this run's tasks that did not finish (timeout, dead worker, error) or found a failure
    elapsed: float  # seconds since this run started
    executor: str
    last: TaskResult | None = None

    @property
    def throughput(self) -> float:
        """Tasks per second in this run."""
        ran = self.done - self.resumed
        return ran / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        rate = self.throughput
        return (self.total - self.done) / rate if rate > 0 else None

    def line(self) -> str:
        left = "?" if self.seconds_left is None else f"{self.seconds_left:.0f} s"
        return (f"{self.done}/{self.total} tasks done ({self.resumed} from the journal), {self.throughput:.2f} tasks/s "
                f"on {self.executor}, about {left} left, {self.failures} failure(s) so far")


def plan_campaign(registry: Registry, settings: CampaignSettings) -> Plan:
    estimators, properties, checks, broken = plan_card(registry, MatrixSettings(
        estimators=settings.estimators, properties=settings.properties, isolate=settings.run.isolate,
        memory_limit=settings.run.memory_limit, call_timeout=settings.run.call_timeout))
    if broken:  # a campaign's journal is keyed by checks: an estimator that cannot even load has none
        raise PluginError("; ".join(f"{e}: {why}" for e, why in broken.items()))
    return make_plan(estimators, properties, checks, settings.seeds, settings.max_examples,
                     settings.task_timeout / KILL_AFTER, dict(settings.cases), settings.against)


def _failed(result: TaskResult) -> bool:
    return result.status != "done" or any(f.verdict.is_failure for f in result.findings)


def run_campaign(settings: CampaignSettings, registry: Registry | None = None,
                 progress: Callable[[CampaignProgress], None] | None = None,
                 executor: Executor | None = None) -> ReportCard:
    """Run (or resume) a campaign and return its card, read from the journal. Ctrl-C (KeyboardInterrupt)
    stops the workers; every task finished so far is journaled, and the card returned is partial."""
    registry = registry or Registry.default()
    plan = plan_campaign(registry, settings)
    executor = executor or make_executor(settings.executor, settings.jobs, settings.run, settings.task_timeout,
                                         registry, settings.ray_address)
    rerun = RETRY_TIMEOUTS if settings.retry_timeouts else RERUN
    if settings.journal is not None:
        execute(plan, settings.journal, settings.resume, executor, settings.findings_dir, progress, rerun)
        return card_from_journal(settings.journal)
    with tempfile.TemporaryDirectory(prefix="heurcheck-campaign-") as folder:
        path = Path(folder) / "journal.jsonl"
        execute(plan, path, False, executor, settings.findings_dir, progress)
        return card_from_journal(path)


def execute(plan: Plan, journal: Path, resume: bool, executor: Executor, findings_dir: Path | None = None,
            progress: Callable[[CampaignProgress], None] | None = None, rerun: Collection[str] = RERUN) -> None:
    """Run the plan's tasks that `journal` does not hold yet, or holds with a status in `rerun` (a newer
    record then supersedes the older), appending each result the moment it arrives (and saving its
    counterexamples in `findings_dir`); a KeyboardInterrupt stops the run, the journal holding every
    task finished before it."""
    writer, done_keys = open_journal(journal, plan, resume, rerun)
    resumed = sum(1 for t in plan.tasks if t.key in done_keys)
    todo = (t for t in plan.tasks if t.key not in done_keys)
    start = time.monotonic()
    done, failures = resumed, 0

    def on_result(result: TaskResult) -> None:
        nonlocal done, failures
        writer.append(result)
        save_failures(result, findings_dir)
        done += 1
        failures += _failed(result)
        if progress is not None:
            progress(CampaignProgress(done, len(plan.tasks), resumed, failures, time.monotonic() - start,
                                      executor.name, result))

    with writer:
        try:
            executor.run(todo, on_result)
        except KeyboardInterrupt:
            pass  # the card is partial: the journal lacks the tasks not run
