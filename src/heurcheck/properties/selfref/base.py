"""What D8, D9 and D10 share: the choice of route, the cases of each domain, the evaluation that hands a
case to its route, and the standard error of a weighted sum of estimates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, ClassVar

from hypothesis import strategies as st

from ...arguments import Arguments
from ...domains.boolean import RevealBit
from ...domains.boolean import instances as boolean_instances
from ...domains.circuit import Circuit, Gaussian, RevealInput, circuits, cone, support
from ...domains.permanent import blocks
from ...estimators.base import Estimate
from ..base import Call, Case, EstimatorFailure, Outcome, PropertyBase, equality
from ..strategies import circuit_arguments
from .symmetrisation import orbit, permanent_cases
from .traceable import _as_float, _is_plain_number

ROUTES = ("auto", "traceable", "objective", "symmetrisation")
CIRCUIT_OPS = ("mul", "add", "mul", "scale", "neg", "const")  # products are where estimators disagree with themselves


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
        base = boolean_instances(max_inputs=3, max_gates=self.params["max_gates"], probabilities="rational")

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
        import sympy  # lazy: sympy adds about half a second to start-up and most runs never trace

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


def _extra(case: Case) -> list[str]:
    """The inputs Pi' reveals beyond Pi (circuit RevealInput or boolean RevealBit atoms)."""
    known = {a.input for a in case.args("Pi") if hasattr(a, "input")}
    return sorted({a.input for a in case.args("Pi'") if hasattr(a, "input")} - known)
