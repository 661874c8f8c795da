"""The dice model: dice, expression trees over them, the `DiceGame` instance, and its operations.

An expression is a tree of `Roll(die)` (the face die `die` shows), `Const(value)` (a rational) and
`Op(op, args)` with op `add`, `mul` or `max` over two or more sub-expressions. A die may be rolled in
several places of one tree: it is the same roll (one random variable), which is what makes mean
propagation wrong on `mul(a, a)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Union

from heurcheck.errors import InvalidInstance

OPS = ("add", "mul", "max")  # in the order the strategy shrinks towards
MAX_FACES = 10_000


@dataclass(frozen=True)
class Die:
    """A fair die with faces 1..faces."""

    id: str
    faces: int


@dataclass(frozen=True)
class Roll:
    die: str


@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class Op:
    op: str
    args: tuple[Expr, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "args", tuple(self.args))


Expr = Union[Roll, Const, Op]


def nodes(expr: Expr) -> Iterator[Expr]:
    """Every node of the tree, parents before children, left to right."""
    stack = [expr]
    while stack:
        e = stack.pop()
        yield e
        if isinstance(e, Op):
            stack.extend(reversed(e.args))


def _map_tree(expr: Expr, leaf: Callable[[Expr], Expr]) -> Expr:
    if isinstance(expr, Op):
        return Op(expr.op, tuple(_map_tree(a, leaf) for a in expr.args))
    return leaf(expr)


@dataclass(frozen=True)
class DiceGame:
    """Y = E[expr(d_1, ..., d_k)] for independent fair dice. Dice that `expr` does not roll are allowed."""

    dice: tuple[Die, ...]
    expr: Expr
    domain: ClassVar[str] = "dice"

    def __post_init__(self) -> None:
        object.__setattr__(self, "dice", tuple(self.dice))
        seen: set[str] = set()
        for i, d in enumerate(self.dice):
            if not isinstance(d.id, str) or not d.id:
                raise InvalidInstance(f"field dice[{i}].id: expected a non-empty string, got {d.id!r}")
            if d.id in seen:
                raise InvalidInstance(f"field dice[{i}].id: duplicate die id {d.id!r}")
            seen.add(d.id)
            if isinstance(d.faces, bool) or not isinstance(d.faces, int) or not 1 <= d.faces <= MAX_FACES:
                raise InvalidInstance(f"field dice[{i}].faces: expected an integer in [1, {MAX_FACES}], got {d.faces!r}")
        for e in nodes(self.expr):
            if isinstance(e, Roll) and e.die not in seen:
                raise InvalidInstance(f"field expr: {e.die!r} is not a declared die (declared: {', '.join(sorted(seen))})")
            if isinstance(e, Op) and (e.op not in OPS or len(e.args) < 2):
                raise InvalidInstance(f"field expr: expected an op in {', '.join(OPS)} with at least 2 args, "
                                      f"got {e.op!r} with {len(e.args)}")

    def faces(self, die: str) -> int | None:
        return next((d.faces for d in self.dice if d.id == die), None)

    def rolled(self) -> tuple[str, ...]:
        """The dice the expression rolls, in declaration order."""
        used = {e.die for e in nodes(self.expr) if isinstance(e, Roll)}
        return tuple(d.id for d in self.dice if d.id in used)

    def map_numbers(self, f: Callable[[Any], Any]) -> DiceGame:
        """A copy with every constant replaced by f(value) (faces are structure, not parameters)."""
        return DiceGame(self.dice, _map_tree(self.expr, lambda e: Const(f(e.value)) if isinstance(e, Const) else e))

    def parameters(self) -> list[Any]:
        """The constants, parents before children, left to right."""
        return [e.value for e in nodes(self.expr) if isinstance(e, Const)]


# ------------------------------------------------------------------ operations the facets use


def renamed(game: DiceGame, prefix: str) -> DiceGame:
    """The same game with every die id prefixed (so two games can share one set of dice)."""
    expr = _map_tree(game.expr, lambda e: Roll(prefix + e.die) if isinstance(e, Roll) else e)
    return DiceGame(tuple(Die(prefix + d.id, d.faces) for d in game.dice), expr)


def side_by_side(y: DiceGame, d: DiceGame) -> DiceGame:
    """One game holding the dice of both (ids disjoint), whose quantity is Y's."""
    return DiceGame(y.dice + d.dice, y.expr)


def product_of(x: DiceGame, y: DiceGame) -> tuple[DiceGame, DiceGame, DiceGame]:
    """(X, Y, XY) over the dice of both (ids disjoint): XY multiplies the two expressions."""
    dice = x.dice + y.dice
    return DiceGame(dice, x.expr), DiceGame(dice, y.expr), DiceGame(dice, Op("mul", (x.expr, y.expr)))
