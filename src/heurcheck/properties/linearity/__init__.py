"""linearity (D1): G(aX + bY | Pi) = a G(X | Pi) + b G(Y | Pi).

Forms (parameter `form`; D1 is [R], the semantic form is asked for by the reference):
- `combination`: on circuits, X and Y are two wires u, v of one circuit and aX + bY is built on
  top of it (scale, scale, add), so Pi's atoms name wires of all three instances; on permanents,
  the quantity is multilinear in each row: X = perm(A with row i = r), Y = perm(A with row i = u),
  aX + bY = perm(A with row i = a r + b u);
- `semantic`: one function built as two circuits: C' is C after random algebraic rewrites
  (commuting, re-associating and distributing products, a scale as a product with a constant, a
  negation as a scale by -1), checked to be the same polynomial; G(C | Pi) = G(C' | Pi) with Pi
  made of atoms that mean the same in both (orders and revealed inputs);
- `all`: each case draws one of the two (circuits).
Parameters: `form`, `max_gates`, tolerances. Domains: circuit, permanent. Applies to every
estimator of those domains. Tolerance: abs_tol + rel_tol * the largest magnitude among
G(aX+bY), a G(X), b G(Y); standard-error scaled for randomised estimators.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any, ClassVar, Protocol

from hypothesis import strategies as st

from ...errors import TruthTooExpensive
from ...estimators.base import Estimate
from ..base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality, rounding_of
from ..space import CaseSpace, Enumeration

FORMS = ("combination", "semantic", "all")
COEFFICIENTS = st.builds(Fraction, st.integers(-3, 3), st.sampled_from([1, 2]))


class LinearityFacet(Protocol):
    """What linearity needs of a domain."""

    def cases(self, form: str, max_gates: int) -> Any:
        """A strategy of cases: X, Y, Z = aX + bY with numbers a, b (and what else the domain records), or
        one function as two instances C, C' (the semantic form, where the domain has one); Pi in each."""
        ...

    def finite(self, n_max: int, entries: str) -> Enumeration | None:
        """Every combination case of a finite family (for the exhaustive engine), or None."""
        ...

    def structures(self, form: str) -> Callable[[int], Enumeration] | None:
        """Every combination case of each structure up to a number of nodes, its parameters symbols
        (for the formal engines), or None."""
        ...

    def same_function(self, c: Any, other: Any) -> bool:
        """Whether two instances compute the same function (the semantic form's C and C');
        raises TruthTooExpensive when that cannot be told."""
        ...


class Linearity(PropertyBase):
    """G(aX + bY | Pi) = a G(X | Pi) + b G(Y | Pi), including one function built as two circuits."""

    name: ClassVar[str] = "linearity"
    code: ClassVar[str] = "D1"
    parameters: ClassVar[dict[str, Parameter]] = {
        "form": Parameter(str, "all", "combination (aX + bY), semantic (two circuits, one function) or all", FORMS),
        "max_gates": Parameter(int, 6, "largest circuit drawn"),
        "exhaustive_n": Parameter(int, 3, "exhaustive engine (permanents): every matrix up to this order..."),
        "exhaustive_entries": Parameter(str, "pm1", "...with entries +-1 (pm1) or 0/1 (01)", ("pm1", "01")),
        **TOLERANCE_PARAMETERS,
    }

    def space(self, domain: str, estimator: Any) -> CaseSpace:
        facet: LinearityFacet = self.facet(domain)
        return CaseSpace(domain, draw=lambda: self.cases(domain, estimator),
                         finite=facet.finite(self.params["exhaustive_n"], self.params["exhaustive_entries"]),
                         structures=facet.structures(self.params["form"]))

    def cases(self, domain: str, estimator: Any) -> Any:
        facet: LinearityFacet = self.facet(domain)
        return facet.cases(self.params["form"], self.params["max_gates"])

    def evaluate(self, case: Case, call: Call) -> Outcome:
        pi = case.args("Pi")
        names = dict(case.instances)
        if "C" in names:
            c, other = names["C"], names["C'"]
            facet: LinearityFacet = self.facet(c.domain)
            try:
                same = facet.same_function(c, other)
            except TruthTooExpensive:
                same = False
            if not same:  # a rewrite that changed the function would be a bug here, not the estimator's
                return Outcome(0, 0, 0.0, 0.0, applicable=False, detail="the two circuits could not be shown equal")
            pi.check(c)
            return equality(self.params, call(c, pi), call(other, pi), detail="G(C | Pi) = G(C' | Pi), C' = C rewritten")
        a, b = case.number("a"), case.number("b")
        for name in ("X", "Y", "Z"):
            pi.check(names[name])
        gx, gy, gz = call(names["X"], pi), call(names["Y"], pi), call(names["Z"], pi)
        rhs = Estimate(a * gx.value + b * gy.value, _combine(a, gx.stderr, b, gy.stderr), rounding_of((a, gx), (b, gy)))
        return equality(self.params, gz, rhs, a * gx.value, b * gy.value, detail="G(aX + bY | Pi) = a G(X | Pi) + b G(Y | Pi)")


def _combine(a: Any, sa: float | None, b: Any, sb: float | None) -> float | None:
    if sa is None and sb is None:
        return None
    return float(((float(a) * (sa or 0.0)) ** 2 + (float(b) * (sb or 0.0)) ** 2) ** 0.5)
