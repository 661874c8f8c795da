"""The checker: verdicts found by search (the acceptance cases), honest verdict semantics, durable findings."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import strategies as st

from heurcheck.checker import CheckRequest, CheckSettings, check, check_one
from heurcheck.estimators.registry import Registry
from heurcheck.findings import SCHEMA, Verdict
from heurcheck.jsonio import Node
from heurcheck.properties.base import Case, Outcome, PropertyBase
from heurcheck.properties.registry import PROPERTIES, available

QUICK = CheckSettings(max_examples=300, budget=30, findings_dir=None)


def one(estimator: str, prop: str, domain: str, options: dict | None = None, params: dict | None = None,
        settings: CheckSettings = QUICK) -> Any:
    [finding] = check(CheckRequest(estimator, options or {}, (prop,), {prop: params or {}}, domain), settings)
    return finding


def test_every_registered_property_is_available() -> None:
    assert set(available()) == set(PROPERTIES)


def test_search_finds_a_negative_estimate_of_a_proved_square_at_odd_order_five(tmp_path: Path) -> None:
    f = one("cumulant", "respect-for-proofs", "circuit", {"order": "5"}, {"form": "sign"},
            settings=CheckSettings(findings_dir=tmp_path))  # the default budget and case count
    # order atoms in Pi can only raise the order; drawn ones go up to 4, so the order used is 5
    assert all(a.get("order", 0) <= 5 for a in f.witness["arguments"]["Pi"])
    assert f.verdict is Verdict.VIOLATED
    assert f.observed["ratio"] is None or f.observed["ratio"] >= 1000  # shrunk, yet clearly above tolerance
    assert float(f.observed["lhs"]["value"]) < 0
    witness = f.witness["instances"]["Y"]
    assert {"kind": "nonneg", "wire": "Y"} in f.witness["arguments"]["Pi"]
    assert len(witness["gates"]) <= 8


def test_search_finds_that_mean_propagation_breaks_restriction_linearity_on_boolean_circuits() -> None:
    f = one("mean", "restriction-linearity", "boolean")
    assert f.verdict is Verdict.VIOLATED
    assert f.observed["size"] <= 4  # a single fan-out: a and a over one bit


def test_search_finds_that_the_row_column_merge_breaks_iterated_estimation() -> None:
    f = one("perm-rowcol", "iterated-estimation", "permanent")
    assert f.verdict is Verdict.VIOLATED and f.route == "symmetrisation"


@pytest.mark.parametrize("prop", ["unpredictable-errors", "iterated-estimation", "error-orthogonality"])
def test_symmetrisation_is_never_violated_on_the_self_referential_properties(prop: str) -> None:
    f = one("symmetrize", prop, "permanent")
    assert f.verdict is Verdict.NOT_REFUTED and f.route == "symmetrisation"
    assert "not a proof" in f.message


@pytest.mark.parametrize("n", [2, 3])
def test_accuracy_of_the_row_estimator_over_all_sign_matrices_is_reported_exactly(n: int) -> None:
    f = one("perm-row", "accuracy", "permanent", params={"n": n, "distribution": "pm1"})
    assert f.verdict is Verdict.PROVED and f.engine == "exhaustive" and f.cases == 2 ** (n * n)
    assert f.observed["beta"]["exact"] == "1"
    assert f.observed["r_squared"]["exact"] == {2: "1/2", 3: "2/9"}[n]
    assert f.observed["mean_error"]["exact"] == "0"


def test_a_correct_estimator_is_not_refuted_and_the_verdict_says_it_is_not_a_proof() -> None:
    f = one("exact", "linearity", "circuit")
    assert f.verdict is Verdict.NOT_REFUTED and f.cases > 0
    assert "not a proof" in f.message


def test_a_randomised_estimator_gets_a_statistical_verdict_with_a_p_value() -> None:
    f = one("sampling", "linearity", "circuit", {"samples": "2000"})
    assert f.verdict is Verdict.STATISTICALLY_CONSISTENT
    assert f.p_value is not None and 0 <= f.p_value <= 1


def test_a_property_outside_the_estimators_domains_is_not_applicable() -> None:
    f = one("perm-row", "boundedness", "boolean")
    assert f.verdict is Verdict.NOT_APPLICABLE and f.message


class NeverApplies(PropertyBase):
    """A property whose precondition never holds."""

    name: ClassVar[str] = "never"

    @classmethod
    def defined_on(cls) -> frozenset[str]:
        return frozenset({"circuit"})

    def cases(self, domain: str, estimator: Any) -> Any:
        return st.just(Case(()))

    def evaluate(self, case: Case, call: Any) -> Outcome:
        return Outcome(0, 0, 0.0, 0.0, applicable=False)


def test_a_precondition_that_never_holds_gives_vacuous_not_a_pass() -> None:
    reg = Registry.default()
    f = check_one(NeverApplies(), reg.create("mean"), CheckRequest("mean"), "circuit", QUICK, reg)
    assert f.verdict is Verdict.VACUOUS


def faulty(tmp_path: Path, body: str) -> str:
    plugin = tmp_path / "faulty.py"
    plugin.write_text(
        "from heurcheck.estimators.propagation import MeanPropagation\n"
        "class Faulty:\n    name = 'faulty'\n    domains = frozenset({'circuit'})\n    traceable = True\n"
        f"    def estimate(self, instance, arguments):\n        {body}\n"
    )
    return f"{plugin}:Faulty"


@pytest.mark.parametrize(("body", "kind"), [
    ("raise RuntimeError('boom') if len(instance.gates) > 2 else None\n        return 0", "raised"),
    ("return float('nan') if len(instance.gates) > 2 else MeanPropagation().estimate(instance, arguments)", "nan"),
    ("return 'seven'", "type"),
])
def test_a_failing_estimator_becomes_an_estimator_error_finding_with_its_instance(tmp_path: Path, body: str,
                                                                                 kind: str) -> None:
    f = one(faulty(tmp_path, body), "linearity", "circuit")
    assert f.verdict is Verdict.ESTIMATOR_ERROR
    assert f.observed["error"] == kind
    assert f.witness["instances"]


def test_a_violation_is_saved_at_once_as_versioned_json_that_reads_back(tmp_path: Path) -> None:
    f = one("mean", "restriction-linearity", "boolean", settings=CheckSettings(max_examples=200, findings_dir=tmp_path))
    [path] = list(tmp_path.glob("*.json"))
    doc = json.loads(path.read_text())
    assert doc["schema"] == SCHEMA and doc["verdict"] == "violated" and doc["seed"] == 0
    assert doc["property"] == "restriction-linearity" and doc["estimator"] == "mean" and doc["tool"]
    assert doc["witness"] == f.witness
    case = Case.from_json(Node(doc["witness"]))
    assert case.to_json() == f.witness
    assert doc["command"].startswith("heurcheck check mean -p restriction-linearity --domain boolean")


def test_the_same_seed_gives_the_same_counterexample() -> None:
    a = one("mean", "restriction-linearity", "circuit")
    b = one("mean", "restriction-linearity", "circuit")
    assert (a.verdict, a.witness, a.observed) == (b.verdict, b.witness, b.observed)


def test_the_budget_stops_a_long_search_before_its_case_count() -> None:
    settings = CheckSettings(budget=2, findings_dir=None)  # unbounded, the search runs about 30 s
    f = one("cumulant", "exactness", "circuit", {"order": "3"}, settings=settings)
    assert f.verdict in (Verdict.NOT_REFUTED, Verdict.INCONCLUSIVE)
    assert "budget" in f.message and f.cases < settings.max_examples


def test_a_hanging_estimator_becomes_a_timeout_finding_and_the_run_goes_on(tmp_path: Path) -> None:
    # a call that sleeps a minute and then answers 0: only the call timeout turns it into a finding
    body = "import time\n        time.sleep(60) if len(instance.gates) > 1 else None\n        return 0"
    [f] = check(CheckRequest(faulty(tmp_path, body), {}, ("linearity",), {}, "circuit"),
                CheckSettings(max_examples=100, budget=30, findings_dir=None, call_timeout=0.5))
    assert f.verdict is Verdict.ESTIMATOR_ERROR and f.observed["error"] == "timeout"


def test_an_estimator_that_calls_sys_exit_becomes_a_finding_not_an_exit(tmp_path: Path) -> None:
    f = one(faulty(tmp_path, "import sys\n        sys.exit(3)"), "linearity", "circuit")
    assert f.verdict is Verdict.ESTIMATOR_ERROR and "SystemExit" in f.observed["message"]


def test_saved_files_get_the_usual_permissions_not_the_temporary_files_0600(tmp_path: Path) -> None:
    import os

    from heurcheck.jsonio import write_json_atomic

    path = tmp_path / "card.json"
    write_json_atomic(path, {"a": 1})
    mask = os.umask(0)
    os.umask(mask)
    assert (path.stat().st_mode & 0o777) == 0o666 & ~mask
    assert json.loads(path.read_text()) == {"a": 1} and not list(tmp_path.glob(".card.json.*"))


def test_a_violation_shows_its_two_sides_with_enough_digits_to_differ() -> None:
    from heurcheck.engines.base import violation_text
    from heurcheck.properties.base import Outcome

    assert violation_text(Outcome(2.000004, 2.0, 4e-6, 1e-9)).startswith("2.000004 = 2 fails by 4e-06")
    assert violation_text(Outcome(2.0000000000004, 2.0, 4e-13, 1e-15)).startswith("2.0000000000004 = 2 fails")
    assert violation_text(Outcome(0.1 + 0.2, 0.3, 5.6e-17, 0.0)).startswith("0.30000000000000004 = 0.29999999999999999")
    assert violation_text(Outcome(Fraction(1, 3), 0.5, 0.17, 1e-9)).startswith("1/3 = 0.5 fails by 0.17")


def test_each_side_of_a_relation_has_one_json_form_whatever_its_number_type() -> None:
    from heurcheck.properties.base import Outcome

    sides = Outcome(Fraction(1, 3), 0.5, 0.17, 1e-9).to_json()
    assert sides["lhs"] == {"value": 1 / 3, "exact": "1/3"} and sides["rhs"] == {"value": 0.5, "exact": None}
    assert Outcome(2, 10**400, 1.0, 0.0).to_json()["rhs"] == {"value": None, "exact": str(10**400)}
    assert set(Outcome(float("nan"), 0.0, 1.0, 0.0).to_json()["lhs"]) == {"value", "exact"}


# ------------------------------------------------------------------ reproducible verdicts: case counts decide


_DRAWS: list[int] = []  # how many times FlakyGeneration built its strategy (once per search)


class FlakyGeneration(PropertyBase):
    """A property whose strategy depends on external state in its first `flaky` searches, as
    Hypothesis's "Inconsistent data generation" errors report."""

    name: ClassVar[str] = "flaky-generation"
    flaky: ClassVar[int] = 1

    @classmethod
    def defined_on(cls) -> frozenset[str]:
        return frozenset({"circuit"})

    def cases(self, domain: str, estimator: Any) -> Any:
        _DRAWS.append(1)
        if len(_DRAWS) > self.flaky:
            return st.integers(0, 5).map(lambda _: Case(()))

        @st.composite
        def inconsistent(draw: Any) -> Case:
            _DRAWS.append(0)  # external state: how many draws follow changes from one run to the next
            for _ in range(len(_DRAWS) % 3):
                draw(st.booleans())
            return Case(())

        return inconsistent()

    def evaluate(self, case: Case, call: Any) -> Outcome:
        return Outcome(0, 0, 0.0, 1e-9)


