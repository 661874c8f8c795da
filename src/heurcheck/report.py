"""Renderers of the report card: terminal table, Markdown and a self-contained HTML page.

They read a `ReportCard` and return text or a rich Table; they compute nothing about verdicts.
"""

from __future__ import annotations

import html
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from rich.table import Table

from .domains import Description, describe_instance
from .domains.base import number_text
from .errors import HeurcheckError, InvalidFinding
from .figure import has_curve, svg
from .findings import Finding, Verdict
from .jsonio import Node, number_to_json, parse_json
from .matrix import Cell, ReportCard
from .properties.base import Case
from .properties.registry import property_class

SYMBOL = {
    Verdict.PROVED: "proved", Verdict.VIOLATED: "VIOLATED", Verdict.NOT_REFUTED: "not refuted",
    Verdict.STATISTICALLY_CONSISTENT: "consistent", Verdict.INCONCLUSIVE: "inconclusive",
    Verdict.VACUOUS: "vacuous", Verdict.NOT_APPLICABLE: "-", Verdict.ESTIMATOR_ERROR: "ERROR",
    Verdict.SHARED: "shared", Verdict.FIXED: "fixed",
}
STYLE = {
    Verdict.PROVED: "bold green", Verdict.VIOLATED: "bold red", Verdict.NOT_REFUTED: "yellow",
    Verdict.STATISTICALLY_CONSISTENT: "yellow", Verdict.INCONCLUSIVE: "dim", Verdict.VACUOUS: "dim",
    Verdict.NOT_APPLICABLE: "dim", Verdict.ESTIMATOR_ERROR: "bold magenta",
    Verdict.SHARED: "cyan", Verdict.FIXED: "bold blue",
}
COLOUR = {
    Verdict.PROVED: "#2e9d47", Verdict.VIOLATED: "#d43c3c", Verdict.NOT_REFUTED: "#f3e6a3",
    Verdict.STATISTICALLY_CONSISTENT: "#d9ecb0", Verdict.INCONCLUSIVE: "#bbbbbb", Verdict.VACUOUS: "#bbbbbb",
    Verdict.NOT_APPLICABLE: "#f2f2f2", Verdict.ESTIMATOR_ERROR: "#9b3fb5",
    Verdict.SHARED: "#a9cde8", Verdict.FIXED: "#5b8fd6",
}
GLYPH = {
    Verdict.PROVED: "✓", Verdict.VIOLATED: "✗", Verdict.NOT_REFUTED: "·", Verdict.STATISTICALLY_CONSISTENT: "≈",
    Verdict.INCONCLUSIVE: "?", Verdict.VACUOUS: "∅", Verdict.NOT_APPLICABLE: " ", Verdict.ESTIMATOR_ERROR: "!",
    Verdict.SHARED: "=", Verdict.FIXED: "+",
}
WEAK = "?"  # after a glyph: some domain of the cell was never evaluated or was stopped by the time cap
GLYPH_LEGEND = ("✗ violated  ! estimator error  ✓ proved (finite domain)  · not refuted (not a proof)  "
                "≈ statistically consistent  ? inconclusive  ∅ vacuous  blank: not applicable; "
                f"a trailing {WEAK} (e.g. ·{WEAK}): weak evidence, some domain never evaluated or stopped by the time cap")
LEGEND = ("VIOLATED: a counterexample; ERROR: the estimator failed; proved: a proof over a finite domain; "
          "not refuted: no counterexample in the cases tried (not a proof); consistent: a randomised "
          "estimator passed a statistical test; inconclusive / vacuous: nothing decided; -: not applicable; "
          "each cell gives its engine and its number of cases; (weak): some domain was never evaluated or "
          "was stopped by the time cap")


def _code(prop: str) -> str:
    return property_class(prop).code


AGAINST_LEGEND = ("against {}: ✗ a new violation (the reference holds on its witness)  = every violation shared "
                  "with it  + fixed: no new violation, and the reference is violated on a witness where the "
                  "estimator holds  other glyphs: as without a reference")


