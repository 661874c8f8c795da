"""boundedness (D3): l <= G(Y | Pi) <= u whenever the quantity is known to lie in [l, u]; for a
probability p(C) = Pr[C(x) = 1], 0 <= G(p(C) | Pi) <= 1.

Form [R]: the estimate of a bounded quantity lies within its bounds: on boolean circuits a
probability, in [0, 1]; on MLPs whose last activation is non-negative (relu, square) read out with
non-negative weights, E[Y] >= 0 (no upper bound). Each domain's facet says which instances are
bounded and by what. Parameters: `max_gates`, tolerances. Domains: boolean, mlp. Every estimator of
those domains. Tolerance: absolute + relative; stderr-scaled for randomised estimators.
Source: Neyman, PhD thesis ch. 9 (2024).
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from hypothesis import strategies as st

from ..base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, at_least


class BoundednessFacet(Protocol):
    """What boundedness needs of a domain: instances whose quantity is known to be bounded."""

    quantity: str  # how the quantity is written in the outcome's detail, e.g. "p(C)"

    def instances(self, max_gates: int) -> Any:
        """The strategy Y is drawn from (its quantity lies within `bounds(Y)`)."""
        ...

    def bounds(self, y: Any) -> tuple[Any, Any | None]:
        """(l, u): the quantity of `y` lies in [l, u]; u None when it has no upper bound."""
        ...

    def arguments(self, y: Any) -> Any:
        """A strategy of argument sets about `y`."""
        ...


class Boundedness(PropertyBase):
    """The estimate of a probability lies in [0, 1]."""

    name: ClassVar[str] = "boundedness"
    code: ClassVar[str] = "D3"
    parameters: ClassVar[dict[str, Parameter]] = {
        "max_gates": Parameter(int, 8, "largest circuit drawn"),
        **TOLERANCE_PARAMETERS,
    }

    def cases(self, domain: str, estimator: Any) -> Any:
        facet: BoundednessFacet = self.facet(domain)
        instances = facet.instances(self.params["max_gates"])

        @st.composite
        def build(draw: Any) -> Case:
            c = draw(instances)
            return Case((("Y", c),), (("Pi", draw(facet.arguments(c))),))

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        pi.check(y)
        facet: BoundednessFacet = self.facet(y.domain)
        lower, upper = facet.bounds(y)
        g = call(y, pi)
        outcomes = [at_least(self.params, g, lower, ">=", detail=f"G({facet.quantity} | Pi) >= {lower}")]
        if upper is not None:
            outcomes.append(at_least(self.params, g, upper, "<=", detail=f"G({facet.quantity} | Pi) <= {upper}"))
        return max(outcomes, key=lambda o: (o.violation, o.score or 0.0))
