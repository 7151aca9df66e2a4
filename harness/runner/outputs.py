"""Everything a run directory holds besides the store, regenerated from the store alone (no rendering).

``write_outputs(run_dir)`` writes ``results.json`` (reports/results_json.py), ``junit.xml``
(reports/junit.py) and ``plan.json`` + ``plan.csv`` (harness.plan), then, unless ``html=False``, calls
``reports.write_reports(run_dir)`` for the HTML dashboard, the user pages and the manifests (it returns
the dashboard's path, or a value whose ``index`` is that path).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.plan import PlanUser, make_plan, write_plan
from harness.runner.result import UserResult
from harness.store import StoreReader
from reports.junit import suite_tree, testcase, write_tree
from reports.results_json import assemble, user_entry, write_document


@dataclass(frozen=True)
class Outputs:
    results_json: Path
    junit: Path
    plan: tuple[Path, Path] | None
    dashboard: Path | None  # the HTML entry page, when the reports package wrote one


def plan_user(result: UserResult) -> PlanUser:
    """What the planner needs of a stored user (evidence without its cases: complexity reads the
    translation summaries only); a user the harness failed on counts as review."""
    evidence = replace(result.evidence, components=tuple(replace(c, cases=()) for c in result.evidence.components))
    return PlanUser(evidence, result.verdict, result.customizations())


def plan_users(store: StoreReader) -> list[PlanUser]:
    return [plan_user(r) for r in store.results()]


def _html_writer() -> Callable[[Path], Any] | None:
    module = importlib.import_module("reports")
    writer = getattr(module, "write_reports", None)
    return writer if callable(writer) else None


def write_machine_outputs(run_dir: Path) -> Outputs:
    """results.json, junit.xml and the plan, from one pass over the stored results."""
    users, cases, planned = [], [], []
    blocked = errors = 0
    seconds = 0.0
    with StoreReader.open(run_dir) as store:
        cached = {row.user_id for row in store.users() if row.from_cache}
        for result in store.results():
            users.append(user_entry(result, from_cache=result.user_id in cached))
            cases.append(testcase(result))
            planned.append(plan_user(result))
            blocked += result.status == "blocked"
            errors += result.status == "error"
            seconds += result.timings.get("total", 0.0)
        results_path = write_document(assemble(store, users, cached), run_dir)
        junit_path = write_tree(suite_tree(store.run(), cases, blocked=blocked, errors=errors, seconds=seconds),
                                run_dir)
        rollout = store.run().settings.get("rollout", {})
    plan = make_plan(planned, group_id=rollout.get("group_id", "phoenix-2026"),
                     feature_flag=rollout.get("feature_flag", "phoenix-slots"),
                     pilot_size=rollout.get("pilot_size", 50), internal_max=rollout.get("internal_max", 10))
    return Outputs(results_path, junit_path, write_plan(plan, run_dir), None)


def write_outputs(run_dir: Path, *, html: bool = True) -> Outputs:
    outputs = write_machine_outputs(run_dir)
    writer = _html_writer() if html else None
    if writer is None:
        return outputs
    written = writer(run_dir)
    index = written if isinstance(written, Path) else getattr(written, "index", None)
    return replace(outputs, dashboard=Path(index) if index is not None else None)
