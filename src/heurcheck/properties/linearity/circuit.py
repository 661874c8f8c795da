"""linearity on arithmetic circuits: aX + bY of two wires of one circuit, and one function as two circuits
(C and C' = C after algebraic rewrites)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from ...domains.circuit import Circuit, Gate, circuits, cone, draw_circuit_arguments, polynomial, with_output
from ...domains.circuit.enumerate import ARGUMENT_FAMILY, argument_family, circuit_structures
from ...domains.circuit.strategies import HALVES
from ...domains.codes import draw_code, pick
from ...symbols import symbol
from ..base import Case
from ..space import Enumeration


def rewrite(c: Circuit, where: int, how: int) -> Circuit:
    """C with one algebraic rewrite at gate `where` (mod the number of gates) computing the same
    polynomial; the rewritten gate keeps its id and new helper gates are inserted just before it."""
    if not c.gates:
        return c
    k = where % len(c.gates)
    g = c.gates[k]
    new: list[Gate] = []
    kinds = [how % 5, (how + 1) % 5, (how + 2) % 5, (how + 3) % 5, (how + 4) % 5]
    for kind in kinds:  # the first rewrite that applies to this gate
        if kind == 0 and g.op in ("add", "mul") and g.args[0] != g.args[1]:
            new = [Gate(g.id, g.op, (g.args[1], g.args[0]))]
        elif kind == 1 and g.op == "mul" and (inner := c.gate(g.args[1])) is not None and inner.op == "mul":
            new = [Gate(f"{g.id}.t", "mul", (g.args[0], inner.args[0])),
                   Gate(g.id, "mul", (f"{g.id}.t", inner.args[1]))]
        elif kind == 2 and g.op == "mul" and (inner := c.gate(g.args[1])) is not None and inner.op == "add":
            new = [Gate(f"{g.id}.l", "mul", (g.args[0], inner.args[0])),
                   Gate(f"{g.id}.r", "mul", (g.args[0], inner.args[1])),
                   Gate(g.id, "add", (f"{g.id}.l", f"{g.id}.r"))]
        elif kind == 3 and g.op == "scale":
            new = [Gate(f"{g.id}.c", "const", (), g.value), Gate(g.id, "mul", (f"{g.id}.c", g.args[0]))]
        elif kind == 4 and g.op == "neg":
            new = [Gate(g.id, "scale", g.args, Fraction(-1))]
        if new:
            break
    if not new or any(c.has_wire(x.id) for x in new[:-1]):
        return c
    return Circuit(c.inputs, c.gates[:k] + tuple(new) + c.gates[k + 1 :], c.output, c.joint)


class CircuitLinearity:
    def cases(self, form: str, max_gates: int) -> Any:
        # every strategy built here, once: one built inside a draw is a new object Hypothesis validates again
        forms = st.sampled_from(("combination", "semantic") if form == "all" else (form,))
        base = circuits(max_inputs=3, max_gates=max_gates)

        @st.composite
        def build(draw: Any) -> Case:
            c = draw(base)
            if draw(forms) == "combination":
                # the case's own numbers, a byte each (`heurcheck.domains.codes`): the two wires, the two coefficients
                wires, code = c.wires, draw_code(draw, 4)
                u, v = (wires[w % 64 % len(wires)] for w in code[:2])
                a, b = (pick(HALVES, w) for w in code[2:])  # as COEFFICIENTS: n/d, |n| <= 3, d <= 2
                x, y, z = _combination(c, u, v, a, b)
                return _combination_case(x, y, z, draw_circuit_arguments(draw, z), a, b)
            other, code = c, draw_code(draw, 7)  # the (gate, kind) of each rewrite, then their count (1 to 3)
            for k in range(1 + code[6] % 3):
                other = rewrite(other, code[2 * k] % 64, code[2 * k + 1] % 5)
            pi = draw_circuit_arguments(draw, c, kinds=("order", "reveal"))
            return Case((("C", c), ("C'", cone(other, other.output))), (("Pi", pi),))

        return build()

    def finite(self, n_max: int, entries: str) -> Enumeration | None:
        return None  # circuits have no finite domain here (their parameters are rationals)

    def structures(self, form: str) -> Callable[[int], Enumeration] | None:
        return None if form == "semantic" else self._structures

    def _structures(self, max_nodes: int) -> Enumeration:
        """Every combination aX + bY of two wires (a, b and every instance parameter symbolic) of
        every circuit structure up to `max_nodes` nodes, under each argument set of the family."""
        def generate() -> Any:
            a, b = symbol("a"), symbol("b")
            for size, c in circuit_structures(max_nodes):
                wires = c.wires
                for i, u in enumerate(wires):
                    for v in wires[i:]:  # (v, u) is (u, v) with a and b swapped
                        x, y, z = _combination(c, u, v, a, b)
                        for pi in argument_family(z, keep=(u, v)):
                            yield size, _combination_case(x, y, z, pi, a, b)

        return Enumeration(f"every circuit of up to {max_nodes} nodes on up to 2 Gaussian inputs (all parameters "
                           f"symbolic), every pair of its wires X, Y with symbolic a, b; {ARGUMENT_FAMILY}", generate)

    def same_function(self, c: Circuit, other: Circuit) -> bool:
        return _same_polynomial(c, other)


def _combination(c: Circuit, u: str, v: str, a: Any, b: Any) -> tuple[Circuit, Circuit, Circuit]:
    """X = wire u, Y = wire v and Z = aX + bY, all three on the gates of `c` plus the combination."""
    top = (Gate("aX", "scale", (u,), a), Gate("bY", "scale", (v,), b), Gate("Z", "add", ("aX", "bY")))
    z = Circuit(c.inputs, c.gates + top, "Z", c.joint)
    x, y = (with_output(z, w) for w in (u, v))
    return x, y, z


def _combination_case(x: Circuit, y: Circuit, z: Circuit, pi: Any, a: Any, b: Any) -> Case:
    return Case((("X", x), ("Y", y), ("Z", z)), (("Pi", pi),), (("a", a), ("b", b)))


def _same_polynomial(c: Circuit, other: Circuit) -> bool:
    p, q = polynomial(c), polynomial(other)
    keys = set(p) | set(q)
    return all(p.get(k, 0) == q.get(k, 0) for k in keys)


FACET = CircuitLinearity()
