"""The acceptance test of the plugin architecture: a third-party domain (examples/dice-domain) with its
estimators and facets, seen only through entry points, end to end.

The example is not installed: its `src` goes on sys.path and `importlib.metadata.entry_points` is
patched to add the entries its pyproject.toml declares, as an installed distribution would. Third-party
estimators run isolated (the default `isolate="plugins"`): the worker processes are forked, so they
inherit the patched entry points, sys.path and the registries' state.
"""

from __future__ import annotations

import importlib.metadata
import json
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from heurcheck import Arguments, Registry, evaluate, load_instance, parse_arguments
from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.cli import main
from heurcheck.domains import get_domain, registry as domain_registry
from heurcheck.errors import InvalidArgument, InvalidInstance, TruthTooExpensive
from heurcheck.findings import Verdict
from heurcheck.isolation import available as isolation_available, wanted
from heurcheck.jsonio import Node
from heurcheck.matrix import MatrixSettings, run_matrix
from heurcheck.properties import facets
from heurcheck.properties.registry import property_class
from heurcheck.replay import load_finding, replay

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "dice-domain"
GROUPS = ("heurcheck.domains", "heurcheck.estimators", "heurcheck.facets")
PROPERTIES = ("independence", "irrelevant-arguments")


def _declared_entry_points() -> dict[str, list[importlib.metadata.EntryPoint]]:
    declared = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]["entry-points"]
    return {g: [importlib.metadata.EntryPoint(n, v, g) for n, v in declared[g].items()] for g in GROUPS}


def _clear_registry_caches() -> None:
    facets._entry_points.cache_clear()
    facets.facet.cache_clear()
    domain_registry._entry_points = None
    domain_registry._loaded.clear()


