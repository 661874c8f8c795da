"""Hypothesis strategies of dice games and of reveal arguments."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from heurcheck.arguments import Arguments
from heurcheck.errors import InvalidOption

from .atoms import RevealDie
from .model import OPS, Const, DiceGame, Die, Expr, Op, Roll


def instances(max_dice: int = 3, max_faces: int = 6, max_ops: int = 3) -> Any:
    """A strategy of games that shrinks structurally.

    Towards fewer dice, fewer faces (2 at least), fewer op nodes, leaves that roll the first die,
    add before mul before max, two args per op, constants towards 0. Each leaf picks a die by index,
    so the same die is often rolled twice. `max_ops` bounds the number of op nodes.
    """
    if max_dice < 1 or max_faces < 2 or max_ops < 0:
        raise InvalidOption(f"expected max_dice >= 1, max_faces >= 2 and max_ops >= 0, got {max_dice}, {max_faces} "
                            f"and {max_ops}")

    @st.composite
    def games(draw: Any) -> DiceGame:
        dice = tuple(Die(chr(ord("a") + i) if i < 26 else f"d{i}", draw(st.integers(2, max_faces)))
                     for i in range(draw(st.integers(1, max_dice))))
        ops_left = [draw(st.integers(0, max_ops))]

        def expr() -> Expr:
            if ops_left[0] > 0 and draw(st.booleans()):
                ops_left[0] -= 1
                op = draw(st.sampled_from(OPS))
                return Op(op, tuple(expr() for _ in range(draw(st.integers(2, 3)))))
            if draw(st.booleans()):
                return Const(draw(st.integers(-3, 3)))
            return Roll(dice[draw(st.integers(0, len(dice) - 1))].id)

        return DiceGame(dice, expr())

    return games()


def dice_arguments(game: DiceGame, max_atoms: int = 2, min_atoms: int = 0) -> Any:
    """A strategy of argument sets revealing some of the game's dice (each at most once)."""
    reveal = st.sampled_from(game.dice).flatmap(lambda d: st.integers(1, d.faces).map(lambda v: RevealDie(d.id, v)))
    most = min(max(max_atoms, min_atoms), len(game.dice))
    return st.lists(reveal, min_size=min(min_atoms, most), max_size=most, unique_by=lambda a: a.die).map(Arguments)
