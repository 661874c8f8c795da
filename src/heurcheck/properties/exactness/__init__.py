"""exactness (D7): at complete arguments the estimate is exact: G(Y | Pi + order:K) = E[Y | Pi]
for every K at least the degree of Y.

Form [R for cumulant propagation]: "complete" means every joint cumulant kept, given as the
argument `order:K`. Parameter `effort`: `degree` (K = the degree of Y as a polynomial in the
inputs, the least order theory says is exact, which catches a truncation that is off by one) or
`max` (K = 64). On boolean circuits the degree is that of the arithmetisation. Other parameters:
`max_gates`, tolerances. On circuits the random engine searches deep narrow circuits first (one input,
each gate reading one of the two newest wires: high degree and depth in few gates). Domains: circuit,
boolean. Every estimator of those domains (one that
ignores `order:` arguments must then be exact anyway). Tolerance: absolute + relative;
stderr-scaled for randomised estimators. Source: Christiano, Neyman, Xu (2022).
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from ...arguments import Arguments
from ...domains import get_domain
from ...errors import TruthTooExpensive
from ...estimators.base import Estimate
from ..base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality, one_instance_cases
from ..space import CaseSpace


class ExactnessFacet(Protocol):
    """What exactness needs of a domain: its quantities as polynomials, and how to ask for every cumulant."""

    def applies(self, estimator: Any) -> str | None:
        """None when `estimator` can be given the complete argument on this domain, else why not."""
        ...

    def instances(self, max_gates: int) -> Any:
        """The strategy Y is drawn from."""
        ...

    def arguments(self, y: Any) -> Any:
        """A strategy of argument sets about `y` (Pi)."""
        ...

    def first_instances(self, max_gates: int) -> Any:
        """Instances to search first (`CaseSpace.first`): those where a truncation or a slip at depth
        shows soonest, or None."""
        ...

    def degree(self, y: Any) -> int:
        """The degree of `y`'s quantity as a polynomial in its inputs."""
        ...

    def complete(self, y: Any, pi: Arguments, order: int) -> tuple[Any, Arguments]:
        """(instance, arguments) that ask for `y` given `pi` with every cumulant up to `order` kept."""
        ...

    def statement(self, order: int, degree: int) -> str:
        """The law as checked on this domain, in words (the outcome's detail)."""
        ...


class Exactness(PropertyBase):
    """With every cumulant up to the degree kept (order:K, K >= degree), the estimate is exact."""

    name: ClassVar[str] = "exactness"
    code: ClassVar[str] = "D7"
    parameters: ClassVar[dict[str, Parameter]] = {
        "effort": Parameter(str, "degree", "degree (order:K with K the degree) or max (order:64)", ("degree", "max")),
        "max_gates": Parameter(int, 6, "largest circuit drawn"),
        **TOLERANCE_PARAMETERS,
    }

    def applies(self, estimator: Any, domain: str) -> str | None:
        reason = super().applies(estimator, domain)
        if reason is None:
            facet: ExactnessFacet = self.facet(domain)
            return facet.applies(estimator)
        return reason

    def space(self, domain: str, estimator: Any) -> CaseSpace:
        facet: ExactnessFacet = self.facet(domain)
        first = facet.first_instances(self.params["max_gates"])
        return CaseSpace(domain, draw=lambda: self.cases(domain, estimator),
                         first=None if first is None else lambda: one_instance_cases(first, facet.arguments))

    def cases(self, domain: str, estimator: Any) -> Any:
        facet: ExactnessFacet = self.facet(domain)
        return one_instance_cases(facet.instances(self.params["max_gates"]), facet.arguments)

    def evaluate(self, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        facet: ExactnessFacet = self.facet(y.domain)
        pi.check(y)
        try:
            degree = facet.degree(y)
            truth = get_domain(y.domain).truth(y, pi)
        except TruthTooExpensive as exc:
            return Outcome(0, 0, 0.0, 0.0, applicable=False, detail=str(exc))
        order = max(1, degree) if self.params["effort"] == "degree" else 64
        g = call(*facet.complete(y, pi, order))
        return equality(self.params, g, Estimate(truth), detail=facet.statement(order, degree))
