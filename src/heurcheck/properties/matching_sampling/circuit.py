"""matching-sampling on arithmetic circuits: contexts are random layered circuits (`layered_circuit`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...arguments import EMPTY
from ...domains.circuit import Circuit, Gate, layered_circuit
from ...domains.circuit import truth as circuit_truth
from ...errors import TruthTooExpensive
from ...domains import get_domain
from . import Reference


CIRCUIT_INPUTS = 16


class CircuitMatchingSampling:
    domain = "circuit"

    def contexts(self, m: int, seed: int, params: Mapping[str, Any]) -> list[Any]:
        return [layered_circuit(params["gates"], CIRCUIT_INPUTS, seed * 100_003 + i) for i in range(m)]

    def describe(self, params: Mapping[str, Any]) -> str:
        return (f"random layered circuits of {params['gates']} gates (and a final sum) over {CIRCUIT_INPUTS} Gaussian "
                f"inputs, 30% products")

    def reference(self, x: Circuit, samples: int, seed: int) -> Reference:
        """Exact: Y = E[C], Var = E[C^2] - Y^2 (the circuit with its output squared); Monte Carlo where
        the expansion is too big."""
        try:
            y = circuit_truth(x)
            return Reference(float(y), 0.0, max(0.0, float(circuit_truth(squared(x)) - y * y)))
        except TruthTooExpensive:
            mc = get_domain(self.domain).monte_carlo(x, EMPTY, samples, seed)
            return Reference(mc.mean, mc.stderr, mc.stderr ** 2 * samples)

    def sample_cost(self, x: Circuit) -> int:
        """One operation per input drawn and per arithmetic gate (a constant costs nothing)."""
        return len(x.inputs) + sum(1 for g in x.gates if g.op != "const")

    def forward(self, x: Any, xp: Any) -> Any:
        raise NotImplementedError("no array form of one sample here: its cost is counted by sample_cost")


def squared(x: Circuit) -> Circuit:
    """The circuit with one more gate: its output times itself."""
    wire = x.output + ".sq"
    while x.has_wire(wire):
        wire += "'"
    return Circuit(x.inputs, x.gates + (Gate(wire, "mul", (x.output, x.output)),), wire, x.joint)


FACET = CircuitMatchingSampling()
