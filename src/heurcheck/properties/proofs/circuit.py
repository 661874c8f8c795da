"""respect-for-proofs on arithmetic circuits: a proved square (sign), a proved constant (exact value) and X <= X + s*s
(monotonicity)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from ...domains.circuit import Circuit, CumulantOrder, Gate, ProvedEqual, ProvedNonNegative, circuit_arguments, circuits, cone
from ...domains.circuit.enumerate import ARGUMENT_FAMILY, argument_family, circuit_structures
from ...symbols import symbol
from ..base import Case
from ..space import Enumeration


def _extend(c: Circuit, gates: list[Gate], output: str, cut_to: str | None = None) -> Circuit:
    """`c` with extra gates, cut to what `cut_to` (default: the new output) depends on."""
    whole = Circuit(c.inputs, c.gates + tuple(gates), output, c.joint)
    kept = cone(whole, cut_to or output)
    return Circuit(kept.inputs, kept.gates, output, kept.joint)


def _sign_case(c: Circuit, i: int, j: int, two: bool, inner: int = 0) -> tuple[Circuit, str, tuple[str, ...]]:
    """Y >= 0 built on the squares of two wires of `c` (newest first); returns Y, its output and the wires
    certified. `inner` 0: Y = sq1 (or sq1 + sq2), certified at the output only; 1: Y = sq1 * sq2 and
    2: Y = sq1 + sq2 feeding a later product with a non-negative constant, the certificates sitting on
    the inner squares too (an estimator that only looks at its final output has to respect them on
    the way)."""
    wires = c.wires
    # newest wires first: the deepest wire is the likeliest to expose a truncation
    a, b = wires[-1 - i % len(wires)], wires[-1 - j % len(wires)]
    gates = [Gate("sq1", "mul", (a, a))]
    if inner == 1:
        gates += [Gate("sq2", "mul", (b, b)), Gate("Y", "mul", ("sq1", "sq2"))]
        return _extend(c, gates, "Y"), "Y", ("sq1", "sq2", "Y")
    if inner == 2:
        gates += [Gate("sq2", "mul", (b, b)), Gate("s", "add", ("sq1", "sq2")), Gate("h", "const", (), Fraction(1, 2)),
                  Gate("Y", "mul", ("s", "h"))]
        return _extend(c, gates, "Y"), "Y", ("sq1", "sq2", "s", "Y")
    if two:
        gates += [Gate("sq2", "mul", (b, b)), Gate("Y", "add", ("sq1", "sq2"))]
    else:
        gates += [Gate("Y", "scale", ("sq1",), Fraction(1))]
    return _extend(c, gates, "Y"), "Y", ("Y",)


def _exact_value_circuit(c: Circuit, w: str, k: Any, inner: bool = False) -> tuple[Circuit, Any, tuple[tuple[str, Any], ...]]:
    """e = (w + k)(w - k) - w*w, identically -k^2; Y = e, or (`inner`) Y = e * e + e, identically k^4 - k^2,
    the proof of e's value sitting on the inner wire. Returns Y, its value and the equalities certified."""
    gates = [Gate("cp", "const", (), k), Gate("cm", "const", (), -k),
             Gate("u", "add", (w, "cp")), Gate("v", "add", (w, "cm")), Gate("uv", "mul", ("u", "v")),
             Gate("ww", "mul", (w, w)), Gate("nww", "neg", ("ww",))]
    if not inner:
        return _extend(c, gates + [Gate("Y", "add", ("uv", "nww"))], "Y"), -k * k, (("Y", -k * k),)
    gates += [Gate("e", "add", ("uv", "nww")), Gate("ee", "mul", ("e", "e")), Gate("Y", "add", ("ee", "e"))]
    value = k * k * k * k - k * k
    return _extend(c, gates, "Y"), value, (("e", -k * k), ("Y", value))


def _monotonicity_circuits(c: Circuit, s: str) -> tuple[Circuit, Circuit]:
    """X = the output of `c`, Y = X + s*s: the proof nonneg:s2 gives X <= Y."""
    gates = [Gate("s2", "mul", (s, s)), Gate("Y", "add", (c.output, "s2"))]
    return _extend(c, gates, c.output, cut_to="Y"), _extend(c, gates, "Y")


