"""Mean, covariance and order-K cumulant propagation: traceable estimators for circuits.

All three compute the first cumulant of the output. A wire's cumulants are written, through its
gate, in cumulants of earlier wires (a linear gate replaces every copy of the wire at once, a
product one copy at a time through exact intermediate terms, so the expansion is the
Leonov-Shiryaev sum over connected partitions); every joint cumulant of earlier wires of
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
wires still needed later); any other plan runs the cumulant engine on multisets of wires: a demand
pass finds the multisets the output needs, a forward pass evaluates them and frees each after its
last use (see `CumulantEngine`). Everything is generic over the number backend (float, Fraction, sympy, z3).
Sources: Christiano, Neyman, Xu, "Formalizing the presumption of independence" (2022), and the
cumulant propagation of ARC's heuristic-hafnian code.
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from math import comb
from operator import itemgetter
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
    """The order-K cumulant propagation estimate of E[C(x)] given the arguments (the cyclic garbage
    collector paused throughout: see `_cyclic_gc_paused`)."""
    with _cyclic_gc_paused():
        circuit = condition(circuit, revealed_values(arguments))
        circuit = cone(circuit, circuit.output)
        plan = make_plan(circuit, arguments, order)
        if plan.order == 1 and not plan.kept:  # plain arithmetic on the circuit's numbers: no backend needed
            result = mean_forward(circuit, plan.constants)
        elif plan.order == 2 and not plan.kept:
            result = covariance_forward(circuit, plan.constants, _backend(circuit, plan))[0]
        else:
            result = CumulantEngine(circuit, plan, _backend(circuit, plan)).kappa((circuit.wire_index(circuit.output),))
        return _backend(circuit, plan).const(result) if isinstance(result, int) else result


def _backend(circuit: Circuit, plan: Plan) -> _Backend:
    """The number backend of the circuit's parameters and the plan's constants (a walk over the whole
    circuit, so the mean pass, which needs none, asks only for an integer result)."""
    return backend_of(circuit.parameters() + list(plan.constants.values()))


def _input_moments(circuit: Circuit) -> tuple[list[Any], list[Any]]:
    """Means and variances of the inputs (variances ignore correlations)."""
    if circuit.joint is not None:
        return list(circuit.joint.mean), [circuit.joint.cov[i][i] for i in range(len(circuit.inputs))]
    ks = [cumulants(i.dist, 2) for i in circuit.inputs]  # type: ignore[arg-type]
    return [k[1] for k in ks], [k[2] for k in ks]


def mean_forward(circuit: Circuit, constants: Mapping[int, Any]) -> Any:
    """The output's mean under mean propagation (K = 1): one pass over the gates, O(1) work per gate."""
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
        args = [circuit.wire_index(x) for x in g.args]
        s = [slot[i] for i in args]
        m = [mean[i] for i in args]
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
    """Joint cumulants of multisets of wires, by a demand pass and then a forward pass.

    A multiset is a sorted tuple of wire indices. Its cumulant is written through the gate of its
    newest (largest) wire: cumulants are multilinear (add, neg, scale) and products follow
    Leonov-Shiryaev (see `_Demand.expand_product`).

    Why two passes: a depth-first recursion with a memo keeps every multiset it has met alive to
    the end and recurses as deep as the circuit. Here the demand pass walks backwards from the
    requested multiset without computing any value: multisets are expanded in decreasing order of
    (newest wire, copies of it), an order in which every multiset comes after all the ones that ask
    for it, and each gets a recipe (its children and their weights). The forward pass evaluates the
    recipes in the reverse order, children before parents, and frees each value right after its last
    user, which is the parent that discovered it first. Neither pass recurses; a key is held only
    while its newest wire is still to be expanded, a recipe (a few integers) from the demand pass to
    its evaluation, a value from its evaluation to its last use; the work per multiset does not
    depend on how many came before.

    Every value is the same expression, summed in the same order, as in the depth-first recursion
    (the literal connected-partition sum of tests/oracle.py agrees), so results are identical on every
    backend (float, Fraction, sympy, z3). A product term whose first factor is zero is skipped: the
    demand pass knows that only for factors it does not have to evaluate (truncated cumulants,
    constants, inputs); a second factor whose first factor evaluates to zero is computed and then
    left unused.
    """

    def __init__(self, circuit: Circuit, plan: Plan, backend: _Backend) -> None:
        self.c = circuit
        self.plan = plan
        self.n = len(circuit.inputs)
        self.gates = [(g.op, tuple(circuit.wire_index(a) for a in g.args), g.value) for g in circuit.gates]
        self.input_cumulants: dict[int, list[Any]] = {}
        exact_zero = backend.name in ("float", "fraction", "sympy")
        self.is_zero = (lambda v: v == 0) if exact_zero else _is_zero
        self.constants = self._constant_wires()
        self.multisets = 0  # how many multisets the last `kappa` evaluated (reported by the benchmarks)

    def _constant_wires(self) -> dict[int, Any]:
        """Wires with a known value: proved constants first, then point-mass inputs, then const gates."""
        known: dict[int, Any] = {}
        for w, gate in enumerate(self.gates, start=self.n):
            if gate[0] == "const":
                known[w] = gate[2]
        for i, inp in enumerate(self.c.inputs):
            if isinstance(inp.dist, Gaussian) and _is_zero(inp.dist.var):
                known[i] = inp.dist.mean
        known.update(self.plan.constants)
        return known

    def kappa(self, s: tuple[int, ...]) -> Any:
        with _cyclic_gc_paused():
            return self._evaluate(tuple(sorted(s)))

    def _evaluate(self, s: tuple[int, ...]) -> Any:
        """kappa(s): the demand pass, then every recipe evaluated in the reverse order (see `_Demand`
        for their layout), each value dropped after its last user."""
        demand = _Demand(self)
        root = demand.node((s, False, False))
        demand.run()
        self.multisets = len(demand.values) - 1
        values, program, weights, factors = demand.values, demand.program, demand.weights, demand.factors
        discovered, discovered_end = demand.discovered, demand.discovered_end
        is_zero = self.is_zero
        for k in range(len(demand.expanded) - 1, -1, -1):  # the reverse of the demand pass: children first
            at = demand.starts[k]
            op = program[at]
            if op == _PRODUCT:
                total = values[program[at + 1]]
                for term in range(at + 3, at + 3 + 3 * program[at + 2], 3):
                    ka = values[program[term + 1]]
                    if is_zero(ka):
                        continue
                    kb = values[program[term + 2]]
                    if is_zero(kb):
                        continue
                    total = total + weights[program[term]] * ka * kb
            elif op == _ADD:
                total = 0
                for term in range(at + 2, at + 2 + 2 * program[at + 1], 2):
                    value = values[program[term + 1]]
                    if not is_zero(value):
                        total = total + weights[program[term]] * value
            else:  # _LINEAR: factor**copies times the cumulant with every copy replaced
                total = factors[program[at + 1]] * values[program[at + 2]]
            values[demand.expanded[k]] = total
            for j in range(discovered_end[k - 1] if k else 0, discovered_end[k]):  # values whose last user this was
                values[discovered[j]] = None
        return values[root]

    def truncated(self, key: Key) -> bool:
        """True when the cumulant is dropped (order above K, neither kept nor an intermediate term)."""
        s, keep, partial = key
        order = self.plan.order
        if len(s) < 2 or partial or order is None or len(s) <= order:
            return False
        return not (keep or s in self.plan.kept)

    def leaf(self, s: tuple[int, ...]) -> tuple[bool, Any]:
        """(True, value) for a multiset known without expansion: one holding a constant wire, or inputs only."""
        constants = self.constants
        for w in s:
            if w in constants:
                return True, (constants[s[0]] if len(s) == 1 else 0)
        if s[-1] < self.n:
            return True, self._inputs(s)
        return False, None

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


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one propagation, then restore it.

    Why: a run allocates many small objects that live until it ends and form no reference cycles
    (the cumulant engine's keys and recipes, millions of them; the copies of a large circuit that
    conditioning and cutting to the cone make), so the collector finds nothing to free, yet each of
    its full collections walks all of them: it took 40% of a 5,000-gate cumulant run at order 3, a
    share that grows with the run's size, and 10-20% of a 10^5-gate covariance run. Reference
    counting still frees everything as usual. The collector is switched back on only if it was on,
    so a nested or concurrent run never leaves it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


