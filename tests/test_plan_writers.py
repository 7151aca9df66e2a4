"""plan.json and plan.csv: the documented shape, diffs that survive byte for byte, safe CSV cells."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

from harness.model import diff_bytes_from_text
from harness.plan import make_plan, plan_to_csv, plan_to_json, write_plan
from harness.plan.writers import CSV_COLUMNS, SCHEMA
from harness.verdicts import Outcome
from tests.test_plan import FLEET, PLAN, plan_user

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rollout.md"


def test_write_plan_writes_both_files(tmp_path: Path) -> None:
    json_path, csv_path = write_plan(PLAN, tmp_path / "run-1")
    data = json.loads(json_path.read_text())
    assert data["schema"] == SCHEMA
    assert data["summary"]["users"] == len(FLEET) == len(data["users"])
    assert data["summary"]["scheduled"] == data["summary"]["eligible"]
    assert [s["key"] for s in data["stages"]] == [s.key for s in PLAN.stages]
    rows = list(csv.DictReader(csv_path.open()))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["user_id"] for r in rows] == [u.user_id for u in PLAN.users]
    assert not list((tmp_path / "run-1").glob("*.tmp"))


def test_json_lists_review_and_blocked_users_with_reasons() -> None:
    data = json.loads(plan_to_json(PLAN))
    review = {u.user_id for u in PLAN.users_with(Outcome.REVIEW)}
    assert {u["user_id"] for u in data["awaiting_approval"]} == review
    assert all(u["joins_after_approval"] and u["reasons"] for u in data["awaiting_approval"])
    assert all(u["reasons"][0].startswith("Blocked: ") for u in data["blocked"])


def test_stage_rollback_refers_to_the_users_diffs() -> None:
    data = json.loads(plan_to_json(PLAN))
    diffs = {(e["user_id"], e["component"]): e["diff_sha256"] for u in data["users"] for e in u["rollback"]}
    for stage in data["stages"]:
        restore = stage["rollback"]["restore"]
        assert {e["user_id"] for e in restore} == {u["user_id"] for u in stage["users"]}
        assert all(diffs[(e["user_id"], e["component"])] == e["diff_sha256"] for e in restore)
        assert stage["rollback"]["action"]


def test_a_diff_that_is_not_utf8_survives_the_json_round_trip(tmp_path: Path) -> None:
    user = plan_user("latin1")
    raw = b"--- a/template.html.j2\n+++ b/template.html.j2\n@@ -1 +1 @@\n-Pr\xe9\n+Pr\xe9 \xa9\n"
    user = replace(user, customizations=(replace(user.customizations[0], diff=raw), *user.customizations[1:]))
    json_path, _ = write_plan(make_plan([user]), tmp_path)
    entry = json.loads(json_path.read_text())["users"][0]["rollback"][0]
    assert diff_bytes_from_text(entry["diff"]) == raw


def test_csv_cells_cannot_run_as_spreadsheet_formulas() -> None:
    text = plan_to_csv(make_plan([plan_user("=HYPERLINK(1)")]))
    row = next(csv.DictReader(text.splitlines()))
    assert row["user_id"] == "'=HYPERLINK(1)"


def test_the_docs_describe_every_json_key() -> None:
    docs = DOCS.read_text()
    data = json.loads(plan_to_json(PLAN))
    keys = {*data, *data["stages"][0], *data["users"][0], *data["users"][0]["rollback"][0]}
    assert sorted(k for k in keys if f"`{k}`" not in docs) == []
