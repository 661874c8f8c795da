"""Witnesses of estimator errors are the smallest failing cases seen, like violations are shrunk."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from heurcheck.domains.circuit import polynomial
from heurcheck.engines.base import SearchOptions
from heurcheck.engines.random import RandomEngine
from heurcheck.estimators.propagation import MeanPropagation
from heurcheck.properties.base import Call
from heurcheck.properties.registry import create


class ConstantDivides:
    """Mean propagation times n / n, n the number of non-constant monomials: ZeroDivisionError on a constant output."""

    name: ClassVar[str] = "constant-divides"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit"})

    def estimate(self, instance: Any, arguments: Any) -> Any:
        moving = sum(1 for k, v in polynomial(instance).items() if k and v != 0)
        return MeanPropagation().estimate(instance, arguments) * moving / moving


def test_an_error_found_on_a_chain_ending_in_a_scale_by_zero_is_reported_on_the_smallest_case_seen() -> None:
    # at seed 2 Hypothesis's own minimal example is x0, five products and a scale by 0 (7 nodes), although
    # it met a lone scale by 0 (2 nodes) on the way
    prop = create("exactness")
    result = RandomEngine(SearchOptions(seed=2)).search(prop, prop.space("circuit", ConstantDivides()),
                                                         Call(ConstantDivides()), 600, lambda case, found: None)
    assert result.failure is not None
    case, failure = result.failure
    assert failure.kind == "raised" and "ZeroDivisionError" in str(failure)
    assert case.size() == 2


@pytest.mark.slow
def test_a_division_by_zero_on_constant_outputs_is_shrunk_to_a_few_nodes_on_every_seed() -> None:
    # through the whole check, the plugin loaded from its file in a worker process as a user would run it;
    # the issue saw 18 and 21 nodes (unused inputs, scale-by-0 gates) on some seeds against 4 on others
    from pathlib import Path

    from heurcheck.checker import CheckRequest, CheckSettings, check
    from heurcheck.findings import Verdict

    plugin = f"{Path(__file__).resolve()}:ConstantDivides"
    sizes = []
    for seed in range(5):
        [f] = check(CheckRequest(plugin, {}, ("exactness",), {}, "circuit"),
                    CheckSettings(max_examples=300, budget=120, seed=seed, findings_dir=None))
        assert f.verdict is Verdict.ESTIMATOR_ERROR and "ZeroDivisionError" in f.message, f.message
        sizes.append(f.observed["size"])
    assert max(sizes) <= 4, sizes
