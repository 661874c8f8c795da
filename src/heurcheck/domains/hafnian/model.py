"""The hafnian instance: a symmetric matrix Sigma and a product tree; product trees; the circuit view."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, Union

from ...errors import InvalidInstance
from ...jsonio import number_to_json
from ...numbers import backend_of
from ..circuit.model import Circuit, Gate, Input, JointGaussian
from ..matrixform import check_square

MAX_HAFNIAN_N = 60

Tree = Union[int, tuple["Tree", "Tree"]]


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
        check_square(self.matrix, "matrix", MAX_HAFNIAN_N)
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
