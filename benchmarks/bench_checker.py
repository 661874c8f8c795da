"""How fast the checker finds the planted faults, against plain Hypothesis; and the checker's overhead.

Run: python benchmarks/bench_checker.py [--quick] [--seeds N] [--cap S] [--only NAME ...] [--no-baseline]

Part 1. For each planted fault of tests/quality/test_planted_faults.py (estimator, property, domain,
parameters), `heurcheck.checker.check` with budget = cap (30 s) and seeds 0..N-1: median wall time to
the verdict, median witness size, seeds that found it. Baseline, same seeds and cap: a plain
Hypothesis `@given` test over a naive strategy (the default `circuits()` / boolean `instances()`,
no `recent`, no op weighting, uniform argument sets), evaluating the same property's relation
(`prop.evaluate`, same tolerance), failing on the first violation (for randomised estimators:
|z| > 3.29, a two-sided 1e-3 test per case) and shrunk by Hypothesis itself; time to the first
failure, total time with shrinking, and the size of the shrunk example. Properties whose case is a
whole distribution (accuracy) or a symmetrisation (unpredictable-errors) and set-semantics (whose
own strategy is already naive) use the property's own strategy in the baseline.

Part 2. Overhead of the search: a correct estimator made slow (`mean`, 2 ms of sleep per call),
`RandomEngine(max_examples).run(...)` on a property it satisfies; overhead = (wall - time inside the
estimator) / wall, from `Call.seconds`.

The script re-executes itself with PYTHONHASHSEED=0, as the quality suite pins it for FirstAtomOnly.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUALITY = ROOT / "tests" / "quality"

if os.environ.get("PYTHONHASHSEED") != "0":
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})

sys.path.insert(0, str(QUALITY))

from hypothesis import HealthCheck, Phase, Verbosity, given, settings  # noqa: E402
from hypothesis import seed as hseed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from heurcheck import Registry  # noqa: E402
from heurcheck.checker import CheckRequest, CheckSettings, check  # noqa: E402
from heurcheck.domains.circuit import Circuit, Gate, circuits  # noqa: E402
from heurcheck.engines.random import RandomEngine  # noqa: E402
from heurcheck.properties.base import Call, Case, EstimatorFailure, NotApplicable  # noqa: E402
from heurcheck.properties.registry import create  # noqa: E402
from heurcheck.properties.strategies import boolean_arguments, circuit_arguments  # noqa: E402

import faulty  # noqa: E402,F401  (importable with tests/quality on sys.path)
from test_planted_faults import PLANTED  # noqa: E402

Z_CRITICAL = 3.29  # two-sided 1e-3 per case, for the baseline on randomised estimators


# --------------------------------------------------------------------------- naive strategies


def naive_cases(prop: Any, domain: str, estimator: Any) -> tuple[Any, str]:
    """A plain strategy for the property's case shape, and a label saying what it is."""
    name = prop.name
    if name == "exactness" and domain == "circuit":
        @st.composite
        def build(draw: Any) -> Case:
            y = draw(circuits())
            return Case((("Y", y),), (("Pi", draw(circuit_arguments(y, kinds=("keep", "reveal")))),))
        return build(), "circuits() + uniform args"
    if name == "linearity" and domain == "circuit":
        from heurcheck.properties.linearity import COEFFICIENTS

        @st.composite
        def lin(draw: Any) -> Case:
            c = draw(circuits())
            wires = c.wires
            u, v = (wires[draw(st.integers(0, len(wires) - 1))] for _ in range(2))
            a, b = draw(COEFFICIENTS), draw(COEFFICIENTS)
            top = (Gate("aX", "scale", (u,), a), Gate("bY", "scale", (v,), b), Gate("Z", "add", ("aX", "bY")))
            z = Circuit(c.inputs, c.gates + top, "Z", c.joint)
            x, y = (Circuit(z.inputs, z.gates, w, z.joint) for w in (u, v))
            return Case((("X", x), ("Y", y), ("Z", z)), (("Pi", draw(circuit_arguments(z))),), (("a", a), ("b", b)))
        return lin(), "circuits() + uniform args"
    if name == "boundedness" and domain == "boolean":
        from heurcheck.domains.boolean import instances

        @st.composite
        def bnd(draw: Any) -> Case:
            c = draw(instances())
            return Case((("Y", c),), (("Pi", draw(boolean_arguments(c))),))
        return bnd(), "instances() + uniform args"
    return prop.cases(domain, estimator), "property's own"


