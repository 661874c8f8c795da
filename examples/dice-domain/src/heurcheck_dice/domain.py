"""The `dice` domain object, named by the `heurcheck.domains` entry point."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from heurcheck.arguments import Arguments
from heurcheck.domains.base import MonteCarlo
from heurcheck.jsonio import Node

from . import jsonform, truth
from .atoms import RevealDie
from .model import DiceGame, nodes


@dataclass(frozen=True)
class DiceDomain:
    """Expressions over independent fair dice: Y = E[f(d_1, ..., d_k)]."""

    name: ClassVar[str] = "dice"
    summary: ClassVar[str] = "sums, products and maxima of independent fair dice: Y = E[f(d_1, ..., d_k)]"
    instance_type: ClassVar[type] = DiceGame
    atom_types: ClassVar[tuple[type, ...]] = (RevealDie,)

    def from_json(self, node: Node) -> DiceGame:
        return jsonform.from_json(node)

    def to_json(self, instance: DiceGame) -> dict[str, Any]:
        return jsonform.to_json(instance)

    def truth(self, instance: DiceGame, arguments: Arguments) -> Any:
        return truth.truth(instance, arguments)

    def monte_carlo(self, instance: DiceGame, arguments: Arguments, samples: int, seed: int) -> MonteCarlo:
        return truth.monte_carlo(instance, arguments, samples, seed)

    def instances(self, **limits: Any) -> Any:
        from .strategies import instances  # lazy: hypothesis takes a noticeable time to import

        return instances(**limits)

    def size(self, instance: DiceGame) -> int:
        """Dice + expression nodes."""
        return len(instance.dice) + sum(1 for _ in nodes(instance.expr))

    def lift(self, instance: DiceGame, prefix: str = "") -> DiceGame:
        """Unchanged: no symbolic form (max is not a polynomial operation)."""
        return instance


DOMAIN = DiceDomain()
