"""The research distribution: random fan-in-scaled networks (`research_mlp`)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...errors import InvalidInstance
from .model import ACTIVATIONS, MLP, Layer

READOUTS = ("sum", "unit")
MAX_GENERATED_UNITS = 10_000_000  # weights in one generated network


def weight_variance(activation: str, k: int) -> float:
    """w_var of layer k (0-based): 2 after the first layer for relu (He), else 1; weights are N(0, w_var/fan_in)."""
    return 2.0 if activation == "relu" and k > 0 else 1.0


def research_mlp(depth: int, width: int, seed: int, activation: str = "relu", bias_std: float = 0.0,
                 input_dim: int | None = None, readout: str = "sum") -> MLP:
    """A depth x width network with weights N(0, w_var / fan_in) (see `weight_variance`), biases
    N(0, bias_std^2) (exactly 0 when bias_std is 0), every layer `activation`, inputs N(0, I_input_dim)
    (input_dim defaults to width), and a readout summing the last layer's units ("sum") or reading
    its first unit only ("unit": readout (1, 0, ..., 0))."""
    def bad(field: str, value: Any, expected: str) -> InvalidInstance:
        return InvalidInstance(f"field {field}: expected {expected}, got {value!r}")

    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        raise bad("depth", depth, "an integer >= 1")
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise bad("width", width, "an integer >= 1")
    d = width if input_dim is None else input_dim
    if isinstance(d, bool) or not isinstance(d, int) or d < 1:
        raise bad("input_dim", input_dim, "an integer >= 1")
    if activation not in ACTIVATIONS:
        raise bad("activation", activation, f"one of {', '.join(ACTIVATIONS)}")
    if readout not in READOUTS:
        raise bad("readout", readout, f"one of {', '.join(READOUTS)}")
    if not (isinstance(bias_std, (int, float)) and math.isfinite(bias_std) and bias_std >= 0):
        raise bad("bias_std", bias_std, "a finite number >= 0")
    if width * (d + (depth - 1) * width) > MAX_GENERATED_UNITS:
        raise bad("width", width, f"a network of at most {MAX_GENERATED_UNITS} weights (depth {depth}, input {d})")
    rng = np.random.default_rng(seed)
    layers = []
    fan_in = d
    for k in range(depth):
        w = rng.standard_normal((width, fan_in)) * math.sqrt(weight_variance(activation, k) / fan_in)
        weights = tuple(tuple(float(v) for v in row) for row in w)
        if bias_std > 0:
            bias: tuple[Any, ...] = tuple(float(v) for v in rng.standard_normal(width) * bias_std)
        else:
            bias = (0,) * width
        layers.append(Layer(weights, bias, activation))
        fan_in = width
    out = (1,) * width if readout == "sum" else (1,) + (0,) * (width - 1)
    return MLP(d, tuple(layers), out)
