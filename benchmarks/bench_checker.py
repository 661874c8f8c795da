"""How fast the checker finds the planted faults, per engine, against plain Hypothesis; and its overhead.

Run: python benchmarks/bench_checker.py [--quick] [--seeds N] [--cap S] [--only NAME ...]
                                        [--engines NAME ...] [--no-baseline] [--no-faults] [--no-overhead]

Part 1. For each planted fault of tests/quality/test_planted_faults.py (estimator, property, domain,
parameters) and each engine of ENGINES, `heurcheck.checker.check` with budget = cap (30 s), the
engine, and seeds 0..N-1 (default settings otherwise, so a `file.py:Class` estimator runs in an
isolated worker process, as it would for a user): `t1`, the median time to the first
counterexample (when the checker saves its first finding, which it does the moment it sees one),
`tall`, the median time to the verdict (search and shrinking), the median size of the witness,
and how many seeds gave the expected verdict. An engine that `CheckSettings` rejects is reported
as not available, one whose check says it does not apply (verdict not-applicable) as such;
adding a name to ENGINES adds its rows.
Baseline, same seeds and cap: a plain Hypothesis `@given` test over a naive strategy (the default
`circuits()` / boolean `instances()`, no `recent`, no op weighting, uniform argument sets),
evaluating the same property's relation (`prop.evaluate`, same tolerance), failing on the first
violation (for randomised estimators: |z| > 3.29, a two-sided 1e-3 test per case, not corrected
for the number of cases) and shrunk by Hypothesis itself. Properties whose case is a whole
distribution (accuracy) or a symmetrisation (unpredictable-errors) and set-semantics (whose own
strategy is already naive) use the property's own strategy in the baseline.
Target: every planted fault found within 5 s median (judged on the default engine, random).

Part 2. Overhead of the search: a correct estimator made slow (`mean` with 1 ms or 2 ms of sleep per
call), `RandomEngine(...).search(...)` on two properties it satisfies; overhead = (wall -
time inside the estimator) / wall, the inside time measured in the estimator's own `estimate` (earlier
rounds took `Call.seconds`, which also counts the call's timer: 40-60 us a call); the wall time is split
further into evaluation around the estimator, case generation and the search itself (see
`TimedProperty`), and the last two columns give generation and search in ms per case (less
sensitive than shares to how long the sleep takes on a loaded machine). `cpu overhead` estimates the
overhead on an idle machine: the process's CPU time over the search (the checker's work, and the
estimator's own arithmetic, which makes it an upper bound) against itself plus the sleeps as asked
for (calls x 1 or 2 ms); on a loaded machine a 1 ms sleep takes 3-10 ms of wall time.
Target: overhead at most 30% for estimators that take over a millisecond per call.

Part 3 (`--generation`, run alone). Case generation on its own for the same two properties: plain
Hypothesis drawing 300 cases (generate phase), with the argument strategies cached as they now are
and built for every case as before (the cache bypassed), alternately in one process, 5 rounds;
it first checks that both draw the same cases. `--draw` only draws (ms per case, and a digest of
the cases' keys): run alternately on two versions to compare their whole generation path.

The script re-executes itself with PYTHONHASHSEED=0, so that every run iterates sets alike.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
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

import heurcheck.checker  # noqa: E402
from heurcheck import Registry  # noqa: E402
from heurcheck.checker import CheckRequest, CheckSettings, check  # noqa: E402
from heurcheck.domains.circuit import Circuit, Gate, circuits  # noqa: E402
from heurcheck.engines.base import SearchOptions  # noqa: E402
from heurcheck.engines.random import RandomEngine  # noqa: E402
from heurcheck.properties.space import CaseSpace  # noqa: E402
from heurcheck.findings import Verdict  # noqa: E402
from heurcheck.properties.base import Call, Case, EstimatorFailure, NotApplicable  # noqa: E402
from heurcheck.properties.registry import create  # noqa: E402
from heurcheck.domains.boolean import boolean_arguments  # noqa: E402
from heurcheck.domains.circuit import circuit_arguments  # noqa: E402

import faulty  # noqa: E402,F401  (importable with tests/quality on sys.path)
from test_planted_faults import PLANTED  # noqa: E402

ENGINES = ("random", "exhaustive", "symbolic", "smt")  # one row per planted fault and engine
DEFAULT_ENGINE = "random"  # the engine the "found within 10 s" target is judged on
FOUND_WITHIN = 5.0  # seconds, median over the seeds: the target for every planted fault (issue 14)
OVERHEAD_TARGET = 0.30  # the largest share of a check's wall time spent outside the estimator
QUICK_FAULTS = ("AbsScaleMean", "RowOverNormalised", "SqrtRoundTrip")  # fast ones, for a smoke run
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
    space = prop.space(domain, estimator)
    if space.draw is not None:
        return space.draw(), "property's own"
    assert space.finite is not None
    return st.sampled_from([case for _, case in space.finite.cases()]), "property's own (its finite domain)"


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


# --------------------------------------------------------------------------- the checker, per engine


def engine_unavailable(engine: str) -> str | None:
    """Why this engine cannot be asked for (CheckSettings rejects it, or heurcheck.checker lists its
    engines and this is not one), or None when it can."""
    try:
        CheckSettings(engine=engine)
    except Exception as exc:  # whatever the settings raise for a name they do not take
        return f"CheckSettings rejects it ({exc.__class__.__name__}: {exc})"
    known = getattr(heurcheck.checker, "ENGINES", None)
    if known is not None and engine not in known:
        return f"not one of heurcheck.checker.ENGINES {tuple(known)}"
    return None


class FirstFindingClock:
    """The time at which the first finding file appears in a directory: the checker saves a finding
    the moment it sees its first violation (and replaces it by the shrunk one at the end)."""

    POLL = 0.005  # seconds

    def __init__(self, directory: Path, start: float) -> None:
        self.directory, self.start = directory, start
        self.first: float | None = None
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.done.is_set():
            if any(self.directory.iterdir()):
                self.first = time.perf_counter() - self.start
                return
            self.done.wait(self.POLL)

    def stop(self) -> float | None:
        self.done.set()
        self.thread.join()
        return self.first


def heurcheck_check(planted: Any, engine: str, seed: int, cap: float) -> dict[str, Any]:
    """One check of a planted fault with one engine: the verdict, the two times and the witness size."""
    ref = f"{QUALITY / 'faulty.py'}:{planted.estimator}"
    request = CheckRequest(ref, {}, (planted.property,), {planted.property: planted.parameters}, planted.domain)
    with tempfile.TemporaryDirectory(prefix="bench-findings-") as tmp:
        start = time.perf_counter()
        clock = FirstFindingClock(Path(tmp), start)
        try:
            (finding,) = check(request, CheckSettings(budget=cap, findings_dir=Path(tmp), seed=seed, engine=engine))
        except Exception as exc:  # an engine being changed by someone else must not end the whole benchmark
            clock.stop()
            return {"error": f"{exc.__class__.__name__}: {exc}"}
        total = time.perf_counter() - start
        first = clock.stop()
    found = finding.verdict is planted.verdict
    return {"found": found, "verdict": finding.verdict.value, "message": finding.message, "total": total,
            "cases": finding.cases, "first": first if first is not None and found else None,
            "size": (finding.observed or {}).get("size")}


def _median(xs: list[Any]) -> str:
    xs = [x for x in xs if x is not None]
    return f"{statistics.median(xs):.2f}" if xs else "-"


def _median_size(xs: list[Any]) -> str:
    xs = [x for x in xs if x is not None]
    return f"{statistics.median(xs):g}" if xs else "-"


@dataclass(frozen=True)
class EngineRow:
    """One engine on one planted fault: the printed row; when the engine did not run, why (`skipped`);
    otherwise the median time to the verdict when every seed found the fault (None if one did not)."""

    line: str
    skipped: str | None = None
    median_total: float | None = None


def engine_row(planted: Any, engine: str, seeds: int, cap: float) -> EngineRow:
    label = f"{planted.estimator:<28}{planted.property:<21}{engine:<11}"
    unavailable = engine_unavailable(engine)
    if unavailable is not None:
        return EngineRow(f"{label}  not available", skipped=f"engine not available: {unavailable}")
    runs = []
    for seed in range(seeds):
        run = heurcheck_check(planted, engine, seed, cap)
        if "error" in run:
            return EngineRow(f"{label}  not available",
                             skipped=f"engine not available: the check raised {run['error']}")
        declined = run["verdict"] == Verdict.INCONCLUSIVE.value and run["cases"] == 0 and run["total"] < cap
        if run["verdict"] == Verdict.NOT_APPLICABLE.value or declined:
            # decided by the property, estimator and engine, not by the seed; an engine that declines
            # an estimator (no case tried, budget not spent: the formal engines with estimators they
            # cannot trace) says so with an inconclusive verdict
            return EngineRow(f"{label}  does not apply", skipped=f"engine does not apply: {run['message']}")
        runs.append(run)
    found = [r for r in runs if r["found"]]
    line = (f"{label}{len(found):>4}/{seeds}{_median([r['first'] for r in found]):>8}"
            f"{_median([r['total'] for r in found]):>9}{_median_size([r['size'] for r in found]):>6}")
    missed = sorted({r["verdict"] for r in runs if not r["found"]})
    if missed:
        line += f"  (misses: {', '.join(missed)})"
    every_seed = len(found) == seeds
    return EngineRow(line, median_total=statistics.median(r["total"] for r in found) if every_seed else None)


def bench_faults(seeds: int, cap: float, only: list[str], engines: list[str], baseline: bool) -> None:
    print(f"planted faults: check(budget={cap:g}, engine=...) and plain Hypothesis (cap {cap:g} s), seeds "
          f"0..{seeds - 1}; times are medians over the seeds that found it, sizes medians of witness sizes")
    print(f"{'estimator':<28}{'property':<21}{'engine':<11}{'found':>6}{'t1 (s)':>8}{'tall (s)':>9}{'size':>6}")
    applies: dict[str, list[str]] = {engine: [] for engine in engines}  # engine -> faults it ran on
    late: dict[str, list[str]] = {engine: [] for engine in engines}  # ... of which not found in time on every seed
    skipped: dict[str, list[str]] = {}  # why an engine did not run -> the (engine, fault) pairs
    for planted in PLANTED.values():
        if only and planted.estimator not in only:
            continue
        fault = f"{planted.estimator} {planted.property}"
        for engine in engines:
            row = engine_row(planted, engine, seeds, cap)
            print(row.line, flush=True)
            if row.skipped is not None:
                skipped.setdefault(row.skipped, []).append(f"{engine} on {fault}")
                continue
            applies[engine].append(fault)
            if row.median_total is None or row.median_total > FOUND_WITHIN:
                late[engine].append(fault)
        if baseline:
            hy = [plain_hypothesis(planted, s, cap) for s in range(seeds)]
            hf = [r for r in hy if r["found"]]
            print(f"{planted.estimator:<28}{planted.property:<21}{'baseline':<11}{len(hf):>4}/{seeds}"
                  f"{_median([r['first'] for r in hf]):>8}{_median([r['total'] for r in hf]):>9}"
                  f"{_median_size([r['size'] for r in hf]):>6}  plain Hypothesis, {hy[0]['label']}", flush=True)
    for why, where in skipped.items():
        print(f"- {why}\n    ({'; '.join(where)})")
    print(f"target: every planted fault found on every seed with a median time to the verdict <= {FOUND_WITHIN:g} s")
    for engine in engines:
        judged = " (the target's engine)" if engine == DEFAULT_ENGINE else ""
        if not applies[engine]:
            print(f"  {engine}{judged}: applies to none of these faults")
            continue
        verdict = "met" if not late[engine] else f"NOT MET for: {', '.join(late[engine])}"
        print(f"  {engine}{judged}: {len(applies[engine]) - len(late[engine])} of the {len(applies[engine])} "
              f"faults it applies to: {verdict}")


# --------------------------------------------------------------------------- overhead


class SlowMean:
    """`mean` (MeanPropagation) with a sleep per call: a correct, deliberately slow estimator."""

    def __init__(self, delay: float) -> None:
        self.inner = Registry.default().create("mean")
        self.delay = delay
        self.seconds = 0.0  # inside `estimate`, timed here: Call.seconds also counts the call's own timer
        self.name = "slow-mean"
        for attr in ("domains", "randomised", "traceable", "options"):
            setattr(self, attr, getattr(self.inner, attr))

    def estimate(self, instance: Any, arguments: Any) -> Any:
        start = time.perf_counter()
        try:
            time.sleep(self.delay)
            return self.inner.estimate(instance, arguments)
        finally:
            self.seconds += time.perf_counter() - start


class TimedProperty:
    """A property whose case generation (its strategy's draws, Hypothesis's choices included) and
    evaluation are timed, to split a search's wall time: inside the estimator, evaluation around it
    (the property and `Call`), case generation, and the rest (Hypothesis's engine and the search loop)."""

    def __init__(self, prop: Any) -> None:
        self.prop = prop
        self.generation = 0.0
        self.evaluation = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.prop, name)

    def space(self, domain: str, estimator: Any) -> CaseSpace:
        return CaseSpace(domain, draw=lambda: self.cases(domain, estimator))

    def cases(self, domain: str, estimator: Any) -> Any:
        inner = self.prop.cases(domain, estimator)

        @st.composite
        def timed(draw: Any) -> Case:
            start = time.perf_counter()
            try:
                return draw(inner)
            finally:
                self.generation += time.perf_counter() - start

        return timed()

    def evaluate(self, case: Case, call: Call) -> Any:
        start = time.perf_counter()
        try:
            return self.prop.evaluate(case, call)
        finally:
            self.evaluation += time.perf_counter() - start


