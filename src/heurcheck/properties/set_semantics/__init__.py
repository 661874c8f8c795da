"""set-semantics (D6): the order and duplication of arguments, and the order in which an atom
lists its wires, do not change the estimate.

Form [I]: for a list of atoms L, G(Y | set(L)) = G(Y | set(L')) where L' is L shuffled, with some
atoms repeated and multi-wire atoms written in another order (the same multiset). heurcheck's
`Arguments` is a frozen set and iterates in sorted order, so an estimator can only break this by
depending on how the underlying set was built: the iteration order of `arguments.atoms` depends on
insertion order when hashes collide, and on the process's hash seed (PYTHONHASHSEED), so such a
violation may show in one process and not in another. The case records the order in which the
second set was built (`order.k` numbers, indices into the sorted first set) so it replays.
Parameters: `max_gates`, tolerances. Domains: circuit, boolean, permanent. Every estimator of those
domains. Tolerance: absolute + relative; stderr-scaled for randomised estimators.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from hypothesis import strategies as st

from ...arguments import Arguments
from ..base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality


class SetSemanticsFacet(Protocol):
    """What set-semantics needs of a domain."""

    def instances(self, max_gates: int) -> Any:
        """The strategy Y is drawn from."""
        ...

    def arguments(self, y: Any) -> Any:
        """A strategy of argument sets about `y` (Pi)."""
        ...

    def rewritten(self, atom: Any) -> Any:
        """The same atom written another way (a multi-part atom with its parts in another order),
        or the atom itself when there is only one way to write it."""
        ...


class SetSemantics(PropertyBase):
    """Building the same argument set in another order, with duplicates, leaves G unchanged."""

    name: ClassVar[str] = "set-semantics"
    code: ClassVar[str] = "D6"
    parameters: ClassVar[dict[str, Parameter]] = {
        "max_gates": Parameter(int, 5, "largest circuit drawn"),
        **TOLERANCE_PARAMETERS,
    }

    def cases(self, domain: str, estimator: Any) -> Any:
        facet: SetSemanticsFacet = self.facet(domain)
        # strategies are built once per run, not once per draw (building one costs about a millisecond)
        instances = facet.instances(self.params["max_gates"])

        @st.composite
        def build(draw: Any) -> Case:
            y = draw(instances)
            pi = draw(facet.arguments(y))
            n = len(pi)
            order = draw(st.permutations(range(n))) if n else []
            repeats = draw(st.lists(st.integers(0, n - 1), max_size=2)) if n else []
            numbers = tuple((f"order.{k}", i) for k, i in enumerate(list(order) + repeats))
            return Case((("Y", y),), (("Pi", pi),), numbers)

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        atoms = list(pi)
        facet: SetSemanticsFacet = self.facet(y.domain)
        other = _rebuilt([facet.rewritten(atoms[case.index(name, len(atoms))]) for name, _ in case.numbers
                          if name.startswith("order.")])
        pi.check(y)
        return equality(self.params, call(y, pi), call(y, other),
                        detail="G(Y | Pi) does not depend on how the set Pi was written")


def _rebuilt(atoms: list[Any]) -> Arguments:
    """A set built from `atoms` in the given order."""
    built = Arguments.__new__(Arguments)
    object.__setattr__(built, "atoms", frozenset(atoms))
    return built
