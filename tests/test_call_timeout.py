"""The per-call time limit counts a call's own time: not the time it waited for a CPU, and not lost when the
timeout's exception is swallowed inside the call."""

from __future__ import annotations

import os
import time
from typing import Any, ClassVar

import pytest

from heurcheck import clock
from heurcheck.arguments import Arguments
from heurcheck.domains.circuit import Circuit, Gate, Gaussian, Input
from heurcheck.properties.base import Call, EstimatorFailure

Y = Circuit((Input("x", Gaussian(0, 1)),), (Gate("g", "neg", ("x",)),), "g")


class Sleeper:
    """Sleeps `seconds` (blocked: its own time, as a hang would be), then answers 0."""

    name: ClassVar[str] = "sleeper"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit"})

    def __init__(self, seconds: float, swallow: bool = False) -> None:
        self.seconds, self.swallow = seconds, swallow

    def estimate(self, instance: Any, arguments: Any) -> float:
        try:
            time.sleep(self.seconds)
        except BaseException:  # noqa: BLE001 - stands for Python swallowing it in a gc or weakref callback
            if not self.swallow:
                raise
        return 0.0


def test_a_call_past_its_own_time_is_a_timeout() -> None:
    with pytest.raises(EstimatorFailure) as info:
        Call(Sleeper(0.6), timeout=0.2)(Y, Arguments())
    assert info.value.kind == "timeout"


def test_time_spent_waiting_for_a_cpu_is_not_counted(monkeypatch) -> None:
    # a crowded machine, simulated: every second since the call began was spent on a run queue
    started = time.monotonic()
    monkeypatch.setattr(clock, "run_queue_wait", lambda pid=None: time.monotonic() - started)
    assert Call(Sleeper(0.6), timeout=0.2)(Y, Arguments()).value == 0


def test_a_timeout_swallowed_inside_the_call_still_times_it_out() -> None:
    with pytest.raises(EstimatorFailure) as info:
        Call(Sleeper(0.6, swallow=True), timeout=0.2)(Y, Arguments())
    assert info.value.kind == "timeout"


def test_own_time_is_wall_time_less_the_run_queue_wait(monkeypatch) -> None:
    from types import SimpleNamespace

    ticks, waits = iter([10.0, 10.8]), iter([2.0, 2.5])  # 0.8 s of wall time, of which 0.5 s on a run queue
    monkeypatch.setattr(clock, "time", SimpleNamespace(monotonic=lambda: next(ticks)))
    monkeypatch.setattr(clock, "run_queue_wait", lambda pid=None: next(waits))
    assert clock.OwnTime().seconds() == pytest.approx(0.3)


def test_an_isolated_worker_is_owed_its_wait_for_a_cpu_and_timed_out_on_its_own_time(monkeypatch, tmp_path) -> None:
    from heurcheck import Registry
    from heurcheck.estimators.loading import load
    from heurcheck.isolation import IsolatedFailure, IsolationSettings

    plugin = tmp_path / "sleepy.py"
    plugin.write_text("import time\n\nclass Sleepy:\n    name = 'sleepy'\n    domains = frozenset({'circuit'})\n\n"
                      "    def estimate(self, instance, arguments):\n        time.sleep(0.6)\n        return 0.0\n")
    with load(Registry.default(), f"{plugin}:Sleepy", {}, "plugins", IsolationSettings(0.2, None)) as loaded:
        with pytest.raises(IsolatedFailure) as info:
            loaded.estimator.estimate(Y, Arguments())
        assert info.value.kind == "timeout"
        started = time.monotonic()  # a crowded machine, simulated: the worker waited on a run queue all along
        monkeypatch.setattr(clock, "run_queue_wait", lambda pid=None: time.monotonic() - started)
        assert loaded.estimator.estimate(Y, Arguments()).value == 0


@pytest.mark.skipif(not os.path.exists("/proc/thread-self/schedstat"), reason="Linux schedstat only")
def test_the_schedstat_file_is_read_for_the_calling_thread_and_process() -> None:
    # it is opened once per thread; a forked child and another thread each read their own, not the parent's
    import multiprocessing
    import threading

    def opened() -> str:
        assert clock.run_queue_wait() is not None
        return os.readlink(f"/proc/self/fd/{clock._LOCAL.stat.fd}")

    main = opened()
    assert main == f"/proc/{os.getpid()}/task/{threading.get_native_id()}/schedstat"
    assert opened() == main  # the same descriptor, read again
    seen: list[str] = []
    thread = threading.Thread(target=lambda: seen.append(opened() + f" {threading.get_native_id()}"))
    thread.start()
    thread.join()
    path, tid = seen[0].split()
    assert path == f"/proc/{os.getpid()}/task/{tid}/schedstat" and path != main
    with multiprocessing.get_context("fork").Pool(1) as pool:
        child_pid, child_path = pool.apply(_child_reading)
    assert child_pid != os.getpid() and child_path.startswith(f"/proc/{child_pid}/task/")


def _child_reading() -> tuple[int, str]:
    clock.run_queue_wait()
    return os.getpid(), os.readlink(f"/proc/self/fd/{clock._LOCAL.stat.fd}")
