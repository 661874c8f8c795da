"""Campaigns: tasks and their keys, the journal (torn lines, resume, another campaign's journal), the
executors' hard timeout and dead workers (with a stand-in runner), cards read from journals, the CLI's
errors. The runs of real checks under both executors are in test_campaign_runs.py."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from campaign_faults import DIE, HANG, InProcess, cheap, tasks
from heurcheck.campaign import (LocalExecutor, RunSettings, Task, TaskResult, card_from_journal, make_plan,
                                open_journal, parse_seeds, read_results)
from heurcheck.cli import run
from heurcheck.errors import InvalidJournal, InvalidOption
from heurcheck.findings import Verdict


def _plan(names: list[str], seeds: int = 1):  # type: ignore[no-untyped-def]
    return make_plan(names, ["linearity"], [(n, "linearity", "circuit") for n in names], range(seeds), 3, 10.0)


def test_a_tasks_key_names_what_decides_its_result_and_not_its_time_cap() -> None:
    t = Task("mean", "linearity", "circuit", 0, 100, budget=10.0)
    assert t.key == Task("mean", "linearity", "circuit", 0, 100, budget=99.0).key
    others = [Task("mean", "linearity", "circuit", 1, 100), Task("mean", "linearity", "circuit", 0, 101),
              Task("mean", "linearity", "permanent", 0, 100), Task("mean", "linearity", "circuit", 0, 100,
                                                                  options=(("order", "2"),))]
    assert len({t.key} | {o.key for o in others}) == 5


def test_seeds_are_a_count_a_range_or_a_list_and_anything_else_is_refused() -> None:
    assert parse_seeds("3") == (0, 1, 2)
    assert parse_seeds("4-6") == (4, 5, 6)
    assert parse_seeds("7,2,7") == (7, 2)
    for bad in ("0", "x", "5-2", "-1", ""):
        with pytest.raises(InvalidOption, match="--seeds"):
            parse_seeds(bad)


def _journal(tmp_path: Path, names: list[str], seeds: int = 1) -> Path:
    plan = _plan(names, seeds)
    path = tmp_path / "j.jsonl"
    writer, done = open_journal(path, plan, resume=False)
    assert done == set()
    with writer:
        for t in plan.tasks:
            writer.append(cheap(t, RunSettings()))
    return path


def test_a_torn_last_line_is_ignored_and_cut_off_when_the_journal_is_resumed(tmp_path: Path) -> None:
    path = _journal(tmp_path, ["a", "b"])
    whole = path.read_bytes()
    path.write_bytes(whole[: whole.rindex(b"\n", 0, len(whole) - 1) + 1] + b'{"kind":"task","key":"ab')  # b torn
    assert [r.task.estimator for r in read_results(path)] == ["a"]
    card = card_from_journal(path)
    assert card.partial and card.tasks == (1, 2)
    writer, done = open_journal(path, _plan(["a", "b"]), resume=True)
    writer.close()
    assert done == {_plan(["a"]).tasks[0].key}
    assert path.read_bytes().endswith(b"\n") and b'"key":"ab' not in path.read_bytes()


def test_a_journal_is_not_overwritten_and_not_resumed_for_another_campaign(tmp_path: Path) -> None:
    path = _journal(tmp_path, ["a"])
    with pytest.raises(InvalidJournal, match="--resume"):
        open_journal(path, _plan(["a"]), resume=False)
    with pytest.raises(InvalidJournal, match="another campaign.*seeds"):
        open_journal(path, _plan(["a"], seeds=2), resume=True)


def test_a_broken_line_inside_the_journal_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = _journal(tmp_path, ["a", "b"])
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + "{not json\n" + lines[2])
    with pytest.raises(InvalidJournal, match="line 2"):
        list(read_results(path))


def test_a_card_from_a_journal_aggregates_seeds_and_sums_their_cases(tmp_path: Path) -> None:
    path = _journal(tmp_path, ["a"], seeds=3)
    card = card_from_journal(path)
    cell = card.cells[("a", "linearity")]
    assert not card.partial and card.seeds == (0, 1, 2) and card.tasks == (3, 3)
    assert cell.verdict is Verdict.NOT_REFUTED and cell.cases == 9
    assert [s["seed"] for s in card.to_json()["cells"][0]["seeds"]] == [0, 1, 2]


@pytest.mark.slow  # it waits out a hard timeout
def test_the_local_pool_kills_a_task_past_its_timeout_records_a_dead_worker_and_runs_the_rest() -> None:
    results: list[TaskResult] = []
    work = tasks(["a", HANG, "b", DIE, "c", "d"])
    LocalExecutor(2, RunSettings(), timeout=3.0, runner=cheap).run(iter(work), results.append)
    status = {r.task.estimator: r.status for r in results}
    assert len(results) == len(work) and len({r.task.key for r in results}) == len(work)
    assert status == {"a": "done", HANG: "timeout", "b": "done", DIE: "worker-died", "c": "done", "d": "done"}
    died = next(r for r in results if r.status == "worker-died")
    assert "exit status 3" in died.message


def test_a_task_that_did_not_finish_is_an_inconclusive_finding_of_its_cell_never_a_pass(tmp_path: Path) -> None:
    plan = _plan(["a"])
    path = tmp_path / "j.jsonl"
    writer, _ = open_journal(path, plan, resume=False)
    with writer:
        writer.append(TaskResult(plan.tasks[0], "timeout", (), 3.0, "killed: past its hard timeout of 3 s"))
    cell = card_from_journal(path).cells[("a", "linearity")]
    assert cell.verdict is Verdict.INCONCLUSIVE and "timeout" in cell.findings[0].message


def test_the_card_command_renders_a_journal_and_names_a_bad_one(tmp_path: Path, capsys) -> None:
    path = _journal(tmp_path, ["a"], seeds=2)
    assert run(["card", str(path), "--json", str(tmp_path / "c.json")]) == 0
    assert json.loads((tmp_path / "c.json").read_text())["seeds"] == [0, 1]
    (tmp_path / "bad.jsonl").write_text("[1, 2]\n")
    capsys.readouterr()
    assert run(["card", str(tmp_path / "bad.jsonl")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "bad.jsonl" in err and "campaign header" in err


@pytest.mark.parametrize("args, message", [
    (["--resume"], "--journal"),
    (["--seeds", "x"], "--seeds 'x'"),
    (["--executor", "local", "--ray-address", "127.0.0.1:6379"], "--ray-address"),
])
def test_the_matrix_command_refuses_bad_campaign_options_in_one_line(args: list[str], message: str, capsys) -> None:
    assert run(["matrix", "-e", "perm-row", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err


def test_an_interrupted_campaign_resumed_runs_each_task_once_and_reports_its_progress(tmp_path: Path) -> None:
    from heurcheck.campaign import CampaignSettings, run_campaign

    settings = CampaignSettings(seeds=(0, 1, 2), max_examples=3, estimators=("perm-row",),
                                journal=tmp_path / "j.jsonl", findings_dir=None)
    seen = []
    first = InProcess(stop_after=7)
    card = run_campaign(settings, executor=first, progress=seen.append)
    total = seen[-1].total
    assert card.partial and card.tasks == (7, total) and [p.done for p in seen] == list(range(1, 8))
    second = InProcess()
    resumed = []
    card = run_campaign(replace(settings, resume=True), executor=second,
                        progress=resumed.append)
    assert not card.partial and card.tasks == (total, total)
    assert set(first.ran).isdisjoint(second.ran) and len(first.ran) + len(second.ran) == total
    assert resumed[0].resumed == 7 and resumed[-1].done == total and resumed[-1].failures == 0
    assert "tasks done (7 from the journal)" in resumed[-1].line()


def _resumable(tmp_path: Path, status: str):  # type: ignore[no-untyped-def]
    """A finished three-seed campaign's settings whose journal records the task of seed 1 as `status`."""
    from heurcheck.campaign import CampaignSettings, run_campaign

    settings = CampaignSettings(seeds=(0, 1, 2), max_examples=3, estimators=("perm-row",), properties=("linearity",),
                                journal=tmp_path / "j.jsonl", findings_dir=None)
    run_campaign(settings, executor=InProcess())
    lines = settings.journal.read_text().splitlines(keepends=True)  # type: ignore[union-attr]
    record = json.loads(lines[2])
    assert record["task"]["seed"] == 1
    record |= {"status": status, "findings": [], "message": "the worker process died"}
    rewritten = "".join(lines[:2]) + json.dumps(record) + "\n" + "".join(lines[3:])
    settings.journal.write_text(rewritten)  # type: ignore[union-attr]
    return settings, record["key"]


