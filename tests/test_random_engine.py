"""The random search's two ways of generating cases: `random` draws each case afresh (Hypothesis's random provider
without its generation heuristics), `guided` keeps Hypothesis's heuristics. Both shrink with Hypothesis."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as F
from typing import Any

import pytest
from hypothesis import strategies as st

from heurcheck.arguments import Arguments
from heurcheck.domains.circuit import Circuit, Gate, Gaussian, Input
from heurcheck.engines.base import SearchOptions
from heurcheck.engines.random import REPEATS_IN_A_ROW, GuidedEngine, RandomEngine, _Enough
from heurcheck.engines.registry import create_engine
from heurcheck.estimators.propagation import MeanPropagation
from heurcheck.properties.base import Call, one_instance_cases
from heurcheck.properties.registry import create


def _draws(engine: RandomEngine, count: int) -> list[int]:
    """The first `count` values one search of the engine's kind draws from the integers 0..9."""
    drawn: list[int] = []

    def body(value: int) -> None:
        drawn.append(value)
        if len(drawn) >= count:
            raise _Enough()

    try:
        engine._hypothesis(st.integers(0, 9), body, ("generate",), 0, count, plain=not engine.guided)
    except _Enough:
        pass
    return drawn


def test_the_random_engine_draws_every_case_afresh_and_the_guided_one_never_draws_one_twice() -> None:
    plain = _draws(RandomEngine(), 200)
    assert len(plain) == 200 and set(plain) == set(range(10))  # ten values, drawn again and again
    guided = _draws(GuidedEngine(), 200)
    # Hypothesis's tree of seen choices: the ten values once each, then it knows the space is used up
    assert sorted(guided) == list(range(10))


def test_both_engines_are_built_in_and_keep_their_options() -> None:
    options = SearchOptions(seed=3, max_examples=77)
    for name, cls in (("random", RandomEngine), ("guided", GuidedEngine)):
        engine = create_engine(name, options)
        assert type(engine) is cls and engine.name == name and engine.options == options


def _small_space() -> Any:
    """Exactness on three fixed one-input circuits: a space of three cases."""
    x = Input("x", Gaussian(F(1, 2), F(1)))
    circuits = [Circuit((x,), (), "x"), Circuit((x,), (Gate("sq", "mul", ("x", "x")),), "sq"),
                Circuit((x,), (Gate("n", "neg", ("x",)),), "n")]
    prop = create("exactness")
    space = prop.space("circuit", MeanPropagation())
    return prop, replace(space, draw=lambda: one_instance_cases(st.sampled_from(circuits),
                                                                lambda y: st.just(Arguments())), first=None)


def test_a_plain_search_of_a_used_up_space_ends_after_a_run_of_repeats_and_says_so() -> None:
    prop, space = _small_space()
    result = RandomEngine(SearchOptions(max_examples=5000)).search(prop, space, Call(MeanPropagation()), 600,
                                                                   lambda case, found: None)
    assert result.cases == 3 and result.witness is None and result.failure is None
    assert any(f"after {REPEATS_IN_A_ROW} draws in a row" in note for note in result.notes), result.notes
    decision = result.decision("random", SearchOptions(), randomised=False)
    assert "no counterexample in 3 cases" in decision.message and "used up" in decision.message


class AbsMean:
    """Mean propagation's absolute value: not linear (a negative combination of wires)."""

    name = "abs-mean"
    domains = frozenset({"circuit"})

    def estimate(self, instance: Any, arguments: Any) -> Any:
        return abs(MeanPropagation().estimate(instance, arguments))


@pytest.mark.parametrize("engine", [RandomEngine, GuidedEngine])
def test_both_engines_find_and_shrink_a_violation(engine: type[RandomEngine]) -> None:
    prop = create("linearity", form="combination")
    call = Call(AbsMean())
    result = engine(SearchOptions(seed=0, max_examples=500)).search(prop, prop.space("circuit", call.estimator),
                                                                    call, 600, lambda case, found: None)
    assert result.witness is not None and result.cases < 500
    case, out = result.witness
    # shrunk: at seeds 1-4 the witness has 12 nodes (X, Y and the combination's circuit), at seed 0 18
    assert out.violates and case.size() <= 18, case


def test_a_randomised_estimators_search_is_guided_on_the_random_engine() -> None:
    # its violations are statistical: Hypothesis's tree draws each of the three cases once and knows the space
    # is used up, where a plain search would draw repeats until its run of 500 ends it
    from heurcheck.estimators.reference import Sampling

    prop, space = _small_space()
    result = RandomEngine(SearchOptions(max_examples=5000)).search(prop, space, Call(Sampling(samples=200, seed=1)),
                                                                   600, lambda case, found: None)
    assert result.cases == 3 and not result.notes
