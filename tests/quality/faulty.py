"""Deliberately wrong estimators: each is a built-in with one small, realistic fault planted in it.

The quality suite loads them through `CheckRequest("tests/quality/faulty.py:Class")`, the way a
user checks a plugin file, so imports here are absolute. Each class says which fault it carries
and which property should find it; none of them knows anything about the cases it will be given.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any, ClassVar

from heurcheck.arguments import Arguments
from heurcheck.domains.circuit import Circuit, CumulantOrder, RevealInput
from heurcheck.domains.permanent import ColSums, Matrix, RowSums, naive_permanent
from heurcheck.estimators.base import Estimate, Option
from heurcheck.estimators.permanent import row_estimate, sum_estimate, uniq_estimate
from heurcheck.estimators.propagation import (
    CumulantPropagation,
    MeanPropagation,
    boolean_mean_propagation,
    estimate_by_propagation,
    parse_order,
)
from heurcheck.estimators.rules import BOOLEAN_RULES, CIRCUIT_RULES
from heurcheck.estimators.reference import Sampling
from heurcheck.numbers import backend_of

_CIRCUIT = frozenset({"circuit"})


def multiplicative_depth(c: Circuit) -> int:
    """The largest number of products on a path from an input to the output."""
    depth: dict[str, int] = {i.id: 0 for i in c.inputs}
    for g in c.gates:
        below = max((depth[a] for a in g.args), default=0)
        depth[g.id] = below + (g.op == "mul")
    return depth[c.output]


# --------------------------------------------------------------------------- 1. linearity


class AbsScaleMean:
    """Mean propagation that reads a `scale` gate's coefficient as |value| (a dropped sign).

    Linear for non-negative coefficients only: `linearity` with a < 0 or b < 0 must find it.
    """

    name: ClassVar[str] = "faulty-abs-scale"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        return estimate_by_propagation(instance, arguments, 1, ABS_SCALE)


ABS_SCALE = replace(CIRCUIT_RULES, scale=lambda c, m: abs(c) * m)  # mean propagation's scale rule, sign dropped


# --------------------------------------------------------------------------- 2. deep sign error


class DeepSignCumulant:
    """Order-3 cumulant propagation whose sign flips on circuits of multiplicative depth >= 3.

    Correct on every shallow circuit, so only a search that reaches three nested products finds it.
    """

    name: ClassVar[str] = "faulty-deep-sign"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        value = CumulantPropagation(order=3).estimate(instance, arguments)
        return -value if multiplicative_depth(instance) >= 3 else value


# --------------------------------------------------------------------------- 3. truncation off by one


class OffByOneCumulant:
    """Cumulant propagation that keeps cumulants up to K - 1 when asked for order K (option or `order:K`).

    Exact only when every dropped cumulant happens to vanish: `exactness` at K = the degree finds it.
    """

    name: ClassVar[str] = "faulty-off-by-one"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {
        "order": Option(parse_order, 3, "highest cumulant order kept, minus one (the fault)"),
    }

    def __init__(self, order: int | None | str = 3) -> None:
        self.order = parse_order(order)

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        shifted = Arguments(CumulantOrder(max(1, a.order - 1)) if isinstance(a, CumulantOrder) else a
                            for a in arguments.atoms)
        base = None if self.order is None else max(1, self.order - 1)
        return estimate_by_propagation(instance, shifted, base)


# --------------------------------------------------------------------------- 4. permanent normalisation


class RowOverNormalised:
    """perm-row with n!/n^(n-1) instead of n!/n^n: n times too large whenever `row-sums` is in Pi.

    Still linear in each row, so only a distributional property (`accuracy`) sees the factor n.
    """

    name: ClassVar[str] = "faulty-perm-row-norm"
    domains: ClassVar[frozenset[str]] = frozenset({"permanent"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}
    default_arguments: ClassVar[tuple[str, ...]] = ("row-sums",)

    def estimate(self, instance: Matrix, arguments: Arguments) -> Any:
        if RowSums() in arguments:
            return instance.n * row_estimate(instance)
        return sum_estimate(instance)


# --------------------------------------------------------------------------- 5. biased sampling


class BiasedSampling:
    """Monte Carlo plus half a standard error on every call: invisible on any single case.

    Only the statistical test over many cases (the mean of the standardised differences) can see it.
    """

    name: ClassVar[str] = "faulty-biased-sampling"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "boolean"})
    randomised: ClassVar[bool] = True
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = dict(Sampling.options)

    def __init__(self, samples: int = 10_000, seed: int = 0) -> None:
        self.inner = Sampling(samples, seed)

    def estimate(self, instance: Any, arguments: Arguments) -> Estimate:
        mc = self.inner.estimate(instance, arguments)
        return Estimate(mc.value + 0.5 * mc.stderr, mc.stderr)


# --------------------------------------------------------------------------- 6. extras


class UnionBoundMean:
    """Boolean mean propagation with p_or = p_a + p_b (inclusion-exclusion forgotten): can exceed 1."""

    name: ClassVar[str] = "faulty-union-bound"
    domains: ClassVar[frozenset[str]] = frozenset({"boolean"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        return boolean_mean_propagation(instance, arguments, UNION_BOUND)


UNION_BOUND = replace(BOOLEAN_RULES, disjunction=lambda pa, pb: pa + pb)  # the planted fault: - pa pb is missing


class ForgetsReveals:
    """Exact cumulant propagation (order inf) that drops every `reveal:` argument before propagating.

    Exact for the unconditional law, wrong given the revealed values: `exactness` must find it.
    """

    name: ClassVar[str] = "faulty-forgets-reveals"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        return CumulantPropagation(order="inf").estimate(instance, arguments.without(RevealInput))


class FirstOrderWins:
    """Cumulant propagation that takes the cumulant order from the first `order:` atom it meets in
    `arguments.atoms` (the set's iteration order) instead of the largest one.

    A known miss of `set-semantics`: a frozenset of `order:` atoms iterates in the same order however
    it was built (their hashes never collide), so rebuilding the set cannot expose the dependence.
    """

    name: ClassVar[str] = "faulty-first-order"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        orders = [a.order for a in arguments.atoms if isinstance(a, CumulantOrder)]
        rest = arguments.without(CumulantOrder)
        return estimate_by_propagation(instance, rest, orders[0] if orders else 1)


class SquareRaises:
    """Covariance propagation that assumes a product's two factors are distinct wires (x * x raises)."""

    name: ClassVar[str] = "faulty-square-raises"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        for g in instance.gates:
            if g.op == "mul" and g.args[0] == g.args[1]:
                raise KeyError(f"no covariance slot for the pair ({g.args[0]}, {g.args[1]})")
        return estimate_by_propagation(instance, arguments, 2)


class SqrtRoundTrip:
    """Mean propagation reported through a standard-deviation round trip, sqrt(v) ** 2 in numpy
    floats: NaN (with numpy's warning silenced) whenever the estimate is negative."""

    name: ClassVar[str] = "faulty-nan"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        import numpy as np

        value = MeanPropagation().estimate(instance, arguments)
        with np.errstate(invalid="ignore"):
            return float(np.sqrt(np.float64(value)) ** 2)


class FirstAtomOnly:
    """Cumulant propagation that reads only the first atom of `arguments.atoms` (a `break` too many)."""

    name: ClassVar[str] = "faulty-first-atom"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        first = next(iter(arguments.atoms), None)
        return CumulantPropagation(order=3).estimate(instance, Arguments([first] if first is not None else []))


# --------------------------------------------------------------------------- a correct plugin


class MeanFieldPermanent:
    """A correct permanent plugin: the average of perm(hA) over the entry shuffles h that preserve the
    facts in Pi, computed without the closed forms.

    - row-sums without col-sums: shuffles within each row are independent and perm is multilinear
      in the rows, so the average is perm of the matrix whose rows are replaced by their means
      (the "mean field"), computed as a permanent;
    - col-sums alone: the same with columns;
    - row-sums and col-sums: the group is trivial, so the exact permanent;
    - no row or column facts: one block, every shuffle of the n^2 entries: `uniq`.
    Equal to the built-in `symmetrize` by another route, so it must satisfy what a group average does.
    """

    name: ClassVar[str] = "mean-field-permanent"
    domains: ClassVar[frozenset[str]] = frozenset({"permanent"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}
    default_arguments: ClassVar[tuple[str, ...]] = ("row-sums",)

    def estimate(self, instance: Matrix, arguments: Arguments) -> Any:
        rows, cols = RowSums() in arguments, ColSums() in arguments
        a = [list(r) for r in instance.entries]
        if rows and cols:
            return naive_permanent(a)
        if not rows and not cols:
            return uniq_estimate(instance)
        share = backend_of(instance.parameters()).const(Fraction(1, instance.n))
        if cols:
            a = [list(c) for c in zip(*a)]  # perm(A) = perm(A^T): average the columns as rows
        averaged = [[share * _sum(r)] * len(r) for r in a]
        return naive_permanent(averaged)


def _sum(values: list[Any]) -> Any:
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


__all__ = [
    "AbsScaleMean", "BiasedSampling", "DeepSignCumulant", "FirstAtomOnly", "FirstOrderWins", "ForgetsReveals",
    "MeanFieldPermanent", "OffByOneCumulant", "RowOverNormalised", "SqrtRoundTrip", "SquareRaises",
    "UnionBoundMean", "multiplicative_depth",
]
