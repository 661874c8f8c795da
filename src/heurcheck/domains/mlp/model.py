"""The `mlp` instance: a multilayer perceptron on Gaussian inputs; the quantity is E_x[readout . h_L(x)].

x ~ N(0, I_d) (`input_dim` only) or N(mean, cov) (`input_mean`, `input_cov`, PSD). Layer k maps
the units of the layer below through `weights` (out x in), adds `bias` and applies `activation`
unit-wise; h_L is the last layer's output and Y = E_x[sum_i readout[i] h_L(x)_i].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

ACTIVATIONS = ("relu", "erf", "tanh", "gelu", "identity", "square", "cube")
POLYNOMIAL = frozenset({"identity", "square", "cube"})


@dataclass(frozen=True)
class Layer:
    """One layer: pre-activation W h + b, then the activation unit-wise."""

    weights: tuple[tuple[Any, ...], ...]  # out x in
    bias: tuple[Any, ...]  # out
    activation: str

    @property
    def width(self) -> int:
        return len(self.weights)

    @property
    def fan_in(self) -> int:
        return len(self.weights[0]) if self.weights else 0

    def map_numbers(self, f: Callable[[Any], Any]) -> Layer:
        return Layer(tuple(tuple(f(w) for w in row) for row in self.weights), tuple(f(b) for b in self.bias),
                     self.activation)


@dataclass(frozen=True)
class MLP:
    """The network and its input law; `input_mean`/`input_cov` None means x ~ N(0, I_{input_dim})."""

    input_dim: int
    layers: tuple[Layer, ...]
    readout: tuple[Any, ...]
    input_mean: tuple[Any, ...] | None = None
    input_cov: tuple[tuple[Any, ...], ...] | None = None
    domain: ClassVar[str] = "mlp"

    @property
    def depth(self) -> int:
        return len(self.layers)

    @property
    def polynomial(self) -> bool:
        """Every activation is a polynomial (identity, square, cube)."""
        return all(layer.activation in POLYNOMIAL for layer in self.layers)

    def map_numbers(self, f: Callable[[Any], Any]) -> MLP:
        """A copy with every weight, bias, readout and input-law number replaced by f(value)."""
        return MLP(
            self.input_dim,
            tuple(layer.map_numbers(f) for layer in self.layers),
            tuple(f(r) for r in self.readout),
            None if self.input_mean is None else tuple(f(m) for m in self.input_mean),
            None if self.input_cov is None else tuple(tuple(f(c) for c in row) for row in self.input_cov),
        )

    def parameters(self) -> list[Any]:
        """Every number: input law (when explicit), then each layer's weights and bias row by row, then the readout."""
        out: list[Any] = []
        if self.input_mean is not None and self.input_cov is not None:
            out += list(self.input_mean) + [c for row in self.input_cov for c in row]
        for layer in self.layers:
            out += [w for row in layer.weights for w in row] + list(layer.bias)
        return out + list(self.readout)