# Hypothesis notices inconsistent generation when it replays a choice sequence: the guided engine's tree of
# seen sequences does on every case, the plain random engine only when it shrinks a failing case
GUIDED = CheckSettings(max_examples=300, budget=30, findings_dir=None, engine="guided")


def test_inconsistent_data_generation_is_retried_with_a_derived_seed_and_said_so() -> None:
    _DRAWS.clear()
    reg = Registry.default()
    f = check_one(FlakyGeneration(), reg.create("mean"), CheckRequest("mean"), "circuit", GUIDED, reg)
    assert f.verdict is Verdict.NOT_REFUTED and f.cases > 0
    assert "the search with seed 0 was retried: Hypothesis reported FlakyStrategyDefinition" in f.message


def test_the_plain_random_search_draws_an_inconsistent_strategy_without_replaying_it() -> None:
    _DRAWS.clear()
    reg = Registry.default()
    f = check_one(FlakyGeneration(), reg.create("mean"), CheckRequest("mean"), "circuit", QUICK, reg)
    # every draw is the same empty case: one case, then the run of repeats ends the search
    assert f.verdict is Verdict.NOT_REFUTED and f.cases == 1
    assert "retried" not in f.message and "500 draws in a row" in f.message


def test_generation_that_stays_inconsistent_is_an_inconclusive_verdict_that_says_why() -> None:
    class AlwaysFlaky(FlakyGeneration):
        flaky: ClassVar[int] = 10**6

    _DRAWS.clear()
    reg = Registry.default()
    f = check_one(AlwaysFlaky(), reg.create("mean"), CheckRequest("mean"), "circuit", GUIDED, reg)
    assert f.verdict is Verdict.INCONCLUSIVE
    assert "inconsistent data generation in each of 4 searches (seeds 0, 1000003, 2000006, 3000009)" in f.message


