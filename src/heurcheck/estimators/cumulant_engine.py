"""The cumulant engine behind order-K propagation: joint cumulants of multisets of wires.

A demand pass finds the multisets of wires whose cumulants the output needs under the plan (the
order K and the kept multisets), then a forward pass evaluates them in wire order and frees each
after its last use. Products follow the Leonov-Shiryaev formula one copy of a wire at a time;
every joint cumulant of order above K is truncated to zero unless kept. Generic over the number
backend (float, Fraction, sympy, z3). See `propagation.py` for the estimators built on it.
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
from typing import Any

from ..domains.circuit import Circuit, Gaussian, _is_zero, cumulants
from ..numbers import _Backend


@dataclass(frozen=True)
class Plan:
    """What a propagation run keeps: the order K (None: every cumulant), extra kept multisets, proved constants."""

    order: int | None
    kept: frozenset[tuple[int, ...]]
    constants: Mapping[int, Any]


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
