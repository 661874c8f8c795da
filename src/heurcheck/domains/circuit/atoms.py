"""The circuit domain's argument atoms: keep, order, reveal, and the checked certificates nonneg and equal."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from ...errors import InvalidArgument, TruthTooExpensive
from ...jsonio import MAX_DIGITS, exact_number, number_to_json, too_many_digits
from .model import Circuit, cone
from .moments import polynomial, support


# wires in one keep atom: a joint cumulant of k wires sums over the set partitions of k (Bell(10) = 115,975;
# Bell(18) is about 6.8 * 10^11)
MAX_KEEP_WIRES = 10


def _split_assignment(payload: str, kind: str) -> tuple[str, Fraction]:
    name, eq, value = payload.partition("=")
    try:
        if not eq or not name.strip():
            raise ValueError
        number = exact_number(value)
    except (ValueError, ZeroDivisionError):
        raise InvalidArgument(f"argument {kind}:{payload!r}: expected {kind}:WIRE=NUMBER, e.g. {kind}:x=1/2") from None
    if too_many_digits(number):
        raise InvalidArgument(f"argument {kind}:{payload[:60]!r}: expected a number of at most {MAX_DIGITS} digits")
    return name.strip(), number


def _need_wire(instance: Circuit, wire: str, text: str) -> None:
    if not instance.has_wire(wire):
        raise InvalidArgument(f"argument {text!r}: {wire!r} is not a wire of the circuit")


@dataclass(frozen=True)
class KeepCumulant:
    """Keep (propagate instead of dropping) the joint cumulant of this multiset of wires."""

    wires: tuple[str, ...]
    kind: ClassVar[str] = "keep"
    domain: ClassVar[str] = "circuit"

    def __post_init__(self) -> None:
        if not 2 <= len(self.wires) <= MAX_KEEP_WIRES:
            shown = ",".join(self.wires)
            raise InvalidArgument(f"argument keep:{shown if len(shown) < 80 else shown[:77] + '...'}: expected 2 to "
                                  f"{MAX_KEEP_WIRES} wires (a joint cumulant), got {len(self.wires)}")
        object.__setattr__(self, "wires", tuple(sorted(self.wires)))

    def text(self) -> str:
        return "keep:" + ",".join(self.wires)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "wires": list(self.wires)}

    @classmethod
    def from_text(cls, payload: str) -> KeepCumulant:
        return cls(tuple(w.strip() for w in payload.split(",") if w.strip()))

    @classmethod
    def from_json(cls, node: Any) -> KeepCumulant:
        node.object(("kind", "wires"))
        return cls(tuple(w.string() for w in node["wires"].items(2, MAX_KEEP_WIRES)))

    def check(self, instance: Circuit) -> None:
        for w in self.wires:
            _need_wire(instance, w, self.text())


@dataclass(frozen=True)
class CumulantOrder:
    """Keep every joint cumulant of order at most `order`."""

    order: int
    kind: ClassVar[str] = "order"
    domain: ClassVar[str] = "circuit"

    def __post_init__(self) -> None:
        if isinstance(self.order, bool) or not isinstance(self.order, int) or not 1 <= self.order <= 64:
            raise InvalidArgument(f"argument order:{self.order}: expected an integer order from 1 to 64")

    def text(self) -> str:
        return f"order:{self.order}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "order": self.order}

    @classmethod
    def from_text(cls, payload: str) -> CumulantOrder:
        try:
            return cls(int(payload))
        except ValueError:
            raise InvalidArgument(f"argument order:{payload!r}: expected order:K with K an integer") from None

    @classmethod
    def from_json(cls, node: Any) -> CumulantOrder:
        node.object(("kind", "order"))
        return cls(node["order"].integer(1, 64))

    def check(self, instance: Circuit) -> None:
        return None


@dataclass(frozen=True)
class RevealInput:
    """The input `input` is revealed to have the value `value`."""

    input: str
    value: Any
    kind: ClassVar[str] = "reveal"
    domain: ClassVar[str] = "circuit"

    def text(self) -> str:
        return f"reveal:{self.input}={self.value}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "input": self.input, "value": number_to_json(self.value)}

    @classmethod
    def from_text(cls, payload: str) -> RevealInput:
        return cls(*_split_assignment(payload, "reveal"))

    @classmethod
    def from_json(cls, node: Any) -> RevealInput:
        node.object(("kind", "input", "value"))
        return cls(node["input"].string(), node["value"].number())

    def check(self, instance: Circuit) -> None:
        ids = [i.id for i in instance.inputs]
        if self.input not in ids:
            raise InvalidArgument(f"argument {self.text()!r}: {self.input!r} is not an input (inputs: {', '.join(ids)})")
        d = instance.inputs[ids.index(self.input)].dist
        s = support(d) if d is not None else None
        if s is not None and isinstance(self.value, (int, Fraction)) and self.value not in s[0]:
            raise InvalidArgument(
                f"argument {self.text()!r}: {self.value} is not in the support of {self.input} "
                f"({', '.join(str(v) for v in s[0])})"
            )


@dataclass(frozen=True)
class ProvedNonNegative:
    """A proof that `wire` is non-negative: a square, a product or sum of certified non-negative wires,
    a non-negative scale of one, a non-negative constant, or an input with non-negative support.
    The tool finds and checks the derivation (`check`)."""

    wire: str
    kind: ClassVar[str] = "nonneg"
    domain: ClassVar[str] = "circuit"

    def text(self) -> str:
        return f"nonneg:{self.wire}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "wire": self.wire}

    @classmethod
    def from_text(cls, payload: str) -> ProvedNonNegative:
        return cls(payload)

    @classmethod
    def from_json(cls, node: Any) -> ProvedNonNegative:
        node.object(("kind", "wire"))
        return cls(node["wire"].string())

    def check(self, instance: Circuit) -> None:
        _need_wire(instance, self.wire, self.text())
        if not certified_nonnegative(instance, self.wire):
            raise InvalidArgument(
                f"argument {self.text()!r} does not check: {self.wire} is not syntactically a square, "
                "a sum or product of certified non-negative wires, or a non-negative input or constant"
            )


@dataclass(frozen=True)
class ProvedEqual:
    """A proof that `wire` always equals `value`, checked as a polynomial identity in the inputs."""

    wire: str
    value: Any
    kind: ClassVar[str] = "equal"
    domain: ClassVar[str] = "circuit"

    def text(self) -> str:
        return f"equal:{self.wire}={self.value}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "wire": self.wire, "value": number_to_json(self.value)}

    @classmethod
    def from_text(cls, payload: str) -> ProvedEqual:
        return cls(*_split_assignment(payload, "equal"))

    @classmethod
    def from_json(cls, node: Any) -> ProvedEqual:
        node.object(("kind", "wire", "value"))
        return cls(node["wire"].string(), node["value"].number())

    def check(self, instance: Circuit) -> None:
        _need_wire(instance, self.wire, self.text())
        try:
            poly = {m: c for m, c in polynomial(cone(instance, self.wire)).items() if c != 0}
        except TruthTooExpensive as exc:
            raise InvalidArgument(f"argument {self.text()!r} cannot be checked: {exc}") from None
        zero = (0,) * len(instance.inputs)
        if any(m != zero for m in poly) or poly.get(zero, 0) != self.value:
            raise InvalidArgument(
                f"argument {self.text()!r} does not check: {self.wire} is not identically {self.value} "
                f"as a polynomial in the inputs"
            )


def certified_nonnegative(c: Circuit, wire: str) -> bool:
    """A syntactic sum-of-squares certificate for `wire >= 0` exists (found by structural recursion)."""
    memo: dict[str, bool] = {}

    def ok(w: str) -> bool:
        if w in memo:
            return memo[w]
        g = c.gate(w)
        if g is None:
            inp = c.inputs[c.wire_index(w)]
            s = support(inp.dist) if inp.dist is not None else None
            result = s is not None and all(v >= 0 for v in s[0])
        elif g.op == "const":
            result = g.value >= 0
        elif g.op == "mul":
            result = g.args[0] == g.args[1] or (ok(g.args[0]) and ok(g.args[1]))
        elif g.op == "add":
            result = ok(g.args[0]) and ok(g.args[1])
        elif g.op == "scale":
            result = g.value >= 0 and ok(g.args[0])
        else:
            result = False
        memo[w] = result
        return result

    return ok(wire)


def revealed_values(arguments: Any) -> dict[str, Any]:
    """Input id -> revealed value, from the RevealInput atoms of an argument set (None or empty: {})."""
    if not arguments:
        return {}
    return {a.input: a.value for a in arguments.of(RevealInput)}
