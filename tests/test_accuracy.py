"""accuracy (D11): exact moments, OLS beta and R^2 over finite distributions, and the verdicts they give."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction
from math import factorial
from typing import Any, ClassVar

import pytest

from heurcheck import InvalidOption, Registry
from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.domains.permanent import naive_permanent
from heurcheck.estimators.permanent import RowEstimator
from heurcheck.findings import Finding, Verdict
from heurcheck.properties.accuracy import Accuracy, parse_atoms
from heurcheck.properties.base import Call

NO_FILES = CheckSettings(findings_dir=None)


def run(estimator: str, registry: Registry | None = None, domain: str = "permanent",
        settings: CheckSettings = NO_FILES, **params: Any) -> Finding:
    (finding,) = check(CheckRequest(estimator, {}, ("accuracy",), {"accuracy": params}, domain), settings, registry)
    return finding


def exact(finding: Finding, key: str) -> Fraction | None:
    node = finding.observed[key] if finding.observed else None
    return None if node is None else Fraction(node["exact"])


def ols(pairs: list[tuple[Fraction, Fraction]]) -> dict[str, Fraction]:
    """Beta, R^2, mean error and the two moments, by a direct loop over (Y, G) pairs."""
    k = len(pairs)
    mean_y = sum((y for y, _ in pairs), Fraction(0)) / k
    mean_g = sum((g for _, g in pairs), Fraction(0)) / k
    cov = sum(((y - mean_y) * (g - mean_g) for y, g in pairs), Fraction(0)) / k
    var_y = sum(((y - mean_y) ** 2 for y, _ in pairs), Fraction(0)) / k
    var_g = sum(((g - mean_g) ** 2 for _, g in pairs), Fraction(0)) / k
    return {
        "beta": cov / var_g, "r_squared": cov**2 / (var_y * var_g), "mean_error": mean_y - mean_g,
        "self": sum(((y - g) * g for y, g in pairs), Fraction(0)) / k,
    }


def pm1_matrices(n: int) -> list[list[list[Fraction]]]:
    cells = itertools.product((Fraction(-1), Fraction(1)), repeat=n * n)
    return [[list(c[i * n:(i + 1) * n]) for i in range(n)] for c in cells]


class PlusOne:
    """perm-row + 1: biased by exactly one everywhere."""

    name: ClassVar[str] = "perm-row-plus-one"
    domains: ClassVar[frozenset[str]] = frozenset({"permanent"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Any]] = {}
    default_arguments: ClassVar[tuple[str, ...]] = ("row-sums",)

    def estimate(self, instance: Any, arguments: Any) -> Any:
        return RowEstimator().estimate(instance, arguments) + 1


def test_perm_row_on_all_pm1_matrices_of_size_2_reports_the_beta_r_squared_and_mean_error_of_a_direct_loop() -> None:
    # perm [[a, b], [c, d]] = ad + bc; row = 2!/2^2 (a + b)(c + d)
    pairs = [(a * d + b * c, Fraction(1, 2) * (a + b) * (c + d)) for (a, b), (c, d) in pm1_matrices(2)]
    direct = ols(pairs)
    assert (direct["beta"], direct["r_squared"], direct["mean_error"]) == (1, Fraction(1, 2), 0)
    finding = run("perm-row", n=2)
    assert finding.verdict is Verdict.PROVED and finding.engine == "exhaustive" and finding.cases == 16
    for key in ("beta", "r_squared", "mean_error"):
        assert exact(finding, key) == direct[key]
    assert finding.observed is not None and finding.observed["moments"]["self"]["exact"] == "0"


def test_the_exact_estimator_has_beta_1_and_r_squared_1_and_is_proved() -> None:
    finding = run("exact", n=3)
    assert finding.verdict is Verdict.PROVED
    assert (exact(finding, "beta"), exact(finding, "r_squared"), exact(finding, "mean_error")) == (1, 1, 0)
    assert exact(finding, "mean_squared_error") == 0


def test_perm_row_over_all_pm1_matrices_of_size_3_is_proved_self_accurate() -> None:
    # perm-row is E[perm | row sums] under independent uniform +-1 entries (averaging over
    # within-row shuffles), so its error is orthogonal to every function of the row sums
    pairs = [(Fraction(naive_permanent(m)), Fraction(factorial(3), 27) * (sum(m[0]) * sum(m[1]) * sum(m[2])))
             for m in pm1_matrices(3)]
    direct = ols(pairs)
    assert direct["self"] == 0 and direct["r_squared"] == Fraction(2, 9)
    finding = run("perm-row", n=3, feature="self")
    assert finding.verdict is Verdict.PROVED and finding.cases == 512
    assert (exact(finding, "beta"), exact(finding, "r_squared")) == (direct["beta"], direct["r_squared"])


def test_perm_sum_over_pm1_matrices_of_size_3_is_violated_by_the_moment_of_a_direct_loop() -> None:
    pairs = [(Fraction(naive_permanent(m)), Fraction(factorial(3), 3**6) * sum(sum(r) for r in m) ** 3)
             for m in pm1_matrices(3)]
    direct = ols(pairs)
    finding = run("perm-sum", n=3, feature="self")
    assert finding.verdict is Verdict.VIOLATED
    assert finding.observed is not None
    assert Fraction(finding.observed["moments"]["self"]["exact"]) == direct["self"] != 0
    assert exact(finding, "beta") == direct["beta"] == Fraction(486, 961)
    assert finding.witness is not None and finding.witness["numbers"] == {"n": 3, "low": -1, "instances": 512}


def test_an_estimator_that_adds_one_to_perm_row_is_violated_for_feature_one(tmp_path: Any) -> None:
    registry = Registry.default(entry_points=False)
    registry.register(PlusOne)
    finding = run("perm-row-plus-one", registry, settings=CheckSettings(findings_dir=tmp_path), n=3, feature="one")
    assert finding.verdict is Verdict.VIOLATED
    assert exact(finding, "mean_error") == -1 and exact(finding, "beta") == 1
    assert finding.observed is not None and finding.observed["violation"] == 1.0
    assert "all 512 +-1 matrices of size 3" in finding.message
    (saved,) = tmp_path.iterdir()
    assert json.loads(saved.read_text())["observed"]["mean_error"]["exact"] == "-1"


def test_the_library_api_returns_the_exact_numbers_for_perm_row_at_size_3() -> None:
    (finding,) = check(CheckRequest("perm-row", {}, ("accuracy",), {"accuracy": {"n": 3}}, "permanent"),
                       CheckSettings(findings_dir=None))
    assert finding.verdict is Verdict.PROVED
    observed = finding.observed
    assert observed is not None
    assert {k: observed[k]["exact"] for k in ("beta", "intercept", "r_squared", "mean_error", "mean_squared_error")} \
        == {"beta": "1", "intercept": "0", "r_squared": "2/9", "mean_error": "0", "mean_squared_error": "14/3"}
    assert set(observed["moments"]) == {"one", "self", "coarser"}
    assert observed["estimates_exact"] is True and observed["arguments"] == "row-sums"


def test_matrices_outside_the_estimators_domain_are_left_out_and_counted() -> None:
    finding = run("perm-rowcol", n=2)  # S = 0 on 6 of the 16 matrices
    assert finding.verdict is Verdict.PROVED
    assert finding.observed is not None and finding.observed["excluded"] == 6
    assert finding.observed["instances_used"] == 10


def test_a_randomised_estimator_is_not_applicable_and_says_why() -> None:
    finding = run("sampling", n=2)
    assert finding.verdict is Verdict.NOT_APPLICABLE and "random" in finding.message


def test_symmetrize_in_its_exact_mode_is_decided_like_a_deterministic_estimator() -> None:
    finding = run("symmetrize", n=3, arguments="row-sums")
    assert finding.verdict is Verdict.PROVED and exact(finding, "r_squared") == Fraction(2, 9)


def test_the_coarser_feature_needs_a_subset_of_pi() -> None:
    assert run("perm-row", n=2, feature="coarser", coarser="row-sums").verdict is Verdict.PROVED
    with pytest.raises(InvalidOption, match="subset"):
        run("perm-row", n=2, feature="coarser", coarser="col-sums")


def test_01_matrices_are_enumerated_too() -> None:
    finding = run("perm-row", n=3, distribution="01")
    assert finding.verdict is Verdict.PROVED and finding.observed is not None
    assert finding.observed["distribution"] == "all 512 0/1 matrices of size 3"


def test_a_matrix_distribution_does_not_apply_to_circuits() -> None:
    assert run("mean", domain="circuit", distribution="pm1").verdict is Verdict.NOT_APPLICABLE


def test_a_boolean_family_is_decided_exactly_and_is_the_same_for_the_same_seed() -> None:
    truth = run("exact", domain="boolean", instances=60)
    assert truth.verdict is Verdict.PROVED and exact(truth, "r_squared") == 1
    first, again = (run("mean", domain="boolean", instances=60) for _ in range(2))
    assert first.verdict is Verdict.VIOLATED and first.cases == 60
    assert first.observed == again.observed


def test_the_space_is_one_case_for_all_of_d_decided_exactly_whatever_the_engine() -> None:
    prop = Accuracy(n=2)
    call = Call(Registry.default().create("perm-sum"))
    space = prop.space("permanent", call.estimator)
    assert space.draw is None and space.finite is not None and space.finite.instances == 16
    [(_, case)] = list(space.finite.cases())
    assert json.loads(json.dumps(case.to_json()))["numbers"] == {"n": 2, "low": -1, "instances": 16}
    outcome = prop.evaluate(case, call)
    assert outcome.violates and outcome.report["mean_error"]["exact"] == "-1/2"  # type: ignore[attr-defined]
    assert outcome.witness is not None and outcome.witness.instances[0][0] == "largest-error"
    assert prop.evaluate(outcome.witness, call).report == outcome.report  # type: ignore[attr-defined]
    for engine in ("random", "auto", "exhaustive"):
        found = run("perm-sum", n=2, settings=CheckSettings(findings_dir=None, engine=engine))
        assert found.verdict is Verdict.VIOLATED and found.engine == "exhaustive" and found.cases == 16
        assert found.witness is not None and "largest-error" in found.witness["instances"]
    row = Call(RowEstimator())
    [(_, row_case)] = list(prop.space("permanent", row.estimator).finite.cases())  # type: ignore[union-attr]
    quiet = prop.evaluate(row_case, row)
    assert not quiet.violates and quiet.applicable


def test_argument_texts_keep_commas_inside_payloads() -> None:
    atoms = parse_atoms("circuit", "keep:g1,g2,order:2")
    assert sorted(a.text() for a in atoms) == ["keep:g1,g2", "order:2"]
    assert len(parse_atoms("permanent", "row-sums, col-sums")) == 2 and len(parse_atoms("permanent", "none")) == 0