def bench_overhead(max_examples: int, seeds: int, delays: tuple[float, ...],
                   properties: tuple[tuple[str, dict[str, Any]], ...]) -> None:
    print(f"\noverhead: RandomEngine(max_examples={max_examples}) on `mean` + a sleep per call, circuit domain; "
          f"target overhead <= {OVERHEAD_TARGET:.0%}")
    print("the wall time split: inside the estimator, evaluation around it (property and Call), case generation "
          "(strategy draws), search (Hypothesis's engine and the search loop: the rest)")
    print(f"{'property':<26}{'sleep':>7}{'seed':>5}{'cases':>7}{'calls':>7}{'ms/call':>8}{'wall (s)':>10}"
          f"{'inside':>8}{'eval.':>7}{'gen.':>7}{'search':>8}{'overhead':>10}{'verdict':>10}{'gen ms/case':>12}"
          f"{'search ms/case':>15}{'cpu overhead':>13}")
    largest = largest_cpu = 0.0
    for name, params in properties:
        for delay in delays:
            for seed in range(seeds):
                prop = TimedProperty(create(name, **params))
                call = Call(SlowMean(delay), seed=seed)
                engine = RandomEngine(SearchOptions(seed=seed, max_examples=max_examples, margin=10.0))
                start, start_cpu = time.perf_counter(), time.process_time()
                result = engine.search(prop, prop.space("circuit", call.estimator), call, 600.0, lambda *a: None)
                wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
                # the overhead on an idle machine, estimated from CPU time: the checker's CPU time (the
                # estimator's own arithmetic included, so an upper bound) against the sleeps as asked for
                cpu_overhead = cpu / (cpu + call.calls * delay)
                largest_cpu = max(largest_cpu, cpu_overhead)
                inside = call.estimator.seconds
                overhead = (wall - inside) / wall
                largest = max(largest, overhead)
                around = prop.evaluation - inside
                search = wall - prop.evaluation - prop.generation
                verdict = "violated" if result.witness or result.failure else "holds"
                shown = name + " " + ",".join(f"{k}={v}" for k, v in params.items())
                print(f"{shown:<26}{1e3 * delay:>5.0f}ms{seed:>5}{result.cases:>7}{call.calls:>7}"
                      f"{1e3 * inside / max(1, call.calls):>8.2f}{wall:>10.2f}{inside / wall:>8.0%}"
                      f"{around / wall:>7.0%}{prop.generation / wall:>7.0%}{search / wall:>8.0%}"
                      f"{overhead:>10.1%}{verdict:>10}{1e3 * prop.generation / max(1, result.cases):>12.2f}"
                      f"{1e3 * search / max(1, result.cases):>15.2f}{cpu_overhead:>13.1%}", flush=True)
    verdict = "met" if largest <= OVERHEAD_TARGET else "NOT MET"
    print(f"target: overhead <= {OVERHEAD_TARGET:.0%} on estimators over 1 ms per call: {verdict} "
          f"(largest {largest:.1%}; from CPU time, as on an idle machine: largest {largest_cpu:.1%})")


