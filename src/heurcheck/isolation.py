"""Run an estimator in a worker process that can be stopped: loading, construction and every call under a
per-call timeout, a memory cap, and crashes that end the worker instead of the run.

A third-party estimator can hang in C code or in a thread (where SIGALRM cannot reach it), allocate
without bound, end its process (`os._exit`, a segfault, `sys.exit`), or start processes of its own; and
it can do any of that when its module is imported or its class is built, not only when it is called.
`Isolation` keeps one persistent worker process per checked estimator, forked from this process (the
`fork` start method); the worker imports the plugin and builds it (`describe`, the first request), so
this process never runs the plugin's code. Only our own requests (options, instances, arguments) and
plain answers cross the pipe: the worker turns the estimator's capabilities and each result into
built-in values (`describe` and `portable`, given by the caller) before sending them.

Each worker runs in a session (and process group) of its own; stopping it kills the whole group, so
processes the plugin started end with it. A call that overruns its timeout, or that this process abandons
(the run's budget alarm, Ctrl-C), gets its worker killed; a fresh worker is forked for the next call. A
worker that dies mid-call is reported as a crash; a worker whose parent is gone kills its group and exits.

`IsolatedEstimator` stands in for the estimator in `Call` and the properties: it has the estimator's
capabilities (name, domains, options, traceable, randomised, default_arguments) as the worker described
them, and its `estimate` runs in the worker. The worker builds the estimator itself from the registry,
with the options of each call, so a randomised estimator re-created with another seed (`Call.reseed`, via
`IsolatedRegistry.create`) runs in the same worker. A call whose instance or arguments cannot be pickled
(z3 expressions, for instance) runs in this process instead, on the estimator built here then.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from pickle import PicklingError
from typing import Any

from .clock import OwnTime
from .errors import HeurcheckError, OutsideDomain

MODES = ("plugins", "always", "never")  # CheckSettings.isolate: third-party plugins only, every estimator, none
DEFAULT_MEMORY_LIMIT = 2 * 2**30  # bytes a worker may allocate beyond its size when it starts
STOP_WAIT = 5.0  # seconds to wait for a killed worker to be reaped
OPTIONAL_FLAGS = ("randomised", "traceable")  # capabilities a plugin may leave out (False)


@dataclass(frozen=True)
class IsolationSettings:
    """How isolated calls are bounded: seconds per call (None: no limit) and the worker's memory cap
    in bytes beyond its size at start (None: no cap)."""

    timeout: float | None = 10.0
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT


class IsolatedFailure(Exception):
    """An isolated call failed. `kind` is "raised" (the estimator raised, or called sys.exit),
    "timeout", "memory" (MemoryError under the cap), "crashed" (the worker died), "type" or "nan" (a
    result that is not a finite number); `Call` turns it into an `EstimatorFailure` of that kind."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def available() -> bool:
    """Isolation needs the fork start method (Linux, macOS); elsewhere estimators run in-process."""
    return "fork" in multiprocessing.get_all_start_methods()


def wanted(mode: str, registry: Any, name: str) -> bool:
    """Whether estimator `name` runs isolated under `mode` ("plugins": all but the built-ins)."""
    if mode not in MODES:
        raise ValueError(f"isolate={mode!r}: expected one of {', '.join(MODES)}")
    if mode == "never" or not available():
        return False
    return mode == "always" or not registry.is_builtin(name)


def _identity(value: Any) -> Any:
    return value


