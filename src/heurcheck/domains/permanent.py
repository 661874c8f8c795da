"""Permanents and hafnians: Y = perm(A), and Y = E[Z_1...Z_n] = haf(Sigma) for Z ~ N(0, Sigma).

JSON forms (numbers are ints, decimals read exactly, or strings "p/q")::

    {"domain": "permanent", "matrix": [[1, "1/2"], [0, -1]]}
    {"domain": "hafnian", "matrix": [[2, 1, 0, 1], [1, 2, 1, 0], [0, 1, 2, 1], [1, 0, 1, 2]],
     "tree": [[0, 1], [2, 3]]}

A permanent matrix is square with 1 <= n <= 30. A hafnian covariance is symmetric (not
necessarily PSD) with 1 <= n <= 60; `tree` is an optional product tree, nested pairs of 0-based
indices using every index once (n = 1: the bare index 0); the default is balanced (first half
left). The product tree only matters to estimators that propagate along it.

Exact truths:
- permanent: Glynn's formula in Gray-code order, O(2^(n-1) n) operations,
  perm(A) = 2^-(n-1) sum over d in {+-1}^n with d_1 = 1 of (prod_k d_k) prod_j sum_i d_i a_ij.
  Rational matrices are scaled row by row to integers; up to n = 14 the Gray-code loop runs on
  Python ints, beyond it a numpy loop computes perm mod several 31-bit primes and recombines
  them (Chinese remainders, with the bound |perm B| <= prod_j sum_i |b_ij|). Float matrices use
  the same numpy loop in floats. Other number types (sympy) run the generic Gray-code loop.
  Ryser's formula (`ryser`) is kept as an independent cross-check. Measured at n = 25: 10 s for a
  0/1 matrix, 30 s for small rationals (more primes). Past n = 25, `TruthTooExpensive`.
- hafnian: dynamic programming over subsets, always pairing the lowest unpaired index,
  haf(S) = sum_{j in S, j != i} Sigma_ij haf(S - {i, j}) with i = min S, memoised on bitmasks:
  at most O(n 2^n) operations instead of (n-1)!! matchings (measured: 0.2 s at n = 24, 2 s at
  n = 28, 25 s at n = 32); 0 for odd n. Past n = 28, `TruthTooExpensive`.

Monte Carlo: for permanents the Glynn (Godsil-Gutman with signs) estimator
X = prod_k x_k prod_i (A x)_i with x uniform in {+-1}^n, unbiased because only bijections survive
the expectation; for hafnians the product Z_1...Z_n of Gaussian samples (Sigma must be PSD).

Argument atoms for permanents are facts the estimator is allowed to use: `row-sums`, `col-sums`,
`total-sum`, `entry-multiset`. They carry no payload and are true of every matrix. Hafnians have
no atoms (the cumulant order is an estimator option).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce
from typing import Any, ClassVar, Union

import numpy as np

from ..errors import InvalidArgument, InvalidInstance, TruthTooExpensive
from ..jsonio import Node, number_to_json
from ..numbers import FRACTION, backend_of
from .base import MonteCarlo
from .circuit import Circuit, Gate, Input, JointGaussian

MAX_PERMANENT_N = 30
MAX_PERMANENT_TRUTH_N = 25
MAX_HAFNIAN_N = 60
MAX_HAFNIAN_TRUTH_N = 28

Rows = Sequence[Sequence[Any]]
Tree = Union[int, tuple["Tree", "Tree"]]


# --------------------------------------------------------------------------- instances


@dataclass(frozen=True)
class Matrix:
    """A square matrix A; the quantity is perm(A)."""

    entries: tuple[tuple[Any, ...], ...]
    domain: ClassVar[str] = "permanent"

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", tuple(tuple(r) for r in self.entries))
        _check_square(self.entries, "entries", MAX_PERMANENT_N)

    @property
    def n(self) -> int:
        return len(self.entries)

    def map_numbers(self, f: Callable[[Any], Any]) -> Matrix:
        """A copy with every entry replaced by f(entry), row by row."""
        return Matrix(tuple(tuple(f(v) for v in row) for row in self.entries))

    def parameters(self) -> list[Any]:
        """The n^2 entries, row by row."""
        return [v for row in self.entries for v in row]


@dataclass(frozen=True)
class Covariance:
    """A symmetric matrix Sigma and a product tree over 0..n-1; the quantity is E[Z_1...Z_n] = haf(Sigma).

    The parameters are the upper triangle (i <= j): `map_numbers` maps each once and mirrors it,
    so symbolic parameters keep the matrix symmetric.
    """

    matrix: tuple[tuple[Any, ...], ...]
    tree: Tree | None = None
    domain: ClassVar[str] = "hafnian"

    def __post_init__(self) -> None:
        object.__setattr__(self, "matrix", tuple(tuple(r) for r in self.matrix))
        _check_square(self.matrix, "matrix", MAX_HAFNIAN_N)
        for i, j in _upper(self.n):
            if i != j and not _same(self.matrix[i][j], self.matrix[j][i]):
                raise InvalidInstance(
                    f"field matrix[{j}][{i}]: expected a symmetric matrix, equal to matrix[{i}][{j}] = "
                    f"{_shown(self.matrix[i][j])}, got {_shown(self.matrix[j][i])}"
                )
        if self.tree is not None:
            object.__setattr__(self, "tree", check_tree(self.tree, self.n))

    @property
    def n(self) -> int:
        return len(self.matrix)

    @property
    def product_tree(self) -> Tree:
        """The tree given, or the balanced tree over 0..n-1."""
        return self.tree if self.tree is not None else balanced_tree(range(self.n))

    def map_numbers(self, f: Callable[[Any], Any]) -> Covariance:
        n = self.n
        out: list[list[Any]] = [[None] * n for _ in range(n)]
        for i, j in _upper(n):
            out[i][j] = out[j][i] = f(self.matrix[i][j])
        return Covariance(tuple(map(tuple, out)), self.tree)

    def parameters(self) -> list[Any]:
        """The upper triangle Sigma_ij, i <= j, row by row."""
        return [self.matrix[i][j] for i, j in _upper(self.n)]


def _upper(n: int) -> Iterator[tuple[int, int]]:
    return ((i, j) for i in range(n) for j in range(i, n))


def _check_square(rows: Rows, field: str, max_n: int) -> None:
    n = len(rows)
    if not 1 <= n <= max_n:
        raise InvalidInstance(f"field {field}: expected 1 to {max_n} rows, got {n}")
    for i, row in enumerate(rows):
        if len(row) != n:
            raise InvalidInstance(f"field {field}[{i}]: expected {n} entries (a square matrix), got {len(row)}")


def _same(a: Any, b: Any) -> bool:
    """Structural equality that also works for z3 terms (whose == builds a formula)."""
    if a is b:
        return True
    if type(a).__module__.startswith("z3") or type(b).__module__.startswith("z3"):
        return hasattr(a, "eq") and hasattr(b, "eq") and bool(a.eq(b))
    return bool(a == b)


def _shown(v: Any) -> str:
    return repr(number_to_json(v)) if isinstance(v, (int, float, Fraction)) and not isinstance(v, bool) else str(v)


# --------------------------------------------------------------------------- product trees


def balanced_tree(items: Sequence[int] | range) -> Tree:
    """The balanced product tree over `items` (the left half takes the extra item)."""
    items = list(items)
    if not items:
        raise ValueError("a product tree needs at least one leaf")
    if len(items) == 1:
        return items[0]
    mid = (len(items) + 1) // 2
    return (balanced_tree(items[:mid]), balanced_tree(items[mid:]))


def tree_leaves(tree: Tree) -> tuple[int, ...]:
    """The leaves of a product tree, left to right."""
    if isinstance(tree, int):
        return (tree,)
    return tree_leaves(tree[0]) + tree_leaves(tree[1])


def check_tree(tree: Any, n: int, path: str = "tree") -> Tree:
    """Validate a product tree over 0..n-1 (nested pairs, lists or tuples) and return it as tuples."""
    seen: dict[int, str] = {}

    def walk(t: Any, where: str, depth: int) -> Tree:
        if depth > n:
            raise InvalidInstance(f"field {where}: the tree is deeper than its {n} leaves allow")
        if isinstance(t, int) and not isinstance(t, bool):
            if not 0 <= t < n:
                raise InvalidInstance(f"field {where}: expected a leaf index in [0, {n - 1}], got {t!r}")
            if t in seen:
                raise InvalidInstance(f"field {where}: leaf {t} already used at {seen[t]} (each index appears once)")
            seen[t] = where
            return t
        if isinstance(t, (list, tuple)) and len(t) == 2:
            return (walk(t[0], f"{where}[0]", depth + 1), walk(t[1], f"{where}[1]", depth + 1))
        shown = repr(t) if len(repr(t)) <= 80 else repr(t)[:77] + "..."
        raise InvalidInstance(f"field {where}: expected a leaf index or a pair [left, right], got {shown}")

    out = walk(tree, path, 0)
    missing = sorted(set(range(n)) - set(seen))
    if missing:
        raise InvalidInstance(
            f"field {path}: leaves {', '.join(map(str, missing))} missing (every index 0..{n - 1} appears once)"
        )
    return out


def _tree_to_json(tree: Tree) -> Any:
    return tree if isinstance(tree, int) else [_tree_to_json(tree[0]), _tree_to_json(tree[1])]


def node_id(tree: Tree) -> str:
    """The wire id of a tree node in `hafnian_circuit`: `z<i+1>` for leaf i, else `p<leaves joined by .>`
    (no commas, so the id can stand in a `keep:` argument)."""
    if isinstance(tree, int):
        return f"z{tree + 1}"
    return "p" + ".".join(map(str, tree_leaves(tree)))


def hafnian_circuit(instance: Covariance) -> Circuit:
    """The circuit z_1 * ... * z_n multiplied along the product tree, inputs jointly N(0, Sigma).

    One `mul` gate per internal node (id `pi.j...` listing its leaves), the root is the output.
    """
    n = instance.n
    zero = backend_of(instance.parameters()).const(0)
    inputs = tuple(Input(f"z{i + 1}") for i in range(n))
    gates: list[Gate] = []

    def build(t: Tree) -> str:
        if isinstance(t, int):
            return node_id(t)
        left, right = build(t[0]), build(t[1])
        gates.append(Gate(node_id(t), "mul", (left, right)))
        return node_id(t)

    output = build(instance.product_tree)
    return Circuit(inputs, tuple(gates), output, JointGaussian(tuple([zero] * n), instance.matrix))


def permanent_as_hafnian(matrix: Matrix | Rows) -> Covariance:
    """Sigma = [[0, A], [A^T, 0]], whose hafnian is perm(A) (perfect matchings of the bipartite graph)."""
    rows = matrix.entries if isinstance(matrix, Matrix) else tuple(tuple(r) for r in matrix)
    n = len(rows)
    zero = backend_of([v for r in rows for v in r]).const(0)
    top = [[zero] * n + list(rows[i]) for i in range(n)]
    bottom = [[rows[i][j] for i in range(n)] + [zero] * n for j in range(n)]
    return Covariance(tuple(tuple(r) for r in top + bottom))


# --------------------------------------------------------------------------- permanents


def naive_permanent(rows: Rows) -> Any:
    """sum over permutations s of prod_i a_{i s(i)}: O(n! n), for tests only."""
    from itertools import permutations

    n = len(rows)
    total = None
    for s in permutations(range(n)):
        term = reduce(lambda acc, i: acc * rows[i][s[i]], range(1, n), rows[0][s[0]])
        total = term if total is None else total + term
    return total


def glynn(rows: Rows) -> Any:
    """perm(A) by Glynn's formula, Gray-code order, generic arithmetic: O(2^(n-1) n)."""
    n = len(rows)
    backend = backend_of([v for r in rows for v in r])
    sums = [reduce(lambda acc, i: acc + rows[i][j], range(1, n), rows[0][j]) for j in range(n)]
    twice = [[a + a for a in row] for row in rows]
    negative = [False] * n  # d_i = -1 ?
    total = _product(sums)
    sign = 1
    for k in range(1, 1 << (n - 1)):
        i = (k & -k).bit_length()  # Gray code: flip d_i, i = 1 + index of k's lowest set bit
        step = twice[i]
        if negative[i]:
            sums = [s + a for s, a in zip(sums, step)]
        else:
            sums = [s - a for s, a in zip(sums, step)]
        negative[i] = not negative[i]
        sign = -sign
        term = _product(sums)
        total = total + term if sign > 0 else total - term
    return total / backend.const(1 << (n - 1)) if n > 1 else total