def test_a_resumed_campaign_runs_a_task_whose_worker_died_again_and_the_card_counts_it_once(tmp_path: Path) -> None:
    from heurcheck.campaign import run_campaign

    settings, died = _resumable(tmp_path, "worker-died")
    before = card_from_journal(settings.journal)  # type: ignore[arg-type]
    assert before.cells[("perm-row", "linearity")].seed_verdicts()[1] is Verdict.INCONCLUSIVE
    again = InProcess()
    card = run_campaign(replace(settings, resume=True), executor=again)
    assert again.ran == [died]  # exactly that task
    records = [r.task.key for r in read_results(settings.journal)]  # type: ignore[arg-type]
    assert records.count(died) == 2 and len(records) == 4  # the journal is append-only: the newer record supersedes
    cell = card.cells[("perm-row", "linearity")]
    assert card.tasks == (3, 3) and not card.partial
    assert [f.seed for f in cell.findings] == [0, 1, 2]
    assert set(cell.seed_verdicts().values()) == {Verdict.NOT_REFUTED}
    assert cell.cases == 9 and [s["seed"] for s in card.to_json()["cells"][0]["seeds"]] == [0, 1, 2]


def test_a_timed_out_task_is_run_again_only_with_retry_timeouts(tmp_path: Path) -> None:
    from heurcheck.campaign import run_campaign

    settings, timed_out = _resumable(tmp_path, "timeout")
    kept = InProcess()
    card = run_campaign(replace(settings, resume=True), executor=kept)
    assert kept.ran == [] and card.cells[("perm-row", "linearity")].seed_verdicts()[1] is Verdict.INCONCLUSIVE
    retried = InProcess()
    card = run_campaign(replace(settings, resume=True, retry_timeouts=True), executor=retried)
    assert retried.ran == [timed_out]
    assert set(card.cells[("perm-row", "linearity")].seed_verdicts().values()) == {Verdict.NOT_REFUTED}
    assert card.tasks == (3, 3) and card.cells[("perm-row", "linearity")].cases == 9