class _Deadline(BaseException):
    """Stops a plain Hypothesis run at the cap (a BaseException, so Hypothesis lets it through)."""


class _Violation(Exception):
    pass


def plain_hypothesis(planted: Any, seed: int, cap: float) -> dict[str, Any]:
    """Time to first failure, total time and shrunk size of a plain @given test over naive cases."""
    prop = create(planted.property, **planted.parameters)
    ref = f"{QUALITY / 'faulty.py'}:{planted.estimator}"
    estimator = Registry.default().create(ref)
    strategy, label = naive_cases(prop, planted.domain, estimator)
    call = Call(estimator, seed=seed)
    start = time.perf_counter()
    state: dict[str, Any] = {"first": None, "last": None, "failing": set(), "label": label}

    def fail(case: Case, key: str) -> None:
        # one raise site: Hypothesis tells failures apart by where they are raised
        state["failing"].add(key)
        state["last"] = case
        raise _Violation()

    def body(case: Case) -> None:
        key = case.key()
        if key in state["failing"]:
            fail(case, key)
        if time.perf_counter() - start > cap:
            if state["first"] is not None:
                return  # shrinking ends at the cap: unknown cases pass
            raise _Deadline()
        call.begin(case)
        try:
            out = prop.evaluate(case, call)
        except NotApplicable:
            return
        except EstimatorFailure:
            out = None
        if out is not None:
            bad = out.applicable and ((out.violation / out.stderr > Z_CRITICAL) if out.stderr else out.violates)
            if not bad:
                return
        if state["first"] is None:
            state["first"] = time.perf_counter() - start
        fail(case, key)

    test = settings(max_examples=10**6, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                    phases=[Phase.explicit, Phase.generate, Phase.shrink], report_multiple_bugs=False,
                    print_blob=False, verbosity=Verbosity.quiet)(hseed(seed)(given(strategy)(body)))
    try:
        test()
    except (_Violation, _Deadline):
        pass
    except Exception as exc:  # e.g. Hypothesis's FlakyFailure; the first failure time stands
        state["error"] = exc.__class__.__name__
    total = time.perf_counter() - start
    size = state["last"].size() if state["last"] is not None else None
    return {"found": state["first"] is not None, "first": state["first"], "total": total, "size": size,
            "label": label}


def heurcheck_check(planted: Any, seed: int, cap: float) -> dict[str, Any]:
    ref = f"{QUALITY / 'faulty.py'}:{planted.estimator}"
    request = CheckRequest(ref, {}, (planted.property,), {planted.property: planted.parameters}, planted.domain)
    start = time.perf_counter()
    (finding,) = check(request, CheckSettings(budget=cap, findings_dir=None, seed=seed))
    seconds = time.perf_counter() - start
    return {"found": finding.verdict is planted.verdict, "verdict": finding.verdict.value, "total": seconds,
            "size": (finding.observed or {}).get("size")}


def _median(xs: list[Any]) -> str:
    xs = [x for x in xs if x is not None]
    return f"{statistics.median(xs):.2f}" if xs else "-"


def _median_size(xs: list[Any]) -> str:
    xs = [x for x in xs if x is not None]
    return f"{statistics.median(xs):g}" if xs else "-"


