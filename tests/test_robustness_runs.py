"""Whole runs: determinism across processes, the budget, Ctrl-C and SIGTERM, and a card over 50 estimators.

- the same --seed gives the same verdicts and counterexamples in two processes with different hash seeds;
- --budget is honoured within a few seconds, even by an estimator that hangs where no signal reaches;
- SIGINT or SIGTERM during `check` or `matrix` leaves a valid report on disk, marked partial, with every
  finding so far, and the command exits with status 130;
- a card over 50 registered estimators (slow and faulty ones included) ends within its budget and
  reports every pair.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from heurcheck.arguments import Arguments
from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.domains import load_instance
from heurcheck.estimators.registry import Registry
from heurcheck.findings import Verdict
from heurcheck.interrupt import checkpoint, stop_on_signals
from heurcheck.matrix import MatrixSettings, run_matrix
from heurcheck.properties.base import Call

import robustness_faults as faults  # the test estimators (tests/ is on sys.path, see conftest.py)

pytestmark = pytest.mark.slow  # the slow tier: `pytest -m "not slow"` leaves this module out

HERE = Path(__file__).resolve().parent
FAULTS = str(HERE / "robustness_faults.py")
SQUARE = HERE.parent / "examples" / "instances" / "square.json"
HEURCHECK = [sys.executable, "-c", "from heurcheck.cli import main; main()"]


def heurcheck(*args: str, hash_seed: str = "0") -> subprocess.Popen[str]:
    """`heurcheck ARGS` in a fresh interpreter, with its output unbuffered (read while it runs)."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([*HEURCHECK, *args], env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


# seconds a subprocess may take before a test calls it hung: a guard against a run that never ends, far
# above what any machine needs (tests assert on what the run reports, never on how long it took)
HANG_GUARD = 600.0


def finished(process: subprocess.Popen[str], timeout: float) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("args", [
    ("check", "mean", "-p", "restriction-linearity", "-p", "irrelevant-arguments", "-p", "set-semantics",
     "--max-examples", "100"),
    ("check", f"{FAULTS}:NoisyHalf", "-p", "restriction-linearity", "--max-examples", "30"),  # randomised, isolated
], ids=["mean", "randomised-plugin"])
def test_the_same_seed_gives_the_same_verdicts_and_witnesses_in_every_process(tmp_path: Path,
                                                                             args: tuple[str, ...]) -> None:
    reports = []
    for hash_seed in ("1", "2"):
        report = tmp_path / f"report-{hash_seed}.json"
        # the case counts end both runs, never the (generous) budget: a slower run gets the same cases
        process = heurcheck(*args, "--seed", "5", "--budget", "600", "--json", str(report),
                            "--findings", str(tmp_path / hash_seed), hash_seed=hash_seed)
        code, _, err = finished(process, 900)
        assert code in (0, 1), err
        reports.append(json.loads(report.read_text()))
    first, second = reports
    assert first["seed"] == second["seed"] == 5 and not first["partial"]
    assert all(f["seed"] == 5 for f in first["findings"])
    keys = ("property", "domain", "verdict", "witness", "observed", "p_value", "cases", "message")
    assert [[f[k] for k in keys] for f in first["findings"]] == [[f[k] for k in keys] for f in second["findings"]]
    assert any(f["witness"] for f in first["findings"]) or any(f["p_value"] for f in first["findings"])


# --------------------------------------------------------------------------- the budget


def test_the_budget_is_honoured_within_seconds_by_a_plugin_hanging_in_c_code(tmp_path: Path) -> None:
    process = heurcheck("check", f"{FAULTS}:HangsInC", "-p", "linearity", "--domain", "circuit", "--budget", "2",
                        "--call-timeout", "600", "--json", str(tmp_path / "report.json"),
                        "--findings", str(tmp_path / "findings"))
    # the regular expression backtracks for longer than the age of the universe: a budget not honoured never
    # ends, and the guard (far above any machine's slowness for a 2 s budget) turns that into a failure
    code, _, err = finished(process, HANG_GUARD)
    [f] = json.loads((tmp_path / "report.json").read_text())["findings"]
    assert code == 0 and f["verdict"] == "inconclusive" and "budget" in f["message"]


def test_the_budget_stops_an_in_process_hang_too() -> None:
    [f] = check(CheckRequest(f"{FAULTS}:Hangs", {}, ("linearity",), {}, "circuit"),
                CheckSettings(budget=1, findings_dir=None, call_timeout=600, isolate="never"))
    assert f.verdict is Verdict.INCONCLUSIVE and "budget" in f.message  # the hang alone lasts an hour


# --------------------------------------------------------------------------- interruption


