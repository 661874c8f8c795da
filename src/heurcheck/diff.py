"""Compare two saved report cards: new violations, fixed ones, lost evidence, verdict changes, drift.

A cell that was violated (or an estimator error) and is no longer is "fixed" only when its old
witness, replayed against the current code, now holds; otherwise the card merely lost the evidence
(a shorter search, another seed), which is a regression. A cell that was inconclusive in the old
card is no regression target: it had no evidence to lose.

Two cards of several seeds (campaigns, `matrix --seeds`) are compared seed by seed on the seeds both
ran: a violation found on one seed and lost on it is reported for that seed (and its own witness is
replayed), even when the cell stays violated on others; a seed only one card ran is reported as such.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from .errors import InvalidFinding
from .findings import SCHEMA, Finding, Verdict, finding_from_json
from .jsonio import Node, load_document

# stronger evidence first; a cell that moves down this list without becoming a failure got weaker
EVIDENCE = ["proved", "statistically-consistent", "not-refuted", "vacuous", "inconclusive", "not-applicable"]
FAILURES = ("violated", "estimator-error")
RELATIVE = ("shared", "fixed")  # verdicts of a card against a reference: no failure, and no rank among the others
DRIFT = 0.10  # a violation whose size changes by more than 10% is reported as drift


# replays an old witness against the current code: (whether it now holds, what happened in one line)
Replayer = Callable[[Finding], tuple[bool, str]]


@dataclass(frozen=True)
class CellState:
    verdict: str
    engine: str | None
    violation: float | None
    cases: int | None = None  # the cases behind the verdict, over its domains (None: not recorded)
    weak: bool = False  # some domain never evaluated or stopped by the time cap
    witness: Finding | None = None  # the finding of a failure, to replay
    seeds: tuple[tuple[int, CellState], ...] = ()  # a card of several seeds: each seed's own state
    label: str = ""  # the row's name on its card (a plugin's declared name, with its options; "": the row as keyed)

    def evidence(self) -> str:
        cases = f" on {self.cases} cases" if self.cases is not None else ""
        return self.verdict + cases + (" (weak)" if self.weak else "")


@dataclass
class CardDiff:
    new_violations: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)
    lost_evidence: list[str] = field(default_factory=list)
    weaker: list[str] = field(default_factory=list)
    stronger: list[str] = field(default_factory=list)
    engine_changed: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)
    only_in_one: list[str] = field(default_factory=list)
    relative: list[str] = field(default_factory=list)  # a cell moved to or from shared or fixed (against a reference)

    @property
    def regressed(self) -> bool:
        return bool(self.new_violations or self.lost_evidence or self.weaker)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()} | {"regressed": self.regressed}


def load_card(path: str | Path) -> dict[tuple[str, str], CellState]:
    """The cells of a report card file, checked against the card's schema (errors name the file)."""
    doc = load_document(path, InvalidFinding)
    try:
        return _cells(doc)
    except InvalidFinding as exc:
        raise InvalidFinding(f"{path}: {exc}") from None


def _cells(doc: Any) -> dict[tuple[str, str], CellState]:
    node = Node(doc, "$", InvalidFinding)
    if not isinstance(doc, dict):
        node.fail("a report card object")
    if node["schema"].integer() != SCHEMA:
        raise InvalidFinding(f"written with schema {doc['schema']}, this heurcheck reads schema {SCHEMA}")
    if node["kind"].string() != "report-card":
        node["kind"].fail("'report-card'")
    verdicts = tuple(v.value for v in Verdict)
    labels = row_labels(node)
    cells = {}
    for c in node["cells"].items():
        c.object(("estimator", "property", "verdict"),
                 ("engine", "skipped_domains", "findings", "cases", "weak", "evidence", "seeds"))
        verdict = c["verdict"].string(verdicts)
        findings = list(c.get("findings", []).items())
        violation, witness = _evidence(verdict, findings)
        engine = None if c.get("engine").value is None else c["engine"].string()
        cases = None if c.get("cases").value is None else c["cases"].integer(0)
        weak = c.get("weak", False).boolean()
        seeds = tuple(_seed_state(s, findings, verdicts) for s in c.get("seeds", []).items())
        row = c["estimator"].string()
        cells[(row, c["property"].string())] = CellState(verdict, engine, violation, cases, weak, witness, seeds,
                                                         labels.get(row, ""))
    return cells


def row_labels(card: Node) -> dict[str, str]:
    """A card's `labels` (row -> its name on the card, as `ReportCard.labels` gives it; absent in older cards)."""
    labels = card.get("labels", {})
    if not isinstance(labels.value, dict):
        labels.fail("an object of rows to their names on the card")
    return {str(row): labels.child(row, name).string() for row, name in labels.value.items()}


def _evidence(verdict: str, findings: list[Node]) -> tuple[float | None, Finding | None]:
    """The violation size of the findings that reach `verdict` (the last one's), and the first witness
    to replay when it is a failure."""
    violation = None
    witness = None
    for f in findings:
        observed = f.value.get("observed") if isinstance(f.value, dict) else None
        if isinstance(f.value, dict) and f.value.get("verdict") == verdict and isinstance(observed, dict):
            violation = _size(observed.get("violation"))
            if verdict in FAILURES and witness is None and f.value.get("witness") is not None:
                witness = finding_from_json(f.value, f.path)
    return violation, witness


