"""set-semantics (D6): the order and duplication of arguments, and the order in which an atom
lists its wires, do not change the estimate.

Form [I]: for a list of atoms L, G(Y | set(L)) = G(Y | set(L')) where L' is L shuffled, with some
atoms repeated and multi-wire atoms written in another order (the same multiset). heurcheck's
`Arguments` is a frozen set, so an estimator can only break this by depending on the way the set
was built (for instance on the iteration order of `arguments.atoms`, which follows insertion).
Parameters: `max_gates`, tolerances. Domains: circuit, boolean, permanent. Every estimator of those
domains. Tolerance: absolute + relative; stderr-scaled for randomised estimators.
"""

from __future__ import annotations

from typing import Any, ClassVar

from hypothesis import strategies as st

from ..arguments import Arguments
from ..domains.circuit import KeepCumulant, circuits
from .base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality
from .strategies import boolean_arguments, circuit_arguments, permanent_arguments


class SetSemantics(PropertyBase):
    """Building the same argument set in another order, with duplicates, leaves G unchanged."""

    name: ClassVar[str] = "set-semantics"
    code: ClassVar[str] = "D6"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "boolean", "permanent"})
    parameters: ClassVar[dict[str, Parameter]] = {
        "max_gates": Parameter(int, 5, "largest circuit drawn"),
        **TOLERANCE_PARAMETERS,
    }

    def cases(self, domain: str, estimator: Any) -> Any:
        @st.composite
        def build(draw: Any) -> Case:
            if domain == "permanent":
                from ..domains.permanent import matrices

                y = draw(matrices(max_n=3, entries="small-int"))
                pi = draw(permanent_arguments())
            elif domain == "boolean":
                from ..domains.boolean import instances

                y = draw(instances(max_inputs=3, max_gates=self.params["max_gates"]))
                pi = draw(boolean_arguments(y))
            else:
                y = draw(circuits(max_inputs=3, max_gates=self.params["max_gates"]))
                pi = draw(circuit_arguments(y, max_atoms=4))
            atoms = list(pi)
            shuffled = draw(st.permutations(atoms)) if atoms else []
            repeats = draw(st.lists(st.sampled_from(atoms), max_size=2)) if atoms else []
            return Case((("Y", y),), (("Pi", pi), ("Pi, rebuilt", _rebuilt(shuffled + repeats))))

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        y, pi, other = case.instance("Y"), case.args("Pi"), case.args("Pi, rebuilt")
        pi.check(y)
        return equality(self.params, call(y, pi), call(y, other),
                        detail="G(Y | Pi) does not depend on how the set Pi was written")


def _rebuilt(atoms: list[Any]) -> Arguments:
    """A set built from `atoms` in the given order, multi-wire atoms written back to front."""
    out = []
    for a in atoms:
        if isinstance(a, KeepCumulant):
            a = KeepCumulant(tuple(reversed(a.wires)))  # normalised on construction: same atom
        out.append(a)
    built = Arguments.__new__(Arguments)
    object.__setattr__(built, "atoms", frozenset(out))
    return built
