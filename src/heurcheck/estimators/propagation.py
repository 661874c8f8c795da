"""Mean, covariance and order-K cumulant propagation: traceable estimators for circuits.

All three compute the first cumulant of the output. A wire's cumulants are written, through its
gate, in cumulants of earlier wires (all copies of the wire expanded at once, so the expansion
is the Leonov-Shiryaev sum over connected partitions); every joint cumulant of earlier wires of
order greater than K is set to zero, except those kept by a `keep:` argument:
- `mean` (K = 1): mu(a+b) = mu_a + mu_b, mu(ab) = mu_a mu_b;
- `covariance` (K = 2, Gaussian closure): for k = ab, mu_k = mu_a mu_b + S_ab,
  S_kk = S_aa S_bb + S_ab^2 + mu_a^2 S_bb + mu_b^2 S_aa + 2 mu_a mu_b S_ab, S_jk = S_ja mu_b + S_jb mu_a;
- `cumulant` (option `order`, "inf" for exact): the Leonov-Shiryaev formula for a product,
  kappa(X_1..X_m, YZ) = kappa(X_1..X_m, Y, Z) + sum over T of kappa(X_T, Y) kappa(X_T^c, Z).

How the arguments steer them: `order:K` raises K (the largest order in Pi wins); `keep:w1,w2,..`
keeps that joint cumulant and every cross cumulant (order >= 2) its propagation needs, while
means still follow the order-K rule, so it defeats the presumption of independence between
exactly those wires; `reveal:x=v` conditions the input law on x = v (a point mass,
and the Schur complement for a joint Gaussian law); `equal:w=v` (a checked proof) makes wire w
the constant v. `nonneg:` proofs are not used: truncated propagation can then estimate a
certified square as negative, which the respect-for-proofs property is there to find.

Mean and covariance have forward passes that cost O(live wires) per gate (numpy rows over the
wires still needed later); any other plan runs the demand-driven cumulant engine, memoised on
multisets of wires. Everything is generic over the number backend (float, Fraction, sympy, z3).
Sources: Christiano, Neyman, Xu, "Formalizing the presumption of independence" (2022), and the
cumulant propagation of ARC's heuristic-hafnian code.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from collections import Counter
from itertools import product
from math import comb
from typing import Any, ClassVar

from ..arguments import Arguments
from ..domains.circuit import (
    Circuit,
    CumulantOrder,
    Gaussian,
    KeepCumulant,
    ProvedEqual,
    _is_zero,
    condition,
    cone,
    cumulants,
    liveness,
    revealed_values,
)
from ..errors import InvalidOption, UnsupportedDomain
from ..numbers import _Backend, backend_of
from .base import Option


@dataclass(frozen=True)
class Plan:
    """What a propagation run keeps: the order K (None: every cumulant), extra kept multisets, proved constants."""

    order: int | None
    kept: frozenset[tuple[int, ...]]
    constants: Mapping[int, Any]


def make_plan(circuit: Circuit, arguments: Arguments, base_order: int | None) -> Plan:
    """The plan for `circuit` (already cut to the output's cone): atoms about wires outside it are
    irrelevant to the output and ignored."""
    order = base_order
    for atom in arguments.of(CumulantOrder):
        order = None if order is None else max(order, atom.order)
    kept = frozenset(
        s
        for s in (
            tuple(sorted(circuit.wire_index(w) for w in a.wires))
            for a in arguments.of(KeepCumulant)
            if all(circuit.has_wire(w) for w in a.wires)
        )
        if order is not None and len(s) > order
    )
    constants = {circuit.wire_index(a.wire): a.value for a in arguments.of(ProvedEqual) if circuit.has_wire(a.wire)}
    return Plan(order, kept, constants)


def propagate(circuit: Circuit, arguments: Arguments, order: int | None) -> Any:
    """The order-K cumulant propagation estimate of E[C(x)] given the arguments."""
    circuit = condition(circuit, revealed_values(arguments))
    circuit = cone(circuit, circuit.output)
    plan = make_plan(circuit, arguments, order)
    backend = backend_of(circuit.parameters() + list(plan.constants.values()))
    if plan.order == 1 and not plan.kept:
        result = mean_forward(circuit, plan.constants)
    elif plan.order == 2 and not plan.kept:
        result = covariance_forward(circuit, plan.constants, backend)[0]
    else:
        result = CumulantEngine(circuit, plan, backend).kappa((circuit.wire_index(circuit.output),))
    return backend.const(result) if isinstance(result, int) else result


def _input_moments(circuit: Circuit) -> tuple[list[Any], list[Any]]:
    """Means and variances of the inputs (variances ignore correlations)."""
    if circuit.joint is not None:
        return list(circuit.joint.mean), [circuit.joint.cov[i][i] for i in range(len(circuit.inputs))]
    ks = [cumulants(i.dist, 2) for i in circuit.inputs]  # type: ignore[arg-type]
    return [k[1] for k in ks], [k[2] for k in ks]


def mean_forward(circuit: Circuit, constants: Mapping[int, Any]) -> Any:
    mean, _ = _input_moments(circuit)
    base = len(circuit.inputs)
    for gi, g in enumerate(circuit.gates):
        w = base + gi
        a = [mean[circuit.wire_index(x)] for x in g.args]
        if w in constants:
            mean.append(constants[w])
        elif g.op == "const":
            mean.append(g.value)
        elif g.op == "add":
            mean.append(a[0] + a[1])
        elif g.op == "mul":
            mean.append(a[0] * a[1])
        elif g.op == "neg":
            mean.append(-a[0])
        else:
            mean.append(g.value * a[0])
    return mean[circuit.wire_index(circuit.output)]


def covariance_forward(circuit: Circuit, constants: Mapping[int, Any], backend: _Backend) -> tuple[Any, Any]:
    """(mean, variance) of the output under Gaussian closure, keeping covariances of live wires only."""
    n = len(circuit.inputs)
    mean, var = _input_moments(circuit)
    cap = max(8, 2 * n)
    cov = backend.zeros((cap, cap))
    slot: dict[int, int] = {i: i for i in range(n)}
    free = list(range(cap - 1, n - 1, -1))
    for i in range(n):
        cov[i, i] = var[i]
    if circuit.joint is not None:
        for i in range(n):
            for j in range(n):
                cov[i, j] = circuit.joint.cov[i][j]
    zero_row = backend.zeros(cap)
    freed = liveness(circuit)
    for gi, g in enumerate(circuit.gates):
        w = n + gi
        s = [slot[circuit.wire_index(x)] for x in g.args]
        m = [mean[circuit.wire_index(x)] for x in g.args]
        if w in constants or g.op == "const":
            mu, row, v = constants.get(w, g.value), zero_row, 0
        elif g.op == "add":
            mu, row = m[0] + m[1], cov[s[0]] + cov[s[1]]
            v = cov[s[0], s[0]] + 2 * cov[s[0], s[1]] + cov[s[1], s[1]]
        elif g.op == "neg":
            mu, row, v = -m[0], -cov[s[0]], cov[s[0], s[0]]
        elif g.op == "scale":
            mu, row, v = g.value * m[0], cov[s[0]] * g.value, g.value * g.value * cov[s[0], s[0]]
        else:
            saa, sbb, sab = cov[s[0], s[0]], cov[s[1], s[1]], cov[s[0], s[1]]
            mu = m[0] * m[1] + sab
            row = cov[s[0]] * m[1] + cov[s[1]] * m[0]
            v = saa * sbb + sab * sab + m[0] * m[0] * sbb + m[1] * m[1] * saa + 2 * m[0] * m[1] * sab
        mean.append(mu)
        for dead in freed[gi]:
            free.append(slot.pop(dead))
        if not free:  # grow the frontier matrix
            bigger = backend.zeros((2 * cap, 2 * cap))
            bigger[:cap, :cap] = cov
            row = _pad(row, 2 * cap, backend)
            zero_row = backend.zeros(2 * cap)
            free = list(range(2 * cap - 1, cap - 1, -1))
            cap, cov = 2 * cap, bigger
        k = free.pop()
        cov[k, :] = row
        cov[:, k] = row
        cov[k, k] = v
        slot[w] = k
    out = circuit.wire_index(circuit.output)
    return mean[out], cov[slot[out], slot[out]]


def _pad(row: Any, size: int, backend: _Backend) -> Any:
    out = backend.zeros(size)
    out[: len(row)] = row
    return out


class CumulantEngine:
    """Joint cumulants of multisets of wires, computed on demand and memoised.

    A multiset is a sorted tuple of wire indices. The largest wire is expanded through its gate:
    cumulants are multilinear (add, neg, scale) and products follow Leonov-Shiryaev.
    """

    def __init__(self, circuit: Circuit, plan: Plan, backend: _Backend) -> None:
        self.c = circuit
        self.plan = plan
        self.n = len(circuit.inputs)
        self.gates = [(g.op, tuple(circuit.wire_index(a) for a in g.args), g.value) for g in circuit.gates]
        self.memo: dict[tuple[tuple[int, ...], bool, bool], Any] = {}
        self.input_cumulants: dict[int, list[Any]] = {}
        exact_zero = backend.name in ("float", "fraction", "sympy")
        self.is_zero = (lambda v: v == 0) if exact_zero else _is_zero
        self.point_mass = {
            i: inp.dist.mean
            for i, inp in enumerate(circuit.inputs)
            if isinstance(inp.dist, Gaussian) and _is_zero(inp.dist.var)
        }

    def kappa(self, s: tuple[int, ...]) -> Any:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20 * len(self.gates) + 2000))
        try:
            return self._kappa(s, False)
        finally:
            sys.setrecursionlimit(limit)

    def _constant(self, w: int) -> tuple[bool, Any]:
        if w in self.plan.constants:
            return True, self.plan.constants[w]
        if w in self.point_mass:
            return True, self.point_mass[w]
        if w >= self.n and self.gates[w - self.n][0] == "const":
            return True, self.gates[w - self.n][2]
        return False, None

    def _kappa(self, s: tuple[int, ...], keep: bool, partial: bool = False) -> Any:
        """kappa(s). `keep`: a cross cumulant needed by a kept one, never dropped. `partial`: s still
        holds copies of the wire being expanded, so it is an intermediate term, not a cumulant of
        earlier wires, and is not truncated."""
        key = (s, keep, partial)
        if key in self.memo:
            return self.memo[key]
        order = self.plan.order
        if len(s) > 1 and s in self.plan.kept:
            keep = True
        if len(s) > 1 and not (keep or partial) and order is not None and len(s) > order:
            return 0
        constant = [self._constant(w) for w in s]
        if any(is_c for is_c, _ in constant):
            value = constant[0][1] if len(s) == 1 else 0
        elif s[-1] < self.n:
            value = self._inputs(s)
        else:
            value = self._expand(s, keep and len(s) > 1)
        self.memo[key] = value
        return value

    def _inputs(self, s: tuple[int, ...]) -> Any:
        joint = self.c.joint
        if joint is not None:
            if len(s) == 1:
                return joint.mean[s[0]]
            return joint.cov[s[0]][s[1]] if len(s) == 2 else 0
        if s[0] != s[-1]:
            return 0  # independent inputs have no joint cumulants
        i, m = s[0], len(s)
        known = self.input_cumulants.get(i)
        if known is None or len(known) <= m:
            known = cumulants(self.c.inputs[i].dist, max(m, 4))  # type: ignore[arg-type]
            self.input_cumulants[i] = known
        return known[m]

    def _expand(self, s: tuple[int, ...], keep: bool) -> Any:
        # Write kappa(s) through the gate of its newest wire w. Linear gates expand every copy of w
        # at once. A product w = ab expands one copy by the exact identity
        #   kappa(R, ab) = kappa(R, a, b) + sum over sub-multisets T of R of kappa(T, a) kappa(R - T, b);
        # terms still holding copies of w are intermediate (expanded again, never truncated), so the
        # result is the Leonov-Shiryaev sum over connected partitions, with every cumulant of
        # earlier wires above order K dropped.
        w = s[-1]
        op, args, value = self.gates[w - self.n]
        if op in ("neg", "scale", "add"):
            r = s.count(w)
            rest = s[:-r]
            if op != "add":
                factor = -1 if op == "neg" else value
                return factor**r * self._kappa(tuple(sorted(rest + (args[0],) * r)), keep)
            total: Any = 0
            for j in range(r + 1):
                term = self._kappa(tuple(sorted(rest + (args[0],) * j + (args[1],) * (r - j))), keep)
                if not self.is_zero(term):
                    total = total + comb(r, j) * term
            return total
        a, b = args
        rest = s[:-1]

        def child(t: tuple[int, ...]) -> Any:
            t = tuple(sorted(t))
            return self._kappa(t, keep and len(t) > 1, w in t)

        total = child(rest + (a, b))
        counts = sorted(Counter(rest).items())
        for picks in product(*[range(c + 1) for _, c in counts]):
            left = tuple(x for (x, _), j in zip(counts, picks) for _ in range(j))
            right = tuple(x for (x, c), j in zip(counts, picks) for _ in range(c - j))
            ka = child(left + (a,))
            if self.is_zero(ka):
                continue
            kb = child(right + (b,))
            if self.is_zero(kb):
                continue
            weight = 1
            for (_, c), j in zip(counts, picks):
                weight *= comb(c, j)
            total = total + weight * ka * kb
        return total


# --------------------------------------------------------------------------- other domains


def estimate_by_propagation(instance: Any, arguments: Arguments, order: int | None) -> Any:
    """Order-K propagation on any supported domain: circuits wire by wire, boolean circuits through
    their arithmetisation, hafnians and permanents on their product tree (all nodes of one height
    expanded together, as in ARC's heuristic-hafnian)."""
    domain = instance.domain
    if domain == "circuit":
        return propagate(instance, arguments, order)
    if domain == "boolean":
        from ..domains import boolean

        return propagate(boolean.to_circuit(instance), boolean_arguments_as_circuit(arguments), order)
    if domain in ("hafnian", "permanent"):
        from .hafnian import product_tree_cumulants

        return product_tree_cumulants(instance, order, imputation=False)
    raise UnsupportedDomain(f"propagation estimators do not handle the {domain!r} domain")


def boolean_arguments_as_circuit(arguments: Arguments) -> Arguments:
    """Revealed bits and proved-constant sub-circuits, as the arithmetic circuit's atoms (same wire ids)."""
    from ..domains.boolean import ProvedConstant, RevealBit
    from ..domains.circuit import RevealInput

    atoms: list[Any] = [RevealInput(a.input, a.value) for a in arguments.of(RevealBit)]
    atoms += [ProvedEqual(a.wire, a.value) for a in arguments.of(ProvedConstant)]
    return Arguments(atoms)


def parse_order(value: Any) -> int | None:
    """An order option: a positive integer, or "inf" / "exact" / None for every cumulant."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("inf", "exact", "none")):
        return None
    try:
        order = int(value)
    except (TypeError, ValueError):
        raise InvalidOption(f"option order={value!r}: expected a positive integer or 'inf'") from None
    if order < 1 or order > 64:
        raise InvalidOption(f"option order={value!r}: expected an integer from 1 to 64, or 'inf'")
    return order


_CIRCUITS = frozenset({"circuit", "boolean", "hafnian", "permanent"})


class MeanPropagation:
    """Mean propagation (cumulant order 1): the presumption of independence at every product."""

    name: ClassVar[str] = "mean"
    domains: ClassVar[frozenset[str]] = _CIRCUITS
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        return estimate_by_propagation(instance, arguments, 1)


class CovariancePropagation:
    """Covariance propagation (cumulant order 2, Gaussian closure)."""

    name: ClassVar[str] = "covariance"
    domains: ClassVar[frozenset[str]] = _CIRCUITS
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        return estimate_by_propagation(instance, arguments, 2)


class CumulantPropagation:
    """Order-K cumulant propagation (Leonov-Shiryaev); with `imputation` on hafnians, dropped cross
    cumulants are filled by a least-squares prediction from kept ones."""

    name: ClassVar[str] = "cumulant"
    domains: ClassVar[frozenset[str]] = _CIRCUITS
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = True
    options: ClassVar[dict[str, Option]] = {
        "order": Option(parse_order, 3, "highest cumulant order kept ('inf': every cumulant, exact)"),
        "imputation": Option(bool, False, "hafnian only: impute dropped cross cumulants by least squares"),
    }

    def __init__(self, order: int | None | str = 3, imputation: bool = False) -> None:
        self.order = parse_order(order)
        self.imputation = bool(imputation)

    def estimate(self, instance: Any, arguments: Arguments) -> Any:
        if self.imputation:
            if instance.domain != "hafnian":
                raise UnsupportedDomain(
                    f"cumulant imputation applies to hafnian product trees, not to {instance.domain!r} instances"
                )
            from .hafnian import product_tree_cumulants

            return product_tree_cumulants(instance, self.order, imputation=True)
        return estimate_by_propagation(instance, arguments, self.order)