def ryser(rows: Rows) -> Any:
    """perm(A) = (-1)^n sum over column sets S of (-1)^|S| prod_i sum_{j in S} a_ij, Gray-code order: O(2^n n)."""
    n = len(rows)
    backend = backend_of([v for r in rows for v in r])
    sums = [backend.const(0)] * n
    inside = [False] * n
    total = backend.const(0)
    for k in range(1, 1 << n):
        j = (k & -k).bit_length() - 1
        if inside[j]:
            sums = [s - rows[i][j] for i, s in enumerate(sums)]
        else:
            sums = [s + rows[i][j] for i, s in enumerate(sums)]
        inside[j] = not inside[j]
        term = _product(sums)
        # (-1)^(n - |S|): |S| and k's Gray code have the same parity of set bits
        odd = (n - bin(k ^ (k >> 1)).count("1")) % 2
        total = total - term if odd else total + term
    return total


def _product(values: Sequence[Any]) -> Any:
    return reduce(lambda a, b: a * b, values[1:], values[0])


def permanent(rows: Rows) -> Any:
    """perm(A), exact for rationals (a Fraction), float for floats, generic otherwise; n <= 25."""
    n = len(rows)
    if n > MAX_PERMANENT_TRUTH_N:
        raise TruthTooExpensive(
            f"the permanent of a {n}x{n} matrix: exact truth is limited to n <= {MAX_PERMANENT_TRUTH_N} "
            f"(2^(n-1) n operations)"
        )
    backend = backend_of([v for r in rows for v in r])
    if backend.name == "float":
        return glynn_float(np.array([[float(v) for v in r] for r in rows]))
    if backend.name == "fraction":
        ints, scale = _integer_rows([[Fraction(v) for v in r] for r in rows])
        if n <= 14:
            value = glynn(ints)
        else:
            value = _glynn_crt(ints)
        return Fraction(value) / scale
    return glynn(rows)