def test_a_check_ended_by_its_case_count_is_not_capped_and_one_stopped_by_time_says_so() -> None:
    ended = one("exact", "linearity", "circuit", settings=CheckSettings(max_examples=20, budget=600, findings_dir=None))
    assert ended.verdict is Verdict.NOT_REFUTED and not ended.capped and ended.max_examples == 20
    stopped = one("exact", "linearity", "circuit", settings=CheckSettings(budget=0.0, findings_dir=None))
    assert stopped.capped and stopped.verdict is Verdict.INCONCLUSIVE and "budget" in stopped.message


def test_the_same_seed_and_case_count_give_the_same_verdict_and_case_count() -> None:
    settings = CheckSettings(max_examples=60, budget=600, findings_dir=None, seed=3)
    runs = [one("cumulant", "respect-for-proofs", "circuit", settings=settings) for _ in range(2)]
    assert [(f.verdict, f.cases, f.witness, f.capped) for f in runs].count(
        (runs[0].verdict, runs[0].cases, runs[0].witness, False)) == 2


def test_a_request_where_nothing_applies_raises_and_says_why() -> None:
    from heurcheck.checker import plan, require_runnable
    from heurcheck.errors import NothingToCheck

    request = CheckRequest("perm-row", {}, ("boundedness",))
    with pytest.raises(NothingToCheck, match="boundedness on boolean: perm-row does not handle the boolean"):
        require_runnable(request, plan(request, Registry.default().create("perm-row")))


