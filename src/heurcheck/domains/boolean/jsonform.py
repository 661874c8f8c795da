"""The JSON form of boolean circuits (see the package docstring).
"""

from __future__ import annotations

from typing import Any

from ...jsonio import Node, number_to_json
from .model import ARITY, HALF, BitInput, BoolGate, BooleanCircuit


def from_json(node: Node) -> BooleanCircuit:
    """Build and validate a circuit from its JSON form (see the package docstring)."""
    node.object(("domain", "inputs", "output"), ("gates",))
    node["domain"].string(("boolean",))
    inputs = []
    for item in node["inputs"].items():
        item.object(("id",), ("p",))
        p = item["p"].number(0, 1) if item.present("p") else HALF
        inputs.append(BitInput(item["id"].string(), p))
    gates = []
    for item in node.get("gates", []).items():
        item.object(("id", "op"), ("args", "value"))
        op = item["op"].string(tuple(ARITY))
        args = tuple(a.string() for a in item.get("args", []).items())
        value = item["value"].integer(0, 1) if item.present("value") else None
        gates.append(BoolGate(item["id"].string(), op, args, value))
    return BooleanCircuit(tuple(inputs), tuple(gates), node["output"].string())


def to_json(instance: BooleanCircuit) -> dict[str, Any]:
    """The JSON form; `from_json(Node(to_json(c))) == c` for rational p."""
    gates: list[dict[str, Any]] = []
    for g in instance.gates:
        gate: dict[str, Any] = {"id": g.id, "op": g.op}
        if g.args:
            gate["args"] = list(g.args)
        if g.value is not None:
            gate["value"] = g.value
        gates.append(gate)
    return {
        "domain": "boolean",
        "inputs": [{"id": i.id, "p": number_to_json(i.p)} for i in instance.inputs],
        "gates": gates,
        "output": instance.output,
    }