def _integer_rows(rows: list[list[Fraction]]) -> tuple[list[list[int]], int]:
    """Rows scaled to integers: B = diag(d) A with d_i the lcm of row i's denominators; returns (B, prod d_i)."""
    out, scale = [], 1
    for row in rows:
        d = math.lcm(*(v.denominator for v in row))
        out.append([int(v * d) for v in row])
        scale *= d
    return out, scale


def _sign_table(bits: int) -> np.ndarray:
    """All d in {+-1}^bits as rows (bit k of the row index set means d_k = -1)."""
    index = np.arange(1 << bits)[:, None]
    return 1 - 2 * ((index >> np.arange(bits)[None, :]) & 1)


def _glynn_split(n: int) -> tuple[int, int]:
    low = min(n - 1, 14)
    return low, n - 1 - low


def glynn_float(a: np.ndarray) -> float:
    """perm(a) in floats by Glynn's formula, vectorised: d splits into a low and a high half,
    with one numpy pass over all low halves per high half."""
    n = a.shape[0]
    low, high = _glynn_split(n)
    d_low, d_high = _sign_table(low), _sign_table(high)
    low_sums = a[0] + d_low @ a[1 : low + 1]
    low_sign = d_low.prod(axis=1)
    high_sums = d_high @ a[low + 1 :]
    high_sign = d_high.prod(axis=1)
    total = 0.0
    for c in range(1 << high):
        total += float(high_sign[c]) * float(low_sign @ np.prod(low_sums + high_sums[c], axis=1))
    return total / float(1 << (n - 1))


