"""Networks that compute the same function written another way (the symmetries of an MLP).

- `permute_units(net, k, p)`: unit i of layer k becomes old unit p[i] (its weights' row and its bias),
  and the layer above (or the readout) reads the units in the new order;
- `permute_inputs(net, p)`: input coordinate i becomes old coordinate p[i] (the first layer's columns,
  and an explicit mean and covariance);
- `scale_unit(net, k, i, c)`: unit i of a relu layer k gets c times its weights and bias (c > 0) and the
  layer above (or the readout) reads it with 1/c: relu(c z) = c relu(z), so the function is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from .model import MLP, Layer

Rows = tuple[tuple[Any, ...], ...]


def _read_above(net: MLP, k: int, columns: Any) -> MLP:
    """`net` whose layer above k (or the readout) has its columns replaced by `columns(old columns)`."""
    if k + 1 < net.depth:
        above = net.layers[k + 1]
        weights = tuple(tuple(columns(row)) for row in above.weights)
        layers = net.layers[:k + 1] + (replace(above, weights=weights),) + net.layers[k + 2:]
        return replace(net, layers=layers)
    return replace(net, readout=tuple(columns(net.readout)))


def _with_layer(net: MLP, k: int, layer: Layer) -> MLP:
    return replace(net, layers=net.layers[:k] + (layer,) + net.layers[k + 1:])


def permute_units(net: MLP, k: int, p: Sequence[int]) -> MLP:
    layer = net.layers[k]
    moved = Layer(tuple(layer.weights[j] for j in p), tuple(layer.bias[j] for j in p), layer.activation)
    return _read_above(_with_layer(net, k, moved), k, lambda row: tuple(row[j] for j in p))


def permute_inputs(net: MLP, p: Sequence[int]) -> MLP:
    first = net.layers[0]
    moved = replace(first, weights=tuple(tuple(row[j] for j in p) for row in first.weights))
    out = _with_layer(net, 0, moved)
    if net.input_mean is not None and net.input_cov is not None:
        cov = net.input_cov
        out = replace(out, input_mean=tuple(net.input_mean[j] for j in p),
                      input_cov=tuple(tuple(cov[a][b] for b in p) for a in p))
    return out


def scale_unit(net: MLP, k: int, i: int, c: Any) -> MLP:
    layer = net.layers[k]
    if layer.activation != "relu":
        raise ValueError(f"only a relu unit can be rescaled, layer {k} is {layer.activation}")
    weights = tuple(tuple(w * c for w in row) if r == i else row for r, row in enumerate(layer.weights))
    bias = tuple(b * c if r == i else b for r, b in enumerate(layer.bias))
    scaled = _with_layer(net, k, Layer(weights, bias, "relu"))
    return _read_above(scaled, k, lambda row: tuple(v / c if j == i else v for j, v in enumerate(row)))