AGAINST_WORDS = ("Against {}: VIOLATED: a new violation (the reference holds on its witness); shared: every "
                 "violation found is shared with the reference; fixed: no new violation, and the reference is "
                 "violated on a witness where the estimator holds (the change repaired a known failure).")


def _glyph(c: Cell) -> str:
    v = c.verdict
    return GLYPH[v] + (WEAK if c.weak and v is not Verdict.INCONCLUSIVE else "")


def _evidence(c: Cell) -> str:
    """Per domain: verdict, engine, cases and the time cap, in one line."""
    return "; ".join(f"{f.domain}: {f.verdict.value} by {f.engine}, {f.cases} cases" + (", stopped by the time cap"
                                                                                      if f.capped else "")
                     for f in c.findings if f.verdict is not Verdict.NOT_APPLICABLE)


def _seed_tally(c: Cell, card: ReportCard) -> tuple[int, int] | None:
    """On a card of several seeds: on how many seeds the cell's verdict was reached, of those that ran."""
    per = c.seed_verdicts()
    if len(card.seeds) < 2 or not per or c.verdict is Verdict.NOT_APPLICABLE:
        return None
    return sum(1 for v in per.values() if v is c.verdict), len(per)


def _seeds(c: Cell, card: ReportCard) -> str:
    """ "violated on 3 of 10 seeds", or nothing on a card of one seed."""
    tally = _seed_tally(c, card)
    return "" if tally is None else f"{c.verdict.value} on {tally[0]} of {tally[1]} seeds"


def _seed_count(c: Cell, card: ReportCard) -> str:
    """For the terminal's narrow cells: "3/10" after the glyph when the verdict was not reached on every seed."""
    tally = _seed_tally(c, card)
    return "" if tally is None or tally[0] == tally[1] else f"{tally[0]}/{tally[1]}"


def _partial(card: ReportCard) -> str:
    if not card.partial:
        return ""
    return f"{card.tasks[0]} of {card.tasks[1]} tasks" if card.tasks else "interrupted"


def _budget(card: ReportCard) -> str:
    """The card's time budget; a campaign has none (each task has its own time cap)."""
    return "" if card.tasks else f" (budget {card.budget:.0f} s)"


def _run_line(card: ReportCard) -> str:
    cases = f", {card.max_examples} cases per check" if card.max_examples else ""
    if card.cases_for:
        cases += " (" + ", ".join(f"{p}: {n}" for p, n in card.cases_for.items()) + ")"
    capped = f", {card.capped} check(s) stopped by the time cap" if card.capped else ", no check stopped by the time cap"
    seeds = f"seeds {', '.join(map(str, card.seeds))}" if len(card.seeds) > 1 else f"seed {card.seed}"
    took = f"{card.seconds:.0f} s of task time" if card.tasks else f"{card.seconds:.0f} s"  # a campaign's: summed
    return f"{seeds}{cases}{capped}, {took}"


def terminal(card: ReportCard) -> Any:
    title = "heurcheck report card" + (f" against {card.against}" if card.against else "") + \
        (f" (PARTIAL: {_partial(card)})" if card.partial else "")
    legend = GLYPH_LEGEND + ("\n" + AGAINST_LEGEND.format(card.against) if card.against else "")
    seeds = ("; k/n after a glyph: reached on k of the n seeds that ran (no count: on every seed)"
             if len(card.seeds) > 1 else "")
    caption = f"{legend}{seeds}\n{_run_line(card)}; columns: " + ", ".join(
        f"{_code(p)} {p}" for p in card.properties)
    table = Table(title=title, caption=caption, caption_justify="left", pad_edge=False, padding=(0, 1))
    table.add_column("estimator", no_wrap=True)
    for p in card.properties:
        table.add_column(_code(p), justify="center", no_wrap=True)
    labels = card.labels()
    for e in card.estimators:
        row = []
        for p in card.properties:
            c = card.cells[(e, p)]
            v = c.verdict
            row.append(f"[{STYLE[v]}]{_glyph(c)}{_seed_count(c, card)}[/{STYLE[v]}]")
        table.add_row(labels[e], *row)
    return table