def _glynn_mod(b: np.ndarray, p: int) -> int:
    """Glynn's formula modulo the prime p (< 2^31) for an integer matrix b, vectorised like `glynn_float`."""
    n = b.shape[0]
    low, high = _glynn_split(n)
    d_low, d_high = _sign_table(low), _sign_table(high)
    a = b % p
    low_sums = (a[0] + d_low @ a[1 : low + 1]) % p
    positive = d_low.prod(axis=1) > 0
    high_sums = (d_high @ a[low + 1 :]) % p
    high_sign = d_high.prod(axis=1)
    total = 0
    for c in range(1 << high):
        s = (low_sums + high_sums[c]) % p
        acc = s[:, 0].copy()
        for j in range(1, n):
            acc = acc * s[:, j] % p
        part = int(acc[positive].sum() - acc[~positive].sum())
        total = (total + int(high_sign[c]) * part) % p
    return total * pow(2, -(n - 1), p) % p


def _glynn_crt(rows: list[list[int]]) -> int:
    """perm of an integer matrix from its residues modulo 31-bit primes (Chinese remainders)."""
    bound = math.prod(sum(abs(r[j]) for r in rows) for j in range(len(rows)))
    if bound == 0:
        return 0
    b = np.array(rows, dtype=object)
    value, modulus = 0, 1
    for p in _primes_below(1 << 31):
        residue = _glynn_mod(np.array(b % p, dtype=np.int64), p)
        # combine value (mod modulus) with residue (mod p)
        t = (residue - value) * pow(modulus, -1, p) % p
        value, modulus = value + modulus * t, modulus * p
        if modulus > 2 * bound:
            break
    return value - modulus if value > modulus // 2 else value


