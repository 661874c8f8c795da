"""The estimator registry: built-ins, references, entry points, validation and options."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from heurcheck import InvalidOption, PluginError, Registry, UnknownName
from heurcheck.estimators import registry as registry_module

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_an_unknown_name_suggests_the_closest_and_lists_the_installed() -> None:
    with pytest.raises(UnknownName) as info:
        Registry.default().create("cumulent")
    message = str(info.value)
    assert "Did you mean 'cumulant'?" in message
    assert "Installed:" in message and "mean" in message


def test_options_from_the_command_line_are_converted_to_their_declared_types() -> None:
    est = Registry.default().create("cumulant", order="4", imputation="false")
    assert (est.order, est.imputation) == (4, False)
    assert Registry.default().create("cumulant", order="inf").order is None


@pytest.mark.parametrize(("options", "named"), [({"ordre": "3"}, "Did you mean 'order'"), ({"order": "three"}, "order"),
                                                ({"order": "0"}, "order"), ({"imputation": "maybe"}, "imputation")])
def test_a_bad_option_names_the_option_and_what_was_expected(options: dict, named: str) -> None:
    with pytest.raises(InvalidOption, match=named):
        Registry.default().create("cumulant", **options)


def test_a_single_file_plugin_is_loaded_by_path() -> None:
    est = Registry.default().create(f"{EXAMPLES / 'plugins' / 'clamped_mean.py'}:ClampedMean", low="0.25")
    assert est.name == "clamped-mean" and est.low == 0.25


def test_a_module_reference_is_loaded() -> None:
    est = Registry.default().create("heurcheck.estimators.propagation:MeanPropagation")
    assert est.name == "mean"


def test_an_entry_point_plugin_is_found_under_its_name(monkeypatch) -> None:
    ep = importlib.metadata.EntryPoint("ep-mean", "heurcheck.estimators.propagation:MeanPropagation",
                                       registry_module.ENTRY_POINT_GROUP)
    monkeypatch.setattr(registry_module.importlib.metadata, "entry_points", lambda group: [ep])
    reg = Registry.default()
    assert "ep-mean" in reg.names()
    with pytest.raises(PluginError, match="declares name 'mean'"):
        reg.create("ep-mean")


class NoDomains:
    name = "broken"
    domains = frozenset({"nowhere"})

    def estimate(self, instance, arguments):
        return 0


class NoEstimate:
    name = "broken"
    domains = frozenset({"circuit"})
    randomised = "yes"


@pytest.mark.parametrize(("plugin", "named"), [(NoDomains, "unknown domains"), (NoEstimate, "no `estimate")])
def test_an_invalid_plugin_is_refused_with_the_reason(plugin: type, named: str) -> None:
    with pytest.raises(PluginError, match=named):
        Registry().register(plugin)


def test_a_broken_plugin_file_is_reported_with_its_error(tmp_path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("raise RuntimeError('boom')\n")
    with pytest.raises(PluginError, match="boom"):
        Registry().create(f"{bad}:Thing")
    with pytest.raises(PluginError, match="no file"):
        Registry().create(f"{tmp_path / 'missing.py'}:Thing")


def test_a_fresh_registry_is_independent() -> None:
    reg = Registry()
    assert reg.names() == ()
    assert "mean" in Registry.default().names()


def test_listing_reads_an_entry_point_plugin_in_its_worker_without_importing_it_here(monkeypatch, tmp_path) -> None:
    import json
    import sys

    from click.testing import CliRunner

    from heurcheck.cli import main

    (tmp_path / "listed_probe.py").write_text(
        "class Probe:\n"
        "    '''A probe estimator: listed, never imported by the lister.'''\n"
        "    name = 'probe'\n"
        "    domains = frozenset({'circuit'})\n"
        "    def estimate(self, instance, arguments):\n"
        "        return 0\n")
    (tmp_path / "listed_broken.py").write_text("raise RuntimeError('import-time failure')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = [importlib.metadata.EntryPoint("probe", "listed_probe:Probe", registry_module.ENTRY_POINT_GROUP),
           importlib.metadata.EntryPoint("broken", "listed_broken:Nothing", registry_module.ENTRY_POINT_GROUP)]
    monkeypatch.setattr(registry_module.importlib.metadata, "entry_points", lambda group: eps)
    result = CliRunner().invoke(main, ["list", "estimators", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)["estimators"]}
    assert rows["probe"]["domains"] == ["circuit"] and rows["probe"]["summary"].startswith("A probe estimator")
    assert "import-time failure" in rows["broken"]["error"]
    assert "listed_probe" not in sys.modules and "listed_broken" not in sys.modules  # imported in workers only
    assert rows["mean"]["source"] == "built-in"
