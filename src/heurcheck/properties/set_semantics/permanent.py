"""set-semantics on permanents: small integer matrices of order up to 3; facts about the whole matrix,
each with one way to be written."""

from __future__ import annotations

from typing import Any

from ...domains.permanent import matrices, permanent_arguments


class PermanentSetSemantics:
    def instances(self, max_gates: int) -> Any:
        return matrices(max_n=3, entries="small-int")

    def arguments(self, y: Any) -> Any:
        return permanent_arguments()

    def rewritten(self, atom: Any) -> Any:
        return atom


FACET = PermanentSetSemantics()
