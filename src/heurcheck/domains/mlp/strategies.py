"""The Hypothesis strategy of `mlp` instances."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .model import ACTIVATIONS, MLP, Layer, live

# identity first: Hypothesis shrinks a sampled_from towards its first element
SHRINK_ORDER = ("identity", "square", "cube", "relu", "erf", "tanh", "gelu")


def instances(max_depth: int = 2, max_width: int = 3, activations: tuple[str, ...] = ACTIVATIONS,
              explicit_law: bool = True, fractions: bool = True) -> Any:
    """Hypothesis strategy of valid `MLP` instances with rational parameters.

    Depth (1..max_depth), the input dimension and the widths (1..max_width) shrink towards 1, weights,
    biases and readout towards small integers and 0, activations towards identity. With `explicit_law`
    some instances carry an explicit input law: a small rational mean and cov = B B^T (PSD by
    construction), shrinking towards N(0, I). The networks are `live`: a unit whose outgoing weights are
    all 0 and an input coordinate nothing reads are dropped, so shrinking a weight to 0 can remove a unit.
    """
    from hypothesis import strategies as st  # lazy: hypothesis takes a noticeable time to import

    order = tuple(a for a in SHRINK_ORDER if a in activations)
    integer = st.integers(-2, 2)
    number = st.one_of(integer, st.fractions(-2, 2, max_denominator=4)) if fractions else integer

    @st.composite
    def build(draw: Any) -> MLP:
        depth = draw(st.integers(1, max_depth))
        d = draw(st.integers(1, max_width))
        # the law right after its dimension: shrinking d then drops its draws, and nothing after them moves
        mean = cov = None
        if explicit_law and draw(st.booleans()):
            mean = tuple(draw(number) for _ in range(d))
            b = [[draw(number) for _ in range(d)] for _ in range(d)]
            cov = tuple(tuple(sum((Fraction(b[i][k]) * b[j][k] for k in range(d)), Fraction(0)) for j in range(d))
                        for i in range(d))
        layers = []
        below = d
        for _ in range(depth):
            width = draw(st.integers(1, max_width))
            weights = tuple(tuple(draw(number) for _ in range(below)) for _ in range(width))
            bias = tuple(draw(number) for _ in range(width))
            layers.append(Layer(weights, bias, draw(st.sampled_from(order))))
            below = width
        readout = tuple(draw(number) for _ in range(below))
        return live(MLP(d, tuple(layers), readout, mean, cov))

    return build()
