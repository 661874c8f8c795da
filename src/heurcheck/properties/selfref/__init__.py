"""The self-referential properties D8-D10 (see `desiderata` for the formulas and the three routes).

Modules: `desiderata` (the three properties), `base` (their shared route choice, cases and evaluation),
`traceable`, `objective` and `symmetrisation` (each route's constructions).
"""

from .desiderata import ErrorOrthogonality, IteratedEstimation, UnpredictableErrors
from .symmetrisation import orbit, orbit_size
from .traceable import circuit_of_polynomial, polynomial_terms

__all__ = ["ErrorOrthogonality", "IteratedEstimation", "UnpredictableErrors", "circuit_of_polynomial",
           "orbit", "orbit_size", "polynomial_terms"]