def markdown(card: ReportCard) -> str:
    head = "| estimator | " + " | ".join(f"{_code(p)} {p}" for p in card.properties) + " |"
    partial = (f" (partial: {_partial(card)})" if card.tasks else " (partial)") if card.partial else ""
    lines = ["# heurcheck report card" + _against_title(card) + partial, "",
             f"{_run_line(card).capitalize()}{_budget(card)}, heurcheck {card.tool}.", "",
             head, "|" + "---|" * (len(card.properties) + 1)]
    labels = card.labels()
    for e in card.estimators:
        cells = []
        for p in card.properties:
            c = card.cells[(e, p)]
            engine = f" ({c.deciding.engine}, {c.cases} cases)" if c.deciding and c.verdict is not \
                Verdict.NOT_APPLICABLE else ""
            seeds = f", {_seeds(c, card)}" if _seeds(c, card) else ""
            cells.append(SYMBOL[c.verdict] + engine + (" (weak)" if c.weak else "") + seeds)
        lines.append(f"| {labels[e]} | " + " | ".join(cells) + " |")
    lines += ["", LEGEND + ".", ""] + ([AGAINST_WORDS.format(card.against), ""] if card.against else [])
    measured = _measurements(card)
    if measured:
        lines += ["## Matching sampling (D12): R per effort level", ""]
        for m in measured:
            levels = "; ".join(_level_text(lv) for lv in (m.observed or {})["levels"])
            lines += [f"- {m.estimator} on {m.domain} ({m.verdict.value}): {levels}; {_floor_text(m)}"]
        lines += [""]
    lines += ["## Counterexamples", ""]
    for c in card.cells.values():
        f = c.deciding
        if f is not None and f.verdict.is_failure:
            lines += [f"### {labels[c.estimator]} / {c.property} ({f.domain})", "", f.message, "",
                      f"Re-run: `{f.command}`", ""]
    return "\n".join(lines + _fixed_markdown(card)) + "\n"


def _against_title(card: ReportCard) -> str:
    return f" against {card.against}" if card.against else ""


def _fixed(card: ReportCard) -> list[Finding]:
    """The findings of the fixed cells (against a reference), in card order."""
    return [f for c in card.cells.values() for f in [c.deciding] if f is not None and f.verdict is Verdict.FIXED]


def _fixed_markdown(card: ReportCard) -> list[str]:
    """Each fixed cell: what it says, the reference's violated relation and the witness where the estimator holds."""
    lines = [f"## Fixed: violations of {card.against} the estimator holds on", ""] if _fixed(card) else []
    for f in _fixed(card):
        lines += [f"### {card.labels().get(f.estimator, f.estimator)} / {f.property} ({f.domain})", "", f.message, "",
                  f"Witness: `{json.dumps(f.witness, default=number_to_json)}`", "", f"Re-run: `{f.command}`", ""]
    return lines


def _fixed_html(f: Finding, findings_dir: str | None = None) -> str:
    """A fixed cell's section: the estimator's outcome on the witness, then the reference's (violated) one."""
    o = ((f.against or {}).get("fixed") or {}).get("reference_observed") or {}
    rows = [("reference", str((f.against or {}).get("reference"))), ("its left side", _side(o.get("lhs"))),
            ("relation", o.get("relation", "")), ("its right side", _side(o.get("rhs"))),
            ("its violation", str(o.get("violation"))), ("tolerance", str(o.get("tolerance")))]
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return f"{_witness_html(f, findings_dir)}<p>The reference on the same witness (violated):</p><table class='detail'>{body}</table>"


def _measurements(card: ReportCard) -> list[Finding]:
    """The findings that carry a matching-sampling curve (R per effort level), in card order."""
    return [f for c in card.cells.values() for f in c.findings if has_curve(f)]


