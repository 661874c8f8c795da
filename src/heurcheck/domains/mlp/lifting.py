"""MLPs with symbolic parameters, for the formal engines.

Symbol names carry their role: `L<k>.w.<i>.<j>` (layer k's weight from unit j below to unit i),
`L<k>.b.<i>` (bias), `r.<i>` (readout), `mean.<i>` and `cov.<i>.<j>` with i <= j (the covariance
stays symmetric; it is not constrained to be PSD). A prefix keeps separate instances apart.
"""

from __future__ import annotations

from ...symbols import symbol
from .model import MLP, Layer


def lift_mlp(net: MLP, prefix: str = "") -> MLP:
    layers = tuple(
        Layer(tuple(tuple(symbol(f"{prefix}L{k}.w.{i}.{j}") for j in range(layer.fan_in)) for i in range(layer.width)),
              tuple(symbol(f"{prefix}L{k}.b.{i}") for i in range(layer.width)), layer.activation)
        for k, layer in enumerate(net.layers)
    )
    readout = tuple(symbol(f"{prefix}r.{i}") for i in range(len(net.readout)))
    mean = cov = None
    if net.input_mean is not None and net.input_cov is not None:
        d = net.input_dim
        mean = tuple(symbol(f"{prefix}mean.{i}") for i in range(d))
        cov = tuple(tuple(symbol(f"{prefix}cov.{min(i, j)}.{max(i, j)}") for j in range(d)) for i in range(d))
    return MLP(net.input_dim, layers, readout, mean, cov)