def _seed_state(node: Node, findings: list[Node], verdicts: tuple[str, ...]) -> tuple[int, CellState]:
    """One seed of a cell (its entry in `cells[].seeds`), with the evidence of that seed's findings."""
    node.object(("seed", "verdict"), ("seed", "verdict", "cases"))
    seed, verdict = node["seed"].integer(0), node["verdict"].string(verdicts)
    own = [f for f in findings if isinstance(f.value, dict) and f.value.get("seed") == seed]
    violation, witness = _evidence(verdict, own)
    deciding: dict[str, Any] = next((f.value for f in own if f.value.get("verdict") == verdict), {})
    engine = deciding.get("engine") if isinstance(deciding.get("engine"), str) else None
    cases = None if node.get("cases").value is None else node["cases"].integer(0)
    weak = verdict not in FAILURES and any(f.value.get("capped") is True or f.value.get("verdict") == "inconclusive"
                                           for f in own)
    return seed, CellState(verdict, engine, violation, cases, weak, witness)


def _replayed(witness: Finding | None, replay: Replayer | None) -> tuple[bool, str]:
    if witness is None:
        return False, "lost evidence: the old card holds no witness to replay"
    if replay is None:
        return False, "lost evidence: the old witness was not replayed"
    holds, said = replay(witness)
    if holds:
        return True, f"the old witness now holds ({said})"
    return False, f"lost evidence: the old witness {said}"


def _fewer(a: CellState, b: CellState) -> bool:
    """The same verdict on less evidence: fewer cases, or newly weak."""
    return (b.weak and not a.weak) or (a.cases is not None and b.cases is not None and b.cases < a.cases)


def _size(violation: Any) -> float | None:
    """A finding's violation as a float (None when it has no numeric one)."""
    if not isinstance(violation, (int, float, Fraction)) or isinstance(violation, bool):
        return None
    try:
        return float(violation)
    except OverflowError:
        return math.inf


def diff_cards(old: dict[tuple[str, str], CellState], new: dict[tuple[str, str], CellState],
               replay: Replayer | None = None) -> CardDiff:
    """The differences between two cards; `replay` decides whether a violation that disappeared is fixed
    (without it, every one is lost evidence)."""
    out = CardDiff()
    for key in sorted(set(old) | set(new)):
        label = new[key].label if key in new else old[key].label
        name = f"{label or key[0]} / {key[1]}"  # a row by its name on the card, as the card shows it
        if key not in old or key not in new:
            out.only_in_one.append(f"{name}: only in the {'new' if key in new else 'old'} card")
            continue
        a, b = old[key], new[key]
        if a.seeds and b.seeds:  # seed by seed: the aggregate would hide a violation lost on one seed
            _diff_seeds(name, dict(a.seeds), dict(b.seeds), replay, out)
        else:
            _diff_cell(name, a, b, replay, out)
    return out


def _diff_seeds(name: str, old: dict[int, CellState], new: dict[int, CellState], replay: Replayer | None,
                out: CardDiff) -> None:
    for seed in sorted(set(old) | set(new)):
        if seed not in old or seed not in new:
            out.only_in_one.append(f"{name} seed {seed}: only in the {'new' if seed in new else 'old'} card")
        else:
            _diff_cell(f"{name} seed {seed}", old[seed], new[seed], replay, out)


def _diff_cell(name: str, a: CellState, b: CellState, replay: Replayer | None, out: CardDiff) -> None:
    """The differences of one cell (or one seed of a cell), added to `out`."""
    if a.verdict not in FAILURES and b.verdict in FAILURES:
        out.new_violations.append(f"{name}: {a.verdict} -> {b.verdict}")
    elif a.verdict in FAILURES and b.verdict not in FAILURES:
        holds, said = _replayed(a.witness, replay)
        (out.fixed if holds else out.lost_evidence).append(f"{name}: {a.verdict} -> {b.verdict}; {said}")
    elif a.verdict != b.verdict and a.verdict in EVIDENCE and b.verdict in EVIDENCE:
        worse = EVIDENCE.index(b.verdict) > EVIDENCE.index(a.verdict)
        if worse and a.verdict != Verdict.INCONCLUSIVE.value:  # an inconclusive cell had nothing to lose
            out.weaker.append(f"{name}: {a.evidence()} -> {b.evidence()}")
        elif not worse:
            out.stronger.append(f"{name}: {a.evidence()} -> {b.evidence()}")
    elif a.verdict == b.verdict and a.verdict not in FAILURES and _fewer(a, b):
        out.weaker.append(f"{name}: {a.evidence()} -> {b.evidence()}")
    elif a.verdict != b.verdict and (a.verdict in RELATIVE or b.verdict in RELATIVE):
        out.relative.append(f"{name}: {a.evidence()} -> {b.evidence()}")
    elif a.verdict == b.verdict and a.engine != b.engine:
        out.engine_changed.append(f"{name}: {a.verdict} by {a.engine} -> by {b.engine}")
    if a.verdict in FAILURES and b.verdict in FAILURES and a.violation and b.violation is not None:
        change = (b.violation - a.violation) / abs(a.violation)
        if abs(change) > DRIFT:
            out.drift.append(f"{name}: violation {a.violation:.6g} -> {b.violation:.6g} ({change:+.0%})")