def _bound(x: Any) -> str:
    return "undefined" if x is None else f"{float(x):.3g}"


def _level_text(lv: dict[str, Any]) -> str:
    return f"{lv['effort']}: R = {_bound(lv['R'])} [{_bound(lv['lower'])}, {_bound(lv['upper'])}] {lv['verdict']}"


def _floor_text(f: Finding) -> str:
    o = f.observed or {}
    floor = "none of the grid" if o.get("floor") is None else f"eps = {float(o['floor']):g}"
    return f"floor {floor}; cost: {o.get('cost_source', '')}"


def _measurements_html(card: ReportCard) -> str:
    """Each matching-sampling measurement: its levels, floor, cost source and figure (inline SVG)."""
    parts = []
    for f in _measurements(card):
        rows = "".join(f"<tr><td>{html.escape(str(lv['effort']))}</td><td>{_bound(lv['R'])}</td>"
                       f"<td>[{_bound(lv['lower'])}, {_bound(lv['upper'])}]</td><td>{html.escape(lv['verdict'])}</td>"
                       f"<td>{_bound(lv['mse'])}</td><td>{_bound(lv['mean_cost'])}</td></tr>"
                       for lv in (f.observed or {})["levels"])
        try:
            figure = svg(f)
        except ImportError:
            figure = "<p><small>(figure: install matplotlib, pip install 'heurcheck[plot]')</small></p>"
        parts.append(f"<section class='ms'><h3>{html.escape(f.estimator)} on {html.escape(f.domain)}: "
                     f"{html.escape(f.verdict.value)}</h3><table class='detail'><tr><th>effort</th><th>R</th>"
                     f"<th>interval</th><th>verdict</th><th>MSE</th><th>mean cost</th></tr>{rows}</table>"
                     f"<p>{html.escape(_floor_text(f))}</p><div class='figure'>{figure}</div></section>")
    if not parts:
        return ""
    return ("<h2>Matching sampling (D12): R = mean(err^2) mean(C) / (mean(V) T) per effort level</h2>"
            + "".join(parts))


def _anchor(e: str, p: str) -> str:
    return "cx-" + "".join(ch if ch.isalnum() else "-" for ch in f"{e}-{p}")


def _side(value: Any) -> str:
    """A side of a relation as text: the exact rational, else the float, else its text (the one JSON
    form {value, exact, text}; a bare number from an older finding as it is)."""
    if isinstance(value, dict):
        exact, number, text = value.get("exact"), value.get("value"), value.get("text")
        if exact is not None and number is not None:
            return f"{exact} (= {float(number):.10g})"
        value = exact if exact is not None else number if number is not None else text
    # a float read back from a card file is an exact fraction of a power of ten: shown as the float it was
    return "-" if value is None else number_text(value)


def _witness_case(f: Finding) -> Case | None:
    """The witness as a Case (its instances and arguments read by their domains), or None if unreadable."""
    if not f.witness:
        return None
    try:  # read as a findings file is read (decimals exactly), whether the finding came from a run or a file
        document = parse_json(json.dumps(f.witness, default=number_to_json))
        return Case.from_json(Node(document, "$.witness", InvalidFinding))
    except (HeurcheckError, KeyError, TypeError, ValueError):  # e.g. a witness of a domain not installed here
        return None


def _description_html(description: Description) -> str:
    lines = "".join(f"<div class='formula'>{html.escape(line)}</div>" for line in description.lines)
    tables = "".join(
        f"<table class='matrix'><caption>{html.escape(caption)}</caption>"
        + "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in rows)
        + "</table>" for caption, rows in description.tables)
    return lines + (f"<div class='matrices'>{tables}</div>" if tables else "")


SHOWN_INSTANCES = 4  # a witness's instances described on the card; the rest are in its JSON