def _primes_below(limit: int) -> Iterator[int]:
    """Primes below `limit` (< 3.2e9), largest first, by deterministic Miller-Rabin."""
    for m in range(limit - 1 if limit % 2 == 0 else limit - 2, 2, -2):
        if _is_prime(m):
            yield m


def _is_prime(m: int) -> bool:
    d, s = m - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in (2, 3, 5, 7):
        x = pow(a, d, m)
        if x in (1, m - 1):
            continue
        for _ in range(s - 1):
            x = x * x % m
            if x == m - 1:
                break
        else:
            return False
    return True


# --------------------------------------------------------------------------- hafnians


def hafnian(rows: Rows) -> Any:
    """haf(Sigma) = sum over perfect matchings of prod Sigma_ij, by DP over subsets: O(n 2^n).

    Rational matrices are scaled to integers first (Sigma'_ij = d_i d_j Sigma_ij, haf scales by prod d_i).
    """
    n = len(rows)
    backend = backend_of([v for r in rows for v in r])
    if n % 2:
        return backend.const(0)
    if n > MAX_HAFNIAN_TRUTH_N:
        raise TruthTooExpensive(
            f"the hafnian of a {n}x{n} matrix: exact truth is limited to n <= {MAX_HAFNIAN_TRUTH_N} "
            f"(O(n 2^n) operations)"
        )
    if backend is FRACTION:
        fr = [[Fraction(v) for v in r] for r in rows]
        d = [math.lcm(*(v.denominator for v in r)) for r in fr]
        ints = [[int(fr[i][j] * d[i] * d[j]) for j in range(n)] for i in range(n)]
        return Fraction(_hafnian_dp(ints, 1, 0)) / math.prod(d)
    return _hafnian_dp(rows, backend.const(1), backend.const(0))


