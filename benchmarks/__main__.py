"""Run the whole benchmark suite: `python -m benchmarks [--quick] [--only NAME ...]` from the repository root.

Each benchmark runs as its own process (`python benchmarks/bench_NAME.py`), one after the other so
that they do not compete for the cores; a process each keeps their state apart (the checker
benchmark re-executes itself with PYTHONHASHSEED pinned, and one part's memory does not weigh on
the next).
Each prints its own tables, baselines measured in the same run, and whether each target is met.
`--quick` passes `--quick` to every benchmark: small sizes and one seed, a smoke run of every code
path in well under a minute whose figures are not meant to be quoted. The exit status is 1 if a
benchmark failed (crashed), whatever its figures say.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("propagation", "hafnian", "truth", "floats", "checker", "campaign")  # benchmarks/bench_<name>.py, in this order


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: small sizes, one seed")
    parser.add_argument("--only", nargs="*", choices=BENCHMARKS, default=list(BENCHMARKS),
                        help="the benchmarks to run (default: all)")
    args = parser.parse_args()
    failed = []
    for name in args.only:
        command = [sys.executable, str(HERE / f"bench_{name}.py")] + (["--quick"] if args.quick else [])
        print(f"==> {name}: {' '.join(command[1:])}", flush=True)
        start = time.perf_counter()
        status = subprocess.run(command).returncode
        print(f"<== {name}: {'ok' if status == 0 else f'FAILED (exit status {status})'} "
              f"in {time.perf_counter() - start:.1f} s\n", flush=True)
        if status != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