def _case_html(case: Case) -> str:
    """Each instance as its domain describes it (a formula, a matrix as a table), then the arguments and
    numbers of the case as text."""
    parts = []
    for name, x in case.instances[:SHOWN_INSTANCES]:
        described = describe_instance(x)
        body = _description_html(described) if described is not None else \
            "<div class='formula'>(its domain offers no description: see the JSON below)</div>"
        parts.append(f"<div class='instance'><b>{html.escape(name)}</b> ({html.escape(x.domain)}){body}</div>")
    if len(case.instances) > SHOWN_INSTANCES:  # a population (accuracy's family of instances)
        parts.append(f"<div>... and {len(case.instances) - SHOWN_INSTANCES} more instances (see the JSON "
                     f"below)</div>")
    args = "; ".join(f"{name} = {a.text()}" for name, a in case.arguments)
    numbers = "; ".join(f"{name} = {number_text(v)}" for name, v in case.numbers)
    if args:
        parts.append(f"<div>arguments: <code>{html.escape(args)}</code></div>")
    if numbers:
        parts.append(f"<div>numbers: <code>{html.escape(numbers)}</code></div>")
    return "<div class='witness'>" + "".join(parts) + "</div>"


def _witness_html(f: Finding, findings_dir: str | None = None) -> str:
    """A failing cell's evidence: the verdict and the two sides, the witness as its domain describes it (a
    formula, a matrix as a table, the arguments as text), the finding's file, the re-run command, and the
    witness's JSON folded away."""
    o = f.observed or {}
    rows = [("domain", f.domain), ("verdict", f.verdict.value), ("engine", f.engine), ("route", f.route or "-"),
            ("message", f.message)]
    if "lhs" in o:
        rows += [("left side", _side(o.get("lhs"))), ("relation", o.get("relation", "")),
                 ("right side", _side(o.get("rhs"))), ("violation", _side(o.get("violation"))),
                 ("tolerance", _small(o.get("tolerance"))), ("witness size", str(o.get("size")))]
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    case = _witness_case(f)
    parts = [f"<table class='detail'>{body}</table>"]
    if case is not None:
        parts.append(f"<h4>Witness</h4>{_case_html(case)}")
    if f.saved_as:  # the name recorded when it was saved (None: not saved, or a card from before it was recorded)
        where = f.saved_as if findings_dir is None else str(Path(findings_dir) / f.saved_as)
        parts.append(f"<p>Finding file: <code>{html.escape(where)}</code></p>")
    parts.append(f"<p>Re-run: <code>{html.escape(f.command)}</code></p>")
    if f.witness:
        witness = html.escape(json.dumps(f.witness, indent=1, default=number_to_json))
        parts.append(f"<details><summary>the witness as JSON</summary><pre>{witness}</pre></details>")
    return "".join(parts)


def _small(value: Any) -> str:
    """A tolerance: three significant digits are enough to read it."""
    return f"{float(value):.3g}" if isinstance(value, (int, float, Fraction)) and not isinstance(value, bool) \
        else str(value)