def _hafnian_dp(rows: Rows, one: Any, zero: Any) -> Any:
    n = len(rows)
    memo: dict[int, Any] = {0: one}

    def haf(mask: int) -> Any:
        if mask in memo:
            return memo[mask]
        i = (mask & -mask).bit_length() - 1
        rest = mask ^ (1 << i)
        total = zero
        bits = rest
        while bits:
            low = bits & -bits
            j = low.bit_length() - 1
            total = total + rows[i][j] * haf(rest ^ low)
            bits ^= low
        memo[mask] = total
        return total

    return haf((1 << n) - 1)


def naive_hafnian(rows: Rows) -> Any:
    """The sum over all (n-1)!! perfect matchings, for tests only."""

    def matchings(items: tuple[int, ...]) -> Iterator[list[tuple[int, int]]]:
        if not items:
            yield []
            return
        first = items[0]
        for k in range(1, len(items)):
            rest = items[1:k] + items[k + 1 :]
            for m in matchings(rest):
                yield [(first, items[k])] + m

    total: Any = 0
    for m in matchings(tuple(range(len(rows)))):
        term: Any = 1
        for i, j in m:
            term = term * rows[i][j]
        total = total + term
    return total


def is_psd(rows: Rows) -> bool:
    """Positive semidefinite: exact (LDL^T with pivoting on the diagonal) for rationals, eigenvalues for floats."""
    backend = backend_of([v for r in rows for v in r])
    if backend is FRACTION:
        m = [[Fraction(v) for v in r] for r in rows]
        n = len(m)
        alive = list(range(n))
        while alive:
            k = max(alive, key=lambda i: m[i][i])
            if m[k][k] < 0:
                return False
            if m[k][k] == 0:
                # the largest remaining diagonal is 0: PSD iff the rest of the matrix is 0
                return all(m[i][j] == 0 for i in alive for j in alive)
            alive.remove(k)
            for i in alive:
                f = m[i][k] / m[k][k]
                for j in alive:
                    m[i][j] -= f * m[k][j]
        return True
    a = np.array([[float(v) for v in r] for r in rows])
    return bool(np.linalg.eigvalsh(a).min() >= -1e-9 * max(1.0, float(np.abs(a).max())))


# --------------------------------------------------------------------------- argument atoms


@dataclass(frozen=True)
class _Fact:
    """A payload-free fact about a permanent instance that an estimator may use; true of every matrix."""

    kind: ClassVar[str] = ""
    domain: ClassVar[str] = "permanent"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind}

    def text(self) -> str:
        return self.kind

    @classmethod
    def from_text(cls, payload: str) -> Any:
        if payload.strip():
            raise InvalidArgument(f"argument {cls.kind}:{payload}: {cls.kind} takes no payload")
        return cls()

    @classmethod
    def from_json(cls, node: Node) -> Any:
        node.object(("kind",))
        return cls()

    def check(self, instance: Any) -> None:
        if not isinstance(instance, Matrix):
            raise InvalidArgument(f"argument {self.kind}: expected a permanent instance, got {type(instance).__name__}")


@dataclass(frozen=True)
class RowSums(_Fact):
    """The row sums r_i are known."""

    kind: ClassVar[str] = "row-sums"


@dataclass(frozen=True)
class ColSums(_Fact):
    """The column sums c_j are known."""

    kind: ClassVar[str] = "col-sums"


@dataclass(frozen=True)
class TotalSum(_Fact):
    """The total sum S of the entries is known."""

    kind: ClassVar[str] = "total-sum"


@dataclass(frozen=True)
class EntryMultiset(_Fact):
    """The multiset of the n^2 entries (not their positions) is known."""

    kind: ClassVar[str] = "entry-multiset"


# --------------------------------------------------------------------------- domains


