"""The `heurcheck` command line: each command parses, resolves names, calls one library function, renders, exits.

Exit status: 0 success, 1 an estimator failed (or, for checks, a counterexample), 2 usage or input error.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .api import check_applies, default_arguments, evaluate, exact_text, parse_arguments, to_jsonable
from .checker import CheckRequest, CheckSettings, check, summarise
from .diff import diff_cards, load_card
from .domains import domain_names, get_domain, load_instance
from .engines import ENGINES
from .errors import HeurcheckError
from .estimators.registry import Registry
from .interrupt import INTERRUPTED, stop_on_signals
from .isolation import DEFAULT_MEMORY_LIMIT, MODES
from .jsonio import write_json_atomic, write_text_atomic
from .matrix import MatrixSettings, default_jobs, run_matrix
from .properties import property_names
from .properties.registry import available, property_class
from .replay import load_finding, replay
from .report import html_page, markdown, terminal

USAGE_ERROR = 2
ESTIMATOR_FAILED = 1


@contextmanager
def _input_errors(where: str | None = None) -> Iterator[None]:
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


def _isolation_options(command: Callable[..., Any]) -> Callable[..., Any]:
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


def _options(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise click.BadParameter(f"{pair!r}: expected KEY=VALUE, e.g. order=3", param_hint="-o")
        out[key.strip()] = value.strip()
    return out


def _number(value: Any) -> str:

    exact = exact_text(value)
    if exact is not None and "/" in exact:
        return f"{exact} (= {float(value):.10g})"
    if exact is not None:
        return exact
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="heurcheck")
def main() -> None:
    """Check heuristic estimators against the properties asked of them, and find counterexamples."""


@main.command("list")
@click.argument("what", type=click.Choice(["estimators", "properties", "domains", "all"]), default="all")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
def list_command(what: str, as_json: bool) -> None:
    """List the registered estimators, properties and domains."""
    with _input_errors():
        registry = Registry.default()
        data: dict[str, Any] = {}
        if what in ("estimators", "all"):
            rows = []
            for name in registry.names():
                try:
                    d = registry.describe(name)
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


def _stderr_text(stderr: float | None) -> str:
    if stderr is None:
        return ""
    return "  (exact: standard error 0)" if stderr == 0 else f" ± {stderr:.3g} (standard error)"


@main.command("estimate")
@click.argument("estimator")
@click.argument("instance", type=click.Path(dir_okay=False))
@click.option("-a", "--argument", "arguments", multiple=True, metavar="ARGUMENT",
              help="An argument atom, e.g. keep:g1,g2  order:3  reveal:x=1/2  row-sums (repeatable).")
@click.option("-o", "--option", "options", multiple=True, metavar="KEY=VALUE",
              help="An estimator option, e.g. order=3 (repeatable).")
@click.option("--truth", is_flag=True, help="Also compute the exact value and the error.")
@click.option("--exact", is_flag=True, help="Compute in exact rationals instead of floats.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def estimate_command(estimator: str, instance: str, arguments: tuple[str, ...], options: tuple[str, ...],
                     truth: bool, exact: bool, as_json: bool) -> None:
    """Print ESTIMATOR's estimate of the quantity in INSTANCE (a JSON instance file)."""
    with _input_errors():
        x = load_instance(instance)
        est = Registry.default().create(estimator, **_options(options))
        check_applies(est, x)
        pi = parse_arguments(x.domain, arguments) if arguments else default_arguments(est, x.domain)
        pi.check(x)
    try:
        result = evaluate(est, x, pi, exact=exact, truth=truth)
    except HeurcheckError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(USAGE_ERROR)
    except Exception as exc:  # the estimator under test failed: report it, do not crash
        click.echo(f"estimator {est.name!r} failed on {instance}: {exc.__class__.__name__}: {exc}", err=True)
        sys.exit(ESTIMATOR_FAILED)
    e = result.estimate
    if as_json:
        doc: dict[str, Any] = {
            "estimator": est.name, "options": _options(options), "instance": instance, "domain": x.domain,
            "arguments": pi.to_json(), "estimate": to_jsonable(e.value), "estimate_exact": exact_text(e.value),
        }
        if e.stderr is not None:
            doc["stderr"] = e.stderr
        if truth:
            doc.update(truth=to_jsonable(result.truth), truth_exact=exact_text(result.truth),
                       error=to_jsonable(result.error))
        click.echo(json.dumps(doc, indent=2))
        return
    rows: list[tuple[str, str]] = [
        ("estimator", est.name + "".join(f" {o}" for o in options)),
        ("instance", f"{instance} ({x.domain})"),
        ("arguments", pi.text() + ("" if arguments or not len(pi) else "  (the estimator's defaults)")),
        ("estimate", _number(e.value) + _stderr_text(e.stderr)),
    ]
    if truth:
        rows += [("truth", _number(result.truth)), ("error", _number(result.error))]
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for k, v in rows:
        table.add_row(k, v)
    Console().print(table)