def html_page(card: ReportCard) -> str:
    """One self-contained page: inline style, no scripts, no external resources."""
    head = "".join(f"<th title='{html.escape(p)}'>{html.escape(_code(p))}<br><small class='prop'>"
                   f"{html.escape(p).replace('-', '-<wbr>')}</small></th>"
                   for p in card.properties)
    rows = []
    labels = card.labels()
    for e in card.estimators:
        tds = []
        for p in card.properties:
            c = card.cells[(e, p)]
            v = c.verdict
            label = f"<span class='verdict'>{html.escape(SYMBOL[v])}</span>"
            if c.deciding is not None and v is not Verdict.NOT_APPLICABLE:
                label += f"<br><small>{html.escape(c.deciding.engine)}<br>{c.cases} cases</small>"
                if c.weak:
                    label += "<br><small><b>weak</b></small>"
                if _seeds(c, card):
                    label += f"<br><small>{html.escape(_seeds(c, card))}</small>"
            if v.is_failure or v is Verdict.FIXED:
                label = f"<a href='#{_anchor(e, p)}'>{label}</a>"
            tip = html.escape(((c.deciding.message + " | ") if c.deciding else "") + _evidence(c))
            tds.append(f"<td class='cell' style='background:{COLOUR[v]}' title='{tip}'>{label}</td>")
        rows.append(f"<tr><th class='est' title='{html.escape(e)}'>{html.escape(labels[e])}</th>{''.join(tds)}</tr>")
    details = []
    for c in card.cells.values():
        f = c.deciding
        if f is not None and f.verdict.is_failure:
            details.append(f"<section id='{_anchor(c.estimator, c.property)}'><h3>{html.escape(labels[c.estimator])} / "
                           f"{html.escape(c.property)}</h3>{_witness_html(f, card.findings_dir)}</section>")
    fixed = "".join(f"<section id='{_anchor(f.estimator, f.property)}'><h3>{html.escape(labels.get(f.estimator, f.estimator))} / "
                    f"{html.escape(f.property)}</h3>{_fixed_html(f, card.findings_dir)}</section>" for f in _fixed(card))
    if fixed:
        fixed = f"<h2>Fixed: violations of {html.escape(str(card.against))} the estimator holds on</h2>{fixed}"
    against = f"<p><small>{html.escape(AGAINST_WORDS.format(card.against))}</small></p>" if card.against else ""
    partial = f" <span class='partial'>(partial: {html.escape(_partial(card))})</span>" if card.partial else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>heurcheck report card</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table.card {{ border-collapse: collapse; font-size: 0.78em; width: 100%; max-width: 1360px; table-layout: fixed; }}
table.card th, table.card td {{ border: 1px solid #ccc; padding: 0.25em 0.2em; text-align: center;
  overflow-wrap: break-word; hyphens: auto; }}
th.est {{ text-align: left; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
table.card tr:first-child th:first-child {{ width: 7.5em; }}
small.prop {{ font-weight: normal; overflow-wrap: normal; hyphens: manual; }}
span.verdict {{ display: inline-block; max-width: 100%; letter-spacing: -0.02em; white-space: nowrap; }}
td.cell span.verdict {{ font-size: clamp(0.8em, 1.1vw, 1em); }}
td.cell a span.verdict {{ text-decoration: underline; }}
td.cell a {{ color: #fff; font-weight: bold; }}
td.cell small {{ opacity: 0.7; }}
table.detail th {{ text-align: left; padding-right: 1em; vertical-align: top; }}
table.detail td, code {{ overflow-wrap: anywhere; }}
pre {{ background: #f6f6f6; padding: 0.5em; max-height: 20em; overflow: auto; }}
.partial {{ color: #d43c3c; }}
section.ms table.detail td, section.ms table.detail th {{ padding: 0.1em 0.8em; }}
div.figure svg {{ max-width: 640px; height: auto; }}
div.witness {{ margin: 0.5em 0; }}
div.instance {{ margin-bottom: 0.4em; }}
div.formula {{ font-family: ui-monospace, monospace; font-size: 1.05em; margin: 0.15em 0 0.15em 1em;
  overflow-wrap: anywhere; }}
div.matrices {{ display: flex; flex-wrap: wrap; gap: 1em; margin-left: 1em; max-width: 100%; overflow-x: auto; }}
table.matrix {{ border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 0.9em; }}
table.matrix caption {{ text-align: left; font-style: italic; }}
table.matrix td {{ border: 1px solid #ccc; padding: 0.1em 0.5em; text-align: right; }}
</style></head><body>
<h1>heurcheck report card{html.escape(_against_title(card))}{partial}</h1>
<p>{html.escape(_run_line(card).capitalize() + _budget(card))}, heurcheck {html.escape(card.tool)}.</p>
<table class="card"><tr><th>estimator</th>{head}</tr>
{''.join(rows)}
</table>
<p><small>{html.escape(LEGEND)}.</small></p>
{against}
{_measurements_html(card)}
<h2>Counterexamples</h2>
{''.join(details) or '<p>None found.</p>'}
{fixed}
</body></html>
"""
