"""The command line, through click's runner: output, JSON, and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from heurcheck.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SQUARE = str(EXAMPLES / "instances" / "square.json")
FANOUT = str(EXAMPLES / "instances" / "boolean-fanout.json")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_estimate_prints_the_estimate_truth_and_error() -> None:
    code, out, _ = run("estimate", "cumulant", SQUARE, "-o", "order=1", "--truth", "--exact")
    assert code == 0
    assert "1/16" in out and "51/16" in out and "-25/8" in out


def test_estimate_json_has_the_estimate_truth_and_error() -> None:
    code, out, _ = run("estimate", "mean", SQUARE, "-a", "keep:s,x", "--truth", "--json")
    doc = json.loads(out)
    assert code == 0
    assert (doc["estimate"], doc["truth"], doc["error"]) == (0.5625, 3.1875, -2.625)
    assert doc["arguments"] == [{"kind": "keep", "wires": ["s", "x"]}]


def test_a_randomised_estimator_reports_its_standard_error() -> None:
    code, out, _ = run("estimate", "sampling", FANOUT, "-o", "samples=4000", "-o", "seed=7", "--json")
    doc = json.loads(out)
    assert code == 0 and 0 < doc["stderr"] < 0.02


def test_list_json_names_every_builtin_estimator_and_domain() -> None:
    code, out, _ = run("list", "--json")
    doc = json.loads(out)
    names = {e["name"] for e in doc["estimators"]}
    assert code == 0
    assert {"exact", "sampling", "mean", "covariance", "cumulant", "perm-row", "perm-col", "perm-sum",
            "perm-uniq", "perm-rowcol", "symmetrize"} <= names
    assert not [e for e in doc["estimators"] if "error" in e]
    assert {d["name"] for d in doc["domains"]} == {"circuit", "boolean", "permanent", "hafnian", "mlp"}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("estimate", "cumulent", SQUARE), "Did you mean 'cumulant'"),
        (("estimate", "mean", "no-such-file.json"), "no-such-file.json"),
        (("estimate", "mean", SQUARE, "-a", "keep:s,nowhere"), "nowhere"),
        (("estimate", "mean", SQUARE, "-a", "row-sums"), "argument kind"),
        (("estimate", "cumulant", SQUARE, "-o", "order=x"), "order"),
        (("estimate", "perm-row", SQUARE), "does not handle 'circuit'"),
        (("estimate", "mean", SQUARE, "-a", "nonneg:s"), "does not check"),
    ],
)
def test_bad_input_exits_with_status_two_and_one_clear_line(args: tuple[str, ...], says: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert says in err
    assert "Traceback" not in err + out


def test_an_invalid_instance_file_exits_two_naming_the_field(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"domain": "circuit", "inputs": [{"id": "x", "dist": "gaussian", "mean": 0, "var": -1}],
                               "gates": [], "output": "x"}))
    code, _, err = run("estimate", "mean", str(bad))
    assert code == 2 and "var" in err and str(bad) in err


def test_a_failing_estimator_exits_one_without_a_traceback(tmp_path) -> None:
    plugin = tmp_path / "failing.py"
    plugin.write_text(
        "class Failing:\n    name = 'failing'\n    domains = frozenset({'circuit'})\n"
        "    def estimate(self, instance, arguments):\n        raise ArithmeticError('no luck')\n"
    )
    code, out, err = run("estimate", f"{plugin}:Failing", SQUARE)
    assert code == 1 and "no luck" in err and "Traceback" not in err + out


def test_the_single_file_plugin_example_runs_from_the_command_line() -> None:
    code, out, _ = run("estimate", f"{EXAMPLES / 'plugins' / 'clamped_mean.py'}:ClampedMean", FANOUT, "-o", "low=0.1")
    assert code == 0 and "0.6111" in out


def test_python_dash_m_heurcheck_runs_the_command_line():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "heurcheck", "list", "properties", "--json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "linearity" in done.stdout


@pytest.mark.parametrize("command", [["list"], ["estimate"], ["check"], ["matrix"], ["diff"], ["replay"],
                                     ["generate", "mlp"], ["explain"]])
def test_every_command_help_has_an_example(command: list[str]) -> None:
    code, out, _ = run(*command, "--help")
    assert code == 0
    example = out[out.index("Example"):]
    assert any(line.strip().startswith("heurcheck " + command[0]) for line in example.splitlines())


@pytest.mark.parametrize("command", ["estimate", "check", "matrix"])
def test_the_help_of_commands_taking_an_estimator_lists_the_accepted_forms(command: str) -> None:
    code, out, _ = run(command, "--help")
    text = " ".join(out.split())
    assert code == 0 and "module:attr" in text and "path/to/file.py:Class" in text and "built-in name" in text


def test_the_rerun_command_is_printed_on_one_line_whatever_the_terminal_width(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "mean", "-p", "linearity", "--domain", "circuit", "--max-examples",
                                       "30", "--findings", str(tmp_path)], terminal_width=60)
    [rerun] = [line for line in result.stdout.splitlines() if "rerun:" in line]
    assert rerun.strip().startswith("rerun: heurcheck check mean") and rerun.rstrip().endswith("--max-examples 30")


def test_a_check_where_nothing_applies_exits_two_saying_why() -> None:
    code, out, err = run("check", "perm-row", "-p", "boundedness")
    assert code == 2 and "Traceback" not in err + out
    assert err.strip() == ("error: nothing to check for estimator 'perm-row': boundedness on boolean: "
                           "perm-row does not handle the boolean domain")


def test_check_with_no_property_announces_its_checks_and_shares_one_budget(tmp_path: Path) -> None:
    code, out, err = run("check", "perm-row", "--max-examples", "5", "--findings", str(tmp_path / "f"),
                         "--json", str(tmp_path / "all.json"))
    doc = json.loads((tmp_path / "all.json").read_text())
    ran = [f for f in doc["findings"] if f["verdict"] != "not-applicable"]
    assert out.splitlines()[0] == f"running {len(ran)} check(s) of perm-row ({len({f['property'] for f in ran})} " \
                                  f"properties) within 120 s in all"
    assert code in (0, 1) and "Traceback" not in err
