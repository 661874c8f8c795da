"""The `boolean` domain object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ...arguments import Arguments, Atom
from ...jsonio import Node
from ..base import ATOM, Description, MonteCarlo, gate_formula, number_text, wrapped
from ..circuit.model import Circuit
from .atoms import ProvedConstant, RevealBit
from .jsonform import from_json, to_json
from .model import BooleanCircuit
from .strategies import instances
from .transform import restrict, to_circuit
from .truth import monte_carlo, truth


@dataclass(frozen=True)
class BooleanDomain:
    """The boolean-circuit domain: p(C) = Pr[C(x) = 1] over independent input bits."""

    name: ClassVar[str] = "boolean"
    summary: ClassVar[str] = "boolean circuits (and, or, xor, not) on independent bits: Y = Pr[C(x) = 1]"
    instance_type: ClassVar[type] = BooleanCircuit
    atom_types: ClassVar[tuple[type[Atom], ...]] = (RevealBit, ProvedConstant)

    def from_json(self, node: Node) -> BooleanCircuit:
        return from_json(node)

    def to_json(self, instance: BooleanCircuit) -> dict[str, Any]:
        return to_json(instance)

    def truth(self, instance: BooleanCircuit, arguments: Arguments) -> Any:
        return truth(instance, arguments)

    def monte_carlo(self, instance: BooleanCircuit, arguments: Arguments, samples: int, seed: int) -> MonteCarlo:
        return monte_carlo(instance, arguments, samples, seed)

    def instances(self, **limits: Any) -> Any:
        return instances(**limits)

    def size(self, instance: BooleanCircuit) -> int:
        """Inputs + gates."""
        return len(instance.inputs) + len(instance.gates)

    def lift(self, instance: BooleanCircuit, prefix: str = "") -> BooleanCircuit:
        """Unchanged: the formal engines do not take boolean circuits with symbolic probabilities."""
        return instance

    def describe(self, instance: BooleanCircuit) -> Description:
        """The output as a formula over the input bits (¬ not, ∧ and, ∨ or, ⊕ xor), and each bit's law."""
        formula = gate_formula(instance.output, [i.id for i in instance.inputs], instance.gates, _spell)
        head = [f"Y = Pr[{formula[0]} = 1]"] if len(formula) == 1 else \
            [f"Y = Pr[{instance.output} = 1], where", *formula]
        return Description(tuple(head + [f"{i.id} ~ Bernoulli({number_text(i.p)})" for i in instance.inputs]))

    def restrict(self, instance: BooleanCircuit, input_id: str, value: int) -> BooleanCircuit:
        return restrict(instance, input_id, value)

    def to_circuit(self, instance: BooleanCircuit, arguments: Arguments | None = None) -> Circuit:
        return to_circuit(instance, arguments)


_SYMBOL = {"and": "∧", "or": "∨", "xor": "⊕"}


def _spell(op: str, args: tuple[tuple[str, int], ...], value: Any) -> tuple[str, int]:
    if op == "const":
        return str(value), ATOM
    if op == "not":
        return f"¬{wrapped(args[0], ATOM)}", ATOM - 1
    # every binary gate in parentheses: no precedence among ∧, ∨ and ⊕ to remember
    return f"{wrapped(args[0], ATOM - 1)} {_SYMBOL[op]} {wrapped(args[1], ATOM - 1)}", 0


DOMAIN = BooleanDomain()
