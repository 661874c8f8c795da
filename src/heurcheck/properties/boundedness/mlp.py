"""boundedness on MLPs: with a non-negative last activation (relu, square) read out with
non-negative weights, the output is non-negative, so E[Y] >= 0 and so must be its estimate."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains.mlp import MLP, instances

NON_NEGATIVE = ("relu", "square")


class MLPBoundedness:
    quantity = "E[Y]"

    def instances(self, max_gates: int) -> Any:
        """Networks of up to 2 layers and `max_gates` units per layer (at most 4), the last layer's
        activation relu or square and the readout's weights made non-negative."""
        networks = instances(max_depth=2, max_width=max(1, min(max_gates, 4)))

        @st.composite
        def bounded(draw: Any) -> MLP:
            net = draw(networks)
            last = replace(net.layers[-1], activation=draw(st.sampled_from(NON_NEGATIVE)))
            return replace(net, layers=net.layers[:-1] + (last,), readout=tuple(abs(r) for r in net.readout))

        return bounded()

    def arguments(self, net: MLP) -> Any:
        return st.just(Arguments())  # the domain has no argument atoms

    def bounds(self, net: MLP) -> tuple[int, None]:
        return 0, None


FACET = MLPBoundedness()