def _wait_for(condition: Any, process: subprocess.Popen[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never got going"
        time.sleep(0.1)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_check_leaves_a_partial_report_with_every_finding_so_far(tmp_path: Path,
                                                                                signum: int) -> None:
    report, findings = tmp_path / "report.json", tmp_path / "findings"
    process = heurcheck("check", "mean", "-p", "restriction-linearity", "-p", "linearity", "--budget", "60",
                        "--json", str(report), "--findings", str(findings))
    lines: list[str] = []  # the verdicts as they are printed, each once its check (shrinking included) is over
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    # restriction-linearity fails at once on both domains; linearity then searches for a minute
    _wait_for(lambda: any(re.search(r"restriction-linearity\s+circuit", line) for line in lines), process, HANG_GUARD)
    time.sleep(1.0)
    process.send_signal(signum)
    code = process.wait(HANG_GUARD)  # a stop not honoured would run the linearity search to its budget or hang
    reader.join(60)
    out, err = "".join(lines), (process.stderr.read() if process.stderr else "")
    assert code == 130 and "Traceback" not in err, err
    doc = json.loads(report.read_text())
    assert doc["partial"] is True and doc["seed"] == 0
    verdicts = [(f["property"], f["domain"], f["verdict"], f["partial"]) for f in doc["findings"]]
    assert verdicts[:2] == [("restriction-linearity", "boolean", "violated", False),
                            ("restriction-linearity", "circuit", "violated", False)]
    assert verdicts[2][:2] == ("linearity", "circuit") and verdicts[2][3] is True
    assert "partial" in out


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_matrix_leaves_a_partial_card_with_every_finding_so_far(tmp_path: Path,
                                                                               signum: int) -> None:
    card, findings = tmp_path / "card.json", tmp_path / "findings"
    # a million cases a check: only the signal (or the cap) ends the linearity searches
    process = heurcheck("matrix", "-e", "mean", "-e", "exact", "-p", "restriction-linearity", "-p", "linearity",
                        "--budget", "120", "--max-examples", "1000000", "--json", str(card), "--markdown", str(tmp_path / "card.md"),
                        "--findings", str(findings))
    _wait_for(lambda: any(findings.glob("restriction-linearity--*.json")), process, HANG_GUARD)
    time.sleep(1.0)
    process.send_signal(signum)
    code, _, err = finished(process, HANG_GUARD)
    assert code == 130 and "Traceback" not in err, err
    doc = json.loads(card.read_text())
    assert doc["partial"] is True and doc["seed"] == 0
    cells = {(c["estimator"], c["property"]): c for c in doc["cells"]}
    assert set(cells) == {(e, p) for e in ("mean", "exact") for p in ("restriction-linearity", "linearity")}
    assert cells[("mean", "restriction-linearity")]["verdict"] == "violated"
    assert all(c["findings"] for c in cells.values())  # every cell says what happened to it
    assert any(f["partial"] for c in cells.values() for f in c["findings"])
    assert "(partial)" in (tmp_path / "card.md").read_text()


def test_a_check_stopped_after_its_first_violation_reports_that_violation_marked_partial(tmp_path: Path) -> None:
    [f] = check(CheckRequest(f"{FAULTS}:InterruptedAfterAViolation", {}, ("boundedness",)),
                CheckSettings(max_examples=50, budget=10, findings_dir=tmp_path, isolate="never"))
    assert f.verdict is Verdict.VIOLATED and f.partial and "interrupted" in f.message
    assert json.loads(json.dumps(f.to_json()))["observed"]["lhs"] == {"value": 2.0, "exact": None}  # as it was read


def test_an_interrupt_that_python_swallowed_is_raised_again_before_the_next_estimator_call() -> None:
    with stop_on_signals():
        try:  # as Python does with an exception raised in a gc callback or a __del__
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        except KeyboardInterrupt:
            pass
        with pytest.raises(KeyboardInterrupt):
            Call(Registry.default().create("mean"))(load_instance(SQUARE), Arguments())
    checkpoint()  # the request ends with the block


# --------------------------------------------------------------------------- load


def test_a_card_over_50_estimators_some_slow_some_faulty_ends_within_its_budget_and_reports_every_pair(
        tmp_path: Path) -> None:
    kinds = {faults.Correct: 35, faults.Slow: 5, faults.Raises: 2, faults.ReturnsNaN: 2, faults.Hangs: 2,
             faults.HangsInThread: 1, faults.AllocatesWithoutBound: 1, faults.CallsSysExit: 1,
             faults.CrashesWithOsExit: 1}
    registry = Registry()
    faulty = set()
    for base, count in kinds.items():
        for i in range(count):
            name = registry.register(type(f"{base.__name__}{i}", (base,),
                                          {"name": f"{base.name}-{i}", "faulty_domain": "boolean"}))
            if base not in (faults.Correct, faults.Slow):
                faulty.add(name)
    assert len(registry.names()) == 50
    # 20 cases end each check, not its share of the budget, which is generous so that a loaded machine gets
    # the same verdicts; a call timeout of 2 s stops the hangs and leaves a healthy call ample time
    budget = 300.0
    settings = MatrixSettings(budget=budget, max_examples=20, properties=("boundedness",), findings_dir=tmp_path,
                              call_timeout=2.0, memory_limit=256 * 2**20)
    card = run_matrix(settings, registry)
    assert not card.partial and len(card.cells) == 50
    for (name, _), cell in card.cells.items():
        [finding] = cell.findings
        expected = Verdict.ESTIMATOR_ERROR if name in faulty else Verdict.NOT_REFUTED
        assert finding.verdict is expected, (name, finding.message)
        assert name in faulty or "budget" not in finding.message, (name, finding.message)  # ended by its count