Key = tuple[tuple[int, ...], bool, bool]  # (multiset, keep, partial), see `_Demand`
_TRUNCATED = 0  # the node of every dropped cumulant; its value is the integer 0
_PENDING = object()  # the value of a node not yet evaluated
_PRODUCT, _ADD, _LINEAR = 0, 1, 2  # recipe opcodes in `_Demand.program`


class _Demand:
    """The demand pass of `CumulantEngine`: node ids, leaf values, recipes, and where each value dies.

    A node is one key (multiset, keep, partial): `keep` marks a cross cumulant needed by a kept
    one (never dropped), `partial` a term that still holds copies of the wire being expanded (an
    intermediate term of a product, never dropped either).

    Recipes are written as integers into one flat array, `program`, because a run can hold millions
    of them until the forward pass: node k of the expansion order starts at `starts[k]` with
        _PRODUCT, first, t, then t triples (weight, first factor, second factor)
        _ADD, t, then t pairs (coefficient, term)
        _LINEAR, index of factor**copies in `factors`, child
    where weights and coefficients are indices into `weights` (binomial coefficients, a few distinct
    values, of any size: a product of high degree needs more than 64 bits). A node's value dies
    after the parent that discovered it: `discovered[discovered_end[k - 1]:discovered_end[k]]` are
    the nodes discovered while expanding node k.
    """

    def __init__(self, engine: CumulantEngine) -> None:
        self.engine = engine
        self.ids: dict[Key, int] = {}  # only keys whose newest wire may still be asked for (see `run`)
        self.created: dict[int, list[Key]] = {}  # newest wire -> the keys in `ids` with that newest wire
        self.values: list[Any] = [0]  # by node id; node 0 is _TRUNCATED
        self.queued: dict[int, dict[int, list[Key]]] = {}  # newest wire -> copies of it -> keys to expand
        # node ids and indices fit in 32 bits (2^31 multisets would not fit in memory); positions in
        # `program` and `discovered` get 64
        self.expanded = array("i")  # node ids in the order they were expanded
        self.starts = array("q")  # where each expanded node's recipe starts in `program`
        self.program = array("i")
        self.weights: list[int] = []
        self.weight_index: dict[int, int] = {}
        self.split_cache: dict[tuple[int, ...], tuple[tuple[Getter, Getter, int], ...]] = {}
        self.factors: list[Any] = []
        self.discovered = array("i")
        self.discovered_end = array("q")

    def node(self, key: Key) -> int:
        """The node of `key`, created the first time: a leaf with its value, or queued for expansion."""
        found = self.ids.get(key)
        if found is not None:
            return found
        engine = self.engine
        s = key[0]
        self.created.setdefault(s[-1], []).append(key)
        if engine.truncated(key):
            self.ids[key] = _TRUNCATED
            return _TRUNCATED
        node = len(self.values)
        self.ids[key] = node
        is_leaf, value = engine.leaf(s)
        if is_leaf:
            self.values.append(value)
        else:
            self.values.append(_PENDING)
            self.queued.setdefault(s[-1], {}).setdefault(s.count(s[-1]), []).append(key)
        self.discovered.append(node)
        return node

    def weight(self, value: int) -> int:
        """The index of an integer weight in `weights`, added the first time."""
        index = self.weight_index.get(value)
        if index is None:
            index = self.weight_index[value] = len(self.weights)
            self.weights.append(value)
        return index

    def splits(self, rest: tuple[int, ...]) -> tuple[tuple[Getter, Getter, int], ...]:
        """`_split_getters` for the sorted multiset `rest`, with each weight as its index in `weights`."""
        runs = _runs(rest)
        found = self.split_cache.get(runs)
        if found is None:
            found = tuple((left, right, self.weight(w)) for left, right, w in _split_getters(runs))
            self.split_cache[runs] = found
        return found

    def known_zero(self, node: int) -> bool:
        """True when the node's value is known before the forward pass (truncated or a leaf) and is zero."""
        value = self.values[node]
        return value is not _PENDING and self.engine.is_zero(value)

    def run(self) -> None:
        """Expand every queued node, newest wire first and, for one wire, most copies first (a product
        expands one copy, so its intermediate terms have fewer).

        A child's newest wire is never newer than its parent's, so once wire w is done no key with
        newest wire w can be asked for again: those keys leave `ids`, which holds only the keys of
        the wires still ahead that have been asked for, not every key met."""
        engine = self.engine
        del self.discovered[:]  # the requested node has no parent: its value is kept
        for w in range(engine.n + len(engine.gates) - 1, engine.n - 1, -1):
            by_copies = self.queued.get(w)  # kept in place: expanding a product queues its partial terms here
            while by_copies:
                for key in by_copies.pop(max(by_copies)):
                    self.expanded.append(self.ids[key])
                    self.starts.append(len(self.program))
                    self.expand(key)
                    self.discovered_end.append(len(self.discovered))
            self.queued.pop(w, None)
            for key in self.created.pop(w, ()):
                del self.ids[key]
        self.ids.clear()  # multisets of inputs only, never expanded
        self.created.clear()

    def expand(self, key: Key) -> None:
        """Write the recipe of kappa(s) through the gate of its newest wire w: linear gates replace every
        copy of w at once; see `expand_product` for products."""
        s, keep, _ = key
        engine = self.engine
        keep = len(s) > 1 and (keep or s in engine.plan.kept)
        w = s[-1]
        op, args, value = engine.gates[w - engine.n]
        if op == "mul":
            self.expand_product(s, keep, args)
            return
        r = s.count(w)
        rest = s[:-r]
        if op != "add":
            factor = -1 if op == "neg" else value
            self.factors.append(factor**r)
            child = self.node((tuple(sorted(rest + (args[0],) * r)), keep, False))
            self.program.extend((_LINEAR, len(self.factors) - 1, child))
            return
        terms: list[int] = []
        for j in range(r + 1):
            child = self.node((tuple(sorted(rest + (args[0],) * j + (args[1],) * (r - j))), keep, False))
            if not self.known_zero(child):
                terms += (self.weight(comb(r, j)), child)
        self.program.extend((_ADD, len(terms) // 2))
        self.program.extend(terms)

    def expand_product(self, s: tuple[int, ...], keep: bool, args: tuple[int, ...]) -> None:
        """A product w = ab expands one copy of w by the exact identity
            kappa(R, ab) = kappa(R, a, b) + sum over sub-multisets T of R of kappa(T, a) kappa(R - T, b);
        terms still holding copies of w are intermediate (expanded again, never truncated), so the
        result is the Leonov-Shiryaev sum over connected partitions, with every cumulant of earlier
        wires above order K dropped."""
        w = s[-1]
        a, b = args
        rest = s[:-1]
        ids = self.ids
        wires = rest + (a, b)  # the split getters pick T + (a,) and (R - T) + (b,) out of this

        def child(t: tuple[int, ...]) -> int:
            key = (t, keep and len(t) > 1, w in t)
            found = ids.get(key)
            return self.node(key) if found is None else found

        first = child(tuple(sorted(wires)))
        terms: list[int] = []
        for take_left, take_right, weight in self.splits(rest):
            ka = child(tuple(sorted(take_left(wires))) if take_left else (a,))
            if self.known_zero(ka):
                continue
            kb = child(tuple(sorted(take_right(wires))) if take_right else (b,))
            if self.known_zero(kb):
                continue
            terms += (weight, ka, kb)
        self.program.extend((_PRODUCT, first, len(terms) // 3))
        self.program.extend(terms)


def _runs(rest: tuple[int, ...]) -> tuple[int, ...]:
    """The run lengths of a sorted tuple: how many copies of each distinct wire, in order."""
    runs = [1] if rest else []
    for previous, x in zip(rest, rest[1:]):
        if x == previous:
            runs[-1] += 1
        else:
            runs.append(1)
    return tuple(runs)


Getter = Callable[[tuple[int, ...]], tuple[int, ...]] | None


@lru_cache(maxsize=None)
def _split_getters(runs: tuple[int, ...]) -> tuple[tuple[Getter, Getter, int], ...]:
    """Every split of a sorted multiset R with these run lengths into T and R - T, in the order of
    `itertools.product` over how many copies of each distinct wire go to T (the summation order).

    Each split is (getter of T + (a,), getter of (R - T) + (b,), number of ways), the getters reading
    R + (a, b); None stands for (a,) or (b,) alone (an itemgetter of one position returns no tuple)."""
    starts = [sum(runs[:k]) for k in range(len(runs))]
    at_a, at_b = sum(runs), sum(runs) + 1
    out = []
    for picks in product(*[range(c + 1) for c in runs]):
        left = [i for start, j in zip(starts, picks) for i in range(start, start + j)]
        right = [i for start, c, j in zip(starts, runs, picks) for i in range(start + j, start + c)]
        weight = 1
        for c, j in zip(runs, picks):
            weight *= comb(c, j)
        out.append((itemgetter(*left, at_a) if left else None, itemgetter(*right, at_b) if right else None, weight))
    return tuple(out)


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

        return propagate(boolean.to_circuit(instance), boolean.arguments_as_circuit(arguments), order)
    if domain in ("hafnian", "permanent"):
        from .hafnian import product_tree_cumulants

        return product_tree_cumulants(instance, order, imputation=False)
    raise UnsupportedDomain(f"propagation estimators do not handle the {domain!r} domain")


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
