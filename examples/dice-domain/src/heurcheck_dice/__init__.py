"""heurcheck-dice: a third-party heurcheck domain of dice games, with two estimators and two facets.

Y = E[f(d_1, ..., d_k)] for independent fair dice d_i with faces 1..s_i and f a tree of add, mul
and max over the rolls and rational constants (file format: `heurcheck_dice.jsonform`). Exact truth
enumerates the joint outcomes (`truth`); the one argument atom is `reveal:a=3`.

Everything reaches heurcheck through entry points (see pyproject.toml): the domain `dice`, the
estimators `dice-exact` and `dice-mean`, and the facets `independence.dice` and
`irrelevant-arguments.dice`.
"""

from __future__ import annotations

from .atoms import RevealDie
from .domain import DOMAIN, DiceDomain
from .estimators import DiceExact, DiceMean
from .model import Const, DiceGame, Die, Op, Roll

__all__ = ["DOMAIN", "Const", "DiceDomain", "DiceExact", "DiceGame", "DiceMean", "Die", "Op", "RevealDie", "Roll"]
