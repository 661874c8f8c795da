"""independence (D4, the presumption of independence): G(XY | Pi) = G(X | Pi) G(Y | Pi) when no
argument in Pi links X and Y.

Form [R]: X and Y are computed from disjoint sets of independent inputs and Pi holds atoms about
each side separately (kept cumulants within one side, revealed inputs, orders), never one that
mentions wires of both. On boolean circuits the product is X and Y. Parameters: `max_gates`,
tolerances. Domains: circuit, boolean. Every estimator of those domains. Tolerance: absolute +
relative to the largest of G(XY), G(X) G(Y); stderr-scaled for randomised estimators.
Source: Christiano, Neyman, Xu (2022).
"""

from __future__ import annotations

from typing import Any, ClassVar

from hypothesis import strategies as st

from ..arguments import Arguments
from ..domains.circuit import Circuit, Gate, Input
from ..estimators.base import Estimate
from .base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality
from .strategies import circuit_family


def _renamed(c: Any, prefix: str) -> Any:
    """The same circuit with every wire id prefixed (so two copies can live side by side)."""
    if c.domain == "boolean":
        from ..domains.boolean import BitInput, BoolGate, BooleanCircuit

        return BooleanCircuit(tuple(BitInput(prefix + i.id, i.p) for i in c.inputs),
                              tuple(BoolGate(prefix + g.id, g.op, tuple(prefix + a for a in g.args), g.value)
                                    for g in c.gates), prefix + c.output)
    return Circuit(tuple(Input(prefix + i.id, i.dist) for i in c.inputs),
                   tuple(Gate(prefix + g.id, g.op, tuple(prefix + a for a in g.args), g.value) for g in c.gates),
                   prefix + c.output)


def product_of(x: Any, y: Any) -> tuple[Any, Any, Any]:
    """(X, Y, XY) over one shared instance whose inputs are X's and Y's, disjoint."""
    if x.domain == "boolean":
        from ..domains.boolean import BoolGate

        product: Any = BoolGate("XY", "and", (x.output, y.output))
    else:
        product = Gate("XY", "mul", (x.output, y.output))
    make = type(x)  # Circuit and BooleanCircuit share the (inputs, gates, output) constructor
    both = make(x.inputs + y.inputs, x.gates + y.gates + (product,), "XY")
    return make(both.inputs, both.gates, x.output), make(both.inputs, both.gates, y.output), both


class Independence(PropertyBase):
    """G(XY | Pi) = G(X | Pi) G(Y | Pi) for X, Y on disjoint independent inputs, Pi not linking them."""

    name: ClassVar[str] = "independence"
    code: ClassVar[str] = "D4"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "boolean"})
    parameters: ClassVar[dict[str, Parameter]] = {
        "max_gates": Parameter(int, 4, "largest circuit drawn for each side"),
        **TOLERANCE_PARAMETERS,
    }

    def cases(self, domain: str, estimator: Any) -> Any:
        base, args = circuit_family(domain, 2, self.params["max_gates"])

        @st.composite
        def build(draw: Any) -> Case:
            x, y = _renamed(draw(base), "x."), _renamed(draw(base), "y.")
            px, py = draw(args(x)), draw(args(y))
            pi = Arguments([a for a in px] + [a for a in py])
            x, y, xy = product_of(x, y)
            return Case((("X", x), ("Y", y), ("XY", xy)), (("Pi", pi),))

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        x, y, xy, pi = case.instance("X"), case.instance("Y"), case.instance("XY"), case.args("Pi")
        pi.check(xy)
        gx, gy = call(x, pi), call(y, pi)
        stderr = None
        if gx.stderr is not None or gy.stderr is not None:
            stderr = ((float(gx.value) * (gy.stderr or 0)) ** 2 + (float(gy.value) * (gx.stderr or 0)) ** 2) ** 0.5
        return equality(self.params, call(xy, pi), Estimate(gx.value * gy.value, stderr),
                        detail="G(XY | Pi) = G(X | Pi) G(Y | Pi)")

