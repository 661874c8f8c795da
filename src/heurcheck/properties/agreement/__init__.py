"""agreement: G(Y | Pi) = G_ref(Y | Pi) (or <=, >=) within tolerance, for a reference estimator G_ref.

Differential testing: an optimised estimator against the slow one it replaces, a change against its
baseline, or a new version against the estimates of a released one. Parameters: `reference` (the
reference estimator: a registry name, `module:attr` or `file.py:attr`, then its options as
`KEY=VALUE` separated by spaces, e.g. `-P "reference=cumulant order=3"`; required), `relation`
(`equal`: G = G_ref; `at-most`: G <= G_ref; `at-least`: G >= G_ref), `max_size` (largest instance
drawn: gates of a circuit, order of a matrix, width of a network), tolerances. Domains: every
domain with a facet (circuit, boolean, permanent, hafnian, mlp) that both estimators handle; the
cases are the domain's instances with argument sets drawn as its other properties draw them.
Tolerance: abs_tol + rel_tol * the larger magnitude; when either estimator is randomised the
statistical form applies: the difference is judged in units of its combined standard error (the
sequential test of the random engine, at family error rate alpha). The reference runs through the
framework's call wrapper like the estimator under test (timeouts, isolation of plugins); a case the
reference cannot estimate (it raises, or leaves its domain) is skipped, not held against G.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from ...estimators.base import Capabilities
from ..base import (
    TOLERANCE_PARAMETERS,
    Call,
    Case,
    EstimatorFailure,
    NotApplicable,
    Outcome,
    Parameter,
    PropertyBase,
    at_least,
    equality,
    one_instance_cases,
)

RELATIONS = ("equal", "at-most", "at-least")


class AgreementFacet(Protocol):
    """What agreement needs of a domain: its instances and the argument sets to estimate them under."""

    def instances(self, max_size: int) -> Any:
        """The strategy Y is drawn from, instances up to `max_size` (gates, order or width)."""
        ...

    def arguments(self, y: Any) -> Any:
        """A strategy of argument sets about `y` (Pi)."""
        ...


class Agreement(PropertyBase):
    """G(Y | Pi) = G_ref(Y | Pi) for a reference estimator (or <=, >= with `relation`)."""

    name: ClassVar[str] = "agreement"
    code: ClassVar[str] = "A"
    parameters: ClassVar[dict[str, Parameter]] = {
        "reference": Parameter(str, "", "the reference estimator and its options: 'NAME KEY=VALUE ...'"),
        "relation": Parameter(str, "equal", "G = G_ref (equal), G <= G_ref (at-most) or G >= G_ref (at-least)",
                              RELATIONS),
        "max_size": Parameter(int, 6, "largest instance drawn (gates, matrix order, network width)"),
        **TOLERANCE_PARAMETERS,
    }

    @property
    def reference_spec(self) -> str | None:
        """The reference the checker must attach to the estimator's call (see `Call.reference`)."""
        return str(self.params["reference"]).strip() or None

    def applies(self, estimator: Any, domain: str) -> str | None:
        if self.reference_spec is None:
            return "agreement compares with a reference estimator: give it as -P reference=NAME"
        return super().applies(estimator, domain)

    def applies_to_reference(self, reference: Any, domain: str) -> str | None:
        """None when the reference handles `domain`, else why agreement does not apply there."""
        if not Capabilities.of(reference).handles(domain):
            return f"the reference {self.reference_spec} does not handle the {domain} domain"
        return None

    def cases(self, domain: str, estimator: Any) -> Any:
        facet: AgreementFacet = self.facet(domain)
        return one_instance_cases(facet.instances(self.params["max_size"]), facet.arguments)

    def evaluate(self, case: Case, call: Call) -> Outcome:
        y, pi = case.instance("Y"), case.args("Pi")
        if call.reference is None:
            raise ValueError("agreement needs its reference estimator attached to the call (Call.reference)")
        pi.check(y)
        g = call(y, pi)
        try:
            ref = call.reference(y, pi)
        except EstimatorFailure as exc:  # the reference's failure is not the estimator's
            raise NotApplicable(f"the reference failed on this case ({exc.kind}): {exc}") from None
        relation = self.params["relation"]
        name = self.reference_spec
        if relation == "equal":
            return equality(self.params, g, ref, detail=f"G(Y | Pi) = G_ref(Y | Pi), G_ref = {name}")
        symbol = "<=" if relation == "at-most" else ">="
        out = at_least(self.params, g, ref.value, symbol, detail=f"G(Y | Pi) {symbol} G_ref(Y | Pi), G_ref = {name}")
        if ref.stderr is not None:  # the bound is itself an estimate: its error counts in the test
            combined = ((out.stderr or 0.0) ** 2 + ref.stderr ** 2) ** 0.5
            out = Outcome(out.lhs, out.rhs, out.violation, out.tolerance, out.relation, combined,
                          detail=out.detail, score=out.score)
        return out
