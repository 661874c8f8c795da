"""The dice domain's one argument atom: `reveal:a=3`, the die a is known to show 3."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from heurcheck.arguments import Arguments
from heurcheck.errors import InvalidArgument
from heurcheck.jsonio import Node

from .model import DiceGame


@dataclass(frozen=True)
class RevealDie:
    """The argument "die `die` shows `value`": the quantity becomes E[expr | d_die = value]."""

    die: str
    value: int
    kind: ClassVar[str] = "reveal"
    domain: ClassVar[str] = "dice"

    @classmethod
    def from_text(cls, payload: str) -> RevealDie:
        die, eq, value = payload.rpartition("=")
        if not eq or not die or not value.strip().isdigit():
            raise InvalidArgument(f"reveal:{payload}: expected reveal:DIE=FACE with FACE a positive integer")
        return cls(die.strip(), int(value))

    @classmethod
    def from_json(cls, node: Node) -> RevealDie:
        node = Node(node.value, node.path, InvalidArgument).object(("kind", "die", "value"))
        return cls(node["die"].string(), node["value"].integer(1))

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "die": self.die, "value": self.value}

    def text(self) -> str:
        return f"{self.kind}:{self.die}={self.value}"

    def check(self, instance: DiceGame) -> None:
        faces = instance.faces(self.die)
        if faces is None:
            raise InvalidArgument(f"{self.text()}: {self.die!r} is not a die of the game "
                                  f"(dice: {', '.join(d.id for d in instance.dice)})")
        if isinstance(self.value, bool) or not isinstance(self.value, int) or not 1 <= self.value <= faces:
            raise InvalidArgument(f"{self.text()}: expected a face in [1, {faces}], got {self.value!r}")


def revealed(arguments: Arguments) -> dict[str, int]:
    """Die id -> the face the arguments reveal."""
    return {a.die: a.value for a in arguments.of(RevealDie)}
