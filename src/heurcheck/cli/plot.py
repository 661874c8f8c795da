"""`heurcheck plot`: redraw the matching-sampling figure of a saved finding."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import InvalidOption
from ..figure import write
from ..replay import load_finding
from .common import USAGE_ERROR, input_errors


@click.command("plot")
@click.argument("finding", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "stem", type=click.Path(dir_okay=False), default=None,
              help="Write OUTPUT.png and OUTPUT.svg (default: beside the finding, under its name).")
def plot_command(finding: str, stem: str | None) -> None:
    """Draw MSE against cost (log-log) for a matching-sampling FINDING, as PNG and SVG."""
    with input_errors(finding):
        found = load_finding(finding)
        try:
            paths = write(found, Path(stem) if stem else Path(finding).with_suffix(""))
        except ImportError:
            raise InvalidOption("the figure needs matplotlib: pip install 'heurcheck[plot]'") from None
    for path in paths:
        click.echo(str(path))
    sys.exit(0 if paths else USAGE_ERROR)
