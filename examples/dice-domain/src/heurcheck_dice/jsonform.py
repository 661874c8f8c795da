"""The JSON form of a dice game::

    {"domain": "dice",
     "dice": [{"id": "a", "faces": 6}, {"id": "b", "faces": 4}],
     "expr": {"op": "add", "args": [{"op": "mul", "args": ["a", "a"]},
                                    {"op": "max", "args": ["b", {"const": "1/2"}]}]}}

An expression is a die id (a string: that die's roll), `{"const": NUMBER}` (an int, a decimal read
exactly, or a string "p/q") or `{"op": "add" | "mul" | "max", "args": [two or more expressions]}`.
Every die is fair with faces 1..faces. Unknown fields are errors.
"""

from __future__ import annotations

from typing import Any

from heurcheck.jsonio import Node, number_to_json

from .model import MAX_FACES, OPS, Const, DiceGame, Die, Expr, Op, Roll

MAX_DEPTH = 100
_EXPR = 'a die id (a string), {"const": NUMBER} or {"op": "add" | "mul" | "max", "args": [...]}'


def from_json(node: Node) -> DiceGame:
    node.object(("domain", "dice", "expr"))
    dice: list[Die] = []
    for item in node["dice"].items(min_len=1):
        item.object(("id", "faces"))
        die = item["id"]
        if not die.string():
            die.fail("a non-empty string")
        if any(d.id == die.value for d in dice):
            die.fail(f"a die id not used before (ids: {', '.join(d.id for d in dice)})")
        dice.append(Die(die.value, item["faces"].integer(1, MAX_FACES)))
    return DiceGame(tuple(dice), _expr(node["expr"], {d.id for d in dice}, 0))


def _expr(node: Node, declared: set[str], depth: int) -> Expr:
    if depth > MAX_DEPTH:
        node.fail(f"an expression nested at most {MAX_DEPTH} deep")
    if isinstance(node.value, str):
        if node.value not in declared:
            node.fail(f"a declared die ({', '.join(sorted(declared))})")
        return Roll(node.value)
    if isinstance(node.value, dict) and "const" in node.value:
        node.object(("const",))
        return Const(node["const"].number())
    if isinstance(node.value, dict) and "op" in node.value:
        node.object(("op", "args"))
        op = node["op"].string(OPS)
        return Op(op, tuple(_expr(a, declared, depth + 1) for a in node["args"].items(min_len=2)))
    node.fail(_EXPR)


def to_json(game: DiceGame) -> dict[str, Any]:
    return {"domain": "dice", "dice": [{"id": d.id, "faces": d.faces} for d in game.dice],
            "expr": _expr_to_json(game.expr)}


def _expr_to_json(expr: Expr) -> Any:
    if isinstance(expr, Roll):
        return expr.die
    if isinstance(expr, Const):
        return {"const": number_to_json(expr.value)}
    return {"op": expr.op, "args": [_expr_to_json(a) for a in expr.args]}
