"""The README's code examples run as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from heurcheck.checker import CheckRequest, CheckSettings, check_one
from heurcheck.estimators.registry import Registry
from heurcheck.findings import Verdict
from heurcheck.properties import facets

README = Path(__file__).resolve().parent.parent / "README.md"


def snippet(marker: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    [block] = [b for b in blocks if marker in b]
    return block


def test_the_readme_property_example_runs_through_the_checker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facets, "_REGISTERED", {})  # the example's facet registration ends with the test
    facets.facet.cache_clear()
    namespace: dict[str, Any] = {}
    module = tmp_path / "readme_property.py"
    module.write_text(snippet("class Idempotence"))
    code = compile(module.read_text(), str(module), "exec")
    exec(code, namespace)  # the project's own README text, in a test: not user input
    prop = namespace["Idempotence"]()
    reg = Registry.default()
    finding = check_one(prop, reg.create("mean"), CheckRequest("mean"), "circuit",
                        CheckSettings(max_examples=50, budget=10, findings_dir=None), reg)
    assert finding.verdict is Verdict.NOT_REFUTED and finding.cases > 0
    assert prop.defined_on() == {"circuit"}
    facets.facet.cache_clear()


def test_the_readme_plugin_example_is_the_shipped_single_file_plugin() -> None:
    block = snippet("class ClampedMean")
    shipped = (README.parent / "examples" / "plugins" / "clamped_mean.py").read_text()
    for line in ("name = \"clamped-mean\"", "def estimate(self, instance, arguments"):
        assert line in block and line in shipped
