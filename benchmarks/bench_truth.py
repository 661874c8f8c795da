"""Exact truths (permanent, hafnian, circuit expansion) against general baselines measured in the same run.

Run: python benchmarks/bench_truth.py [--quick]

Baselines:
- permanent: the naive sum over all permutations (itertools.permutations, Python ints), n <= 8;
- hafnian: brute force over all perfect matchings (recursive, Python ints), n <= 12; and sympy's
  own expectation machinery, `sympy.stats.E` of Z_1 ... Z_n for Z ~ `sympy.stats.MultivariateNormal`
  (0, Sigma), in a forked subprocess capped at a timeout, for the smallest n;
- circuit expansion: sympy's own expectation machinery, `sympy.stats.E`, on the same polynomial
  built from the circuit's gates with `sympy.stats.Normal` inputs (expressions constructed
  programmatically, never parsed), in a forked subprocess capped at a timeout: "> T s" where it
  does not finish.
Every instance where both finish is checked for exact equality (the check is printed).
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing as mp
import platform
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from heurcheck.domains.circuit import Circuit, Gaussian, layered_circuit, truth
from heurcheck.domains.permanent import glynn, hafnian, permanent, ryser


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


# --------------------------------------------------------------------------- baselines


def perm_by_permutations(rows: list[list[int]]) -> int:
    n = len(rows)
    total = 0
    for s in itertools.permutations(range(n)):
        term = 1
        for i in range(n):
            term *= rows[i][s[i]]
            if not term:
                break
        total += term
    return total


def haf_by_matchings(rows: list[list[int]]) -> int:
    def rec(rest: tuple[int, ...]) -> int:
        if not rest:
            return 1
        i, others = rest[0], rest[1:]
        total = 0
        for k, j in enumerate(others):
            if rows[i][j]:
                total += rows[i][j] * rec(others[:k] + others[k + 1:])
        return total

    return rec(tuple(range(len(rows))))


def sympy_expectation(c: Circuit) -> Any:
    """E[C(x)] by sympy.stats.E on the circuit's polynomial, built gate by gate from sympy objects."""
    import sympy
    from sympy.stats import E, Normal

    wires: dict[str, Any] = {}
    for inp in c.inputs:
        d = inp.dist
        assert isinstance(d, Gaussian)
        mu = sympy.Rational(Fraction(d.mean).numerator, Fraction(d.mean).denominator)
        var = sympy.Rational(Fraction(d.var).numerator, Fraction(d.var).denominator)
        wires[inp.id] = Normal(inp.id, mu, sympy.sqrt(var))
    for g in c.gates:
        a = [wires[x] for x in g.args]
        if g.op == "const":
            v = sympy.Rational(Fraction(g.value).numerator, Fraction(g.value).denominator)
        elif g.op == "neg":
            v = -a[0]
        elif g.op == "scale":
            v = sympy.Rational(Fraction(g.value).numerator, Fraction(g.value).denominator) * a[0]
        elif g.op == "add":
            v = a[0] + a[1]
        else:
            v = a[0] * a[1]
        wires[g.id] = v
    return sympy.simplify(E(wires[c.output]))


def sympy_gaussian_moment(rows: list[list[int]]) -> Any:
    """E[Z_1 ... Z_n] for Z ~ N(0, Sigma) by sympy.stats.E on a MultivariateNormal: the hafnian of Sigma."""
    import sympy
    from sympy.stats import E, MultivariateNormal

    n = len(rows)
    z = MultivariateNormal("Z", [0] * n, sympy.Matrix(rows))
    product = sympy.Integer(1)
    for i in range(n):
        product = product * z[i]
    return sympy.simplify(E(product))


def circuit_expectation(gates: int, width: int, seed: int) -> Any:
    """The sympy baseline on `layered_circuit(gates, width, seed)`, built in the child process."""
    return sympy_expectation(layered_circuit(gates, width=width, seed=seed))


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    start = time.perf_counter()
    value = fn(*args)
    conn.send((time.perf_counter() - start, str(value)))


def timed_sympy(fn: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> tuple[float | None, str | None]:
    """(seconds, value as text) of a sympy baseline `fn(*args)` in a forked process, or (None, None)
    past the timeout (the process is then killed)."""
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(send, fn, args))
    p.start()
    ready = recv.poll(timeout)
    if not ready:
        p.kill()
        p.join()
        return None, None
    seconds, text = recv.recv()
    p.join()
    return seconds, text


# --------------------------------------------------------------------------- sections


