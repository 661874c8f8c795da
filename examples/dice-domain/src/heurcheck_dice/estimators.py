"""Two estimators of dice games: the exact value, and mean propagation."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar

from heurcheck.arguments import Arguments
from heurcheck.estimators.base import Option

from .atoms import revealed
from .model import DiceGame
from .truth import evaluate, truth


class DiceExact:
    """E[f | the revealed dice], by enumeration."""

    name: ClassVar[str] = "dice-exact"
    domains: ClassVar[frozenset[str]] = frozenset({"dice"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: DiceGame, arguments: Arguments) -> Any:
        return truth(instance, arguments)


class DiceMean:
    """Mean propagation: each roll by its mean (the face if revealed), E[ab] as E[a] E[b], E[max] as max of means.

    Exact on trees of add and mul whose factors roll disjoint dice; mul(a, a) gives E[a]^2, not E[a^2];
    the max of the means is at most E[max] (max is convex).
    """

    name: ClassVar[str] = "dice-mean"
    domains: ClassVar[frozenset[str]] = frozenset({"dice"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False  # max compares its arguments: not only + - *
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: DiceGame, arguments: Arguments) -> Any:
        shown = revealed(arguments)
        means = {d.id: Fraction(shown[d.id]) if d.id in shown else Fraction(d.faces + 1, 2) for d in instance.dice}
        return evaluate(instance.expr, means)  # the tree with each roll replaced by its mean

