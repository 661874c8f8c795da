"""symmetry (D15): G(Y | Pi) = G(Y' | Pi') when Y' is Y written another way, by a reparametrisation
that leaves the quantity unchanged, and Pi' is Pi carried along by it.

One function written two ways has one estimate. The reparametrisations (each domain's facet):
- mlp: the hidden units of a layer permuted consistently (the rows of its weights and its bias, the
  columns of the next layer's weights or the readout), the input coordinates permuted (the first
  layer's columns, and an explicit mean and covariance), and, on a relu layer, a unit's incoming
  weights and bias scaled by c > 0 and its outgoing weights by 1/c (relu(c z) = c relu(z));
- permanent: rows and columns permuted, perm(P A Q) = perm(A), and with `transpose` (default false) the
  transpose, perm(A^T) = perm(A) (row-sums and col-sums facts swap under it);
- circuit: every wire relabelled (a bijection of ids, the atoms of Pi renamed with it) and the
  independent inputs listed in another order.
Each case checks that Y and Y' are the same quantity before judging (exactly on permanents and
circuits; on networks, the two forward passes at a few points agree to 1e-9 relative), so a rewrite
that changed the quantity would be skipped, never blamed on the estimator.
Form [I]: a desideratum the reference implies (an estimate of E[f] is of f, not of how it is written);
the reparametrisations are this tool's choice. Parameters: `max_size` (largest width, matrix order
or number of gates drawn), `transpose` (permanents), tolerances. Domains: mlp, permanent, circuit; every estimator of them.
Tolerance: abs_tol + rel_tol * max(|G(Y)|, |G(Y')|); standard-error scaled for randomised estimators.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from hypothesis import strategies as st

from ...errors import TruthTooExpensive
from ..base import TOLERANCE_PARAMETERS, Call, Case, Outcome, Parameter, PropertyBase, equality


class SymmetryFacet(Protocol):
    """What symmetry needs of a domain: its reparametrisations."""

    statement: str
    """The reparametrisations on this domain, in words (the outcome's detail)."""

    def cases(self, max_size: int, transpose: bool = False) -> Any:
        """A strategy of cases with instances Y and Y' (Y reparametrised) and arguments Pi and Pi'
        (Pi carried along); `transpose` adds the transpose where the domain has one."""
        ...

    def same_quantity(self, y: Any, other: Any) -> bool:
        """Whether Y and Y' are the same quantity (raises TruthTooExpensive when that cannot be told)."""
        ...


class Symmetry(PropertyBase):
    """G(Y | Pi) = G(Y' | Pi') for Y' a reparametrisation of Y (one function written two ways)."""

    name: ClassVar[str] = "symmetry"
    code: ClassVar[str] = "D15"
    parameters: ClassVar[dict[str, Parameter]] = {
        "max_size": Parameter(int, 4, "largest layer width, matrix order or gate count drawn"),
        "transpose": Parameter(bool, False, "permanents: also transpose (row and column facts swapped)"),
        **TOLERANCE_PARAMETERS,
    }

    def cases(self, domain: str, estimator: Any) -> Any:
        facet: SymmetryFacet = self.facet(domain)
        return facet.cases(max(1, self.params["max_size"]), self.params["transpose"])

    def evaluate(self, case: Case, call: Call) -> Outcome:
        y, other = case.instance("Y"), case.instance("Y'")
        pi, pi2 = case.args("Pi"), case.args("Pi'")
        facet: SymmetryFacet = self.facet(y.domain)
        try:
            same = facet.same_quantity(y, other)
        except TruthTooExpensive:
            same = False
        if not same:  # a rewrite that changed the quantity is a bug of the facet, not the estimator's
            return Outcome(0, 0, 0.0, 0.0, applicable=False, detail="Y and Y' could not be shown to be one quantity")
        pi.check(y)
        pi2.check(other)
        return equality(self.params, call(y, pi), call(other, pi2),
                        detail=f"G(Y | Pi) = G(Y' | Pi'), Y' = Y {facet.statement}")


def pair(y: Any, pi: Any, other: Any, pi2: Any) -> Case:
    """The case comparing Y given Pi with Y' given Pi'."""
    return Case((("Y", y), ("Y'", other)), (("Pi", pi), ("Pi'", pi2)))


def permutations(n: int) -> Any:
    """A strategy of permutations of range(n), shrinking towards the identity."""
    return st.permutations(list(range(n)))


__all__ = ["Symmetry", "SymmetryFacet", "pair", "permutations"]
