"""`heurcheck estimate`: one estimator's estimate of one instance, optionally with the truth."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ..api import check_applies, default_arguments, evaluate, exact_text, parse_arguments, to_jsonable
from ..domains import load_instance
from ..errors import HeurcheckError, InvalidInstance
from ..estimators.base import BadResult
from ..estimators.loading import load
from ..estimators.registry import Registry
from ..isolation import IsolatedFailure, IsolationSettings
from .common import ESTIMATOR_FAILED, estimator_options, input_errors, isolation_options, number_text


def _failure_text(exc: BaseException) -> str:
    if isinstance(exc, IsolatedFailure):
        return f"{exc.kind}: {exc}"
    if isinstance(exc, BadResult):
        return f"{exc.kind}: {exc}"
    if isinstance(exc, SystemExit):
        return f"it called sys.exit({exc.code!r})"
    return f"{exc.__class__.__name__}: {exc}"


def _stderr_text(stderr: float | None) -> str:
    if stderr is None:
        return ""
    return "  (exact: standard error 0)" if stderr == 0 else f" ± {stderr:.3g} (standard error)"


@click.command("estimate")
@click.argument("estimator")
@click.argument("instance", type=click.Path(dir_okay=False))
@click.option("-a", "--argument", "arguments", multiple=True, metavar="ARGUMENT",
              help="An argument atom, e.g. keep:g1,g2  order:3  reveal:x=1/2  row-sums (repeatable).")
@click.option("-o", "--option", "options", multiple=True, metavar="KEY=VALUE",
              help="An estimator option, e.g. order=3 (repeatable).")
@click.option("--truth", is_flag=True, help="Also compute the truth and the error: exact, or a Monte Carlo "
              "estimate with its standard error where the exact value is out of reach (the output says which).")
@click.option("--truth-samples", type=click.IntRange(min=2), default=None, metavar="N",
              help="Samples of a Monte Carlo truth (default: the domain's; 100,000 on mlp).")
@click.option("--exact", is_flag=True, help="Compute in exact rationals instead of floats.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--call-timeout", type=click.FloatRange(0.01, 86400), default=60.0, show_default=True,
              help="Seconds an isolated estimator may take to load and answer.")
@isolation_options
def estimate_command(estimator: str, instance: str, arguments: tuple[str, ...], options: tuple[str, ...],
                     truth: bool, truth_samples: int | None, exact: bool, as_json: bool, call_timeout: float,
                     isolate: str, memory_limit: int) -> None:
    """Print ESTIMATOR's estimate of the quantity in INSTANCE (a JSON instance file).

    ESTIMATOR is a built-in name (see `heurcheck list estimators`), the name of an installed plugin
    (entry-point group heurcheck.estimators), module:attr, or path/to/file.py:Class, optionally with
    options after a colon ('cumulant:order=3', as matrix -e takes them) besides -o.

    \b
    Examples:
      heurcheck estimate cumulant examples/instances/square.json -o order=2 --truth --exact
      heurcheck estimate mean examples/instances/square.json -a keep:s,x -a reveal:y=0
      heurcheck estimate perm-row examples/instances/permanent-3x3.json -a row-sums --json
    """
    registry = Registry.default()
    with input_errors():
        estimator, given = estimator_options(estimator, options)
    with input_errors(), load(registry, estimator, given, isolate,
                              IsolationSettings(call_timeout, memory_limit * 2**20)) as loaded, input_errors(instance):
        est = loaded.estimator
        x = load_instance(instance)
        check_applies(est, x)
        pi = parse_arguments(x.domain, arguments) if arguments else default_arguments(est, x.domain)
        pi.check(x)
        try:
            result = evaluate(est, x, pi, exact=exact, truth=truth, truth_samples=truth_samples)
        except HeurcheckError:
            raise
        except (Exception, SystemExit) as exc:  # the estimator under test failed: report it, do not crash
            if registry.is_builtin(estimator) and getattr(exc, "kind", None) == "nan":
                # heurcheck's own estimator overflowed: the instance's numbers are too large for floats
                raise InvalidInstance(f"the estimate is not a finite float ({exc}): the instance's values are too "
                                      f"large (limit: |value| <= {sys.float_info.max:.3g}"
                                      f"{'' if exact else '; --exact computes in rationals'})") from None
            click.echo(f"estimator {est.name!r} failed on {instance}: {_failure_text(exc)}", err=True)
            sys.exit(ESTIMATOR_FAILED)
    e = result.estimate
    if as_json:
        doc: dict[str, Any] = {
            "estimator": est.name, "options": given, "instance": instance, "domain": x.domain,
            "arguments": pi.to_json(), "estimate": to_jsonable(e.value), "estimate_exact": exact_text(e.value),
        }
        if e.stderr is not None:
            doc["stderr"] = e.stderr
        if truth and result.reference is not None:
            doc.update(truth=to_jsonable(result.truth), truth_exact=exact_text(result.truth),
                       error=to_jsonable(result.error))
            if not result.reference.exact:
                doc.update(truth_stderr=result.reference.stderr, truth_method="monte-carlo",
                           truth_samples=result.reference.samples, truth_seed=result.reference.seed)
        click.echo(json.dumps(doc, indent=2))
        return
    rows: list[tuple[str, str]] = [
        ("estimator", est.name + "".join(f" {k}={v}" for k, v in given.items())),
        ("instance", f"{instance} ({x.domain})"),
        ("arguments", pi.text() + ("" if arguments or not len(pi) else "  (the estimator's defaults)")),
        ("estimate", number_text(e.value) + _stderr_text(e.stderr)),
    ]
    if truth and result.reference is not None:
        ref = result.reference
        if ref.exact:
            rows += [("truth", number_text(result.truth)), ("error", number_text(result.error))]
        else:
            error_se = math.hypot(ref.stderr, e.stderr or 0.0)
            rows += [("truth", number_text(result.truth) + f" ± {ref.stderr:.3g} (standard error)"),
                     ("", f"a {ref.describe()} (no exact value)"),
                     ("error", number_text(result.error) + f" ± {error_se:.3g} (standard error)")]
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for k, v in rows:
        table.add_row(k, v)
    Console().print(table)
