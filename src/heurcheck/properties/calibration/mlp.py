"""calibration on multilayer perceptrons: one relu, erf or identity layer (an exact truth in closed form
or as a polynomial, and outputs with light tails); the domain's order atoms ask for effort and change
nothing random, so Pi is empty.

A relu unit is kept only when it is active with a probability between 1/8 and 7/8 (or never varies): a
unit that is rarely active makes Y a rare event (relu(x/2 - 2) is positive with probability 3e-5), where
a Monte Carlo mean is far from normal and usually every draw is 0, so the hypothesis calibration tests
(z-scores close to standard normal) does not describe an honest sampler there. The same bounds as the
boolean facet's probabilities."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from hypothesis import strategies as st

from ...arguments import EMPTY
from ...domains.mlp import MLP, instances

ACTIVE = (1 / 8, 7 / 8)  # the probabilities with which a relu unit may be active
_EDGE = NormalDist().inv_cdf(ACTIVE[1])  # |mean| / sd of a pre-activation at those probabilities


class MLPCalibration:
    def instances(self, max_gates: int, max_degree: int) -> Any:
        return instances(max_depth=1, max_width=max(1, min(max_gates, 3)),
                         activations=("identity", "relu", "erf")).filter(near_normal)

    def arguments(self, y: Any) -> Any:
        return st.just(EMPTY)


def near_normal(net: MLP) -> bool:
    """Whether every relu unit of the first layer is active with a probability in ACTIVE, or is constant."""
    layer = net.layers[0]
    if layer.activation != "relu":
        return True
    d = net.input_dim
    mean = [float(m) for m in net.input_mean] if net.input_mean is not None else [0.0] * d
    cov = [[float(c) for c in row] for row in net.input_cov] if net.input_cov is not None else \
        [[float(i == j) for j in range(d)] for i in range(d)]
    for row, b in zip(layer.weights, layer.bias):
        w = [float(v) for v in row]
        m = sum(wi * mi for wi, mi in zip(w, mean)) + float(b)
        var = sum(w[i] * cov[i][j] * w[j] for i in range(d) for j in range(d))
        if var > 0 and abs(m) > _EDGE * math.sqrt(var):
            return False
    return True


FACET = MLPCalibration()
