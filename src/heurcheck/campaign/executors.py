"""Where a campaign's tasks run: a local pool of worker processes (the default) or a Ray cluster.

Both executors take tasks one at a time from an iterator, keep at most one task per worker in
flight (local processes, or Ray actors, one per CPU), and hand each `TaskResult` to a callback in the driver the moment it arrives, so the driver
holds no more than the tasks in flight. Both add a hard per-task timeout on top of the check's own
time cap: a task still running `timeout` seconds after it was handed to a free slot is killed (its
worker process with it) and recorded as `timeout`; a worker that dies under a task is recorded as
`worker-died`; the campaign goes on with a fresh worker. Workers run with one BLAS thread each.
The task itself runs `run_task` in both, so results do not depend on the executor; each result
records the node that ran it (the Ray node's id, or the local machine's host name).
"""

from __future__ import annotations

import ctypes
import itertools
import multiprocessing
import os
import signal
import socket
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Protocol

from ..checker import CheckRequest, CheckSettings, check
from ..errors import HeurcheckError, InvalidOption
from ..estimators.registry import Registry
from ..findings import Finding, Verdict
from ..isolation import DEFAULT_MEMORY_LIMIT, exit_text
from .tasks import Task, TaskResult

ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                     "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")}
EXECUTORS = ("local", "ray")
POLL = 1.0  # seconds between looks at the deadlines when nothing arrives
STARTUP = 120.0  # seconds the Ray executor waits for its first workers to start before it hands out tasks
READY = "ready"  # a local worker's first message: it has started and takes tasks


@dataclass(frozen=True)
class RunSettings:
    """How every task of a campaign runs (what does not change its result, so not part of a task's key)."""

    call_timeout: float | None = 10.0  # seconds per estimator call (see CheckSettings)
    isolate: str = "plugins"
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT


Runner = Callable[[Task, RunSettings, "Registry | None"], TaskResult]
OnResult = Callable[[TaskResult], None]


def run_task(task: Task, settings: RunSettings, registry: Registry | None = None) -> TaskResult:
    """One task, in a worker: its check, decided by its case count, under its own time cap and per-call
    isolation. Counterexamples travel back in the result (the driver saves them), so workers write nothing."""
    start = time.monotonic()
    check_settings = CheckSettings(max_examples=task.max_examples, budget=task.budget, seed=task.seed,
                                   findings_dir=None, call_timeout=settings.call_timeout, isolate=settings.isolate,
                                   memory_limit=settings.memory_limit)
    request = CheckRequest(task.estimator, dict(task.options), (task.property,),
                           {task.property: dict(task.parameters)}, task.domain, task.against)
    try:
        findings = check(request, check_settings, registry)
    except HeurcheckError as exc:  # e.g. an estimator that cannot be created: its cell's error, not the campaign's
        findings = [Finding(property=task.property, parameters=dict(task.parameters), estimator=task.estimator,
                            options=dict(task.options), domain=task.domain, verdict=Verdict.ESTIMATOR_ERROR,
                            engine="none", seed=task.seed, cases=0, message=f"the check could not run: {exc}")]
    except Exception:  # a defect of the check itself: recorded, and the campaign goes on
        return TaskResult(task, "error", (), time.monotonic() - start, traceback.format_exc(limit=5))
    return TaskResult(task, "done", tuple(findings), time.monotonic() - start)


def lost(task: Task, status: str, seconds: float, message: str) -> TaskResult:
    return TaskResult(task, status, (), seconds, message)


class Executor(Protocol):
    name: str

    def run(self, tasks: Iterable[Task], on_result: OnResult) -> None:
        """Run every task, calling `on_result` in this process as each one ends (in any order)."""


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """`values` set in os.environ for the block (a spawned child takes the environment it starts with)."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _die_with_parent() -> None:
    """Linux: this process gets SIGKILL when the process that started it dies, so no worker outlives a
    driver that was killed. Elsewhere a worker ends when its pipe closes, after its current task."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve(conn: Connection, settings: RunSettings, registry: Registry | None, runner: Runner) -> None:
    """A local worker: tasks in, results out, until the driver sends None or goes away."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    conn.send(READY)  # imports done: a task's timeout counts from here, not from the process's start
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(replace(runner(task, settings, registry), node=socket.gethostname()))


class _Slot:
    """One local worker process, the task it is running and when it took it."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.ready = False  # until the worker says READY it is starting (importing), and takes no task
        self.task: Task | None = None
        self.started = 0.0

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5.0)
        self.conn.close()


