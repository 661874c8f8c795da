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

from fractions import Fraction
from collections.abc import Iterator
from typing import Any, ClassVar

from hypothesis import strategies as st

from ..arguments import Arguments
from ..domains.boolean.enumerate import boolean_circuits
from ..domains.circuit import RevealInput, circuits, support
from ..domains.circuit.enumerate import finite_support_circuits
from ..estimators.base import Estimate
from .space import CaseSpace, Enumeration
from .base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality
from .strategies import boolean_arguments, circuit_arguments

FORMS = ("restrict", "reveal")


class RestrictionLinearity(PropertyBase):
    """G(Y | Pi) equals the average over an input's values of the estimates with that input fixed."""

    name: ClassVar[str] = "restriction-linearity"
    code: ClassVar[str] = "D1'"
    domains: ClassVar[frozenset[str]] = frozenset({"boolean", "circuit"})
    parameters: ClassVar[dict[str, Parameter]] = {
        "form": Parameter(str, "restrict", "restrict (C[x_i=v], boolean only) or reveal (Pi + reveal:x_i=v)", FORMS),
        "max_gates": Parameter(int, 6, "largest circuit drawn"),
        "exhaustive_bits": Parameter(int, 2, "exhaustive engine: every boolean circuit on this many bits..."),
        "exhaustive_gates": Parameter(int, 3, "...with up to this many gates"),
        **TOLERANCE_PARAMETERS,
    }

    def space(self, domain: str, estimator: Any) -> CaseSpace:
        return CaseSpace(domain, draw=lambda: self.cases(domain, estimator), finite=self._finite(domain))

    def _finite(self, domain: str) -> Enumeration:
        """The finite domain the exhaustive engine enumerates, with its description: boolean circuits,
        or arithmetic circuits over finite-support inputs (reveal form)."""
        bits, gates = self.params["exhaustive_bits"], self.params["exhaustive_gates"]
        if domain == "boolean":
            return Enumeration(f"every boolean circuit with up to {gates} gates on {bits} bits (p = 1/2), every input "
                               f"restricted", lambda: _sized(restriction_cases(bits, gates)))
        return Enumeration(f"every arithmetic circuit (add, mul, neg) with up to {gates} gates on up to {bits} "
                           f"Rademacher or Bernoulli(1/2) inputs, every input revealed",
                           lambda: _sized(finite_restriction_cases(bits, gates)))

    def cases(self, domain: str, estimator: Any) -> Any:
        if domain == "boolean":
            from ..domains.boolean import instances

            base = instances(max_inputs=3, max_gates=self.params["max_gates"])
        else:
            base = circuits(max_inputs=3, max_gates=self.params["max_gates"], dists=("rademacher", "bernoulli", "uniform"))

        @st.composite
        def build(draw: Any) -> Case:
            c = draw(base)
            i = draw(st.integers(0, len(c.inputs) - 1))
            xi = c.inputs[i].id
            drawn = draw(boolean_arguments(c) if domain == "boolean" else circuit_arguments(c))
            pi = Arguments(a for a in drawn if getattr(a, "input", None) != xi)
            return Case((("Y", c),), (("Pi", pi),), (("input", i),))

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        inp = y.inputs[int(case.number("input"))]
        pi.check(y)
        if y.domain == "boolean":
            weights = [(0, 1 - inp.p), (1, inp.p)]
        else:
            values, probs = support(inp.dist)  # type: ignore[misc]
            weights = list(zip(values, probs))
        total: Any = 0
        variance = 0.0
        terms = []
        for value, weight in weights:
            g = call(self._fixed(y, inp.id, value), pi) if self.params["form"] == "restrict" and y.domain == "boolean" \
                else call(y, pi | [self._reveal(y.domain, inp.id, value)])
            total = total + weight * g.value
            terms.append(weight * g.value)
            variance += (float(weight) * (g.stderr or 0.0)) ** 2
        stderr = variance**0.5 if call.randomised else None
        return equality(self.params, call(y, pi), Estimate(total, stderr), *terms,
                        detail=f"G(Y | Pi) = E over {inp.id} of G(Y with {inp.id} fixed | Pi)")

    @staticmethod
    def _fixed(y: Any, input_id: str, value: int) -> Any:
        from ..domains.boolean import restrict

        return restrict(y, input_id, value)

    @staticmethod
    def _reveal(domain: str, input_id: str, value: Any) -> Any:
        if domain == "boolean":
            from ..domains.boolean import RevealBit

            return RevealBit(input_id, int(value))
        return RevealInput(input_id, Fraction(value))



def _sized(cases: Iterator[Case]) -> Iterator[tuple[int, Case]]:
    return ((case.size(), case) for case in cases)


def restriction_cases(n_bits: int, max_gates: int, *, canonical: bool = False) -> Iterator[Case]:
    """Every circuit of `boolean_circuits` (in its order), and for each every input index, with Pi empty."""
    empty = Arguments()
    for c in boolean_circuits(n_bits, max_gates, canonical=canonical):
        for i in range(len(c.inputs)):
            yield Case((("Y", c),), (("Pi", empty),), (("input", i),))


def finite_restriction_cases(n_inputs: int, max_gates: int) -> Iterator[Case]:
    """The reveal form on arithmetic circuits: every circuit of `finite_support_circuits`, every
    input revealed, Pi empty."""
    empty = Arguments()
    for c in finite_support_circuits(n_inputs, max_gates):
        for i in range(len(c.inputs)):
            yield Case((("Y", c),), (("Pi", empty),), (("input", i),))
