"""Replaying saved findings, and explaining properties, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.cli import main


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("findings")
    check(CheckRequest("mean", {}, ("restriction-linearity",), {}, "boolean"),
          CheckSettings(max_examples=200, budget=20, findings_dir=folder))
    [path] = list(folder.glob("*.json"))
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_finding_that_still_fails_replays_with_status_one(saved: Path) -> None:
    code, out, _ = run("replay", str(saved))
    assert code == 1 and "still fails" in out


def test_a_fixed_finding_replays_with_status_zero(saved: Path, tmp_path: Path) -> None:
    doc = json.loads(saved.read_text())
    doc["estimator"] = "exact"  # the exact estimator satisfies restriction linearity on the same witness
    fixed = tmp_path / "fixed.json"
    fixed.write_text(json.dumps(doc))
    code, out, _ = run("replay", str(fixed), "--json")
    assert code == 0 and json.loads(out)["still_fails"] is False


@pytest.mark.parametrize(("change", "says"), [
    ({"schema": 99}, "schema 99"),
    ({"verdict": "maybe"}, "verdict"),
    ({"witness": "a string"}, "witness"),
    ({"estimator": "cumulent"}, "Did you mean"),
])
def test_an_invalid_or_incompatible_finding_exits_two_and_says_why(saved: Path, tmp_path: Path, change: dict,
                                                                   says: str) -> None:
    doc = {**json.loads(saved.read_text()), **change}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    code, out, err = run("replay", str(bad))
    assert code == 2 and says in err and "Traceback" not in out + err


def test_a_truncated_finding_file_exits_two(saved: Path, tmp_path: Path) -> None:
    bad = tmp_path / "cut.json"
    bad.write_text(saved.read_text()[:50])
    code, _, err = run("replay", str(bad))
    assert code == 2 and "not valid JSON" in err


def test_explain_prints_the_formula_forms_and_parameters() -> None:
    code, out, _ = run("explain", "respect-for-proofs")
    assert code == 0
    assert "G(Y | Pi + pi)" in out and "monotonicity" in out and "abs_tol" in out


def test_explain_names_the_literature_source_and_where_each_domain_facet_is_defined() -> None:
    code, out, _ = run("explain", "iterated-estimation")
    text = " ".join(out.split())
    assert code == 0
    assert "source: [R name, I form]" in text and "arXiv 2410.01290" in text
    assert "defined in: heurcheck.properties.selfref" in text
    assert "on permanent: heurcheck.properties.selfref.permanent:FACET" in text


def test_every_property_has_a_recorded_source() -> None:
    from heurcheck.properties import property_names
    from heurcheck.properties.registry import property_class
    from heurcheck.properties.sources import SOURCES

    missing = [n for n in property_names() if property_class(n).code not in SOURCES]
    assert missing == []


def test_explain_suggests_a_close_property_name() -> None:
    code, _, err = run("explain", "linearty")
    assert code == 2 and "Did you mean 'linearity'" in err


def test_a_file_plugin_finding_replays_from_any_directory_and_says_when_its_file_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plugins = tmp_path / "project" / "plugins"
    plugins.mkdir(parents=True)
    source = Path(__file__).parent.parent / "examples" / "plugins" / "clamped_mean.py"
    (plugins / "clamped_mean.py").write_text(source.read_text())
    monkeypatch.chdir(tmp_path / "project")
    check(CheckRequest("plugins/clamped_mean.py:ClampedMean", {}, ("restriction-linearity",), {}, "boolean"),
          CheckSettings(max_examples=200, budget=60, findings_dir=Path("found")))
    [path] = list((tmp_path / "project" / "found").glob("*.json"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    reference = f"{plugins / 'clamped_mean.py'}:ClampedMean"  # the finding names the resolved file
    code, _, err = run("replay", str(path))
    assert code == 2 and f"--estimator {reference}" in err  # a finding is data: its code runs only when named
    code, out, err = run("replay", str(path), "--allow", reference)
    assert code == 1 and "still fails" in out and "changed" not in out, err
    with (plugins / "clamped_mean.py").open("a") as f:
        f.write("\n# edited after the finding was saved\n")
    code, out, _ = run("replay", str(path), "--allow", reference)
    assert code == 1 and "the plugin file" in out and "changed since the finding was saved" in out
