"""matching-sampling on boolean circuits: contexts are the seeded family of the domain's strategy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...arguments import EMPTY
from ...domains.boolean import BooleanCircuit
from ...domains.boolean import truth as boolean_truth
from ..accuracy import _family
from . import Reference


class BooleanMatchingSampling:
    def contexts(self, m: int, seed: int, params: Mapping[str, Any]) -> list[Any]:
        return _family("boolean", m, seed, max_gates=params["max_gates"], probabilities="half")

    def describe(self, params: Mapping[str, Any]) -> str:
        return (f"the domain's strategy (Hypothesis seed as context_seed), circuits of at most "
                f"{params['max_gates']} gates, every input probability 1/2")

    def reference(self, x: BooleanCircuit, samples: int, seed: int) -> Reference:
        """Exact: p = P(C = 1), Var = p (1 - p)."""
        p = boolean_truth(x, EMPTY)
        return Reference(float(p), 0.0, float(p * (1 - p)))

    def sample_cost(self, x: BooleanCircuit) -> int:
        """One operation per input drawn and per gate (a constant costs nothing)."""
        return len(x.inputs) + sum(1 for g in x.gates if g.op != "const")

    def forward(self, x: Any, xp: Any) -> Any:
        raise NotImplementedError("no array form of one sample here: its cost is counted by sample_cost")


FACET = BooleanMatchingSampling()
