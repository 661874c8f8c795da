"""`heurcheck diff`: compare two saved report cards."""

from __future__ import annotations

import json
import sys

import click

from ..diff import diff_cards, load_card
from ..errors import HeurcheckError
from ..findings import Finding
from ..replay import replay
from .common import input_errors


def _replay(finding: Finding) -> tuple[bool, str]:
    """Whether an old card's witness holds against the current code, and what happened."""
    try:
        result = replay(finding)
    except HeurcheckError as exc:
        return False, f"could not be replayed: {exc}"
    return not result.still_fails, result.message


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def diff_command(old: str, new: str, as_json: bool) -> None:
    """Compare two saved report cards (matrix --json); exit 1 if something regressed.

    A violation that disappeared is "fixed" only when its old witness now holds; otherwise it is
    "lost evidence", a regression, as are new violations and weaker evidence. Cards of several seeds
    (campaigns) are compared seed by seed.

    \b
    Example:
      heurcheck matrix --json old.json  ...  heurcheck matrix --json new.json
      heurcheck diff old.json new.json
    """
    with input_errors():
        result = diff_cards(load_card(old), load_card(new), _replay)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        sections = [("new violations", result.new_violations), ("lost evidence", result.lost_evidence),
                    ("fixed", result.fixed),
                    ("weaker evidence", result.weaker), ("stronger evidence", result.stronger),
                    ("decided by another engine", result.engine_changed), ("violation size drift", result.drift),
                    ("relative to the reference (shared, fixed)", result.relative),
                    ("in one card only", result.only_in_one)]
        for title, lines in sections:
            if lines:
                click.echo(f"{title} ({len(lines)}):")
                for line in lines:
                    click.echo(f"  {line}")
        if not any(lines for _, lines in sections):
            click.echo("no differences")
    sys.exit(1 if result.regressed else 0)
