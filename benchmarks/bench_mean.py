"""Mean propagation's cost per gate at 10^3, 10^4 and 10^5 gates, and the exponent b of time ~ gates^b,
against the previous code path in the same run.

Run: python benchmarks/bench_mean.py [--rounds N] [--repeats R]

Circuits: `layered_circuit(gates, width=32, seed=1)` in floats (as in bench_propagation.py); about a
third of their gates are dead, so `propagate` cuts every one to the output's cone. Each round times,
size by size and alternately, `propagate(c, Arguments(), 1)` (this version: the circuit's `Wiring`,
op codes and argument positions in arrays) and the previous path (issue 18, kept here as the
baseline: `cone` collecting wire ids in a set and building the cut's dict of ids, then a mean pass
keeping means in a dict by wire id), best of R calls each; it prints b per round and the medians
over the rounds. Both must give the same value, to the last bit (checked on every size).
Target (issue 18, target 6): b about 1.0-1.1, a cost per gate that does not grow with the size.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import time
from collections.abc import Mapping
from typing import Any, Callable

from heurcheck.arguments import Arguments
from heurcheck.domains.circuit import Circuit, Gate, condition, layered_circuit, revealed_values
from heurcheck.estimators.cumulant_engine import _cyclic_gc_paused
from heurcheck.estimators.propagation import _input_moments, make_plan, propagate
from heurcheck.estimators.rules import CIRCUIT_RULES, CircuitRules

SIZES = (1_000, 10_000, 100_000)


# --------------------------------------------------------------------------- the previous path (baseline)


def previous_cone(circuit: Circuit, wire: str) -> Circuit:
    need = {wire}
    for g in reversed(circuit.gates):
        if g.id in need:
            need.update(g.args)
    gates = tuple(g for g in circuit.gates if g.id in need)
    if wire == circuit.output and len(gates) == len(circuit.gates):
        return circuit
    return previous_cut(circuit, gates, wire)


def previous_cut(circuit: Circuit, gates: tuple[Gate, ...], output: str) -> Circuit:
    cut = object.__new__(Circuit)
    index = {inp.id: i for i, inp in enumerate(circuit.inputs)}
    base = len(index)
    index.update((g.id, base + i) for i, g in enumerate(gates))
    for name, value in (("inputs", circuit.inputs), ("gates", gates), ("output", output), ("joint", circuit.joint),
                        ("_index", index)):
        object.__setattr__(cut, name, value)
    return cut


def previous_mean_forward(circuit: Circuit, constants: Mapping[int, Any], rules: CircuitRules = CIRCUIT_RULES) -> Any:
    product, scale = rules.independent_product, rules.scale
    means, _ = _input_moments(circuit)
    mean = dict(zip((i.id for i in circuit.inputs), means))
    base = len(circuit.inputs)
    for w, g in enumerate(circuit.gates, start=base):
        op, args = g.op, g.args
        if w in constants:
            value = constants[w]
        elif op == "add":
            value = mean[args[0]] + mean[args[1]]
        elif op == "mul":
            value = product(mean[args[0]], mean[args[1]])
        elif op == "const":
            value = g.value
        elif op == "neg":
            value = -mean[args[0]]
        else:
            value = scale(g.value, mean[args[0]])
        mean[g.id] = value
    return mean[circuit.output]


def previous_propagate(circuit: Circuit, arguments: Arguments) -> Any:
    """`propagate(circuit, arguments, 1)` as it was, on its mean path."""
    with _cyclic_gc_paused():
        circuit = condition(circuit, revealed_values(arguments))
        circuit = previous_cone(circuit, circuit.output)
        plan = make_plan(circuit, arguments, 1)
        assert plan.order == 1 and not plan.kept
        return previous_mean_forward(circuit, plan.constants)


# --------------------------------------------------------------------------- timing


def best_of(repeats: int, f: Callable[[], Any]) -> float:
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - start)
    return best


def exponent(points: list[tuple[int, float]]) -> float:
    xs = [math.log(g) for g, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def line(label: str, points: list[tuple[int, float]]) -> str:
    return (f"{label:<22}" + "".join(f"{g:>8} gates {1e6 * t / g:6.2f} us/gate" for g, t in points)
            + f"   b = {exponent(points):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--repeats", type=int, default=5, help="calls per version, size and round; the best is kept")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load:.1f}, "
          f"CPython {platform.python_version()}")
    circuits = []
    for gates in SIZES:
        c = layered_circuit(gates, width=32, seed=1).map_numbers(float)
        now, before = propagate(c, Arguments(), 1), previous_propagate(c, Arguments())
        if now != before:
            raise SystemExit(f"values differ at {len(c.gates)} gates: {now!r} against {before!r}")
        circuits.append(c)
    print(f"values: equal to the last bit at {', '.join(str(len(c.gates)) for c in circuits)} gates")
    exponents: dict[str, list[float]] = {"previous (baseline)": [], "this version": []}
    per_gate: dict[str, list[list[float]]] = {k: [[] for _ in SIZES] for k in exponents}
    for r in range(args.rounds):
        points: dict[str, list[tuple[int, float]]] = {k: [] for k in exponents}
        for c in circuits:
            for label, f in (("previous (baseline)", lambda: previous_propagate(c, Arguments())),
                             ("this version", lambda: propagate(c, Arguments(), 1))):
                points[label].append((len(c.gates), best_of(args.repeats, f)))
        for label, p in points.items():
            exponents[label].append(exponent(p))
            for k, (g, t) in enumerate(p):
                per_gate[label][k].append(t / g)
            print(f"round {r + 1}  " + line(label, p), flush=True)
    print("medians over the rounds:")
    for label in exponents:
        cells = "".join(f"{len(c.gates):>8} gates {1e6 * statistics.median(per_gate[label][k]):6.2f} us/gate"
                        for k, c in enumerate(circuits))
        print(f"  {label:<20}{cells}   b = {statistics.median(exponents[label]):.2f} "
              f"(range {min(exponents[label]):.2f}-{max(exponents[label]):.2f})")
    ratios = [statistics.median(per_gate["previous (baseline)"][k]) / statistics.median(per_gate["this version"][k])
              for k in range(len(SIZES))]
    print("  previous / this version: " + ", ".join(f"{r:.1f}x" for r in ratios))
    b = statistics.median(exponents["this version"])
    print(f"target: b <= 1.1 (median over the rounds): {'met' if b <= 1.1 else 'NOT MET'} (b = {b:.2f})")


if __name__ == "__main__":
    main()
