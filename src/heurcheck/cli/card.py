"""`heurcheck card FILE`: the report card of a campaign, read from its journal (a partial one too), or a card
file (`matrix --json`) rendered again."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from ..campaign import card_from_journal
from ..errors import InvalidFinding
from ..jsonio import load_document
from ..matrix import ReportCard, card_from_json
from .common import card_files, input_errors
from .matrix import write_card


@click.command("card")
@click.argument("journal", metavar="FILE", type=click.Path(dir_okay=False))
@card_files
def card_command(journal: str, json_file: str | None, md_file: str | None, html_file: str | None) -> None:
    """The card of a campaign's journal (written by matrix --journal; a journal still missing tasks gives a
    partial card), or of a card file (written by matrix --json), rendered again. Exit 1 if a cell fails,
    130 if the card is partial.

    \b
    Examples:
      heurcheck card campaign.jsonl --html card.html
      heurcheck card card.json --html report-card.html
    """
    with input_errors(journal):
        card = _read(journal)
    sys.exit(write_card(card, Console(), json_file, md_file, html_file, card.findings_dir))


def _read(path: str) -> ReportCard:
    """A card file is one JSON object of kind 'report-card'; anything else is read as a journal."""
    try:
        document = load_document(path, InvalidFinding)
    except InvalidFinding:  # not one JSON document: a journal (JSON Lines), or an error the journal reader names
        return card_from_journal(path)
    if isinstance(document, dict) and document.get("kind") == "report-card":
        return card_from_json(document, path)
    return card_from_journal(path)
