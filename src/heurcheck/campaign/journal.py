"""The campaign journal: JSON Lines, a header line, then one line per finished task.

Only the driver writes it. Each task's line is appended with one `write` on a file opened with
O_APPEND the moment the task ends, so a campaign killed at any point leaves every finished task in
the journal and at most one torn last line, which readers ignore and a resumed run cuts off before
appending. The journal is append-only: a task recorded again (a resumed run re-running a task whose
worker died) has a newer line that supersedes the older one, and readers take each task's latest
line. Resuming skips every task whose latest line is final, so no finished task runs twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from ..errors import InvalidJournal
from .tasks import RERUN, Plan, TaskResult, result_from_json

HEADER_FIELDS = ("estimators", "properties", "seeds", "max_examples", "tasks", "tool")


def _lines(path: Path) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, bytes, complete) for each line; only the last one can lack its newline."""
    with path.open("rb") as f:
        for number, raw in enumerate(f, 1):
            yield number, raw, raw.endswith(b"\n")


def _parse(path: Path, number: int, raw: bytes) -> Any:
    try:
        # the journal is heurcheck's own output: floats stay floats (as in the findings it holds)
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidJournal(f"{path}: line {number} is not a JSON object ({exc})") from None


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise InvalidJournal(f"{p}: no such journal file")
    for number, raw, complete in _lines(p):
        header = _parse(p, number, raw) if complete else None
        if not isinstance(header, dict) or header.get("kind") != "campaign" or \
                any(k not in header for k in HEADER_FIELDS):
            raise InvalidJournal(f"{p}: line 1 is not a campaign header (expected an object with kind 'campaign' "
                                 f"and {', '.join(HEADER_FIELDS)})")
        return header
    raise InvalidJournal(f"{p}: empty journal (expected a campaign header line)")


def read_results(path: str | os.PathLike[str]) -> Iterator[TaskResult]:
    """Each journaled task, streamed in the order written; a torn last line (a crash mid-write) is skipped."""
    p = Path(path)
    for number, raw, complete in _lines(p):
        if number == 1 or not complete:
            continue
        yield result_from_json(_parse(p, number, raw), f"{p} line {number}")


def latest_results(path: str | os.PathLike[str]) -> dict[str, TaskResult]:
    """Each journaled task's latest record, by key: a newer line of a task supersedes an older one."""
    return {r.task.key: r for r in read_results(path)}


def final_keys(path: str | os.PathLike[str], rerun: Collection[str] = RERUN) -> set[str]:
    """The keys of the tasks whose latest record is final: its status is not one to run again
    (their lines are read one at a time)."""
    latest = {r.task.key: r.status for r in read_results(path)}
    return {key for key, status in latest.items() if status not in rerun}


class JournalWriter:
    """Appends task lines to a journal; `open_journal` makes one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)

    def append(self, result: TaskResult) -> None:
        line = json.dumps(result.to_json(), separators=(",", ":"), default=str) + "\n"
        os.write(self._fd, line.encode("utf-8"))  # one write of a whole line on an O_APPEND file

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> JournalWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _same_campaign(header: dict[str, Any], plan: Plan) -> str | None:
    """None when a journal's header describes `plan`, else what differs."""
    wanted = json.loads(json.dumps(plan.header()))
    for key in HEADER_FIELDS + ("cases_for",):
        if header.get(key, {}) != wanted[key]:
            return f"{key} {header.get(key)!r} in the journal, {wanted[key]!r} in this run"
    if header.get("against") != wanted.get("against"):
        return f"against {header.get('against')!r} in the journal, {wanted.get('against')!r} in this run"
    return None


def open_journal(path: str | os.PathLike[str], plan: Plan, resume: bool,
                 rerun: Collection[str] = RERUN) -> tuple[JournalWriter, set[str]]:
    """A writer for `path` and the keys of the tasks already done: those whose latest record's status is
    not in `rerun`. A new journal gets the plan's header; `resume` continues one written for the same
    plan (its torn last line, if any, is cut off first)."""
    p = Path(path)
    if p.exists() and not resume:
        raise InvalidJournal(f"{p}: the journal exists; pass --resume to continue it, or choose another path")
    if not p.exists() or p.stat().st_size == 0:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(plan.header(), separators=(",", ":")) + "\n", encoding="utf-8")
        return JournalWriter(p), set()
    differs = _same_campaign(read_header(p), plan)
    if differs is not None:
        raise InvalidJournal(f"{p}: written for another campaign ({differs}); resume it with the same options, "
                             "or start a new journal")
    complete = 0
    for _, raw, whole in _lines(p):
        if whole:
            complete += len(raw)
    if complete != p.stat().st_size:
        os.truncate(p, complete)  # a torn last line: the task it recorded had not been journaled
    return JournalWriter(p), final_keys(p, rerun)