OVERHEAD_PROPERTIES = (("linearity", {"form": "combination"}), ("set-semantics", {}))


def draw_cases(prop: Any, count: int, seed: int, keys: list[str] | None = None) -> float:
    """Seconds to draw `count` cases of the property's circuit strategy with plain Hypothesis (generate
    phase only, no estimator): case generation on its own. With `keys`, each case's key is appended."""
    strategy = prop.space("circuit", Registry.default().create("mean")).draw()

    def body(case: Case) -> None:
        if keys is not None:
            keys.append(case.key())

    test = settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                    phases=[Phase.generate], verbosity=Verbosity.quiet)(hseed(seed)(given(strategy)(body)))
    start = time.perf_counter()
    test()
    return time.perf_counter() - start


def bench_generation(count: int, rounds: int, properties: tuple[tuple[str, dict[str, Any]], ...]) -> None:
    """Case generation with the argument strategies cached (this version) and built for every case
    (the previous path: the cache of `domains/circuit/strategies.py` bypassed), alternately in one
    process; the same seed draws the same cases in both."""
    import heurcheck.domains.circuit.strategies as strategies

    cached = strategies._cached
    modes = (("previous (built per case)", lambda make, *args: make(*args)), ("this version (cached)", cached))
    print(f"\ngeneration: {count} cases of each property's circuit strategy, plain Hypothesis (generate phase), "
          f"{rounds} alternating rounds; ms per case, median (range)")
    try:
        for name, params in properties:
            drawn: list[list[str]] = []
            for _, impl in modes:
                strategies._cached = impl
                drawn.append([])
                draw_cases(create(name, **params), 100, 0, drawn[-1])
            same = "same 100 cases: yes" if drawn[0] == drawn[1] else "same 100 cases: NO"
            times: dict[str, list[float]] = {label: [] for label, _ in modes}
            for r in range(rounds):
                for label, impl in (modes if r % 2 == 0 else modes[::-1]):
                    strategies._cached = impl
                    times[label].append(draw_cases(create(name, **params), count, r))
            shown = name + " " + ",".join(f"{k}={v}" for k, v in params.items())
            cells = [f"{label} {1e3 * statistics.median(t) / count:.2f} ({1e3 * min(t) / count:.2f}-"
                     f"{1e3 * max(t) / count:.2f})" for label, t in times.items()]
            ratio = statistics.median(times[modes[0][0]]) / statistics.median(times[modes[1][0]])
            print(f"  {shown:<27}{'   '.join(cells)}   previous / this: {ratio:.2f}x; {same}", flush=True)
    finally:
        strategies._cached = cached


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"a smoke run: {', '.join(QUICK_FAULTS)} only, 1 seed, 5 s cap, a short overhead run")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per check (default 5)")
    parser.add_argument("--cap", type=float, default=None, help="budget per check, seconds (default 30)")
    parser.add_argument("--only", nargs="*", default=[], help="planted faults (estimator class names) to run")
    parser.add_argument("--engines", nargs="*", default=list(ENGINES), help=f"engines (default {' '.join(ENGINES)})")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain Hypothesis baseline")
    parser.add_argument("--no-overhead", action="store_true", help="skip part 2")
    parser.add_argument("--no-faults", action="store_true", help="skip part 1")
    parser.add_argument("--draw", action="store_true",
                        help="only draw 300 cases of each overhead property (ms per case, and a digest of the first 50 "
                             "cases' keys): to compare versions, run it alternately with PYTHONPATH on each one's src")
    parser.add_argument("--generation", action="store_true",
                        help="run only part 3: case generation with and without the cached argument strategies")
    args = parser.parse_args()
    seeds = args.seeds or (1 if args.quick else 5)
    cap = args.cap or (5.0 if args.quick else 30.0)
    only = args.only or (list(QUICK_FAULTS) if args.quick else [])
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"PYTHONHASHSEED={os.environ.get('PYTHONHASHSEED')}")
    if args.draw:
        for name, params in OVERHEAD_PROPERTIES:
            keys: list[str] = []
            draw_cases(create(name, **params), 50, 0, keys)
            digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:12]
            seconds = draw_cases(create(name, **params), 300, 1)
            print(f"{name:<14}{1e3 * seconds / 300:8.2f} ms/case   first 50 cases {digest}   "
                  f"({Path(heurcheck.__file__).parent})", flush=True)
        return
    if args.generation:
        bench_generation(60 if args.quick else 300, 1 if args.quick else 5, OVERHEAD_PROPERTIES)
        return
    if not args.no_faults:
        bench_faults(seeds, cap, only, args.engines, not args.no_baseline)
    if not args.no_overhead:
        if args.quick:
            bench_overhead(60, 1, (0.001,), OVERHEAD_PROPERTIES[:1])
        else:
            bench_overhead(500, 3, (0.001, 0.002), OVERHEAD_PROPERTIES)


if __name__ == "__main__":
    main()
