"""accuracy on multilayer perceptrons: D is the research distribution of `heurcheck generate mlp`, sampled.

`generator` (the default here): `GENERATED` relu networks `research_mlp(depth=n, width=WIDTH, seed=k)`
for k = 0, 1, ... (weights N(0, w_var / fan_in), the readout summing the last layer), a seeded sample of
the generator's law; their truths are exact at depth 1 (closed form) and Monte Carlo beyond (the
domain's `truth_samples` draws each, a seed per network). The moments, the mean error, beta and R^2
are reported with standard errors over the generator's law, and judged within them (never proved).
The `family` distribution (Hypothesis instances) is offered too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...domains.mlp import MLP, research_mlp

WIDTH = 8
GENERATED = 40


@dataclass(frozen=True)
class ResearchNetworks:
    """The first `count` networks of the research generator at depth n (seeds 0 to count - 1)."""

    width: int = WIDTH
    count: int = GENERATED
    sample = True  # a sample of the generator's law: moments judged within their standard errors

    def members(self, n: int) -> list[MLP]:
        return [research_mlp(depth=n, width=self.width, seed=k) for k in range(self.count)]

    def numbers(self, n: int) -> tuple[tuple[str, Any], ...]:
        return (("depth", n), ("width", self.width), ("networks", self.count))

    def what(self, n: int, count: int) -> str:
        return (f"{count} relu networks of the research generator (depth {n}, width {self.width}, seeds 0 to "
                f"{count - 1})")


class MLPAccuracy:
    auto = "generator"
    enumerated: Mapping[str, ResearchNetworks] = {"generator": ResearchNetworks()}

    def members_of(self, example: MLP, numbers: Mapping[str, Any]) -> list[MLP] | None:
        if "networks" not in numbers:
            return None
        return ResearchNetworks(int(numbers["width"]), int(numbers["networks"])).members(int(numbers["depth"]))


FACET = MLPAccuracy()
