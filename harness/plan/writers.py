"""plan.json and plan.csv (shape documented in docs/rollout.md). Both are written into a run directory.

In plan.json each user's rollback entries carry the original diff (as text; bytes that are not UTF-8
travel as lone surrogates, see :func:`harness.model.diff_text_from_bytes`); a stage's rollback lists
the same entries by ``diff_sha256`` so the diffs are stored once.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from harness.files import write_output
from harness.model import diff_text_from_bytes
from harness.plan.model import Plan, RollbackEntry, Stage, UserPlan
from harness.verdicts import Outcome

SCHEMA = "phoenix-plan/1"
BUCKET_RULE = ('murmur3_x86_32("{group_id}:{user_id}", seed=0, unsigned) % 100 + 1; '
               "enabled when percentage > 0 and bucket <= percentage")
CSV_COLUMNS = ("user_id", "outcome", "rule", "stage_index", "stage", "position", "complexity", "components",
               "bucket", "joins_after_approval", "reason")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    counts = {o.value: len(plan.users_with(o)) for o in Outcome}
    return {
        "schema": SCHEMA, "group_id": plan.group_id, "feature_flag": plan.feature_flag, "bucket_rule": BUCKET_RULE,
        "summary": {"users": len(plan.users), **counts, "scheduled": len(plan.scheduled())},
        "guardrails": list(plan.guardrails), "notes": list(plan.notes),
        "rollback": {"batch": plan.batch_rollback, "everyone": plan.full_rollback},
        "stages": [_stage(s) for s in plan.stages],
        "awaiting_approval": [{"user_id": u.user_id, "joins_after_approval": u.joins_after_approval,
                               "reasons": list(u.reasons)} for u in plan.users_with(Outcome.REVIEW)],
        "blocked": [{"user_id": u.user_id, "reasons": list(u.reasons)} for u in plan.users_with(Outcome.BLOCKED)],
        "users": [_user(u) for u in plan.users],
    }


def _stage(stage: Stage) -> dict[str, Any]:
    return {"index": stage.index, "key": stage.key, "title": stage.title, "kind": stage.kind.value,
            "flag_percentage": stage.flag_percentage,
            "users": [{"user_id": p.user_id, "reason": p.reason} for p in stage.picks],
            "rollback": {"action": stage.rollback_action,
                         "restore": [_entry(e, with_diff=False) for e in stage.rollback]}}


def _user(user: UserPlan) -> dict[str, Any]:
    return {"user_id": user.user_id, "outcome": user.outcome.value, "rule": user.rule,
            "complexity": user.complexity.value, "complexity_why": user.complexity_why,
            "components": user.components, "bucket": user.bucket, "stage": user.stage, "position": user.position,
            "joins_after_approval": user.joins_after_approval, "reasons": list(user.reasons),
            "rollback": [_entry(e, with_diff=True) for e in user.rollback]}


def _entry(entry: RollbackEntry, *, with_diff: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"user_id": entry.user_id, "component": entry.component,
                            "base_version": entry.base_version, "diff_sha256": entry.diff_sha256}
    if with_diff:
        data["diff"] = diff_text_from_bytes(entry.diff)
    return data


def plan_to_json(plan: Plan) -> str:
    # ensure_ascii keeps lone surrogates (non-UTF-8 diff bytes) as \udcXX escapes, which round-trip
    return json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=True) + "\n"


def plan_to_csv(plan: Plan) -> str:
    """One row per user, sorted by id; cells that a spreadsheet would run as a formula are quoted with '."""
    stage_index = {s.key: s.index for s in plan.stages}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for u in plan.users:
        row = (u.user_id, u.outcome.value, u.rule, stage_index.get(u.stage or "", ""), u.stage or "",
               u.position or "", u.complexity.value, u.components, u.bucket, u.joins_after_approval or "",
               u.reasons[0] if u.reasons else "")
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_plan(plan: Plan, directory: Path) -> tuple[Path, Path]:
    """Write plan.json and plan.csv into ``directory`` (created if needed); returns both paths."""
    json_path, csv_path = directory / "plan.json", directory / "plan.csv"
    _write(json_path, plan_to_json(plan))
    _write(csv_path, plan_to_csv(plan))
    return json_path, csv_path


def _write(path: Path, text: str) -> None:
    write_output(path, text.encode("utf-8"), what="the plan", code="store.plan_write")
