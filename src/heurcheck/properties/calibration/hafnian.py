"""calibration on hafnians: haf(Sigma) = E[Z_1 ... Z_n] for small PSD Sigma (n = 2 or 4, rank <= 2);
the domain has no arguments."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ...arguments import EMPTY
from ...domains import get_domain


class HafnianCalibration:
    def instances(self, max_gates: int, max_degree: int) -> Any:
        # a product of at most four Gaussians: light enough tails for a mean of 10,000 draws to be close to normal.
        # No zero variance: a Z_i that is 0 makes every draw 0 in exact arithmetic, but the sampler's
        # eigendecomposition leaves rounding noise of about 1e-9 with a smaller stated error (float noise
        # around an exact 0, not a standard error to calibrate)
        return get_domain("hafnian").instances(max_n=4, max_rank=2).filter(
            lambda c: all(c.matrix[i][i] != 0 for i in range(c.n)))

    def arguments(self, y: Any) -> Any:
        return st.just(EMPTY)


FACET = HafnianCalibration()
