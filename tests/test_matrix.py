"""The report card: scheduling under one budget, early decision, and its renderings."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.cli import main
from rich.console import Console

from heurcheck.findings import Finding, Verdict
from heurcheck.matrix import Cell, MatrixSettings, ReportCard, run_matrix
from heurcheck.report import html_page, markdown, terminal


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory):
    # each check ends at its case count, not at its share of a generous budget: the verdicts below do not
    # depend on the machine's speed
    settings = MatrixSettings(budget=600, max_examples=100, estimators=("mean", "perm-rowcol", "symmetrize"),
                              properties=("restriction-linearity", "iterated-estimation"),
                              findings_dir=tmp_path_factory.mktemp("findings"))
    return run_matrix(settings)


@pytest.mark.slow
def test_the_card_has_a_cell_for_every_pair(card) -> None:
    assert set(card.cells) == {(e, p) for e in card.estimators for p in card.properties}
    findings = [f for cell in card.cells.values() for f in cell.findings]
    # every check ends at its case count, none at the time cap; a violation's count also holds the cases its
    # shrinking evaluated, which can pass the count (`mean` on iterated-estimation, circuits, seed 0: found at
    # its 70th case, 101 with the 31 cases of its shrinking)
    assert not any(f.capped for f in findings)
    assert all(f.cases <= 100 for f in findings if f.verdict is not Verdict.VIOLATED)


@pytest.mark.slow
def test_a_card_whose_time_cap_ends_its_checks_says_so_in_each_verdict(tmp_path: Path) -> None:
    settings = MatrixSettings(budget=3, max_examples=10**6, estimators=("mean",), properties=("linearity",),
                              findings_dir=tmp_path)
    card = run_matrix(settings)  # mean is linear: only the cap ends a search of a million cases
    findings = card.cells[("mean", "linearity")].findings
    assert findings and all(f.verdict in (Verdict.NOT_REFUTED, Verdict.INCONCLUSIVE) and "budget" in f.message
                            and f.capped for f in findings)  # the cap ended each check, after some cases or none
    assert card.cells[("mean", "linearity")].weak and card.capped == len(findings)


@pytest.mark.slow
def test_known_violations_are_found_and_symmetrisation_stays_clean(card) -> None:
    assert card.cells[("mean", "restriction-linearity")].verdict is Verdict.VIOLATED
    assert card.cells[("perm-rowcol", "iterated-estimation")].verdict is Verdict.VIOLATED
    assert card.cells[("symmetrize", "iterated-estimation")].verdict is Verdict.NOT_REFUTED
    assert card.cells[("perm-rowcol", "restriction-linearity")].verdict is Verdict.NOT_APPLICABLE


@pytest.mark.slow
def test_a_decided_pair_skips_its_other_domains(card) -> None:
    cell = card.cells[("mean", "restriction-linearity")]
    assert len(cell.findings) + len(cell.skipped) == 2  # boolean and circuit
    assert any(f.verdict is Verdict.VIOLATED for f in cell.findings)


@pytest.mark.slow
def test_the_json_card_lists_every_cell_with_its_findings(card) -> None:
    doc = json.loads(json.dumps(card.to_json()))
    assert doc["kind"] == "report-card" and doc["seed"] == 0 and doc["partial"] is False
    assert len(doc["cells"]) == len(card.estimators) * len(card.properties)


@pytest.mark.slow
def test_the_html_card_is_self_contained_and_links_each_violation_to_its_counterexample(card) -> None:
    page = html_page(card)
    assert "<script" not in page and not re.search(r"(src|href)=['\"]https?:", page)
    for (e, p), cell in card.cells.items():
        if cell.verdict is Verdict.VIOLATED:
            anchor = re.search(r"href='#([^']+)'", page[page.index(f">{e}<"):]).group(1)
            assert f"id='{anchor}'" in page
    assert "heurcheck check" in page  # the re-run command of each counterexample


@pytest.mark.slow
def test_the_markdown_card_has_a_table_and_the_counterexamples(card) -> None:
    text = markdown(card)
    assert "| estimator |" in text and "## Counterexamples" in text and "VIOLATED" in text


def test_the_matrix_command_writes_every_requested_format(tmp_path: Path) -> None:
    out = {k: tmp_path / f"card.{k}" for k in ("json", "md", "html")}
    result = CliRunner().invoke(main, ["matrix", "--budget", "8", "-e", "mean", "-p", "restriction-linearity",
                                       "--findings", str(tmp_path / "f"), "--json", str(out["json"]),
                                       "--markdown", str(out["md"]), "--html", str(out["html"])])
    assert result.exit_code == 1, result.output
    assert all(p.exists() for p in out.values())
    assert json.loads(out["json"].read_text())["cells"][0]["verdict"] == "violated"


def _card(tmp_path: Path, name: str, cells: list[tuple[str, str, str, float | None]],
          findings: dict[tuple[str, str], dict] | None = None) -> str:
    """A card file; a cell's findings are the given real finding, or a bare one with its violation size."""
    findings = findings or {}
    doc = {"schema": 1, "kind": "report-card", "cells": [
        {"estimator": e, "property": p, "verdict": v, "engine": "random",
         "findings": [findings[(e, p)]] if (e, p) in findings else
         [{"verdict": v, "observed": {"violation": size}}] if size is not None else []}
        for e, p, v, size in cells]}
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)


