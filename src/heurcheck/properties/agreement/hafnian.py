"""agreement on hafnians: small covariance matrices with their product trees; the domain has no arguments."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ...arguments import EMPTY
from ...domains import get_domain


class HafnianAgreement:
    def instances(self, max_size: int) -> Any:
        return get_domain("hafnian").instances(max_n=2 * max(1, min(max_size, 12) // 2), trees=True)

    def arguments(self, y: Any) -> Any:
        return st.just(EMPTY)


FACET = HafnianAgreement()
