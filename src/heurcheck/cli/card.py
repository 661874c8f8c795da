"""`heurcheck card JOURNAL`: the report card of a campaign, read from its journal (a partial one too)."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from ..campaign import card_from_journal
from .common import input_errors
from .matrix import write_card


@click.command("card")
@click.argument("journal", type=click.Path(dir_okay=False))
@click.option("--json", "json_file", type=click.Path(dir_okay=False), default=None,
              help="Write the card as JSON to FILE (a file, not stdout as on list or estimate: stdout shows the "
                   "card's table).")
@click.option("--markdown", "md_file", type=click.Path(dir_okay=False), default=None, help="Write it as Markdown.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), default=None,
              help="Write it as one self-contained HTML page.")
def card_command(journal: str, json_file: str | None, md_file: str | None, html_file: str | None) -> None:
    """The card of a campaign's journal (written by matrix --journal); a journal still missing tasks gives a
    partial card. Exit 1 if a cell fails, 130 if the card is partial."""
    with input_errors(journal):
        card = card_from_journal(journal)
    sys.exit(write_card(card, Console(), json_file, md_file, html_file, None))
