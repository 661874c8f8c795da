"""symmetry on multilayer perceptrons: hidden units of a layer permuted, input coordinates permuted, a relu
unit rescaled by c > 0 in and 1/c out (see `domains.mlp.reparametrise`)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains.mlp import MLP, forward_values, instances
from ...domains.mlp.reparametrise import permute_inputs, permute_units, scale_unit
from . import pair, permutations

SCALES = (Fraction(2), Fraction(1, 2), Fraction(3), Fraction(1, 3), Fraction(5, 4))
KINDS = ("units", "inputs", "scale")


class MLPSymmetry:
    statement = "with a layer's units or the inputs permuted, or a relu unit scaled by c > 0 in and 1/c out"

    def cases(self, max_size: int, transpose: bool = False) -> Any:
        networks = instances(max_depth=3, max_width=max(2, min(max_size, 5)))

        @st.composite
        def build(draw: Any) -> Any:
            net = draw(networks)
            kind = draw(st.sampled_from(KINDS))
            if kind == "inputs":
                other = permute_inputs(net, draw(permutations(net.input_dim)))
            else:
                k = draw(st.integers(0, net.depth - 1))
                if kind == "units":
                    other = permute_units(net, k, draw(permutations(net.layers[k].width)))
                else:
                    relu = replace(net.layers[k], activation="relu")
                    net = replace(net, layers=net.layers[:k] + (relu,) + net.layers[k + 1:])
                    i = draw(st.integers(0, relu.width - 1))
                    other = scale_unit(net, k, i, draw(st.sampled_from(SCALES)))
            return pair(net, Arguments(), other, Arguments())

        return build()

    def same_quantity(self, y: MLP, other: MLP) -> bool:
        """For some order of the inputs (at most 5! tried) that carries Y's input law to Y''s, the two
        forward passes agree (1e-9 relative) at a few fixed Gaussian points."""
        points = np.random.default_rng(0).standard_normal((8, y.input_dim)) * 2.0
        a = forward_values(y, points)
        for p in itertools.islice(itertools.permutations(range(y.input_dim)), 120):
            if y.input_mean is not None and y.input_cov is not None and (
                    other.input_mean != tuple(y.input_mean[j] for j in p)
                    or other.input_cov != tuple(tuple(y.input_cov[r][c] for c in p) for r in p)):
                continue
            b = forward_values(other, points[:, list(p)])
            if np.all(np.abs(a - b) <= 1e-9 * np.maximum(1.0, np.abs(a))):
                return True
        return False


FACET = MLPSymmetry()
