"""Does the card find what `check` finds? For each cell of a saved card that is not a failure, run
`heurcheck check ESTIMATOR -p PROPERTY` with its default settings (same seed) and list the cells
that `check` finds violated (or failing) but the card did not.

    python scripts/card_parity.py CARD.json OUT.json [--jobs 2] [-e ESTIMATOR ...]

Each check runs as its own `heurcheck check` process (what a user would type), the findings in a
scratch folder; OUT.json gets one record per check (verdict per domain, cases, seconds) and is
rewritten after each one, so an interrupted audit keeps what it did. The exit status is 1 when some
cell is a miss.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

from heurcheck.jsonio import write_json_atomic


def audit_one(estimator: str, prop: str, seed: int, scratch: Path) -> dict[str, object]:
    out = scratch / f"{estimator}--{prop}.json".replace("/", "_")
    command = [sys.executable, "-m", "heurcheck", "check", estimator, "-p", prop, "--seed", str(seed),
               "--json", str(out), "--findings", str(scratch / "findings")]
    start = time.monotonic()
    status = subprocess.run(command, capture_output=True, text=True).returncode
    seconds = time.monotonic() - start
    findings = json.loads(out.read_text())["findings"] if out.exists() else []
    return {"estimator": estimator, "property": prop, "exit": status, "seconds": round(seconds, 1),
            "checks": [{"domain": f["domain"], "verdict": f["verdict"], "cases": f["cases"],
                        "message": f["message"]} for f in findings],
            "miss": any(f["verdict"] in ("violated", "estimator-error") for f in findings)}


@click.command()
@click.argument("card_path", type=click.Path(exists=True, dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--jobs", default=2, show_default=True)
@click.option("-e", "--estimator", "estimators", multiple=True, help="only these rows")
def main(card_path: str, out: str, jobs: int, estimators: tuple[str, ...]) -> None:
    card = json.loads(Path(card_path).read_text())
    todo = [(c["estimator"], c["property"]) for c in card["cells"]
            if c["verdict"] not in ("violated", "estimator-error", "not-applicable")
            and (not estimators or c["estimator"] in estimators)]
    print(f"{len(todo)} cells of {card_path} to audit with `heurcheck check` (seed {card['seed']})", flush=True)
    records: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as scratch, ThreadPoolExecutor(jobs) as pool:
        for record in pool.map(lambda ep: audit_one(ep[0], ep[1], card["seed"], Path(scratch)), todo):
            records.append(record)
            write_json_atomic(out, records)
            flag = "MISS" if record["miss"] else "ok  "
            verdicts = ", ".join(f"{c['domain']}: {c['verdict']} ({c['cases']})" for c in record["checks"])  # type: ignore[attr-defined]
            print(f"{flag} {record['estimator']} / {record['property']} in {record['seconds']} s: {verdicts}",
                  flush=True)
    misses = [r for r in records if r["miss"]]
    print(f"{len(misses)} of {len(records)} audited cells are violated by `check` but not on the card")
    sys.exit(1 if misses else 0)


if __name__ == "__main__":
    main()
