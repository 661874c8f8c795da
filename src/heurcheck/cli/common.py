"""What every command shares: exit statuses, one-line input errors, key=value options, number text."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from ..api import exact_text
from ..errors import HeurcheckError
from ..isolation import DEFAULT_MEMORY_LIMIT, MODES

USAGE_ERROR = 2
ESTIMATOR_FAILED = 1


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


def number_text(value: Any) -> str:

    exact = exact_text(value)
    if exact is not None and "/" in exact:
        return f"{exact} (= {float(value):.10g})"
    if exact is not None:
        return exact
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)
