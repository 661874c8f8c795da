"""independence (D4, the presumption of independence): G(XY | Pi) = G(X | Pi) G(Y | Pi) when no
argument in Pi links X and Y.

Form [R]: X and Y are computed from disjoint sets of independent inputs and Pi holds atoms about
each side separately (kept cumulants within one side, revealed inputs, orders), never one that
mentions wires of both. On boolean circuits the product is X and Y. Parameters: `max_gates`,
tolerances. Domains: circuit, boolean. Every estimator of those domains. Tolerance: absolute +
relative to the largest of G(XY), G(X) G(Y); stderr-scaled for randomised estimators.
Source: Christiano, Neyman, Xu (2022).
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from hypothesis import strategies as st

from ...arguments import Arguments
from ...estimators.base import Estimate
from ..base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality, rounding_of


class IndependenceFacet(Protocol):
    """What independence needs of a domain."""

    def instances(self, max_gates: int) -> Any:
        """The strategy X and Y are each drawn from."""
        ...

    def arguments(self, x: Any) -> Any:
        """A strategy of argument sets about `x` alone."""
        ...

    def renamed(self, x: Any, prefix: str) -> Any:
        """`x` with every part's name prefixed, so two copies can share one instance."""
        ...

    def product_of(self, x: Any, y: Any) -> tuple[Any, Any, Any]:
        """(X, Y, XY) over one instance whose inputs are X's and Y's, disjoint."""
        ...


class Independence(PropertyBase):
    """G(XY | Pi) = G(X | Pi) G(Y | Pi) for X, Y on disjoint independent inputs, Pi not linking them."""

    name: ClassVar[str] = "independence"
    code: ClassVar[str] = "D4"
    parameters: ClassVar[dict[str, Parameter]] = {
        "max_gates": Parameter(int, 4, "largest circuit drawn for each side"),
        **TOLERANCE_PARAMETERS,
    }

    def cases(self, domain: str, estimator: Any) -> Any:
        facet: IndependenceFacet = self.facet(domain)
        base = facet.instances(self.params["max_gates"])

        @st.composite
        def build(draw: Any) -> Case:
            x, y = facet.renamed(draw(base), "x."), facet.renamed(draw(base), "y.")
            px, py = draw(facet.arguments(x)), draw(facet.arguments(y))
            pi = Arguments([a for a in px] + [a for a in py])
            x, y, xy = facet.product_of(x, y)
            return Case((("X", x), ("Y", y), ("XY", xy)), (("Pi", pi),))

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        x, y, xy, pi = case.instance("X"), case.instance("Y"), case.instance("XY"), case.args("Pi")
        pi.check(xy)
        gx, gy = call(x, pi), call(y, pi)
        stderr = None
        if gx.stderr is not None or gy.stderr is not None:
            stderr = ((float(gx.value) * (gy.stderr or 0)) ** 2 + (float(gy.value) * (gx.stderr or 0)) ** 2) ** 0.5
        return equality(self.params, call(xy, pi), Estimate(gx.value * gy.value, stderr,
                                                            rounding_of((gy.value, gx), (gx.value, gy))),
                        detail="G(XY | Pi) = G(X | Pi) G(Y | Pi)")

