"""An installable estimator plugin: mean propagation on boolean circuits, shrunk towards 1/2.

G(Y | Pi) = (1 - w) M(Y | Pi) + w / 2, with M the built-in mean propagation. For 0 <= w <= 2 the
estimate stays in [0, 1] (boundedness holds); for w > 2 it can leave it. It inherits mean
propagation's failure of restriction linearity for every w != 1.
"""

from __future__ import annotations

from typing import Any

from heurcheck import Arguments, Option
from heurcheck.estimators.propagation import MeanPropagation

__all__ = ["ShrunkMean"]


class ShrunkMean:
    """Mean propagation shrunk towards 1/2 by the weight w."""

    name = "shrunk-mean"
    domains = frozenset({"boolean"})
    randomised = False
    traceable = False  # the float weight would turn exact Fraction estimates into floats
    options = {"weight": Option(float, 0.5, "the weight w of 1/2 in the estimate", minimum=0.0)}

    def __init__(self, weight: float = 0.5) -> None:
        self.weight = weight

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        value = MeanPropagation().estimate(instance, arguments)
        return (1 - self.weight) * value + self.weight / 2
