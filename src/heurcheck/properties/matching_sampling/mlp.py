"""matching-sampling on multilayer perceptrons: contexts are random fan-in-scaled networks (`research_mlp`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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

    def forward(self, x: MLP, xp: Any) -> Any:
        """One forward pass on one Gaussian input, drawn and computed with xp."""
        h = xp.random.standard_normal(x.input_dim)
        for layer in x.layers:
            w = xp.asarray([[float(v) for v in row] for row in layer.weights])
            h = _ACTIVATIONS[layer.activation](xp, w @ h + xp.asarray([float(b) for b in layer.bias]))
        return xp.asarray([float(r) for r in x.readout]) @ h


_ACTIVATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "relu": lambda xp, z: xp.maximum(z, 0.0), "tanh": lambda xp, z: xp.tanh(z), "identity": lambda xp, z: z,
    "square": lambda xp, z: z * z, "cube": lambda xp, z: z * z * z,
}  # erf and gelu need erf, which numpy's namespace lacks: their forward pass raises KeyError

FACET = MLPMatchingSampling()
