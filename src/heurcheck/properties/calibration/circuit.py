"""calibration on arithmetic circuits: outputs of low degree on at most two inputs, Pi revealing inputs."""

from __future__ import annotations

from typing import Any

from ...domains.circuit import circuit_arguments, circuits, degree


class CircuitCalibration:
    def instances(self, max_gates: int, max_degree: int) -> Any:
        # low degree keeps the output's tails light, so the Monte Carlo mean is close to normal
        return circuits(max_inputs=2, max_gates=max_gates).filter(lambda c: degree(c) <= max_degree)

    def arguments(self, y: Any) -> Any:
        return circuit_arguments(y, max_atoms=1, kinds=("reveal",))


FACET = CircuitCalibration()