def test_retry_timeouts_without_resume_is_refused_in_one_line(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["matrix", "-e", "perm-row", "--retry-timeouts"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--retry-timeouts" in err and "--resume" in err


def test_a_reference_is_part_of_a_tasks_key_and_of_its_journal_record() -> None:
    from heurcheck.campaign.tasks import task_from_json
    from heurcheck.jsonio import Node

    plain = Task("mean", "linearity", "circuit", 0, 100)
    against = replace(plain, against="cumulant order=2")
    assert len({plain.key, against.key, replace(plain, against="mean").key}) == 3
    assert "against" not in plain.to_json()
    for t in (plain, against):
        assert task_from_json(Node(json.loads(json.dumps(t.to_json())), "$", InvalidJournal)) == t


def test_a_campaign_against_a_reference_checks_every_task_against_it_and_its_card_says_so(tmp_path: Path) -> None:
    from rich.console import Console

    from heurcheck.campaign import CampaignSettings, run_campaign
    from heurcheck.report import terminal

    settings = CampaignSettings(seeds=(0, 1), max_examples=30, estimators=("mean",),
                                properties=("restriction-linearity",), against="mean", journal=tmp_path / "j.jsonl",
                                jobs=1, findings_dir=None)
    card = run_campaign(settings)  # the local executor
    records = list(read_results(tmp_path / "j.jsonl"))
    assert records and {r.task.against for r in records} == {"mean"} and {r.status for r in records} == {"done"}
    assert all(f.against is not None and f.against["reference"] == "mean" for r in records for f in r.findings)
    cell = card.cells[("mean", "restriction-linearity")]
    assert card.against == "mean" and card.to_json()["against"] == "mean"
    assert cell.verdict is Verdict.SHARED and set(cell.seed_verdicts()) == {0, 1}  # mean shares its own violations
    console = Console(width=200, record=True)
    console.print(terminal(card_from_journal(tmp_path / "j.jsonl")))
    assert "against mean" in console.export_text()
    with pytest.raises(InvalidJournal, match="another campaign.*against 'mean' in the journal, None"):
        run_campaign(replace(settings, against=None, resume=True))


@pytest.fixture(scope="module")
def mean_breaks_restriction_linearity():  # type: ignore[no-untyped-def]
    """A real finding: mean propagation breaking restriction linearity on a boolean circuit."""
    from heurcheck.checker import CheckRequest, CheckSettings, check

    [found] = check(CheckRequest("mean", {}, ("restriction-linearity",), {}, "boolean"),
                    CheckSettings(max_examples=100, findings_dir=None))
    assert found.verdict is Verdict.VIOLATED and found.witness is not None
    return found


def _seeded_card(tmp_path: Path, name: str, violated_on: set[int], violation) -> str:  # type: ignore[no-untyped-def]
    """The JSON card of a three-seed campaign of mean / restriction-linearity on boolean circuits, violated
    (by the real finding `violation`) on the seeds `violated_on` and not refuted on the others."""
    plan = make_plan(["mean"], ["restriction-linearity"], [("mean", "restriction-linearity", "boolean")], range(3), 3,
                     10.0)
    journal = tmp_path / f"{name}.jsonl"
    writer, _ = open_journal(journal, plan, resume=False)
    with writer:
        for t in plan.tasks:
            found = replace(violation, seed=t.seed) if t.seed in violated_on else \
                replace(violation, seed=t.seed, verdict=Verdict.NOT_REFUTED, witness=None, observed=None)
            writer.append(TaskResult(t, "done", (found,), 1.0))
    path = tmp_path / f"{name}.json"
    assert run(["card", str(journal), "--json", str(path)]) == 1
    return str(path)


def test_diff_of_multi_seed_cards_reports_a_violation_lost_on_one_seed_that_the_aggregate_hides(
        tmp_path: Path, mean_breaks_restriction_linearity, capsys) -> None:  # type: ignore[no-untyped-def]
    old = _seeded_card(tmp_path, "old", {0, 1}, mean_breaks_restriction_linearity)
    new = _seeded_card(tmp_path, "new", {0, 2}, mean_breaks_restriction_linearity)
    for card in (old, new):  # the aggregate is the same: violated
        assert json.loads(Path(card).read_text())["cells"][0]["verdict"] == "violated"
    capsys.readouterr()
    assert run(["diff", old, new, "--json"]) == 1  # a regression: seed 1 lost its violation
    doc = json.loads(capsys.readouterr().out)
    [lost] = doc["lost_evidence"]
    assert lost.startswith("mean / restriction-linearity seed 1: violated -> not-refuted; lost evidence: "
                           "the old witness still fails")
    assert doc["new_violations"] == ["mean / restriction-linearity seed 2: not-refuted -> violated"]
    assert doc["fixed"] == doc["weaker"] == doc["only_in_one"] == []
    assert run(["diff", old, old]) == 0 and "no differences" in capsys.readouterr().out


def test_diff_of_cards_over_other_seeds_names_the_seeds_only_one_card_ran(
        tmp_path: Path, mean_breaks_restriction_linearity, capsys) -> None:  # type: ignore[no-untyped-def]
    old = _seeded_card(tmp_path, "old", {0}, mean_breaks_restriction_linearity)
    doc = json.loads(Path(old).read_text())
    cell = doc["cells"][0]
    cell["seeds"] = [s for s in cell["seeds"] if s["seed"] != 2]
    cell["findings"] = [f for f in cell["findings"] if f["seed"] != 2]
    fewer = tmp_path / "fewer.json"
    fewer.write_text(json.dumps(doc))
    capsys.readouterr()
    assert run(["diff", old, str(fewer), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["only_in_one"] == [
        "mean / restriction-linearity seed 2: only in the old card"]
