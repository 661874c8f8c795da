"""irrelevant-arguments (D5): an argument about a part of the problem that Y does not depend on
leaves the estimate unchanged: G(Y | Pi + pi) = G(Y | Pi).

Form [R, informal; made precise here]: the instance holds, next to the circuit computing Y, an
unrelated circuit D on its own inputs (Y depends on none of D's wires); pi is a set of atoms that
mention only D's wires and inputs (kept cumulants, revealed inputs; on boolean circuits revealed
bits). Parameters: `max_gates`, tolerances. Domains: circuit, boolean. Every estimator of those
domains. Tolerance: absolute + relative; stderr-scaled for randomised estimators.
Source: Christiano, Neyman, Xu (2022).
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from hypothesis import strategies as st

from ..base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality


class IrrelevantArgumentsFacet(Protocol):
    """What irrelevant-arguments needs of a domain."""

    def instances(self, max_gates: int) -> Any:
        """The strategy Y and the unrelated part D are each drawn from."""
        ...

    def arguments(self, y: Any) -> Any:
        """A strategy of argument sets about `y` (Pi)."""
        ...

    def irrelevant_arguments(self, d: Any) -> Any:
        """A strategy of non-empty argument sets about `d` alone (pi): no atom about the whole instance."""
        ...

    def renamed(self, x: Any, prefix: str) -> Any:
        """`x` with every part's name prefixed, so two copies can share one instance."""
        ...

    def side_by_side(self, y: Any, d: Any) -> Any:
        """One instance holding both, whose quantity is Y's."""
        ...


class IrrelevantArguments(PropertyBase):
    """Arguments about wires that Y does not depend on leave G(Y | .) unchanged."""

    name: ClassVar[str] = "irrelevant-arguments"
    code: ClassVar[str] = "D5"
    parameters: ClassVar[dict[str, Parameter]] = {
        "max_gates": Parameter(int, 5, "largest circuit drawn for Y and for the unrelated part"),
        **TOLERANCE_PARAMETERS,
    }

    def cases(self, domain: str, estimator: Any) -> Any:
        facet: IrrelevantArgumentsFacet = self.facet(domain)
        base = facet.instances(self.params["max_gates"])

        @st.composite
        def build(draw: Any) -> Case:
            y, d = facet.renamed(draw(base), "y."), facet.renamed(draw(base), "d.")
            whole = facet.side_by_side(y, d)
            pi, extra = draw(facet.arguments(y)), draw(facet.irrelevant_arguments(d))
            return Case((("Y", whole),), (("Pi", pi), ("pi", extra)))

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        y, pi, extra = case.instance("Y"), case.args("Pi"), case.args("pi")
        (pi | extra).check(y)
        return equality(self.params, call(y, pi | extra), call(y, pi),
                        detail="G(Y | Pi + pi) = G(Y | Pi) for pi about a part Y does not depend on")

