"""Properties (the desiderata D1-D13), one module per property, looked up by name.

No property is registered yet: the properties and the checker arrive together.
"""

from __future__ import annotations

PROPERTIES: dict[str, str] = {}


def property_names() -> tuple[str, ...]:
    return tuple(PROPERTIES)