@pytest.fixture(scope="module")
def mean_breaks_restriction_linearity() -> dict:
    """A real finding: mean propagation breaking restriction linearity on a boolean circuit."""
    [found] = check(CheckRequest("mean", {}, ("restriction-linearity",), {}, "boolean"),
                    CheckSettings(max_examples=100, findings_dir=None))
    assert found.verdict is Verdict.VIOLATED
    return found.to_json()


def test_diff_reports_new_lost_weaker_and_drift_and_exits_one_on_regression(tmp_path: Path) -> None:
    old = _card(tmp_path, "old.json", [("a", "p", "not-refuted", None), ("b", "p", "violated", 1.0),
                                       ("c", "p", "proved", None), ("d", "p", "violated", 2.0)])
    new = _card(tmp_path, "new.json", [("a", "p", "violated", 0.5), ("b", "p", "not-refuted", None),
                                       ("c", "p", "not-refuted", None), ("d", "p", "violated", 3.0)])
    result = CliRunner().invoke(main, ["diff", old, new, "--json"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 1
    assert doc["new_violations"] == ["a / p: not-refuted -> violated"]
    # the old card holds no witness for b: nothing shows that the violation went away
    assert doc["fixed"] == [] and doc["lost_evidence"] == [
        "b / p: violated -> not-refuted; lost evidence: the old card holds no witness to replay"]
    assert doc["weaker"] == ["c / p: proved -> not-refuted"]
    assert doc["drift"] and "+50%" in doc["drift"][0]


def test_diff_of_a_violated_cell_set_to_inconclusive_is_lost_evidence_and_exits_one(
        tmp_path: Path, mean_breaks_restriction_linearity: dict) -> None:
    key = ("mean", "restriction-linearity")
    old = _card(tmp_path, "old.json", [(*key, "violated", None)], {key: mean_breaks_restriction_linearity})
    new = _card(tmp_path, "new.json", [(*key, "inconclusive", None)])
    result = CliRunner().invoke(main, ["diff", old, new])
    assert result.exit_code == 1, result.output
    assert "lost evidence (1):" in result.stdout and "fixed" not in result.stdout
    assert "mean / restriction-linearity: violated -> inconclusive; lost evidence: the old witness still fails" \
        in result.stdout


def test_diff_calls_a_violation_fixed_only_when_its_old_witness_now_holds(
        tmp_path: Path, mean_breaks_restriction_linearity: dict) -> None:
    key = ("exact", "restriction-linearity")  # the same witness, estimated exactly: the relation holds
    old = _card(tmp_path, "old.json", [(*key, "violated", None)],
                {key: {**mean_breaks_restriction_linearity, "estimator": "exact"}})
    new = _card(tmp_path, "new.json", [(*key, "not-refuted", None)])
    result = CliRunner().invoke(main, ["diff", old, new, "--json"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and not doc["lost_evidence"]
    assert len(doc["fixed"]) == 1 and "the old witness now holds" in doc["fixed"][0]


def test_diff_does_not_count_an_inconclusive_old_cell_as_lost_and_reports_fewer_cases_as_weaker(
        tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    new = tmp_path / "new.json"
    cells = [{"estimator": "a", "property": "p", "verdict": "inconclusive", "findings": []},
             {"estimator": "b", "property": "p", "verdict": "not-refuted", "cases": 2000, "findings": []}]
    old.write_text(json.dumps({"schema": 1, "kind": "report-card", "cells": cells}))
    cells = [{"estimator": "a", "property": "p", "verdict": "not-applicable", "findings": []},
             {"estimator": "b", "property": "p", "verdict": "not-refuted", "cases": 40, "weak": True, "findings": []}]
    new.write_text(json.dumps({"schema": 1, "kind": "report-card", "cells": cells}))
    doc = json.loads(CliRunner().invoke(main, ["diff", str(old), str(new), "--json"]).stdout)
    assert doc["weaker"] == ["b / p: not-refuted on 2000 cases -> not-refuted on 40 cases (weak)"]
    assert doc["regressed"] is True


def test_diff_names_a_row_as_its_card_shows_it_not_by_its_reference(tmp_path: Path) -> None:
    row = "/work/plugins/clamped_mean.py:ClampedMean:low=0.2"  # a plugin with an option, by its declared name
    paths = []
    for name, cases in (("old.json", 2000), ("new.json", 40)):
        doc = {"schema": 1, "kind": "report-card", "labels": {row: "clamped-mean low=0.2"},
               "cells": [{"estimator": row, "property": "p", "verdict": "not-refuted", "cases": cases, "findings": []}]}
        (tmp_path / name).write_text(json.dumps(doc))
        paths.append(str(tmp_path / name))
    doc = json.loads(CliRunner().invoke(main, ["diff", *paths, "--json"]).stdout)
    assert doc["weaker"] == ["clamped-mean low=0.2 / p: not-refuted on 2000 cases -> not-refuted on 40 cases"]


def test_diff_of_a_card_with_itself_is_clean(tmp_path: Path) -> None:
    card = _card(tmp_path, "same.json", [("a", "p", "violated", 1.0)])
    result = CliRunner().invoke(main, ["diff", card, card])
    assert result.exit_code == 0 and "no differences" in result.stdout


def test_diff_refuses_a_file_that_is_not_a_report_card(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": 1, "kind": "finding"}))
    result = CliRunner().invoke(main, ["diff", str(bad), str(bad)])
    assert result.exit_code == 2 and "report-card" in result.stderr


# ------------------------------------------------------------------ reproducible cards and their evidence


def _grid(doc: dict) -> dict:
    """Each cell's verdict and weakness, and, where nothing failed, each domain's verdict and case count."""
    return {(c["estimator"], c["property"]): (c["verdict"], c["weak"], None if c["verdict"] == "violated" else
                                              sorted((e["domain"], e["verdict"], e["cases"]) for e in c["evidence"]))
            for c in doc["cells"]}


@pytest.mark.slow
def test_two_runs_of_the_card_with_one_seed_give_identical_verdict_grids(tmp_path: Path) -> None:
    args = ["matrix", "--seed", "3", "--max-examples", "40", "--budget", "900", "-e", "mean", "-e", "perm-row",
            "-p", "linearity", "-p", "restriction-linearity", "-p", "set-semantics"]
    docs = []
    for run, jobs in enumerate(("2", "1")):  # one worker or two: a check's verdict does not depend on timing
        out = tmp_path / f"card{run}.json"
        result = CliRunner().invoke(main, [*args, "--jobs", jobs, "--json", str(out), "--findings",
                                           str(tmp_path / f"f{run}")])
        assert result.exit_code == 1, result.output  # perm-row breaks linearity, mean restriction-linearity
        docs.append(json.loads(out.read_text()))
    assert _grid(docs[0]) == _grid(docs[1])
    assert docs[0]["max_examples"] == 40
    assert not any(e["capped"] for c in docs[0]["cells"] for e in c["evidence"])  # the case count decided each


def _finding(domain: str, verdict: Verdict, cases: int, capped: bool = False) -> Finding:
    return Finding("linearity", {}, "mean", {}, domain, verdict, "random", 0, cases, capped=capped,
                   message=f"{verdict.value} on {domain}")


def _one_cell_card(*findings: Finding) -> ReportCard:
    cell = Cell("mean", "linearity", list(findings))
    return ReportCard(["mean"], ["linearity"], {("mean", "linearity"): cell}, seed=0, budget=10, max_examples=50)


def _terminal_text(card: ReportCard) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(terminal(card))
    return console.export_text()


def test_a_cell_with_a_domain_never_evaluated_is_never_a_plain_dot() -> None:
    card = _one_cell_card(_finding("circuit", Verdict.NOT_REFUTED, 50),
                          _finding("permanent", Verdict.INCONCLUSIVE, 0, capped=True))
    cell = card.cells[("mean", "linearity")]
    assert cell.verdict is Verdict.NOT_REFUTED and cell.weak and cell.cases == 50
    assert re.search(r"│mean\s*│\s*·\?\s*│", _terminal_text(card))
    strong = _one_cell_card(_finding("circuit", Verdict.NOT_REFUTED, 50), _finding("permanent", Verdict.NOT_REFUTED, 50))
    assert not strong.cells[("mean", "linearity")].weak
    assert re.search(r"│mean\s*│\s*·\s*│", _terminal_text(strong))


def test_no_check_of_the_card_may_run_past_its_own_cap_however_much_budget_is_left() -> None:
    import time
    from heurcheck.matrix import cap
    assert cap(time.monotonic() + 10**6, waiting=0, jobs=2, check_cap=600.0) == 600.0
    assert MatrixSettings().check_cap == 600.0 and MatrixSettings().budget >= 6 * 600.0  # safety caps, not deciders


def test_a_check_stopped_by_the_time_cap_makes_its_cell_weak_and_the_card_counts_it() -> None:
    card = _one_cell_card(_finding("circuit", Verdict.NOT_REFUTED, 12, capped=True))
    assert card.cells[("mean", "linearity")].weak and card.capped == 1
    assert "1 check(s) stopped by the time cap" in " ".join(_terminal_text(card).split())


def test_the_json_card_has_each_domains_verdict_engine_cases_and_cap() -> None:
    doc = _one_cell_card(_finding("circuit", Verdict.NOT_REFUTED, 50),
                         _finding("permanent", Verdict.INCONCLUSIVE, 0, capped=True)).to_json()
    [cell] = doc["cells"]
    assert cell["evidence"] == [
        {"domain": "circuit", "verdict": "not-refuted", "engine": "random", "cases": 50, "capped": False,
         "seconds": None},
        {"domain": "permanent", "verdict": "inconclusive", "engine": "random", "cases": 0, "capped": True,
         "seconds": None}]
    assert cell["cases"] == 50 and cell["weak"] is True and doc["max_examples"] == 50


def test_the_html_card_shows_each_cells_engine_case_count_and_weakness() -> None:
    page = html_page(_one_cell_card(_finding("circuit", Verdict.NOT_REFUTED, 50),
                                    _finding("permanent", Verdict.INCONCLUSIVE, 0, capped=True)))
    assert "random<br>50 cases" in page and "<b>weak</b>" in page
    assert "permanent: inconclusive by random, 0 cases, stopped by the time cap" in page


def test_the_cards_check_of_a_property_given_checks_case_count_is_the_very_search_check_runs(tmp_path: Path) -> None:
    settings = MatrixSettings(budget=900, jobs=1, max_examples=10, cases=(("respect-for-proofs", 60),),
                              estimators=("cumulant",), properties=("respect-for-proofs",), findings_dir=None)
    card = run_matrix(settings)
    assert card.cases_for == {"respect-for-proofs": 60}
    on_card = {f.domain: (f.verdict, f.cases, f.witness) for f in card.cells[("cumulant", "respect-for-proofs")].findings}
    checked = check(CheckRequest("cumulant", {}, ("respect-for-proofs",)),
                    CheckSettings(max_examples=60, budget=900, findings_dir=None))
    assert on_card == {f.domain: (f.verdict, f.cases, f.witness) for f in checked}
    assert all(f.max_examples == 60 for f in card.cells[("cumulant", "respect-for-proofs")].findings)


def test_a_card_read_back_from_its_json_renders_its_exact_numbers_in_html() -> None:
    # a card file is read with decimals as exact rationals: the renderer takes them as they come
    from fractions import Fraction

    violated = Finding(property="linearity", parameters={}, estimator="mean", options={}, domain="circuit",
                       verdict=Verdict.VIOLATED, engine="random", seed=0, cases=3, message="1/3 = 1/2 fails",
                       witness={"numbers": {"a": Fraction(1, 3)}},
                       observed={"lhs": {"value": Fraction(1, 3), "exact": "1/3"}, "rhs": Fraction(1, 2),
                                 "relation": "=", "violation": Fraction(1, 6), "tolerance": Fraction(1, 10**9)})
    page = html_page(ReportCard(["mean"], ["linearity"], {("mean", "linearity"): Cell("mean", "linearity", [violated])},
                                0, 60.0))
    assert "1/3 (= 0.3333333333)" in page and "&quot;a&quot;: &quot;1/3&quot;" in page


def test_a_card_refuses_a_row_given_twice_and_labels_an_unloadable_row_by_name_and_options() -> None:
    from heurcheck.errors import InvalidOption
    from heurcheck.matrix import _undecided

    with pytest.raises(InvalidOption, match="names the same estimator as -e 'cumulant:order=3'"):
        run_matrix(MatrixSettings(estimators=("cumulant:order=3", "cumulant order=3"), properties=("exactness",)))
    finding = _undecided("cumulant:order=3", "exactness", "none", 0, Verdict.ESTIMATOR_ERROR, "could not load")
    assert (finding.estimator, finding.options) == ("cumulant", {"order": "3"})
