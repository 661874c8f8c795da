"""Regression tests for an estimator: copy this file into your project's tests and adapt the names.

Each test checks one property with a fixed seed, so it is reproducible; a failure prints the
counterexample and a `heurcheck check ...` command that re-runs it. Run with
`pytest --heurcheck-findings heurcheck-findings` to save every new counterexample there and to
replay the saved ones first on every later run (the `heurcheck_findings` fixture comes from the
heurcheck pytest plugin). A saved finding is data: one that names an estimator by a file or module
reference is replayed only when that reference is allowed by name, e.g.
`--heurcheck-allow-estimator /path/to/clamped_mean.py:ClampedMean`; installed estimators need nothing.
"""

from pathlib import Path

import pytest

from heurcheck.testing import assert_satisfies, assert_violates

# A single-file plugin is referenced by path; an installed one by its registry name (e.g. "shrunk-mean")
# or as "package.module:Class"; a class or an instance can also be passed directly.
CLAMPED_MEAN = f"{Path(__file__).resolve().parents[1] / 'plugins' / 'clamped_mean.py'}:ClampedMean"


@pytest.mark.parametrize("prop", ["boundedness", "set-semantics", "irrelevant-arguments"])
def test_clamped_mean_keeps_the_properties_it_promises(prop: str, heurcheck_findings: Path | None) -> None:
    assert_satisfies(CLAMPED_MEAN, prop, domain="boolean", options={"low": 0.1}, max_examples=150,
                     findings_dir=heurcheck_findings)


def test_clamped_mean_still_breaks_restriction_linearity_as_documented() -> None:
    # a known limitation, pinned: if this starts to pass, the estimator changed and its docs should too
    assert_violates(CLAMPED_MEAN, "restriction-linearity", domain="boolean")


def test_the_exact_estimator_is_proved_accurate_on_all_small_pm1_matrices() -> None:
    [finding] = assert_satisfies("exact", "accuracy", domain="permanent", parameters={"distribution": "pm1"})
    assert finding.verdict.value == "proved"
