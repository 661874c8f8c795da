"""Cumulant propagation on the product tree of a hafnian, optionally with least-squares imputation.

The tree multiplies Z_1..Z_n (Z ~ N(0, Sigma)) pairwise up to the root, whose mean is haf(Sigma).
Joint cumulants kappa(V) of sets V of tree nodes are computed on demand and memoised:

- V of leaves only: Sigma_ij for V = {i, j}, else 0 (a centred Gaussian has no other cumulants).
- Otherwise the nodes of V at the largest height h are products L*R and are all expanded at once
  by the Leonov-Shiryaev formula: kappa(V) = sum over set partitions pi of their children and
  the other nodes of V such that pi, joined with the pairs {L, R}, connects everything, of
  prod_{B in pi} kappa(B). Every block has smaller largest height, so the recursion ends.
- Truncation at order K: kappa(V) = 0 for |V| > K (leaf covariances included, so K = 1 gives 0
  for every product of n >= 2 variables). K = None keeps everything and is exact.

Imputation (the idea of ARC's heuristic-hafnian `cumulant_propagation_with_imputation`,
re-derived here). A dropped kappa(V) (|V| > K, some node of V not a leaf) splits V into V_L and
V_R, its nodes in the root's left and right subtrees. Read the cumulants as a matrix
M[X, Y] = kappa(X u Y), X a set of left nodes, Y a set of right nodes; the singletons give
C = [kappa(l, r)] over all left nodes l and right nodes r of height <= h. Regress the column
M[., V_R] on the singleton columns by least squares on the singleton rows,
w = argmin ||C w - b||, b_l = kappa(l u V_R), minimum-norm solution w = C^+ b, and predict
the missing entry from row V_L, a_r = kappa(V_L u r):

    kappa(V) ~ a^T C^+ b = sum_{r, l} kappa(V_L u r) [C^+]_{r l} kappa(l u V_R)

(a Nystrom / CUR completion: exact when the left and right halves interact only through a
linear channel spanned by single nodes). If |V_L| <= 1 or |V_R| <= 1 the entry is itself a
regressor, so it stays 0; leaf-only cumulants are never imputed. Each a_r, b_l and C entry
has fewer nodes than V and largest height <= h, so the recursion ends. With K = None, or K at
least the size of every cumulant reached, nothing is dropped and imputation changes nothing.

Plain truncation is generic arithmetic (traceable). Imputation needs the pseudo-inverse: numpy's
for floats, an exact full-rank factorisation for Fractions (and sympy numbers); it branches on
which pivots vanish, so it does not trace symbolic parameters.

Note: this expands all nodes of the largest height at once, as on a product tree (ARC's scheme);
the circuit engine of `propagation.py` expands one wire at a time (all its copies), which drops
different cross terms at the same finite K. The `mean`, `covariance` and `cumulant` estimators
use this product-tree scheme on hafnian and permanent instances.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from ..domains.permanent import Covariance, Matrix, Tree, permanent_as_hafnian
from ..numbers import _Backend, backend_of


def product_tree_cumulants(instance: Covariance | Matrix, order: int | None = None, imputation: bool = False) -> Any:
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


def bilinear_pinv(a: list[Any], c: list[list[Any]], b: list[Any], backend: _Backend) -> Any:
    """a^T C^+ b with C^+ the Moore-Penrose pseudo-inverse of the len(b) x len(a) matrix C.

    Floats use numpy; exact values use C = F G (F: C's pivot columns, G: the nonzero rows of its
    reduced row echelon form), C^+ = G^T (G G^T)^-1 (F^T F)^-1 F^T.
    """
    if not a or not b:
        return backend.const(0)
    if backend.name == "float":
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return float(x @ np.linalg.pinv(np.asarray(c, dtype=float)) @ y)
    if backend.name == "z3" or any(getattr(v, "free_symbols", None) for row in c for v in row):
        raise TypeError("cumulant imputation needs concrete parameters: the pseudo-inverse branches on zero pivots")
    zero = backend.const(0)
    reduced, pivots = _rref(c, zero)
    if not pivots:
        return zero
    g = reduced[: len(pivots)]
    f = [[row[j] for j in pivots] for row in c]
    f_columns = [[row[k] for row in f] for k in range(len(pivots))]
    u = [_dot(g_row, a, zero) for g_row in g]  # G a
    v = [_dot(column, b, zero) for column in f_columns]  # F^T b
    ggt = [[_dot(x, y, zero) for y in g] for x in g]
    ftf = [[_dot(x, y, zero) for y in f_columns] for x in f_columns]
    return _dot(_solve(ggt, u, zero), _solve(ftf, v, zero), zero)


def _dot(x: list[Any], y: list[Any], zero: Any) -> Any:
    total = zero
    for p, q in zip(x, y):
        total = total + p * q
    return total


def _rref(m: list[list[Any]], zero: Any) -> tuple[list[list[Any]], list[int]]:
    """Reduced row echelon form (exact arithmetic) and the pivot columns."""
    rows = [list(r) for r in m]
    pivots: list[int] = []
    top = 0
    for j in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(top, len(rows)) if rows[i][j] != 0), None)
        if pivot is None:
            continue
        rows[top], rows[pivot] = rows[pivot], rows[top]
        p = rows[top][j]
        rows[top] = [x / p for x in rows[top]]
        for i in range(len(rows)):
            if i != top and rows[i][j] != 0:
                f = rows[i][j]
                rows[i] = [x - f * y for x, y in zip(rows[i], rows[top])]
        pivots.append(j)
        top += 1
        if top == len(rows):
            break
    return rows, pivots


def _solve(m: list[list[Any]], rhs: list[Any], zero: Any) -> list[Any]:
    """x with m x = rhs for an invertible m (exact Gauss-Jordan)."""
    augmented = [list(r) + [v] for r, v in zip(m, rhs)]
    reduced, _ = _rref(augmented, zero)
    return [row[-1] for row in reduced]
