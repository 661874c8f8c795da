"""Compare two snapshots written by snapshot_verdicts.py: verdicts, case counts and witnesses.

    python scripts/compare_snapshots.py BEFORE.json AFTER.json

Checks missing from AFTER are ignored (a partial run, `-e`/`-p`), checks missing from BEFORE are
differences.
"""

from __future__ import annotations

import json
import sys


def main(before_path: str, after_path: str) -> int:
    key = ("seed", "engine", "estimator", "property", "domain")
    before = {tuple(r[k] for k in key): r for r in json.load(open(before_path))}
    after = {tuple(r[k] for k in key): r for r in json.load(open(after_path))}
    differ = 0
    for k in sorted(set(before) | set(after), key=str):
        a, b = before.get(k), after.get(k)
        if b is None:
            continue
        if a is None:
            print("only in after", k)
            differ += 1
            continue
        for field in ("verdict", "cases", "witness"):
            if a[field] != b[field]:
                differ += 1
                print(k, field, "\n  before:", str(a[field])[:300], "\n  after: ", str(b[field])[:300])
    same = len(set(before) & set(after))
    print(f"{same} checks in both; {differ} differences in verdict, case count or witness")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
