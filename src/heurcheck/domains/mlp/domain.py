"""The `mlp` domain object."""

from __future__ import annotations

from typing import Any

from ...arguments import Atom
from ...jsonio import Node
from ..base import Description, MonteCarlo, matrix_table, number_text
from .atoms import NetworkOrder
from .jsonform import mlp_from_json, mlp_to_json
from .lifting import lift_mlp
from .model import MLP
from .sampling import monte_carlo
from .strategies import instances
from .truth import truth


class MLPDomain:
    """The `mlp` domain: Y = E_x[readout . h_L(x)] for a multilayer perceptron on Gaussian inputs."""

    name = "mlp"
    summary = "Y = E_x[readout . h_L(x)] for a multilayer perceptron on Gaussian inputs x ~ N(mu, Sigma)"
    instance_type = MLP
    atom_types: tuple[type[Atom], ...] = (NetworkOrder,)
    # Monte Carlo samples standing in for the truth where no exact value is in reach (see domains.reference):
    # 12 times a 10^4-sample pass: 7 to 13 s at width 256, depth 4 on a loaded two-core machine (BENCHMARKS.md)
    truth_samples = 100_000

    def from_json(self, node: Node) -> MLP:
        return mlp_from_json(node)

    def to_json(self, instance: MLP) -> dict[str, Any]:
        return mlp_to_json(instance)

    def truth(self, instance: MLP, arguments: Any) -> Any:
        """Exact for polynomial networks, depth-1 relu/erf ones and one-unit first layers (see `truth`); the
        argument atoms (order:K) ask estimators for more effort and do not change the quantity."""
        return truth(instance)

    def monte_carlo(self, instance: MLP, arguments: Any, samples: int, seed: int) -> MonteCarlo:
        return monte_carlo(instance, samples, seed)

    def instances(self, **limits: Any) -> Any:
        return instances(**limits)

    def size(self, instance: MLP) -> int:
        """Input dimension plus the units of every layer."""
        return int(instance.input_dim + sum(layer.width for layer in instance.layers))

    def lift(self, instance: MLP, prefix: str = "") -> MLP:
        return lift_mlp(instance, prefix)

    def describe(self, instance: MLP) -> Description:
        """The shape of the network and its input law; its weights as tables when they are small."""
        x = instance
        law = f"N(0, I_{x.input_dim})" if x.input_mean is None and x.input_cov is None else "N(mu, Sigma)"
        shape = " -> ".join([str(x.input_dim), *(f"{layer.width} {layer.activation}" for layer in x.layers), "1"])
        lines = [f"Y = E_x[readout . h_{x.depth}(x)], x ~ {law}", f"layers: {shape}"]
        small = x.input_dim <= SMALL and all(layer.width <= SMALL for layer in x.layers)
        if not small:
            return Description(tuple(lines + [f"(weights not shown: a layer is wider than {SMALL})"]))
        tables = [table for k, layer in enumerate(x.layers, 1) for table in (
            matrix_table(f"W{k}", layer.weights), matrix_table(f"b{k} (then {layer.activation})", [layer.bias]))]
        tables.append(matrix_table("readout", [x.readout]))
        if x.input_mean is not None:
            lines.append("mu = (" + ", ".join(number_text(m) for m in x.input_mean) + ")")
        if x.input_cov is not None:
            tables.append(matrix_table("Sigma", x.input_cov))
        return Description(tuple(lines), tuple(tables))


SMALL = 8  # layers at most this wide have their weights shown as tables


MLP_DOMAIN = MLPDomain()
DOMAIN = MLP_DOMAIN