_STYLE = {
    "proved": "bold green", "violated": "bold red", "estimator-error": "bold magenta", "not-refuted": "yellow",
    "statistically-consistent": "yellow", "inconclusive": "dim", "vacuous": "dim", "not-applicable": "dim",
}


def _parameters(pairs: tuple[str, ...], properties: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """`-P KEY=VALUE` applies to every selected property that declares KEY (an error if none does)."""
    out: dict[str, dict[str, str]] = {}
    for key, value in _options(pairs).items():
        takers = [p for p in properties if key in property_class(p).parameters]
        if not takers:
            raise click.BadParameter(f"no selected property has a parameter {key!r}", param_hint="-P")
        for p in takers:
            out.setdefault(p, {})[key] = value
    return out


def _verdict_line(f: Any) -> str:

    style = _STYLE.get(f.verdict.value, "")
    head = f"[{style}]{f.verdict.value:<24}[/{style}] {f.property:<22} {f.domain:<9}"
    detail = f.message
    if f.observed and "size" in f.observed:
        detail += f" (witness size {f.observed['size']})"
    if f.route:
        detail += f" [route: {f.route}]"
    return f"{head} {escape(detail)}\n{'':24}   [dim]rerun: {escape(f.command)}[/dim]"


@main.command("check")
@click.argument("estimator")
@click.option("-p", "--property", "properties", multiple=True, metavar="PROPERTY",
              help="A property to check (repeatable); default: every property.")
@click.option("--domain", default=None, help="Only this domain (default: every domain both support).")
@click.option("-o", "--option", "options", multiple=True, metavar="KEY=VALUE", help="An estimator option.")
@click.option("-P", "--parameter", "parameters", multiple=True, metavar="KEY=VALUE",
              help="A property parameter, given to every selected property that has it.")
@click.option("--max-examples", type=click.IntRange(1, 10**7), default=5000, show_default=True,
              help="Most cases per check (the budget usually ends the search first).")
@click.option("--budget", type=click.FloatRange(0.1, 86400), default=60.0, show_default=True,
              help="Seconds per (property, domain) check.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True)
@click.option("--findings", "findings_dir", type=click.Path(file_okay=False), default="heurcheck-findings",
              show_default=True, help="Folder where each counterexample is saved the moment it is found.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False), default=None,
              help="Also write every verdict to this JSON file.")
@click.option("--engine", type=click.Choice(ENGINES), default="random",
              show_default=True,
              help="random search; exhaustive enumeration of a property's finite domain; symbolic (sympy) or smt "
                   "(z3): decide each circuit structure for all parameter values; auto: per property, exhaustive "
                   "or smt where they apply, then random search.")
@click.option("--max-nodes", type=click.IntRange(1, 8), default=4, show_default=True,
              help="symbolic/smt: enumerate circuit structures up to this many nodes (inputs + gates).")
@click.option("--call-timeout", type=click.FloatRange(0.01, 86400), default=10.0, show_default=True,
              help="Seconds per estimator call; a slower call is an estimator-error finding.")
@_isolation_options
def check_command(estimator: str, properties: tuple[str, ...], domain: str | None, options: tuple[str, ...],
                  parameters: tuple[str, ...], max_examples: int, budget: float, seed: int, findings_dir: str,
                  json_file: str | None, engine: str, max_nodes: int, call_timeout: float, isolate: str,
                  memory_limit: int) -> None:
    """Search for counterexamples to PROPERTIES in ESTIMATOR; exit 1 if one is found."""


    console = Console(stderr=False)
    with _input_errors():
        if domain is not None:
            get_domain(domain)
        for name in properties:
            property_class(name)
        selected = properties or available()
        request = CheckRequest(estimator, _options(options), tuple(properties), _parameters(parameters, selected),
                               domain)
        settings = CheckSettings(max_examples=max_examples, budget=budget, seed=seed,
                                 findings_dir=Path(findings_dir), engine=engine, max_nodes=max_nodes,
                                 call_timeout=call_timeout, isolate=isolate, memory_limit=memory_limit * 2**20)
        with console.status(f"checking {estimator}...", spinner="dots") as status, stop_on_signals():
            def shown(finding: Any) -> None:
                console.print(_verdict_line(finding), highlight=False)
                status.update(f"checking {estimator}...")

            findings = check(request, settings, on_finding=shown)
    partial = any(f.partial for f in findings)
    if json_file:
        write_json_atomic(json_file, {"estimator": estimator, "options": request.options, "seed": seed,
                                      "partial": partial, "findings": [f.to_json() for f in findings]})
    failures = [f for f in findings if f.verdict.is_failure]
    if failures:
        console.print(f"{len(failures)} counterexample(s); saved in {findings_dir}/", highlight=False)
    if partial:
        console.print(f"interrupted: the report is partial ({len(findings)} finding(s) so far)", highlight=False)
    sys.exit(INTERRUPTED if partial else summarise(findings))


@main.command("matrix")
@click.option("--budget", type=click.FloatRange(1, 86400), default=180.0, show_default=True,
              help="Seconds for the whole card, scheduled across the checks.")
@click.option("-e", "--estimator", "estimators", multiple=True, help="Only these estimators (repeatable).")
@click.option("-p", "--property", "properties", multiple=True, help="Only these properties (repeatable).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True)
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: up to 2).")
@click.option("--findings", "findings_dir", type=click.Path(file_okay=False), default="heurcheck-findings",
              show_default=True, help="Folder where each counterexample is saved the moment it is found.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False), default=None, help="Write the card as JSON.")
@click.option("--markdown", "md_file", type=click.Path(dir_okay=False), default=None, help="Write it as Markdown.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), default=None,
              help="Write it as one self-contained HTML page.")
@click.option("--call-timeout", type=click.FloatRange(0.01, 86400), default=10.0, show_default=True,
              help="Seconds per estimator call; a slower call is an estimator-error finding.")
@_isolation_options
def matrix_command(budget: float, estimators: tuple[str, ...], properties: tuple[str, ...], seed: int,
                   jobs: int | None, findings_dir: str, json_file: str | None, md_file: str | None,
                   html_file: str | None, call_timeout: float, isolate: str, memory_limit: int) -> None:
    """The report card: every estimator against every applicable property; exit 1 if anything is violated."""



    with _input_errors():
        registry = Registry.default()
        for e in estimators:
            registry.factory(e)
        for p in properties:
            property_class(p)
        settings = MatrixSettings(budget=budget, seed=seed, jobs=jobs or default_jobs(),
                                  findings_dir=Path(findings_dir), estimators=estimators, properties=properties,
                                  call_timeout=call_timeout, isolate=isolate, memory_limit=memory_limit * 2**20)
    console = Console()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar, stop_on_signals():
        task = bar.add_task("report card", total=None)

        def progress(done: int, total: int, finding: Any) -> None:
            bar.update(task, completed=done, total=total,
                       description=f"{finding.estimator} / {finding.property} / {finding.domain}: "
                                   f"{finding.verdict.value}")

        card = run_matrix(settings, registry, progress)
    console.print(terminal(card))
    if json_file:
        write_json_atomic(json_file, card.to_json())
    if md_file:
        write_text_atomic(md_file, markdown(card))
    if html_file:
        write_text_atomic(html_file, html_page(card))
    failures = sum(1 for c in card.cells.values() if c.verdict.is_failure)
    console.print(f"{failures} violated or failing cell(s); counterexamples in {findings_dir}/", highlight=False)
    sys.exit(INTERRUPTED if card.partial else (1 if failures else 0))


@main.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def diff_command(old: str, new: str, as_json: bool) -> None:
    """Compare two saved report cards (matrix --json); exit 1 if something regressed."""
    with _input_errors():
        result = diff_cards(load_card(old), load_card(new))
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        sections = [("new violations", result.new_violations), ("fixed", result.fixed),
                    ("weaker evidence", result.weaker), ("stronger evidence", result.stronger),
                    ("decided by another engine", result.engine_changed), ("violation size drift", result.drift),
                    ("in one card only", result.only_in_one)]
        for title, lines in sections:
            if lines:
                click.echo(f"{title} ({len(lines)}):")
                for line in lines:
                    click.echo(f"  {line}")
        if not any(lines for _, lines in sections):
            click.echo("no differences")
    sys.exit(1 if result.regressed else 0)


@main.command("replay")
@click.argument("finding", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def replay_command(finding: str, as_json: bool) -> None:
    """Re-run a saved FINDING against the current code: exit 1 if it still fails, 0 if fixed, 2 if invalid."""
    with _input_errors(finding):
        result = replay(load_finding(finding))
    if as_json:
        out = result.outcome
        click.echo(json.dumps({"finding": finding, "still_fails": result.still_fails, "message": result.message,
                               "observed": None if out is None else out.to_json(),
                               "lhs": None if out is None else to_jsonable(out.lhs)}, indent=2, default=str))
    else:
        f = result.finding
        click.echo(f"{f.property} / {f.estimator} / {f.domain}: {result.message}")
    sys.exit(1 if result.still_fails else 0)


@main.group("generate")
def generate_group() -> None:
    """Write a random instance of a domain's research distribution as JSON."""


@generate_group.command("mlp")
@click.option("--depth", type=int, required=True, help="Number of layers (>= 1).")
@click.option("--width", type=int, required=True, help="Units per layer (>= 1).")
@click.option("--seed", type=int, required=True, help="Seed of the weights and biases.")
@click.option("--activation", default="relu", show_default=True, help="Every layer's activation.")
@click.option("--bias-std", type=float, default=0.0, show_default=True, help="Standard deviation of the biases.")
@click.option("--input-dim", type=int, default=None, help="Input dimension (default: the width).")
@click.option("--readout", default="sum", show_default=True, help="sum (of the last layer's units) or unit (its first).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write here (else stdout).")
def generate_mlp_command(depth: int, width: int, seed: int, activation: str, bias_std: float, input_dim: int | None,
                         readout: str, output: str | None) -> None:
    """A network with weights N(0, w_var / fan_in) (w_var 2 after the first relu layer, else 1)."""
    from .domains.mlp import research_mlp

    with _input_errors():
        net = research_mlp(depth, width, seed, activation=activation, bias_std=bias_std, input_dim=input_dim,
                           readout=readout)
        doc = get_domain("mlp").to_json(net)
    if output is None:
        click.echo(json.dumps(doc))
    else:
        write_json_atomic(output, doc)


@main.command("explain")
@click.argument("property_name", metavar="PROPERTY")
def explain_command(property_name: str) -> None:
    """Print a property's formula, forms and parameters, where it applies, and its source."""


    with _input_errors():
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


def run(argv: list[str] | None = None, entry: click.Command = main) -> int:
    """Run the command line in-process (used by tests); returns the exit status."""
    try:
        entry.main(args=argv, prog_name="heurcheck", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    return 0
