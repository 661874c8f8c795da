"""respect-for-proofs (D2): an estimate respects every bound that an argument proves.

    if pi proves Y in [l, u], then G(Y | Pi + pi) in [l, u], for every Pi.

Forms (parameter `form`, a reconstruction [I] of the reference, so a choice made visible):
- `sign`: Y is a square or a sum of two squares of circuit wires, pi = `nonneg:Y` (a syntactic
  sum-of-squares certificate, checked by the tool): G(Y | Pi + pi) >= 0;
- `exact-value`: Y = (w + c)(w - c) - w*w is identically -c^2, pi = `equal:Y=-c^2` (checked as a
  polynomial identity): G(Y | Pi + pi) = -c^2; on boolean circuits Y = a xor a or a and not a,
  pi = `constant:Y=0` (checked by enumeration): G(Y | Pi + pi) = 0;
- `monotonicity`: Y = X + s*s, pi = `nonneg:s2` for the square s2 = s*s: G(X | Pi + pi) <= G(Y | Pi + pi);
- `all`: each case draws one of the forms above (sign three times as often as each other form).
The default is `sign`, the form that truncated propagation breaks; searching one form at a time
finds its counterexamples several times faster than mixing them.
Pi is drawn from the domain's other atoms (kept cumulants, orders, revealed inputs).
Domains: circuit (all forms), boolean (exact-value). Applies to every estimator of those domains.
Tolerance: absolute + relative (abs_tol + rel_tol * max |side|); standard-error scaled for
randomised estimators. Source: Christiano, Neyman, Xu (2022), the respect-for-proofs desideratum.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar

from hypothesis import strategies as st

from ..arguments import Arguments
from ..domains.circuit import Circuit, Gate, ProvedEqual, ProvedNonNegative, circuits, cone
from ..estimators.base import Estimate
from .space import CaseSpace, Enumeration
from .base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, at_least, equality
from .strategies import boolean_arguments, circuit_arguments

FORMS = ("sign", "exact-value", "monotonicity", "all")


def _extend(c: Circuit, gates: list[Gate], output: str, cut_to: str | None = None) -> Circuit:
    """`c` with extra gates, cut to what `cut_to` (default: the new output) depends on."""
    whole = Circuit(c.inputs, c.gates + tuple(gates), output, c.joint)
    kept = cone(whole, cut_to or output)
    return Circuit(kept.inputs, kept.gates, output, kept.joint)


def _sign_case(c: Circuit, i: int, j: int, two: bool) -> tuple[Circuit, str]:
    wires = c.wires
    # newest wires first: the deepest wire is the likeliest to expose a truncation
    a, b = wires[-1 - i % len(wires)], wires[-1 - j % len(wires)]
    gates = [Gate("sq1", "mul", (a, a))]
    if two:
        gates += [Gate("sq2", "mul", (b, b)), Gate("Y", "add", ("sq1", "sq2"))]
    else:
        gates += [Gate("Y", "scale", ("sq1",), Fraction(1))]
    return _extend(c, gates, "Y"), "Y"


def _exact_value_circuit(c: Circuit, w: str, k: Any) -> Circuit:
    """Y = (w + k)(w - k) - w*w, identically -k^2."""
    gates = [Gate("cp", "const", (), k), Gate("cm", "const", (), -k),
             Gate("u", "add", (w, "cp")), Gate("v", "add", (w, "cm")), Gate("uv", "mul", ("u", "v")),
             Gate("ww", "mul", (w, w)), Gate("nww", "neg", ("ww",)), Gate("Y", "add", ("uv", "nww"))]
    return _extend(c, gates, "Y")


def _monotonicity_circuits(c: Circuit, s: str) -> tuple[Circuit, Circuit]:
    """X = the output of `c`, Y = X + s*s: the proof nonneg:s2 gives X <= Y."""
    gates = [Gate("s2", "mul", (s, s)), Gate("Y", "add", (c.output, "s2"))]
    return _extend(c, gates, c.output, cut_to="Y"), _extend(c, gates, "Y")


class RespectForProofs(PropertyBase):
    """G(Y | Pi + pi) lies in every interval [l, u] that the argument pi proves Y to lie in."""

    name: ClassVar[str] = "respect-for-proofs"
    code: ClassVar[str] = "D2"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "boolean"})
    parameters: ClassVar[dict[str, Parameter]] = {
        "form": Parameter(str, "sign", "which proved bound: sign, exact-value, monotonicity or all", FORMS),
        "max_gates": Parameter(int, 6, "largest circuit drawn (before the proof's gates are added)"),
        **TOLERANCE_PARAMETERS,
    }

    def cases(self, domain: str, estimator: Any) -> Any:
        if domain == "boolean":
            return self._boolean_cases()
        form = self.params["form"]
        # with `all`, sign cases are drawn three times as often: it is the form that truncation breaks
        forms = ("sign", "sign", "sign", "exact-value", "monotonicity") if form == "all" else (form,)
        # squares of high-degree wires are where truncation goes wrong: favour products and chains
        # few inputs, so wires reuse them (fan-out), as truncated propagation is wrong on such squares
        base = circuits(max_inputs=2, max_gates=self.params["max_gates"], recent=True,
                        ops=("mul", "square", "add", "mul", "scale", "square", "neg", "const"))

        @st.composite
        def build(draw: Any) -> Case:
            kind = draw(st.sampled_from(forms))
            c = draw(base)
            i, j = draw(st.integers(0, 63)), draw(st.integers(0, 63))
            if kind == "sign":
                y, out = _sign_case(c, i, j, draw(st.booleans()))
                proof = ProvedNonNegative(out)
                pi = draw(circuit_arguments(y)) | [proof]
                return Case((("Y", y),), (("Pi", pi),), (("form", 0),))
            if kind == "exact-value":
                w = c.wires[i % len(c.wires)]
                k = draw(st.integers(-2, 2))
                y = _exact_value_circuit(c, w, Fraction(k))
                pi = draw(circuit_arguments(y)) | [ProvedEqual("Y", Fraction(-k * k))]
                return Case((("Y", y),), (("Pi", pi),), (("form", 1), ("value", Fraction(-k * k))))
            x, y = _monotonicity_circuits(c, c.wires[j % len(c.wires)])
            pi = draw(circuit_arguments(y)) | [ProvedNonNegative("s2")]
            return Case((("X", x), ("Y", y)), (("Pi", pi),), (("form", 2),))

        return build()

    def space(self, domain: str, estimator: Any) -> CaseSpace:
        return CaseSpace(domain, draw=lambda: self.cases(domain, estimator),
                         structures=self._structures if domain == "circuit" else None)

    def _structures(self, max_nodes: int) -> Enumeration:
        """Every proof case of the chosen form built on every circuit structure up to `max_nodes`
        nodes (all parameters symbolic, the constant of exact-value too), under each argument set
        of the family."""
        from ..domains.circuit.enumerate import ARGUMENT_FAMILY, argument_family, circuit_structures
        from ..symbols import symbol

        form = self.params["form"]
        forms = ("sign", "exact-value", "monotonicity") if form == "all" else (form,)
        k = symbol("k")

        def generate() -> Any:
            for size, c in circuit_structures(max_nodes):
                n = len(c.wires)
                for kind in forms:
                    if kind == "sign":
                        for i in range(n):
                            for j, two in [(i, False)] + [(j, True) for j in range(i, n)]:
                                y, out = _sign_case(c, i, j, two)
                                for pi in argument_family(y):
                                    yield size, Case((("Y", y),), (("Pi", pi | [ProvedNonNegative(out)]),), (("form", 0),))
                    elif kind == "exact-value":
                        for w in c.wires:
                            y = _exact_value_circuit(c, w, k)
                            for pi in argument_family(y):
                                yield size, Case((("Y", y),), (("Pi", pi | [ProvedEqual("Y", -k * k)]),),
                                                 (("form", 1), ("value", -k * k)))
                    else:
                        for s in c.wires:
                            x, y = _monotonicity_circuits(c, s)
                            for pi in argument_family(y):
                                yield size, Case((("X", x), ("Y", y)), (("Pi", pi | [ProvedNonNegative("s2")]),),
                                                 (("form", 2),))

        return Enumeration(f"every circuit of up to {max_nodes} nodes on up to 2 Gaussian inputs (all parameters "
                           f"symbolic), every choice of the squared wires ({', '.join(forms)}); {ARGUMENT_FAMILY}",
                           generate)

    def _boolean_cases(self) -> Any:
        from ..domains.boolean import BoolGate, BooleanCircuit, ProvedConstant, instances

        booleans = instances(max_inputs=3, max_gates=self.params["max_gates"])

        @st.composite
        def build(draw: Any) -> Case:
            c = draw(booleans)
            w = c.wires[draw(st.integers(0, 63)) % len(c.wires)]
            if draw(st.booleans()):
                gates = [BoolGate("Y", "xor", (w, w))]
            else:
                gates = [BoolGate("nw", "not", (w,)), BoolGate("Y", "and", (w, "nw"))]
            y = BooleanCircuit(c.inputs, c.gates + tuple(gates), "Y")
            pi = draw(boolean_arguments(y)) | [ProvedConstant("Y", 0)]
            return Case((("Y", y),), (("Pi", pi),), (("form", 1), ("value", Fraction(0))))

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        pi = case.args("Pi")
        y = case.instance("Y")
        pi.check(y)  # the certificate is checked before any estimator relies on it
        form = case.number("form")
        if form == 0:
            return at_least(self.params, call(y, pi), 0, ">=", detail="G(Y | Pi) >= 0 for a proved square")
        if form == 1:
            value = case.number("value")
            return equality(self.params, call(y, pi), Estimate(value), detail=f"G(Y | Pi) = {value} (proved)")
        gx, gy = call(case.instance("X"), pi), call(y, pi)
        out = at_least(self.params, gx, gy.value, "<=", detail="G(X | Pi) <= G(Y | Pi) for a proof of X <= Y")
        return out


__all__ = ["RespectForProofs", "Arguments"]
