"""Snapshot the verdicts and witnesses of every (estimator, property, domain) check at fixed case
counts (a generous time budget, so the case count ends each search), for refactors that must not
change behaviour: run it before and after, then compare the two JSON files.

    python scripts/snapshot_verdicts.py OUT.json [--seeds 0,1] [--max-examples 60]
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace

import click

from heurcheck.checker import CheckRequest, CheckSettings, check
from heurcheck.estimators.base import Capabilities
from heurcheck.estimators.registry import Registry
from heurcheck.properties.registry import available, property_class

# (engine, max_nodes) runs: random at a fixed case count, and the engines whose search is finite
RUNS = (("random", 4), ("auto", 2), ("exhaustive", 2), ("smt", 2), ("symbolic", 2))


@click.command()
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--seeds", default="0,1")
@click.option("--max-examples", default=60, type=int)
@click.option("--engines", default=",".join(e for e, _ in RUNS))
@click.option("-e", "--estimator", "only", multiple=True)
@click.option("-p", "--property", "props", multiple=True)
def main(out: str, seeds: str, max_examples: int, engines: str, only: tuple[str, ...], props: tuple[str, ...]) -> None:
    registry = Registry.default()
    rows = []
    wanted = set(engines.split(","))
    for seed in (int(s) for s in seeds.split(",")):
        for engine, nodes in RUNS:
            if engine not in wanted:
                continue
            settings = CheckSettings(max_examples=max_examples, budget=600.0, seed=seed, findings_dir=None,
                                     engine=engine, max_nodes=nodes)
            for name in only or registry.names():
                est = registry.create(name)
                for prop in props or available():
                    for domain in sorted(Capabilities.of(est).domains_among(property_class(prop).defined_on())):
                        for f in check(CheckRequest(name, properties=(prop,), domain=domain), settings, registry):
                            rows.append({"seed": seed, "engine": engine, "estimator": name, "property": prop,
                                         "domain": domain, "verdict": f.verdict.value, "cases": f.cases,
                                         "witness": f.witness, "message": f.message})
                            print(seed, engine, name, prop, domain, f.verdict.value, f.cases, file=sys.stderr,
                                  flush=True)
    with open(out, "w") as fh:
        json.dump(rows, fh, indent=1, sort_keys=True, default=str)


if __name__ == "__main__":
    main()
