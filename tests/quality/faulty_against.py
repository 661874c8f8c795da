"""Faults that only a check against the unmodified estimator shows: the built-in itself already
violates the properties that would find them, on other witnesses.

Loaded through `file.py:attr` references like `faulty.py`, so imports here are absolute.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar

from heurcheck.arguments import Arguments
from heurcheck.domains.boolean import BooleanCircuit, ProvedConstant, RevealBit
from heurcheck.estimators.base import Option

HALF = Fraction(1, 2)


class XorSlipMean:
    """Mean propagation on boolean circuits (the independence presumption at every gate, as `mean`
    computes through the arithmetisation), except that XOR is computed with the OR formula,
    p + q - pq, whenever an input's probability differs from 1/2.

    `mean` violates restriction-linearity on fan-out (`x AND x`); this slip breaks it on read-once
    circuits too (XOR of two fair bits, one revealed), where `mean` is exact.
    """

    name: ClassVar[str] = "faulty-xor-slip"
    domains: ClassVar[frozenset[str]] = frozenset({"boolean"})
    randomised: ClassVar[bool] = False
    traceable: ClassVar[bool] = False
    options: ClassVar[dict[str, Option]] = {}

    def estimate(self, instance: BooleanCircuit, arguments: Arguments) -> Any:
        p: dict[str, Any] = {i.id: i.p for i in instance.inputs}
        p.update({a.input: a.value for a in arguments.of(RevealBit)})
        proved = {a.wire: a.value for a in arguments.of(ProvedConstant)}
        for g in instance.gates:
            a = [p[x] for x in g.args]
            if g.id in proved:
                p[g.id] = proved[g.id]
            elif g.op == "const":
                p[g.id] = g.value
            elif g.op == "not":
                p[g.id] = 1 - a[0]
            elif g.op == "and":
                p[g.id] = a[0] * a[1]
            elif g.op == "or" or (g.op == "xor" and (a[0] != HALF or a[1] != HALF)):  # the slip
                p[g.id] = a[0] + a[1] - a[0] * a[1]
            else:
                p[g.id] = a[0] + a[1] - 2 * a[0] * a[1]
        return p[instance.output]
