"""No false alarms from floating point: a float violation of a deterministic estimator is confirmed in
exact arithmetic, and one that disappears there is not reported."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest

from heurcheck.arguments import Arguments
from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.domains import get_domain
from heurcheck.estimators.base import Estimate
from heurcheck.estimators.reference import Exact
from heurcheck.findings import Finding, Verdict
from heurcheck.jsonio import Node
from heurcheck.properties.base import Call, Case, evaluate_case
from heurcheck.properties.registry import create
from heurcheck.replay import load_finding, replay

# the witness `heurcheck check exact -p exactness --domain boolean --seed 6` reported as "-1.73e-06 = 0":
# Pr[xor(a, a) ... = 1] = 0 exactly, arithmetised into a degree-32 polynomial evaluated at p = 8/9 in floats
SEED_6_WITNESS = {
    "instances": {"Y": {
        "domain": "boolean", "inputs": [{"id": "a", "p": "8/9"}, {"id": "b", "p": "1/2"}],
        "gates": [{"id": "g1", "op": "xor", "args": ["a", "a"]}, {"id": "g2", "op": "or", "args": ["g1", "g1"]},
                  {"id": "g3", "op": "and", "args": ["g2", "g2"]}, {"id": "g4", "op": "and", "args": ["g3", "g3"]},
                  {"id": "g5", "op": "and", "args": ["g4", "g4"]}],
        "output": "g5"}},
    "arguments": {"Pi": []}, "numbers": {},
}


def _case() -> Case:
    return Case.from_json(Node(SEED_6_WITNESS))


def test_the_seed_6_witness_violates_on_floats_but_not_once_confirmed_in_exact_arithmetic() -> None:
    prop, case = create("exactness"), _case()
    on_floats = prop.evaluate(case, Call(Exact()))
    assert on_floats.violates and on_floats.violation > 1e-7  # the cancellation the issue reports
    confirmed = evaluate_case(prop, case, Call(Exact()))
    assert not confirmed.violates and confirmed.violation == 0
    assert "disappears in exact arithmetic" in confirmed.detail


class _Off:
    """The truth plus 1/1000 (a real fault, on exact numbers as on floats)."""

    name: ClassVar[str] = "off"
    domains: ClassVar[frozenset[str]] = frozenset({"boolean", "circuit"})

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        return get_domain(instance.domain).truth(instance, arguments) + 0.001


class _FloatsOnly(_Off):
    """Refuses exact numbers: its float verdict must stand."""

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        if any(not isinstance(v, float) for v in instance.parameters()):
            raise TypeError("floats only")
        return super().estimate(instance, arguments)


def test_a_real_violation_stays_a_violation_after_the_exact_confirmation() -> None:
    prop = create("exactness")
    out = evaluate_case(prop, _case(), Call(_Off()))
    assert out.violates and abs(out.violation - 0.001) < 1e-5  # 1/1000, give or take the float residue
    assert out == prop.evaluate(_case(), Call(_Off()))  # the float outcome is the one reported


def test_an_estimator_that_cannot_run_on_exact_numbers_keeps_its_float_verdict() -> None:
    prop = create("exactness")
    out = evaluate_case(prop, _case(), Call(_FloatsOnly()))
    assert out.violates and out == prop.evaluate(_case(), Call(_FloatsOnly()))


def test_replaying_a_float_rounding_finding_says_it_now_holds(tmp_path: Path) -> None:
    prop = create("exactness")
    out = prop.evaluate(_case(), Call(Exact()))  # what the check reported before the confirmation
    saved = Finding(property="exactness", parameters=dict(prop.params), estimator="exact", options={},
                    domain="boolean", verdict=Verdict.VIOLATED, engine="random", seed=6, cases=1,
                    witness=SEED_6_WITNESS, observed=out.to_json(), command="").save(tmp_path)
    assert not replay(load_finding(saved)).still_fails


@pytest.mark.slow
def test_exact_is_not_refuted_on_exactness_over_boolean_circuits_at_seed_6() -> None:
    settings = CheckSettings(max_examples=1200, budget=600, seed=6, findings_dir=None)
    [f] = check(CheckRequest("exact", {}, ("exactness",), {}, "boolean"), settings)
    assert f.verdict is Verdict.NOT_REFUTED, f.message


class _Cancelling:
    """Floats only: the truth computed as (2^30 + t) - 2^30, which loses about 2^30 * eps to rounding (above
    the 1e-9 tolerance), plus `fault`. With `states` it returns the bound eps * (2^30 + |t|) * 2 on that
    error, as an estimator that cannot run in exact arithmetic may."""

    name: ClassVar[str] = "cancelling"
    domains: ClassVar[frozenset[str]] = frozenset({"boolean", "circuit"})

    def __init__(self, states: bool = True, fault: float = 0.0) -> None:
        self.states, self.fault = states, fault

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        if any(not isinstance(v, float) for v in instance.parameters()):
            raise TypeError("floats only")
        big, t = float(2**30), float(get_domain(instance.domain).truth(instance, arguments)) + self.fault
        value = (big + t) - big
        return Estimate(value, rounding=2 * sys.float_info.epsilon * (big + abs(t))) if self.states else value


class _Silent(_Cancelling):
    name: ClassVar[str] = "cancelling-silent"

    def __init__(self, states: bool = False, fault: float = 0.0) -> None:
        super().__init__(states, fault)


# Pr[a] with Pr[a = 1] = 1/3: t = 1/3 is not a float, and (2^30 + t) - 2^30 misses it by about 6e-8
THIRD = {"instances": {"Y": {"domain": "boolean", "inputs": [{"id": "a", "p": "1/3"}], "gates": [], "output": "a"}},
         "arguments": {"Pi": []}, "numbers": {}}


@pytest.mark.parametrize("prop_name", ["exactness", "boundedness"])
def test_a_rounding_bound_the_estimator_states_widens_the_tolerance_by_that_bound_only(prop_name: str) -> None:
    prop, case = create(prop_name), Case.from_json(Node(THIRD))
    silent = evaluate_case(prop, case, Call(_Cancelling(states=False)))
    stated = evaluate_case(prop, case, Call(_Cancelling(states=True)))
    if prop_name == "exactness":
        assert silent.violates and 1e-9 < silent.violation < 1e-7  # the rounding of a floats-only computation
    assert not stated.violates and stated.tolerance <= silent.tolerance + 2 * sys.float_info.epsilon * (2**30 + 1)
    assert "rounding bound" in stated.detail
    faulty = evaluate_case(prop, case, Call(_Cancelling(states=True, fault=1e-3)))  # a real fault stays one
    assert faulty.violates is (prop_name == "exactness")


def test_combined_estimates_pass_their_stated_rounding_bounds_on() -> None:
    from heurcheck.properties.base import rounding_of

    a, b = Estimate(1.0, rounding=1e-8), Estimate(2.0)
    assert rounding_of((3, a), (-2, b)) == pytest.approx(3e-8) and rounding_of((1, b)) is None
    settings = CheckSettings(max_examples=60, budget=60, findings_dir=None)
    for prop_name, domain in (("linearity", "circuit"), ("independence", "circuit"), ("independence", "boolean"),
                              ("restriction-linearity", "circuit"), ("restriction-linearity", "boolean")):
        [f] = check(CheckRequest("cancelling", {}, (prop_name,), {}, domain), settings, _registry())
        assert f.verdict is Verdict.NOT_REFUTED, f"{prop_name} on {domain}: {f.message}"
    # the same search without the stated bound: the rounding is visible (G(XY) against G(X) G(Y))
    [silent] = check(CheckRequest("cancelling-silent", {}, ("independence",), {}, "circuit"), settings, _registry())
    assert silent.verdict is Verdict.VIOLATED, silent.message


def _registry() -> Any:
    from heurcheck.estimators.registry import Registry

    registry = Registry.default(entry_points=False)
    registry.register(_Cancelling)
    registry.register(_Silent)
    return registry
