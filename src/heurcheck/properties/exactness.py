"""exactness (D7): at complete arguments the estimate is exact: G(Y | Pi + order:K) = E[Y | Pi]
for every K at least the degree of Y.

Form [R for cumulant propagation]: "complete" means every joint cumulant kept, given as the
argument `order:K`. Parameter `effort`: `degree` (K = the degree of Y as a polynomial in the
inputs, the least order theory says is exact, which catches a truncation that is off by one) or
`max` (K = 64). On boolean circuits the degree is that of the arithmetisation. Other parameters:
`max_gates`, tolerances. Domains: circuit, boolean. Every estimator of those domains (one that
ignores `order:` arguments must then be exact anyway). Tolerance: absolute + relative;
stderr-scaled for randomised estimators. Source: Christiano, Neyman, Xu (2022).
"""

from __future__ import annotations

from typing import Any, ClassVar

from hypothesis import strategies as st

from ..domains import get_domain
from ..domains.circuit import CumulantOrder, circuits, polynomial
from ..errors import TruthTooExpensive
from ..estimators.base import Estimate
from .base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality
from .strategies import boolean_arguments, circuit_arguments


class Exactness(PropertyBase):
    """With every cumulant up to the degree kept (order:K, K >= degree), the estimate is exact."""

    name: ClassVar[str] = "exactness"
    code: ClassVar[str] = "D7"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "boolean"})
    parameters: ClassVar[dict[str, Parameter]] = {
        "effort": Parameter(str, "degree", "degree (order:K with K the degree) or max (order:64)", ("degree", "max")),
        "max_gates": Parameter(int, 6, "largest circuit drawn"),
        **TOLERANCE_PARAMETERS,
    }

    def applies(self, estimator: Any, domain: str) -> str | None:
        reason = super().applies(estimator, domain)
        if reason is None and domain == "boolean" and "circuit" not in estimator.domains:
            return ("on boolean circuits the complete argument order:K is given through the arithmetisation, "
                    f"and {estimator.name} does not handle arithmetic circuits")
        return reason

    def cases(self, domain: str, estimator: Any) -> Any:
        gates = self.params["max_gates"]
        if domain == "boolean":
            from ..domains.boolean import instances

            booleans = instances(max_inputs=3, max_gates=gates, probabilities="rational")

            @st.composite
            def boolean_case(draw: Any) -> Case:
                y = draw(booleans)
                return Case((("Y", y),), (("Pi", draw(boolean_arguments(y))),))

            return boolean_case()
        # K = degree is tight only where high cumulants matter: favour products and chains over
        # few inputs, and non-Gaussian inputs (a Gaussian's cumulants above 2 vanish)
        deep = circuits(max_inputs=2, max_gates=gates, recent=True,
                        dists=("rademacher", "bernoulli", "uniform", "gaussian"),
                        ops=("mul", "square", "add", "mul", "scale", "neg", "const"))
        any_circuit = deep | circuits(max_inputs=3, max_gates=gates) | circuits(max_inputs=3, max_gates=gates, joint=True)

        @st.composite
        def build(draw: Any) -> Case:
            y = draw(any_circuit)
            return Case((("Y", y),), (("Pi", draw(circuit_arguments(y, kinds=("keep", "reveal")))),))

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        pi.check(y)
        try:
            arithmetic = y if y.domain == "circuit" else get_domain("boolean").to_circuit(y)
            degree = max((sum(m) for m, c in polynomial(arithmetic).items() if c != 0), default=0)
            truth = get_domain(y.domain).truth(y, pi)
        except TruthTooExpensive as exc:
            return Outcome(0, 0, 0.0, 0.0, applicable=False, detail=str(exc))
        order = max(1, degree) if self.params["effort"] == "degree" else 64
        if y.domain == "boolean":
            return self._boolean(y, pi, order, call, truth)
        g = call(y, pi | [CumulantOrder(order)])
        return equality(self.params, g, Estimate(truth), detail=f"G(Y | Pi + order:{order}) = E[Y | Pi], degree {degree}")

    def _boolean(self, y: Any, pi: Any, order: int, call: Call, truth: Any) -> Outcome:
        # boolean circuits have no order atom of their own: the estimator is asked through the
        # arithmetisation, which is the same quantity with the same wire ids
        from ..domains.boolean import arguments_as_circuit, to_circuit

        c = to_circuit(y)
        g = call(c, arguments_as_circuit(pi) | [CumulantOrder(order)])
        return equality(self.params, g, Estimate(truth), detail=f"G(arithmetised Y | Pi + order:{order}) = Pr[C = 1]")
