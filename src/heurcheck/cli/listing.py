"""`heurcheck list`: the registered estimators, properties and domains."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ..domains import domain_names, get_domain
from ..errors import HeurcheckError
from ..estimators.loading import description
from ..estimators.registry import Registry
from ..properties import property_names
from ..properties.registry import property_class
from .common import input_errors


@click.command("list")
@click.argument("what", type=click.Choice(["estimators", "properties", "domains", "all"]), default="all")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
def list_command(what: str, as_json: bool) -> None:
    """List the registered estimators, properties and domains.

    \b
    Examples:
      heurcheck list
      heurcheck list estimators --json
    """
    with input_errors():
        registry = Registry.default()
        data: dict[str, Any] = {}
        if what in ("estimators", "all"):
            rows = []
            for name in registry.names():
                try:
                    d = description(registry, name, "plugins")  # a plugin is imported in its worker, not here
                    rows.append({"name": d.name, "domains": list(d.domains), "randomised": d.randomised,
                                 "traceable": d.traceable, "options": {k: _option_json(o) for k, o in d.options.items()},
                                 "summary": d.summary, "source": d.source})
                except HeurcheckError as exc:
                    rows.append({"name": name, "error": str(exc)})
            data["estimators"] = rows
        if what in ("properties", "all"):

            data["properties"] = [
                {"name": n, "code": property_class(n).code, "domains": sorted(property_class(n).defined_on()),
                 "summary": (property_class(n).__doc__ or "").strip().splitlines()[0],
                 "parameters": {k: {"default": p.default, "help": p.help}
                                for k, p in property_class(n).parameters.items()}}
                for n in property_names()
            ]
        if what in ("domains", "all"):
            data["domains"] = [
                {"name": n, "summary": get_domain(n).summary,
                 "arguments": sorted(t.kind for t in get_domain(n).atom_types)}
                for n in domain_names()
            ]
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    console = Console()
    if "estimators" in data:
        table = Table(title="estimators")
        table.add_column("name", no_wrap=True)
        table.add_column("domains")
        table.add_column("kind")
        table.add_column("options")
        every = set(domain_names())
        for r in data["estimators"]:
            if "error" in r:
                table.add_row(r["name"], "", "[red]broken[/red]", r["error"])
                continue
            kind = ", ".join(k for k, on in (("randomised", r["randomised"]), ("traceable", r["traceable"])) if on)
            opts = " ".join(f"{k}={o['default']}" for k, o in r["options"].items())
            domains = "all" if set(r["domains"]) == every else ", ".join(r["domains"])
            table.add_row(r["name"], domains, kind or "deterministic", opts)
        console.print(table)
    if "properties" in data:
        table = Table(title="properties")
        for col in ("name", "code", "domains"):
            table.add_column(col, no_wrap=col != "domains")
        for r in data["properties"]:
            table.add_row(r["name"], r["code"], ", ".join(r["domains"]))
        console.print(table)
    if "domains" in data:
        table = Table(title="domains")
        for col in ("name", "quantity", "argument kinds"):
            table.add_column(col)
        for r in data["domains"]:
            table.add_row(r["name"], r["summary"], ", ".join(r["arguments"]) or "-")
        console.print(table)


def _option_json(option: Any) -> dict[str, Any]:
    return {"default": option.default, "help": option.help}
