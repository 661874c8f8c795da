"""respect-for-proofs (D2): an estimate respects every bound that an argument proves.

    if pi proves Y in [l, u], then G(Y | Pi + pi) in [l, u], for every Pi.

Forms (parameter `form`, a reconstruction [I] of the reference, so a choice made visible):
- `sign`: Y is a square or a sum of two squares of circuit wires, pi = `nonneg:Y` (a syntactic
  sum-of-squares certificate, checked by the tool): G(Y | Pi + pi) >= 0; or the certificates sit on
  inner wires feeding later gates: Y = sq1 * sq2 or Y = (sq1 + sq2) * 1/2 with sq1, sq2 squares,
  pi = `nonneg:` each inner square and Y (the derivation checked by the tool);
- `exact-value`: e = (w + c)(w - c) - w*w is identically -c^2; Y = e with pi = `equal:Y=-c^2`, or
  Y = e*e + e with pi = `equal:e=-c^2` on the inner wire and `equal:Y=c^4-c^2` (each checked as a
  polynomial identity): G(Y | Pi + pi) = the proved value; on boolean circuits Y = a xor a or a and
  not a, pi = `constant:Y=0` (checked by enumeration): G(Y | Pi + pi) = 0;
- `monotonicity`: Y = X + s*s, pi = `nonneg:s2` on the inner square s2 = s*s feeding the sum:
  G(X | Pi + pi) <= G(Y | Pi + pi);
- `all` (the default): every form in one search sharing one budget, each case drawing its form (sign
  twice as often as each other form); the formal engines enumerate every form on each structure.
The default tries every form because a fault can break one and not another: an estimator that
clamps only its final output at 0 passes every `sign` case and fails exact-value and monotonicity.
Pi is drawn from the domain's other atoms (kept cumulants, orders, revealed inputs).
Domains: circuit (all forms), boolean (exact-value). Applies to every estimator of those domains.
Tolerance: absolute + relative (abs_tol + rel_tol * max |side|); standard-error scaled for
randomised estimators. Source: Christiano, Neyman, Xu (2022), the respect-for-proofs desideratum.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol

from ...arguments import Arguments
from ...estimators.base import Estimate
from ..base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, at_least, equality
from ..space import CaseSpace, Enumeration

FORMS = ("sign", "exact-value", "monotonicity", "all")


class RespectForProofsFacet(Protocol):
    """What respect-for-proofs needs of a domain."""

    def cases(self, form: str, max_gates: int) -> Any:
        """A strategy of cases of the form (those the domain has): Y (and X for monotonicity), Pi holding
        a proof about Y, and the number `form` (0 sign: Y >= 0; 1 exact value: Y = `value`; 2
        monotonicity: X <= Y)."""
        ...

    def structures(self, form: str) -> Callable[[int], Enumeration] | None:
        """The cases of the form built on each structure up to a number of nodes, its parameters
        symbols (for the formal engines), or None."""
        ...


class RespectForProofs(PropertyBase):
    """G(Y | Pi + pi) lies in every interval [l, u] that the argument pi proves Y to lie in."""

    name: ClassVar[str] = "respect-for-proofs"
    code: ClassVar[str] = "D2"
    parameters: ClassVar[dict[str, Parameter]] = {
        "form": Parameter(str, "all", "which proved bound: sign, exact-value, monotonicity or all", FORMS),
        "max_gates": Parameter(int, 6, "largest circuit drawn (before the proof's gates are added)"),
        **TOLERANCE_PARAMETERS,
    }

    def cases(self, domain: str, estimator: Any) -> Any:
        facet: RespectForProofsFacet = self.facet(domain)
        return facet.cases(self.params["form"], self.params["max_gates"])

    def space(self, domain: str, estimator: Any) -> CaseSpace:
        facet: RespectForProofsFacet = self.facet(domain)
        return CaseSpace(domain, draw=lambda: self.cases(domain, estimator),
                         structures=facet.structures(self.params["form"]))

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
