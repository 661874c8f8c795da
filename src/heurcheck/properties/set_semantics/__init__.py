"""set-semantics (D6): the order and duplication of arguments, and the order in which an atom
lists its wires, do not change the estimate.

Form [I]: the checker owns `Arguments`, so it hands the estimator *views* of one set, the same
atoms iterating in different orders (through `arguments.atoms`, through iteration and `of`), and
compares: G(Y | Pi) in the canonical order (sorted by text) against G(Y | Pi') for Pi' the reversed
order, the order rotated by one, and a shuffle drawn with the case (its `order.k` numbers, indices
into the canonical order, so the witness replays), with multi-wire atoms written in another order
(the same atom). The outcome is the first view that differs, or else the closest. Every call sees a view, so the
estimates do not depend on the process's hash seed.
Parameters: `max_gates`, tolerances. Domains: circuit, boolean, permanent. Every estimator of those
domains. Tolerance: absolute + relative; stderr-scaled for randomised estimators.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from hypothesis import strategies as st

from ...domains.codes import draw_code
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
            # one atom has one order (its view is the atom rewritten): nothing to draw, no case repeated for it
            order = _shuffle(draw_code(draw, n + 2), n) if n > 1 else []
            numbers = tuple((f"order.{k}", i) for k, i in enumerate(order))
            return Case((("Y", y),), (("Pi", pi),), numbers)

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        facet: SetSemanticsFacet = self.facet(y.domain)
        pi.check(y)
        canonical = pi.sorted()
        shuffled = list(dict.fromkeys(canonical[case.index(name, len(canonical))] for name, _ in case.numbers
                                      if name.startswith("order.")))
        views = {
            "reversed": canonical[::-1],
            "rotated by one": canonical[1:] + canonical[:1],
            "shuffled": shuffled + [a for a in canonical if a not in shuffled],
        }
        base = call(y, pi.view(canonical))
        worst: Outcome | None = None
        for what, order in views.items():
            if len(canonical) < 2 and worst is not None:
                break  # one atom has one order: a single comparison (its rewriting) is enough
            other = pi.view([facet.rewritten(a) for a in order])
            out = equality(self.params, base, call(y, other),
                           detail=f"G(Y | Pi) does not depend on the order Pi is read in (canonical vs {what})")
            if worst is None or out.violation > worst.violation:
                worst = out
            if out.violates:  # one view that differs is the witness (shrinking re-evaluates every candidate)
                break
        assert worst is not None
        return worst


REPEATS = (0, 0, 1, 2)  # how many indices are read twice: none half the time, as Hypothesis's lists of up to 2


def _shuffle(code: bytes, n: int) -> list[int]:
    """An order of range(n) and up to two of its indices again, from n + 2 bytes of a code (one Hypothesis
    choice where a permutation and a list were about n + 3): which indices are repeated, how many, then
    the swaps of a Fisher-Yates shuffle, which shrink to none (the identity, as Hypothesis's permutations
    do). The swaps come last: the byte that Hypothesis's `target` phase changes first is then read."""
    order = list(range(n))
    for i in range(n - 1):
        j = i + code[3 + i] % (n - i)
        order[i], order[j] = order[j], order[i]
    return order + [code[k] % n for k in range(REPEATS[code[2] % len(REPEATS)])]
