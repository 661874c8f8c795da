"""The self-referential properties D8-D10: an estimate of a quantity that contains estimates.

unpredictable-errors (D8):   G(Y - G(Y | Pi) | Pi) = 0
iterated-estimation (D9):    G(G(Y | Pi') | Pi) = G(Y | Pi)                        for Pi subset of Pi'
error-orthogonality (D10):   G((Y - G(Y | Pi')) * G(X | Pi_X) | Pi) = 0            for Pi subset of Pi',
                                                                                   Pi_X subset of Pi'

The outer G estimates a quantity that contains the inner estimates, so it needs a rule for how G
estimates "the estimate G(Y | Pi')". The forms implemented [I] are the three routes of the domain
reference (parameter `route`; `auto` picks the first that applies, and every outcome names the
route that decided it). Which routes a domain offers, in which order, and their domain-specific
pieces (cases, orbits, reveal atoms, laws of revealed inputs, the circuits of traced estimates) are
the domain's facet (`selfref.permanent`, `selfref.circuit`, `selfref.boolean`, Protocols in
`selfref.base`); what follows describes the built-in ones:

- `symmetrisation` (permanent domain, every estimator): the outer G(. | Pi) is the exact average
  over the group H_Pi of entry shuffles that map each block of `blocks(n, Pi)` to itself
  (`domains.permanent.symmetry`). The average over H_Pi of F(hA) is the uniform average of F over
  the *orbit* of A (each orbit point is hit by |stabiliser| shuffles), so the property enumerates
  the distinct matrices of the orbit, not the group: a 3x3 +-1 matrix has at most 126 arrangements
  where the group has 9! shuffles. Cases: n = 2 or 3, entries +-1 or small integers (see
  `selfref.permanent.permanent_cases`); Pi strictly inside Pi' drawn from the four permanent facts,
  among the Pi whose orbit has at most `max_orbit` matrices (row-sums or col-sums keep it at most
  216 for n <= 3), so every average is exact: nothing is sampled. The route takes the group average
  as the outer G for every estimator, so an estimator whose own G(. | Pi) is not that average
  (`exact`, which ignores Pi; perm-row without row-sums, which falls back to perm-sum) is judged
  against it: the group average is the standard, as it is for the positive control `symmetrize`,
  which meets it exactly.
- `traceable` (circuit domain, estimators with `traceable = True`): Pi holds global atoms only
  (cumulant orders and reveals with concrete values), Pi' = Pi + reveals of further inputs. The
  estimator runs with those values as sympy symbols, which gives the inner estimate as a polynomial
  f in them; `domains.circuit.circuit_of_polynomial` builds the circuit of f over the same inputs,
  and the estimator itself estimates it with Pi: that is G(G(Y | Pi') | Pi). D8 estimates the
  circuit Y - c with c = G(Y | Pi) a constant gate; D10 the circuit (Y - f) * g on top of Y's
  circuit. The circuit of f is the expanded sum of monomials, powers as chains x^k = x^(k-1) * x: an
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
from fractions import Fraction
from typing import Any, ClassVar

from ...numbers import plain
from ..base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter
from .base import (
    ROUTES,
    ObjectiveFacet,
    SymmetrisationFacet,
    TraceableFacet,
    _as_float,
    _coefficient_mass,
    _extra,
    _not_polynomial,
    _SelfReference,
    _Spread,
)
from .objective import _objective_average


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
    parameters: ClassVar[dict[str, Parameter]] = {
        "route": Parameter(str, "auto", "how the outer G estimates an estimate: auto, traceable, objective or "
                           "symmetrisation", ROUTES),
        "max_gates": Parameter(int, 5, "largest circuit drawn (circuit domain)"),
        "max_orbit": Parameter(int, 1000, "largest orbit of A averaged over exactly (permanent domain)"),
        **TOLERANCE_PARAMETERS,
    }
    needs_pair: ClassVar[bool] = False

    def _symmetrisation(self, facet: SymmetrisationFacet, case: Case, call: Call) -> Outcome:
        pi = case.args("Pi")

        def error(h: Any) -> tuple[Any, float | None, list[Any]]:
            est = call(h, pi)
            truth = facet.truth(h)
            return truth - plain(est.value), est.stderr, [truth, est.value]

        mean, se, scale, count = self._orbit_average(facet, case, call, error)
        return self._outcome(mean, se, Fraction(0), None, scale, "symmetrisation",
                             f"average over the {count} matrices of A's orbit under H_Pi of perm(hA) - G(perm | Pi)(hA)")

    def _traceable(self, facet: TraceableFacet, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        inner = call(y, pi)
        c = plain(inner.value)
        outer = call(facet.minus_constant(y, c), pi)
        spread = _Spread(call)
        spread.add(1.0, outer.stderr)
        spread.add(1.0, inner.stderr)
        se = spread.value
        return self._outcome(plain(outer.value), se, Fraction(0), None, [c, outer.value], "traceable",
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
    parameters: ClassVar[dict[str, Parameter]] = dict(UnpredictableErrors.parameters)
    objective_form: ClassVar[bool] = True

    def _symmetrisation(self, facet: SymmetrisationFacet, case: Case, call: Call) -> Outcome:
        pi2 = case.args("Pi'")

        def inner(h: Any) -> tuple[Any, float | None, list[Any]]:
            est = call(h, pi2)
            return plain(est.value), est.stderr, [est.value]

        mean, se, scale, count = self._orbit_average(facet, case, call, inner)
        rhs = call(case.instance("A"), case.args("Pi"))
        return self._outcome(mean, se, plain(rhs.value), rhs.stderr, scale, "symmetrisation",
                             f"average over the {count} matrices of A's orbit under H_Pi of G(perm | Pi')(hA) "
                             "against G(perm | Pi)(A)")

    def _traceable(self, facet: TraceableFacet, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        f, symbols = self._trace(facet, call, y, pi, _extra(facet, case))
        try:
            fc = facet.of_polynomial(y, f, symbols)
        except ValueError as exc:
            return _not_polynomial("traceable", str(exc))
        lhs = call(fc, pi)
        rhs = call(y, pi)
        return self._outcome(plain(lhs.value), lhs.stderr, plain(rhs.value), rhs.stderr, [], "traceable",
                             f"G(f | Pi) for the circuit of f = G(Y | Pi') = {f}")

    def _objective(self, facet: ObjectiveFacet, case: Case, call: Call) -> Outcome:
        averaged = _objective_average(facet, call, case)
        if averaged is None:
            return Outcome(None, None, 0.0, 0.0, applicable=False, route="objective",
                           detail="a Gaussian revealed input needs a traceable estimator")
        mean, se, magnitudes, how = averaged
        rhs = call(case.instance("Y"), case.args("Pi"))
        return self._outcome(mean, se, plain(rhs.value), rhs.stderr, magnitudes, "objective",
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
    parameters: ClassVar[dict[str, Parameter]] = {
        "route": UnpredictableErrors.parameters["route"],
        "feature": Parameter(str, "inner", "which argument set the feature is estimated with: inner (Pi_X = Pi') "
                             "or outer (Pi_X = Pi)", FEATURES),
        "x": Parameter(str, "y", "the feature X: y (X = Y) or wire (the sub-circuit of a wire of Y)", ("y", "wire")),
        "max_gates": UnpredictableErrors.parameters["max_gates"],
        "max_orbit": UnpredictableErrors.parameters["max_orbit"],
        **TOLERANCE_PARAMETERS,
    }

    def _symmetrisation(self, facet: SymmetrisationFacet, case: Case, call: Call) -> Outcome:
        pi, pi2 = case.args("Pi"), case.args("Pi'")
        inner = self.params["feature"] == "inner"

        def product_term(h: Any) -> tuple[Any, float | None, list[Any]]:
            est = call(h, pi2)
            g = est if inner else call(h, pi)
            truth, e, gv = facet.truth(h), plain(est.value), plain(g.value)
            se = None
            if est.stderr is not None or g.stderr is not None:
                # first-order error of (truth - e) * g: d(e) * g and (truth - e) * d(g)
                se = math.hypot((est.stderr or 0.0) * _as_float(gv), (g.stderr or 0.0) * _as_float(truth - e)) \
                    if not inner else abs(_as_float(truth - 2 * e)) * (est.stderr or 0.0)
            return (truth - e) * gv, se, [truth * gv, e * gv]

        mean, se, scale, count = self._orbit_average(facet, case, call, product_term)
        which = "Pi'" if inner else "Pi"
        return self._outcome(mean, se, Fraction(0), None, scale, "symmetrisation",
                             f"average over the {count} matrices of A's orbit under H_Pi of "
                             f"(perm(hA) - G(perm | Pi')(hA)) * G(perm | {which})(hA)")

    def _traceable(self, facet: TraceableFacet, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        x = dict(case.instances).get("X", y)
        extra = _extra(facet, case)
        f, symbols = self._trace(facet, call, y, pi, extra)
        if self.params["feature"] == "inner":
            g, _ = self._trace(facet, call, x, pi, extra)
        else:
            g = plain(call(x, pi).value)
        try:
            whole = facet.error_times(y, f, g, symbols)
        except ValueError as exc:
            return _not_polynomial("traceable", str(exc))
        outer = call(whole, pi)
        scale = [_coefficient_mass(f, symbols) * _coefficient_mass(g, symbols)]
        which = "Pi'" if self.params["feature"] == "inner" else "Pi"
        return self._outcome(plain(outer.value), outer.stderr, Fraction(0), None, scale, "traceable",
                             f"G((Y - f) * g | Pi) with f = G(Y | Pi') = {f} and g = G(X | {which}) = {g}")
