"""agreement on permanents: small +-1 matrices, with the facts (row sums, column sums, ...) Pi reveals."""

from __future__ import annotations

from typing import Any

from ...domains.permanent import matrices, permanent_arguments


class PermanentAgreement:
    def instances(self, max_size: int) -> Any:
        return matrices(max_n=min(max_size, 5))

    def arguments(self, y: Any) -> Any:
        return permanent_arguments()


FACET = PermanentAgreement()
