"""agreement on multilayer perceptrons: small networks of every activation; the domain has no arguments."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ...arguments import EMPTY
from ...domains.mlp import instances


class MLPAgreement:
    def instances(self, max_size: int) -> Any:
        return instances(max_depth=2, max_width=max(1, min(max_size, 4)))

    def arguments(self, y: Any) -> Any:
        return st.just(EMPTY)


FACET = MLPAgreement()
