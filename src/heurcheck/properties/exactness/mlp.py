"""exactness on multilayer perceptrons: `order:K` keeps joint cumulants up to K through the network, and
the estimate must be exact once K reaches the degree of Y in the first layer's outputs.

Why that degree: the first layer's pre-activations are jointly Gaussian (the input is), so order-K
propagation has the first layer's moments up to K exactly; if every later layer is polynomial, Y is a
polynomial of degree D (the product of their degrees: identity 1, square 2, cube 3) in the first layer's
outputs, and its expectation needs their moments up to D and nothing the closure approximates. So mean
propagation (K = 1) must be exact at depth 1 and before identity layers, the Gaussian closure (K = 2)
also before one square layer; an estimator that cannot keep order D says the case is outside its domain.
The networks drawn are those whose truth is exact: polynomial ones, one relu or erf layer before
identity layers (closed form), and a one-unit relu or erf first layer before polynomial layers
(one-dimensional quadrature), on N(0, I) or an explicit Gaussian input.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains.mlp import MLP, Layer, NetworkOrder, instances, live

DEGREE = {"identity": 1, "square": 2, "cube": 3}
FIRST = ("relu", "erf", "identity", "square", "cube")
OWN_DEGREE = {"relu": 1, "erf": 1, "identity": 1, "square": 2, "cube": 3}  # growth of the first layer's tails
MAX_TOTAL_DEGREE = 4  # Y at most a quartic in Gaussians: Monte Carlo's standard error stays trustworthy


class MLPExactness:
    def applies(self, estimator: Any) -> str | None:
        return None

    def instances(self, max_gates: int) -> Any:
        """Up to 3 layers of up to `max_gates` units (at most 4); the later layers identity or square;
        a relu or erf first layer has one unit unless every later layer is identity; Y grows at most like
        a quartic in the inputs (heavier tails make a Monte Carlo estimate's own standard error unreliable,
        which is not what this property is about)."""
        networks = instances(max_depth=3, max_width=max(1, min(max_gates, 4)), activations=("identity", "square"))

        @st.composite
        def build(draw: Any) -> MLP:
            net = draw(networks)
            first = net.layers[0]
            degree = self.degree(net)
            activation = draw(st.sampled_from([a for a in FIRST if OWN_DEGREE[a] * degree <= MAX_TOTAL_DEGREE]))
            if activation in ("relu", "erf") and any(layer.activation != "identity" for layer in net.layers[1:]):
                first = Layer(first.weights[:1], first.bias[:1], activation)
                above = net.layers[1:]
                if above:
                    above = (replace(above[0], weights=tuple(row[:1] for row in above[0].weights)),) + above[1:]
                    return live(replace(net, layers=(first,) + above))
                return live(replace(net, layers=(first,), readout=net.readout[:1]))
            return replace(net, layers=(replace(first, activation=activation),) + net.layers[1:])

        return build()

    def arguments(self, y: MLP) -> Any:
        return st.just(Arguments())

    def first_instances(self, max_gates: int) -> Any:
        return None

    def degree(self, y: MLP) -> int:
        d = 1
        for layer in y.layers[1:]:
            d *= DEGREE.get(layer.activation, 64)
        return d

    def complete(self, y: MLP, pi: Arguments, order: int) -> tuple[MLP, Arguments]:
        return y, pi | [NetworkOrder(order)]

    def statement(self, order: int, degree: int) -> str:
        return f"G(Y | Pi + order:{order}) = E[Y], Y of degree {degree} in the first layer's outputs"


FACET = MLPExactness()
