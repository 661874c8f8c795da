"""What every command shares: exit statuses, one-line input errors, key=value options, number text."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import click

from ..api import exact_text
from ..errors import HeurcheckError
from ..estimators.registry import parse_reference
from ..isolation import DEFAULT_MEMORY_LIMIT, MODES

USAGE_ERROR = 2
ESTIMATOR_FAILED = 1
PLAIN_EVERY = 10.0  # seconds between progress lines when no live display is drawn (a CI log)


@contextmanager
def input_errors(where: str | None = None) -> Iterator[None]:
    """Turn heurcheck's own errors into one clear line and exit status 2 (never a traceback); the line
    starts with `where` (the file being read) unless the message names it already."""
    try:
        yield
    except HeurcheckError as exc:
        message = str(exc)
        if where is not None and where not in message:
            message = f"{where}: {message}"
        click.echo(f"error: {message}", err=True)
        sys.exit(USAGE_ERROR)


def isolation_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options `--isolate` and `--memory-limit` (MiB) shared by check and matrix."""
    command = click.option(
        "--memory-limit", type=click.IntRange(16, 2**30), default=DEFAULT_MEMORY_LIMIT // 2**20, show_default=True,
        metavar="MIB", help="Megabytes an isolated estimator may allocate; more is an estimator-error finding.",
    )(command)
    return click.option(
        "--isolate", type=click.Choice(MODES), default="plugins", show_default=True,
        help="Run estimators in a worker process that can be stopped (per-call timeout, memory cap, crashes): "
             "plugins (third-party estimators; built-ins run in-process), always, never.",
    )(command)


def key_values(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise click.BadParameter(f"{pair!r}: expected KEY=VALUE, e.g. order=3", param_hint="-o")
        out[key.strip()] = value.strip()
    return out


def estimator_options(spec: str, pairs: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """An ESTIMATOR argument with any options it carries ('cumulant:order=3', as `matrix -e` takes it),
    merged with those of `-o KEY=VALUE` (which win)."""
    name, options = parse_reference(spec)
    return name, {**options, **key_values(pairs)}


def number_text(value: Any) -> str:

    exact = exact_text(value)
    if exact is not None and "/" in exact:
        return f"{exact} (= {float(value):.10g})"
    if exact is not None:
        return exact
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


class ProgressLines:
    """Progress as plain lines on stderr, for a run whose live display (spinner, bar, redrawn line) is not
    drawn because its stream is not a terminal (a CI log). `show(line, now=True)` prints the line at once
    (a check ended); a line shown without `now` is printed when `every` seconds have passed since the last
    line (or the start), and while the run lasts the latest line is printed again every `every` seconds, so
    that a log shows the run is alive. Disabled (`live` true), it prints nothing."""

    def __init__(self, live: bool, every: float = PLAIN_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = not live
        self.every = every
        self._clock = clock
        self._start = clock()
        self._last = self._start  # a run that ends (or fails) within `every` seconds prints only its end lines
        self._line = ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def show(self, line: str, now: bool = False) -> None:
        with self._lock:
            self._line = line
            if self.enabled and (now or self._clock() - self._last >= self.every):
                self._print()

    def tick(self) -> None:
        """Print the latest line again if `every` seconds passed since a line was printed."""
        with self._lock:
            if self.enabled and self._line and self._clock() - self._last >= self.every:
                self._print()

    def _print(self) -> None:
        self._last = self._clock()
        text = f"[{self._last - self._start:5.0f} s] {self._line}\n"
        try:  # straight to the file descriptor: a process forked while this thread writes inherits no held lock
            os.write(sys.stderr.fileno(), text.encode(sys.stderr.encoding or "utf-8", "replace"))
        except (AttributeError, OSError, ValueError):  # a stream with no descriptor (click's test runner)
            sys.stderr.write(text)
            sys.stderr.flush()

    def __enter__(self) -> ProgressLines:
        if self.enabled:
            self._ticker = threading.Thread(target=self._run, name="heurcheck-progress", daemon=True)
            self._ticker.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.every / 4):
            self.tick()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()


def card_files(command: Any) -> Any:
    """The options that write a card to files: --json, --markdown and --html (matrix and card)."""
    for option in reversed((
            click.option("--json", "json_file", type=click.Path(dir_okay=False), default=None,
                         help="Write the card as JSON to FILE (a file, not stdout as on list or estimate: stdout "
                              "shows the card's table)."),
            click.option("--markdown", "md_file", type=click.Path(dir_okay=False), default=None,
                         help="Write it as Markdown."),
            click.option("--html", "html_file", type=click.Path(dir_okay=False), default=None,
                         help="Write it as one self-contained HTML page."))):
        command = option(command)
    return command