@pytest.fixture
def dice(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The example package as if installed; every registry cache cleared before and after."""
    monkeypatch.syspath_prepend(str(EXAMPLE / "src"))
    real = importlib.metadata.entry_points
    extra = _declared_entry_points()

    def entry_points(**params: Any) -> Any:
        found = real(**params)
        group = params.get("group")
        return found if group not in extra else importlib.metadata.EntryPoints(tuple(found) + tuple(extra[group]))

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    _clear_registry_caches()
    import heurcheck_dice

    yield heurcheck_dice
    monkeypatch.undo()
    _clear_registry_caches()


def _game(expr: Any, **faces: int) -> Any:
    return get_domain("dice").from_json(Node({"domain": "dice", "dice": [{"id": k, "faces": v} for k, v in faces.items()],
                                              "expr": expr}))


class PlantedFault:
    """dice-mean plus 1/2 plus the number of arguments: breaks both properties (a check of the checks)."""

    name = "dice-planted"
    domains = frozenset({"dice"})
    options: dict[str, Any] = {}

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        from heurcheck_dice import DiceMean

        return DiceMean().estimate(instance, arguments) + Fraction(1, 2) + len(arguments)


# --------------------------------------------------------------------------- (a) the domain and its estimators


def test_a_dice_file_is_read_and_estimated_by_both_estimators(dice) -> None:
    y = load_instance(EXAMPLE / "instances" / "repeated-die.json")  # a * (a + b), a a d6, b a d4
    assert y.domain == "dice" and get_domain("dice").from_json(Node(get_domain("dice").to_json(y))) == y
    registry = Registry.default()
    exact = evaluate(registry.create("dice-exact"), y, exact=True, truth=True)
    mean = evaluate(registry.create("dice-mean"), y, exact=True, truth=True)
    # E[a^2] + E[a] E[b] = 91/6 + 7/2 * 5/2 = 287/12; mean propagation takes E[a^2] for E[a]^2 = 49/4
    assert exact.truth == exact.estimate.value == Fraction(287, 12) and exact.error == 0
    assert mean.estimate.value == Fraction(21) and mean.error == Fraction(21) - Fraction(287, 12)
    # revealing the repeated die makes mean propagation exact: 2 * (2 + 5/2) = 9
    shown = parse_arguments("dice", ["reveal:a=2"])
    assert evaluate(registry.create("dice-mean"), y, shown, exact=True, truth=True).error == 0
    assert evaluate(registry.create("dice-exact"), y, shown, exact=True).estimate.value == 9
    # floats by default, as for every domain
    assert evaluate(registry.create("dice-exact"), y).estimate.value == pytest.approx(287 / 12)
    # the built-in reference estimators work from the Domain protocol alone: they cover dice too
    assert evaluate(registry.create("exact"), y, exact=True).estimate.value == Fraction(287, 12)
    sampled = evaluate(registry.create("sampling", samples=4000, seed=1), y).estimate
    assert sampled.stderr is not None and abs(sampled.value - 287 / 12) < 6 * sampled.stderr


def test_max_and_rational_constants_are_exact(dice) -> None:
    y = _game({"op": "add", "args": [{"op": "max", "args": ["b", {"const": 2}]}, {"const": "1/2"}]}, b=4)
    # E[max(b, 2)] = (2 + 2 + 3 + 4) / 4 = 11/4; mean propagation: max(5/2, 2) = 5/2
    assert get_domain("dice").truth(y, Arguments()) == Fraction(13, 4)
    assert dice.DiceMean().estimate(y, Arguments()) == 3
    mc = get_domain("dice").monte_carlo(y, Arguments(), 20_000, 0)
    assert abs(mc.mean - 3.25) < 5 * mc.stderr


@pytest.mark.parametrize("document, message", [
    ({"domain": "dice", "dice": [{"id": "a", "faces": 0}], "expr": "a"},
     r"field \$\.dice\[0\]\.faces: expected an integer in \[1, 10000\], got 0"),
    ({"domain": "dice", "dice": [{"id": "a", "faces": 6}], "expr": {"op": "add", "args": ["a", "z"]}},
     r"field \$\.expr\.args\[1\]: expected a declared die \(a\), got 'z'"),
    ({"domain": "dice", "dice": [{"id": "a", "faces": 6}], "expr": {"op": "pow", "args": ["a", "a"]}},
     r"field \$\.expr\.op: expected one of add, mul, max, got 'pow'"),
    ({"domain": "dice", "dice": [{"id": "a", "faces": 6}], "expr": {"op": "mul", "args": ["a"]}},
     r"field \$\.expr\.args: expected a list of at least 2 items, got 1 items"),
    ({"domain": "dice", "dice": [{"id": "a", "faces": 6}, {"id": "a", "faces": 2}], "expr": "a"},
     r"field \$\.dice\[1\]\.id: expected a die id not used before \(ids: a\), got 'a'"),
    ({"domain": "dice", "dice": [{"id": "a", "faces": 6}], "expr": 3},
     r"field \$\.expr: expected a die id \(a string\), \{\"const\": NUMBER\}"),
    ({"domain": "dice", "dice": [{"id": "a", "faces": 6}], "expr": "a", "seed": 1},
     r"field \$\.seed: unknown field"),
])
def test_a_malformed_file_names_the_field_the_value_and_what_was_expected(dice, document, message) -> None:
    with pytest.raises(InvalidInstance, match=message):
        get_domain("dice").from_json(Node(document))


def test_the_reveal_atom_reads_writes_and_checks(dice) -> None:
    y = _game({"op": "mul", "args": ["a", "a"]}, a=6)
    atom = parse_arguments("dice", ["reveal:a=3"])
    assert atom.text() == "reveal:a=3" and atom.to_json() == [{"kind": "reveal", "die": "a", "value": 3}]
    atom.check(y)
    with pytest.raises(InvalidArgument, match=r"reveal:a=7: expected a face in \[1, 6\], got 7"):
        parse_arguments("dice", ["reveal:a=7"]).check(y)
    with pytest.raises(InvalidArgument, match="'q' is not a die of the game"):
        parse_arguments("dice", ["reveal:q=1"]).check(y)
    with pytest.raises(InvalidArgument, match="expected reveal:DIE=FACE"):
        parse_arguments("dice", ["reveal:a"])


def test_exact_truth_refuses_too_many_outcomes(dice) -> None:
    y = _game({"op": "add", "args": ["a", "b"]}, a=10_000, b=10_000)
    with pytest.raises(TruthTooExpensive, match="100000000 outcomes"):
        get_domain("dice").truth(y, Arguments())
    assert get_domain("dice").truth(y, parse_arguments("dice", ["reveal:a=1"])) == Fraction(10_003, 2)


# --------------------------------------------------------------------------- (b) the properties, through facets


def test_both_properties_are_defined_on_dice_through_the_facets_alone(dice) -> None:
    for name in PROPERTIES:
        assert "dice" in property_class(name).defined_on()
        assert "dice" not in facets.BUILTIN[name]  # the built-in registry does not name the domain
    assert facets.facet("independence", "dice") is dice.facets.INDEPENDENCE


def test_the_dice_estimators_satisfy_both_properties_and_run_isolated(dice, tmp_path) -> None:
    """Both hold exactly for both estimators. independence: X and Y roll disjoint dice, so E[XY | Pi] =
    E[X | Pi] E[Y | Pi] (dice-exact), and mean propagation of mul(X, Y) is G(X) G(Y) by definition
    (dice-mean, whatever it gets wrong inside X or Y). irrelevant-arguments: pi reveals dice that Y
    never rolls; neither the enumeration nor the means of Y's rolls depend on them."""
    registry = Registry.default()
    settings = CheckSettings(max_examples=60, budget=600, seed=0, findings_dir=tmp_path)
    for estimator in ("dice-mean", "dice-exact"):
        assert isolation_available() and wanted(settings.isolate, registry, estimator)
        findings = check(CheckRequest(estimator, properties=PROPERTIES, domain="dice"), settings, registry)
        assert [(f.property, f.domain, f.verdict) for f in findings] == \
            [(p, "dice", Verdict.NOT_REFUTED) for p in PROPERTIES], [f.message for f in findings]
        assert all(0 < f.cases <= 60 for f in findings), [f.cases for f in findings]  # distinct cases
    assert not list(tmp_path.iterdir())


def test_a_planted_fault_is_found_on_dice_and_its_witness_replays(dice, tmp_path) -> None:
    """G = mean + 1/2 + |Pi|: pi is never empty in irrelevant-arguments, so G(Y | Pi + pi) > G(Y | Pi) on
    every case; for independence G(XY) = m_X m_Y + c but G(X) G(Y) = m_X m_Y + c (m_X + m_Y) + c^2
    (c = 1/2 + |Pi|), equal only when m_X + m_Y + c = 1."""
    registry = Registry.default()
    registry.register(PlantedFault)
    settings = CheckSettings(max_examples=200, budget=600, seed=0, findings_dir=tmp_path)
    findings = check(CheckRequest("dice-planted", properties=PROPERTIES, domain="dice"), settings, registry)
    assert [(f.property, f.verdict) for f in findings] == [(p, Verdict.VIOLATED) for p in PROPERTIES]
    saved = sorted(tmp_path.glob("*.json"))
    assert len(saved) == 2
    for path in saved:
        finding = load_finding(path)
        assert finding.domain == "dice" and json.dumps(finding.witness).count('"domain": "dice"') >= 1
        assert replay(finding, registry).still_fails


def test_the_cli_checks_a_dice_estimator(dice, tmp_path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["check", "dice-mean", "-p", "independence", "--domain", "dice", "--max-examples",
                                  "40", "--budget", "600", "--findings", str(tmp_path / "findings"),
                                  "--json", str(tmp_path / "verdicts.json")])
    assert result.exit_code == 0, result.output
    assert "not-refuted" in result.output and "independence" in result.output and "dice" in result.output
    (finding,) = json.loads((tmp_path / "verdicts.json").read_text())["findings"]
    assert (finding["estimator"], finding["domain"], finding["verdict"]) == ("dice-mean", "dice", "not-refuted")
    assert 0 < finding["cases"] <= 40
    result = runner.invoke(main, ["estimate", "dice-mean", str(EXAMPLE / "instances" / "repeated-die.json"),
                                  "--truth", "--exact", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert (doc["estimate_exact"], doc["truth_exact"]) == ("21", "287/12")
    result = runner.invoke(main, ["list", "--json"])
    listed = json.loads(result.output)
    assert {"name": "dice", "summary": dice.DOMAIN.summary, "arguments": ["reveal"]} in listed["domains"]
    assert {"dice-exact", "dice-mean"} <= {e["name"] for e in listed["estimators"]}


# --------------------------------------------------------------------------- (c) the report card


def test_the_report_card_fills_the_dice_cells(dice, tmp_path) -> None:
    card = run_matrix(MatrixSettings(budget=600, jobs=1, max_examples=40, findings_dir=tmp_path,
                                     estimators=("dice-exact", "dice-mean")))
    assert card.estimators == ["dice-exact", "dice-mean"] and not card.partial
    for (estimator, prop), cell in card.cells.items():
        if prop in PROPERTIES:
            assert cell.verdict is Verdict.NOT_REFUTED, (estimator, prop, [f.message for f in cell.findings])
            assert [f.domain for f in cell.findings] == ["dice"] and 0 < cell.findings[0].cases <= 40
        else:  # defined on no domain the dice estimators handle: an empty cell
            assert cell.findings == [] and cell.verdict is Verdict.NOT_APPLICABLE
