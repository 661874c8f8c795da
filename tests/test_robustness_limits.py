"""Hostile instances, options, arguments and witnesses: each is refused up front, before any expensive work,
with exit status 2 and one line naming the file, the field or value, and the limit it passed.

The limits: exact truth of circuits of degree at most 256 (a bound counted gate by gate, so repeated squaring
is refused before any expansion); exact permanents and hafnians whose value and denominator have at most
1000 digits, and float ones whose value cannot overflow; estimates and exact values within the float range; numbers of at most 100 digits in files and
arguments; keep atoms of 2 to 10 wires; Monte Carlo of at most 10^8 samples; indices in a witness that
point into what they index."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from heurcheck.cli import main
from heurcheck.domains import load_instance
from heurcheck.domains.circuit.moments import MAX_TRUTH_DEGREE, degree_bound, polynomial, truth
from heurcheck.errors import TruthTooExpensive

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "instances"
SQUARE = str(EXAMPLES / "square.json")
BIG = 10**99 + 7  # a 100-digit integer: the most digits a number in a file may have


def squarings(k: int, dist: dict[str, Any] | None = None) -> dict[str, Any]:
    """x squared k times: degree 2^k in k gates."""
    gates = [{"id": "g0", "op": "mul", "args": ["x", "x"]}]
    gates += [{"id": f"g{i}", "op": "mul", "args": [f"g{i - 1}", f"g{i - 1}"]} for i in range(1, k)]
    return {"domain": "circuit", "inputs": [dist or {"id": "x", "dist": "gaussian", "mean": "1/2", "var": 1}],
            "gates": gates, "output": f"g{k - 1}"}


def ten_to_the_4950() -> dict[str, Any]:
    """A constant of 100 digits multiplied by itself 50 times: a value of 10^4950, of degree 0."""
    gates = [{"id": "c", "op": "const", "value": 10**99}]
    gates += [{"id": f"p{i}", "op": "mul", "args": ["c" if i == 0 else f"p{i - 1}", "c"]} for i in range(49)]
    return {"domain": "circuit", "inputs": [{"id": "x", "dist": "gaussian", "mean": 0, "var": 1}], "gates": gates,
            "output": "p48"}


def dangling() -> dict[str, Any]:
    gates = [{"id": f"g{i}", "op": "add", "args": ["x" if i == 0 else f"g{i - 1}", "x"]} for i in range(500)]
    gates[300]["args"] = ["nowhere", "x"]
    return {"domain": "circuit", "inputs": [{"id": "x", "dist": "gaussian", "mean": 0, "var": 1}], "gates": gates,
            "output": "g499"}


# name -> (instance, extra command-line words, what the one line must say besides the file)
HOSTILE: dict[str, tuple[dict[str, Any], list[str], tuple[str, ...]]] = {
    "degree-2^64": (squarings(64), ["--truth"], ("degree up to about 2^64", "limit of 256")),
    "degree-2^14": (squarings(14), ["--truth", "--exact"], ("degree up to 16384", "limit of 256")),
    "degree-2^12-finite-support": (squarings(12, {"id": "x", "dist": "uniform", "values": [2, 3]}), ["--truth"],
                                   ("degree up to 4096", "limit of 256")),
    "permanent-100-digits-n18": ({"domain": "permanent", "matrix": [[BIG + i + j for j in range(18)]
                                                                    for i in range(18)]},
                                 ["--truth", "--exact"], ("18x18", "digits", "limit of 1000")),
    "permanent-100-digit-rationals-n8": ({"domain": "permanent", "matrix": [[f"{BIG + i}/{BIG + 2 * j + 1}"
                                                                             for j in range(8)] for i in range(8)]},
                                         ["--truth"], ("8x8", "digits", "limit of 1000")),
    "hafnian-100-digits-n26": ({"domain": "hafnian", "matrix": [[BIG + i + j for j in range(26)] for i in range(26)]},
                               ["--truth", "--exact"], ("26x26", "digits", "limit of 1000")),
    "hafnian-100-digits-n26-floats": ({"domain": "hafnian", "matrix": [[BIG + i + j for j in range(26)]
                                                                       for i in range(26)]},
                                      ["--truth"], ("26x26", "10^1299", "beyond the float range")),
    "permanent-100-digits-n18-floats": ({"domain": "permanent", "matrix": [[BIG + i + j for j in range(18)]
                                                                           for i in range(18)]},
                                        ["--truth"], ("18x18", "beyond the float range")),
    "value-10^4950-floats": (ten_to_the_4950(), ["--truth", "--json"], ("inf", "1.8e+308")),
    "value-10^4950-exact": (ten_to_the_4950(), ["--truth", "--exact"], ("4950 digits", "1.8e+308")),
    "dangling-reference": (dangling(), [], ("gates[300].args", "'nowhere'")),
}


def one_line(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return lines[0]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_instance_exits_2_with_one_line_naming_the_file_and_the_limit(tmp_path: Path, name: str) -> None:
    instance, extra, says = HOSTILE[name]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(instance))
    line = one_line(["estimate", "exact", str(path), *extra])
    assert str(path) in line and all(s in line for s in says), line


def test_the_degree_bound_is_counted_without_expanding_and_refuses_before_any_work() -> None:
    bomb = load_instance_from(squarings(64))
    assert degree_bound(bomb) == 2**64  # exact: each squaring doubles it
    with pytest.raises(TruthTooExpensive, match=f"limit of {MAX_TRUTH_DEGREE}"):
        polynomial(bomb)  # an expansion would never end: the refusal comes first
    with pytest.raises(TruthTooExpensive):
        truth(bomb)
    assert degree_bound(load_instance(SQUARE)) == 4


def load_instance_from(document: dict[str, Any]) -> Any:
    from heurcheck.domains import instance_from_json
    from heurcheck.jsonio import Node, parse_json

    return instance_from_json(Node(parse_json(json.dumps(document))))


@pytest.mark.parametrize(("args", "says"), [
    (["estimate", "sampling", SQUARE, "-o", "samples=10000000000000"], ("samples", "at most 1e+08")),
    (["check", "sampling", "-o", "samples=10000000000000", "-p", "linearity"], ("samples", "at most 1e+08")),
    (["estimate", "sampling", SQUARE, "-o", "seed=99999999999"], ("seed", "at most 4.29497e+09")),
    (["estimate", "mean", SQUARE, "-a", "reveal:x=1e400"], ("x=1e400", "at most 100 digits")),
    (["estimate", "mean", SQUARE, "-a", "keep:" + ",".join(["x"] * 18)], ("keep:x,x", "2 to 10 wires (a joint cumulant), got 18")),
])
def test_option_ranges_and_argument_atoms_are_checked_up_front(args: list[str], says: tuple[str, ...]) -> None:
    line = one_line(args)
    assert all(s in line for s in says), line


def _finding(tmp_path: Path, **change: Any) -> Path:
    instance = json.loads((EXAMPLES / "boolean-fanout.json").read_text())
    doc = {"schema": 1, "property": "restriction-linearity", "parameters": {}, "estimator": "mean", "options": {},
           "domain": "boolean", "verdict": "violated", "engine": "random", "seed": 0, "cases": 1,
           "witness": {"instances": {"Y": instance}, "arguments": {"Pi": []}, "numbers": {"input": 0}},
           "observed": None, "worst": None, "route": None, "p_value": None, "message": "m", "command": "c",
           "partial": False, "tool": "0.1.0", **change}
    path = tmp_path / "finding.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize(("change", "says"), [
    ({"domain": "nowhere"}, ("$.domain", "'nowhere'")),
    ({"witness": "input", "value": -1}, ("$.witness.numbers.input", "got -1")),
    ({"witness": "input", "value": "1/2"}, ("$.witness.numbers.input", "got '1/2'")),
    ({"witness": "input", "value": 10**50}, ("$.witness.numbers.input", "index from 0 to 1")),
], ids=["unknown-domain", "negative-index", "fractional-index", "huge-index"])
def test_a_hostile_finding_exits_2_with_one_line_naming_the_field(tmp_path: Path, change: dict[str, Any],
                                                                 says: tuple[str, ...]) -> None:
    if "witness" in change:
        path = _finding(tmp_path)
        doc = json.loads(path.read_text())
        doc["witness"]["numbers"][change["witness"]] = change["value"]
        path.write_text(json.dumps(doc))
    else:
        path = _finding(tmp_path, **change)
    line = one_line(["replay", str(path)])
    assert str(path) in line and all(s in line for s in says), line


@pytest.mark.slow
def test_no_command_uses_more_than_1_gib_on_hostile_instances(tmp_path: Path) -> None:
    """Every hostile instance, run as a user would (a subprocess each): the largest resident size of any of
    them stays under 1 GiB (ru_maxrss of the waited children, in KiB on Linux)."""
    for name, (instance, extra, _) in HOSTILE.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(instance))
        for estimator in ("exact", "mean", "sampling"):
            subprocess.run([sys.executable, "-m", "heurcheck", "estimate", estimator, str(path), *extra],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    assert peak < 2**30, f"{peak / 2**20:.0f} MiB"
