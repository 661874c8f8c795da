"""Faulty estimators: each fault (raise, NaN, infinity, wrong type, hang, hang in a thread, unbounded
allocation, sys.exit, os._exit) becomes an estimator-error finding naming the instance that triggered
it, and the run goes on with the other checks. Plugins run isolated (a worker process that can be
stopped) by default; the faults that cannot harm the run are also checked in-process."""

from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from heurcheck.arguments import Arguments
from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.domains import load_instance
from heurcheck.estimators.registry import Registry
from heurcheck.findings import Verdict
from heurcheck.estimators.loading import load
from heurcheck.isolation import DEFAULT_MEMORY_LIMIT, IsolatedEstimator, IsolationSettings, wanted
from heurcheck.properties.base import Call, EstimatorFailure
from heurcheck.replay import load_finding, replay

pytestmark = pytest.mark.slow  # the slow tier: `pytest -m "not slow"` leaves this module out

FAULTS = str(Path(__file__).resolve().parent / "robustness_faults.py")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "instances"
# 30 cases end each check, not the budget (generous, so a loaded machine gets as many cases as a quiet one);
# a call timeout of 2 s stops a hang soon and leaves a healthy call on a loaded machine ample time
QUICK = CheckSettings(max_examples=30, budget=120, findings_dir=None, call_timeout=2.0, memory_limit=256 * 2**20)

# fault class -> the estimator-error kind it must give, and whether it is safe to run in-process
KINDS = {
    "Raises": ("raised", True), "ReturnsNaN": ("nan", True), "ReturnsInfinity": ("nan", True),
    "ReturnsWrongType": ("type", True), "Hangs": ("timeout", True), "CallsSysExit": ("raised", True),
    "HangsInThread": ("timeout", False), "AllocatesWithoutBound": ("memory", False),
    "CrashesWithOsExit": ("crashed", False),
}
CASES = [(fault, "plugins") for fault in KINDS] + [(fault, "never") for fault, (_, safe) in KINDS.items() if safe]


@pytest.mark.parametrize(("fault", "isolate"), CASES, ids=[f"{f}-{i}" for f, i in CASES])
def test_each_fault_is_an_estimator_error_naming_its_instance_and_the_run_goes_on(tmp_path: Path, fault: str,
                                                                                 isolate: str) -> None:
    kind, _ = KINDS[fault]
    settings = replace(QUICK, findings_dir=tmp_path, isolate=isolate)
    if kind == "memory":  # filling 256 MiB can take longer than 2 s on a loaded machine: not a timeout
        settings = replace(settings, call_timeout=10.0)
    failed, after = check(CheckRequest(f"{FAULTS}:{fault}", {}, ("linearity", "boundedness")), settings)
    assert (failed.property, failed.domain, failed.verdict) == ("linearity", "circuit", Verdict.ESTIMATOR_ERROR)
    assert failed.observed["error"] == kind, failed.message
    instances = failed.witness["instances"]
    assert instances and all(x["domain"] == "circuit" and x["gates"] for x in instances.values())
    assert (after.property, after.domain, after.verdict) == ("boundedness", "boolean", Verdict.NOT_REFUTED)
    [saved] = tmp_path.glob("linearity--*.json")
    assert load_finding(saved).witness == failed.witness
    assert "budget" not in after.message  # the check after the fault ended by its case count, not its budget
    assert not multiprocessing.active_children()  # the worker ended with the run


def test_a_hang_in_c_code_that_no_signal_can_interrupt_is_stopped_by_isolation() -> None:
    [f] = check(CheckRequest(f"{FAULTS}:HangsInC", {}, ("linearity",), {}, "circuit"), QUICK)
    assert f.verdict is Verdict.ESTIMATOR_ERROR and f.observed["error"] == "timeout"


def test_a_hang_outside_the_main_thread_where_sigalrm_cannot_reach_is_stopped_by_isolation() -> None:
    found = []
    runner = threading.Thread(target=lambda: found.extend(
        check(CheckRequest(f"{FAULTS}:Hangs", {}, ("linearity",), {}, "circuit"), QUICK)))
    runner.start()
    runner.join(30)
    assert not runner.is_alive()
    [f] = found
    assert f.verdict is Verdict.ESTIMATOR_ERROR and f.observed["error"] == "timeout"


def test_replaying_a_finding_of_a_crashing_plugin_reports_it_instead_of_dying(tmp_path: Path) -> None:
    check(CheckRequest(f"{FAULTS}:CrashesWithOsExit", {}, ("linearity",), {}, "circuit"),
          replace(QUICK, findings_dir=tmp_path))
    [saved] = tmp_path.glob("*.json")
    finding = load_finding(saved)
    result = replay(finding, allowed=(finding.estimator,))  # the reference is the test's own: allowed by name
    assert result.still_fails and "crashed" in result.message


