"""Campaigns: a report card over many seeds, as independent tasks journaled one line each, resumable,
run on a local pool of processes or on a Ray cluster (the optional extra `heurcheck[ray]`)."""

from .aggregate import card_from_journal
from .executors import EXECUTORS, LocalExecutor, RayExecutor, RunSettings, make_executor, run_task
from .journal import open_journal, read_header, read_results
from .run import CampaignProgress, CampaignSettings, execute, plan_campaign, run_campaign
from .tasks import Plan, Task, TaskResult, make_plan, parse_seeds

__all__ = ["EXECUTORS", "CampaignProgress", "CampaignSettings", "LocalExecutor", "Plan", "RayExecutor", "RunSettings", "Task",
           "TaskResult", "card_from_journal", "execute", "make_executor", "make_plan", "open_journal", "parse_seeds",
           "plan_campaign", "read_header", "read_results", "run_campaign", "run_task"]
