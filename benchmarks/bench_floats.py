"""Exact permanent and hafnian on floats against thewalrus (issue 18, target 2), in one run.

Run: python benchmarks/bench_floats.py [--quick] [--repeat N]
(thewalrus is the baseline: `pip install -e '.[bench]'`; without it the baseline columns are left out.)

heurcheck: `heurcheck.domains.permanent.permanent` and `hafnian` on float matrices, i.e. the numba
kernels of `heurcheck.domains.kernels` when numba is installed (extra `fast`), the numpy / Python
paths otherwise (the run says which). Baseline: thewalrus's `perm(A, method="bbfg")` and
`hafnian(A, method="recursive")`, compiled by numba as well. Each of the `--repeat` rounds runs
each side once, alternately (after one untimed warm-up call each, which compiles); medians are
reported, ratio = heurcheck / thewalrus.

Instances: A with entries k/1024, k uniform in [-2048, 2048] (floats whose products round), and
for the hafnian Sigma = A + A^T. Accuracy: the relative error of each side against the exact
value of the same binary fractions (heurcheck's exact rational path), on the sizes where that is
cheap enough (`--exact-up-to`).

Target: heurcheck within 2x of thewalrus (ratio <= 2) at n = 20-24.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from heurcheck.domains.kernels import compiled_available
from heurcheck.domains.permanent import hafnian, permanent

TARGET = 2.0


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def relative_error(value: float, exact: Fraction) -> float:
    if exact == 0:
        return abs(value)
    return float(abs(Fraction(value) - exact) / abs(exact))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: small sizes, one round")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds (median reported)")
    parser.add_argument("--exact-up-to", type=int, default=20, help="largest n whose exact value is computed")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    try:
        import thewalrus
    except ImportError:
        thewalrus = None
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"numpy {np.__version__}, heurcheck float path: "
          f"{'numba kernels' if compiled_available() else 'numpy / Python (numba not installed)'}, "
          f"thewalrus {thewalrus.__version__ if thewalrus else 'not installed'}")
    print(f"exact permanent and hafnian on floats against thewalrus, medians of {repeat} interleaved rounds")
    print(f"{'what':<10}{'n':>3}{'heurcheck (s)':>15}{'thewalrus (s)':>15}{'ratio':>8}"
          f"{'rel. error heurcheck':>22}{'rel. error thewalrus':>22}")
    rng = np.random.default_rng(18)
    verdicts = []
    sizes = (12, 16) if args.quick else (16, 20, 22, 24)
    for what in ("permanent", "hafnian"):
        for n in sizes:
            a = rng.integers(-2048, 2049, size=(n, n)) / 1024.0
            if what == "hafnian":
                a = a + a.T
            rows = [[float(v) for v in r] for r in a]
            ours: Callable[[], Any] = (lambda: permanent(rows)) if what == "permanent" else (lambda: hafnian(rows))
            theirs: Callable[[], Any] | None = None
            if thewalrus is not None:
                theirs = (lambda: thewalrus.perm(a, method="bbfg")) if what == "permanent" else \
                    (lambda: thewalrus.hafnian(a, method="recursive"))
                theirs()
            ours()
            t_ours, t_theirs = [], []
            value = baseline = None
            for _ in range(repeat):
                seconds, value = timed(ours)
                t_ours.append(seconds)
                if theirs is not None:
                    seconds, baseline = timed(theirs)
                    t_theirs.append(seconds)
            mine = statistics.median(t_ours)
            line = f"{what:<10}{n:>3}{mine:>15.4f}"
            if t_theirs:
                other = statistics.median(t_theirs)
                line += f"{other:>15.4f}{mine / other:>8.2f}"
                if 20 <= n <= 24:
                    verdicts.append((what, n, mine / other))
            else:
                line += f"{'-':>15}{'-':>8}"
            if n <= args.exact_up_to:
                exact_rows = [[Fraction(v) for v in r] for r in rows]
                exact = permanent(exact_rows) if what == "permanent" else hafnian(exact_rows)
                line += f"{relative_error(value, exact):>22.1e}"
                line += f"{relative_error(float(np.real(baseline)), exact):>22.1e}" if baseline is not None else f"{'-':>22}"
            print(line, flush=True)
    if verdicts:
        missed = [f"{w} n={n} ({r:.2f}x)" for w, n, r in verdicts if r > TARGET]
        print(f"target: within {TARGET:g}x of thewalrus at n = 20-24 ({len(verdicts)} rows): "
              f"{'met' if not missed else 'NOT MET on ' + ', '.join(missed)}")
    else:
        print("target: within 2x of thewalrus at n = 20-24: not assessed (thewalrus not installed, or --quick)")


if __name__ == "__main__":
    main()
