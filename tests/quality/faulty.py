"""Deliberately wrong estimators: each is a built-in with one small, realistic fault planted in it.

The quality suite loads them through `CheckRequest("tests/quality/faulty.py:Class")`, the way a
user checks a plugin file, so imports here are absolute. Each class says which fault it carries
and which property should find it; none of them knows anything about the cases it will be given.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction
from typing import Any, ClassVar

from heurcheck.arguments import Arguments
from heurcheck.domains.circuit import Circuit, CumulantOrder, Gate, KeepCumulant, RevealInput
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
from heurcheck.estimators.reference import Exact, Sampling
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


# --------------------------------------------------------------------------- 13. mlp: a permutation slip


class SortedVariancesMean:
    """Mean propagation through an MLP that hands the next layer its units' variances sorted (a slip
    that loses which variance belongs to which unit, e.g. a sort meant for a report done in place).

    Right whenever a layer's variances are already in order or equal, so only a property that moves
    units around finds it: `symmetry` (permute a hidden layer's units).
    """

    name: ClassVar[str] = "faulty-sorted-variances"
    domains: ClassVar[frozenset[str]] = frozenset({"mlp"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        import numpy as np

        from heurcheck.estimators.mlp import network_arrays, unit_moments

        mu, cov, layers, readout = network_arrays(instance)
        m, v = mu, np.diag(cov)
        for k, (w, b, act) in enumerate(layers):
            pre_v = np.einsum("ij,jk,ik->i", w, cov, w) if k == 0 else (w * w) @ np.sort(v)
            m, v = unit_moments(act, w @ m + b, pre_v)
        return float(readout @ m)


# --------------------------------------------------------------------------- 14. mlp: a relu variance missing a term


class ReluVarianceMissingTerm:
    """Covariance propagation through an MLP whose relu variance forgets the m s phi(m/s) term of
    E relu(z)^2 = (m^2 + s^2) Phi(m/s) + m s phi(m/s) (right whenever the pre-activation mean m is 0,
    as in the unbiased research networks).

    Only a later layer that reads the variance shows it: `exactness` (a one-unit relu layer before a
    square layer, whose truth is a one-dimensional integral, asked with order:2).
    """

    name: ClassVar[str] = "faulty-relu-variance"
    domains: ClassVar[frozenset[str]] = frozenset({"mlp"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        import numpy as np

        from heurcheck.errors import OutsideDomain
        from heurcheck.estimators.mlp import _phi, network_arrays, post_activation

        if any(getattr(atom, "order", 2) > 2 for atom in arguments):
            raise OutsideDomain("order 2 at most")
        m, cov, layers, readout = network_arrays(instance)
        for w, b, act in layers:
            pre_m, pre_cov = w @ m + b, w @ cov @ w.T
            m, cov = post_activation(act, pre_m, pre_cov)
            if act == "relu":
                s = np.sqrt(np.maximum(np.diag(pre_cov), 0.0))
                forgotten = np.where(s > 0, pre_m * s * _phi(pre_m / np.where(s > 0, s, 1.0)), 0.0)
                cov = cov - np.diag(forgotten)
        return float(readout @ m)


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
    "AbsConstMean", "AbsScaleMean", "BiasedSampling", "ClampedCumulant", "ColumnsFromRows", "DeepNegation",
    "DeepSignCumulant", "EvenOrderOffByOne", "FirstAtomOnly", "FirstKeepOnly", "FirstOrderWins", "ForgetsReveals",
    "MeanFieldPermanent", "OddInvertedRow", "OffByOneCumulant", "RevealCountsAsOrder", "RowOverNormalised",
    "SecondMomentStderr", "SlightlyUnderstatedSampling", "SqrtRoundTrip", "SquareRaises", "UnderstatedSampling",
    "UnionBoundMean", "gate_depth", "multiplicative_depth",
]


# --------------------------------------------------------------------------- 7. subtle faults (issue 14)


class UnderstatedSampling:
    """Monte Carlo whose reported standard error is 25% too small (the variance divided by n / 0.5625,
    a slip in a variance formula): unbiased, so every relation between expectations still holds on
    average; only `calibration` looks at whether the error bar is honest. Monte Carlo runs on every
    domain, and so does the slip."""

    name: ClassVar[str] = "faulty-understated-stderr"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "boolean", "permanent", "hafnian", "mlp"})
    randomised: ClassVar[bool] = True
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = dict(Sampling.options)
    shrink: ClassVar[float] = 0.75

    def __init__(self, samples: int = 10_000, seed: int = 0) -> None:
        self.inner = Sampling(samples, seed)

    def estimate(self, instance: Any, arguments: Arguments) -> Estimate:
        mc = self.inner.estimate(instance, arguments)
        return Estimate(mc.value, self.shrink * mc.stderr)


class SlightlyUnderstatedSampling(UnderstatedSampling):
    """The same slip at 20%: the stated standard error is 0.8 of the honest one."""

    name: ClassVar[str] = "faulty-understated-stderr-20"
    shrink: ClassVar[float] = 0.8


class SecondMomentStderr:
    """Monte Carlo whose standard error uses the second moment instead of the variance (the - mean^2 term
    of Var = E[Y^2] - E[Y]^2 forgotten): too large whenever the mean is not 0, so its intervals cover
    too often. Unbiased; `calibration` (mean of z^2 below 1) must find it."""

    name: ClassVar[str] = "faulty-second-moment-stderr"
    domains: ClassVar[frozenset[str]] = frozenset({"circuit", "boolean"})
    randomised: ClassVar[bool] = True
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = dict(Sampling.options)

    def __init__(self, samples: int = 10_000, seed: int = 0) -> None:
        self.inner = Sampling(samples, seed)

    def estimate(self, instance: Any, arguments: Arguments) -> Estimate:
        mc = self.inner.estimate(instance, arguments)
        second = mc.stderr**2 + float(mc.value) ** 2 / self.inner.samples  # E[Y^2] / n, as the slip computes it
        return Estimate(mc.value, second**0.5)


class ClampedCumulant:
    """Order-3 cumulant propagation patched to clamp its final output at 0 ("estimates of squares must not
    be negative"): every `sign` case of respect-for-proofs passes, but a proved negative constant is
    estimated as 0 and X <= X + s*s fails when the inner square is estimated negative. The default
    respect-for-proofs (every form) must find it."""

    name: ClassVar[str] = "faulty-clamped-output"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        return max(0.0, float(CumulantPropagation(order=3).estimate(instance, arguments)))


class FirstKeepOnly:
    """Cumulant propagation that honours only the first `keep:` atom it meets in `arguments.atoms` (an
    argument honoured only partly: a `break` after the first match). Which one is first depends on
    how the set iterates: `set-semantics` must find it."""

    name: ClassVar[str] = "faulty-first-keep"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        keeps = [a for a in arguments.atoms if isinstance(a, KeepCumulant)]
        rest = arguments.without(KeepCumulant)
        return CumulantPropagation(order=1).estimate(instance, rest | keeps[:1])


class OddInvertedRow:
    """perm-row with its normalisation n!/n^n inverted (n^n/n!) only for odd n: right at n = 2 and 4, far
    off at n = 3. Still multilinear in each row; `accuracy` over the 0/1 matrices of order 3 must find it."""

    name: ClassVar[str] = "faulty-odd-inverted-row"
    domains: ClassVar[frozenset[str]] = frozenset({"permanent"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}
    default_arguments: ClassVar[tuple[str, ...]] = ("row-sums",)

    def estimate(self, instance: Matrix, arguments: Arguments) -> Any:
        if RowSums() not in arguments:
            return sum_estimate(instance)
        value = row_estimate(instance)
        n = instance.n
        if n % 2 == 1:
            factor = Fraction(n**n, math.factorial(n))
            value = value * factor * factor  # n!/n^n applied inverted: times (n^n/n!)^2
        return value


def gate_depth(c: Circuit) -> dict[str, int]:
    """The longest number of gates on a path from an input to each wire."""
    depth: dict[str, int] = {i.id: 0 for i in c.inputs}
    for g in c.gates:
        depth[g.id] = 1 + max((depth[a] for a in g.args), default=0)
    return depth


class DeepNegation:
    """The exact value (the `exact` reference) computed after forgetting the sign of a `neg` gate at depth
    >= 4 (an index off by one in a per-layer sign table): exact on every shallow circuit. `exactness` must
    find it."""

    name: ClassVar[str] = "faulty-deep-negation"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        depth = gate_depth(instance)
        gates = tuple(Gate(g.id, "scale", g.args, Fraction(1)) if g.op == "neg" and depth[g.id] >= 4 else g
                      for g in instance.gates)
        fixed = Circuit(instance.inputs, gates, instance.output, instance.joint)
        return Exact().estimate(fixed, arguments)


class EvenOrderOffByOne:
    """Cumulant propagation that keeps cumulants up to K - 1 when asked for an even order K (a truncation off
    by one at some orders only: the loop bound written as K - K % 2 ... for odd-K code). `exactness` at
    K = the degree must find it (degree 2 or 4)."""

    name: ClassVar[str] = "faulty-even-off-by-one"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {
        "order": Option(parse_order, 3, "highest cumulant order kept (minus one when even: the fault)"),
    }

    def __init__(self, order: int | None | str = 3) -> None:
        self.order = parse_order(order)

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        orders = [a.order for a in arguments.of(CumulantOrder)]
        if self.order is None:
            return CumulantPropagation(order="inf").estimate(instance, arguments)
        k = max([self.order, *orders])
        kept = k - 1 if k % 2 == 0 else k
        return estimate_by_propagation(instance, arguments.without(CumulantOrder), max(1, kept))


class AbsConstMean:
    """Mean propagation that reads a `const` gate's value as its absolute value (a dropped sign on constants
    only). The combination form of linearity builds aX + bY with scale gates and never sees it; the
    semantic form writes a scale by -1 as a product with a constant -1: default `linearity` must find it."""

    name: ClassVar[str] = "faulty-abs-const"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        gates = tuple(Gate(g.id, g.op, g.args, abs(g.value)) if g.op == "const" else g for g in instance.gates)
        return MeanPropagation().estimate(Circuit(instance.inputs, gates, instance.output, instance.joint), arguments)


class RevealCountsAsOrder:
    """Cumulant propagation that raises its order by one for every `reveal:` atom in Pi (a counter shared
    between two loops): revealing an input that Y does not use changes the estimate.
    `irrelevant-arguments` must find it."""

    name: ClassVar[str] = "faulty-reveal-counts"
    domains: ClassVar[frozenset[str]] = _CIRCUIT
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Circuit, arguments: Arguments) -> Any:
        reveals = len(arguments.of(RevealInput))
        return estimate_by_propagation(instance, arguments, 1 + reveals)


class ColumnsFromRows:
    """perm-col whose column facts are computed from the rows (a copy-paste slip in the transpose: the
    row-sum estimate returned under `col-sums`). Its estimate is then not invariant under the column
    shuffles that preserve the facts: `unpredictable-errors` (symmetrisation) must find it."""

    name: ClassVar[str] = "faulty-columns-from-rows"
    domains: ClassVar[frozenset[str]] = frozenset({"permanent"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}
    default_arguments: ClassVar[tuple[str, ...]] = ("col-sums",)

    def estimate(self, instance: Matrix, arguments: Arguments) -> Any:
        if ColSums() in arguments:
            return row_estimate(instance)  # the slip: should be col_estimate
        return sum_estimate(instance)