def bench_faults(seeds: int, cap: float, only: list[str], baseline: bool) -> None:
    print(f"planted faults: check(budget={cap:g}) vs plain Hypothesis (cap {cap:g} s), seeds 0..{seeds - 1}; "
          "times are medians over the seeds that found it, sizes medians of witness sizes")
    print(f"{'estimator':<18}{'property':<21}{'found':>6}{'t (s)':>7}{'size':>6}  |{'found':>6}{'t1 (s)':>8}"
          f"{'tall (s)':>9}{'size':>6}  baseline strategy")
    for planted in PLANTED.values():
        if only and planted.estimator not in only:
            continue
        hc = [heurcheck_check(planted, s, cap) for s in range(seeds)]
        found = [r for r in hc if r["found"]]
        line = (f"{planted.estimator:<18}{planted.property:<21}{len(found):>4}/{seeds}"
                f"{_median([r['total'] for r in found]):>7}{_median_size([r['size'] for r in found]):>6}  |")
        if baseline:
            hy = [plain_hypothesis(planted, s, cap) for s in range(seeds)]
            hf = [r for r in hy if r["found"]]
            line += (f"{len(hf):>4}/{seeds}{_median([r['first'] for r in hf]):>8}{_median([r['total'] for r in hf]):>9}"
                     f"{_median_size([r['size'] for r in hf]):>6}  {hy[0]['label']}")
        missed = sorted({r["verdict"] for r in hc if not r["found"]})
        if missed:
            line += f"  (checker misses: {', '.join(missed)})"
        print(line, flush=True)


# --------------------------------------------------------------------------- overhead


class SlowMean:
    """`mean` (MeanPropagation) with 2 ms of sleep per call: a correct, deliberately slow estimator."""

    def __init__(self) -> None:
        self.inner = Registry.default().create("mean")
        self.name = "slow-mean"
        for attr in ("domains", "randomised", "traceable", "options"):
            setattr(self, attr, getattr(self.inner, attr))

    def estimate(self, instance: Any, arguments: Any) -> Any:
        time.sleep(0.002)
        return self.inner.estimate(instance, arguments)


def bench_overhead(max_examples: int, seeds: int) -> None:
    print(f"\noverhead: RandomEngine(max_examples={max_examples}) on `mean` + 2 ms sleep per call, circuit domain; "
          "target overhead <= 30%")
    print(f"{'property':<26}{'seed':>5}{'cases':>7}{'calls':>7}{'wall (s)':>10}{'inside (s)':>12}{'overhead':>10}"
          f"{'verdict':>10}")
    for name, params in (("linearity", {"form": "combination"}), ("set-semantics", {})):
        for seed in range(seeds):
            prop = create(name, **params)
            call = Call(SlowMean(), seed=seed)
            engine = RandomEngine(max_examples, 600.0, seed)
            start = time.perf_counter()
            result = engine.run(prop, call, "circuit", on_violation=lambda *a: None)
            wall = time.perf_counter() - start
            verdict = "violated" if result.witness or result.failure else "holds"
            print(f"{name + ' ' + ','.join(f'{k}={v}' for k, v in params.items()):<26}{seed:>5}{result.cases:>7}"
                  f"{call.calls:>7}{wall:>10.2f}{call.seconds:>12.2f}{(wall - call.seconds) / wall:>10.1%}"
                  f"{verdict:>10}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 seeds, 10 s cap, 200 examples for the overhead")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--cap", type=float, default=None)
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-overhead", action="store_true")
    parser.add_argument("--no-faults", action="store_true")
    args = parser.parse_args()
    seeds = args.seeds or (3 if args.quick else 5)
    cap = args.cap or (10.0 if args.quick else 30.0)
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"PYTHONHASHSEED={os.environ.get('PYTHONHASHSEED')}")
    if not args.no_faults:
        bench_faults(seeds, cap, args.only, not args.no_baseline)
    if not args.no_overhead:
        bench_overhead(200 if args.quick else 500, 2 if args.quick else 3)


if __name__ == "__main__":
    main()
