"""calibration on boolean circuits: Pr[C = 1] on at most three fair bits, Pi revealing bits."""

from __future__ import annotations

from typing import Any

from ...domains.boolean import boolean_arguments, instances


class BooleanCalibration:
    def instances(self, max_gates: int, max_degree: int) -> Any:
        # fair bits: every non-constant probability is a multiple of 1/8 in [1/8, 7/8], where a binomial
        # count of 10,000 draws is close to normal
        return instances(max_inputs=3, max_gates=max_gates, probabilities="half")

    def arguments(self, y: Any) -> Any:
        return boolean_arguments(y, max_atoms=1)


FACET = BooleanCalibration()