class CircuitRespectForProofs:
    def cases(self, form: str, max_gates: int) -> Any:
        # with `all`, sign cases are drawn twice as often: it is the form that truncation breaks most
        forms = ("sign", "sign", "exact-value", "monotonicity") if form == "all" else (form,)
        # squares of high-degree wires are where truncation goes wrong: favour products and chains
        # few inputs, so wires reuse them (fan-out), as truncated propagation is wrong on such squares
        general = circuits(max_inputs=2, max_gates=max_gates, recent=True,
                           ops=("mul", "square", "add", "mul", "scale", "square", "neg", "const"))
        # half the cases start from a tower of squares of one input (x^2, x^4, x^8): the highest degree
        # for the fewest gates, where a truncated propagation goes wrong first
        towers = circuits(max_inputs=1, max_gates=min(3, max_gates), recent=True, ops=("square",))
        base = st.one_of(towers, general)
        # a truncation order beside the proof (none first, so shrinking drops it when it does not matter):
        # a proof about x^8 is what an estimator keeping cumulants up to order 2-4 gets wrong
        # which wires the proof squares, newest first: the newest (deepest) in half the cases
        wire_index = st.one_of(st.just(0), st.integers(0, 63))
        orders = st.sampled_from((0, 4, 3, 2)).map(lambda k: [CumulantOrder(k)] if k else [])

        @st.composite
        def build(draw: Any) -> Case:
            kind = draw(st.sampled_from(forms))
            c = draw(base)
            truncation = draw(orders)
            i, j = draw(wire_index), draw(wire_index)
            if kind == "sign":
                y, _, proved = _sign_case(c, i, j, draw(st.booleans()), draw(st.integers(0, 2)))
                pi = draw(circuit_arguments(y)) | [ProvedNonNegative(w) for w in proved] + truncation
                return Case((("Y", y),), (("Pi", pi),), (("form", 0),))
            if kind == "exact-value":
                w = c.wires[i % len(c.wires)]
                k = draw(st.integers(-2, 2))
                y, value, equal = _exact_value_circuit(c, w, Fraction(k), draw(st.booleans()))
                pi = draw(circuit_arguments(y)) | [ProvedEqual(wire, v) for wire, v in equal] + truncation
                return Case((("Y", y),), (("Pi", pi),), (("form", 1), ("value", value)))
            x, y = _monotonicity_circuits(c, c.wires[j % len(c.wires)])
            pi = draw(circuit_arguments(y)) | [ProvedNonNegative("s2")] + truncation
            return Case((("X", x), ("Y", y)), (("Pi", pi),), (("form", 2),))

        return build()

    def structures(self, form: str) -> Callable[[int], Enumeration] | None:
        return lambda max_nodes: self._structures(form, max_nodes)

    def _structures(self, form: str, max_nodes: int) -> Enumeration:
        """Every proof case of the chosen form built on every circuit structure up to `max_nodes`
        nodes (all parameters symbolic, the constant of exact-value too), under each argument set
        of the family."""
        forms = ("sign", "exact-value", "monotonicity") if form == "all" else (form,)
        k = symbol("k")

        def generate() -> Any:
            for size, c in circuit_structures(max_nodes):
                n = len(c.wires)
                for kind in forms:
                    if kind == "sign":
                        for i in range(n):
                            choices = [(i, False, 0)] + [(j, True, inner) for j in range(i, n) for inner in (0, 1, 2)]
                            for j, two, inner in choices:
                                y, _, proved = _sign_case(c, i, j, two, inner)
                                for pi in argument_family(y):
                                    yield size, Case((("Y", y),), (("Pi", pi | [ProvedNonNegative(w) for w in proved]),),
                                                     (("form", 0),))
                    elif kind == "exact-value":
                        for w in c.wires:
                            for inner in (False, True):
                                y, value, equal = _exact_value_circuit(c, w, k, inner)
                                for pi in argument_family(y):
                                    yield size, Case((("Y", y),), (("Pi", pi | [ProvedEqual(e, v) for e, v in equal]),),
                                                     (("form", 1), ("value", value)))
                    else:
                        for s in c.wires:
                            x, y = _monotonicity_circuits(c, s)
                            for pi in argument_family(y):
                                yield size, Case((("X", x), ("Y", y)), (("Pi", pi | [ProvedNonNegative("s2")]),),
                                                 (("form", 2),))

        return Enumeration(f"every circuit of up to {max_nodes} nodes on up to 2 Gaussian inputs (all parameters "
                           f"symbolic), every choice of the squared wires ({', '.join(forms)}); {ARGUMENT_FAMILY}",
                           generate)


FACET = CircuitRespectForProofs()
