"""Properties (the desiderata D1-D11 of the domain reference), one module per property.

Look them up with `heurcheck.properties.registry.create(name, **parameters)`.
"""

from __future__ import annotations

from .registry import available


def property_names() -> tuple[str, ...]:
    return available()
