"""Interrupted runs: SIGTERM handled like Ctrl-C, and the findings of a check stopped midway.

`heurcheck check` and `heurcheck matrix` run under `stop_on_signals()`: SIGINT (Ctrl-C) and SIGTERM
raise KeyboardInterrupt and leave a flag. Python swallows (and prints) an exception raised inside a
gc callback or a `__del__`, where a signal can land, so it is not printed, and `checkpoint()`, called
before every estimator call and every check, raises it again. `checker.check` catches it around each check: the checks already
finished keep their findings, and the check it stopped contributes the counterexamples it had
already saved (the first violation is saved the moment it is seen), or else one inconclusive
finding, all marked partial. The commands then write their reports atomically, marked partial, and
exit with status `INTERRUPTED`.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from .errors import HeurcheckError, InvalidFinding
from .findings import Finding, finding_from_json
from .jsonio import load_document

INTERRUPTED = 130  # the exit status of a run ended by Ctrl-C or SIGTERM (its report is partial)


_stop_requested = False  # set by the first signal under `stop_on_signals`, until the block ends


def checkpoint() -> None:
    """Raise KeyboardInterrupt if a signal asked the run to stop (again, if Python swallowed the first)."""
    if _stop_requested:
        raise KeyboardInterrupt("interrupted")


@contextmanager
def stop_on_signals(signals: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM),
                    repeat: bool = True) -> Iterator[None]:
    """While the block runs (in the main thread), each of `signals` raises KeyboardInterrupt (only the
    first one with `repeat=False`, for a process that may get one signal twice) and leaves a flag, so
    that `checkpoint()` raises it again until the block ends."""
    global _stop_requested
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_signal(signum: int, frame: Any) -> None:
        global _stop_requested
        if _stop_requested and not repeat:
            return
        _stop_requested = True
        raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")

    def unraisable(report: Any) -> None:
        if not (_stop_requested and isinstance(report.exc_value, KeyboardInterrupt)):
            previous_hook(report)  # an interrupt swallowed here is raised again by `checkpoint()`

    _stop_requested = False
    previous = {s: signal.signal(s, on_signal) for s in signals}
    previous_hook, sys.unraisablehook = sys.unraisablehook, unraisable
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        sys.unraisablehook = previous_hook
        _stop_requested = False


def snapshot(folder: Path | None) -> dict[Path, int]:
    """The saved findings in `folder` with their modification times, to tell afterwards which are new."""
    if folder is None or not folder.is_dir():
        return {}
    out = {}
    for path in folder.glob("*.json"):
        try:
            out[path] = path.stat().st_mtime_ns
        except OSError:  # removed meanwhile
            continue
    return out


def stopped_check(stopped: Finding, folder: Path | None, before: dict[Path, int]) -> list[Finding]:
    """The findings of a check stopped midway (`stopped` describes it): the findings of that check saved
    in `folder` since `before`, or else `stopped` itself as inconclusive; all marked partial."""
    note = "the run was interrupted during this check"
    saved = []
    for path, mtime in sorted(snapshot(folder).items()):
        if before.get(path) == mtime:
            continue
        try:
            found = finding_from_json(load_document(path, InvalidFinding), str(path))
        except HeurcheckError:  # not one of ours, or being replaced: the report does without it
            continue
        if (found.property, found.estimator, found.domain) == (stopped.property, stopped.estimator, stopped.domain):
            saved.append(replace(found, parameters=_as_written(found.parameters), witness=_as_written(found.witness),
                                 observed=_as_written(found.observed), worst=_as_written(found.worst), partial=True,
                                 message=f"{found.message} ({note}; saved in {path})"))
    if saved:
        return saved
    return [replace(stopped, partial=True, message=f"{note}; nothing was decided")]


def _as_written(value: Any) -> Any:
    """A JSON value read back with its decimals as the floats they were written from (the readers make
    them exact Fractions), so that the finding can be written again as it was."""
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, dict):
        return {k: _as_written(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_written(v) for v in value]
    return value
