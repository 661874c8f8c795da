"""A circuit described for people: its output as a formula over its inputs, and the inputs' laws."""

from __future__ import annotations

from typing import Any

from ..base import ATOM, Description, gate_formula, matrix_table, number_text, wrapped
from .model import Bernoulli, Circuit, Gaussian, Rademacher, Uniform

SUM, PRODUCT, POWER = 1, 2, 3


def _constant(value: Any) -> tuple[str, int]:
    text = number_text(value)
    return text, (ATOM if not text.startswith("-") and "/" not in text else PRODUCT)


def spell_gate(op: str, args: tuple[tuple[str, int], ...], value: Any) -> tuple[str, int]:
    """An arithmetic gate as (text, precedence): a + b, a·b, a² (a gate squaring one wire), -a, c·a."""
    if op == "const":
        return _constant(value)
    if op == "add":
        return f"{args[0][0]} + {wrapped(args[1], PRODUCT)}", SUM
    if op == "mul" and args[0] == args[1]:
        return f"{wrapped(args[0], ATOM)}²", POWER
    if op == "mul":
        return f"{wrapped(args[0], PRODUCT)}·{wrapped(args[1], PRODUCT)}", PRODUCT
    if op == "neg":
        return f"-{wrapped(args[0], POWER)}", PRODUCT
    return f"{wrapped(_constant(value), POWER)}·{wrapped(args[0], PRODUCT)}", PRODUCT  # scale


def _law(law: Any) -> str:
    if isinstance(law, Gaussian):
        return f"N({number_text(law.mean)}, {number_text(law.var)})"
    if isinstance(law, Bernoulli):
        return f"Bernoulli({number_text(law.p)})"
    if isinstance(law, Rademacher):
        return "Rademacher (±1, each with probability 1/2)"
    if isinstance(law, Uniform):
        return "uniform on {" + ", ".join(number_text(v) for v in law.values) + "}"
    return str(law)


def describe_circuit(c: Circuit) -> Description:
    formula = gate_formula(c.output, [i.id for i in c.inputs], c.gates, spell_gate)
    head = [f"Y = E[{formula[0]}]"] if len(formula) == 1 else ["Y = E[" + c.output + "], where", *formula]
    if c.joint is not None:
        names = ", ".join(i.id for i in c.inputs)
        laws = [f"({names}) ~ N(mean, Sigma), mean = (" + ", ".join(number_text(m) for m in c.joint.mean) + ")"]
        return Description(tuple(head + laws), (matrix_table("Sigma", c.joint.cov),))
    return Description(tuple(head + [f"{i.id} ~ {_law(i.dist)}" for i in c.inputs]))