class Isolation:
    """One worker process for estimator `name` of `registry`: started on first use, killed and
    forked again after a timeout or a crash, stopped by `close`. In the worker, `describe(estimator)`
    gives what `describe` returns (the capabilities, as built-in values) and `portable(result)` each
    call's result (raising an exception with a `kind` attribute for a result that is not a number)."""

    def __init__(self, registry: Any, name: str, settings: IsolationSettings = IsolationSettings(),
                 describe: Callable[[Any], Any] = _identity, portable: Callable[[Any], Any] = _identity) -> None:
        self.registry = registry
        self.name = name
        self.settings = settings
        self.describe_in_worker = describe
        self.portable_in_worker = portable
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    def describe(self, options: Mapping[str, Any]) -> Any:
        """Import and build the estimator with `options` in the worker and return its description;
        IsolatedFailure if that raises, hangs, crashes or runs out of memory."""
        kind, value = self._exchange(bytes(ForkingPickler.dumps(("describe", dict(options)))))
        if kind != "ok":
            raise IsolatedFailure(kind, value)
        return value

    def call(self, options: Mapping[str, Any], instance: Any, arguments: Any,
             in_process: Callable[[], Any]) -> Any:
        """`estimate(instance, arguments)` of the estimator built with `options`, run in the worker;
        on `in_process()` (the estimator built here) when the request cannot be pickled."""
        try:
            request = bytes(ForkingPickler.dumps(("estimate", dict(options), instance, arguments)))
        except (PicklingError, TypeError, AttributeError):
            return in_process().estimate(instance, arguments)
        kind, value = self._exchange(request)
        if kind == "ok":
            return value
        if kind == "outside":
            raise OutsideDomain(value)
        raise IsolatedFailure(kind, value)

    def close(self) -> None:
        """Stop the worker and every process it started (a later call starts a new worker)."""
        self._stop()

    def _exchange(self, request: bytes) -> tuple[str, Any]:
        if self._process is None or not self._process.is_alive():
            self._stop()  # a worker that ended by itself may have left processes in its group
            self._start()
        assert self._conn is not None
        timeout = self.settings.timeout
        try:
            self._conn.send_bytes(request)
            if not self._answered(timeout):
                self._stop()
                return "timeout", f"no answer within {timeout:g} s (the worker process was stopped)"
            reply: tuple[str, Any] = self._conn.recv()
        except (EOFError, OSError):
            return "crashed", f"the worker process died ({exit_text(self._stop())})"
        except Exception as exc:  # an answer that cannot be unpickled here: not a number we can use
            self._stop()
            return "type", f"its answer could not be read ({exc.__class__.__name__}: {exc})"
        except BaseException:  # the budget's alarm, Ctrl-C: the worker may be mid-call, so it goes
            self._stop()
            raise
        return reply

    def _answered(self, timeout: float | None) -> bool:
        """Whether the worker answers within `timeout` seconds of its own time (`clock.OwnTime` of its
        process: a worker that waits for a CPU on a crowded machine is owed that wait)."""
        assert self._conn is not None and self._process is not None
        if timeout is None:
            return self._conn.poll(None)
        own = OwnTime(self._process.pid)
        while True:
            left = timeout - own.seconds()
            if left <= 0:
                return self._conn.poll(0)
            if self._conn.poll(left):
                return True

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_serve, args=(child_end, parent_end, self),
                                  name=f"heurcheck-isolated-{self.name}"[:60], daemon=True)
        process.start()
        child_end.close()
        self._process, self._conn = process, parent_end
        if process.pid is not None:
            _RUNNING.add(process.pid)

    def _stop(self) -> int | None:
        """Kill the worker (if any) with its process group, and return its exit code."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is None:
            return None
        if process.pid is not None:
            kill_group(process.pid)
            _RUNNING.discard(process.pid)
        if process.is_alive():  # not yet in its own group (killed before it called setsid)
            process.kill()
        process.join(STOP_WAIT)
        return process.exitcode


# the workers this process started and has not stopped yet: the one piece of process state kept here, so
# that a process told to stop by a signal (a report card's pool worker) can end them from its handler
_RUNNING: set[int] = set()


def stop_all_workers() -> None:
    """Kill every worker this process started, with its process group (for a signal handler)."""
    for leader in list(_RUNNING):
        kill_group(leader)
    _RUNNING.clear()


def kill_group(leader: int) -> None:
    """SIGKILL every process of the process group that `leader` started (a worker's session)."""
    try:
        os.killpg(leader, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # no such group (any more), or not ours
        return


class IsolatedEstimator:
    """Stands in for an estimator: its attributes are those of `description` (the capabilities the
    worker reported for the estimator built with `options`); its `estimate` runs in the isolation worker."""

    def __init__(self, isolation: Isolation, description: Any, options: Mapping[str, Any]) -> None:
        self._isolation = isolation
        self._description = description
        self._options = dict(options)
        self._local: Any = None  # built in this process only for a request that cannot go to the worker

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("_"):  # private and dunder lookups (pickle, copy) do not reach the estimator
            raise AttributeError(attribute)
        if attribute in OPTIONAL_FLAGS:
            return getattr(self._description, attribute, False)
        return getattr(self._description, attribute)

    def estimate(self, instance: Any, arguments: Any) -> Any:
        return self._isolation.call(self._options, instance, arguments, self._in_process)

    def with_options(self, **options: Any) -> IsolatedEstimator:
        """The same estimator built with other options (another seed), on the same worker."""
        return IsolatedEstimator(self._isolation, self._description, options)

    def _in_process(self) -> Any:
        if self._local is None:
            self._local = self._isolation.registry.create(self._isolation.name, **self._options)
        return self._local

    def __repr__(self) -> str:
        return f"<isolated {self._isolation.name!r}>"


class IsolatedRegistry:
    """A registry whose `create` of the isolated estimator gives a proxy on the same worker, so the
    estimator re-created with another seed is isolated too; everything else is the registry's."""

    def __init__(self, registry: Any, proxy: IsolatedEstimator, name: str) -> None:
        self._registry = registry
        self._proxy = proxy
        self._name = name

    def create(self, name: str, **options: Any) -> Any:
        if name == self._name:
            return self._proxy.with_options(**options)
        return self._registry.create(name, **options)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("_"):
            raise AttributeError(attribute)
        return getattr(self._registry, attribute)


def isolate(registry: Any, name: str, options: Mapping[str, Any], settings: IsolationSettings,
            describe: Callable[[Any], Any] = _identity, portable: Callable[[Any], Any] = _identity,
            ) -> tuple[IsolatedEstimator, IsolatedRegistry, Isolation]:
    """Isolate estimator `name` built with `options`: it is imported and built in the worker (IsolatedFailure
    if that fails; the worker is then stopped). Returns the proxy to check, a registry that re-creates it
    (other seeds) on the same worker, and the isolation to close when the run ends."""
    isolation = Isolation(registry, name, settings, describe, portable)
    try:
        description = isolation.describe(options)
    except BaseException:
        isolation.close()
        raise
    proxy = IsolatedEstimator(isolation, description, options)
    return proxy, IsolatedRegistry(registry, proxy, name), isolation


# --------------------------------------------------------------------------- the worker process


def _serve(conn: Connection, parent_end: Connection, isolation: Isolation) -> None:
    """The worker's loop: build the estimator for each request's options, run it, send the outcome."""
    try:
        os.setsid()  # a session of its own: stopping the worker kills every process the plugin started
    except OSError:
        pass
    parent_end.close()  # so that the parent's death is an EOF here
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it kills us if needed
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    memory_limit = isolation.settings.memory_limit
    _cap_memory(memory_limit)
    registry, name = isolation.registry, isolation.name
    built: tuple[str, Any] | None = None  # the last estimator built, by its options
    while True:
        try:
            request = conn.recv()
        except EOFError:  # the parent is gone: end the group (a lock held by a thread at fork time stays held)
            _end_group()
        options = request[1]
        key = repr(sorted(options.items()))
        try:
            if built is None or built[0] != key:
                built = None
                built = (key, registry.create(name, **options))
            if request[0] == "describe":
                reply: tuple[str, Any] = ("ok", isolation.describe_in_worker(built[1]))
            else:
                reply = _portable_reply(isolation, built[1].estimate(request[2], request[3]))
        except OutsideDomain as exc:
            reply = ("outside", str(exc))
        except HeurcheckError as exc:  # the registry refused the plugin or its options: the user's input
            reply = ("refused", (exc.__class__.__name__, _short(exc)))
        except MemoryError as exc:
            reply = ("memory", f"{exc!r}{_cap_text(memory_limit)}")
        except (Exception, SystemExit) as exc:  # the estimator failed: an answer, not the worker's end
            reply = ("raised", f"{exc.__class__.__name__}: {_short(exc)}")
        try:
            conn.send(reply)
        except (PicklingError, TypeError, AttributeError):
            conn.send(("type", f"returned a {type(reply[1]).__name__}, which is not a number "
                               "(and cannot be sent between processes)"))


def _portable_reply(isolation: Isolation, result: Any) -> tuple[str, Any]:
    """("ok", the result as built-in values), or ("type" | "nan", why) for a result that is not a number."""
    try:
        return "ok", isolation.portable_in_worker(result)
    except Exception as exc:
        kind = getattr(exc, "kind", "type")
        return (kind if kind in ("type", "nan") else "type"), _short(exc)


def _short(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # a message that cannot even be shown (a huge int's text)
        text = "(no readable message)"
    return text if len(text) <= 500 else text[:497] + "..."


def _end_group() -> None:
    try:
        os.killpg(os.getpgrp(), signal.SIGKILL)  # the worker leads its group: this ends it too
    finally:
        os._exit(0)


def _cap_memory(limit: int | None) -> None:
    """Cap the worker's address space at its current size plus `limit` bytes (RLIMIT_AS)."""
    if limit is None:
        return
    try:
        import resource  # POSIX only, and only in the worker process

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = _address_space() + limit
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):  # no RLIMIT_AS here: the worker runs uncapped
        return


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _cap_text(limit: int | None) -> str:
    return "" if limit is None else f" (memory cap {limit / 2**20:g} MiB)"


def exit_text(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"