class LocalExecutor:
    """A pool of `jobs` worker processes on this machine, each started fresh (spawn) with one BLAS thread."""

    name = "local"

    def __init__(self, jobs: int, settings: RunSettings, timeout: float, registry: Registry | None = None,
                 runner: Runner = run_task) -> None:
        self.jobs, self.settings, self.timeout, self.registry, self.runner = max(1, jobs), settings, timeout, \
            registry, runner
        self._context = multiprocessing.get_context("spawn")

    def _start(self) -> _Slot:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(theirs, self.settings, self.registry, self.runner),
                                         name="heurcheck-campaign-worker", daemon=False)  # checks fork isolation workers
        with _environment(ONE_THREAD):
            process.start()
        theirs.close()
        return _Slot(process, ours)

    def run(self, tasks: Iterable[Task], on_result: OnResult) -> None:
        pending = iter(tasks)
        first = next(pending, None)
        if first is None:
            return  # nothing to run (a finished campaign resumed): no worker started
        pending = itertools.chain((first,), pending)
        slots: list[_Slot] = []
        exhausted = False
        failed_starts = 0
        try:
            while True:
                if not exhausted:
                    exhausted = self._fill(slots, pending)
                busy = [s for s in slots if s.task is not None]
                starting = [s for s in slots if not s.ready]
                if not busy and (exhausted or not starting):
                    return
                now = time.monotonic()
                nearest = min((s.started + self.timeout for s in busy), default=now + POLL)
                watched = busy + starting
                wait([s.conn for s in watched] + [s.process.sentinel for s in watched],
                     timeout=max(0.0, min(POLL, nearest - now)))
                for slot in starting:
                    failed_starts += not self._started(slot)
                    if failed_starts > 3 * self.jobs:
                        raise InvalidOption("--executor local: worker processes fail to start")
                for slot in busy:
                    result = self._collect(slot)
                    if result is not None:
                        on_result(result)
                for slot in [s for s in slots if not s.process.is_alive() and s.task is None]:
                    slots.remove(slot)
                    slot.stop()
        finally:
            for slot in slots:
                try:
                    slot.conn.send(None)
                except (OSError, ValueError):
                    pass
            for slot in slots:
                slot.process.join(1.0)
                slot.stop()

    @staticmethod
    def _started(slot: _Slot) -> bool:
        """Notice a starting worker's READY; False if it died before saying it."""
        try:
            if slot.conn.poll():
                slot.ready = slot.conn.recv() == READY
                return slot.ready
        except (EOFError, OSError):
            pass
        return slot.process.is_alive()

    def _fill(self, slots: list[_Slot], pending: Iterator[Task]) -> bool:
        """Give every idle started worker a task (starting workers up to `jobs`, never one with nothing to
        do); True when no task is left."""
        while True:
            idle = next((s for s in slots if s.ready and s.task is None and s.process.is_alive()), None)
            if idle is None:
                if len(slots) < self.jobs:
                    slots.append(self._start())  # it takes a task once it says READY
                    continue
                return False
            task = next(pending, None)
            if task is None:
                return True
            idle.task, idle.started = task, time.monotonic()
            idle.conn.send(task)

    def _collect(self, slot: _Slot) -> TaskResult | None:
        """The slot's result if it has one; a death or an overrun recorded as such (the worker replaced)."""
        task = slot.task
        assert task is not None
        elapsed = time.monotonic() - slot.started
        try:
            if slot.conn.poll():
                result: TaskResult = slot.conn.recv()
                slot.task = None
                return result
        except (EOFError, OSError):
            pass
        if not slot.process.is_alive():
            code = slot.process.exitcode
            slot.task = None
            return lost(task, "worker-died", elapsed, f"the worker process died running this task ({exit_text(code)})")
        if elapsed > self.timeout:
            slot.process.kill()
            slot.process.join(5.0)
            slot.task = None
            return lost(task, "timeout", elapsed, f"killed: the task ran past its hard timeout of {self.timeout:g} s")
        return None


class _RayWorker:
    """The body of a Ray actor that runs tasks one at a time (as `_serve` does for the local pool)."""

    def __init__(self, runner: Runner, settings: RunSettings, registry: Registry | None) -> None:
        import ray

        self.runner, self.settings, self.registry = runner, settings, registry
        self.node = ray.get_runtime_context().get_node_id()  # the Ray node this actor lives on

    def ready(self) -> bool:
        return True

    def run(self, task: Task) -> TaskResult:
        return replace(self.runner(task, self.settings, self.registry), node=self.node)


