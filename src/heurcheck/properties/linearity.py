"""linearity (D1): G(aX + bY | Pi) = a G(X | Pi) + b G(Y | Pi).

Forms (parameter `form`; D1 is [R], the semantic form is asked for by the reference):
- `combination`: on circuits, X and Y are two wires u, v of one circuit and aX + bY is built on
  top of it (scale, scale, add), so Pi's atoms name wires of all three instances; on permanents,
  the quantity is multilinear in each row: X = perm(A with row i = r), Y = perm(A with row i = u),
  aX + bY = perm(A with row i = a r + b u);
- `semantic`: one function built as two circuits: C' is C after random algebraic rewrites
  (commuting, re-associating and distributing products, a scale as a product with a constant, a
  negation as a scale by -1), checked to be the same polynomial; G(C | Pi) = G(C' | Pi) with Pi
  made of atoms that mean the same in both (orders and revealed inputs);
- `all`: each case draws one of the two (circuits).
Parameters: `form`, `max_gates`, tolerances. Domains: circuit, permanent. Applies to every
estimator of those domains. Tolerance: abs_tol + rel_tol * the largest magnitude among
G(aX+bY), a G(X), b G(Y); standard-error scaled for randomised estimators.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar

from hypothesis import strategies as st

from ..domains.circuit import Circuit, Gate, circuits, cone, polynomial
from ..errors import TruthTooExpensive
from ..estimators.base import Estimate
from .space import CaseSpace, Enumeration
from .base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality
from .strategies import circuit_arguments, permanent_arguments

FORMS = ("combination", "semantic", "all")
COEFFICIENTS = st.builds(Fraction, st.integers(-3, 3), st.sampled_from([1, 2]))


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
            new = [Gate(f"{g.id}.t", "mul", (g.args[0], inner.args[0])), Gate(g.id, "mul", (f"{g.id}.t", inner.args[1]))]
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


class Linearity(PropertyBase):
    """G(aX + bY | Pi) = a G(X | Pi) + b G(Y | Pi), including one function built as two circuits."""

    name: ClassVar[str] = "linearity"
    code: ClassVar[str] = "D1"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "permanent"})
    parameters: ClassVar[dict[str, Parameter]] = {
        "form": Parameter(str, "all", "combination (aX + bY), semantic (two circuits, one function) or all", FORMS),
        "max_gates": Parameter(int, 6, "largest circuit drawn"),
        "exhaustive_n": Parameter(int, 3, "exhaustive engine (permanents): every matrix up to this order..."),
        "exhaustive_entries": Parameter(str, "pm1", "...with entries +-1 (pm1) or 0/1 (01)", ("pm1", "01")),
        **TOLERANCE_PARAMETERS,
    }

    def space(self, domain: str, estimator: Any) -> CaseSpace:
        return CaseSpace(domain, draw=lambda: self.cases(domain, estimator), finite=self._finite(domain),
                         structures=self._structures if domain == "circuit" and self.params["form"] != "semantic" else None)

    def _finite(self, domain: str) -> Enumeration | None:
        """Permanents: every sign (or 0/1) matrix X up to order `exhaustive_n`, every row i, every
        replacement row u of the same kind (Y), Z = X with row i = r + u (a = b = 1), Pi empty or
        one fact. Circuits have no finite domain here (their parameters are rationals)."""
        if domain != "permanent":
            return None
        from ..arguments import Arguments
        from ..domains.permanent import ColSums, EntryMultiset, Matrix, RowSums, TotalSum
        from ..domains.permanent.enumerate import sign_matrices, sign_rows

        n_max, kind = self.params["exhaustive_n"], self.params["exhaustive_entries"]
        facts = [Arguments()] + [Arguments([f]) for f in (RowSums(), ColSums(), TotalSum(), EntryMultiset())]
        one = Fraction(1)

        def generate() -> Any:
            for m in sign_matrices(n_max, kind):
                replacements = list(sign_rows(m.n, kind))
                for i in range(m.n):
                    for u in replacements:
                        x, y, z = (Matrix(m.entries[:i] + (row,) + m.entries[i + 1:])
                                   for row in (m.entries[i], u, tuple(p + q for p, q in zip(m.entries[i], u))))
                        for pi in facts:
                            yield m.n, Case((("X", x), ("Y", y), ("Z", z)), (("Pi", pi),),
                                            (("a", one), ("b", one), ("row", i)))

        entries = "+-1" if kind == "pm1" else "0/1"
        return Enumeration(f"every {entries} matrix up to order {n_max}, every row replaced by every {entries} row "
                           f"(a = b = 1), Pi empty or one fact", generate)

    def cases(self, domain: str, estimator: Any) -> Any:
        if domain == "permanent":
            return self._permanent_cases()
        form = self.params["form"]
        forms = ("combination", "semantic") if form == "all" else (form,)
        base = circuits(max_inputs=3, max_gates=self.params["max_gates"])

        @st.composite
        def build(draw: Any) -> Case:
            c = draw(base)
            if draw(st.sampled_from(forms)) == "combination":
                wires = c.wires
                u, v = (wires[draw(st.integers(0, 63)) % len(wires)] for _ in range(2))
                a, b = draw(COEFFICIENTS), draw(COEFFICIENTS)
                x, y, z = _combination(c, u, v, a, b)
                return _combination_case(x, y, z, draw(circuit_arguments(z)), a, b)
            other = c
            for _ in range(draw(st.integers(1, 3))):
                other = rewrite(other, draw(st.integers(0, 63)), draw(st.integers(0, 4)))
            pi = draw(circuit_arguments(c, kinds=("order", "reveal")))
            return Case((("C", c), ("C'", cone(other, other.output))), (("Pi", pi),))

        return build()

    def _structures(self, max_nodes: int) -> Enumeration:
        """Every combination aX + bY of two wires (a, b and every instance parameter symbolic) of
        every circuit structure up to `max_nodes` nodes, under each argument set of the family."""
        from ..domains.circuit.enumerate import ARGUMENT_FAMILY, argument_family, circuit_structures
        from ..symbols import symbol

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

    def _permanent_cases(self) -> Any:
        from ..domains.permanent import Matrix, matrices

        small = matrices(max_n=3, entries="small-int")

        @st.composite
        def build(draw: Any) -> Case:
            m = draw(small)
            i = draw(st.integers(0, m.n - 1))
            u = tuple(draw(st.integers(-2, 2)) for _ in range(m.n))
            a, b = draw(COEFFICIENTS), draw(COEFFICIENTS)
            r = m.entries[i]

            def with_row(row: tuple[Any, ...]) -> Matrix:
                return Matrix(m.entries[:i] + (tuple(Fraction(v) for v in row),) + m.entries[i + 1 :])

            z = with_row(tuple(a * p + b * q for p, q in zip(r, u)))
            pi = draw(permanent_arguments())
            return Case((("X", m), ("Y", with_row(u)), ("Z", z)), (("Pi", pi),), (("a", a), ("b", b), ("row", i)))

        return build()

    def evaluate(self, case: Case, call: Call) -> Outcome:
        pi = case.args("Pi")
        names = dict(case.instances)
        if "C" in names:
            c, other = names["C"], names["C'"]
            try:
                same = _same_polynomial(c, other)
            except TruthTooExpensive:
                same = False
            if not same:  # a rewrite that changed the function would be a bug here, not the estimator's
                return Outcome(0, 0, 0.0, 0.0, applicable=False, detail="the two circuits could not be shown equal")
            pi.check(c)
            return equality(self.params, call(c, pi), call(other, pi), detail="G(C | Pi) = G(C' | Pi), C' = C rewritten")
        a, b = case.number("a"), case.number("b")
        for name in ("X", "Y", "Z"):
            pi.check(names[name])
        gx, gy, gz = call(names["X"], pi), call(names["Y"], pi), call(names["Z"], pi)
        rhs = Estimate(a * gx.value + b * gy.value, _combine(a, gx.stderr, b, gy.stderr))
        return equality(self.params, gz, rhs, a * gx.value, b * gy.value, detail="G(aX + bY | Pi) = a G(X | Pi) + b G(Y | Pi)")


def _combination(c: Circuit, u: str, v: str, a: Any, b: Any) -> tuple[Circuit, Circuit, Circuit]:
    """X = wire u, Y = wire v and Z = aX + bY, all three on the gates of `c` plus the combination."""
    top = (Gate("aX", "scale", (u,), a), Gate("bY", "scale", (v,), b), Gate("Z", "add", ("aX", "bY")))
    z = Circuit(c.inputs, c.gates + top, "Z", c.joint)
    x, y = (Circuit(z.inputs, z.gates, w, z.joint) for w in (u, v))
    return x, y, z


def _combination_case(x: Circuit, y: Circuit, z: Circuit, pi: Any, a: Any, b: Any) -> Case:
    return Case((("X", x), ("Y", y), ("Z", z)), (("Pi", pi),), (("a", a), ("b", b)))


def _combine(a: Any, sa: float | None, b: Any, sb: float | None) -> float | None:
    if sa is None and sb is None:
        return None
    return float(((float(a) * (sa or 0.0)) ** 2 + (float(b) * (sb or 0.0)) ** 2) ** 0.5)


def _same_polynomial(c: Circuit, other: Circuit) -> bool:
    p, q = polynomial(c), polynomial(other)
    keys = set(p) | set(q)
    return all(p.get(k, 0) == q.get(k, 0) for k in keys)
