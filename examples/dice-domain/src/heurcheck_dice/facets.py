"""Facets: what two of heurcheck's properties need of the dice domain.

`independence.dice` (see `heurcheck.properties.independence.IndependenceFacet`): X and Y roll
disjoint dice, XY multiplies their expressions, Pi reveals dice of each side separately.
`irrelevant-arguments.dice` (see `heurcheck.properties.irrelevant.IrrelevantArgumentsFacet`): the
game holds Y's dice and an unrelated set of dice D that Y never rolls; pi reveals dice of D.
"""

from __future__ import annotations

from typing import Any

from .model import DiceGame, product_of, renamed, side_by_side
from .strategies import dice_arguments, instances


class DiceIndependence:
    def instances(self, max_gates: int) -> Any:
        return instances(max_dice=2, max_ops=max_gates)

    def arguments(self, x: DiceGame) -> Any:
        return dice_arguments(x)

    renamed = staticmethod(renamed)
    product_of = staticmethod(product_of)


class DiceIrrelevantArguments:
    def instances(self, max_gates: int) -> Any:
        return instances(max_dice=3, max_ops=max_gates)

    def arguments(self, y: DiceGame) -> Any:
        return dice_arguments(y)

    def irrelevant_arguments(self, d: DiceGame) -> Any:
        return dice_arguments(d, min_atoms=1)

    renamed = staticmethod(renamed)
    side_by_side = staticmethod(side_by_side)


INDEPENDENCE = DiceIndependence()
IRRELEVANT_ARGUMENTS = DiceIrrelevantArguments()
