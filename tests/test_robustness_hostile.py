"""Hostile plugins and hostile findings: a plugin that hangs, exits or crashes while it is imported or
built, one that starts processes, one that returns values that are not numbers; and findings, cards and
baselines that name code. The plugin runs in its worker process, from import to each call; a data file
never makes heurcheck import the code it names; nothing the tool started outlives it.

The commands run as subprocesses (`python -m heurcheck`), as a user would run them, with their output
sent to files: a process left holding a pipe would otherwise block the test instead of failing it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from heurcheck.arguments import Arguments
from heurcheck.cli import main
from heurcheck.domains import load_instance
from heurcheck.estimators.base import Estimate
from heurcheck.properties.base import Call, EstimatorFailure

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "instances"
BOOLEAN = str(EXAMPLES / "boolean-fanout.json")

FORKS = """
import os, time
class Estimator:
    name = "{name}"
    domains = frozenset({{"boolean"}})
    started = False
    def estimate(self, instance, arguments):
        if not Estimator.started:
            Estimator.started = True
            for _ in range(50):
                pid = os.fork()
                if pid == 0:
                    time.sleep(600)
                    os._exit(0)
                open(os.path.join(os.environ["HEURCHECK_TEST_PIDS"], str(pid)), "w").close()
        {then}
"""

PLUGINS = {
    "hang_at_import.py": "import time\ntime.sleep(3600)\n",
    "exit_at_import.py": "import sys\nsys.exit(7)\n",
    "hang_in_init.py": """
import time
class Estimator:
    name = "hang-in-init"
    domains = frozenset({"boolean"})
    def __init__(self):
        time.sleep(3600)
    def estimate(self, instance, arguments):
        return 0.5
""",
    "segfault_in_init.py": """
import ctypes
class Estimator:
    name = "segfault-in-init"
    domains = frozenset({"boolean"})
    def __init__(self):
        ctypes.string_at(0)
    def estimate(self, instance, arguments):
        return 0.5
""",
    # its answer is a float whose unpickling raises: the worker sends the plain float instead
    "raises_on_unpickle.py": """
def _refuse():
    raise RuntimeError("refusing to be unpickled")
class Sneaky(float):
    def __reduce__(self):
        return (_refuse, ())
class Estimator:
    name = "raises-on-unpickle"
    domains = frozenset({"boolean"})
    def estimate(self, instance, arguments):
        return Sneaky(0.5)
""",
    # forks 50 children that sleep for ten minutes, on its first call in each process, and records their ids
    "forks.py": FORKS.format(name="forks", then="return 0.5"),
    # the same, then hangs in the call: only stopping its worker ends it
    "forks_and_hangs.py": FORKS.format(name="forks-and-hangs", then="time.sleep(3600)"),
    # writes a marker file the moment it is imported
    "marker.py": """
import os
open(os.environ["HEURCHECK_TEST_MARKER"], "w").close()
class Estimator:
    name = "marker"
    domains = frozenset({"boolean"})
    def estimate(self, instance, arguments):
        return 0.5
""",
}

RETURNS = {  # what a plugin returns -> the estimator-error kind
    "nan": (float("nan"), "nan"), "infinity": (float("inf"), "nan"), "string": ("seven", "type"),
    "bool": (True, "type"), "huge-int": (10 ** 400, "nan"), "huge-fraction": (Fraction(10 ** 400, 3), "nan"),
    "huger-int": (10 ** 5000, "nan"), "nan-stderr": (Estimate(0.5, float("nan")), "nan"),
    "negative-stderr": (Estimate(0.5, -1.0), "nan"), "bool-stderr": (Estimate(0.5, True), "type"),
}


@pytest.fixture
def plugins(tmp_path: Path) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir()
    for name, source in PLUGINS.items():
        (folder / name).write_text(source)
    return folder


def heurcheck(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the command line in a subprocess; output goes to files (see the module's docstring)."""
    out, err = cwd / "stdout.txt", cwd / "stderr.txt"
    with out.open("w") as o, err.open("w") as e:
        code = subprocess.run([sys.executable, "-m", "heurcheck", *args], cwd=cwd, stdout=o, stderr=e,
                              env={**os.environ, **(env or {})}, timeout=600).returncode
    return code, out.read_text(), err.read_text()


def one_line_exit_2(code: int, err: str, *says: str) -> None:
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    for text in says:
        assert text in lines[0], lines[0]


# --------------------------------------------------------------------------- loading is as dangerous as calling


