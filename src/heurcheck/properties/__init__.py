"""Properties (the desiderata D1-D11 of the domain reference), one module per property.

Look them up with `heurcheck.properties.registry.create(name, **parameters)`.
"""

from __future__ import annotations

from .registry import ON_REQUEST, available


def property_names() -> tuple[str, ...]:
    """Every property: those a check runs by default, then those run only when asked for (agreement)."""
    return available() + tuple(ON_REQUEST)
