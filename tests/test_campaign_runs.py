"""Campaigns of real checks, end to end: the same campaign under the local pool and under a real local
Ray instance gives the same journal verdicts and the same card; a campaign killed with SIGKILL midway
and resumed gives the card of an uninterrupted run with no task twice; on Ray, a task past its hard
timeout is killed and recorded, and a dead worker is recorded while the campaign goes on; on a Ray
cluster of two nodes on this machine, tasks run on both nodes and the card is the local one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import campaign_faults
from campaign_faults import DIE, HANG, cheap, tasks
from heurcheck.campaign import RayExecutor, RunSettings, TaskResult, read_results

pytestmark = pytest.mark.slow

HEURCHECK = [sys.executable, "-c", "from heurcheck.cli import main; main()"]
CAMPAIGN = ["matrix", "-e", "mean", "-e", "perm-row", "-p", "linearity", "-p", "iterated-estimation",
            "--seeds", "3", "--max-examples", "5"]  # 8 checks x 3 seeds: 24 tasks


def _heurcheck(*args: str) -> subprocess.Popen[str]:
    """The command in a session of its own, so that every process it starts can be found (`_session`)."""
    return subprocess.Popen([*HEURCHECK, *args], text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def _session(sid: int) -> list[int]:
    """The processes still alive in session `sid` (Linux /proc)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


def _no_process_left(sid: int) -> None:
    """Wait for the processes a command started to end; fail if some are still there after a minute."""
    for _ in range(600):
        if not _session(sid):
            return
        time.sleep(0.1)
    assert _session(sid) == [], "processes the command started outlived it"


def _finish(process: subprocess.Popen[str]) -> int:
    out, err = process.communicate(timeout=900)
    assert process.returncode in (0, 1), err
    return process.returncode


def _card(path: Path) -> dict[str, Any]:
    return _timeless(json.loads(path.read_text()))


def _timeless(node: Any) -> Any:
    """A card without its times (the run's and each check's `seconds`): the only fields that may differ."""
    if isinstance(node, dict):
        return {k: _timeless(v) for k, v in node.items() if k != "seconds"}
    return [_timeless(v) for v in node] if isinstance(node, list) else node


