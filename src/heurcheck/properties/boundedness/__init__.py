"""boundedness (D3): 0 <= G(p(C) | Pi) <= 1 for a probability p(C) = Pr[C(x) = 1].

Form [R]: the estimate of a probability lies in [0, 1]. Parameters: `max_gates`, tolerances.
Domain: boolean. Every estimator of that domain. Tolerance: absolute + relative; stderr-scaled
for randomised estimators. Source: Neyman, PhD thesis ch. 9 (2024).
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from hypothesis import strategies as st

from ..base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, at_least


class BoundednessFacet(Protocol):
    """What boundedness needs of a domain: instances whose quantity is a probability."""

    def instances(self, max_gates: int) -> Any:
        """The strategy Y is drawn from (its quantity lies in [0, 1])."""
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
        g = call(y, pi)
        low = at_least(self.params, g, 0, ">=", detail="G(p(C) | Pi) >= 0")
        high = at_least(self.params, g, 1, "<=", detail="G(p(C) | Pi) <= 1")
        return max(low, high, key=lambda o: (o.violation, o.score or 0.0))
