"""The pytest plugin (entry point `heurcheck` in the `pytest11` group): replay saved findings first.

`pytest --heurcheck-findings DIR` turns every `DIR/*.json` finding (as `heurcheck check --findings
DIR` or `assert_satisfies(..., findings_dir=DIR)` save them) into one test item, run before the
project's own tests, in the spirit of Hypothesis's example database and proptest's regression files:

- the item fails while the saved witness still fails the property;
- it passes once the code is fixed, and the run ends with "fixed: ... you may delete it";
- it errors, with the file and what is wrong, when the file is not a valid finding or names an
  estimator or property that cannot be loaded.

The `heurcheck_findings` fixture gives tests that directory (or None) to pass as `findings_dir=`,
so new counterexamples land where the next run replays them.

`pytest --heurcheck-baseline CARD.json` takes a committed report card (`kind: report-card`) and
adds one item per (estimator, property) cell: a cell that failed in the baseline replays its
witness (still failing is the known state and passes; now holding passes and is reported as
"improved: update the baseline"; a failure with no witness to replay that is no longer found is
lost evidence and fails); any other cell is checked again with the card's seed and case count (so
the same code gives the same verdict), and a new counterexample, estimator error or lost proof
fails as a regression. A baseline check that was inconclusive, vacuous or stopped by its time cap
is no regression target (it had no evidence to lose): it is skipped and said so. Weaker evidence
(the re-run stopped by its time cap, or inconclusive) is reported in the summary.
`--heurcheck-budget` caps each of those checks (seconds, default 10).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .errors import HeurcheckError, InvalidFinding, UnknownName
from .findings import SCHEMA, Finding, Verdict, finding_from_json
from .jsonio import Node, load_document

if TYPE_CHECKING:
    from .replay import Replay  # the plugin loads with every pytest run: heurcheck's modules only when used

_FIXED = pytest.StashKey[list[str]]()
_BASELINE = pytest.StashKey[list["BaselineCell"]]()
BASELINE_MAX_EXAMPLES = 300  # per re-run check, when the baseline's finding does not record its case count
NO_EVIDENCE = (Verdict.NOT_APPLICABLE, Verdict.INCONCLUSIVE, Verdict.VACUOUS)  # nothing a later run can lose

_UNKNOWN_HINT = ("; a finding of an estimator passed to heurcheck.testing as a class records the class's name, "
                 "so install it under the `heurcheck.estimators` entry-point group to replay it")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("heurcheck", "heurcheck: saved counterexamples and baselines")
    group.addoption("--heurcheck-findings", metavar="DIR", default=None,
                    help="replay every saved finding (*.json) in DIR first, one test item per file; "
                         "a missing DIR holds no findings")
    group.addoption("--heurcheck-baseline", metavar="FILE", default=None,
                    help="a committed report-card JSON: fail on any cell that regressed since it was made")
    group.addoption("--heurcheck-allow-estimator", metavar="REFERENCE", action="append", default=[],
                    help="an estimator reference (module:attr or file.py:attr) that saved findings and the baseline "
                         "may name (repeatable); any other reference to code that is not installed is refused, "
                         "never imported")
    group.addoption("--heurcheck-budget", metavar="SECONDS", type=float, default=10.0,
                    help="seconds per check re-run for --heurcheck-baseline (default 10)")


def findings_dir(config: pytest.Config) -> Path | None:
    """The `--heurcheck-findings` directory, relative to where pytest was invoked, or None."""
    value = config.getoption("heurcheck_findings", None)
    if value is None:
        return None
    return Path(config.invocation_params.dir, os.path.expanduser(value))


def allowed_estimators(config: pytest.Config) -> tuple[str, ...]:
    """The references given with --heurcheck-allow-estimator: the only code that findings and cards may name."""
    return tuple(config.getoption("heurcheck_allow_estimator", None) or ())


def _allow_hint(name: str) -> str:
    return f"pytest --heurcheck-allow-estimator {name} (or install it under the heurcheck.estimators entry points)"


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_FIXED] = []
    folder = findings_dir(config)
    if folder is not None and folder.exists() and not folder.is_dir():
        raise pytest.UsageError(f"--heurcheck-findings {folder}: expected a directory of saved findings, "
                                f"found a file")
    baseline = config.getoption("heurcheck_baseline", None)
    if baseline is not None:
        path = Path(config.invocation_params.dir, os.path.expanduser(baseline))
        try:
            config.stash[_BASELINE] = load_baseline(path)
        except HeurcheckError as exc:
            raise pytest.UsageError(f"--heurcheck-baseline: {exc}") from None


def _saved(folder: Path) -> list[Path]:
    # a name starting with "." is a temporary file of an atomic write in progress
    return sorted(p for p in folder.glob("*.json") if p.is_file() and not p.name.startswith("."))


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = []
    folder = findings_dir(config)
    if folder is not None:
        count = len(_saved(folder)) if folder.is_dir() else 0
        lines.append(f"heurcheck: replaying {count} saved finding(s) from {folder}")
    if _BASELINE in config.stash:
        lines.append(f"heurcheck: comparing {len(config.stash[_BASELINE])} cell(s) with the baseline "
                     f"{config.getoption('heurcheck_baseline')}")
    return lines


@pytest.hookimpl(tryfirst=True)  # before -k / -m deselection, so those apply to the replay items too
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    first: list[pytest.Item] = []
    folder = findings_dir(config)
    if folder is not None and folder.is_dir():
        for path in _saved(folder):
            first.append(FindingItem.from_parent(session, name=path.name, path=path,
                                                 nodeid=_relative(path, config)))
    for cell in config.stash.get(_BASELINE, []):
        name = f"{cell.label}::{cell.property}"
        first.append(BaselineItem.from_parent(session, name=name, path=cell.path, cell=cell,
                                              nodeid=f"{_relative(cell.path, config)}::{name}"))
    items[:0] = first


def _relative(path: Path, config: pytest.Config) -> str:
    try:
        return path.relative_to(config.rootpath).as_posix()
    except ValueError:
        return path.as_posix()


class FindingItem(pytest.Item):
    """One saved finding, replayed against the current code."""

    _result: Replay | None = None

    def setup(self) -> None:
        # loading and replaying happen here so that a bad file is an error, not a failure
        from .replay import load_finding, replay  # imported when used: the plugin loads with every pytest run

        try:
            finding = load_finding(self.path)
            self._result = replay(finding, allowed=allowed_estimators(self.config), how=_allow_hint(finding.estimator))
        except UnknownName as exc:
            pytest.fail(f"cannot replay saved finding {self.path}: {exc}{_UNKNOWN_HINT}", pytrace=False)
        except HeurcheckError as exc:
            pytest.fail(f"cannot replay saved finding {self.path}: {exc}", pytrace=False)

    def runtest(self) -> None:
        result = self._result
        assert result is not None
        f = result.finding
        if result.still_fails:
            pytest.fail(f"saved counterexample {self.path.name}: {f.property} / {f.estimator} / {f.domain} "
                        f"{result.message}\n  saved message: {f.message}\n  rerun: {f.command}", pytrace=False)
        self.config.stash[_FIXED].append(f"fixed: {self.path} ({f.property} / {f.estimator} / {f.domain} "
                                         f"{result.message}); you may delete it")

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"heurcheck finding {self.name}"


@dataclass(frozen=True)
class BaselineCell:
    """One (estimator, property) cell of a committed report card: its verdict and one finding per domain."""

    path: Path
    estimator: str  # the card's row: the estimator as given ('cumulant:order=3', a plugin's `file.py:Class`)
    property: str
    verdict: Verdict
    findings: tuple[Finding, ...]
    label: str  # the row's name on the card (a plugin's declared name, with its options), as the card shows it


def load_baseline(path: Path) -> list[BaselineCell]:
    """The cells of a report-card JSON file (as `ReportCard.to_json` writes it), checked field by field."""
    document = load_document(path, InvalidFinding)
    try:
        return _cells(path, Node(document, "$", InvalidFinding))
    except InvalidFinding as exc:
        message = str(exc)
        raise InvalidFinding(message if message.startswith(str(path)) else f"{path}: {message}") from None


def _cells(path: Path, node: Any) -> list[BaselineCell]:
    from .diff import row_labels  # the plugin loads with every pytest run: heurcheck's modules only when used

    if node["kind"].string() != "report-card":
        node["kind"].fail("'report-card'")
    schema = node["schema"].integer()
    if schema != SCHEMA:
        raise InvalidFinding(f"written with schema {schema}, this heurcheck reads schema {SCHEMA}")
    node["seed"].integer(0)  # the findings carry it too; each is re-run with its own
    verdicts = tuple(v.value for v in Verdict)
    labels = row_labels(node)
    cells = []
    for cell in node["cells"].items():
        findings = tuple(finding_from_json(f.value, f"{path} {f.path}") for f in cell.get("findings", []).items())
        row = cell["estimator"].string()
        cells.append(BaselineCell(path, row, cell["property"].string(), Verdict(cell["verdict"].string(verdicts)),
                                  findings, labels.get(row, row)))
    return cells


class BaselineItem(pytest.Item):
    """One cell of the baseline report card, decided again against the current code."""

    def __init__(self, *, cell: BaselineCell, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cell = cell

    def runtest(self) -> None:
        # the plugin loads with every pytest run: heurcheck's modules only when used
        from .checker import CheckRequest, CheckSettings, check
        from .estimators.registry import Registry
        from .replay import replay, require_trusted
        from .testing import render_failure

        cell = self.cell
        was_failure = cell.verdict.is_failure
        budget = self.config.getoption("heurcheck_budget")
        for old in cell.findings:
            if old.verdict in NO_EVIDENCE or (old.capped and not old.verdict.is_failure):
                if old.verdict is not Verdict.NOT_APPLICABLE:
                    self.config.stash[_FIXED].append(
                        f"not compared: {cell.label} / {cell.property} on {old.domain} was {old.verdict.value}"
                        f"{' (stopped by its time cap)' if old.capped else ''} in the baseline: no evidence to lose")
                continue
            if old.verdict.is_failure and old.witness is not None:
                try:
                    still = replay(old, allowed=allowed_estimators(self.config),
                                   how=_allow_hint(old.estimator)).still_fails
                except HeurcheckError as exc:
                    pytest.fail(f"cannot replay the baseline's witness for {self.name} on {old.domain}: {exc}",
                                pytrace=False)
                if not still:
                    self.config.stash[_FIXED].append(
                        f"improved: {cell.label} / {cell.property} on {old.domain} was {old.verdict.value} in "
                        f"the baseline and its witness now holds; update the baseline")
                continue
            try:
                require_trusted(Registry.default(), old.estimator, allowed_estimators(self.config),
                                _allow_hint(old.estimator))
            except HeurcheckError as exc:
                pytest.fail(f"cannot check the baseline's cell {self.name} on {old.domain}: {exc}", pytrace=False)
            request = CheckRequest(old.estimator, dict(old.options), (old.property,), {old.property: old.parameters},
                                   old.domain)
            settings = CheckSettings(max_examples=old.max_examples or BASELINE_MAX_EXAMPLES, budget=budget,
                                     seed=old.seed, findings_dir=None)
            [new] = check(request, settings)
            if old.verdict.is_failure and not new.verdict.is_failure:
                pytest.fail(f"lost evidence: {cell.label} / {cell.property} on {old.domain} was "
                            f"{old.verdict.value} in the baseline (with no witness to replay), now "
                            f"{new.verdict.value}: {new.message}", pytrace=False)
            if not new.verdict.is_failure and (new.capped or new.verdict is Verdict.INCONCLUSIVE):
                self.config.stash[_FIXED].append(
                    f"weaker evidence: {cell.label} / {cell.property} on {old.domain} was {old.verdict.value} "
                    f"on {old.cases} cases in the baseline, now {new.verdict.value} on {new.cases} cases"
                    f"{' (stopped by the time cap: raise --heurcheck-budget)' if new.capped else ''}")
            if new.verdict.is_failure and not was_failure:
                pytest.fail(f"regression: {cell.property} was {old.verdict.value} in the baseline on {old.domain}, "
                            f"now {new.verdict.value}\n{render_failure(new, cell.label)}", pytrace=False)
            if old.verdict is Verdict.PROVED and new.verdict is not Verdict.PROVED:
                pytest.fail(f"regression: {cell.label} / {cell.property} on {old.domain} was proved in the "
                            f"baseline, now {new.verdict.value}: {new.message}", pytrace=False)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"heurcheck baseline {self.name}"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    fixed = config.stash.get(_FIXED, [])
    if fixed:
        terminalreporter.section("heurcheck: fixed, improved, weaker and not compared")
        for line in fixed:
            terminalreporter.write_line(line)


@pytest.fixture
def heurcheck_findings(request: pytest.FixtureRequest) -> Path | None:
    """The `--heurcheck-findings` directory (None without the option): pass it as `findings_dir=`."""
    return findings_dir(request.config)