def _journal(path: Path) -> dict[str, tuple[str, list[tuple[str, str, int]]]]:
    results = list(read_results(path))
    keys = [r.task.key for r in results]
    assert len(keys) == len(set(keys)), "a task is journaled twice"
    return {r.task.key: (r.status, [(f.domain, f.verdict.value, f.cases) for f in r.findings]) for r in results}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The campaign run once to its end on the local pool: its journal and its card."""
    folder = tmp_path_factory.mktemp("local")
    process = _heurcheck(*CAMPAIGN, "--journal", str(folder / "j.jsonl"), "--json", str(folder / "card.json"),
                         "--findings", str(folder / "findings"), "--executor", "local")
    _finish(process)
    _no_process_left(process.pid)  # no worker outlives the command (one may take a moment to exit after it)
    return folder


@pytest.fixture(scope="module")
def ray_instance() -> Iterator[Any]:
    ray = pytest.importorskip("ray", reason="the Ray executor's tests need the extra heurcheck[ray]")
    context = ray.init(num_cpus=2, include_dashboard=False)
    try:
        yield context
    finally:
        ray.shutdown()


def test_a_campaign_killed_midway_and_resumed_gives_the_uninterrupted_card_with_no_task_twice(
        uninterrupted: Path, tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    process = _heurcheck(*CAMPAIGN, "--journal", str(journal), "--findings", str(tmp_path / "findings"))
    while process.poll() is None and (not journal.exists() or journal.read_text().count("\n") < 1 + 5):
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    _no_process_left(process.pid)  # its workers die with it
    killed_at = len(_journal(journal))
    assert process.returncode == -signal.SIGKILL and 5 <= killed_at < 24  # killed midway, not after its end
    _finish(_heurcheck(*CAMPAIGN, "--journal", str(journal), "--resume", "--json", str(tmp_path / "card.json"),
                       "--findings", str(tmp_path / "findings")))
    resumed, full = _journal(journal), _journal(uninterrupted / "j.jsonl")
    assert len(resumed) == 24 and resumed == full
    assert _card(tmp_path / "card.json") == _card(uninterrupted / "card.json")
    assert sorted(p.name for p in (tmp_path / "findings").iterdir()) == \
        sorted(p.name for p in (uninterrupted / "findings").iterdir())


def test_the_same_campaign_on_a_local_ray_instance_gives_the_same_journal_verdicts_and_card(
        uninterrupted: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the Ray executor's tests need the extra heurcheck[ray]")
    process = _heurcheck(*CAMPAIGN, "--journal", str(tmp_path / "j.jsonl"), "--json", str(tmp_path / "card.json"),
                         "--findings", str(tmp_path / "findings"), "--executor", "ray")  # starts its own instance
    _finish(process)
    _no_process_left(process.pid)  # the Ray instance it started is gone with it
    assert _journal(tmp_path / "j.jsonl") == _journal(uninterrupted / "j.jsonl")
    assert _card(tmp_path / "card.json") == _card(uninterrupted / "card.json")


def _descendants(pid: int) -> set[int]:
    """The processes alive under `pid`, at any depth (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found.update(children)
        todo.extend(children)
    return found


def test_a_campaign_on_a_ray_cluster_of_two_nodes_runs_tasks_on_both_and_gives_the_local_card(
        uninterrupted: Path, tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the Ray executor's tests need the extra heurcheck[ray]")
    from ray.cluster_utils import Cluster

    before = _descendants(os.getpid())
    cluster = Cluster(initialize_head=False, connect=False)  # starts nothing: the nodes start inside the try
    process = None
    try:
        head = cluster.add_node(num_cpus=1, include_dashboard=False)  # one CPU per node: one worker on each
        other = cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        process = _heurcheck(*CAMPAIGN, "--journal", str(tmp_path / "j.jsonl"), "--json", str(tmp_path / "card.json"),
                             "--findings", str(tmp_path / "findings"), "--executor", "ray",
                             "--ray-address", cluster.address)
        _finish(process)
    finally:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
        started = _descendants(os.getpid()) - before
        cluster.shutdown()
        for _ in range(600):  # the cluster's processes end with it
            if not started & _descendants(os.getpid()):
                break
            time.sleep(0.1)
        assert not started & _descendants(os.getpid()), "processes of the cluster outlived it"
    _no_process_left(process.pid)
    nodes = {r.node for r in read_results(tmp_path / "j.jsonl")}
    assert nodes == {head.node_id, other.node_id}  # the journal says where each task ran: on both nodes
    assert _journal(tmp_path / "j.jsonl") == _journal(uninterrupted / "j.jsonl")
    assert _card(tmp_path / "card.json") == _card(uninterrupted / "card.json")


def test_a_campaign_joins_an_existing_ray_cluster_by_its_address(uninterrupted: Path, ray_instance: Any,
                                                                 tmp_path: Path) -> None:
    address = ray_instance.address_info["gcs_address"]
    _finish(_heurcheck("matrix", "-e", "perm-row", "-p", "linearity", "--seeds", "3", "--max-examples", "5",
                       "--journal", str(tmp_path / "j.jsonl"), "--findings", str(tmp_path / "findings"),
                       "--executor", "ray", "--ray-address", address))
    joined, full = _journal(tmp_path / "j.jsonl"), _journal(uninterrupted / "j.jsonl")
    assert len(joined) == 3 and all(full[key] == result for key, result in joined.items())


def test_on_ray_a_task_past_its_timeout_is_killed_and_a_dead_worker_is_recorded_and_the_rest_run(
        ray_instance: Any) -> None:
    import ray.cloudpickle

    ray.cloudpickle.register_pickle_by_value(campaign_faults)  # Ray's workers do not see the tests folder
    results: list[TaskResult] = []
    work = tasks(["a", HANG, "b", DIE, "c", "d"])
    RayExecutor(None, 2, RunSettings(), timeout=5.0, runner=cheap).run(iter(work), results.append)
    status = {r.task.estimator: r.status for r in results}
    assert len(results) == len(work) and len({r.task.key for r in results}) == len(work)
    assert status == {"a": "done", HANG: "timeout", "b": "done", DIE: "worker-died", "c": "done", "d": "done"}
