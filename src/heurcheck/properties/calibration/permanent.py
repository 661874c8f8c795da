"""calibration on permanents: perm(A) of small +-1 matrices (n <= 3), Pi the facts revealed (which
reveal nothing random: the quantity is perm(A) whatever Pi holds)."""

from __future__ import annotations

from typing import Any

from ...domains.permanent import matrices, permanent_arguments


class PermanentCalibration:
    def instances(self, max_gates: int, max_degree: int) -> Any:
        # n <= 3: Glynn's terms prod_k x_k prod_i (A x)_i are bounded by n^n = 27, so a mean of 10,000 is
        # close to normal; n = 1 has a constant term (standard error 0: exact, left out of a batch)
        return matrices(max_n=3, entries="pm1")

    def arguments(self, y: Any) -> Any:
        return permanent_arguments()


FACET = PermanentCalibration()
