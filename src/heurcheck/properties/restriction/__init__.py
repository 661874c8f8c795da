"""restriction-linearity (D1'): G(Y | Pi) = sum over v of Pr[x_i = v] G(Y_i=v | Pi).

Forms (parameter `form`):
- `restrict` (boolean circuits, Neyman's D1' [R]): Y_i=v is the circuit C[x_i = v] with the bit
  replaced by a constant: G(p(C)) = (1 - p_i) G(p(C[x_i=0])) + p_i G(p(C[x_i=1]));
- `reveal` (boolean and arithmetic circuits, the analogue [I]): Y_i=v is Y itself with the argument
  `reveal:x_i=v` added: G(Y | Pi) = E over x_i of G(Y | Pi + reveal x_i). On arithmetic circuits
  the revealed input has finite support (Bernoulli, Rademacher, uniform), enumerated exactly.
Pi never mentions x_i. Domains: boolean (both forms), circuit (reveal). Every estimator of those
domains. The exhaustive engine (`--engine exhaustive`) decides it over every boolean circuit with
up to `exhaustive_gates` gates on `exhaustive_bits` bits, and on arithmetic circuits over every
add/mul/neg circuit of that size on Rademacher or Bernoulli(1/2) inputs, in size order. Tolerance: abs_tol + rel_tol * the largest term; stderr-scaled for randomised estimators.
Sources: Neyman, PhD thesis ch. 9 (2024) for D1'; the domain reference for the analogue.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from hypothesis import strategies as st

from ...arguments import Arguments
from ...estimators.base import Estimate
from ..base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality, rounding_of
from ..space import CaseSpace, Enumeration

FORMS = ("restrict", "reveal")


class RestrictionLinearityFacet(Protocol):
    """What restriction-linearity needs of a domain: inputs with a finite law, and two ways to fix one."""

    def instances(self, max_gates: int) -> Any:
        """The strategy Y is drawn from (every input of finite support)."""
        ...

    def arguments(self, y: Any) -> Any:
        """A strategy of argument sets about `y` (Pi, before the atoms about the fixed input are dropped)."""
        ...

    def finite(self, inputs: int, max_gates: int) -> Enumeration:
        """Every instance with up to `inputs` inputs and `max_gates` gates, each input in turn, Pi empty
        (the exhaustive engine's domain)."""
        ...

    def law(self, x: Any) -> list[tuple[Any, Any]]:
        """The input `x`'s law: (value, probability) for each value in its support."""
        ...

    def restricted(self, y: Any, pi: Arguments, input_id: str, value: Any) -> tuple[Any, Arguments]:
        """(instance, arguments) for `y` given `pi` with the input replaced by the constant `value`
        (the restrict form)."""
        ...

    def revealed(self, y: Any, pi: Arguments, input_id: str, value: Any) -> tuple[Any, Arguments]:
        """(instance, arguments) for `y` given `pi` and that the input is `value` (the reveal form)."""
        ...


class RestrictionLinearity(PropertyBase):
    """G(Y | Pi) equals the average over an input's values of the estimates with that input fixed."""

    name: ClassVar[str] = "restriction-linearity"
    code: ClassVar[str] = "D1'"
    parameters: ClassVar[dict[str, Parameter]] = {
        "form": Parameter(str, "restrict", "restrict (C[x_i=v], boolean only) or reveal (Pi + reveal:x_i=v)", FORMS),
        "max_gates": Parameter(int, 6, "largest circuit drawn"),
        "exhaustive_bits": Parameter(int, 2, "exhaustive engine: every boolean circuit on this many bits..."),
        "exhaustive_gates": Parameter(int, 3, "...with up to this many gates"),
        **TOLERANCE_PARAMETERS,
    }

    def space(self, domain: str, estimator: Any) -> CaseSpace:
        facet: RestrictionLinearityFacet = self.facet(domain)
        finite = facet.finite(self.params["exhaustive_bits"], self.params["exhaustive_gates"])
        return CaseSpace(domain, draw=lambda: self.cases(domain, estimator), finite=finite)

    def cases(self, domain: str, estimator: Any) -> Any:
        facet: RestrictionLinearityFacet = self.facet(domain)
        base = facet.instances(self.params["max_gates"])

        @st.composite
        def build(draw: Any) -> Case:
            c = draw(base)
            i = draw(st.integers(0, len(c.inputs) - 1))
            xi = c.inputs[i].id
            drawn = draw(facet.arguments(c))
            pi = Arguments(a for a in drawn if getattr(a, "input", None) != xi)
            return Case((("Y", c),), (("Pi", pi),), (("input", i),))

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        facet: RestrictionLinearityFacet = self.facet(y.domain)
        inp = y.inputs[case.index("input", len(y.inputs))]
        pi.check(y)
        fixed = facet.restricted if self.params["form"] == "restrict" else facet.revealed
        total: Any = 0
        variance = 0.0
        terms = []
        weighted = []
        for value, weight in facet.law(inp):
            g = call(*fixed(y, pi, inp.id, value))
            total = total + weight * g.value
            terms.append(weight * g.value)
            weighted.append((weight, g))
            variance += (float(weight) * (g.stderr or 0.0)) ** 2
        stderr = variance**0.5 if call.randomised else None
        return equality(self.params, call(y, pi), Estimate(total, stderr, rounding_of(*weighted)), *terms,
                        detail=f"G(Y | Pi) = E over {inp.id} of G(Y with {inp.id} fixed | Pi)")
