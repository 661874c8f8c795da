"""Rules of the architecture that a grep can check: no property or engine module compares a domain
name or tests a concrete instance type (domain specifics live in facets and domain packages)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "heurcheck"
DOMAIN_NAMES = ("circuit", "boolean", "permanent", "hafnian")
BRANCH = re.compile(r"domain\s*(==|!=|\bin\b|\bnot in\b)\s*[\"'(]|[\"'](%s)[\"']\s*(==|!=)\s*\w*domain" % "|".join(DOMAIN_NAMES))
INSTANCE_TYPES = re.compile(r"isinstance\([^)]*\b(Circuit|BooleanCircuit|Matrix|Covariance)\b")


def _laws_and_engines() -> list[Path]:
    """Every module of engines/, and of properties/ except the facets (one module per domain)."""
    facets = {f"{d}.py" for d in DOMAIN_NAMES}
    laws = [p for p in (SRC / "properties").rglob("*.py") if p.name not in facets or p.parent.name == "properties"]
    return sorted(laws + list((SRC / "engines").rglob("*.py")))


def test_no_property_law_or_engine_branches_on_a_domain_name_or_instance_type() -> None:
    found = []
    checked = _laws_and_engines()
    assert len(checked) > 20 and SRC / "properties" / "linearity" / "__init__.py" in checked
    for path in checked:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if BRANCH.search(line) or INSTANCE_TYPES.search(line):
                found.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert found == []


def test_the_rule_sees_a_branch_when_there_is_one() -> None:
    assert BRANCH.search('if domain == "boolean":') and BRANCH.search("if y.domain != 'circuit':")
    assert BRANCH.search('x if domain in ("circuit", "boolean") else y')
    assert INSTANCE_TYPES.search("if isinstance(x, Matrix):")
    assert not BRANCH.search("facet = self.facet(domain)")
