"""The baseline of the hafnian propagation benchmark: the product-tree engine as it was before issue 18.

Kept verbatim apart from its imports (and its imputation, whose shared helpers it takes from
`heurcheck.estimators.hafnian`) so that `bench_hafnian.py` can time the current engine against it
in the same run: a memoised recursion over sorted tuples of nodes that enumerates every set
partition of a cumulant's elements (pruning only blocks of more than K nodes and leaf-only blocks
other than pairs) and keeps those that connect the pairs. Not used by the library.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

from heurcheck.domains.permanent import Covariance, Matrix, Tree, permanent_as_hafnian
from heurcheck.estimators.hafnian import bilinear_pinv
from heurcheck.numbers import _Backend, backend_of


def previous_product_tree_cumulants(instance: Covariance | Matrix, order: int | None = None, imputation: bool = False) -> Any:
    """The estimate of E[Z_1...Z_n] = kappa(root) by cumulant propagation on the product tree.

    `order`: the largest cumulant order K kept (None: every order, exact); `imputation`: fill each
    dropped cross cumulant by the least-squares prediction above. A permanent instance is read as
    the hafnian of [[0, A], [A^T, 0]] (balanced tree).
    """
    if isinstance(instance, Matrix):
        instance = permanent_as_hafnian(instance)
    if order is not None and order < 1:
        raise ValueError(f"order={order!r}: expected a positive integer or None")
    propagation = _Propagation.build(instance, order, imputation)
    return propagation.kappa((propagation.root,))


@dataclass
class _Propagation:
    """Tree nodes are ints: leaves 0..n-1, internal nodes n, n+1, ... in post-order (the root last)."""

    sigma: tuple[tuple[Any, ...], ...]
    root: int
    children: dict[int, tuple[int, int]]
    height: dict[int, int]
    side: dict[int, int]  # 0 in the root's left subtree, 1 in its right; the root has none
    order: int | None
    imputation: bool
    backend: _Backend
    memo: dict[tuple[int, ...], Any]

    @classmethod
    def build(cls, instance: Covariance, order: int | None, imputation: bool) -> _Propagation:
        n = instance.n
        children: dict[int, tuple[int, int]] = {}
        height: dict[int, int] = {}

        def walk(t: Tree) -> int:
            if isinstance(t, int):
                height[t] = 0
                return t
            left, right = walk(t[0]), walk(t[1])
            node = n + len(children)
            children[node] = (left, right)
            height[node] = 1 + max(height[left], height[right])
            return node

        root = walk(instance.product_tree)
        side: dict[int, int] = {}
        if root in children:
            for s, top in enumerate(children[root]):
                stack = [top]
                while stack:
                    v = stack.pop()
                    side[v] = s
                    stack.extend(children.get(v, ()))
        backend = backend_of(instance.parameters())
        return cls(instance.matrix, root, children, height, side, order, imputation, backend, {})

    def kappa(self, nodes: tuple[int, ...]) -> Any:
        nodes = tuple(sorted(nodes))
        value = self.memo.get(nodes)
        if value is None:
            value = self._kappa(nodes)
            self.memo[nodes] = value
        return value

    def _leaves_only(self, nodes: tuple[int, ...]) -> bool:
        return all(v not in self.children for v in nodes)

    def zero_by_structure(self, nodes: tuple[int, ...]) -> bool:
        """True when kappa(nodes) is 0 whatever Sigma is (lets the partition sum skip it)."""
        leaves = self._leaves_only(nodes)
        if leaves and len(nodes) != 2:
            return True
        if self.order is None or len(nodes) <= self.order:
            return False
        if not self.imputation or leaves:
            return True
        left = sum(1 for v in nodes if self.side.get(v) == 0)
        right = sum(1 for v in nodes if self.side.get(v) == 1)
        return left <= 1 or right <= 1

    def _kappa(self, nodes: tuple[int, ...]) -> Any:
        if self.zero_by_structure(nodes):
            return self.backend.const(0)
        if self._leaves_only(nodes):
            return self.sigma[nodes[0]][nodes[1]]
        if self.order is not None and len(nodes) > self.order:
            return self._impute(nodes)
        return self._expand(nodes)

    def _expand(self, nodes: tuple[int, ...]) -> Any:
        h = max(self.height[v] for v in nodes)
        top = [v for v in nodes if self.height[v] == h]
        elements = [c for v in top for c in self.children[v]] + [v for v in nodes if self.height[v] < h]
        pairs = [(1 << 2 * k) | (1 << 2 * k + 1) for k in range(len(top))]
        total = self.backend.const(0)
        for partition in self._partitions(elements, (1 << len(elements)) - 1):
            if not _connected(partition, pairs):
                continue
            term = None
            for block in partition:
                k = self.kappa(tuple(elements[i] for i in range(len(elements)) if block >> i & 1))
                term = k if term is None else term * k
            total = total + term
        return total

    def _partitions(self, elements: list[int], remaining: int) -> Any:
        """Set partitions (as lists of bitmasks) of `remaining` whose blocks are not structurally zero."""
        if not remaining:
            yield []
            return
        first = remaining & -remaining
        rest = [1 << i for i in range(len(elements)) if remaining >> i & 1 and (1 << i) != first]
        for size in range(len(rest) + 1):
            for extra in combinations(rest, size):
                block = first | sum(extra)
                if self.zero_by_structure(tuple(sorted(elements[i] for i in range(len(elements)) if block >> i & 1))):
                    continue
                for tail in self._partitions(elements, remaining & ~block):
                    yield [block, *tail]

    def _impute(self, nodes: tuple[int, ...]) -> Any:
        h = max(self.height[v] for v in nodes)
        left_part = tuple(v for v in nodes if self.side.get(v) == 0)
        right_part = tuple(v for v in nodes if self.side.get(v) == 1)
        lefts = [v for v, s in self.side.items() if s == 0 and self.height[v] <= h]
        rights = [v for v, s in self.side.items() if s == 1 and self.height[v] <= h]
        c = [[self.kappa((l, r)) for r in rights] for l in lefts]
        a = [self.kappa(left_part + (r,)) for r in rights]
        b = [self.kappa((l,) + right_part) for l in lefts]
        return bilinear_pinv(a, c, b, self.backend)


def _connected(partition: list[int], pairs: list[int]) -> bool:
    """Whether the blocks joined with the pairs form one component."""
    groups = partition + pairs
    component = groups[0]
    grown = True
    while grown:
        grown = False
        for g in groups:
            if g & component and g & ~component:
                component |= g
                grown = True
    return all(not (g & ~component) for g in groups)