def _matrix_from_json(node: Node, max_n: int) -> tuple[tuple[Fraction, ...], ...]:
    rows = list(node.items(1, max_n))
    n = len(rows)
    out = []
    for row in rows:
        if not isinstance(row.value, list):
            row.fail(f"a row of {n} numbers")
        if len(row.value) != n:
            raise InvalidInstance(
                f"field {row.path}: expected {n} entries (the matrix must be square, {n}x{n}), got {len(row.value)}"
            )
        out.append(tuple(v.number() for v in row.items()))
    return tuple(out)


def _matrix_to_json(rows: Rows) -> list[list[Any]]:
    return [[number_to_json(v) for v in r] for r in rows]


def _stderr(values: np.ndarray) -> float:
    return float(values.std(ddof=1) / math.sqrt(len(values))) if len(values) > 1 else math.inf


class PermanentDomain:
    """The `permanent` domain: Y = perm(A) (see the module docstring)."""

    name = "permanent"
    summary = "Y = perm(A) for a square matrix A; arguments are facts such as row and column sums"
    instance_type = Matrix
    atom_types: tuple[type, ...] = (RowSums, ColSums, TotalSum, EntryMultiset)

    def from_json(self, node: Node) -> Matrix:
        node.object(("domain", "matrix"))
        return Matrix(_matrix_from_json(node["matrix"], MAX_PERMANENT_N))

    def to_json(self, instance: Matrix) -> dict[str, Any]:
        return {"domain": self.name, "matrix": _matrix_to_json(instance.entries)}

    def truth(self, instance: Matrix, arguments: Any) -> Any:
        """perm(A); the facts reveal nothing random, so the arguments do not change it."""
        return permanent(instance.entries)

    def monte_carlo(self, instance: Matrix, arguments: Any, samples: int, seed: int) -> MonteCarlo:
        """Mean of prod_k x_k prod_i (A x)_i over x uniform in {+-1}^n (unbiased for perm A)."""
        a = np.array([[float(v) for v in r] for r in instance.entries])
        rng = np.random.default_rng(seed)
        values = []
        for start in range(0, samples, 65_536):
            x = rng.choice(np.array([-1.0, 1.0]), size=(min(65_536, samples - start), instance.n))
            values.append(x.prod(axis=1) * (x @ a.T).prod(axis=1))
        v = np.concatenate(values) if values else np.zeros(0)
        return MonteCarlo(float(v.mean()) if len(v) else math.nan, _stderr(v), samples, seed)

    def instances(self, max_n: int = 4, entries: str = "pm1") -> Any:
        return matrices(max_n, entries)


class HafnianDomain:
    """The `hafnian` domain: Y = E[Z_1...Z_n] = haf(Sigma), Z ~ N(0, Sigma), multiplied along a product tree."""

    name = "hafnian"
    summary = "Y = E[Z_1...Z_n] = haf(Sigma) for Z ~ N(0, Sigma); estimators propagate along a product tree"
    instance_type = Covariance
    atom_types: tuple[type, ...] = ()

    def from_json(self, node: Node) -> Covariance:
        node.object(("domain", "matrix"), ("tree",))
        matrix = _matrix_from_json(node["matrix"], MAX_HAFNIAN_N)
        n = len(matrix)
        for i, j in _upper(n):
            if matrix[i][j] != matrix[j][i]:
                raise InvalidInstance(
                    f"field {node.path}.matrix[{j}][{i}]: expected a symmetric matrix, equal to "
                    f"matrix[{i}][{j}] = {_shown(matrix[i][j])}, got {_shown(matrix[j][i])}"
                )
        tree = check_tree(node["tree"].value, n, f"{node.path}.tree") if node.present("tree") else None
        return Covariance(matrix, tree)

    def to_json(self, instance: Covariance) -> dict[str, Any]:
        out: dict[str, Any] = {"domain": self.name, "matrix": _matrix_to_json(instance.matrix)}
        if instance.tree is not None:
            out["tree"] = _tree_to_json(instance.tree)
        return out

    def truth(self, instance: Covariance, arguments: Any) -> Any:
        return hafnian(instance.matrix)

    def monte_carlo(self, instance: Covariance, arguments: Any, samples: int, seed: int) -> MonteCarlo:
        """Mean of Z_1...Z_n over Gaussian samples; Sigma must be positive semidefinite."""
        if not is_psd(instance.matrix):
            raise InvalidInstance(
                "field matrix: Monte Carlo sampling needs a positive semidefinite covariance, and this one is not"
            )
        a = np.array([[float(v) for v in r] for r in instance.matrix])
        w, v = np.linalg.eigh(a)
        factor = v * np.sqrt(np.clip(w, 0.0, None))
        rng = np.random.default_rng(seed)
        values = []
        for start in range(0, samples, 65_536):
            g = rng.standard_normal((min(65_536, samples - start), instance.n))
            values.append((g @ factor.T).prod(axis=1))
        out = np.concatenate(values) if values else np.zeros(0)
        return MonteCarlo(float(out.mean()) if len(out) else math.nan, _stderr(out), samples, seed)

    def instances(self, max_n: int = 6, even: bool = True, max_rank: int = 3, trees: bool = False) -> Any:
        return covariances(max_n, even, max_rank, trees)