@pytest.mark.slow
@pytest.mark.parametrize(("plugin", "says"), [
    ("hang_at_import.py:Estimator", "took too long"),
    ("exit_at_import.py:Estimator", "SystemExit: 7"),
    ("hang_in_init.py:Estimator", "took too long"),
    ("segfault_in_init.py:Estimator", "SIGSEGV"),
])
def test_a_plugin_that_hangs_exits_or_crashes_while_loading_is_refused_in_one_line(plugins: Path, plugin: str,
                                                                                  says: str) -> None:
    for command in (["check", plugin, "-p", "boundedness"], ["estimate", plugin, BOOLEAN]):
        code, _, err = heurcheck([*command, "--call-timeout", "2"], plugins)
        one_line_exit_2(code, err, plugin, says)


@pytest.mark.slow
def test_a_report_card_with_plugins_that_cannot_load_shows_them_as_estimator_errors(plugins: Path) -> None:
    code, out, err = heurcheck(["matrix", "-e", "segfault_in_init.py:Estimator", "-e", "exit_at_import.py:Estimator",
                                "-e", "raises_on_unpickle.py:Estimator", "-p", "boundedness", "--budget", "4",
                                "--json", "card.json", "--findings", "found"], plugins)
    assert code == 1 and "Traceback" not in out + err, err
    cells = {c["estimator"]: c for c in json.loads((plugins / "card.json").read_text())["cells"]}
    assert cells["segfault_in_init.py:Estimator"]["verdict"] == "estimator-error"
    assert "SIGSEGV" in cells["segfault_in_init.py:Estimator"]["findings"][0]["message"]
    assert "SystemExit: 7" in cells["exit_at_import.py:Estimator"]["findings"][0]["message"]
    # a float subclass that refuses to be unpickled: its plain value crosses the pipe, and 1/2 is in [0, 1]
    assert cells["raises_on_unpickle.py:Estimator"]["verdict"] == "not-refuted"


def _running(pids: list[int]) -> list[int]:
    """The processes among `pids` that still exist and are not zombies (dead, waiting to be reaped)."""
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.append(pid)
    return alive


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("command", [
    ["check", "forks.py:Estimator", "-p", "boundedness", "--max-examples", "20"],
    ["matrix", "-e", "forks.py:Estimator", "-p", "boundedness", "--budget", "4"],
], ids=["check", "matrix"])
def test_no_process_a_plugin_started_outlives_the_command(plugins: Path, command: list[str]) -> None:
    pids = plugins / "pids"
    pids.mkdir()
    code, out, err = heurcheck([*command, "--findings", "found"], plugins, {"HEURCHECK_TEST_PIDS": str(pids)})
    started = [int(p.name) for p in pids.iterdir()]
    try:
        assert code == 0 and "Traceback" not in err, out + err
        assert len(started) >= 50  # the plugin did start its children
        assert _running(started) == []
    finally:
        for pid in _running(started):
            os.kill(pid, 9)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("command", [
    ["check", "forks_and_hangs.py:Estimator", "-p", "boundedness"],
    ["matrix", "-e", "forks_and_hangs.py:Estimator", "-p", "boundedness", "--budget", "600"],
], ids=["check", "matrix"])
def test_ctrl_c_during_a_hung_call_ends_the_plugins_processes_too(plugins: Path, command: list[str]) -> None:
    pids = plugins / "pids"
    pids.mkdir()
    with (plugins / "out.txt").open("w") as out:
        run = subprocess.Popen([sys.executable, "-m", "heurcheck", *command, "--call-timeout", "600",
                                "--findings", "found"], cwd=plugins, stdout=out, stderr=subprocess.STDOUT,
                               env={**os.environ, "HEURCHECK_TEST_PIDS": str(pids)})
        try:
            for _ in range(1200):  # until the plugin has started its 50 children (no bound on how long that takes)
                if len(list(pids.iterdir())) >= 50 or run.poll() is not None:
                    break
                time.sleep(0.25)
            run.send_signal(signal.SIGINT)
            code = run.wait(timeout=300)
        finally:
            run.kill()
    started = [int(p.name) for p in pids.iterdir()]
    try:
        assert code == 130 and len(started) == 50, (plugins / "out.txt").read_text()
        assert _running(started) == []
    finally:
        for pid in _running(started):
            os.kill(pid, 9)


# --------------------------------------------------------------------------- returned values


class Returns:
    name = "returns"
    domains = frozenset({"boolean"})

    def __init__(self, value: Any) -> None:
        self.value = value

    def estimate(self, instance: Any, arguments: Any) -> Any:
        return self.value


@pytest.mark.parametrize(("value", "kind"), RETURNS.values(), ids=RETURNS.keys())
def test_a_returned_value_that_is_not_a_finite_number_is_an_estimator_error(value: Any, kind: str) -> None:
    with pytest.raises(EstimatorFailure) as failure:
        Call(Returns(value))(load_instance(BOOLEAN), Arguments())
    assert failure.value.kind == kind and len(str(failure.value)) < 200


@pytest.mark.parametrize("value", [0.5, 1, Fraction(1, 3), Estimate(0.5, 0.01)], ids=repr)
def test_finite_numbers_are_accepted_as_they_are(value: Any) -> None:
    result = Call(Returns(value), exact=True)(load_instance(BOOLEAN), Arguments())
    expected = value if isinstance(value, Estimate) else Estimate(value)
    assert result == expected


