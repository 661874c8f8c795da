"""calibration on multilayer perceptrons: one relu, erf or identity layer (an exact truth in closed form
or as a polynomial, and outputs with light tails); the domain's order atoms ask for effort and change
nothing random, so Pi is empty."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ...arguments import EMPTY
from ...domains.mlp import instances


class MLPCalibration:
    def instances(self, max_gates: int, max_degree: int) -> Any:
        return instances(max_depth=1, max_width=max(1, min(max_gates, 3)), activations=("identity", "relu", "erf"))

    def arguments(self, y: Any) -> Any:
        return st.just(EMPTY)


FACET = MLPCalibration()
