"""The `mlp` instance: a multilayer perceptron on Gaussian inputs; the quantity is E_x[readout . h_L(x)].

x ~ N(0, I_d) (`input_dim` only) or N(mean, cov) (`input_mean`, `input_cov`, PSD). Layer k maps
the units of the layer below through `weights` (out x in), adds `bias` and applies `activation`
unit-wise; h_L is the last layer's output and Y = E_x[sum_i readout[i] h_L(x)_i].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from ...errors import InvalidInstance
from ..circuit.model import _is_zero

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

    def __post_init__(self) -> None:
        """Shapes only (no arithmetic, so symbolic numbers pass): the JSON reader checks symmetry and PSD."""
        check_shapes(self)

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


def live(net: MLP) -> MLP:
    """The network without what Y cannot depend on: units whose outgoing weights (the next layer's column,
    or the readout) are all 0, then input coordinates no first-layer unit reads (their rows and columns of
    an explicit law dropped: a Gaussian's marginal). A layer keeps at least one unit and the input one
    coordinate (with a readout of zeros, one unit per layer reading coordinate 0). Y is unchanged; the generators return live networks, so that shrinking a weight to 0
    removes its unit (as circuits drop the gates the output does not read)."""

    def used(rows: Any, count: int) -> list[int]:
        return [j for j in range(count) if any(not _is_zero(row[j]) for row in rows)]

    readout = tuple(net.readout)
    layers = list(net.layers)
    keep = used([readout], len(readout))
    alive = bool(keep)  # False: Y is 0 whatever the layers do, and one unit reading one coordinate is left
    keep = keep or [0]
    readout = tuple(readout[j] for j in keep)
    for k in range(len(layers) - 1, -1, -1):
        layer = layers[k]
        rows = [layer.weights[i] for i in keep]
        below = (used(rows, layer.fan_in) if alive else []) or [0]
        layers[k] = Layer(tuple(tuple(row[j] for j in below) for row in rows), tuple(layer.bias[i] for i in keep),
                          layer.activation)
        keep = below
    mean = None if net.input_mean is None else tuple(net.input_mean[j] for j in keep)
    cov = None if net.input_cov is None else tuple(tuple(net.input_cov[i][j] for j in keep) for i in keep)
    return MLP(len(keep), tuple(layers), readout, mean, cov)


def check_shapes(net: MLP) -> None:
    """Raise InvalidInstance (naming the field, the value and what was expected) unless the shapes fit."""
    if isinstance(net.input_dim, bool) or not isinstance(net.input_dim, int) or net.input_dim < 1:
        raise InvalidInstance(f"field input.dim: expected an integer >= 1, got {net.input_dim!r}")
    if not net.layers:
        raise InvalidInstance("field layers: expected at least one layer, got none")
    below, below_name = net.input_dim, "input.dim"
    for k, layer in enumerate(net.layers):
        where = f"layers[{k}]"
        if layer.activation not in ACTIVATIONS:
            raise InvalidInstance(
                f"field {where}.activation: expected one of {', '.join(ACTIVATIONS)}, got {layer.activation!r}"
            )
        if layer.width < 1:
            raise InvalidInstance(f"field {where}.weights: expected at least one row (one per unit), got none")
        for i, row in enumerate(layer.weights):
            if len(row) != below:
                raise InvalidInstance(
                    f"field {where}.weights[{i}]: expected {below} entries (one per unit below: {below_name} = "
                    f"{below}), got {len(row)}"
                )
        if len(layer.bias) != layer.width:
            raise InvalidInstance(
                f"field {where}.bias: expected {layer.width} entries (one per unit, the rows of weights), "
                f"got {len(layer.bias)}"
            )
        below, below_name = layer.width, f"the width of {where}"
    if len(net.readout) != below:
        raise InvalidInstance(
            f"field readout: expected {below} entries ({below_name}), got {len(net.readout)}"
        )
    if (net.input_mean is None) != (net.input_cov is None):
        raise InvalidInstance("field input: expected both mean and cov, or neither (x ~ N(0, I))")
    if net.input_mean is not None and net.input_cov is not None:
        d = net.input_dim
        if len(net.input_mean) != d:
            raise InvalidInstance(f"field input.mean: expected {d} entries (input.dim), got {len(net.input_mean)}")
        if len(net.input_cov) != d:
            raise InvalidInstance(f"field input.cov: expected {d} rows (a {d}x{d} matrix), got {len(net.input_cov)}")
        for i, row in enumerate(net.input_cov):
            if len(row) != d:
                raise InvalidInstance(
                    f"field input.cov[{i}]: expected {d} entries (a {d}x{d} matrix), got {len(row)}"
                )
