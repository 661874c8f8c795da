"""The boolean-circuit model: input bits, gates, the BooleanCircuit instance, and vectorised evaluation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Rational
from typing import Any, ClassVar

import numpy as np

from ...errors import InvalidInstance

ARITY: dict[str, int] = {"and": 2, "or": 2, "xor": 2, "not": 1, "const": 0}
HALF = Fraction(1, 2)
_NUMPY_OPS: dict[str, Callable[..., Any]] = {
    "and": np.logical_and,
    "or": np.logical_or,
    "xor": np.logical_xor,
    "not": np.logical_not,
}


@dataclass(frozen=True)
class BitInput:
    """An independent input bit with Pr[bit = 1] = p."""

    id: str
    p: Any = HALF


@dataclass(frozen=True)
class BoolGate:
    id: str
    op: str
    args: tuple[str, ...] = ()
    value: int | None = None  # for const only: 0 or 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "args", tuple(self.args))  # keep the gate hashable when given a list


@dataclass(frozen=True)
class BooleanCircuit:
    """A boolean circuit instance. Wires are the inputs (first) then the gates, in order."""

    inputs: tuple[BitInput, ...]
    gates: tuple[BoolGate, ...]
    output: str
    domain: ClassVar[str] = "boolean"
    _index: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", tuple(self.inputs))
        object.__setattr__(self, "gates", tuple(self.gates))
        index: dict[str, int] = {}
        for i, inp in enumerate(self.inputs):
            _new_id(index, inp.id, f"inputs[{i}].id")
            # outside [0, 1], NaN included, asked with the < and <= that numbers.Real declares
            if isinstance(inp.p, (Rational, float)) and (inp.p < 0 or not inp.p <= 1):
                raise InvalidInstance(f"field inputs[{i}].p: expected a number in [0, 1], got {inp.p!r}")
        for i, g in enumerate(self.gates):
            where = f"gates[{i}]"
            if g.op not in ARITY:
                raise InvalidInstance(f"field {where}.op: expected one of {', '.join(ARITY)}, got {g.op!r}")
            if len(g.args) != ARITY[g.op]:
                raise InvalidInstance(
                    f"field {where}.args: op {g.op!r} takes {ARITY[g.op]} arguments, got {len(g.args)}"
                )
            for a in g.args:
                if a not in index:
                    raise InvalidInstance(
                        f"field {where}.args: {a!r} is not an input or an earlier gate (gates are in topological order)"
                    )
            if g.op == "const" and (isinstance(g.value, bool) or g.value not in (0, 1)):
                raise InvalidInstance(f"field {where}.value: op 'const' needs a value 0 or 1, got {g.value!r}")
            if g.op != "const" and g.value is not None:
                raise InvalidInstance(f"field {where}.value: op {g.op!r} takes no value, got {g.value!r}")
            _new_id(index, g.id, f"{where}.id")
        if self.output not in index:
            raise InvalidInstance(f"field output: {self.output!r} is not a wire of the circuit")
        object.__setattr__(self, "_index", index)

    @property
    def wires(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.inputs) + tuple(g.id for g in self.gates)

    def has_wire(self, wire: str) -> bool:
        return wire in self._index

    def wire_index(self, wire: str) -> int:
        return self._index[wire]

    def is_input(self, wire: str) -> bool:
        return self._index.get(wire, len(self.inputs)) < len(self.inputs)

    def support(self, wire: str) -> tuple[str, ...]:
        """The ids of the inputs that `wire` depends on, in input order."""
        return tuple(i.id for i in self.inputs if i.id in _cone_wires(self, wire))

    def map_numbers(self, f: Callable[[Any], Any]) -> BooleanCircuit:
        """A copy with every p replaced by f(p) (const gate values are logic, not parameters)."""
        return BooleanCircuit(tuple(BitInput(i.id, f(i.p)) for i in self.inputs), self.gates, self.output)

    def parameters(self) -> list[Any]:
        """The p of every input, in input order."""
        return [i.p for i in self.inputs]


def _new_id(index: dict[str, int], wire: Any, where: str) -> None:
    if not isinstance(wire, str) or not wire:
        raise InvalidInstance(f"field {where}: expected a non-empty string, got {wire!r}")
    if wire in index:
        raise InvalidInstance(f"field {where}: duplicate wire id {wire!r}")
    index[wire] = len(index)


# ---------------------------------------------------------------- evaluation and ground truth


def _cone_wires(instance: BooleanCircuit, target: str) -> set[str]:
    needed = {target}
    for g in reversed(instance.gates):
        if g.id in needed:
            needed.update(g.args)
    return needed


def _evaluate(instance: BooleanCircuit, bits: Mapping[str, Any], target: str) -> Any:
    """The values of `target` given broadcastable boolean arrays for the inputs it depends on."""
    needed = _cone_wires(instance, target)
    gates = [g for g in instance.gates if g.id in needed]
    last_use = {a: i for i, g in enumerate(gates) for a in g.args}
    values = dict(bits)
    for i, g in enumerate(gates):
        if g.op == "const":
            values[g.id] = np.bool_(g.value)
        else:
            values[g.id] = _NUMPY_OPS[g.op](*(values[a] for a in g.args))
        # Drop wires after their last use so memory follows the circuit's width, not its size.
        for a in set(g.args):
            if last_use[a] == i and a != target:
                del values[a]
    return values[target]
