"""A single-file estimator plugin: mean propagation clamped to [0, 1] on boolean circuits.

Use it without installing anything:

    heurcheck estimate examples/plugins/clamped_mean.py:ClampedMean examples/instances/boolean-fanout.json

The estimator is a plain class with the capabilities as class attributes and one method; it
calls a built-in estimator's public class rather than reaching into internals.
"""

from heurcheck import Arguments, Option
from heurcheck.estimators.propagation import MeanPropagation


class ClampedMean:
    """Mean propagation, clamped into [low, 1 - low]."""

    name = "clamped-mean"
    domains = frozenset({"boolean"})
    randomised = False
    traceable = False  # the clamp compares values, so it cannot run on symbolic parameters
    options = {"low": Option(float, 0.0, "lower clamp (the upper one is 1 - low)", minimum=0.0)}

    def __init__(self, low: float = 0.0) -> None:
        self.low = low

    def estimate(self, instance, arguments: Arguments):
        value = MeanPropagation().estimate(instance, arguments)
        return min(max(value, self.low), 1 - self.low)