ESTIMATE_FAULTS = {"float('nan')": "nan", "float('inf')": "nan", "'seven'": "type", "True": "type",
                   "__import__('sys').exit(0)": "SystemExit: 0", "__import__('ctypes').string_at(0)": "crashed"}


@pytest.mark.slow
@pytest.mark.parametrize(("expression", "says"), ESTIMATE_FAULTS.items(), ids=ESTIMATE_FAULTS.keys())
def test_estimate_reports_a_plugin_that_returns_no_number_or_dies_with_exit_one(tmp_path: Path, expression: str,
                                                                                 says: str) -> None:
    (tmp_path / "bad.py").write_text(f"class Bad:\n    name = 'bad'\n    domains = frozenset({{'boolean'}})\n"
                                     f"    def estimate(self, instance, arguments):\n        return {expression}\n")
    code, out, err = heurcheck(["estimate", "bad.py:Bad", BOOLEAN], tmp_path)
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and "Traceback" not in err and says in lines[0], err


# --------------------------------------------------------------------------- a finding is data


def _finding_naming(reference: str, folder: Path) -> Path:
    doc = {
        "schema": 1, "property": "boundedness", "parameters": {}, "estimator": reference, "options": {},
        "domain": "boolean", "verdict": "violated", "engine": "random", "seed": 0, "cases": 1,
        "witness": {"instances": {"Y": json.loads(Path(BOOLEAN).read_text())}, "arguments": {"Pi": []},
                    "numbers": {}},
        "observed": None, "worst": None, "route": None, "p_value": None, "message": "m", "command": "c",
        "partial": False, "tool": "0.1.0",
    }
    path = folder / "finding.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("relative", [True, False], ids=["relative", "absolute"])
def test_replay_imports_no_code_a_finding_names_unless_asked(plugins: Path, relative: bool,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    marker = plugins / "imported"
    monkeypatch.setenv("HEURCHECK_TEST_MARKER", str(marker))
    monkeypatch.chdir(plugins)
    reference = "marker.py:Estimator" if relative else f"{plugins / 'marker.py'}:Estimator"
    finding = _finding_naming(reference, plugins)
    result = CliRunner().invoke(main, ["replay", str(finding)])
    assert result.exit_code == 2 and not marker.exists()
    assert f"--estimator {reference}" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    named = CliRunner().invoke(main, ["replay", str(finding), "--estimator", reference])
    assert named.exit_code == 0 and "now holds" in named.stdout  # 1/2 is in [0, 1]
    assert marker.exists()  # imported because the user named it (in the worker process)


def test_a_module_reference_in_a_finding_is_not_imported_either(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "marker_module.py").write_text(PLUGINS["marker.py"])
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("HEURCHECK_TEST_MARKER", str(tmp_path / "imported"))
    result = CliRunner().invoke(main, ["replay", str(_finding_naming("marker_module:Estimator", tmp_path))])
    assert result.exit_code == 2 and "--estimator marker_module:Estimator" in result.stderr
    assert not (tmp_path / "imported").exists()


@pytest.mark.slow
def test_the_pytest_plugin_and_diff_import_no_code_that_findings_and_cards_name(plugins: Path) -> None:
    marker = plugins / "imported"
    env = {"HEURCHECK_TEST_MARKER": str(marker)}
    findings = plugins / "findings"
    findings.mkdir()
    _finding_naming("marker.py:Estimator", findings)
    card = {"schema": 1, "kind": "report-card", "tool": "0.1.0", "seed": 0, "budget": 10, "seconds": 1.0,
            "partial": False, "estimators": ["marker.py:Estimator"], "properties": ["boundedness"],
            "cells": [{"estimator": "marker.py:Estimator", "property": "boundedness", "verdict": "not-refuted",
                       "engine": "random", "skipped_domains": [],
                       "findings": [{**json.loads((findings / "finding.json").read_text()), "verdict": "not-refuted",
                                     "witness": None}]}]}
    (plugins / "card.json").write_text(json.dumps(card))
    (plugins / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    for args in (["--heurcheck-findings", "findings"], ["--heurcheck-baseline", "card.json"]):
        out = plugins / "pytest.txt"
        with out.open("w") as o:
            code = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args,
                                   "test_nothing.py"], cwd=plugins, stdout=o, stderr=subprocess.STDOUT,
                                  env={**os.environ, **env}, timeout=600).returncode
        text = out.read_text()
        assert code == 1 and "--heurcheck-allow-estimator marker.py:Estimator" in text, text
        assert not marker.exists()
    code, _, err = heurcheck(["diff", "card.json", "card.json"], plugins, env)
    assert code == 0 and not marker.exists(), err
