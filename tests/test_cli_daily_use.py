"""Daily use of the command line (issue 12, point 7), through click's runner: progress in a log, estimator
options and plugin names on the card, findings named by the plugin's name."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from heurcheck.cli import main
from heurcheck.cli.common import ProgressLines
from heurcheck.domains import Description, describe_instance, instance_from_json, load_instance
from heurcheck.errors import InvalidOption
from heurcheck.estimators.registry import parse_reference
from heurcheck.findings import Finding, Verdict
from heurcheck.jsonio import Node
from heurcheck.matrix import Cell, ReportCard
from heurcheck.report import html_page

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CLAMPED = f"{EXAMPLES / 'plugins' / 'clamped_mean.py'}:ClampedMean"
# a plugin whose every estimate is 2: boundedness (an estimate of a probability within [0, 1]) fails at once
TOO_BIG = ("class TooBig:\n    name = 'too-big'\n    domains = frozenset({'boolean'})\n"
           "    def estimate(self, instance, arguments):\n        return 2.0\n")


@pytest.fixture(autouse=True)
def _not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the environment says, the runner's streams are not a terminal (as in a CI log)."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)


def test_check_prints_a_plain_progress_line_at_each_checks_end_when_not_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "mean", "-p", "linearity", "--domain", "circuit",
                                       "--max-examples", "10", "--findings", str(tmp_path)])
    progress = [line.split("] ", 1)[1] for line in result.stderr.splitlines()]
    assert result.exit_code == 0, result.output
    assert progress[-1] == "check 1/1 ended: linearity on circuit: not-refuted"
    assert set(progress[:-1]) <= {"check 1/1: linearity on circuit"}  # the start line again if it ran 10 s


def test_matrix_prints_a_plain_progress_line_at_each_checks_end_when_not_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["matrix", "-e", "mean", "-p", "linearity", "--max-examples", "5",
                                       "--findings", str(tmp_path)])
    progress = [line.split("] ", 1)[1] for line in result.stderr.splitlines() if "checks done" in line]
    assert result.exit_code == 0, result.output
    total = len(progress)  # mean's linearity on each of its domains
    assert total >= 2 and [line.split(";")[0] for line in progress] == [f"{k}/{total} checks done"
                                                                        for k in range(1, total + 1)]
    assert all("last: mean / linearity / " in line for line in progress)


def test_progress_lines_repeat_the_latest_line_every_ten_seconds_and_not_sooner(
        capsys: pytest.CaptureFixture[str]) -> None:
    now = [0.0]
    lines = ProgressLines(live=False, clock=lambda: now[0])
    lines.show("check 1/3: linearity on circuit")  # a run that fails at once prints nothing before its error
    now[0] = 4.0
    lines.show("check 1/3 ended: linearity on circuit: not-refuted", now=True)  # a check's end: at once
    lines.show("check 2/3: boundedness on circuit")  # waits
    now[0] = 13.0
    lines.tick()  # 9 s after the last line printed: not yet
    now[0] = 14.5
    lines.tick()  # 10.5 s after: the latest line again
    assert capsys.readouterr().err.splitlines() == [
        "[    4 s] check 1/3 ended: linearity on circuit: not-refuted", "[   14 s] check 2/3: boundedness on circuit"]


def test_progress_lines_print_nothing_where_a_live_display_is_drawn(capsys: pytest.CaptureFixture[str]) -> None:
    lines = ProgressLines(live=True, clock=lambda: 100.0)
    lines.show("check 1/1", now=True)
    lines.tick()
    assert capsys.readouterr().err == ""


def test_an_estimator_with_options_is_read_after_a_colon_or_after_spaces() -> None:
    assert parse_reference("cumulant:order=3") == ("cumulant", {"order": "3"})
    assert parse_reference("my_est.py:Mine:low=0.1,high=2") == ("my_est.py:Mine", {"low": "0.1", "high": "2"})
    assert parse_reference("cumulant order=3 seed=1") == ("cumulant", {"order": "3", "seed": "1"})
    assert parse_reference("pkg.mod:Est") == ("pkg.mod:Est", {})
    for bad in ("order=3", ":order=3", "cumulant:order=3,x", "cumulant order"):
        with pytest.raises(InvalidOption, match="KEY=VALUE"):
            parse_reference(bad)


def test_matrix_takes_estimator_options_and_labels_the_row_with_them(tmp_path: Path) -> None:
    card = tmp_path / "card.json"
    result = CliRunner().invoke(main, ["matrix", "-e", "cumulant:order=3", "-e", "cumulant", "-p", "linearity",
                                       "--max-examples", "5", "--findings", str(tmp_path), "--json", str(card)],
                                env={"COLUMNS": "200"})
    doc = json.loads(card.read_text())
    assert result.exit_code == 0, result.output
    assert doc["labels"] == {"cumulant:order=3": "cumulant order=3", "cumulant": "cumulant"}
    options = {c["estimator"]: {json.dumps(f["options"]) for f in c["findings"]} for c in doc["cells"]}
    assert options == {"cumulant:order=3": {'{"order": "3"}'}, "cumulant": {"{}"}}
    assert any(line.startswith("│cumulant order=3 ") for line in result.stdout.splitlines())


def test_matrix_refuses_a_bad_estimator_option_in_one_line() -> None:
    result = CliRunner().invoke(main, ["matrix", "-e", "cumulant:order=x", "-p", "linearity"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: option order='x': expected")


def test_matrix_labels_a_plugin_row_by_its_name_and_keeps_its_path_in_the_json(tmp_path: Path) -> None:
    card = tmp_path / "card.json"
    result = CliRunner().invoke(main, ["matrix", "-e", f"{CLAMPED}:low=0.1", "-p", "boundedness", "--max-examples",
                                       "5", "--findings", str(tmp_path), "--json", str(card)], env={"COLUMNS": "200"})
    doc = json.loads(card.read_text())
    [cell] = doc["cells"]
    assert result.exit_code == 0, result.output
    assert doc["labels"] == {f"{CLAMPED}:low=0.1": "clamped-mean low=0.1"}
    assert {f["estimator"] for f in cell["findings"]} == {CLAMPED}  # the resolved file, for replay
    assert {f["estimator_name"] for f in cell["findings"]} == {"clamped-mean"}
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert [row.split("│")[1].strip() for row in rows] == ["clamped-mean low=0.1"]
    assert "clamped_mean.py" not in result.stdout


def test_a_findings_file_of_a_plugin_is_named_by_the_plugins_name(tmp_path: Path) -> None:
    (tmp_path / "too_big.py").write_text(TOO_BIG)
    findings = tmp_path / "findings"
    result = CliRunner().invoke(main, ["check", f"{tmp_path / 'too_big.py'}:TooBig", "-p", "boundedness",
                                       "--max-examples", "20", "--findings", str(findings)])
    [saved] = findings.iterdir()
    assert result.exit_code == 1, result.output
    assert saved.name.startswith("boundedness--too-big--") and saved.suffix == ".json"
    assert json.loads(saved.read_text())["estimator"] == f"{tmp_path / 'too_big.py'}:TooBig"


# --------------------------------------------------------------------------- the HTML card shows each witness readably


def _described(name: str) -> Description:
    x = load_instance(EXAMPLES / "instances" / f"{name}.json")
    described = describe_instance(x)
    assert described is not None
    return described


def test_each_domain_describes_its_instances_as_a_formula_and_tables() -> None:
    assert _described("square").lines == ("Y = E[((x + y)·x)²]", "x ~ N(1/2, 1)", "y ~ N(-1, 1/2)")
    assert _described("boolean-fanout").lines == ("Y = Pr[(a ∧ b) ⊕ (a ∨ b) = 1]", "a ~ Bernoulli(1/2)",
                                                  "b ~ Bernoulli(1/3)")
    assert _described("permanent-3x3").tables == (("A", (("1", "1/2", "0"), ("2", "-1", "1"), ("1/3", "1", "1"))),)
    hafnian = _described("hafnian-6-tree")
    assert hafnian.lines[1] == "product tree: (((Z_1·Z_2)·Z_3)·((Z_4·Z_5)·Z_6))" and hafnian.tables[0][0] == "Sigma"
    mlp = _described("mlp-relu-2-layer")
    assert mlp.lines[1] == "layers: 3 -> 2 relu -> 1 identity -> 1"
    assert [caption for caption, _ in mlp.tables] == ["W1", "b1 (then relu)", "W2", "b2 (then identity)", "readout"]


def test_a_long_shared_circuit_is_written_gate_by_gate() -> None:
    gates = [{"id": "g0", "op": "add", "args": ["x", "x"]}]
    gates += [{"id": f"g{k}", "op": "add", "args": [f"g{k - 1}", f"g{k - 1}"]} for k in range(1, 12)]
    doc = {"domain": "circuit", "inputs": [{"id": "x", "dist": "rademacher"}], "gates": gates, "output": "g11"}
    lines = describe_instance(instance_from_json(Node(doc))).lines
    assert lines[:3] == ("Y = E[g11], where", "g0 = x + x", "g1 = g0 + g0") and len(lines) == 14


def test_the_html_card_renders_a_circuit_witness_as_a_formula_with_its_arguments_as_text(tmp_path: Path) -> None:
    circuit = json.loads((EXAMPLES / "instances" / "negative-square.json").read_text())
    violated = Finding(property="respect-for-proofs", parameters={}, estimator="mean", options={}, domain="circuit",
                       verdict=Verdict.VIOLATED, engine="random", seed=0, cases=867, message="-175 >= 0 fails",
                       witness={"instances": {"Y": circuit}, "arguments": {"Pi": [{"kind": "nonneg", "wire": "Y"}]},
                                "numbers": {"form": 0}},
                       observed={"lhs": {"value": -175.0, "exact": "-175"}, "rhs": {"value": 0.0, "exact": "0"},
                                 "relation": ">=", "violation": 175.0, "tolerance": 1.76e-07, "size": 5},
                       saved_as="respect-for-proofs--mean--0123456789ab.json")
    card = ReportCard(["mean"], ["respect-for-proofs"],
                      {("mean", "respect-for-proofs"): Cell("mean", "respect-for-proofs", [violated])}, 0, 60.0,
                      findings_dir=str(tmp_path))
    page = html_page(card)
    assert "<div class='formula'>Y = E[1·((x0²)²)²]</div>" in page
    assert "x0 ~ Rademacher" in page and "<code>Pi = nonneg:Y; </code>" not in page
    assert "arguments: <code>Pi = nonneg:Y</code>" in page and "numbers: <code>form = 0</code>" in page
    assert f"Finding file: <code>{tmp_path / 'respect-for-proofs--mean--0123456789ab.json'}</code>" in page
    assert "<details><summary>the witness as JSON</summary>" in page  # the raw form, folded away


def test_the_html_card_of_matrix_shows_a_matrix_witness_as_a_table_and_its_finding_file(tmp_path: Path) -> None:
    page, card = tmp_path / "card.html", tmp_path / "card.json"
    findings = tmp_path / "findings"
    result = CliRunner().invoke(main, ["matrix", "-e", "perm-row", "-p", "linearity", "--max-examples", "60",
                                       "--findings", str(findings), "--html", str(page), "--json", str(card)])
    text = page.read_text()
    [path] = re.findall(r"Finding file: <code>([^<]*)</code>", text)
    assert result.exit_code == 1, result.output
    assert Path(html.unescape(path)).is_file() and Path(path).parent == findings
    assert "<table class='matrix'><caption>A</caption><tr><td>" in text and "Y = perm(A), A of order" in text
    # the card file rendered again (heurcheck card) names the same file: its name was recorded, not recomputed
    again = tmp_path / "again.html"
    rendered = CliRunner().invoke(main, ["card", str(card), "--html", str(again)])
    assert rendered.exit_code == 1, rendered.output
    assert re.findall(r"Finding file: <code>([^<]*)</code>", again.read_text()) == [path]


# --------------------------------------------------------------------------- the other bullets of point 7


@pytest.mark.parametrize("command", [["list"], ["estimate"], ["diff"], ["replay"], ["check"], ["matrix"], ["card"]])
def test_json_prints_one_object_or_names_a_file_and_says_why(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=400)
    [line] = [line for line in result.stdout.splitlines() if line.strip().startswith("--json")]
    assert result.exit_code == 0
    assert "Print one JSON object" in line or ("--json FILE" in line and "not stdout" in line), line


FLOAT_ROW = ("from heurcheck.estimators.permanent import RowEstimator\n\n\nclass FloatRow:\n"
             "    name = 'float-row'\n    domains = frozenset({'permanent'})\n"
             "    default_arguments = RowEstimator.default_arguments\n\n"
             "    def estimate(self, instance, arguments):\n"
             "        return float(RowEstimator().estimate(instance, arguments))\n")


def test_a_proof_on_a_float_plugin_says_within_tolerance_never_exactly(tmp_path: Path) -> None:
    (tmp_path / "float_row.py").write_text(FLOAT_ROW)
    result = CliRunner().invoke(main, ["check", f"{tmp_path / 'float_row.py'}:FloatRow", "-p", "accuracy",
                                       "--isolate", "never", "--findings", str(tmp_path / "f")],
                                env={"COLUMNS": "400"})
    [verdict] = [line for line in result.stdout.splitlines() if line.startswith("proved")]
    assert result.exit_code == 0, result.output
    assert "within tolerance" in verdict and "(float estimates)" in verdict and "exactly" not in verdict


def test_a_violation_shows_enough_digits_to_tell_its_sides_apart_and_its_sides_have_one_json_form(
        tmp_path: Path) -> None:
    (tmp_path / "just_over.py").write_text(TOO_BIG.replace("2.0", "1.000004").replace("TooBig", "JustOver"))
    result = CliRunner().invoke(main, ["check", f"{tmp_path / 'just_over.py'}:JustOver", "-p", "boundedness",
                                       "--isolate", "never", "--findings", str(tmp_path / "f"),
                                       "--json", str(tmp_path / "all.json")], env={"COLUMNS": "400"})
    [finding] = json.loads((tmp_path / "all.json").read_text())["findings"]
    assert result.exit_code == 1, result.output
    assert "1.000004 <= 1 fails by 4e-06" in result.stdout
    assert finding["observed"]["lhs"] == {"value": 1.000004, "exact": None}
    assert finding["observed"]["rhs"] == {"value": 1.0, "exact": "1"}


def test_estimate_and_check_take_the_estimators_options_as_matrix_does(tmp_path: Path) -> None:
    square = str(EXAMPLES / "instances" / "square.json")
    result = CliRunner().invoke(main, ["estimate", "cumulant:order=1", square, "--json"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and doc["options"] == {"order": "1"} and doc["estimate"] == 0.0625
    overridden = CliRunner().invoke(main, ["estimate", "cumulant:order=1", square, "-o", "order=2", "--json"])
    assert json.loads(overridden.stdout)["options"] == {"order": "2"}  # -o wins
    checked = CliRunner().invoke(main, ["check", "cumulant:order=3", "-p", "linearity", "--domain", "circuit",
                                        "--max-examples", "5", "--findings", str(tmp_path)], env={"COLUMNS": "400"})
    [rerun] = [line.strip() for line in checked.stdout.splitlines() if "rerun:" in line]
    assert checked.exit_code == 0, checked.output
    assert rerun.startswith("rerun: heurcheck check cumulant -p linearity --domain circuit -o order=3 ")


PROBE = """<script>window.addEventListener('load', () => { const d = document.createElement('pre');
d.id = 'probe'; d.textContent = 'WIDTH=' + document.documentElement.scrollWidth + ';';
document.body.appendChild(d); });</script>"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs a headless chromium to lay the page out")
def test_the_html_card_with_every_property_and_a_wide_witness_fits_1400_pixels(tmp_path: Path) -> None:
    from heurcheck.properties.registry import available

    wide = {"domain": "permanent", "matrix": [[1234567.891234567 + i + j for j in range(12)] for i in range(12)]}
    violated = Finding(property="linearity", parameters={}, estimator="perm-rowcol", options={}, domain="permanent",
                       verdict=Verdict.VIOLATED, engine="random", seed=0, cases=40, message="x" * 300,
                       witness={"instances": {"A": wide}, "arguments": {}, "numbers": {}},
                       observed={"lhs": {"value": 0.1, "exact": None}, "rhs": {"value": 0.2, "exact": None},
                                 "relation": "=", "violation": 0.1, "tolerance": 1e-9, "size": 10},
                       command="heurcheck check " + "-o option=value " * 30, saved_as="linearity--perm-rowcol.json")
    properties = list(available())
    estimators = ["exact", "sampling", "mean", "covariance", "cumulant", "perm-row", "perm-col", "perm-sum",
                  "perm-uniq", "perm-rowcol", "symmetrize"]
    cells = {(e, p): Cell(e, p, [violated] if p == "linearity" else []) for e in estimators for p in properties}
    text = html_page(ReportCard(estimators, properties, cells, 0, 600.0))
    assert "<td>1234567.891234567</td>" in text  # a witness of floats, as a run leaves it, is shown as a table
    page = tmp_path / "card.html"
    page.write_text(text.replace("</body>", PROBE + "</body>"))
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--window-size=1400,1000", "--dump-dom",
                          page.as_uri()], capture_output=True, text=True, timeout=300).stdout
    [width] = re.findall(r"WIDTH=(\d+);", dom)
    assert len(properties) >= 15 and int(width) <= 1400, width


def test_card_refuses_a_card_file_naming_a_cell_it_does_not_list_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "card.json"
    bad.write_text(json.dumps({"kind": "report-card", "schema": 1, "estimators": ["mean"], "properties": ["linearity"],
                               "cells": [{"estimator": "mean", "property": "linearty", "verdict": "violated"}],
                               "seed": 0, "budget": 1}))
    result = CliRunner().invoke(main, ["card", str(bad)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip() == (f"error: {bad}: field $.cells[0].property: expected a name the card lists, "
                                     f"got 'linearty'")