def bench_permanent(repeat: int, sizes: list[int]) -> None:
    rng = np.random.default_rng(0)
    print("permanent (exact, Python ints): glynn / ryser / permanent() against the sum over permutations")
    print(f"{'entries':<9}{'n':>3}{'glynn (s)':>11}{'ryser (s)':>11}{'perm() (s)':>11}{'naive (s)':>11}"
          f"{'ratio':>9}  check")
    for kind in ("0/1", "-2..2"):
        for n in sizes:
            lo, hi = (0, 2) if kind == "0/1" else (-2, 3)
            rows = [[int(v) for v in r] for r in rng.integers(lo, hi, size=(n, n))]
            tg, vg = best_of(lambda: glynn(rows), repeat)
            tr, vr = best_of(lambda: ryser(rows), repeat)
            tp, vp = best_of(lambda: permanent(rows), repeat)
            assert vg == vr == vp, (vg, vr, vp)
            if n <= 8:
                tn, vn = best_of(lambda: perm_by_permutations(rows), 1 if n == 8 else repeat)
                assert vn == vp, (vn, vp)
                base, ratio, ok = f"{tn:11.5f}", f"{tp / tn:9.4f}", f"perm = {vp} = naive: ok"
            else:
                base, ratio, ok = f"{'-':>11}", f"{'-':>9}", f"perm = {vp} (glynn = ryser): ok"
            print(f"{kind:<9}{n:>3}{tg:11.5f}{tr:11.5f}{tp:11.5f}{base}{ratio}  {ok}")


def bench_hafnian(repeat: int, sizes: list[int]) -> None:
    rng = np.random.default_rng(1)
    print("\nhafnian (exact, PSD integer covariances Sigma = B B^T, B in {-1,0,1}^(n x n)): DP against matchings")
    print(f"{'n':>3}{'hafnian (s)':>13}{'matchings (s)':>15}{'ratio':>9}  check")
    for n in sizes:
        b = rng.integers(-1, 2, size=(n, n))
        rows = [[int(v) for v in r] for r in b @ b.T]
        th, vh = best_of(lambda: hafnian(rows), repeat)
        if n <= 12:
            tm, vm = best_of(lambda: haf_by_matchings(rows), 1 if n >= 12 else repeat)
            assert vm == vh, (vm, vh)
            print(f"{n:>3}{th:13.5f}{tm:15.5f}{th / tm:9.4f}  haf = {vh} = matchings: ok")
        else:
            print(f"{n:>3}{th:13.5f}{'-':>15}{'-':>9}  haf = {vh}")


def bench_circuit(repeat: int, sizes: list[tuple[int, int]], timeout: float) -> None:
    import sympy

    print(f"\ncircuit expansion: heurcheck.domains.circuit.truth against sympy.stats.E "
          f"(sympy {sympy.__version__}, {timeout:g} s cap), layered circuits with Gaussian inputs")
    print(f"{'gates':>6}{'width':>7}{'truth (s)':>11}{'sympy (s)':>11}{'ratio':>10}  check")
    for gates, width in sizes:
        c = layered_circuit(gates, width=width, seed=2)
        t, value = best_of(lambda: truth(c), repeat)
        ts, text = timed_sympy(circuit_expectation, (gates, width, 2), timeout)
        if ts is None:
            print(f"{len(c.gates):>6}{width:>7}{t:11.5f}{'> ' + format(timeout, 'g') + ' s':>11}"
                  f"{'< ' + format(t / timeout, '.1e'):>10}  truth = {value} (sympy did not finish)")
            continue
        got = sympy.Rational(text)
        same = got == sympy.Rational(value.numerator, value.denominator)
        assert same, (value, text)
        print(f"{len(c.gates):>6}{width:>7}{t:11.5f}{ts:11.3f}{t / ts:10.1e}  truth = {value} = sympy: ok")


def bench_hafnian_sympy(sizes: list[int], timeout: float) -> None:
    import sympy

    rng = np.random.default_rng(7)  # a seed whose first three matrices have non-zero hafnians
    print(f"\nhafnian against sympy.stats.E of Z_1...Z_n, Z ~ MultivariateNormal(0, Sigma) "
          f"(sympy {sympy.__version__}, {timeout:g} s cap), Sigma = B B^T, B in {{-1,0,1}}^(n x n)")
    print(f"{'n':>3}{'hafnian (s)':>13}{'sympy (s)':>11}{'ratio':>10}  check")
    for n in sizes:
        b = rng.integers(-1, 2, size=(n, n))
        rows = [[int(v) for v in r] for r in b @ b.T]
        th, vh = best_of(lambda: hafnian(rows), 5)
        ts, text = timed_sympy(sympy_gaussian_moment, (rows,), timeout)
        if ts is None:
            print(f"{n:>3}{th:13.5f}{'> ' + format(timeout, 'g') + ' s':>11}{'< ' + format(th / timeout, '.1e'):>10}"
                  f"  haf = {vh} (sympy did not finish)")
            continue
        assert sympy.Integer(text) == vh, (vh, text)
        print(f"{n:>3}{th:13.5f}{ts:11.3f}{th / ts:10.1e}  haf = {vh} = sympy: ok")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run: smaller sizes, one circuit, fewer repeats")
    args = parser.parse_args()
    repeat = 2 if args.quick else 5
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    bench_permanent(repeat, [4, 6, 8, 10] if args.quick else [4, 5, 6, 7, 8, 10, 12])
    bench_hafnian(repeat, [4, 8, 12, 16] if args.quick else [4, 6, 8, 10, 12, 14, 16])
    bench_hafnian_sympy([2] if args.quick else [2, 4, 6], 10.0 if args.quick else 20.0)
    circuit_sizes = [(12, 3)] if args.quick else [(4, 2), (8, 2), (12, 3), (20, 3), (30, 4), (40, 4)]
    bench_circuit(repeat, circuit_sizes, 10.0 if args.quick else 20.0)


if __name__ == "__main__":
    main()