# --------------------------------------------------------------------------- the isolation itself


def test_only_third_party_estimators_are_isolated_by_default() -> None:
    registry = Registry.default()
    assert not wanted("plugins", registry, "mean") and wanted("always", registry, "mean")
    assert wanted("plugins", registry, f"{FAULTS}:Raises") and not wanted("never", registry, f"{FAULTS}:Raises")
    assert CheckSettings().isolate == "plugins" and CheckSettings().memory_limit == DEFAULT_MEMORY_LIMIT
    with pytest.raises(ValueError, match="isolate='sometimes'"):
        wanted("sometimes", registry, "mean")


def test_the_proxy_has_the_estimators_attributes_and_runs_it_in_another_process() -> None:
    registry = Registry.default()
    name = f"{FAULTS}:WhereAndSeed"
    with load(registry, name, {}, "plugins") as loaded:
        proxy, isolated_registry = loaded.estimator, loaded.source
        assert isinstance(proxy, IsolatedEstimator)
        assert (proxy.name, proxy.domains, proxy.randomised, proxy.traceable) == \
            ("where-and-seed", frozenset({"boolean"}), True, False)
        assert set(proxy.options) == {"seed"}
        instance = load_instance(EXAMPLES / "boolean-fanout.json")
        first = proxy.estimate(instance, Arguments())
        reseeded = isolated_registry.create(name, seed=7).estimate(instance, Arguments())
        assert first.value == 0 and reseeded.value == 7  # the worker built the estimator with the new seed
        assert first.stderr == reseeded.stderr != os.getpid()  # the same worker, not this process


def test_a_randomised_plugin_gets_its_per_call_seeds_through_the_worker() -> None:
    registry = Registry.default()
    name = f"{FAULTS}:WhereAndSeed"
    with load(registry, name, {}, "plugins") as loaded:
        proxy, isolated_registry = loaded.estimator, loaded.source
        call = Call(proxy, reseed=lambda seed: isolated_registry.create(name, seed=seed), seed=3)
        call.begin(None, "case-1")
        instance = load_instance(EXAMPLES / "boolean-fanout.json")
        seeds = {call(instance, Arguments()).value for _ in range(3)}
        assert len(seeds) == 3  # one fresh seed per call, each built in the worker


@pytest.mark.parametrize(("estimator", "options", "prop"), [
    ("mean", {}, "unpredictable-errors"),  # the traceable route: sympy instances and results cross the pipe
    ("sampling", {"samples": "500"}, "linearity"),  # randomised: a fresh seed per call, built in the worker
])
def test_an_isolated_estimator_gives_the_same_finding_as_in_process(estimator: str, options: dict[str, str],
                                                                    prop: str) -> None:
    request = CheckRequest(estimator, options, (prop,), {}, "circuit")
    settings = CheckSettings(max_examples=30, budget=120, findings_dir=None)  # both runs end at 30 cases
    [isolated] = check(request, replace(settings, isolate="always"))
    [in_process] = check(request, replace(settings, isolate="never"))
    assert isolated.cases > 0 and replace(isolated, seconds=None) == replace(in_process, seconds=None)  # times differ


def test_a_timed_out_worker_is_replaced_and_the_next_call_works() -> None:
    registry = Registry.default()
    name = f"{FAULTS}:Hangs"
    with load(registry, name, {}, "plugins", IsolationSettings(timeout=2.0)) as loaded:
        proxy = loaded.estimator
        circuit, boolean = load_instance(EXAMPLES / "square.json"), load_instance(EXAMPLES / "boolean-fanout.json")
        with pytest.raises(EstimatorFailure) as failure:
            Call(proxy)(circuit, Arguments())
        assert failure.value.kind == "timeout" and failure.value.instance == circuit
        assert Call(proxy)(boolean, Arguments()).value == 0.5


def test_a_request_that_cannot_be_pickled_runs_in_process() -> None:
    registry = Registry.default()
    name = f"{FAULTS}:WhereAndSeed"
    with load(registry, name, {}, "plugins", IsolationSettings()) as loaded:
        proxy = loaded.estimator
        unpicklable = load_instance(EXAMPLES / "boolean-fanout.json")
        object.__setattr__(unpicklable, "note", lambda: None)  # a lambda does not pickle
        assert proxy.estimate(unpicklable, Arguments()).stderr == os.getpid()
