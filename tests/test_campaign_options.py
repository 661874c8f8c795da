"""Estimator options in campaigns: each `-e` (a name with its options, 'cumulant:order=3') is a row whose
tasks hold the name and the options apart, with keys of their own; workers build the estimator with the
task's options; the card read from the journal has the rows and verdicts of the single-seed cards;
a resumed campaign runs no task twice, and a journal written before options reads as it did; a bad
option is refused in one line before any task runs."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from campaign_faults import InProcess
from heurcheck.campaign import CampaignSettings, card_from_journal, make_plan, read_results, run_campaign, run_task
from heurcheck.matrix import row_estimator
from heurcheck.cli import main
from heurcheck.errors import InvalidOption
from heurcheck.findings import Verdict
from heurcheck.matrix import Cell, MatrixSettings, ReportCard, run_matrix

# cumulant (order 3 by default) twice, once with its default given, and its order-1 truncation: on
# iterated estimation the default fails on permanents and the truncation on boolean circuits (seeds 0
# and 1, 10 cases), so a row that lost its options would show; 10 cases per domain take well under a second
ROWS = ("cumulant", "cumulant:order=3", "cumulant order=1")
PROPERTY = "iterated-estimation"
CASES = 10


def test_a_plan_gives_each_option_set_its_own_row_tasks_and_keys() -> None:
    plan = make_plan(ROWS, [PROPERTY], [(e, PROPERTY, "circuit") for e in ROWS], range(2), CASES, 10.0)
    assert plan.header()["estimators"] == list(ROWS)  # the rows as given, as on the single-seed card
    assert [(t.estimator, t.options) for t in plan.tasks[:3]] == [
        ("cumulant", ()), ("cumulant", (("order", "3"),)), ("cumulant", (("order", "1"),))]
    assert len({t.key for t in plan.tasks}) == len(plan.tasks) == 6
    assert row_estimator("my_est.py:Mine:low=0.1,high=2") == ("my_est.py:Mine", (("high", "2"), ("low", "0.1")))


@pytest.mark.parametrize("rows, message", [
    (("cumulant:order=3", "cumulant order=3"), "-e 'cumulant order=3' names the same estimator as -e 'cumulant:order=3'"),
    (("mean", "mean"), "-e 'mean' is given twice"),
])
def test_a_plan_refuses_two_rows_whose_tasks_would_share_keys(rows: tuple[str, ...], message: str) -> None:
    with pytest.raises(InvalidOption, match=message):
        make_plan(rows, [PROPERTY], [(e, PROPERTY, "circuit") for e in rows], range(1), CASES, 10.0)


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> tuple[CampaignSettings, ReportCard]:
    """A two-seed campaign of the three rows on the local pool."""
    settings = CampaignSettings(seeds=(0, 1), max_examples=CASES, estimators=ROWS, properties=(PROPERTY,),
                                journal=tmp_path_factory.mktemp("campaign") / "j.jsonl", jobs=2, findings_dir=None)
    return settings, run_campaign(settings)


def _domains(cell: Cell, seed: int) -> dict[str, tuple[Verdict, int]]:
    """Per domain, the verdict and case count of a cell's findings under `seed`."""
    return {f.domain: (f.verdict, f.cases) for f in cell.findings if f.seed == seed}