PERMANENT = PermanentDomain()
HAFNIAN = HafnianDomain()


# --------------------------------------------------------------------------- strategies


def matrices(max_n: int = 4, entries: str = "pm1") -> Any:
    """Hypothesis strategy of `Matrix` instances with Fraction entries.

    `entries`: "pm1" (+-1, shrinking to 1), "01" (shrinking to 0), "small-int" (-3..3) or
    "rational" (|q| <= 2, denominators <= 4); n shrinks towards 1.
    """
    from hypothesis import strategies as st

    kinds = {
        "pm1": st.sampled_from([Fraction(1), Fraction(-1)]),
        "01": st.sampled_from([Fraction(0), Fraction(1)]),
        "small-int": st.integers(-3, 3).map(Fraction),
        "rational": st.fractions(min_value=-2, max_value=2, max_denominator=4),
    }
    if entries not in kinds:
        raise ValueError(f"entries={entries!r}: expected one of {', '.join(kinds)}")
    value = kinds[entries]

    @st.composite
    def build(draw: Any) -> Matrix:
        n = draw(st.integers(1, max_n))
        return Matrix(tuple(tuple(draw(value) for _ in range(n)) for _ in range(n)))

    from .lifting import maybe_lifted

    return maybe_lifted(build())


def covariances(max_n: int = 6, even: bool = True, max_rank: int = 3, trees: bool = False) -> Any:
    """Hypothesis strategy of PSD `Covariance` instances Sigma = B B^T, B an n x r matrix of small rationals.

    n shrinks towards its smallest value (2 if `even`, else 1), B's entries towards 0; with `trees`
    the product tree is drawn too (shrinking towards the balanced one), else it is left as the default.
    """
    from hypothesis import strategies as st

    entry = st.fractions(min_value=-2, max_value=2, max_denominator=2)

    @st.composite
    def tree_over(draw: Any, items: tuple[int, ...]) -> Tree:
        if len(items) == 1:
            return items[0]
        cut = draw(st.integers(1, len(items) - 1).map(lambda k, m=len(items): (k + (m + 1) // 2 - 2) % (m - 1) + 1))
        return (draw(tree_over(items[:cut])), draw(tree_over(items[cut:])))

    @st.composite
    def build(draw: Any) -> Covariance:
        n = 2 * draw(st.integers(1, max(1, max_n // 2))) if even else draw(st.integers(1, max_n))
        r = draw(st.integers(1, max_rank))
        b = [[draw(entry) for _ in range(r)] for _ in range(n)]
        sigma = tuple(
            tuple(sum((b[i][k] * b[j][k] for k in range(r)), Fraction(0)) for j in range(n)) for i in range(n)
        )
        tree = None
        if trees:
            order = draw(st.permutations(range(n)))
            tree = draw(tree_over(tuple(order)))
        return Covariance(sigma, tree)

    return build()
