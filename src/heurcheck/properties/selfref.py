"""The self-referential properties D8-D10: an estimate of a quantity that contains estimates.

unpredictable-errors (D8):   G(Y - G(Y | Pi) | Pi) = 0
iterated-estimation (D9):    G(G(Y | Pi') | Pi) = G(Y | Pi)                        for Pi subset of Pi'
error-orthogonality (D10):   G((Y - G(Y | Pi')) * G(X | Pi_X) | Pi) = 0            for Pi subset of Pi',
                                                                                   Pi_X subset of Pi'

The outer G estimates a quantity that contains the inner estimates, so it needs a rule for how G
estimates "the estimate G(Y | Pi')". The forms implemented [I] are the three routes of the domain
reference (parameter `route`; `auto` picks the first that applies, and every outcome names the
route that decided it):

- `symmetrisation` (permanent domain, every estimator): the outer G(. | Pi) is the exact average
  over the group H_Pi of entry shuffles that map each block of `blocks(n, Pi)` to itself. The
  average over H_Pi of F(hA) is the uniform average of F over the *orbit* of A (each orbit point is
  hit by |stabiliser| shuffles), so the property enumerates the distinct matrices of the orbit, not
  the group: a 3x3 +-1 matrix has at most 126 arrangements where the group has 9! shuffles. Cases:
  n = 2 or 3, entries +-1 or small integers (see `permanent_cases`); Pi
  strictly inside Pi' drawn from the four permanent facts, among the Pi whose orbit has at most
  `max_orbit` matrices (row-sums or col-sums keep it at most 216 for n <= 3), so every average is
  exact: nothing is sampled. The route takes the group average as the outer G for every
  estimator, so an estimator whose own G(. | Pi) is not that average (`exact`, which ignores Pi;
  perm-row without row-sums, which falls back to perm-sum) is judged against it: the group average
  is the standard, as it is for the positive control `symmetrize`, which meets it exactly.
- `traceable` (circuit domain, estimators with `traceable = True`): Pi holds global atoms only
  (cumulant orders and reveals with concrete values), Pi' = Pi + reveals of further inputs. The
  estimator runs with those values as sympy symbols, which gives the inner estimate as a
  polynomial f in them; `circuit_of_polynomial` builds the circuit of f over the same inputs, and
  the estimator itself estimates it with Pi: that is G(G(Y | Pi') | Pi). D8 estimates the circuit
  Y - c with c = G(Y | Pi) a constant gate; D10 the circuit (Y - f) * g on top of Y's circuit.
  The circuit of f is the expanded sum of monomials, powers as chains x^k = x^(k-1) * x: an
  estimator that gives different estimates to different circuits of one polynomial (covariance,
  truncated cumulants) is judged on that representation, so its verdicts are [I] too.
- `objective` (circuit and boolean domains, D9 only): the outer G(. | Pi) is replaced by the exact
  expectation over the values v of the inputs Pi' reveals beyond Pi: E_v[G(Y | Pi + v)] = G(Y | Pi)
  (restriction linearity, D1', for several inputs at once). Finite supports are enumerated with
  their weights (`support`; bits with p and 1 - p); a Gaussian input is left symbolic and its
  moments (`raw_moments`) are applied to the traced polynomial, so it needs a traceable estimator
  (the cases give other estimators finite-support inputs only). For D8 and D10 the objective form
  would replace the outer estimate of Y itself by its exact expectation, which makes them accuracy
  statements (D11, the `accuracy` property), not self-consistency: that route is not offered there.

In a case, Pi' lists the inputs revealed beyond Pi with a placeholder value (the smallest value
of the input's support, the mean for a Gaussian): only which inputs they are matters, their values
are symbols (traceable) or enumerated (objective). Circuit cases: up to 3 independent inputs (no
Gaussian ones unless the estimator is traceable) and up to `max_gates` gates, products favoured and
chained (deep squares are where truncated propagation disagrees with itself); Pi from
`circuit_arguments(Y, kinds=("order", "reveal"))` less reveals of the extra inputs; boolean cases:
up to 3 bits with rational p, Pi reveals some bits, Pi' some more.

Tolerance: `equality` (abs_tol + rel_tol * the largest magnitude compared). Exact estimators give
exact rational sides. For randomised estimators the stderr of an average sum_i w_i G_i is
sqrt(sum_i (w_i se_i)^2) when the `Call` draws a fresh seed for every estimator call (`reseed`, as
the checker sets up), so the G_i are independent; without it one seeded estimator runs on related
instances, its errors are strongly correlated, and the bound sum_i w_i se_i (valid whatever the
correlation) is used instead (measured on `sampling` over permanent orbits: the square-root rule
gave standardised differences with standard deviation 2). It is combined with the other side's
stderr by `equality`, and the engine's statistical test decides.
Sources: Christiano, Hilton, Lincoln, Neyman, Xu (2024), "Towards a law of iterated expectations
for heuristic estimators"; Christiano, Neyman, Xu (2022).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from itertools import product
from typing import Any, ClassVar

from hypothesis import strategies as st

from ..arguments import Arguments
from ..domains.circuit import (
    Circuit,
    Gate,
    Gaussian,
    RevealInput,
    circuits,
    cone,
    moment_expectation,
    support,
)
from ..estimators.base import Estimate
from .base import TOLERANCE_PARAMETERS, Call, Case, EstimatorFailure, Outcome, Parameter, PropertyBase, equality
from .strategies import circuit_arguments

ROUTES = ("auto", "traceable", "objective", "symmetrisation")
CIRCUIT_OPS = ("mul", "add", "mul", "scale", "neg", "const")  # products are where estimators disagree with themselves


# --------------------------------------------------------------------------- circuits of polynomials


def circuit_of_polynomial(base: Circuit, poly: Any, symbol_to_input: Mapping[Any, str]) -> Circuit:
    """`base` extended by gates computing `poly` with each symbol replaced by its input; output: the new wire.

    `poly` is a sympy expression or `Poly` in the symbols of `symbol_to_input` (or a plain number).
    The inputs (ids and law) and gates of `base` are kept, so the new wire can be combined with
    base's wires; take `cone(result, result.output)` to drop what the polynomial does not use.
    Powers are chains of products (x^k = x^(k-1) * x, shared between monomials), each monomial a
    chain of products of powers scaled by its coefficient (exact Fractions for rational ones), the
    monomials summed by add gates. Raises ValueError when `poly` is not a polynomial in the symbols.
    """
    taken = set(base.wires)
    counter = [0]

    def fresh(stem: str) -> str:
        while True:
            counter[0] += 1
            wire = f"{stem}{counter[0]}"
            if wire not in taken:
                taken.add(wire)
                return wire

    inputs = list(symbol_to_input.values())
    for x in inputs:
        if not base.has_wire(x) or base.gate(x) is not None:
            raise ValueError(f"{x!r} is not an input of the base circuit")
    gates: list[Gate] = []
    powers: dict[tuple[str, int], str] = {}

    def power(x: str, k: int) -> str:
        if k == 1:
            return x
        if (x, k) not in powers:
            lower = power(x, k - 1)
            wire = fresh("pw")
            gates.append(Gate(wire, "mul", (lower, x)))
            powers[(x, k)] = wire
        return powers[(x, k)]

    summands: list[str] = []
    for exponents, coefficient in polynomial_terms(poly, list(symbol_to_input)):
        factors = [power(x, e) for x, e in zip(inputs, exponents) if e]
        if not factors:
            wire = fresh("pc")
            gates.append(Gate(wire, "const", (), coefficient))
            summands.append(wire)
            continue
        acc = factors[0]
        for other in factors[1:]:
            wire = fresh("pm")
            gates.append(Gate(wire, "mul", (acc, other)))
            acc = wire
        if coefficient != 1:
            wire = fresh("ps")
            gates.append(Gate(wire, "scale", (acc,), coefficient))
            acc = wire
        summands.append(acc)
    if not summands:
        wire = fresh("pc")
        gates.append(Gate(wire, "const", (), Fraction(0)))
        summands.append(wire)
    acc = summands[0]
    for other in summands[1:]:
        wire = fresh("pa")
        gates.append(Gate(wire, "add", (acc, other)))
        acc = wire
    if acc in base.wires or not gates or gates[-1].id != acc:
        wire = fresh("po")  # the output is always a new wire, even for the bare polynomial x
        gates.append(Gate(wire, "scale", (acc,), Fraction(1)))
        acc = wire
    return Circuit(base.inputs, base.gates + tuple(gates), acc, base.joint)


def polynomial_terms(poly: Any, symbols: Sequence[Any]) -> list[tuple[tuple[int, ...], Any]]:
    """The (exponents, coefficient) pairs of `poly` in `symbols`, zero terms left out; coefficients are
    Fractions when rational. Raises ValueError when `poly` is not a polynomial in exactly those symbols."""
    if _is_plain_number(poly):
        return [((0,) * len(symbols), _plain(poly))] if poly != 0 else []
    import sympy

    if not symbols:
        expr = poly.as_expr() if isinstance(poly, sympy.Poly) else poly
        if not getattr(expr, "is_number", False):
            raise ValueError(f"{poly} is not a number (no symbols were given)")
        value = _plain(expr)
        return [((), value)] if value != 0 else []
    try:
        p = poly if isinstance(poly, sympy.Poly) else sympy.Poly(poly, *symbols)
    except sympy.PolynomialError as exc:
        raise ValueError(f"not a polynomial in {', '.join(map(str, symbols))}: {exc}") from None
    if tuple(p.gens) != tuple(symbols):
        p = sympy.Poly(p.as_expr(), *symbols)
    extra = p.free_symbols - set(symbols)
    if extra:
        raise ValueError(f"{p.as_expr()} depends on {', '.join(sorted(map(str, extra)))}, not only on the symbols")
    return [(tuple(int(e) for e in m), _plain(c)) for m, c in p.terms() if c != 0]


def _is_plain_number(v: Any) -> bool:
    return isinstance(v, (int, float, Fraction)) and not isinstance(v, bool)


def _plain(v: Any) -> Any:
    """A concrete number as a Fraction (exact) or a float; sympy numbers converted, others unchanged."""
    import numbers

    if isinstance(v, Fraction):
        return v
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return Fraction(int(v))
    if type(v).__module__.startswith("sympy"):  # before numbers.Real: sympy registers its numbers there
        if getattr(v, "is_Rational", False):
            return Fraction(int(v.p), int(v.q))
        return float(v) if getattr(v, "is_number", False) else v
    if isinstance(v, numbers.Real):
        return float(v)
    return v


def _expectation(terms: list[tuple[tuple[int, ...], Any]], dists: Sequence[Any]) -> Any:
    """E[sum c prod x_i^e_i] for independent inputs with the given laws (moments, generic arithmetic)."""
    return Fraction(0) + moment_expectation(terms, dists)


def _extend(c: Circuit, gates: list[Gate], output: str) -> Circuit:
    whole = Circuit(c.inputs, c.gates + tuple(gates), output, c.joint)
    return cone(whole, output)


def _fresh_id(c: Circuit, stem: str) -> str:
    k = 0
    while c.has_wire(f"{stem}{k or ''}"):
        k += 1
    return f"{stem}{k or ''}"


# --------------------------------------------------------------------------- the permanent orbit


def _fact_sets() -> list[Arguments]:
    """Every set of permanent facts, smallest first (Hypothesis shrinks towards the front)."""
    from itertools import combinations

    from ..domains.permanent import ColSums, EntryMultiset, RowSums, TotalSum

    atoms = (RowSums(), ColSums(), TotalSum(), EntryMultiset())
    return [Arguments(c) for k in range(len(atoms) + 1) for c in combinations(atoms, k)]


def _distinct_permutations(values: list[Any]) -> Iterator[tuple[Any, ...]]:
    """Each distinct ordering of a multiset once (lexicographic next-permutation)."""
    a = sorted(values)
    n = len(a)
    while True:
        yield tuple(a)
        i = n - 2
        while i >= 0 and a[i] >= a[i + 1]:
            i -= 1
        if i < 0:
            return
        j = n - 1
        while a[j] <= a[i]:
            j -= 1
        a[i], a[j] = a[j], a[i]
        a[i + 1:] = reversed(a[i + 1:])


def orbit_size(m: Any, cells: list[list[tuple[int, int]]]) -> int:
    """How many distinct matrices the block-preserving shuffles make of `m` (a product of multinomials)."""
    from collections import Counter

    total = 1
    for block in cells:
        counts = Counter(m.entries[i][j] for i, j in block)
        total *= math.factorial(len(block)) // math.prod(math.factorial(c) for c in counts.values())
    return total


def orbit(m: Any, cells: list[list[tuple[int, int]]]) -> Iterator[Any]:
    """The distinct matrices hA, h in the group that maps every block of cells to itself.

    The average of F(hA) over the group equals the uniform average of F over this orbit."""
    from ..domains.permanent import Matrix

    arrangements = [list(_distinct_permutations([m.entries[i][j] for i, j in block])) for block in cells]
    for choice in product(*arrangements):
        rows = [list(r) for r in m.entries]
        for block, values in zip(cells, choice):
            for (i, j), v in zip(block, values):
                rows[i][j] = v
        yield Matrix(tuple(tuple(r) for r in rows))


def permanent_cases(max_orbit: int, pairs: bool) -> Any:
    """Cases (A, Pi[, Pi']) for the symmetrisation route.

    A is 2x2 or 3x3 with entries +-1 or in -3..3 (an estimator that declares a matrix outside its
    domain, perm-rowcol at total sum 0, makes the case not applicable: every fact-preserving shuffle
    keeps the total, so the whole orbit is outside too). Pi ranges over the fact sets whose orbit has at most `max_orbit` matrices; with `pairs`, Pi' over
    the strict supersets of Pi.
    """
    from ..domains.permanent import Matrix
    from ..estimators.symmetrize import blocks

    kinds = {
        "pm1": st.sampled_from([Fraction(1), Fraction(-1)]),
        "small-int": st.integers(-3, 3).map(Fraction),
    }
    facts = _fact_sets()

    @st.composite
    def build(draw: Any) -> Case:
        n = draw(st.integers(2, 3))
        value = kinds[draw(st.sampled_from(sorted(kinds)))]
        entries = tuple(tuple(draw(value) for _ in range(n)) for _ in range(n))
        a = Matrix(entries)
        small = [pi for pi in facts if orbit_size(a, blocks(n, pi)) <= max_orbit]
        if not pairs:
            pi = draw(st.sampled_from(small))
            return Case((("A", a),), (("Pi", pi),))
        options = [(pi, pi2) for pi in small for pi2 in facts if pi < pi2]
        pi, pi2 = draw(st.sampled_from(options))
        return Case((("A", a),), (("Pi", pi), ("Pi'", pi2)))

    return build()


# --------------------------------------------------------------------------- shared machinery


class _SelfReference(PropertyBase):
    """Route resolution, case generation and the estimator calls shared by D8, D9 and D10."""

    objective_form: ClassVar[bool] = False  # does the objective route apply to this property?
    needs_pair: ClassVar[bool] = True  # are cases (Pi, Pi') rather than Pi alone?

    # ---- routes

    def route(self, estimator: Any, domain: str) -> tuple[str | None, str]:
        """(the route that decides for this estimator on this domain, or None; why not, when None)."""
        wanted = self.params["route"]
        traceable = bool(getattr(estimator, "traceable", False))
        name = getattr(estimator, "name", "the estimator")
        why = {
            "symmetrisation": None if domain == "permanent" else
            f"the symmetrisation route averages over matrix entry shuffles: permanent domain only, not {domain}",
            "traceable": (f"the traceable route needs the circuit domain, not {domain}" if domain != "circuit" else
                          None if traceable else
                          f"{name} is not traceable (it cannot run on symbolic revealed values)"),
            "objective": (f"the objective route applies to iterated-estimation only: for {self.name} it would "
                          "replace the outer estimate of Y by its exact expectation (accuracy, D11)"
                          if not self.objective_form else
                          None if domain in ("circuit", "boolean") else
                          f"the objective route needs revealed inputs (circuit or boolean domain), not {domain}"),
        }
        if wanted != "auto":
            return (wanted, "") if why[wanted] is None else (None, f"route {wanted}: {why[wanted]}")
        order = {"permanent": ("symmetrisation",), "circuit": ("traceable", "objective"), "boolean": ("objective",)}
        for r in order.get(domain, ()):
            if why[r] is None:
                return r, ""
        reasons = "; ".join(f"{r}: {why[r]}" for r in ("symmetrisation", "traceable", "objective") if why[r])
        return None, f"no self-reference route applies to {name} on {domain} ({reasons})"

    def applies(self, estimator: Any, domain: str) -> str | None:
        reason = super().applies(estimator, domain)
        if reason is not None:
            return reason
        route, why = self.route(estimator, domain)
        return why if route is None else None

    # ---- cases

    def cases(self, domain: str, estimator: Any) -> Any:
        route, why = self.route(estimator, domain)
        if route is None:
            raise ValueError(why)
        if route == "symmetrisation":
            return permanent_cases(self.params["max_orbit"], self.needs_pair)
        if domain == "boolean":
            return self._boolean_cases()
        gaussian_ok = bool(getattr(estimator, "traceable", False))
        return self._circuit_cases(gaussian_ok)

    def _circuit_cases(self, gaussian_ok: bool) -> Any:
        dists = ("rademacher", "bernoulli", "uniform") + (("gaussian",) if gaussian_ok else ())
        base = circuits(max_inputs=3, max_gates=self.params["max_gates"], dists=dists, ops=CIRCUIT_OPS, recent=True)
        pairs = self.needs_pair
        wire_feature = self.params.get("x") == "wire"

        @st.composite
        def build(draw: Any) -> Case:
            y = draw(base)
            pi = draw(circuit_arguments(y, kinds=("order", "reveal")))
            instances: tuple[tuple[str, Any], ...] = (("Y", y),)
            if wire_feature:
                wire = y.wires[(-2 - draw(st.integers(0, 63))) % len(y.wires)]  # shrinks to the wire before the output
                instances += (("X", cone(y, wire)),)
            if not pairs:
                return Case(instances, (("Pi", pi),))
            ids = [i.id for i in y.inputs]
            extra = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
            pi = Arguments(a for a in pi if not (isinstance(a, RevealInput) and a.input in extra))
            pi2 = pi | [RevealInput(x, _placeholder(y, x)) for x in sorted(extra)]
            return Case(instances, (("Pi", pi), ("Pi'", pi2)))

        return build()

    def _boolean_cases(self) -> Any:
        from ..domains.boolean import RevealBit, instances

        base = instances(max_inputs=3, max_gates=self.params["max_gates"], probabilities="rational")

        @st.composite
        def build(draw: Any) -> Case:
            c = draw(base)
            ids = [i.id for i in c.inputs]
            extra = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
            rest = [x for x in ids if x not in extra]
            known = draw(st.lists(st.sampled_from(rest), unique=True, max_size=len(rest))) if rest else []
            pi = Arguments([RevealBit(x, draw(st.sampled_from([0, 1]))) for x in known])
            pi2 = pi | [RevealBit(x, 0) for x in sorted(extra)]
            return Case((("Y", c),), (("Pi", pi), ("Pi'", pi2)))

        return build()

    # ---- evaluation

    def evaluate(self, case: Case, call: Call) -> Outcome:
        first = case.instances[0][1]
        route, why = self.route(call.estimator, first.domain)
        if route is None:
            raise ValueError(why)
        for _, args in case.arguments:
            args.check(first)  # reveals name inputs of the instance and values in their support
        if self.needs_pair and not case.args("Pi") <= case.args("Pi'"):
            return Outcome(None, None, 0.0, 0.0, applicable=False, route=route, detail="Pi is not a subset of Pi'")
        if route == "symmetrisation":
            return self._symmetrisation(case, call)
        if route == "traceable":
            return self._traceable(case, call)
        return self._objective(case, call)

    def _symmetrisation(self, case: Case, call: Call) -> Outcome:
        raise NotImplementedError

    def _traceable(self, case: Case, call: Call) -> Outcome:
        raise NotImplementedError

    def _objective(self, case: Case, call: Call) -> Outcome:
        raise NotImplementedError

    # ---- helpers for the routes

    def _outcome(self, lhs: Any, lhs_se: float | None, rhs: Any, rhs_se: float | None, scale: Sequence[Any],
                 route: str, detail: str) -> Outcome:
        return equality(self.params, Estimate(lhs, lhs_se), Estimate(rhs, rhs_se), *scale, route=route, detail=detail)

    def _orbit_average(self, case: Case, call: Call, term: Any) -> tuple[Any, float | None, list[Any], int]:
        """The average over the orbit of A under H_Pi of term(hA), where term returns (value, stderr, magnitudes)."""
        from ..estimators.symmetrize import blocks

        a, pi = case.instance("A"), case.args("Pi")
        total: Any = Fraction(0)
        spread, scale, count = _Spread(call), [], 0
        for h in orbit(a, blocks(a.n, pi)):
            value, se, magnitudes = term(h)
            total = total + value
            spread.add(1.0, se)
            scale.extend(magnitudes)
            count += 1
        mean = total / count
        stderr = None if spread.value is None else spread.value / count
        return mean, stderr, [max((abs(_as_float(s)) for s in scale), default=0.0)], count

    def _trace(self, call: Call, y: Circuit, pi: Arguments, extra: Sequence[str]) -> tuple[Any, dict[Any, str]]:
        """G(Y | Pi + reveals of `extra` as symbols): the inner estimate as a sympy expression."""
        import sympy

        symbols = {sympy.Symbol(f"v_{x}"): x for x in extra}
        args = pi | [RevealInput(x, s) for s, x in symbols.items()]
        result = call(y, args)
        value = result.value
        if not (_is_plain_number(value) or type(value).__module__.startswith("sympy")):
            raise EstimatorFailure("type", f"returned {value!r} on symbolic revealed values, not an expression",
                                   y, args)
        return value, symbols


class _Spread:
    """The standard error of a weighted sum of estimates sum_i w_i G_i: sqrt(sum_i (w_i se_i)^2) when the
    call draws a fresh seed per estimator call (independent errors), else the bound sum_i |w_i| se_i."""

    def __init__(self, call: Call) -> None:
        self.independent = getattr(call, "reseed", None) is not None
        self.total = 0.0
        self.seen = False

    def add(self, weight: float, stderr: float | None) -> None:
        if stderr is None:
            return
        self.seen = True
        self.total += (weight * stderr) ** 2 if self.independent else abs(weight) * stderr

    @property
    def value(self) -> float | None:
        if not self.seen:
            return None
        return math.sqrt(self.total) if self.independent else self.total


def _placeholder(c: Circuit, x: str) -> Any:
    d = c.inputs[c.wire_index(x)].dist
    s = support(d) if d is not None else None
    if s is not None:
        return min(s[0])
    return d.mean if isinstance(d, Gaussian) else Fraction(0)


def _as_float(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return 0.0


def _extra(case: Case) -> list[str]:
    """The inputs Pi' reveals beyond Pi (circuit RevealInput or boolean RevealBit atoms)."""
    known = {a.input for a in case.args("Pi") if hasattr(a, "input")}
    return sorted({a.input for a in case.args("Pi'") if hasattr(a, "input")} - known)


def _not_polynomial(route: str, why: str) -> Outcome:
    return Outcome(None, None, 0.0, 0.0, applicable=False, route=route,
                   detail=f"the inner estimate is not a polynomial in the revealed values: {why}")


def _weighted_values(c: Circuit, x: str) -> list[tuple[Any, Any]]:
    """(value, probability) pairs of a finite-support input, equal values merged, zero weights left out."""
    d = c.inputs[c.wire_index(x)].dist
    s = support(d) if d is not None else None
    if s is None:
        return []
    merged: dict[Any, Any] = {}
    for v, w in zip(*s):
        merged[v] = merged.get(v, 0) + w
    return [(v, w) for v, w in sorted(merged.items()) if w != 0]


def _objective_average(call: Call, case: Case) -> tuple[Any, float | None, list[Any], str] | None:
    """E_v[G(Y | Pi + v)] over the inputs Pi' reveals beyond Pi, exactly: (value, stderr, magnitudes, how).
    None when a Gaussian input would need tracing and the estimator is not traceable."""
    y, pi = case.instance("Y"), case.args("Pi")
    extra = _extra(case)
    if y.domain == "boolean":
        from ..domains.boolean import RevealBit

        p = {i.id: i.p for i in y.inputs}
        finite = [[(RevealBit(x, 0), 1 - p[x]), (RevealBit(x, 1), p[x])] for x in extra]
        gaussian: list[str] = []
    else:
        finite, gaussian = [], []
        for x in extra:
            values = _weighted_values(y, x)
            if values:
                finite.append([(RevealInput(x, v), w) for v, w in values])
            else:
                gaussian.append(x)
        if gaussian and not call.traceable:
            return None
    total: Any = Fraction(0)
    spread, magnitudes = _Spread(call), []
    for combo in product(*finite):
        weight: Any = Fraction(1)
        for _, w in combo:
            weight = weight * w
        if weight == 0:
            continue
        args = pi | [atom for atom, _ in combo]
        if gaussian:
            import sympy

            symbols = {sympy.Symbol(f"v_{x}"): x for x in gaussian}
            result = call(y, args | [RevealInput(x, s) for s, x in symbols.items()])
            terms = polynomial_terms(result.value, list(symbols))
            value = _expectation(terms, [y.inputs[y.wire_index(x)].dist for x in symbols.values()])
        else:
            result = call(y, args)
            value = _plain(result.value)
        total = total + weight * value
        magnitudes.append(value)
        spread.add(float(weight), result.stderr)
    how = ", ".join(extra) + (f" (Gaussian {', '.join(gaussian)} by moments of the traced estimate)" if gaussian else "")
    return total, spread.value, magnitudes, how


# --------------------------------------------------------------------------- D8


class UnpredictableErrors(_SelfReference):
    """G(Y - G(Y | Pi) | Pi) = 0: the estimator cannot predict its own error.

    Routes: `symmetrisation` (permanent): the average over H_Pi of perm(hA) - G(perm | Pi)(hA) is 0;
    `traceable` (circuit, traceable estimators): with c = G(Y | Pi), the estimator's estimate of the
    circuit Y - c (Y's circuit, a const gate c, its negation and an add) given the same Pi is 0.
    The objective route does not apply (see the module docstring). Pi: permanent facts with a small
    orbit; on circuits, cumulant orders and concrete reveals. Parameters: route, max_gates,
    max_orbit, abs_tol, rel_tol.
    """

    name: ClassVar[str] = "unpredictable-errors"
    code: ClassVar[str] = "D8"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "permanent"})
    parameters: ClassVar[dict[str, Parameter]] = {
        "route": Parameter(str, "auto", "how the outer G estimates an estimate: auto, traceable, objective or "
                           "symmetrisation", ROUTES),
        "max_gates": Parameter(int, 5, "largest circuit drawn (circuit domain)"),
        "max_orbit": Parameter(int, 1000, "largest orbit of A averaged over exactly (permanent domain)"),
        **TOLERANCE_PARAMETERS,
    }
    needs_pair: ClassVar[bool] = False

    def _symmetrisation(self, case: Case, call: Call) -> Outcome:
        from ..domains.permanent import permanent

        pi = case.args("Pi")

        def error(h: Any) -> tuple[Any, float | None, list[Any]]:
            est = call(h, pi)
            truth = permanent(h.entries)
            return truth - _plain(est.value), est.stderr, [truth, est.value]

        mean, se, scale, count = self._orbit_average(case, call, error)
        return self._outcome(mean, se, Fraction(0), None, scale, "symmetrisation",
                             f"average over the {count} matrices of A's orbit under H_Pi of perm(hA) - G(perm | Pi)(hA)")

    def _traceable(self, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        inner = call(y, pi)
        c = _plain(inner.value)
        k, nk, out = _fresh_id(y, "G"), _fresh_id(y, "negG"), _fresh_id(y, "err")
        err = _extend(y, [Gate(k, "const", (), c), Gate(nk, "neg", (k,)), Gate(out, "add", (y.output, nk))], out)
        outer = call(err, pi)
        spread = _Spread(call)
        spread.add(1.0, outer.stderr)
        spread.add(1.0, inner.stderr)
        se = spread.value
        return self._outcome(_plain(outer.value), se, Fraction(0), None, [c, outer.value], "traceable",
                             f"G(Y - c | Pi) with c = G(Y | Pi) = {c}")


# --------------------------------------------------------------------------- D9


class IteratedEstimation(_SelfReference):
    """G(G(Y | Pi') | Pi) = G(Y | Pi) for Pi subset of Pi': the estimator expects its better-informed self.

    Routes: `symmetrisation` (permanent): the average over H_Pi of G(perm | Pi')(hA) equals
    G(perm | Pi)(A); `traceable` (circuit, traceable estimators): the estimator's estimate with Pi of
    the circuit of the polynomial G(Y | Pi') in the values Pi' reveals beyond Pi; `objective` (circuit
    and boolean, any estimator; Gaussian revealed inputs need a traceable one): E_v[G(Y | Pi + v)]
    over those values. Parameters: route, max_gates, max_orbit, abs_tol, rel_tol.
    """

    name: ClassVar[str] = "iterated-estimation"
    code: ClassVar[str] = "D9"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "boolean", "permanent"})
    parameters: ClassVar[dict[str, Parameter]] = dict(UnpredictableErrors.parameters)
    objective_form: ClassVar[bool] = True

    def _symmetrisation(self, case: Case, call: Call) -> Outcome:
        pi2 = case.args("Pi'")

        def inner(h: Any) -> tuple[Any, float | None, list[Any]]:
            est = call(h, pi2)
            return _plain(est.value), est.stderr, [est.value]

        mean, se, scale, count = self._orbit_average(case, call, inner)
        rhs = call(case.instance("A"), case.args("Pi"))
        return self._outcome(mean, se, _plain(rhs.value), rhs.stderr, scale, "symmetrisation",
                             f"average over the {count} matrices of A's orbit under H_Pi of G(perm | Pi')(hA) "
                             "against G(perm | Pi)(A)")

    def _traceable(self, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        f, symbols = self._trace(call, y, pi, _extra(case))
        try:
            fc = circuit_of_polynomial(y, f, symbols)
        except ValueError as exc:
            return _not_polynomial("traceable", str(exc))
        lhs = call(cone(fc, fc.output), pi)
        rhs = call(y, pi)
        return self._outcome(_plain(lhs.value), lhs.stderr, _plain(rhs.value), rhs.stderr, [], "traceable",
                             f"G(f | Pi) for the circuit of f = G(Y | Pi') = {f}")

    def _objective(self, case: Case, call: Call) -> Outcome:
        averaged = _objective_average(call, case)
        if averaged is None:
            return Outcome(None, None, 0.0, 0.0, applicable=False, route="objective",
                           detail="a Gaussian revealed input needs a traceable estimator")
        mean, se, magnitudes, how = averaged
        rhs = call(case.instance("Y"), case.args("Pi"))
        return self._outcome(mean, se, _plain(rhs.value), rhs.stderr, magnitudes, "objective",
                             f"E_v[G(Y | Pi + v)] over the values v of {how}, against G(Y | Pi)")


# --------------------------------------------------------------------------- D10


FEATURES = ("inner", "outer")


class ErrorOrthogonality(_SelfReference):
    """G((Y - G(Y | Pi')) * G(X | Pi_X) | Pi) = 0 for Pi subset of Pi', Pi_X subset of Pi'.

    The better-informed error is orthogonal, in the estimator's own eyes, to its estimate of a feature.
    Parameter `feature`: "inner" (Pi_X = Pi', default) or "outer" (Pi_X = Pi); `x`: "y" (X = Y,
    default) or "wire" (X = the sub-circuit of a wire of Y; circuit domain; permanents have X = perm).
    Routes: `symmetrisation` (permanent): the average over H_Pi of
    (perm(hA) - G(perm | Pi')(hA)) * G(perm | Pi_X)(hA) is 0; `traceable` (circuit, traceable
    estimators): the estimator's estimate with Pi of the circuit (Y - f) * g, with f = G(Y | Pi') and
    g = G(X | Pi_X) traced as polynomials in the values Pi' reveals beyond Pi and built on top of Y's
    circuit. The objective route does not apply (see the module docstring). Parameters: route,
    feature, x, max_gates, max_orbit, abs_tol, rel_tol.
    """

    name: ClassVar[str] = "error-orthogonality"
    code: ClassVar[str] = "D10"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "permanent"})
    parameters: ClassVar[dict[str, Parameter]] = {
        "route": UnpredictableErrors.parameters["route"],
        "feature": Parameter(str, "inner", "which argument set the feature is estimated with: inner (Pi_X = Pi') "
                             "or outer (Pi_X = Pi)", FEATURES),
        "x": Parameter(str, "y", "the feature X: y (X = Y) or wire (the sub-circuit of a wire of Y)", ("y", "wire")),
        "max_gates": UnpredictableErrors.parameters["max_gates"],
        "max_orbit": UnpredictableErrors.parameters["max_orbit"],
        **TOLERANCE_PARAMETERS,
    }

    def _symmetrisation(self, case: Case, call: Call) -> Outcome:
        from ..domains.permanent import permanent

        pi, pi2 = case.args("Pi"), case.args("Pi'")
        inner = self.params["feature"] == "inner"

        def product_term(h: Any) -> tuple[Any, float | None, list[Any]]:
            est = call(h, pi2)
            g = est if inner else call(h, pi)
            truth, e, gv = permanent(h.entries), _plain(est.value), _plain(g.value)
            se = None
            if est.stderr is not None or g.stderr is not None:
                # first-order error of (truth - e) * g: d(e) * g and (truth - e) * d(g)
                se = math.hypot((est.stderr or 0.0) * _as_float(gv), (g.stderr or 0.0) * _as_float(truth - e)) \
                    if not inner else abs(_as_float(truth - 2 * e)) * (est.stderr or 0.0)
            return (truth - e) * gv, se, [truth * gv, e * gv]

        mean, se, scale, count = self._orbit_average(case, call, product_term)
        which = "Pi'" if inner else "Pi"
        return self._outcome(mean, se, Fraction(0), None, scale, "symmetrisation",
                             f"average over the {count} matrices of A's orbit under H_Pi of "
                             f"(perm(hA) - G(perm | Pi')(hA)) * G(perm | {which})(hA)")

    def _traceable(self, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        x = dict(case.instances).get("X", y)
        extra = _extra(case)
        f, symbols = self._trace(call, y, pi, extra)
        if self.params["feature"] == "inner":
            g, _ = self._trace(call, x, pi, extra)
        else:
            g = _plain(call(x, pi).value)
        try:
            with_f = circuit_of_polynomial(y, f, symbols)
            with_g = circuit_of_polynomial(with_f, g, symbols)
        except ValueError as exc:
            return _not_polynomial("traceable", str(exc))
        nf, d, out = (_fresh_id(with_g, s) for s in ("negf", "err", "errX"))
        whole = _extend(with_g, [Gate(nf, "neg", (with_f.output,)), Gate(d, "add", (y.output, nf)),
                                 Gate(out, "mul", (d, with_g.output))], out)
        outer = call(whole, pi)
        scale = [_coefficient_mass(f, symbols) * _coefficient_mass(g, symbols)]
        which = "Pi'" if self.params["feature"] == "inner" else "Pi"
        return self._outcome(_plain(outer.value), outer.stderr, Fraction(0), None, scale, "traceable",
                             f"G((Y - f) * g | Pi) with f = G(Y | Pi') = {f} and g = G(X | {which}) = {g}")


def _coefficient_mass(poly: Any, symbols: Mapping[Any, str]) -> float:
    """The sum of |coefficients|: a magnitude for the relative tolerance."""
    try:
        return sum(abs(_as_float(c)) for _, c in polynomial_terms(poly, list(symbols)))
    except ValueError:
        return 0.0


__all__ = ["ErrorOrthogonality", "IteratedEstimation", "UnpredictableErrors", "circuit_of_polynomial",
           "orbit", "orbit_size", "polynomial_terms"]
