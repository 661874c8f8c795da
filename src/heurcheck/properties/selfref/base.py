"""What D8, D9 and D10 share: what they need of a domain (the facet Protocols), the choice of route,
the evaluation that hands a case to its route, and the standard error of a weighted sum of estimates."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, ClassVar, Protocol

from ...arguments import Arguments
from ...estimators.base import Capabilities, Estimate
from ...numbers import is_plain_number, polynomial_terms
from ..base import Call, Case, EstimatorFailure, Outcome, PropertyBase, equality
from ..facets import facet as registered_facet

ROUTES = ("auto", "traceable", "objective", "symmetrisation")
REASON_ORDER = ("symmetrisation", "traceable", "objective")  # the order of the reasons when no route applies
NEEDS = {  # what each route needs of a domain, for the reason it is not offered
    "symmetrisation": "averages over the symmetries of the instance",
    "traceable": "needs inputs that can be revealed as symbols",
    "objective": "needs revealed inputs",
}


class SelfReferenceFacet(Protocol):
    """What the self-referential properties need of a domain: the routes it offers and their cases.

    A domain that offers a route also offers that route's Protocol: `SymmetrisationFacet`,
    `TraceableFacet` or `ObjectiveFacet`."""

    routes: tuple[str, ...]
    """The routes this domain offers, in order of preference (`auto` picks the first that applies)."""

    def cases(self, route: str, params: Mapping[str, Any], pairs: bool, traceable: bool) -> Any:
        """The strategy of cases for `route`: the instances (Y, and X for a wire feature; or A) with Pi,
        and Pi' when `pairs`. `params` are the property's (max_gates, max_orbit, x); `traceable` says
        whether the estimator can run on symbolic revealed values."""
        ...


class SymmetrisationFacet(SelfReferenceFacet, Protocol):
    """The symmetrisation route: the outer G(. | Pi) is the average over a group of symmetries H_Pi."""

    def orbit(self, a: Any, pi: Arguments) -> Iterator[Any]:
        """The distinct instances hA for h in H_Pi (each once: averaging over them averages over H_Pi)."""
        ...

    def truth(self, a: Any) -> Any:
        """The exact quantity of `a`."""
        ...


class RevealFacet(SelfReferenceFacet, Protocol):
    """Reveal atoms: the arguments that fix one input of an instance to a value."""

    def revealed(self, arguments: Arguments) -> set[str]:
        """The inputs `arguments` reveal."""
        ...

    def reveal(self, x: str, value: Any) -> Any:
        """The atom revealing input `x` to be `value` (a number or a sympy symbol)."""
        ...


class TraceableFacet(RevealFacet, Protocol):
    """The traceable route: instances that compute the traced inner estimates."""

    def of_polynomial(self, y: Any, f: Any, symbols: Mapping[Any, str]) -> Any:
        """The instance computing f with each symbol replaced by its input of `y` (ValueError when f is
        not a polynomial in the symbols)."""
        ...

    def minus_constant(self, y: Any, c: Any) -> Any:
        """The instance Y - c."""
        ...

    def error_times(self, y: Any, f: Any, g: Any, symbols: Mapping[Any, str]) -> Any:
        """The instance (Y - f) * g, f and g polynomials in the symbols (ValueError when one is not)."""
        ...


class ObjectiveFacet(RevealFacet, Protocol):
    """The objective route: the laws of the revealed inputs, to take the expectation over their values."""

    def law(self, y: Any, x: str) -> list[tuple[Any, Any]] | None:
        """The finite law of input `x` of `y` as (reveal atom, probability) pairs, or None when it is not
        finite (its values are then left symbolic and `expectation` applies its moments)."""
        ...

    def expectation(self, y: Any, terms: list[tuple[tuple[int, ...], Any]], inputs: Sequence[str]) -> Any:
        """E[sum c prod x_i^e_i] over the independent inputs `inputs` of `y`, for (exponents, c) terms."""
        ...


class _SelfReference(PropertyBase):
    """Route resolution, case generation and the estimator calls shared by D8, D9 and D10."""

    objective_form: ClassVar[bool] = False  # does the objective route apply to this property?
    needs_pair: ClassVar[bool] = True  # are cases (Pi, Pi') rather than Pi alone?

    # ---- routes

    def _offered(self, domain: str) -> tuple[str, ...]:
        found = registered_facet(self.name, domain)
        return () if found is None else tuple(found.routes)

    def _why_not(self, route: str, estimator: Any, domain: str) -> str | None:
        """Why `route` does not decide for this estimator on this domain, or None when it does."""
        if route == "objective" and not self.objective_form:
            return (f"the objective route applies to iterated-estimation only: for {self.name} it would "
                    "replace the outer estimate of Y by its exact expectation (accuracy, D11)")
        if route not in self._offered(domain):
            where = [d for d in sorted(self.defined_on()) if route in self._offered(d)]
            offered = (f"{where[0]} domain only" if len(where) == 1 else
                       f"{' or '.join(where)} domain" if where else "no domain offers it")
            return f"the {route} route {NEEDS[route]}: {offered}, not {domain}"
        if route == "traceable" and not Capabilities.of(estimator).traceable:
            name = Capabilities.of(estimator).name
            return f"{name} is not traceable (it cannot run on symbolic revealed values)"
        return None

    def route(self, estimator: Any, domain: str) -> tuple[str | None, str]:
        """(the route that decides for this estimator on this domain, or None; why not, when None)."""
        wanted = self.params["route"]
        name = Capabilities.of(estimator).name
        why = {r: self._why_not(r, estimator, domain) for r in REASON_ORDER}
        if wanted != "auto":
            return (wanted, "") if why[wanted] is None else (None, f"route {wanted}: {why[wanted]}")
        for r in self._offered(domain):
            if why[r] is None:
                return r, ""
        reasons = "; ".join(f"{r}: {why[r]}" for r in REASON_ORDER if why[r])
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
        facet: SelfReferenceFacet = self.facet(domain)
        return facet.cases(route, self.params, self.needs_pair, Capabilities.of(estimator).traceable)

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
        facet = self.facet(first.domain)
        if route == "symmetrisation":
            return self._symmetrisation(facet, case, call)
        if route == "traceable":
            return self._traceable(facet, case, call)
        return self._objective(facet, case, call)

    def _symmetrisation(self, facet: SymmetrisationFacet, case: Case, call: Call) -> Outcome:
        raise NotImplementedError

    def _traceable(self, facet: TraceableFacet, case: Case, call: Call) -> Outcome:
        raise NotImplementedError

    def _objective(self, facet: ObjectiveFacet, case: Case, call: Call) -> Outcome:
        raise NotImplementedError

    # ---- helpers for the routes

    def _outcome(self, lhs: Any, lhs_se: float | None, rhs: Any, rhs_se: float | None, scale: Sequence[Any],
                 route: str, detail: str) -> Outcome:
        return equality(self.params, Estimate(lhs, lhs_se), Estimate(rhs, rhs_se), *scale, route=route, detail=detail)

    def _orbit_average(self, facet: SymmetrisationFacet, case: Case, call: Call,
                       term: Any) -> tuple[Any, float | None, list[Any], int]:
        """The average over the orbit of A under H_Pi of term(hA), where term returns (value, stderr, magnitudes)."""
        a, pi = case.instance("A"), case.args("Pi")
        total: Any = Fraction(0)
        spread, scale, count = _Spread(call), [], 0
        for h in facet.orbit(a, pi):
            value, se, magnitudes = term(h)
            total = total + value
            spread.add(1.0, se)
            scale.extend(magnitudes)
            count += 1
        mean = total / count
        stderr = None if spread.value is None else spread.value / count
        return mean, stderr, [max((abs(_as_float(s)) for s in scale), default=0.0)], count

    def _trace(self, facet: RevealFacet, call: Call, y: Any, pi: Arguments,
               extra: Sequence[str]) -> tuple[Any, dict[Any, str]]:
        """G(Y | Pi + reveals of `extra` as symbols): the inner estimate as a sympy expression."""
        import sympy  # lazy: sympy adds about half a second to start-up and most runs never trace

        symbols = {sympy.Symbol(f"v_{x}"): x for x in extra}
        args = pi | [facet.reveal(x, s) for s, x in symbols.items()]
        result = call(y, args)
        value = result.value
        if not (is_plain_number(value) or type(value).__module__.startswith("sympy")):
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


def _extra(facet: RevealFacet, case: Case) -> list[str]:
    """The inputs Pi' reveals beyond Pi."""
    return sorted(facet.revealed(case.args("Pi'")) - facet.revealed(case.args("Pi")))


def _as_float(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return 0.0


def _not_polynomial(route: str, why: str) -> Outcome:
    return Outcome(None, None, 0.0, 0.0, applicable=False, route=route,
                   detail=f"the inner estimate is not a polynomial in the revealed values: {why}")


def _coefficient_mass(poly: Any, symbols: Mapping[Any, str]) -> float:
    """The sum of |coefficients|: a magnitude for the relative tolerance."""
    try:
        return sum(abs(_as_float(c)) for _, c in polynomial_terms(poly, list(symbols)))
    except ValueError:
        return 0.0
