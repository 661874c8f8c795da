"""Run an estimator's calls in a worker process that can be stopped: per-call timeouts, a memory cap,
and crashes that end the worker instead of the run.

A third-party estimator can hang in C code or in a thread (where SIGALRM cannot reach it), allocate
without bound, or end its process (`os._exit`, a segfault). `Isolation` keeps one persistent worker
process per checked estimator, forked from this process (the `fork` start method), so the worker
inherits the registry and the plugin's code: nothing is unpickled from files, only the instances,
arguments and results that cross the pipe between our own two processes. A call that overruns its
timeout, or that this process abandons (the run's budget alarm, Ctrl-C), gets its worker killed; a
fresh worker is forked for the next call. A worker that dies mid-call is reported as a crash.

`IsolatedEstimator` stands in for the estimator in `Call` and the properties: it has the
estimator's attributes (name, domains, options, traceable, randomised, default_arguments, ...) and
its `estimate` runs in the worker. The worker builds the estimator itself from the registry, with
the options of each call, so a randomised estimator re-created with another seed (`Call.reseed`, via
`IsolatedRegistry.create`) runs in the same worker. A call whose instance or arguments cannot be
pickled (z3 expressions, for instance) runs in this process instead. The worker is a daemon process,
so an isolated estimator cannot start processes of its own with `multiprocessing`.
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

from .errors import OutsideDomain

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
    "timeout", "memory" (MemoryError under the cap), "crashed" (the worker died) or "type" (a result
    that cannot be sent back, so not a number); `Call` turns it into an `EstimatorFailure` of that kind."""

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


class Isolation:
    """One worker process for estimator `name` of `registry`: started on first use, killed and
    forked again after a timeout or a crash, stopped by `close`."""

    def __init__(self, registry: Any, name: str, settings: IsolationSettings = IsolationSettings()) -> None:
        self.registry = registry
        self.name = name
        self.settings = settings
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    def call(self, options: Mapping[str, Any], instance: Any, arguments: Any,
             in_process: Callable[[], Any]) -> Any:
        """`estimate(instance, arguments)` of the estimator built with `options`, run in the worker;
        on `in_process()` (the estimator built here) when the request cannot be pickled."""
        try:
            request = bytes(ForkingPickler.dumps((dict(options), instance, arguments)))
        except (PicklingError, TypeError, AttributeError):
            return in_process().estimate(instance, arguments)
        kind, value = self._exchange(request)
        if kind == "ok":
            return value
        if kind == "outside":
            raise OutsideDomain(value)
        raise IsolatedFailure(kind, value)

    def close(self) -> None:
        """Stop the worker (a later call starts a new one)."""
        self._stop()

    def _exchange(self, request: bytes) -> tuple[str, Any]:
        if self._process is None or not self._process.is_alive():
            self._start()
        assert self._conn is not None
        timeout = self.settings.timeout
        try:
            self._conn.send_bytes(request)
            if not self._conn.poll(timeout):
                self._stop()
                return "timeout", f"no answer within {timeout:g} s (the worker process was stopped)"
            reply: tuple[str, Any] = self._conn.recv()
        except (EOFError, OSError):
            return "crashed", f"the worker process died ({exit_text(self._stop())})"
        except BaseException:  # the budget's alarm, Ctrl-C: the worker may be mid-call, so it goes
            self._stop()
            raise
        return reply

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_serve, args=(child_end, parent_end, self.registry, self.name,
                                                       self.settings.memory_limit),
                                  name=f"heurcheck-isolated-{self.name}"[:60], daemon=True)
        process.start()
        child_end.close()
        self._process, self._conn = process, parent_end

    def _stop(self) -> int | None:
        """Kill the worker (if any) and return its exit code."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is None:
            return None
        if process.is_alive():
            process.kill()
        process.join(STOP_WAIT)
        return process.exitcode


class IsolatedEstimator:
    """Stands in for an estimator: its attributes are those of `local` (the estimator built in this
    process with `local_options`); its `estimate` runs in the isolation worker with `options`."""

    def __init__(self, isolation: Isolation, local: Any, local_options: Mapping[str, Any],
                 options: Mapping[str, Any]) -> None:
        self._isolation = isolation
        self._local = local
        self._local_options = dict(local_options)
        self._options = dict(options)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("_"):  # private and dunder lookups (pickle, copy) do not reach the estimator
            raise AttributeError(attribute)
        if attribute in OPTIONAL_FLAGS:
            return getattr(self._local, attribute, False)
        return getattr(self._local, attribute)

    def estimate(self, instance: Any, arguments: Any) -> Any:
        return self._isolation.call(self._options, instance, arguments, self._in_process)

    def with_options(self, **options: Any) -> IsolatedEstimator:
        """The same estimator built with other options (another seed), on the same worker."""
        return IsolatedEstimator(self._isolation, self._local, self._local_options, options)

    def _in_process(self) -> Any:
        if self._options == self._local_options:
            return self._local
        return self._isolation.registry.create(self._isolation.name, **self._options)

    def __repr__(self) -> str:
        return f"<isolated {self._local!r}>"


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


def isolate(registry: Any, name: str, local: Any, options: Mapping[str, Any],
            settings: IsolationSettings) -> tuple[IsolatedEstimator, IsolatedRegistry, Isolation]:
    """Isolate estimator `name` (built here as `local` with `options`): the proxy to check, a registry
    that re-creates it (other seeds) on the same worker, and the isolation to close when the run ends."""
    isolation = Isolation(registry, name, settings)
    proxy = IsolatedEstimator(isolation, local, options, options)
    return proxy, IsolatedRegistry(registry, proxy, name), isolation


# --------------------------------------------------------------------------- the worker process


def _serve(conn: Connection, parent_end: Connection, registry: Any, name: str, memory_limit: int | None) -> None:
    """The worker's loop: build the estimator for each request's options, run it, send the outcome."""
    parent_end.close()  # so that the parent's death is an EOF here
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it kills us if needed
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _cap_memory(memory_limit)
    built: tuple[str, Any] | None = None  # the last estimator built, by its options
    while True:
        try:
            options, instance, arguments = conn.recv()
        except EOFError:  # the parent is gone; exit at once (a lock held by a thread at fork time stays held)
            os._exit(0)
        key = repr(sorted(options.items()))
        try:
            if built is None or built[0] != key:
                built = (key, registry.create(name, **options))
            reply: tuple[str, Any] = ("ok", built[1].estimate(instance, arguments))
        except OutsideDomain as exc:
            reply = ("outside", str(exc))
        except MemoryError as exc:
            reply = ("memory", f"{exc!r}{_cap_text(memory_limit)}")
        except (Exception, SystemExit) as exc:  # the estimator failed: an answer, not the worker's end
            reply = ("raised", f"{exc.__class__.__name__}: {exc}")
        try:
            conn.send(reply)
        except (PicklingError, TypeError, AttributeError):
            conn.send(("type", f"returned a {type(reply[1]).__name__}, which is not a number "
                               "(and cannot be sent between processes)"))


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
