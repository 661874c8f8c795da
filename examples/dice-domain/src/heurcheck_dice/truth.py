"""Exact truth by enumeration, and Monte Carlo, for dice games.

Both evaluate the tree once over numpy arrays: for the truth, one axis per rolled die that the
arguments do not reveal, holding Python ints (object arrays, so constants that are Fractions keep
the sum exact); for Monte Carlo, one row of seeded draws per die.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np

from heurcheck.arguments import Arguments
from heurcheck.domains.base import MonteCarlo
from heurcheck.errors import TruthTooExpensive

from .atoms import revealed
from .model import Const, DiceGame, Expr, Roll

MAX_TRUTH_OUTCOMES = 1_000_000  # joint outcomes of the unrevealed rolled dice (about 1 s per tree node at the limit)


def evaluate(expr: Expr, values: Mapping[str, Any]) -> Any:
    """The expression with each die's roll taken from `values` (numbers or broadcastable arrays)."""
    if isinstance(expr, Roll):
        return values[expr.die]
    if isinstance(expr, Const):
        return expr.value
    args = [evaluate(a, values) for a in expr.args]
    out = args[0]
    for a in args[1:]:
        if expr.op == "add":
            out = out + a
        elif expr.op == "mul":
            out = out * a
        elif isinstance(out, np.ndarray) or isinstance(a, np.ndarray):
            out = np.maximum(out, a)
        else:
            out = max(out, a)
    return out


def truth(game: DiceGame, arguments: Arguments) -> Any:
    """E[expr | revealed dice], exact (a Fraction) when the constants are rational."""
    arguments.check(game)
    shown = revealed(arguments)
    rolled = game.rolled()
    free = [d for d in game.dice if d.id in rolled and d.id not in shown]
    outcomes = math.prod(d.faces for d in free)
    if outcomes > MAX_TRUTH_OUTCOMES:
        raise TruthTooExpensive(f"exact truth enumerates {outcomes} outcomes of the dice "
                                f"{', '.join(d.id for d in free)}, more than the limit of {MAX_TRUTH_OUTCOMES}")
    values: dict[str, Any] = dict(shown)
    for axis, d in enumerate(free):
        shape = [1] * len(free)
        shape[axis] = d.faces
        values[d.id] = np.arange(1, d.faces + 1, dtype=object).reshape(shape)
    result = evaluate(game.expr, values)
    total = np.broadcast_to(np.asarray(result, dtype=object), tuple(d.faces for d in free)).sum()
    if isinstance(total, (int, Fraction)):
        return Fraction(total) / outcomes
    return total / outcomes


def monte_carlo(game: DiceGame, arguments: Arguments, samples: int, seed: int) -> MonteCarlo:
    arguments.check(game)
    shown = revealed(arguments)
    rng = np.random.default_rng(seed)
    rolled = game.rolled()
    values: dict[str, Any] = {d.id: float(shown[d.id]) if d.id in shown else
                              rng.integers(1, d.faces + 1, size=samples).astype(float)
                              for d in game.dice if d.id in rolled}
    draws = np.broadcast_to(np.asarray(evaluate(game.map_numbers(float).expr, values), dtype=float), (samples,))
    return MonteCarlo(float(draws.mean()), float(draws.std(ddof=1) / math.sqrt(samples)), samples, seed)
