"""Fixtures of the quality suite, and a closing table of what every check measured (time, verdict, witness size)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness import MEASURED, run_check
from heurcheck.findings import Finding


@pytest.fixture
def checked() -> Callable[..., tuple[Finding, float]]:
    """`checked(estimator, property, domain, parameters, max_examples=, budget=)`: (finding, seconds)."""
    return run_check


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not MEASURED:
        return
    terminalreporter.section("quality suite: what each check measured")
    for m in MEASURED:
        size = "-" if m.size is None else str(m.size)
        terminalreporter.write_line(f"{m.estimator:22} {m.property:22} {m.domain:9} {m.verdict:24} "
                                    f"{m.seconds:6.1f}s  cases {m.cases:5}  witness size {size}  seed {m.seed}")
    verdicts = Counter(m.verdict for m in MEASURED)
    terminalreporter.write_line(f"{len(MEASURED)} checks: " + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())))
    terminalreporter.write_line(f"total time in checks: {sum(m.seconds for m in MEASURED):.1f}s")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The whole quality suite is in the slow tier: `pytest -m "not slow"` leaves it out."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.slow)
