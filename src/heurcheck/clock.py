"""A call's own time: wall time minus the time its thread waited for a CPU.

A per-call time limit is a guard against estimators that hang or run away, not a benchmark: on a
crowded machine (a CI runner, a laptop running a build) a call of 50 ms can take ten seconds of wall
time while it waits for a core, and a wall-clock limit would then report a correct estimator as
timed out. `OwnTime` measures what the call itself took: the time it ran plus the time it was blocked
on something it waits for (a sleep, a lock, a pipe), without the time it sat runnable on a run queue,
which Linux reports per thread in /proc/<pid>/task/<tid>/schedstat (second field, nanoseconds).
Where that file is missing (another system, or schedstats off) it is the wall time.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from typing import Any


class _Stat:
    """This thread's schedstat file, open (a read at offset 0 of an open file takes about 1 us; opening,
    reading and closing it 7 us, on every estimator call); closed with the thread's locals. A forked child
    inherits the parent's descriptor, which reads the parent's thread: `pid` tells them apart."""

    __slots__ = ("fd", "pid")

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.fd: int | None = None
        try:
            self.fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
        except OSError:
            pass

    def __del__(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # in a forked child, its own copy of the parent's descriptor


_LOCAL = threading.local()


def _thread_stat() -> bytes | None:
    stat = getattr(_LOCAL, "stat", None)
    if stat is None or stat.pid != os.getpid():
        stat = _LOCAL.stat = _Stat()
    return None if stat.fd is None else os.pread(stat.fd, 128, 0)


def run_queue_wait(pid: int | None = None) -> float | None:
    """Seconds this thread (or the main thread of process `pid`) has spent runnable but not running, since
    it started; None where the system does not say."""
    try:
        if pid is None:
            text = _thread_stat()
            return None if text is None else int(text.split()[1]) / 1e9
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


class OwnTime:
    """Started on creation; `seconds()` is the wall time since, less the run-queue wait of the thread
    (or of process `pid`'s main thread) over the same span (the wall time where that is unknown)."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid
        self.started = time.monotonic()
        self.waited = run_queue_wait(pid)

    def seconds(self) -> float:
        wall = time.monotonic() - self.started
        waited = run_queue_wait(self.pid)
        if waited is None or self.waited is None:
            return wall
        return max(0.0, wall - (waited - self.waited))


def in_gc_callback(frame: Any) -> bool:
    """True when `frame` runs inside one of the garbage collector's callbacks (Python swallows an
    exception raised there, so a timer's signal landing there must be re-armed instead)."""
    codes = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    while frame is not None:
        if frame.f_code in codes:
            return True
        frame = frame.f_back
    return False