def test_a_local_campaign_with_options_gives_every_row_the_single_seed_cards_verdicts_per_seed(
        campaign: tuple[CampaignSettings, ReportCard]) -> None:
    settings, card = campaign
    assert card.estimators == list(ROWS) and card.tasks == (18, 18) and not card.partial
    for row in ROWS:  # each task's check ran the estimator with the task's options
        findings = card.cells[(row, PROPERTY)].findings
        assert {(f.estimator, tuple(sorted(f.options.items()))) for f in findings} == {row_estimator(row)}
    for seed in settings.seeds:
        single = run_matrix(MatrixSettings(seed=seed, jobs=1, max_examples=CASES, estimators=ROWS,
                                           properties=(PROPERTY,), findings_dir=None))
        assert single.labels() == card.labels() == {"cumulant": "cumulant", "cumulant:order=3": "cumulant order=3",
                                                    "cumulant order=1": "cumulant order=1"}
        for row in ROWS:
            one, many = single.cells[(row, PROPERTY)], card.cells[(row, PROPERTY)]
            assert many.seed_verdicts()[seed] is one.verdict
            ran = {f.domain: (f.verdict, f.cases) for f in one.findings}
            # the campaign runs every domain, the single card skips those after its pair is decided
            assert set(_domains(many, seed)) == set(ran) | set(one.skipped)
            assert ran.items() <= _domains(many, seed).items(), (row, seed)
        default, truncated = (_domains(card.cells[(row, PROPERTY)], seed) for row in ("cumulant", "cumulant order=1"))
        assert _domains(card.cells[("cumulant:order=3", PROPERTY)], seed) == default  # the default, given
        assert default["boolean"][0] is Verdict.NOT_REFUTED and truncated["boolean"][0] is Verdict.VIOLATED


def test_a_resumed_campaign_with_options_recognises_every_finished_task(
        campaign: tuple[CampaignSettings, ReportCard]) -> None:
    settings, card = campaign
    again = InProcess(runner=run_task)
    resumed = run_campaign(replace(settings, resume=True), executor=again)
    assert again.ran == [] and resumed.to_json()["cells"] == card.to_json()["cells"]


def test_an_interrupted_campaign_with_options_resumed_runs_each_task_once(tmp_path: Path) -> None:
    settings = CampaignSettings(seeds=(0, 1, 2), max_examples=3, estimators=ROWS, properties=(PROPERTY,),
                                journal=tmp_path / "j.jsonl", findings_dir=None)
    first, second = InProcess(stop_after=10), InProcess()
    assert run_campaign(settings, executor=first).partial
    card = run_campaign(replace(settings, resume=True), executor=second)
    assert set(first.ran).isdisjoint(second.ran) and len(first.ran) + len(second.ran) == card.tasks[1] == 27
    assert not card.partial and all(c.cases == 27 for c in card.cells.values())  # 3 domains x 3 seeds x 3 cases


def test_a_journal_whose_tasks_have_no_options_field_still_reads_and_resumes(tmp_path: Path) -> None:
    settings = CampaignSettings(seeds=(0, 1), max_examples=3, estimators=("cumulant", "mean"), properties=(PROPERTY,),
                                journal=tmp_path / "j.jsonl", findings_dir=None)
    card = run_campaign(settings, executor=InProcess())
    lines = settings.journal.read_text().splitlines()  # type: ignore[union-attr]
    old: list[Any] = [json.loads(line) for line in lines[1:]]
    for record in old:  # as a journal written before tasks held options might have them
        del record["task"]["options"]
    settings.journal.write_text("\n".join([lines[0], *map(json.dumps, old)]) + "\n")  # type: ignore[union-attr]
    assert card_from_journal(settings.journal).to_json()["cells"] == card.to_json()["cells"]  # type: ignore[arg-type]
    again = InProcess()
    run_campaign(replace(settings, resume=True), executor=again)
    assert again.ran == [] and len(list(read_results(settings.journal))) == len(old)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad, message", [
    ("cumulant:bogus=1", "'bogus'"),
    ("cumulant:order=three", "option order='three': expected a positive integer or 'inf'"),
])
def test_a_campaign_refuses_a_bad_option_in_one_line_before_any_task_runs(tmp_path: Path, bad: str,
                                                                         message: str) -> None:
    journal = tmp_path / "j.jsonl"
    result = CliRunner().invoke(main, ["matrix", "-e", "cumulant", "-e", bad, "-p", PROPERTY, "--seeds", "2",
                                       "--journal", str(journal), "--findings", str(tmp_path / "f")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    err = result.stderr.strip()
    assert err.count("\n") == 0 and err.startswith("error: ") and message in err
    assert not journal.exists() and not (tmp_path / "f").exists()
