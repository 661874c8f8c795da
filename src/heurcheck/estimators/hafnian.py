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
regressor, so it stays 0. Leaf-only cumulants are never imputed nor dropped: with imputation
the inputs' covariances Sigma_ij are kept whatever K, as in ARC's code (which is the definition
followed here), so at K = 1 the propagation still returns Sigma_01 = haf(Sigma) for n = 2,
where plain truncation returns 0. Each a_r, b_l and C entry
has fewer nodes than V and largest height <= h, so the recursion ends. With K = None, or K at
least the size of every cumulant reached, nothing is dropped and imputation changes nothing.

Plain truncation is generic arithmetic (traceable). Imputation needs the pseudo-inverse: numpy's
for floats, an exact full-rank factorisation for Fractions (and sympy numbers); it branches on
which pivots vanish, so it does not trace symbolic parameters.

Speed: structural zeros (a set covering an odd number of leaves) are skipped before any work, and
each partition
sum is a dynamic programme over the elements left to place (see `_Propagation`). The engine before
these changes is kept as the baseline of `benchmarks/bench_hafnian.py`.

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
    """Tree nodes are ints: leaves 0..n-1, internal nodes n, n+1, ... in post-order (the root last).

    A set of nodes (always an antichain: an expansion replaces a node by its two children) is keyed
    by its bitmask. One test finds cumulants that vanish whatever the arithmetic, before any work:
    - parity: a node is the product of its leaves, and every joint moment of an odd number of
      centred Gaussians vanishes, so kappa(V) = 0 when V covers an odd number of leaves. The
      propagated values keep this (each term of the partition sum has a block with an odd number
      of leaves; an imputed a^T C^+ b pairs a's odd entries with b's even ones through a C that
      only links nodes of equal parity), so it is exact at every order, with or without imputation.
    Independence (blocks of Sigma with no entry between them) is not such a test: a true cumulant over
    independent groups vanishes, but the truncated values propagated at finite K need not (Sigma with
    blocks {0, 1}, {2..5} on the tree ((0,1),2),((3,4),5): propagation at K = 3 gives 3, and skipping those
    sets gave 1; see the tests).
    """

    sigma: tuple[tuple[Any, ...], ...]
    root: int
    children: dict[int, tuple[int, int]]
    height: list[int]
    side: dict[int, int]  # 0 in the root's left subtree, 1 in its right; the root has none
    odd: list[bool]  # covers an odd number of leaves
    order: int | None
    imputation: bool
    backend: _Backend
    memo: dict[int, Any]
    pinv_cache: dict[int, Any]  # by height: C (exact numbers) or C^+ (floats)

    @classmethod
    def build(cls, instance: Covariance, order: int | None, imputation: bool) -> _Propagation:
        n = instance.n
        children: dict[int, tuple[int, int]] = {}
        height: list[int] = [0] * n
        leaves: list[list[int]] = [[i] for i in range(n)]

        def walk(t: Tree) -> int:
            if isinstance(t, int):
                return t
            left, right = walk(t[0]), walk(t[1])
            node = n + len(children)
            children[node] = (left, right)
            height.append(1 + max(height[left], height[right]))
            leaves.append(leaves[left] + leaves[right])
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
        odd = [len(ls) % 2 == 1 for ls in leaves]
        return cls(instance.matrix, root, children, height, side, odd, order, imputation, backend, {}, {})

    def kappa(self, nodes: tuple[int, ...]) -> Any:
        key = 0
        for v in nodes:
            key |= 1 << v
        value = self.memo.get(key)
        if value is None:
            value = self._kappa(tuple(sorted(nodes)))
            self.memo[key] = value
        return value

    def zero_by_structure(self, nodes: tuple[int, ...]) -> bool:
        """True when kappa(nodes) is 0 whatever Sigma is (lets the partition sum skip it)."""
        if sum(self.odd[v] for v in nodes) % 2:
            return True
        children = self.children
        leaves = all(v not in children for v in nodes)
        if leaves:
            if len(nodes) != 2:
                return True
            # imputation keeps the inputs' covariances whatever K (ARC's definition); plain truncation drops them above K
            return not self.imputation and self.order is not None and self.order < 2
        if self.order is not None and len(nodes) > self.order:
            if not self.imputation:
                return True
            left = sum(1 for v in nodes if self.side.get(v) == 0)
            return left <= 1 or len(nodes) - left <= 1
        return False

    def _kappa(self, nodes: tuple[int, ...]) -> Any:
        if self.zero_by_structure(nodes):
            return self.backend.const(0)
        if all(v not in self.children for v in nodes):
            return self.sigma[nodes[0]][nodes[1]]
        if self.order is not None and len(nodes) > self.order:
            return self._impute(nodes)
        return self._expand(nodes)

    def _expand(self, nodes: tuple[int, ...]) -> Any:
        """The sum over set partitions of the elements (the children of the highest nodes, the other
        nodes as they are) that connect every pair of children, of the product of the blocks' cumulants.

        Summed by a dynamic programme over (elements left, groups joined so far): the block holding the
        first element left is chosen, its cumulant multiplies the sum over the rest. A group is a pair
        of children or a lone node; a component of joined groups whose elements are all placed can no
        longer join the others, so such a state is dropped unless it is the last.
        """
        h = max(self.height[v] for v in nodes)
        elements: list[int] = []
        spans: list[int] = []  # for each element, the bitmask of the elements of its group (its pair, or itself)
        for v in nodes:
            here = self.children[v] if self.height[v] == h else (v,)
            span = ((1 << len(here)) - 1) << len(elements)
            elements += here
            spans += [span] * len(here)
        m = len(elements)
        limit = m if self.imputation or self.order is None else self.order
        skip_zero = self.backend.name in ("float", "fraction")
        odd = [self.odd[e] for e in elements]
        # the blocks with a nonzero cumulant, by their first element: (block, its groups' elements, value)
        by_first: list[list[tuple[int, int, Any]]] = [[] for _ in range(m)]
        for size in range(1, limit + 1):
            for members in combinations(range(m), size):
                if sum(odd[i] for i in members) % 2:
                    continue  # an odd number of leaves (the cheap half of `zero_by_structure`, first)
                nodes_in = tuple(elements[i] for i in members)
                if self.zero_by_structure(nodes_in):
                    continue
                value = self.kappa(nodes_in)
                if skip_zero and value == 0:
                    continue
                block = span = 0
                for i in members:
                    block |= 1 << i
                    span |= spans[i]
                by_first[members[0]].append((block, span, value))
        one = self.backend.const(1)
        sums: dict[tuple[int, tuple[int, ...]], Any] = {}

        def rest(remaining: int, components: tuple[int, ...]) -> Any:
            """The sum over partitions of `remaining` that join `components` (disjoint sets of placed
            groups, as bitmasks of their elements) into one; None if there is none."""
            if not remaining:
                return one if len(components) == 1 else None
            state = (remaining, components)
            if state in sums:
                return sums[state]
            total = None
            for block, span, value in by_first[(remaining & -remaining).bit_length() - 1]:
                if block & ~remaining:
                    continue
                joined = span
                kept = []
                for c in components:
                    if c & span:
                        joined |= c
                    else:
                        kept.append(c)
                left = remaining & ~block
                if not joined & left and (left or kept):
                    continue  # a finished component that the other groups can no longer reach
                kept.append(joined)
                tail = rest(left, tuple(sorted(kept)))
                if tail is not None:
                    term = value * tail
                    total = term if total is None else total + term
            sums[state] = total
            return total

        total = rest((1 << m) - 1, ())
        return self.backend.const(0) if total is None else total

    def _impute(self, nodes: tuple[int, ...]) -> Any:
        h = max(self.height[v] for v in nodes)
        left_part = tuple(v for v in nodes if self.side.get(v) == 0)
        right_part = tuple(v for v in nodes if self.side.get(v) == 1)
        lefts = [v for v, s in self.side.items() if s == 0 and self.height[v] <= h]
        rights = [v for v, s in self.side.items() if s == 1 and self.height[v] <= h]
        c: Any = self.pinv_cache.get(h)  # C and, for floats, its pseudo-inverse: one per height, as in ARC's code
        if c is None:
            c = [[self.kappa((l, r)) for r in rights] for l in lefts]
            if self.backend.name == "float":
                c = np.linalg.pinv(np.asarray(c, dtype=float)) if c and c[0] else None
            self.pinv_cache[h] = c
        # an entry whose set covers an odd number of leaves is 0 (see the class docstring): not asked for
        odd_left, odd_right = sum(self.odd[v] for v in left_part) % 2, sum(self.odd[v] for v in right_part) % 2
        zero = self.backend.const(0)
        a = [self.kappa(left_part + (r,)) if self.odd[r] == odd_left else zero for r in rights]
        b = [self.kappa((l,) + right_part) if self.odd[l] == odd_right else zero for l in lefts]
        if self.backend.name == "float":
            return zero if c is None else float(np.asarray(a, dtype=float) @ c @ np.asarray(b, dtype=float))
        return bilinear_pinv(a, c, b, self.backend)


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
