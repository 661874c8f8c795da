"""Named real symbols for the parameters of lifted instances (shared by the domains and the formal engines)."""

from __future__ import annotations

from typing import Any


def symbol(name: str) -> Any:
    """The real sympy symbol `name` (equal names give equal symbols)."""
    import sympy  # lazy: sympy takes about a second to import and only the formal engines need it

    return sympy.Symbol(name, real=True)
