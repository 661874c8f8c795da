"""The `circuit` domain object."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...arguments import Atom
from ..base import MonteCarlo
from .atoms import CumulantOrder, KeepCumulant, ProvedEqual, ProvedNonNegative, RevealInput, revealed_values
from .jsonform import circuit_from_json, circuit_to_json
from .lifting import lift_circuit
from .model import Circuit, condition
from .moments import _evaluate, sample_inputs, truth
from .strategies import circuits
from .text import describe_circuit


class CircuitDomain:
    """The `circuit` domain object (see the package docstring for the file format)."""

    name = "circuit"
    summary = "Y = E[C(x)] for an arithmetic circuit over independent or jointly Gaussian inputs"
    instance_type = Circuit

    @property
    def atom_types(self) -> tuple[type[Atom], ...]:
        return (KeepCumulant, CumulantOrder, RevealInput, ProvedNonNegative, ProvedEqual)

    def from_json(self, node: Any) -> Circuit:
        return circuit_from_json(node)

    def to_json(self, c: Circuit) -> dict[str, Any]:
        return circuit_to_json(c)

    def truth(self, instance: Circuit, arguments: Any) -> Any:
        return truth(instance, revealed_values(arguments))

    def monte_carlo(self, instance: Circuit, arguments: Any, samples: int, seed: int) -> Any:
        c = condition(instance, revealed_values(arguments)).map_numbers(float)
        rng = np.random.default_rng(seed)
        total, total_sq, done = 0.0, 0.0, 0
        while done < samples:
            chunk = min(65_536, samples - done)
            out = _evaluate(c, sample_inputs(c, chunk, rng), np)
            out = np.broadcast_to(out, (chunk,))
            total += float(out.sum())
            total_sq += float((out * out).sum())
            done += chunk
        mean = total / samples
        var = max(total_sq / samples - mean * mean, 0.0) * samples / max(samples - 1, 1)
        return MonteCarlo(mean, float(np.sqrt(var / samples)), samples, seed)

    def instances(self, **limits: Any) -> Any:
        return circuits(**limits)

    def size(self, instance: Circuit) -> int:
        """Inputs + gates."""
        return len(instance.inputs) + len(instance.gates)

    def lift(self, instance: Circuit, prefix: str = "") -> Circuit:
        return lift_circuit(instance, prefix)

    def describe(self, instance: Circuit) -> Any:
        """The output as a formula over the inputs, and the inputs' laws (see `base.Description`)."""
        return describe_circuit(instance)


DOMAIN = CircuitDomain()
