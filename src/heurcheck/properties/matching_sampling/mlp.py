"""matching-sampling on multilayer perceptrons: contexts are random fan-in-scaled networks (`research_mlp`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...domains.mlp import MLP, monte_carlo, research_mlp
from ...domains.mlp import truth as exact_truth
from ...errors import TruthTooExpensive
from . import Reference


class MLPMatchingSampling:
    def contexts(self, m: int, seed: int, params: Mapping[str, Any]) -> list[MLP]:
        return [research_mlp(params["depth"], params["width"], seed * 100_003 + i, params["activation"])
                for i in range(m)]

    def describe(self, params: Mapping[str, Any]) -> str:
        return (f"random {params['activation']} MLPs of depth {params['depth']} and width {params['width']}, "
                f"weights N(0, w_var / fan_in), inputs N(0, I), readout the sum of the last layer")

    def reference(self, x: MLP, samples: int, seed: int) -> Reference:
        mc = monte_carlo(x, samples, seed)
        variance = mc.stderr ** 2 * samples  # Var_x M, estimated from the same draws
        try:
            return Reference(float(exact_truth(x)), 0.0, variance)
        except TruthTooExpensive:
            return Reference(mc.mean, mc.stderr, variance)

    def sample_cost(self, x: MLP) -> int:
        """One forward pass: per layer, 2 fan_in operations per unit (fan_in multiplications, fan_in - 1
        additions and the bias) and one activation per unit; then 2 per readout entry (less one)."""
        ops = sum(layer.width * (2 * layer.fan_in + 1) for layer in x.layers)
        return ops + 2 * len(x.readout) - 1


FACET = MLPMatchingSampling()
