"""Bad input: every file reader, fuzzed. Any bytes or JSON in gives a valid object or one of heurcheck's
own errors (a HeurcheckError naming the file and the field), never another exception; on the command
line a malformed file gives exit status 2 and one message, never a traceback.

Readers: instance files (`domains.load_instance`), argument atoms (`arguments_from_json` and the
command-line text form `parse_atom`), findings (`findings.finding_from_json`, `replay.load_finding`,
`replay.replay`), report cards (`diff.load_card`, `pytest_plugin.load_baseline`). heurcheck reads no
other files (it has no settings file: settings come from the command line). FUZZ_EXAMPLES=N in the
environment fuzzes deeper than the suite's default (e.g. 1500 cases per reader).
"""

from __future__ import annotations

import copy
import os
import re
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heurcheck import jsonio
from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.cli import main
from heurcheck.diff import load_card
from heurcheck.domains import arguments_from_json, domain_names, load_instance, parse_atom
from heurcheck.errors import HeurcheckError
from heurcheck.findings import Verdict, finding_from_json
from heurcheck.jsonio import Node
from heurcheck.pytest_plugin import load_baseline
from heurcheck.replay import load_finding, replay

pytestmark = pytest.mark.slow  # the slow tier: `pytest -m "not slow"` leaves this module out

INSTANCES = sorted((Path(__file__).resolve().parent.parent / "examples" / "instances").glob("*.json"))
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)), deadline=None, suppress_health_check=[HealthCheck.too_slow])

WITNESS = {"instances": {"Y": json.loads(INSTANCES[0].read_text())}, "arguments": {"Pi": []},
           "numbers": {"input": 0}}
FINDING = {
    "schema": 1, "property": "restriction-linearity", "parameters": {}, "estimator": "mean", "options": {},
    "domain": "boolean", "verdict": "violated", "engine": "random", "seed": 0, "cases": 3, "witness": WITNESS,
    "observed": {"lhs": 0.25, "rhs": 0.5, "violation": 0.25, "tolerance": 1e-9, "size": 4}, "worst": None,
    "route": None, "p_value": None, "message": "m", "command": "heurcheck check mean", "partial": False,
    "tool": "0.1.0",
}
CARD = {"schema": 1, "kind": "report-card", "tool": "0.1.0", "seed": 0, "budget": 10, "seconds": 1.0,
        "partial": False, "estimators": ["mean"], "properties": ["restriction-linearity"],
        "cells": [{"estimator": "mean", "property": "restriction-linearity", "verdict": "violated",
                   "engine": "random", "skipped_domains": [], "findings": [FINDING]}]}
