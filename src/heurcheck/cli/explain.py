"""`heurcheck explain`: a property's formula, forms, parameters and source."""

from __future__ import annotations

import importlib

import click
from rich.console import Console
from rich.table import Table

from ..properties.facets import facet_reference
from ..properties.registry import property_class
from ..properties.sources import source_of
from .common import input_errors


@click.command("explain")
@click.argument("property_name", metavar="PROPERTY")
def explain_command(property_name: str) -> None:
    """Print a property's formula, forms and parameters, where it applies, and its source.

    \b
    Example:
      heurcheck explain respect-for-proofs
    """
    with input_errors():
        cls = property_class(property_name)
    console = Console()
    console.print(f"[bold]{cls.name}[/bold] ({cls.code}); domains: {', '.join(sorted(cls.defined_on()))}")
    click.echo((importlib.import_module(cls.__module__).__doc__ or "").strip())
    table = Table(title="parameters (-P KEY=VALUE)")
    for col in ("name", "default", "meaning"):
        table.add_column(col)
    for k, p in cls.parameters.items():
        table.add_row(k, str(p.default), p.help + (f" ({', '.join(map(str, p.choices))})" if p.choices else ""))
    console.print(table)
    console.print(f"[bold]source[/bold]: {source_of(cls.code)}", highlight=False)
    console.print(f"[bold]defined in[/bold]: {cls.__module__}.{cls.__qualname__}", highlight=False)
    for domain in sorted(cls.defined_on()):
        console.print(f"  on {domain}: {facet_reference(cls.name, domain) or 'the law itself'}", highlight=False)
