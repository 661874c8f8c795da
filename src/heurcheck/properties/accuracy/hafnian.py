"""accuracy on hafnians: D is a seeded family of the domain's strategy instances (no enumerated distribution)."""

from __future__ import annotations

from . import FamilyOnly

FACET = FamilyOnly()