ATOMS = {
    "circuit": [[{"kind": "keep", "wires": ["x", "s"]}, {"kind": "order", "order": 3},
                 {"kind": "reveal", "input": "x", "value": "1/2"}]],
    "boolean": [[{"kind": "reveal", "input": "a", "value": 1}]],
    "permanent": [[{"kind": "row-sums"}, {"kind": "col-sums"}]],
    "hafnian": [[]],
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | st.sampled_from(["1/0", "1e999999999", "-0", "x", "p/q", "", "circuit", "Y"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """`document` with one to three edits, each at a random place: a value replaced, a key removed or
    added, a list item dropped or duplicated."""
    doc = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        doc = _edit(draw, doc)
    return doc


def _edit(draw: st.DrawFn, node: Any) -> Any:
    if isinstance(node, dict) and node and draw(st.integers(0, 3)):
        key = draw(st.sampled_from(sorted(node)))
        action = draw(st.sampled_from(["descend", "descend", "delete", "add"]))
        if action == "delete":
            return {k: v for k, v in node.items() if k != key}
        if action == "add":
            return {**node, draw(st.text(max_size=8)): draw(json_values)}
        return {**node, key: _edit(draw, node[key])}
    if isinstance(node, list) and node and draw(st.integers(0, 3)):
        i = draw(st.integers(0, len(node) - 1))
        action = draw(st.sampled_from(["descend", "descend", "drop", "duplicate"]))
        if action == "drop":
            return node[:i] + node[i + 1:]
        if action == "duplicate":
            return node[:i + 1] + node[i:]
        return node[:i] + [_edit(draw, node[i])] + node[i + 1:]
    return draw(json_values)


def _text(document: Any, cut: float | None) -> str:
    text = json.dumps(document)
    return text if cut is None else text[: int(len(text) * cut)]  # a truncated file


def reads_or_refuses(reader: Callable[[], Any]) -> None:
    """The reader returns (a valid object) or raises a HeurcheckError; anything else fails the test."""
    try:
        reader()
    except HeurcheckError as exc:
        assert str(exc).strip(), "an error with no message"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def written(folder: Path, content: str | bytes) -> Path:
    path = folder / "input.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return path


FILE_READERS = {"instance": load_instance, "finding": load_finding, "card": load_card, "baseline": load_baseline}


@pytest.mark.parametrize("reader", FILE_READERS.values(), ids=FILE_READERS.keys())
@FUZZ
@given(content=st.binary(max_size=300) | json_values.map(json.dumps))
def test_every_file_reader_refuses_arbitrary_bytes_and_json_with_its_own_error(folder: Path, reader: Any,
                                                                              content: Any) -> None:
    reads_or_refuses(lambda: reader(written(folder, content)))


@FUZZ
@given(data=st.data(), cut=st.none() | st.floats(0, 1))
def test_mutated_and_truncated_instance_files_load_or_are_refused(folder: Path, data: st.DataObject,
                                                                  cut: float | None) -> None:
    original = json.loads(data.draw(st.sampled_from(INSTANCES)).read_text())
    reads_or_refuses(lambda: load_instance(written(folder, _text(data.draw(mutated(original)), cut))))


@pytest.mark.parametrize("domain", sorted(ATOMS))
@FUZZ
@given(data=st.data())
def test_mutated_argument_lists_parse_or_are_refused(domain: str, data: st.DataObject) -> None:
    document = data.draw(st.sampled_from(ATOMS[domain]).flatmap(mutated) | json_values)
    reads_or_refuses(lambda: arguments_from_json(domain, Node(document, "$.Pi")))


@FUZZ
@given(domain=st.sampled_from(domain_names()),
       text=st.text(max_size=30) | st.sampled_from(["reveal:x=1e999999999", "order:999999999999", "keep:",
                                                   "reveal:=1", "constant:g=2", "keep:a,,b", "order:-1"]))
def test_command_line_arguments_parse_or_are_refused(domain: str, text: str) -> None:
    reads_or_refuses(lambda: parse_atom(domain, text))


@pytest.fixture(scope="module")
def findings() -> list[dict[str, Any]]:
    """Findings as `heurcheck check` writes them, on three domains (the seeds of the finding fuzzers;
    made before the fuzzers run, since a check runs Hypothesis itself)."""
    out = [FINDING]
    for estimator, prop, domain in [("mean", "restriction-linearity", "circuit"),
                                    ("perm-rowcol", "iterated-estimation", "permanent"),
                                    ("perm-row", "linearity", "permanent")]:
        [found] = check(CheckRequest(estimator, {}, (prop,), {}, domain),
                        CheckSettings(max_examples=200, budget=10, findings_dir=None))
        assert found.verdict is Verdict.VIOLATED
        out.append(json.loads(json.dumps(found.to_json())))
    return out


@FUZZ
@given(data=st.data(), cut=st.none() | st.floats(0, 1))
def test_mutated_and_truncated_findings_load_or_are_refused(folder: Path, findings: list[dict[str, Any]],
                                                            data: st.DataObject, cut: float | None) -> None:
    document = data.draw(st.sampled_from(findings).flatmap(mutated))
    reads_or_refuses(lambda: finding_from_json(document))
    reads_or_refuses(lambda: load_finding(written(folder, _text(document, cut))))


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 40)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_replaying_a_mutated_finding_gives_a_result_or_heurchecks_own_error(folder: Path,
                                                                           findings: list[dict[str, Any]],
                                                                           data: st.DataObject) -> None:
    document = data.draw(st.sampled_from(findings).flatmap(mutated))
    reads_or_refuses(lambda: replay(load_finding(written(folder, json.dumps(document)))))


@pytest.mark.parametrize("reader", [load_card, load_baseline], ids=["diff", "baseline"])
@FUZZ
@given(document=mutated(CARD), cut=st.none() | st.floats(0, 1))
def test_mutated_and_truncated_report_cards_load_or_are_refused(folder: Path, reader: Any, document: Any,
                                                               cut: float | None) -> None:
    reads_or_refuses(lambda: reader(written(folder, _text(document, cut))))


def test_the_valid_seeds_of_the_fuzzers_read_back(findings: list[dict[str, Any]]) -> None:
    for document in findings:
        assert replay(finding_from_json(document)).still_fails
    for domain, [atoms] in ATOMS.items():
        arguments_from_json(domain, Node(atoms))
    for path in INSTANCES:
        load_instance(path)


def _special_files(folder: Path) -> dict[str, Path]:
    """A FIFO with no writer (reading it would wait for ever), endless devices, a directory."""
    fifo = folder / "fifo.json"
    if not fifo.exists():
        os.mkfifo(fifo)
    return {"fifo": fifo, "zero": Path("/dev/zero"), "urandom": Path("/dev/urandom"), "directory": folder}


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="POSIX special files")
@pytest.mark.parametrize("reader", FILE_READERS.values(), ids=FILE_READERS.keys())
@pytest.mark.parametrize("special", ["fifo", "zero", "urandom", "directory"])
def test_every_file_reader_refuses_a_file_that_is_not_regular_before_reading_it(folder: Path, reader: Any,
                                                                                special: str) -> None:
    path = _special_files(folder)[special]
    with pytest.raises(HeurcheckError, match="not a regular file") as refused:
        reader(path)
    assert str(path) in str(refused.value)


@pytest.mark.parametrize("reader", FILE_READERS.values(), ids=FILE_READERS.keys())
def test_every_file_reader_stops_at_the_size_limit_which_the_environment_sets(folder: Path, reader: Any,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = written(folder, json.dumps({"padding": "x" * 500}))
    monkeypatch.setenv(jsonio.LIMIT_VARIABLE, "200")
    with pytest.raises(HeurcheckError, match=f"{path}.*more than the limit of 200"):
        reader(path)
    monkeypatch.setenv(jsonio.LIMIT_VARIABLE, "lots")
    with pytest.raises(HeurcheckError, match="HEURCHECK_MAX_FILE_BYTES='lots'"):
        reader(path)
    monkeypatch.delenv(jsonio.LIMIT_VARIABLE)
    assert jsonio.max_document_bytes() == 64 * 2**20  # the default


def test_a_huge_exponent_is_refused_at_once_not_computed(folder: Path) -> None:
    path = written(folder, '{"domain": "permanent", "matrix": [[1e999999999]]}')
    with pytest.raises(HeurcheckError, match="exponent"):
        load_instance(path)


def test_an_oversized_file_is_refused_before_it_is_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonio, "MAX_DOCUMENT_BYTES", 100)
    path = written(folder, json.dumps({"domain": "circuit", "inputs": [], "gates": [], "output": "x" * 200}))
    with pytest.raises(HeurcheckError, match=f"{path}.*more than the limit of 100"):
        load_instance(path)


# --------------------------------------------------------------------------- the command line


def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (a malformed file, what its message must name besides the file)."""
    def put(name: str, text: str | bytes) -> Path:
        path = folder / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return path

    square = json.loads(INSTANCES[-1].read_text())
    return {
        "truncated": (put("truncated.json", json.dumps(square)[:40]), "not valid JSON"),
        "binary": (put("binary.json", b"\x00\xff\xfe garbage"), "cannot read"),
        "wrong-type": (put("wrong-type.json", json.dumps({**square, "gates": "many"})), "$.gates"),
        "hostile-number": (put("hostile.json", '{"domain": "permanent", "matrix": [[1e999999999]]}'), "exponent"),
        "not-an-object": (put("list.json", "[1, 2, 3]"), "expected"),
    }


def _exits_2_with_one_message(args: list[str], *names: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for name in names:
        assert name in lines[0], (name, lines[0])


@pytest.mark.parametrize("case", ["truncated", "binary", "wrong-type", "hostile-number", "not-an-object"])
def test_a_malformed_instance_file_exits_2_with_one_message_naming_the_file(tmp_path: Path, case: str) -> None:
    path, says = _bad_files(tmp_path)[case]
    _exits_2_with_one_message(["estimate", "mean", str(path)], str(path), says)


@pytest.mark.parametrize("case", ["truncated", "binary", "wrong-type", "not-an-object"])
def test_a_malformed_finding_exits_2_with_one_message_naming_the_file(tmp_path: Path, case: str) -> None:
    path, _ = _bad_files(tmp_path)[case]
    _exits_2_with_one_message(["replay", str(path)], str(path))


def test_a_finding_whose_witness_is_malformed_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "finding.json"
    path.write_text(json.dumps({**FINDING, "witness": {**WITNESS, "numbers": {"input": "seven"}}}))
    _exits_2_with_one_message(["replay", str(path)], str(path), "$.witness.numbers.input", "seven")


@pytest.mark.parametrize("case", ["truncated", "binary", "not-an-object"])
def test_a_malformed_report_card_exits_2_with_one_message_naming_the_file(tmp_path: Path, case: str) -> None:
    path, _ = _bad_files(tmp_path)[case]
    good = tmp_path / "good.json"
    good.write_text(json.dumps(CARD))
    _exits_2_with_one_message(["diff", str(good), str(path)], str(path))


def test_a_report_card_with_a_wrong_field_names_the_file_the_field_and_the_value(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    path.write_text(json.dumps({**CARD, "cells": [{**CARD["cells"][0], "verdict": "great"}]}))
    _exits_2_with_one_message(["diff", str(path), str(path)], str(path), "$.cells[0].verdict", "great")


def test_a_malformed_command_line_argument_exits_2_with_one_message(tmp_path: Path) -> None:
    _exits_2_with_one_message(["estimate", "mean", str(INSTANCES[-1]), "-a", "reveal:x=1e999999999"],
                              "reveal:WIRE=NUMBER")


def test_no_input_reaches_eval_exec_pickle_or_sympify() -> None:
    """A static guard: the package parses input with its own readers only. (The isolation worker pickles
    instances between heurcheck's own processes, and plugins are imported as the code they are.)"""
    source = Path(__file__).resolve().parent.parent / "src" / "heurcheck"
    banned = re.compile(r"(?<![.\w])(eval|exec)\(|sympify|parse_expr|literal_eval|pickle\.loads?\(|marshal\.load|"
                        r"yaml\.load|\bS\(")
    offenders = [f"{path.name}:{n}" for path in source.rglob("*.py")
                 for n, line in enumerate(path.read_text().splitlines(), 1) if banned.search(line)]
    assert offenders == []
