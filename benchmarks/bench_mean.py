"""Mean propagation's cost per gate at 10^3, 10^4 and 10^5 gates, and the exponent b of time ~ gates^b,
against the previous code path in the same run.

Run: python benchmarks/bench_mean.py [--rounds N] [--repeats R]

Circuits: `layered_circuit(gates, width=32, seed=1)` in floats (as in bench_propagation.py); about a
third of their gates are dead, so `propagate` cuts every one to the output's cone. Each round times,
size by size and alternately, `propagate(c, Arguments(), 1)` (this version: the circuit's `Wiring`,
op codes and argument positions in arrays) and the previous path (issue 18, kept here as the
baseline: `cone` collecting wire ids in a set and building the cut's dict of ids, then a mean pass
keeping means in a dict by wire id), best of R calls each, in the process's CPU time and in wall
time; it prints b per round and the medians over the rounds. Both must give the same value, to the
last bit (checked on every size).
Target (issue 18, target 6): b about 1.0-1.1, a cost per gate that does not grow with the size, judged
in CPU time: on a machine shared with other jobs a call of 30 ms or more (10^5 gates) is always
interrupted while other processes run, and wall time counts that wait, while calls of a few ms at
10^4 gates often run uninterrupted, so wall-time exponents there measure the load as much as the code.
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


def best_of(repeats: int, f: Callable[[], Any]) -> tuple[float, float]:
    """The least wall time and the least CPU time of the process over `repeats` calls."""
    wall = cpu = math.inf
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        f()
        wall, cpu = min(wall, time.perf_counter() - start), min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def exponent(points: list[tuple[int, float]]) -> float:
    xs = [math.log(g) for g, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def line(label: str, points: list[tuple[int, float]]) -> str:
    return (f"{label:<20}" + "".join(f"{g:>8} gates {1e6 * t / g:6.2f} us/gate" for g, t in points)
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
    labels = ("previous (baseline)", "this version")
    clocks = ("cpu", "wall")
    exponents = {(label, clock): [] for label in labels for clock in clocks}  # type: dict[tuple[str, str], list[float]]
    per_gate = {key: [[] for _ in SIZES] for key in exponents}  # type: dict[tuple[str, str], list[list[float]]]
    for r in range(args.rounds):
        points = {key: [] for key in exponents}  # type: dict[tuple[str, str], list[tuple[int, float]]]
        for c in circuits:
            for label, f in ((labels[0], lambda: previous_propagate(c, Arguments())),
                             (labels[1], lambda: propagate(c, Arguments(), 1))):
                wall, cpu = best_of(args.repeats, f)
                points[label, "wall"].append((len(c.gates), wall))
                points[label, "cpu"].append((len(c.gates), cpu))
        for key, p in points.items():
            exponents[key].append(exponent(p))
            for k, (g, t) in enumerate(p):
                per_gate[key][k].append(t / g)
            print(f"round {r + 1}  {key[1]:<5}" + line(key[0], p), flush=True)
    print("medians over the rounds (cpu: the process's CPU time; wall: elapsed time, which on a loaded machine\n"
          "includes waiting for a core, more often the longer a call runs):")
    for key in exponents:
        cells = "".join(f"{len(c.gates):>8} gates {1e6 * statistics.median(per_gate[key][k]):6.2f} us/gate"
                        for k, c in enumerate(circuits))
        print(f"  {key[1]:<5}{key[0]:<20}{cells}   b = {statistics.median(exponents[key]):.2f} "
              f"(range {min(exponents[key]):.2f}-{max(exponents[key]):.2f})")
    for clock in clocks:
        ratios = [statistics.median(per_gate[labels[0], clock][k]) / statistics.median(per_gate[labels[1], clock][k])
                  for k in range(len(SIZES))]
        print(f"  {clock}: previous / this version: " + ", ".join(f"{r:.1f}x" for r in ratios))
    b = statistics.median(exponents[labels[1], "cpu"])
    print(f"target: b <= 1.1 in CPU time (median over the rounds): {'met' if b <= 1.1 else 'NOT MET'} (b = {b:.2f}; "
          f"in wall time b = {statistics.median(exponents[labels[1], 'wall']):.2f})")


if __name__ == "__main__":
    main()
