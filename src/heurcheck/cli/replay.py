"""`heurcheck replay`: re-run a saved finding against the current code."""

from __future__ import annotations

import json
import shlex
import sys

import click

from ..replay import load_finding, replay
from .common import input_errors


@click.command("replay")
@click.argument("finding", type=click.Path(dir_okay=False))
@click.option("--estimator", "estimator", default=None, metavar="NAME",
              help="Replay with this estimator (a name, module:attr or file.py:attr) instead of the one the finding "
                   "names; a finding's own reference to code that is not installed is never imported.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def replay_command(finding: str, estimator: str | None, as_json: bool) -> None:
    """Re-run a saved FINDING against the current code: exit 1 if it still fails, 0 if fixed, 2 if invalid.

    \b
    Examples:
      heurcheck replay heurcheck-findings/respect-for-proofs--mean--0123456789ab.json
      heurcheck replay finding.json --estimator my_estimator.py:Mine
    """
    with input_errors(finding):
        saved = load_finding(finding)
        how = shlex.join(["heurcheck", "replay", finding, "--estimator", saved.estimator])
        result = replay(saved, estimator=estimator, how=how)
    if as_json:
        out = result.outcome
        click.echo(json.dumps({"finding": finding, "still_fails": result.still_fails, "message": result.message,
                               "observed": None if out is None else out.to_json()}, indent=2, default=str))
    else:
        f = result.finding
        click.echo(f"{f.property} / {f.estimator} / {f.domain}: {result.message}")
    sys.exit(1 if result.still_fails else 0)
