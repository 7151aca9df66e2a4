"""Everything a run directory holds besides the store, regenerated from the store alone (no rendering).

``write_outputs(run_dir)`` reads the store once and hands every result to the writers of ``results.json``
(reports/results_json.py), ``junit.xml`` (reports/junit.py) and ``plan.json`` + ``plan.csv``
(harness.plan) and, unless ``html=False``, to ``reports.build.ReportWriter`` (the user pages, from the
page cache when their inputs were seen before, and the manifests); the dashboard is written last, so it
summarises the plan beside it and links the machine outputs that exist.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.plan import PlanUser, make_plan, write_plan
from harness.runner.result import UserResult
from harness.store import StoreReader
from reports.junit import suite_tree, testcase, write_tree
from reports.results_json import assemble, user_entry, write_document

if TYPE_CHECKING:
    from reports.build import ReportWriter


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


class MachineOutputs:
    """results.json, junit.xml and the plan, fed one stored result at a time (in user-id order)."""

    def __init__(self) -> None:
        self.users: list[Any] = []
        self.cases: list[Any] = []
        self.planned: list[PlanUser] = []
        self.blocked = self.errors = 0
        self.seconds = 0.0

    def add(self, result: UserResult, *, from_cache: bool) -> None:
        self.users.append(user_entry(result, from_cache=from_cache))
        self.cases.append(testcase(result))
        self.planned.append(plan_user(result))
        self.blocked += result.status == "blocked"
        self.errors += result.status == "error"
        self.seconds += result.timings.get("total", 0.0)

    def finish(self, store: StoreReader, run_dir: Path, cached: set[str]) -> Outputs:
        results_path = write_document(assemble(store, self.users, cached), run_dir)
        run = store.run()
        junit_path = write_tree(suite_tree(run, self.cases, blocked=self.blocked, errors=self.errors,
                                           seconds=self.seconds), run_dir)
        rollout = run.settings.get("rollout", {})
        plan = make_plan(self.planned, group_id=rollout.get("group_id", "phoenix-2026"),
                         feature_flag=rollout.get("feature_flag", "phoenix-slots"),
                         pilot_size=rollout.get("pilot_size", 50), internal_max=rollout.get("internal_max", 10))
        return Outputs(results_path, junit_path, write_plan(plan, run_dir), None)


def write_machine_outputs(run_dir: Path) -> Outputs:
    """results.json, junit.xml and the plan, from one pass over the stored results."""
    return write_outputs(run_dir, html=False)


def write_outputs(run_dir: Path, *, html: bool = True, page_cache: Path | bool | None = True) -> Outputs:
    """Every output of the run directory from one pass over the stored results (each decoded once).

    ``page_cache``: where user pages are cached (reports/pagecache.py); True (the default) is the result
    cache the run used (``RunInfo.cache_dir``, when it exists), False or None no page cache.
    """
    with StoreReader.open(run_dir) as store:
        cached = {row.user_id for row in store.users() if row.from_cache}
        machine = MachineOutputs()
        with contextlib.ExitStack() as stack:
            report = stack.enter_context(_report_writer(store, run_dir, page_cache)) if html else None
            for raw, result in store.results_json():
                machine.add(result, from_cache=result.user_id in cached)
                if report is not None:
                    report.add(raw, result)
            outputs = machine.finish(store, run_dir, cached)
            dashboard = report.finish() if report is not None else None
    return replace(outputs, dashboard=dashboard)


def _report_writer(store: StoreReader, run_dir: Path, page_cache: Path | bool | None) -> ReportWriter:
    from reports.build import ReportWriter
    from reports.pagecache import PageCache

    if page_cache is True:
        recorded = store.run().cache_dir
        page_cache = Path(recorded) if recorded and Path(recorded).is_dir() else None
    return ReportWriter(store, run_dir, page_cache=PageCache.at(page_cache) if page_cache else None)
