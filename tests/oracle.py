"""A slow, independent reference for order-K cumulant propagation, used only as a test oracle.

It expands every copy of the newest wire of a multiset at once and sums over all set partitions
of the positions that connect once each copy's two factors are joined (Leonov-Shiryaev written
out literally), dropping every block of earlier wires above order K.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from math import comb
from typing import Any

from heurcheck.domains.circuit import Circuit, cone, cumulants


def partitions(items: list[int]) -> Any:
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for sub in partitions(rest):
        yield [[first]] + sub
        for i, block in enumerate(sub):
            yield sub[:i] + [[first] + block] + sub[i + 1 :]


@lru_cache(maxsize=None)
def connected(m: int, r: int) -> tuple[tuple[tuple[int, ...], ...], ...]:
    size = m + 2 * r
    out = []
    for blocks in partitions(list(range(size))):
        parent = list(range(size))

        def find(x: int) -> int:
            while parent[x] != x:
                x = parent[x]
            return x

        def join(x: int, y: int) -> None:
            parent[find(x)] = find(y)

        for block in blocks:
            for x in block[1:]:
                join(x, block[0])
        for i in range(r):
            join(m + 2 * i + 1, m + 2 * i)
        if len({find(x) for x in range(size)}) == 1:
            out.append(tuple(tuple(b) for b in blocks))
    return tuple(out)


def reference_estimate(circuit: Circuit, order: int | None) -> Fraction:
    c = cone(circuit, circuit.output)
    n = len(c.inputs)
    gates = [(g.op, tuple(c.wire_index(a) for a in g.args), g.value) for g in c.gates]
    memo: dict[tuple[int, ...], Any] = {}

    def kappa(s: tuple[int, ...], top: bool = False) -> Any:
        if not top and len(s) > 1 and order is not None and len(s) > order:
            return 0
        if s in memo:
            return memo[s]
        w = s[-1]
        if w < n:
            if c.joint is not None:
                v = c.joint.mean[s[0]] if len(s) == 1 else (c.joint.cov[s[0]][s[1]] if len(s) == 2 else 0)
            else:
                v = cumulants(c.inputs[w].dist, len(s))[len(s)] if s[0] == s[-1] else 0
            memo[s] = v
            return v
        op, args, value = gates[w - n]
        r = s.count(w)
        rest = s[:-r]
        if op == "const":
            v = value if len(s) == 1 else 0
        elif op in ("neg", "scale"):
            v = (-1 if op == "neg" else value) ** r * kappa(tuple(sorted(rest + (args[0],) * r)))
        elif op == "add":
            v = sum(comb(r, j) * kappa(tuple(sorted(rest + (args[0],) * j + (args[1],) * (r - j))))
                    for j in range(r + 1))
        else:
            wires = rest + tuple(args) * r
            v = 0
            for blocks in connected(len(rest), r):
                term = 1
                for block in blocks:
                    term = term * kappa(tuple(sorted(wires[i] for i in block)))
                v = v + term
        memo[s] = v
        return v

    return kappa((c.wire_index(c.output),), top=True)
