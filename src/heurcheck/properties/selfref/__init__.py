"""The self-referential properties D8-D10 (see `desiderata` for the formulas and the three routes).

Modules: `desiderata` (the three properties), `base` (what they need of a domain, `SelfReferenceFacet`
and one Protocol per route; their shared route choice and evaluation), `objective` (the objective
route's average). The facets, one per domain and shared by the three properties: `permanent`
(symmetrisation), `circuit` (traceable, then objective), `boolean` (objective).
"""

from .base import ObjectiveFacet, SelfReferenceFacet, SymmetrisationFacet, TraceableFacet
from .desiderata import ErrorOrthogonality, IteratedEstimation, UnpredictableErrors

__all__ = ["ErrorOrthogonality", "IteratedEstimation", "ObjectiveFacet", "SelfReferenceFacet",
           "SymmetrisationFacet", "TraceableFacet", "UnpredictableErrors"]
