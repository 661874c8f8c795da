"""A campaign's executors: throughput and the driver's memory, the local process pool against Ray.

Run: python benchmarks/bench_campaign.py [--quick] [--tasks N] [--real N] [--jobs J]

Part 1 (executor overhead). A campaign of N (default 10,000) cheap tasks runs through the real driver
(`heurcheck.campaign.execute`: the journal appended task by task, progress after each) on each executor
with J workers (default 2): the local process pool, and a local Ray instance started for the run with
J CPUs (its start-up is timed apart). A task is a stand-in for a check, `cheap` below: it builds its
finding without searching, so the figures are each executor's cost per task. Printed per executor:
wall time, tasks per second, and the driver's resident memory (RSS, from /proc/self/statm) after 10%
of the tasks and at the end, and its peak (ru_maxrss); flat memory means the end and the 10% figures
are close (results are streamed into the journal, not held). Each executor runs in a process of its
own, so that one's memory does not weigh on the other's peak. The local pool is the baseline: the
ratio is each run's throughput over the pool's mean throughput in the same benchmark. The machine is
shared, so the executors run in the order local, ray, ray, local (`--rounds 2`, ABBA): a load that
drifts during the benchmark weighs on both alike.

Part 2 (real checks). Real tasks, `perm-row` against each of its checks (property and domain) at
--max-examples 5 over R/6 seeds (R: --real, default 120), on each executor: tasks per second, and whether both
journals hold the same verdicts and case counts; per task, the mean wall time in the worker and the
mean CPU time of the worker process (the check is the same work on both: a difference in wall time
with the same CPU time is the machine's scheduling, not the executor's overhead).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from heurcheck.campaign import (CampaignProgress, LocalExecutor, RayExecutor, RunSettings, Task, TaskResult,
                                execute, make_plan, plan_campaign, read_results, run_task)
from heurcheck.campaign.run import CampaignSettings
from heurcheck.estimators.registry import Registry
from heurcheck.findings import Finding, Verdict


def cheap(task: Task, settings: RunSettings, registry: Any = None) -> TaskResult:
    """A stand-in for a check: its finding, made without a search."""
    finding = Finding(property=task.property, parameters={}, estimator=task.estimator, options={},
                      domain=task.domain, verdict=Verdict.NOT_REFUTED, engine="stand-in", seed=task.seed,
                      cases=task.max_examples)
    return TaskResult(task, "done", (finding,), 0.0)


def timed(task: Task, settings: RunSettings, registry: Any = None) -> TaskResult:
    """`run_task` (a real check), its process CPU time kept in the result's message for this benchmark."""
    cpu = time.process_time()
    result = run_task(task, settings, registry)
    return replace(result, message=f"cpu {time.process_time() - cpu:.4f}")


def rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def one_run(kind: str, n: int, jobs: int, real: bool) -> dict[str, Any]:
    """One executor's run, in this process; returns its figures."""
    folder = Path(tempfile.mkdtemp(prefix="bench-campaign-"))
    journal = folder / "j.jsonl"
    if real:
        plan = plan_campaign(Registry.default(), CampaignSettings(seeds=tuple(range(max(1, n // 6))), max_examples=5,
                                                                  estimators=("perm-row",)))
        runner_kwargs: dict[str, Any] = {"runner": timed}
    else:
        plan = make_plan(["stand-in"], ["linearity"], [("stand-in", "linearity", "circuit")], range(n), 1, 60.0)
        runner_kwargs = {"runner": cheap}
    start_rss = rss_mib()
    setup = 0.0
    if kind == "ray":
        import ray

        t0 = time.perf_counter()
        ray.init(num_cpus=jobs, include_dashboard=False, log_to_driver=False,
                 runtime_env={"env_vars": {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}})
        setup = time.perf_counter() - t0
        executor: Any = RayExecutor(None, jobs, RunSettings(), 300.0, **runner_kwargs)
    else:
        executor = LocalExecutor(jobs, RunSettings(), 300.0, **runner_kwargs)
    marks: dict[str, float] = {}
    total = len(plan.tasks)

    def progress(p: CampaignProgress) -> None:
        if p.done == max(1, total // 10):
            marks["rss_10"] = rss_mib()
        if p.done == total:
            marks["rss_end"] = rss_mib()

    t0 = time.perf_counter()
    execute(plan, journal, False, executor, None, progress)
    wall = time.perf_counter() - t0
    if kind == "ray":
        ray.shutdown()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before this benchmark reads the journal
    results, cpu, busy = [], 0.0, 0.0
    for r in read_results(journal):
        results.append((r.task.key, r.status, [(f.verdict.value, f.cases) for f in r.findings]))
        busy += r.seconds
        cpu += float(r.message.split()[1]) if r.message.startswith("cpu ") else 0.0
    return {"executor": kind, "tasks": total, "journaled": len(results), "wall": wall, "setup": setup,
            "rate": total / wall, "rss_start": start_rss, "rss_10": marks.get("rss_10", float("nan")),
            "rss_end": marks.get("rss_end", float("nan")),
            "rss_peak": peak,
            "verdicts": sorted(results) if real else None, "cpu": cpu / total, "busy": busy / total}


def mean_rate(rows: list[dict[str, Any]], kind: str) -> float:
    rates = [r["rate"] for r in rows if r["executor"] == kind]
    return sum(rates) / len(rates)


def in_child(kind: str, n: int, jobs: int, real: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--tasks", str(n), "--jobs", str(jobs)] + \
        (["--real-child"] if real else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 300 cheap tasks, 12 real ones, one round")
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--real", type=int, default=120)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="ABBA rounds: local, ray, then ray, local, ...")
    parser.add_argument("--child", choices=("local", "ray"), help=argparse.SUPPRESS)
    parser.add_argument("--real-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.child, args.tasks, args.jobs, args.real_child)))
        return
    n, real = (300, 12) if args.quick else (args.tasks, args.real)  # --tasks 0: part 2 alone
    rounds = 1 if args.quick else args.rounds
    import ray
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, CPython {platform.python_version()}, "
          f"ray {ray.__version__}; {args.jobs} workers per executor")
    if n:
        print(f"part 1: {n} cheap tasks (a stand-in finding, no search) through the driver and the journal")
        print(f"{'executor':<9}{'tasks':>7}{'journaled':>10}{'start (s)':>10}{'wall (s)':>10}{'tasks/s':>9}"
              f"{'RSS@0 MiB':>10}{'RSS@10%':>8}{'RSS end':>8}{'peak':>6}{'ratio':>7}")
    order = [kind for r in range(rounds) for kind in (("local", "ray") if r % 2 == 0 else ("ray", "local"))]
    rows = [in_child(kind, n, args.jobs, False) for kind in order] if n else []
    base = mean_rate(rows, "local") if rows else float("nan")
    for r in rows:
        print(f"{r['executor']:<9}{r['tasks']:>7}{r['journaled']:>10}{r['setup']:>10.1f}{r['wall']:>10.1f}"
              f"{r['rate']:>9.0f}{r['rss_start']:>10.0f}{r['rss_10']:>8.0f}{r['rss_end']:>8.0f}{r['rss_peak']:>6.0f}"
              f"{r['rate'] / base:>7.2f}")
    if rows:
        print(f"mean tasks/s: local {base:.0f}, ray {mean_rate(rows, 'ray'):.0f}; "
              f"ray / local = {mean_rate(rows, 'ray') / base:.2f}")
    print(f"part 2: real tasks, perm-row against each of its checks at --max-examples 5 over seeds "
          f"0-{max(1, real // 6) - 1} (the table gives their number)")
    print(f"{'executor':<9}{'tasks':>7}{'wall (s)':>10}{'tasks/s':>9}{'ratio':>7}{'task wall s':>12}{'task CPU s':>11}")
    real_rows = [in_child(kind, real, args.jobs, True) for kind in order]
    base = mean_rate(real_rows, "local")
    for r in real_rows:
        print(f"{r['executor']:<9}{r['tasks']:>7}{r['wall']:>10.1f}{r['rate']:>9.2f}{r['rate'] / base:>7.2f}"
              f"{r['busy']:>12.3f}{r['cpu']:>11.3f}")
    print(f"mean tasks/s: local {base:.2f}, ray {mean_rate(real_rows, 'ray'):.2f}; "
          f"ray / local = {mean_rate(real_rows, 'ray') / base:.2f}")
    same = all(r["verdicts"] == real_rows[0]["verdicts"] for r in real_rows)
    print(f"same verdicts and case counts in every journal: {'yes' if same else 'NO'}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
