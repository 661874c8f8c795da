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

from typing import Any, ClassVar

from hypothesis import strategies as st

from .base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality
from .independence import _renamed
from .strategies import boolean_arguments, circuit_arguments, circuit_family


def side_by_side(y: Any, d: Any) -> Any:
    """One instance holding both circuits, whose output is Y's."""
    return type(y)(y.inputs + d.inputs, y.gates + d.gates, y.output)


class IrrelevantArguments(PropertyBase):
    """Arguments about wires that Y does not depend on leave G(Y | .) unchanged."""

    name: ClassVar[str] = "irrelevant-arguments"
    code: ClassVar[str] = "D5"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "boolean"})
    parameters: ClassVar[dict[str, Parameter]] = {
        "max_gates": Parameter(int, 5, "largest circuit drawn for Y and for the unrelated part"),
        **TOLERANCE_PARAMETERS,
    }

    def cases(self, domain: str, estimator: Any) -> Any:
        base, _ = circuit_family(domain, 3, self.params["max_gates"])

        @st.composite
        def build(draw: Any) -> Case:
            y, d = _renamed(draw(base), "y."), _renamed(draw(base), "d.")
            whole = side_by_side(y, d)
            if domain == "boolean":
                pi, extra = draw(boolean_arguments(y)), draw(boolean_arguments(d, min_atoms=1))
            else:
                # an order atom is global, not about D: keep it out of the irrelevant part
                pi = draw(circuit_arguments(y))
                extra = draw(circuit_arguments(d, kinds=("keep", "reveal"), min_atoms=1))
            return Case((("Y", whole),), (("Pi", pi), ("pi", extra)))

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        y, pi, extra = case.instance("Y"), case.args("Pi"), case.args("pi")
        (pi | extra).check(y)
        return equality(self.params, call(y, pi | extra), call(y, pi),
                        detail="G(Y | Pi + pi) = G(Y | Pi) for pi about a part Y does not depend on")