def test_checks_sharing_one_total_budget_are_announced_with_their_count_and_time_left() -> None:
    seen: list[tuple[int, int, str, float | None]] = []
    findings = check(CheckRequest("perm-row", {}, ("linearity", "set-semantics", "boundedness")),
                     CheckSettings(max_examples=10, budget=600, total_budget=600, findings_dir=None),
                     on_start=lambda i, n, c, left: seen.append((i, n, c.property.name, left)))
    assert [(i, n, name) for i, n, name, _ in seen] == [(0, 2, "linearity"), (1, 2, "set-semantics")]
    assert all(left is not None and 0 < left <= 600 for *_, left in seen)
    assert [f.verdict for f in findings][-1] is Verdict.NOT_APPLICABLE  # boundedness: said, not run


def test_a_file_plugin_is_recorded_by_its_resolved_path_and_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    (tmp_path / "plugins").mkdir()
    plugin = tmp_path / "plugins" / "faulty.py"
    plugin.write_text(Path(faulty(tmp_path, "return 0").rpartition(":")[0]).read_text())
    monkeypatch.chdir(tmp_path)
    f = one("plugins/faulty.py:Faulty", "linearity", "circuit", settings=CheckSettings(max_examples=5, findings_dir=None))
    assert f.estimator == f"{plugin.resolve()}:Faulty"
    assert f.plugin_file == {"path": str(plugin.resolve()), "sha256": hashlib.sha256(plugin.read_bytes()).hexdigest()}
    assert str(plugin.resolve()) in f.command