class RayExecutor:
    """Tasks on a Ray cluster (`address`), or on a local Ray instance started for the run and shut down
    after it; when this process is already connected to Ray, that connection is used and kept.

    One actor per CPU of the cluster runs one task at a time, so a task's hard timeout counts from the
    moment a running worker took it (not from its wait for a worker to start); an actor that overruns
    is killed and replaced, one that dies is recorded and replaced. The first tasks are handed out once
    every first actor has started (or after STARTUP seconds), so every node of the cluster takes part."""

    name = "ray"

    def __init__(self, address: str | None, jobs: int, settings: RunSettings, timeout: float,
                 registry: Registry | None = None, runner: Runner = run_task) -> None:
        self.address, self.jobs, self.settings, self.timeout, self.registry, self.runner = \
            address, max(1, jobs), settings, timeout, registry, runner

    def run(self, tasks: Iterable[Task], on_result: OnResult) -> None:
        ray = import_ray()
        started_here = not ray.is_initialized()
        if started_here:
            runtime = {"env_vars": dict(ONE_THREAD)}
            if self.address:
                ray.init(address=self.address, runtime_env=runtime, log_to_driver=False)
            else:
                ray.init(num_cpus=self.jobs, include_dashboard=False, runtime_env=runtime, log_to_driver=False)
        try:
            self._run(ray, tasks, on_result)
        finally:
            if started_here:
                ray.shutdown()

    def _run(self, ray: Any, tasks: Iterable[Task], on_result: OnResult) -> None:
        from ray.exceptions import RayActorError, RayError, WorkerCrashedError

        actor_class = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(_RayWorker)
        settings_ref, registry_ref = ray.put(self.settings), ray.put(self.registry)
        slots = max(1, int(ray.cluster_resources().get("CPU", 1)))
        pending = iter(tasks)
        starting: dict[Any, Any] = {}  # ready() reference -> actor still starting
        idle: list[Any] = []
        running: dict[Any, tuple[Any, Task, float]] = {}  # run() reference -> (actor, task, start)
        failed_starts = 0

        def start_actor() -> None:
            actor = actor_class.remote(self.runner, settings_ref, registry_ref)
            starting[actor.ready.remote()] = actor

        def renew(actor: Any) -> None:
            ray.kill(actor, no_restart=True)
            start_actor()

        for _ in range(slots):
            start_actor()
        exhausted = False
        # the first task waits until every first worker has started (at most STARTUP seconds), so that
        # every node of the cluster takes part from the start, not only the one whose worker came up first
        opens, gate_open = time.monotonic() + STARTUP, False
        try:
            while True:
                gate_open = gate_open or not starting or time.monotonic() >= opens
                while idle and not exhausted and gate_open:
                    task = next(pending, None)
                    if task is None:
                        exhausted = True
                        break
                    actor = idle.pop()
                    running[actor.run.remote(task)] = (actor, task, time.monotonic())
                if exhausted and not running:
                    return
                now = time.monotonic()
                nearest = min((started + self.timeout for _, _, started in running.values()), default=now + POLL)
                ready, _ = ray.wait(list(running) + list(starting), num_returns=1,
                                    timeout=max(0.0, min(POLL, nearest - now)))
                for ref in ready:
                    if ref in starting:
                        actor = starting.pop(ref)
                        try:
                            ray.get(ref)
                            idle.append(actor)
                        except RayError as exc:
                            failed_starts += 1
                            if failed_starts > 3 * slots:
                                raise InvalidOption(f"--executor ray: Ray workers fail to start ({exc})") from None
                            renew(actor)
                        continue
                    actor, task, started = running.pop(ref)
                    elapsed = time.monotonic() - started
                    try:
                        on_result(ray.get(ref))
                        idle.append(actor)
                    except (RayActorError, WorkerCrashedError) as exc:
                        on_result(lost(task, "worker-died", elapsed, f"the worker process died running this task "
                                                                     f"({type(exc).__name__})"))
                        renew(actor)
                    except RayError as exc:  # the task raised in Ray's machinery: recorded; the worker goes on
                        on_result(lost(task, "error", elapsed, f"{type(exc).__name__}: {str(exc)[:500]}"))
                        idle.append(actor)
                now = time.monotonic()
                for ref, (actor, task, started) in list(running.items()):
                    if now - started > self.timeout:
                        del running[ref]
                        renew(actor)  # kills the worker process running it
                        on_result(lost(task, "timeout", now - started,
                                       f"killed: the task ran past its hard timeout of {self.timeout:g} s"))
        finally:
            for actor in idle + list(starting.values()) + [a for a, _, _ in running.values()]:
                ray.kill(actor, no_restart=True)


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise InvalidOption("--executor ray: Ray is not installed; install the extra: pip install 'heurcheck[ray]'") \
            from None
    return ray


def make_executor(kind: str, jobs: int, settings: RunSettings, timeout: float, registry: Registry | None = None,
                  address: str | None = None, runner: Runner = run_task) -> Executor:
    if kind == "local":
        if address:
            raise InvalidOption(f"--ray-address {address!r}: only with --executor ray")
        return LocalExecutor(jobs, settings, timeout, registry, runner)
    if kind == "ray":
        import_ray()
        return RayExecutor(address, jobs, settings, timeout, registry, runner)
    raise InvalidOption(f"--executor {kind!r}: expected one of {', '.join(EXECUTORS)}")


def save_failures(result: TaskResult, folder: Path | None) -> None:
    """The driver saves each counterexample of a finished task in the findings folder."""
    if folder is None:
        return
    for finding in result.findings:
        if finding.verdict.is_failure:
            finding.save(folder)
