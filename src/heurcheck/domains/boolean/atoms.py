"""The boolean domain's argument atoms: `reveal:a=1` (the bit a is known to be 1) and `constant:g3=0`
(a certificate that wire g3 is 0 on every input, checked by enumeration)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ...errors import InvalidArgument
from ...jsonio import Node
from .model import BooleanCircuit, _evaluate

MAX_CERTIFICATE_INPUTS = 20


def _parse_assignment(kind: str, payload: str) -> tuple[str, int]:
    wire, eq, value = payload.rpartition("=")
    if not eq or not wire or value not in ("0", "1"):
        raise InvalidArgument(f"{kind}:{payload}: expected {kind}:WIRE=0 or {kind}:WIRE=1")
    return wire, int(value)


def _assignment_from_json(node: Node, key: str) -> tuple[str, int]:
    node = Node(node.value, node.path, InvalidArgument).object(("kind", key, "value"))
    return node[key].string(), node["value"].integer(0, 1)


@dataclass(frozen=True)
class RevealBit:
    """The argument "input bit `input` is `value`": the quantity becomes Pr[C(x) = 1 | x_input = value]."""

    input: str
    value: int
    kind: ClassVar[str] = "reveal"
    domain: ClassVar[str] = "boolean"

    @classmethod
    def from_text(cls, payload: str) -> RevealBit:
        return cls(*_parse_assignment(cls.kind, payload))

    @classmethod
    def from_json(cls, node: Node) -> RevealBit:
        return cls(*_assignment_from_json(node, "input"))

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "input": self.input, "value": self.value}

    def text(self) -> str:
        return f"{self.kind}:{self.input}={self.value}"

    def check(self, instance: BooleanCircuit) -> None:
        if not instance.is_input(self.input):
            raise InvalidArgument(f"{self.text()}: {self.input!r} is not an input of the circuit")
        if isinstance(self.value, bool) or self.value not in (0, 1):
            raise InvalidArgument(f"{self.text()}: expected a value 0 or 1, got {self.value!r}")


@dataclass(frozen=True)
class ProvedConstant:
    """A certificate that wire `wire` equals `value` on every assignment of the inputs (a logical fact)."""

    wire: str
    value: int
    kind: ClassVar[str] = "constant"
    domain: ClassVar[str] = "boolean"

    @classmethod
    def from_text(cls, payload: str) -> ProvedConstant:
        return cls(*_parse_assignment(cls.kind, payload))

    @classmethod
    def from_json(cls, node: Node) -> ProvedConstant:
        return cls(*_assignment_from_json(node, "wire"))

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "wire": self.wire, "value": self.value}

    def text(self) -> str:
        return f"{self.kind}:{self.wire}={self.value}"

    def check(self, instance: BooleanCircuit) -> None:
        """Verify the certificate by enumerating every assignment of the inputs the wire depends on."""
        if not instance.has_wire(self.wire):
            raise InvalidArgument(f"{self.text()}: {self.wire!r} is not a wire of the circuit")
        if isinstance(self.value, bool) or self.value not in (0, 1):
            raise InvalidArgument(f"{self.text()}: expected a value 0 or 1, got {self.value!r}")
        support = instance.support(self.wire)
        if len(support) > MAX_CERTIFICATE_INPUTS:
            raise InvalidArgument(
                f"{self.text()} cannot be checked: {self.wire} depends on {len(support)} inputs, "
                f"more than the limit of {MAX_CERTIFICATE_INPUTS}"
            )
        rows = np.arange(1 << len(support))
        bits = {x: ((rows >> j) & 1).astype(bool) for j, x in enumerate(support)}
        values = np.broadcast_to(_evaluate(instance, bits, self.wire), rows.shape)
        wrong = np.flatnonzero(values != bool(self.value))
        if wrong.size:
            r = int(wrong[0])
            when = ", ".join(f"{x}={(r >> j) & 1}" for j, x in enumerate(support))
            raise InvalidArgument(
                f"{self.text()} does not hold: {self.wire} is {1 - self.value} "
                + (f"when {when}" if when else "on every input")
            )
